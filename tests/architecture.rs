//! Layer rules as tests: providers are pure handlers over regmock's own request/response values, so they must not name
//! a transport crate, touch the network or file system, or read the system clock (it comes from `Ctx`).
#![allow(clippy::unwrap_used, missing_docs)]

use std::path::Path;

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Words a layer must not contain, with the folders the rule covers.
const RULES: &[(&[&str], &[&str])] = &[
    // Providers and the shared engines are pure: no transport, no runtime, no network or files, no system clock.
    (
        &["providers", "shared"],
        &[
            "crate::transport",
            "crate::emulator",
            "axum",
            "hyper",
            "wiremock",
            "tokio",
            "reqwest",
            "std::fs",
            "std::net",
            "Utc::now",
            "SystemTime",
        ],
    ),
    // The model and the pipeline may read dataset and credentials files, but know no transport, runtime or clock.
    (
        &["model", "pipeline"],
        &[
            "crate::transport",
            "crate::emulator",
            "crate::providers",
            "axum",
            "hyper",
            "wiremock",
            "tokio",
            "reqwest",
            "Utc::now",
            "SystemTime",
        ],
    ),
];

#[test]
fn layers_stay_free_of_io_transports_and_the_clock() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (folders, banned) in RULES {
        let mut files = Vec::new();
        for folder in *folders {
            rust_files(&root.join(folder), &mut files);
        }
        assert!(!files.is_empty());
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for word in *banned {
                assert!(!text.contains(word), "{} names {word}", file.display());
            }
        }
    }
}

#[test]
fn every_provider_names_exactly_the_codes_of_its_catalogue() {
    for p in regmock::providers::PROVIDERS {
        let mut named = p.error_codes();
        named.sort();
        let filed: Vec<&str> = p.catalogue().codes().collect();
        assert_eq!(
            named,
            filed,
            "{}: code enum vs errors.json",
            p.id().as_str()
        );
        for code in filed {
            let entry = p.catalogue().get(code);
            assert!((200..600).contains(&entry.status), "{code}");
            assert!(
                !entry.message.is_empty() && !entry.source.is_empty(),
                "{code}"
            );
        }
    }
}
