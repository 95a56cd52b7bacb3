//! Error answers: status, code, message and body shape for every catalogue entry.

use super::*;
use regmock::pipeline::Options;
use regmock::providers::swr::{SwrErrorStyle, SwrOptions};

#[test]
fn unknown_namespace_repository_or_tag_is_404() {
    for target in [
        "/v2/manage/namespaces/nobody/repos/busybox/tags",
        "/v2/manage/namespaces/group/repos/nothing/tags",
        "/v2/manage/namespaces/group/repos/busybox/tags/nope",
        "/v2/manage/namespaces/group/repos/library%252Fnginx/tags/latest",
    ] {
        let resp = get(target);
        assert_service_error(
            &resp,
            404,
            "SVCSTG.SWR.4040010",
            "The image does not exist.",
        );
    }
    insta::assert_json_snapshot!(
        "error_404_unknown_tag",
        get("/v2/manage/namespaces/group/repos/busybox/tags/nope").body_json()
    );
}

#[test]
fn bad_parameter_is_400_with_a_detail() {
    let resp = get("/v2/manage/repos?filter=limit::abc");
    assert_service_error(&resp, 400, "SVCSTG.SWR.4000014", "Invalid parameter.");
    let body = resp.body_json();
    assert!(
        body["errors"][0]["detail"]
            .as_str()
            .unwrap()
            .contains("limit")
    );
    insta::assert_json_snapshot!("error_400_bad_limit", body);
}

#[test]
fn missing_auth_is_the_gateway_401() {
    let resp = common::emulator().dispatch(&regmock::http::Request::get("/v2/manage/repos"));
    assert_gateway_error(&resp, 401, "APIGW.0301");
    insta::assert_json_snapshot!("error_401_missing_auth", resp.body_json(), {".request_id" => "[request-id]"});
}

#[test]
fn injected_fault_gives_the_documented_500s() {
    let list = common::emulator()
        .dispatch(&common::swr_get("/v2/manage/repos").header("X-Regmock-Fault", "internal-error"));
    assert_service_error(
        &list,
        500,
        "SVCSTG.SWR.5000003",
        "Internal server error: Failed to obtain the image list.",
    );
    let show = common::emulator().dispatch(
        &common::swr_get("/v2/manage/namespaces/group/repos/busybox/tags/latest")
            .header("X-Regmock-Fault", "internal-error"),
    );
    assert_service_error(
        &show,
        500,
        "SVCSTG.SWR.5000002",
        "Internal server error: Failed to obtain the image information.",
    );
    insta::assert_json_snapshot!("error_500_injected", list.body_json());
}

#[test]
fn unknown_fault_name_is_refused_loudly_in_the_vendor_shape() {
    let resp = common::emulator()
        .dispatch(&common::swr_get("/v2/manage/repos").header("X-Regmock-Fault", "meltdown"));
    let body = common::json_with_status(&resp, 400, ERROR);
    assert_eq!(body["error_code"], "SVCSTG.SWR.4000014");
    let detail = body["errors"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("internal-error") && detail.contains("SVCSTG.SWR.4040010"),
        "{detail}"
    );
}

#[test]
fn any_catalogue_code_can_be_asked_for_by_name() {
    let resp = common::emulator().dispatch(
        &common::swr_get("/v2/manage/repos").header("X-Regmock-Fault", "SVCSTG.SWR.4040010"),
    );
    assert_service_error(
        &resp,
        404,
        "SVCSTG.SWR.4040010",
        "The image does not exist.",
    );
}

#[test]
fn legacy_style_renders_the_bare_array() {
    let emu = common::emulator_with(
        common::embedded(),
        Options::default().with(SwrOptions {
            error_style: SwrErrorStyle::Legacy,
        }),
    );
    let resp = emu.dispatch(&common::swr_get(
        "/v2/manage/namespaces/group/repos/nothing/tags",
    ));
    assert_eq!(resp.status, 404);
    let body = resp.body_json();
    common::assert_schema(ERROR, &body);
    assert_eq!(body[0]["errorCode"], "SVCSTG.SWR.4040010");
    assert_eq!(body[0]["errorMessage"], "The image does not exist.");
    insta::assert_json_snapshot!("error_404_legacy_style", body);
}

#[test]
fn injected_forbidden_gives_the_documented_403() {
    let resp = common::emulator()
        .dispatch(&common::swr_get("/v2/manage/repos").header("X-Regmock-Fault", "forbidden"));
    assert_service_error(&resp, 403, "SVCSTG.SWR.4030170", "Insufficient permissions");
    insta::assert_json_snapshot!("error_403_injected", resp.body_json());
}
