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

#[test]
fn providers_and_model_stay_free_of_io_and_transports() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&root.join("providers"), &mut files);
    rust_files(&root.join("shared"), &mut files);
    assert!(!files.is_empty());
    let banned = [
        "axum",
        "hyper",
        "wiremock",
        "tokio",
        "reqwest",
        "std::fs",
        "std::net",
        "Utc::now",
        "SystemTime",
    ];
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for word in banned {
            assert!(!text.contains(word), "{} names {word}", file.display());
        }
    }
}
