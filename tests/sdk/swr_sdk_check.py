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
from faulted_serve import FaultedServe, header  # noqa: E402
from huaweicloudsdkswr.v2 import (  # noqa: E402
    ListReposDetailsRequest,
    ListRepositoryTagsRequest,
    ShowRepoTagRequest,
    SwrClient,
)

AK, SK = "regmock-access-key", "regmock-secret-key"
MANIFEST_CONFIG = "sha256:741f24a795d6d93d7c6edd11780d63c13e16c39615dd9d223378a57a836f2ee6"
ADDRESS = "swr.cn-north-4.myhuaweicloud.com"
INTERNAL = "10.125.0.198:20202"
DOMAIN_ID = "0503dda878000fed0f75c0096d70a960"
DIGEST = "sha256:57b605845a6367c34bfb6ea6477f16852f59aa1861a2b51d10ab77ae0a1dc9c3"


def http_config(**overrides):
    config = HttpConfig.get_default_config()
    config.user_agent = "regmock-sdk-check"  # a fixed, signed User-Agent
    for name, value in overrides.items():
        setattr(config, name, value)
    return config


def client(base, sk=SK, project_id=None, **config):
    return (
        SwrClient.new_builder()
        .with_credentials(BasicCredentials(AK, sk, project_id))
        .with_endpoints([base])
        .with_http_config(http_config(**config))
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
    assert repo.path == f"{ADDRESS}/group/busybox", repo.path
    assert repo.internal_path == f"{INTERNAL}/group/busybox", repo.internal_path
    assert repo.domain_name == "root" and repo.logo == "" and repo.url == ""
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
    assert latest.domain_id == DOMAIN_ID
    assert latest.is_trusted is False and latest.deleted is None
    assert latest.path == f"{ADDRESS}/group/busybox:latest", latest.path
    assert latest.internal_path == f"{INTERNAL}/group/busybox:latest", latest.internal_path
    assert resp.content_range is None, resp.content_range


def check_list_tags_tag_filter(c):
    # The documented example shows one item: `tag::latest` in filter (a substring match) selects exactly it.
    req = ListRepositoryTagsRequest(namespace="group", repository="busybox", filter="tag::latest")
    resp = c.list_repository_tags(req)
    assert [t.tag for t in resp.body] == ["latest"], [t.tag for t in resp.body]
    assert resp.body[0].digest == DIGEST


def check_list_tags_paged(c):
    # Top-level limit/offset (not inside filter): Content-Range offset-count/total.
    resp = c.list_repository_tags(
        ListRepositoryTagsRequest(namespace="group", repository="bulk-app", limit="10", offset="1490")
    )
    assert len(resp.body) == 10, len(resp.body)
    assert resp.content_range == "1490-10/1500", resp.content_range
    assert len({t.tag for t in resp.body}) == 10


def check_list_tags_past_end(c):
    # Offset past the end is 200 []; the SDK turns [] into body None.
    resp = c.list_repository_tags(
        ListRepositoryTagsRequest(namespace="group", repository="bulk-app", limit="100", offset="1500")
    )
    assert resp.status_code == 200 and resp.body is None, (resp.status_code, resp.body)


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
    assert resp.id == 0 and resp.repo_id == 0, (resp.id, resp.repo_id)
    assert resp.size == 1304902 and resp.image_id == MANIFEST_CONFIG.split(":")[1]
    assert resp.digest == DIGEST
    assert resp.manifest.startswith('{"schemaVersion":2') and MANIFEST_CONFIG in resp.manifest
    assert resp.schema == 2 and resp.tag_type == 0 and resp.is_trusted is False
    assert resp.created == "2018-07-06T06:18:55Z" and resp.updated == "2018-07-06T06:18:55Z"
    assert resp.path == f"{ADDRESS}/group/busybox:latest", resp.path
    assert resp.internal_path == f"{INTERNAL}/group/busybox:latest", resp.internal_path
    assert resp.domain_id == DOMAIN_ID, resp.domain_id


def check_show_tag_slash(c):
    # The SDK sends library/nginx as library%2Fnginx, and signs the decoded path.
    resp = c.show_repo_tag(ShowRepoTagRequest(namespace="group", repository="library/nginx", tag="v1.2-rc_1"))
    assert resp.tag == "v1.2-rc_1" and resp.path.endswith("/group/library/nginx:v1.2-rc_1"), resp.path


def check_show_tag_dollar(c):
    # The show-tag page's own advice: `$` in place of `/`.
    resp = c.show_repo_tag(ShowRepoTagRequest(namespace="group", repository="library$nginx", tag="latest"))
    assert resp.tag == "latest" and resp.tag_type == 1


def raised(kind, call):
    """Runs `call`, which must raise the SDK exception `kind`; returns the exception."""
    try:
        call()
    except kind as e:
        return e
    raise AssertionError(f"no {kind.__name__} raised")


def list_with_fault(c, fault):
    """list_repos_details with regmock's fault header, added through the SDK's own invoker."""
    return c.list_repos_details_invoker(ListReposDetailsRequest()).add_header("X-Regmock-Fault", fault).invoke()


def check_unknown_tag_404(c):
    e = raised(
        exceptions.ClientRequestException,
        lambda: c.show_repo_tag(ShowRepoTagRequest(namespace="group", repository="busybox", tag="nope")),
    )
    assert e.status_code == 404, e.status_code
    assert e.error_code == "SVCSTG.SWR.4040010", e.error_code
    assert e.error_msg == "The image does not exist.", e.error_msg
    assert e.request_id, "X-Request-Id is read into request_id"


def check_unknown_repo_404(c):
    e = raised(
        exceptions.ClientRequestException,
        lambda: c.list_repository_tags(ListRepositoryTagsRequest(namespace="group", repository="nothing")),
    )
    assert e.status_code == 404, e.status_code
    assert e.error_code.startswith("SVCSTG.SWR."), e.error_code


def check_project_id_signed(base):
    # BasicCredentials with a project id: the SDK adds and signs X-Project-Id (note, vector F).
    resp = client(base, project_id="proj123").show_repo_tag(
        ShowRepoTagRequest(namespace="group", repository="busybox", tag="latest")
    )
    assert resp.tag == "latest" and resp.digest == DIGEST


def check_no_content_type(base):
    # ignore_content_type_for_get_request: no Content-Type, so it is not among the signed headers.
    resp = client(base, ignore_content_type_for_get_request=True).list_repos_details(
        ListReposDetailsRequest(namespace="group", name="busybox")
    )
    assert [r.name for r in resp.body] == ["busybox"]


def check_vendor_sample_region(base):
    # The vendor sample unchanged (with_region), routed to the mock by the SDK's region environment variable.
    from huaweicloudsdkswr.v2.region.swr_region import SwrRegion

    os.environ["HUAWEICLOUD_SDK_REGION_SWR_CN_NORTH_4"] = base
    c = (
        SwrClient.new_builder()
        .with_credentials(BasicCredentials(AK, SK, "0" * 32))  # a project id avoids the IAM project lookup
        .with_region(SwrRegion.value_of("cn-north-4"))
        .with_http_config(http_config())
        .build()
    )
    resp = c.show_repo_tag(ShowRepoTagRequest(namespace="group", repository="busybox", tag="latest"))
    assert resp.tag == "latest" and resp.digest == DIGEST


def check_bad_limit_400(c):
    e = raised(exceptions.ClientRequestException, lambda: c.list_repos_details(ListReposDetailsRequest(limit="abc")))
    assert e.status_code == 400 and e.error_code == "SVCSTG.SWR.4000014", (e.status_code, e.error_code)


def check_forbidden_403(c):
    # regmock's injected fault (X-Regmock-Fault, added through the SDK's invoker) gives the appendix's combined
    # error object; the SDK reads its top-level error_code/error_msg.
    e = raised(
        exceptions.ClientRequestException,
        lambda: list_with_fault(c, "forbidden"),
    )
    assert e.status_code == 403, e.status_code
    assert e.error_code == "SVCSTG.SWR.4030170", e.error_code
    assert e.error_msg == "Insufficient permissions", e.error_msg


def check_internal_500(c):
    # 5xx raises ServerResponseException (never retried by the SDK).
    e = raised(
        exceptions.ServerResponseException,
        lambda: list_with_fault(c, "internal-error"),
    )
    assert e.status_code == 500, e.status_code
    assert e.error_code.startswith("SVCSTG.SWR.5"), e.error_code


def check_throttle_no_retry():
    # Without retry_times the SDK raises the first 429 (urllib3's "too many 429" message, the body discarded).
    with FaultedServe("throttle,provider=swr,first=2,retry-after=1") as srv:
        e = raised(
            exceptions.ClientRequestException,
            lambda: client(srv.base).list_repos_details(ListReposDetailsRequest(namespace="group", name="busybox")),
        )
        assert e.status_code == 429, e.status_code
        assert [r["status"] for r in srv.requests()] == [429], srv.requests()


def check_throttle_retried():
    # retry_times=3: urllib3 resends the byte-identical signed request after Retry-After (1 s) until it succeeds.
    with FaultedServe("throttle,provider=swr,first=2,retry-after=1") as srv:
        c = client(srv.base, retry_times=3)
        check_list_repos(c)
        sent = srv.requests()
        assert [r["status"] for r in sent] == [429, 429, 200], [r["status"] for r in sent]
        assert len({header(r, "X-Sdk-Date") for r in sent}) == 1, "a resend, not a re-signed request"
        assert len({header(r, "Authorization") for r in sent}) == 1


def check_throttle_retries_exhausted():
    # retry_times=1 against two throttled answers: two requests, then the 429 is raised.
    with FaultedServe("throttle,provider=swr,first=2,retry-after=1") as srv:
        e = raised(
            exceptions.ClientRequestException,
            lambda: client(srv.base, retry_times=1).list_repos_details(ListReposDetailsRequest()),
        )
        assert e.status_code == 429, e.status_code
        assert [r["status"] for r in srv.requests()] == [429, 429]


def check_wrong_secret_401(base):
    e = raised(
        exceptions.ClientRequestException,
        lambda: client(base, sk="not-the-secret").list_repos_details(ListReposDetailsRequest()),
    )
    assert e.status_code == 401 and e.error_code == "APIGW.0301", (e.status_code, e.error_code)
    assert e.error_msg.startswith("Incorrect IAM authentication information"), e.error_msg


def main():
    if len(sys.argv) != 2 or not sys.argv[1].startswith(("http://", "https://")):
        sys.exit("usage: swr_sdk_check.py BASE_URL   (e.g. http://127.0.0.1:8080)")
    base = sys.argv[1].rstrip("/")
    c = client(base)
    checks = [
        ("list_repos_details: documented busybox item", lambda: check_list_repos(c)),
        ("list_repos_details: limit/offset give Content-Range", lambda: check_list_repos_paged(c)),
        ("list_repository_tags: documented latest tag", lambda: check_list_tags(c)),
        ("list_repository_tags: filter string, Content-Range, order", lambda: check_list_tags_filter(c)),
        ("list_repository_tags: filter tag::latest = documented single item", lambda: check_list_tags_tag_filter(c)),
        ("list_repository_tags: top-level limit/offset give Content-Range", lambda: check_list_tags_paged(c)),
        ("list_repository_tags: offset past the end is [] (body None)", lambda: check_list_tags_past_end(c)),
        ("show_repo_tag: documented latest tag", lambda: check_show_tag(c)),
        ("show_repo_tag: repository with / sent as %2F", lambda: check_show_tag_slash(c)),
        ("show_repo_tag: repository with $ for /", lambda: check_show_tag_dollar(c)),
        ("show_repo_tag: unknown tag is 404 SVCSTG.SWR.4040010", lambda: check_unknown_tag_404(c)),
        ("list_repository_tags: unknown repository is 404 SVCSTG.SWR.*", lambda: check_unknown_repo_404(c)),
        ("list_repos_details: limit=abc is 400 SVCSTG.SWR.4000014", lambda: check_bad_limit_400(c)),
        ("injected fault: 403 SVCSTG.SWR.4030170 read from the combined error body", lambda: check_forbidden_403(c)),
        ("injected fault: 500 raises ServerResponseException", lambda: check_internal_500(c)),
        ("wrong secret key is 401 APIGW.0301", lambda: check_wrong_secret_401(base)),
        ("project id: signed X-Project-Id is accepted", lambda: check_project_id_signed(base)),
        ("ignore_content_type_for_get_request: no Content-Type, accepted", lambda: check_no_content_type(base)),
        ("vendor sample with_region, HUAWEICLOUD_SDK_REGION_SWR_CN_NORTH_4", lambda: check_vendor_sample_region(base)),
        ("throttle fault, retry_times=0: the first 429 raises, 1 request", check_throttle_no_retry),
        ("throttle fault first=2, retry_times=3: same signed request resent after Retry-After, 200 on the 3rd",
         check_throttle_retried),
        ("throttle fault first=2, retry_times=1: 2 requests, then 429 raises", check_throttle_retries_exhausted),
    ]
    passed = failed = 0
    for name, run in checks:
        try:
            run()
            passed += 1
            print(f"ok    {name}", flush=True)
        except Exception:  # noqa: BLE001 - report every failure, keep going
            failed += 1
            print(f"FAIL  {name}", flush=True)
            traceback.print_exc(file=sys.stdout)
    print(f"{passed} passed, {failed} failed", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
