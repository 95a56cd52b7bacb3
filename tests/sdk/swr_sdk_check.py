"""The official Huawei Cloud Python SDK (huaweicloudsdkswr) against a running `regmock serve`, unchanged.

Usage: python swr_sdk_check.py BASE_URL   (e.g. http://127.0.0.1:8080)
Prints one line per check and finally `N passed, M failed`; exits 1 if any check failed.
"""

import os
import sys
import tempfile
import traceback

# The SDK writes ~/.huaweicloud/application_id when imported: keep that out of the real home.
os.environ["HOME"] = tempfile.mkdtemp(prefix="regmock-sdk-home-")

from huaweicloudsdkcore.auth.credentials import BasicCredentials  # noqa: E402
from huaweicloudsdkcore.exceptions import exceptions  # noqa: E402
from huaweicloudsdkcore.http.http_config import HttpConfig  # noqa: E402
from huaweicloudsdkswr.v2 import (  # noqa: E402
    ListReposDetailsRequest,
    ListRepositoryTagsRequest,
    ShowRepoTagRequest,
    SwrClient,
)

AK, SK = "regmock-access-key", "regmock-secret-key"
MANIFEST_CONFIG = "sha256:741f24a795d6d93d7c6edd11780d63c13e16c39615dd9d223378a57a836f2ee6"


def client(base, sk=SK):
    config = HttpConfig.get_default_config()
    config.user_agent = "regmock-sdk-check"  # a fixed, signed User-Agent
    return (
        SwrClient.new_builder()
        .with_credentials(BasicCredentials(AK, sk))
        .with_endpoints([base])
        .with_http_config(config)
        .build()
    )


def check_list_repos(c):
    resp = c.list_repos_details(ListReposDetailsRequest(namespace="group", name="busybox"))
    assert resp.body is not None and len(resp.body) == 1, resp.body
    repo = resp.body[0]
    assert repo.name == "busybox" and repo.namespace == "group", repo
    assert repo.category == "linux" and repo.description == "this is a busybox repository"
    assert repo.size == 200977474 and repo.num_images == 2 and repo.num_download == 0
    assert repo.is_public is False and repo.status is False
    assert repo.created_at == "2021-06-10T03:24:44.784402Z"
    assert repo.updated_at == "2021-06-10T03:40:59.199352Z"
    assert repo.tags == ["latest", "log"] and repo.total_range == 1
    assert repo.path.endswith("/group/busybox") and repo.domain_name == "root"
    assert resp.content_range is None, resp.content_range


def check_list_repos_paged(c):
    resp = c.list_repos_details(ListReposDetailsRequest(limit="10", offset="0"))
    assert len(resp.body) == 10
    start, rest = resp.content_range.split("-")
    count, total = rest.split("/")
    assert (start, count) == ("0", "10") and int(total) >= 250, resp.content_range
    assert all(r.total_range == int(total) for r in resp.body)


def check_list_tags(c):
    resp = c.list_repository_tags(ListRepositoryTagsRequest(namespace="group", repository="busybox"))
    tags = {t.tag: t for t in resp.body}
    assert set(tags) == {"latest", "log"}, list(tags)
    latest = tags["latest"]
    assert latest.id == 0 and latest.repo_id == 0
    assert latest.digest == "sha256:57b605845a6367c34bfb6ea6477f16852f59aa1861a2b51d10ab77ae0a1dc9c3"
    assert latest.image_id == MANIFEST_CONFIG.split(":")[1]
    assert MANIFEST_CONFIG in latest.manifest
    assert latest.size == 1304902 and latest.schema == 2 and latest.tag_type == 0
    assert latest.created == "2018-07-06T06:18:55Z" and latest.updated == "2018-07-06T06:18:55Z"
    assert latest.domain_id == "0503dda878000fed0f75c0096d70a960"
    assert latest.is_trusted is False and latest.deleted is None


def check_list_tags_filter(c):
    # The documented filter form, which the SDK percent-encodes (| and : included).
    req = ListRepositoryTagsRequest(
        namespace="group",
        repository="bulk-app",
        filter="offset::20|limit::10|order_column::updated_at|order_type::desc",
    )
    resp = c.list_repository_tags(req)
    assert len(resp.body) == 10
    assert resp.content_range == "20-10/1500", resp.content_range
    updated = [t.updated for t in resp.body]
    assert updated == sorted(updated, reverse=True), updated


