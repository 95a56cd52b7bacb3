//! Paths: `/` in repository names, percent-encoding, unknown paths and methods.

use super::*;
use regmock::http::Request;

#[test]
fn repository_with_slash_is_reachable_in_every_spelling() {
    // The docs say `$`; the SDK sends `%2F`; `%24` is `$` encoded; a raw `/` is what curl users type.
    for repo in [
        "library$nginx",
        "library%24nginx",
        "library%2Fnginx",
        "library%2fnginx",
        "library/nginx",
    ] {
        let body = ok_body(
            &get(&format!(
                "/v2/manage/namespaces/group/repos/{repo}/tags/v1.2-rc_1"
            )),
            SHOW_TAG,
        );
        assert_eq!(body["tag"], "v1.2-rc_1", "spelling {repo}");
        assert_eq!(
            body["path"],
            "swr.cn-north-4.myhuaweicloud.com/group/library/nginx:v1.2-rc_1"
        );
    }
}

#[test]
fn a_tag_named_tags_is_a_show_tag_and_raw_slashes_still_route() {
    use regmock::providers::swr::routes::{Route, route};
    let show = |repository: &str, tag: &str| {
        Some(Route::ShowRepoTag {
            namespace: "group".into(),
            repository: repository.into(),
            tag: tag.into(),
        })
    };
    let list = |repository: &str| {
        Some(Route::ListRepositoryTags {
            namespace: "group".into(),
            repository: repository.into(),
        })
    };
    let at = |rest: &str| route("GET", &format!("/v2/manage/namespaces/group/repos/{rest}"));
    assert_eq!(at("busybox/tags/tags"), show("busybox", "tags"));
    assert_eq!(at("library/nginx/tags/tags"), show("library/nginx", "tags"));
    assert_eq!(at("busybox%2Ftags/tags"), list("busybox/tags"));
    assert_eq!(at("tags/tags"), list("tags"));
    assert_eq!(at("tags/tags/latest"), show("tags", "latest"));
    assert_eq!(at("a/tags/b/tags"), list("a/tags/b"));
    assert_eq!(at("tags"), None);
    assert_eq!(at("tags/latest"), None);
}

#[test]
fn list_tags_accepts_a_trailing_slash() {
    let body = ok_body(
        &get("/v2/manage/namespaces/group/repos/busybox/tags/"),
        LIST_TAGS,
    );
    assert_eq!(names(&body, "Tag").len(), 2);
}

#[test]
fn unknown_paths_get_the_gateway_404() {
    for target in [
        "/v2/manage/nothing",
        "/v2/manage/namespaces/group",
        "/v2/manage/namespaces/group/repos/busybox",
        "/v2/manage/namespaces/group/repos/busybox/tags/latest/extra",
        "/v2/manage/namespaces//repos/busybox/tags",
    ] {
        assert_gateway_error(&get(target), 404, "APIGW.0101");
    }
}

#[test]
fn methods_other_than_get_get_the_gateway_404() {
    for method in ["POST", "PUT", "DELETE", "PATCH"] {
        let req = Request::new(method, "/v2/manage/repos").header("X-Auth-Token", "t");
        assert_gateway_error(&common::emulator().dispatch(&req), 404, "APIGW.0101");
    }
}

#[test]
fn every_answer_carries_a_request_id() {
    let resp = get("/v2/manage/repos?limit=1");
    let id = resp.header_value("x-request-id").unwrap();
    assert_eq!(id.len(), 32);
}
