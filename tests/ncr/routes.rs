//! Regions, image-name encoding, unknown paths, errors catalogue.

use super::*;

#[test]
fn regions_are_separate_data_spaces() {
    for (prefix, registry) in [
        ("/ncr/api/v2", "ncr-team-kr"),
        ("/ncr/sgn-api/v2", "ncr-sgn-demo"),
        ("/ncr/jpn-api/v2", "ncr-jpn-demo"),
    ] {
        let dataset = common::embedded();
        let reg = dataset
            .registries
            .iter()
            .find(|r| r.name == registry)
            .unwrap();
        let image = &reg.namespaces[0].repositories[0].name;
        let encoded = image.replace('/', "%2F");
        ok_body(&get(&format!(
            "{prefix}/repositories/{registry}/{encoded}/tags"
        )));
        // The same registry under another region's prefix does not exist.
        let other = if prefix == "/ncr/api/v2" {
            "/ncr/jpn-api/v2"
        } else {
            "/ncr/api/v2"
        };
        let resp = get(&format!("{other}/repositories/{registry}/{encoded}/tags"));
        assert_ncr_error(&resp, 404, "Not Found");
    }
}

#[test]
fn image_name_is_decoded_exactly_once() {
    ok_body(&get(
        "/ncr/api/v2/repositories/ncr-example/hello%2fworld/tags",
    ));
    let double = get("/ncr/api/v2/repositories/ncr-example/hello%252Fworld/tags");
    assert_ncr_error(&double, 404, "Not Found: image hello%2Fworld");
}

#[test]
fn raw_slash_in_image_name_matches_no_route() {
    let resp = get("/ncr/api/v2/repositories/ncr-example/hello/world/tags");
    assert_gateway_error(&resp, 404, "300", "no API at this path");
    insta::assert_json_snapshot!("error_404_raw_slash", resp.body_json());
}

#[test]
fn unknown_registry_image_and_paths() {
    assert_ncr_error(
        &get("/ncr/api/v2/repositories/nobody/hello%2Fworld/tags"),
        404,
        "Not Found: registry nobody",
    );
    let unknown_image = get("/ncr/api/v2/repositories/ncr-example/nothing/tags");
    assert_ncr_error(&unknown_image, 404, "Not Found: image nothing");
    insta::assert_json_snapshot!("error_404_unknown_image", unknown_image.body_json());
    for target in [
        "/ncr/api/v2/repositories",
        "/ncr/api/v3/repositories/a/b/tags",
        "/ncr/kr-api/v2/x",
    ] {
        assert_gateway_error(&get(target), 404, "300", "no API at this path");
    }
    let post = common::emulator().dispatch(&{
        let mut r = signed(EXAMPLE);
        r.method = "POST".into();
        r
    });
    assert_gateway_error(&post, 404, "300", "no API at this path");
}

#[test]
fn injected_fault_is_ncr_500() {
    let resp =
        common::emulator().dispatch(&signed(EXAMPLE).header("X-Regmock-Fault", "internal-error"));
    assert_ncr_error(&resp, 500, "Internal Server Error");
    insta::assert_json_snapshot!("error_500_injected", resp.body_json());
}

#[test]
fn injected_forbidden_is_the_gateway_403() {
    let resp = common::emulator().dispatch(&signed(EXAMPLE).header("X-Regmock-Fault", "forbidden"));
    assert_gateway_error(&resp, 403, "230", "injected fault");
    insta::assert_json_snapshot!("error_403_injected", resp.body_json());
}