def check_show_tag(c):
    resp = c.show_repo_tag(ShowRepoTagRequest(namespace="group", repository="busybox", tag="latest"))
    assert resp.tag == "latest", resp.tag
    assert resp.size == 1304902 and resp.image_id == MANIFEST_CONFIG.split(":")[1]
    assert resp.digest == "sha256:57b605845a6367c34bfb6ea6477f16852f59aa1861a2b51d10ab77ae0a1dc9c3"
    assert resp.manifest.startswith('{"schemaVersion":2')
    assert resp.created == "2018-07-06T06:18:55Z"


def check_show_tag_slash(c):
    # The SDK sends library/nginx as library%2Fnginx, and signs the decoded path.
    resp = c.show_repo_tag(ShowRepoTagRequest(namespace="group", repository="library/nginx", tag="v1.2-rc_1"))
    assert resp.tag == "v1.2-rc_1" and resp.path.endswith("/group/library/nginx:v1.2-rc_1"), resp.path


def check_show_tag_dollar(c):
    # The show-tag page's own advice: `$` in place of `/`.
    resp = c.show_repo_tag(ShowRepoTagRequest(namespace="group", repository="library$nginx", tag="latest"))
    assert resp.tag == "latest" and resp.tag_type == 1


def check_unknown_tag_404(c):
    try:
        c.show_repo_tag(ShowRepoTagRequest(namespace="group", repository="busybox", tag="nope"))
    except exceptions.ClientRequestException as e:
        assert e.status_code == 404, e.status_code
        assert e.error_code == "SVCSTG.SWR.4040010", e.error_code
        assert e.error_msg == "The image does not exist.", e.error_msg
        assert e.request_id, "X-Request-Id is read into request_id"
        return
    raise AssertionError("no exception for an unknown tag")


def check_bad_limit_400(c):
    try:
        c.list_repos_details(ListReposDetailsRequest(limit="abc"))
    except exceptions.ClientRequestException as e:
        assert e.status_code == 400 and e.error_code == "SVCSTG.SWR.4000014", (e.status_code, e.error_code)
        return
    raise AssertionError("no exception for limit=abc")


def check_wrong_secret_401(base):
    try:
        client(base, sk="not-the-secret").list_repos_details(ListReposDetailsRequest())
    except exceptions.ClientRequestException as e:
        assert e.status_code == 401 and e.error_code == "APIGW.0301", (e.status_code, e.error_code)
        assert e.error_msg.startswith("Incorrect IAM authentication information"), e.error_msg
        return
    raise AssertionError("a wrong secret key was accepted")


def main():
    base = sys.argv[1]
    c = client(base)
    checks = [
        ("list_repos_details: documented busybox item", lambda: check_list_repos(c)),
        ("list_repos_details: limit/offset give Content-Range", lambda: check_list_repos_paged(c)),
        ("list_repository_tags: documented latest tag", lambda: check_list_tags(c)),
        ("list_repository_tags: filter string, Content-Range, order", lambda: check_list_tags_filter(c)),
        ("show_repo_tag: documented latest tag", lambda: check_show_tag(c)),
        ("show_repo_tag: repository with / sent as %2F", lambda: check_show_tag_slash(c)),
        ("show_repo_tag: repository with $ for /", lambda: check_show_tag_dollar(c)),
        ("show_repo_tag: unknown tag is 404 SVCSTG.SWR.4040010", lambda: check_unknown_tag_404(c)),
        ("list_repos_details: limit=abc is 400 SVCSTG.SWR.4000014", lambda: check_bad_limit_400(c)),
        ("wrong secret key is 401 APIGW.0301", lambda: check_wrong_secret_401(base)),
    ]
    passed = failed = 0
    for name, run in checks:
        try:
            run()
            passed += 1
            print(f"ok    {name}")
        except Exception:  # noqa: BLE001 - report every failure, keep going
            failed += 1
            print(f"FAIL  {name}")
            traceback.print_exc()
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
