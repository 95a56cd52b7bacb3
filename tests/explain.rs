//! Explained authentication failures: the vendor's body is unchanged, and `X-Regmock-Explain` says exactly why.
#![allow(clippy::unwrap_used, missing_docs)]

#[path = "common/mod.rs"]
mod common;

use regmock::pipeline::{EXPLAIN_HEADER, KeyPair};

fn key(secret: &str) -> KeyPair {
    KeyPair {
        access_key: regmock::pipeline::DEFAULT_ACCESS_KEY.into(),
        secret_key: secret.into(),
    }
}

/// The explanation, unescaped (`\n` back to newlines).
fn explanation(resp: &regmock::http::Response) -> String {
    resp.header_value(EXPLAIN_HEADER)
        .unwrap_or_else(|| {
            panic!(
                "no {EXPLAIN_HEADER}: {}",
                String::from_utf8_lossy(&resp.body)
            )
        })
        .replace("\\n", "\n")
}

#[test]
fn a_wrong_secret_is_explained_with_what_the_emulator_signed_and_the_body_is_the_vendors() {
    for provider in regmock::providers::PROVIDERS {
        let id = provider.id().as_str();
        // given: the documented example signed with the right secret, and with a wrong one
        let mut good = provider.example();
        provider.sign(
            &mut good,
            &key(regmock::pipeline::DEFAULT_SECRET_KEY),
            common::fixed_now(),
            "127.0.0.1:8080",
        );
        let mut bad = provider.example();
        provider.sign(
            &mut bad,
            &key("wrong-secret"),
            common::fixed_now(),
            "127.0.0.1:8080",
        );
        // when
        let ok = common::emulator().dispatch(&good);
        let refused = common::emulator().dispatch(&bad);
        // then: success carries no explanation; the refusal explains the mismatch with the emulator's own strings
        assert!(ok.header_value(EXPLAIN_HEADER).is_none(), "{id}");
        let why = explanation(&refused);
        assert!(why.starts_with("signature mismatch"), "{id}: {why}");
        let method_line = format!("{} ", good.method);
        assert!(
            why.contains(&method_line) || why.contains(&format!("{}\n", good.method)),
            "{id}: {why}"
        );
        if id != "ncr" {
            assert!(
                why.contains("canonical request:") && why.contains("string to sign:"),
                "{id}: {why}"
            );
        }
        // the body is exactly what an unexplained refusal would be: the explanation is only a header
        let mut unknown_key = provider.example();
        provider.sign(
            &mut unknown_key,
            &KeyPair {
                access_key: "nobody".into(),
                secret_key: "x".into(),
            },
            common::fixed_now(),
            "127.0.0.1:8080",
        );
        let unknown = common::emulator().dispatch(&unknown_key);
        assert!(
            explanation(&unknown).contains("\"nobody\""),
            "{id}: {}",
            explanation(&unknown)
        );
        insta::assert_snapshot!(format!("{id}_wrong_secret_explained"), why);
    }
}

#[test]
fn clock_skew_is_explained_in_seconds() {
    for provider in regmock::providers::PROVIDERS {
        let id = provider.id().as_str();
        let mut req = provider.example();
        let an_hour_ago = common::fixed_now() - chrono::TimeDelta::hours(1);
        provider.sign(
            &mut req,
            &key(regmock::pipeline::DEFAULT_SECRET_KEY),
            an_hour_ago,
            "127.0.0.1:8080",
        );
        let why = explanation(&common::emulator().dispatch(&req));
        assert!(
            why.contains("3600 s") || why.contains("3600000 ms"),
            "{id}: {why}"
        );
    }
}

#[test]
fn every_authentication_failure_is_explained_even_where_the_body_already_says_why() {
    // Given each provider's example without credentials, and with an Authorization header of no known form
    for provider in regmock::providers::PROVIDERS {
        let id = provider.id().as_str();
        let bare = provider.example();
        let mut garbled = provider.example();
        garbled
            .headers
            .push(("Authorization".into(), "garbage".into()));
        for req in [bare, garbled] {
            // When the emulator answers it
            let resp = common::emulator().dispatch(&req);
            // Then it is refused with an explanation
            let why = explanation(&resp);
            assert!(
                !why.is_empty(),
                "{id}: {}",
                String::from_utf8_lossy(&resp.body)
            );
        }
    }
}
