//! The reviewed output over the shared corpus's Windows manifests, so that a change in what
//! winlint reports on real files shows up as a snapshot diff to read (and re-review).

mod common;

use common::{transcript, winlint};

#[test]
fn corpus_windows_concise() {
    let Some(corpus) = common::corpus_or_skip() else {
        return;
    };
    let dir = corpus.join("windows");
    let dir = dir.to_str().expect("utf-8 path");
    // Relative to the checkout, as CI runs it, so the snapshot holds no machine paths.
    let shown = "../shared/corpus/windows";
    assert!(
        std::path::Path::new(dir).is_dir(),
        "corpus missing at {dir}"
    );
    let args = ["--format", "concise", shown];
    let run = winlint(&args, None);
    assert_ne!(run.code, 2, "{}", run.stderr);
    insta::assert_snapshot!("corpus_windows", transcript(&args, &run));
}
