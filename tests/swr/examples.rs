//! The vendor pages' documented examples, reproduced through every transport.

use super::*;
use serde_json::json;

const MANIFEST: &str = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":1862,\"digest\":\"sha256:741f24a795d6d93d7c6edd11780d63c13e16c39615dd9d223378a57a836f2ee6\"},\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":1292800,\"digest\":\"sha256:8ac8bfaff55af948c796026ee867448c5b5b5d9dd3549f4006d9759b25d4a893\"},{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":10240,\"digest\":\"sha256:77ddbf3a9fe11e81761a0f9df43a28e3e6f29bbb53c0c8cf71cd7efa69729aed\"}]}";

#[tokio::test]
async fn list_repos_reproduces_documented_busybox_item() {
    // Given the embedded dataset; when the documented repository is asked for
    let resp = common::answer_everywhere(
        &common::emulator(),
        &common::swr_get("/v2/manage/repos?namespace=group&name=busybox"),
    )
    .await;
    // then the item equals the documented example, with the registry address in place of {Repository address}
    let body = ok_body(&resp, LIST_REPOS);
    assert_eq!(
        body,
        json!([{
            "name": "busybox", "category": "linux", "description": "this is a busybox repository",
            "size": 200977474, "is_public": false, "num_images": 2, "num_download": 0,
            "created_at": "2021-06-10T03:24:44.784402Z", "updated_at": "2021-06-10T03:40:59.199352Z",
            "logo": "", "url": "",
            "path": "swr.cn-north-4.myhuaweicloud.com/group/busybox",
            "internal_path": "10.125.0.198:20202/group/busybox",
            "domain_name": "root", "namespace": "group", "tags": ["latest", "log"], "status": false,
            "total_range": 1
        }])
    );
    insta::assert_json_snapshot!("list_repos_documented_example", body);
}

#[tokio::test]
async fn list_tags_reproduces_documented_latest_item() {
    let resp = common::answer_everywhere(
        &common::emulator(),
        &common::swr_get("/v2/manage/namespaces/group/repos/busybox/tags?tag=latest"),
    )
    .await;
    let body = ok_body(&resp, LIST_TAGS);
    assert_eq!(
        body,
        json!([{
            "id": 0, "repo_id": 0, "Tag": "latest",
            "image_id": "741f24a795d6d93d7c6edd11780d63c13e16c39615dd9d223378a57a836f2ee6",
            "manifest": MANIFEST,
            "digest": "sha256:57b605845a6367c34bfb6ea6477f16852f59aa1861a2b51d10ab77ae0a1dc9c3",
            "schema": 2,
            "path": "swr.cn-north-4.myhuaweicloud.com/group/busybox:latest",
            "internal_path": "10.125.0.198:20202/group/busybox:latest",
            "size": 1304902, "is_trusted": false,
            "created": "2018-07-06T06:18:55Z", "updated": "2018-07-06T06:18:55Z", "deleted": null,
            "domain_id": "0503dda878000fed0f75c0096d70a960", "tag_type": 0
        }])
    );
    // No limit/offset given: no Content-Range, as the repository page documents.
    assert_eq!(resp.header_value("content-range"), None);
    insta::assert_json_snapshot!("list_tags_documented_example", body);
}

#[tokio::test]
async fn show_tag_reproduces_documented_body() {
    let resp = common::answer_everywhere(
        &common::emulator(),
        &common::swr_get("/v2/manage/namespaces/group/repos/busybox/tags/latest"),
    )
    .await;
    let body = ok_body(&resp, SHOW_TAG);
    assert_eq!(body["tag"], "latest");
    assert!(body.get("Tag").is_none(), "show-tag uses lower-case `tag`");
    assert!(body.get("deleted").is_none(), "show-tag has no `deleted`");
    assert_eq!(body["manifest"], MANIFEST);
    assert_eq!(body["size"], 1304902);
    assert_eq!(body["created"], "2018-07-06T06:18:55Z");
    assert_eq!(
        body["image_id"],
        "741f24a795d6d93d7c6edd11780d63c13e16c39615dd9d223378a57a836f2ee6"
    );
    insta::assert_json_snapshot!("show_tag_documented_example", body);
}

#[test]
fn multi_platform_tag_is_a_manifest_list() {
    let body = ok_body(
        &get("/v2/manage/namespaces/group/repos/library$nginx/tags/latest"),
        SHOW_TAG,
    );
    assert_eq!(body["tag_type"], 1);
    let text = body["manifest"].as_str().unwrap();
    assert!(
        text.starts_with(r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json""#),
        "keys in Docker's order: {text}"
    );
    let manifest: Value = serde_json::from_str(text).unwrap();
    assert_eq!(manifest["manifests"].as_array().unwrap().len(), 2);
    assert_eq!(manifest["manifests"][1]["platform"]["variant"], "v8");
}

#[test]
fn schemas_reject_the_wrong_tag_key_casing() {
    // The SDK silently yields None for a wrong-case key, so the schemas must catch it.
    let mut item = ok_body(
        &get("/v2/manage/namespaces/group/repos/busybox/tags?tag=latest"),
        LIST_TAGS,
    );
    let obj = item[0].as_object_mut().unwrap();
    let tag = obj.remove("Tag").unwrap();
    obj.insert("tag".into(), tag);
    assert!(!common::matches_schema(LIST_TAGS, &item));

    let mut show = ok_body(
        &get("/v2/manage/namespaces/group/repos/busybox/tags/latest"),
        SHOW_TAG,
    );
    show["created"] = "yesterday".into();
    assert!(
        !common::matches_schema(SHOW_TAG, &show),
        "date-time format is checked"
    );
}
