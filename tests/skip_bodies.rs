//! The lint's span trees leave out the bodies of objects no rule reads (issue 17: a CRD's
//! schema is half the bytes of the corpus). Over every YAML and JSON file of the shared corpus
//! and of fixtures/ (the YAML test suite included), the skipping parse must give what the full
//! parse gives: the same error, the same duplicate keys, the same nodes, except that a skipped
//! value is an empty collection of the same kind with the same span, and only where
//! `winlint::k8s::body_unread` allows it.

mod common;

use std::path::PathBuf;

use common::{root, shared_or_skip};
use winlint::k8s::body_unread;
use winlint::yaml::decode::{decode, Decoded};
use winlint::yaml::{
    parse_chunk, parse_chunk_skipping, split_documents, Arena, Limits, Node, Value,
};

#[test]
fn skipping_parse_agrees_with_the_full_parse() {
    let Some(corpus) = shared_or_skip("corpus") else {
        return;
    };
    let mut files = Vec::new();
    for top in [corpus, root().join("fixtures")] {
        for entry in ignore::WalkBuilder::new(&top)
            .standard_filters(false)
            .build()
        {
            let path = entry.expect("walk").into_path();
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            if path.is_file() && matches!(ext, "yaml" | "yml" | "json") {
                files.push(path);
            }
        }
    }
    let (mut skipped, mut chunks, mut errors) = (0, 0, 0);
    for path in &files {
        let Decoded::Text(text) = decode(std::fs::read(path).expect("read")) else {
            continue;
        };
        for chunk in split_documents(&text) {
            chunks += 1;
            let (a, b) = (Arena::new(), Arena::new());
            let full = parse_chunk(&a, chunk, Limits::default());
            let lazy = parse_chunk_skipping(&b, chunk, Limits::default(), body_unread);
            match (full, lazy) {
                (Err(a), Err(b)) => {
                    assert_eq!(a, b, "{}", path.display());
                    errors += 1;
                }
                (Ok(a), Ok(b)) => {
                    assert_eq!(a.len(), b.len(), "{}", path.display());
                    for (a, b) in a.iter().zip(&b) {
                        assert_eq!(a.duplicate_keys, b.duplicate_keys, "{}", path.display());
                        skipped += compare_root(&a.root, &b.root, path);
                    }
                }
                (a, b) => panic!(
                    "{}: full parse {:?}, skipping parse {:?}",
                    path.display(),
                    a.err(),
                    b.err()
                ),
            }
        }
    }
    eprintln!(
        "{} files, {chunks} chunks ({errors} refused by both), {skipped} values skipped",
        files.len()
    );
    assert!(
        skipped > 100,
        "only {skipped} values skipped: the test no longer exercises skipping"
    );
}

/// Compares a document's roots; returns how many top-level values were skipped.
fn compare_root(full: &Node<'_>, lazy: &Node<'_>, path: &PathBuf) -> usize {
    let (Value::Map(fe), Value::Map(le)) = (&full.value, &lazy.value) else {
        same(full, lazy, path);
        return 0;
    };
    assert_eq!(full.span, lazy.span, "{}", path.display());
    assert_eq!(fe.len(), le.len(), "{}", path.display());
    let kind = full.get("kind").and_then(Node::as_str);
    let mut skipped = 0;
    for (f, l) in fe.iter().zip(le.iter()) {
        same(&f.key, &l.key, path);
        let key = f.key.as_str().unwrap_or("");
        let may_skip = !matches!(key, "apiVersion" | "kind" | "metadata")
            && f.key.as_str().is_some()
            && kind.is_some_and(body_unread);
        match (&f.value.value, &l.value.value) {
            (Value::Map(a), Value::Map(b)) if may_skip && b.is_empty() && !a.is_empty() => {
                assert_eq!(f.value.span, l.value.span, "{}: {key}", path.display());
                skipped += 1;
            }
            (Value::Seq(a), Value::Seq(b)) if may_skip && b.is_empty() && !a.is_empty() => {
                assert_eq!(f.value.span, l.value.span, "{}: {key}", path.display());
                skipped += 1;
            }
            _ => same(&f.value, &l.value, path),
        }
    }
    skipped
}

fn same(a: &Node<'_>, b: &Node<'_>, path: &PathBuf) {
    assert_eq!(a.span, b.span, "{}", path.display());
    match (&a.value, &b.value) {
        (Value::Scalar(x), Value::Scalar(y)) => {
            assert_eq!(
                (&x.text, x.style, &x.core_tag),
                (&y.text, y.style, &y.core_tag),
                "{}",
                path.display()
            );
        }
        (Value::Seq(x), Value::Seq(y)) => {
            assert_eq!(x.len(), y.len(), "{}", path.display());
            x.iter().zip(y.iter()).for_each(|(x, y)| same(x, y, path));
        }
        (Value::Map(x), Value::Map(y)) => {
            assert_eq!(x.len(), y.len(), "{}", path.display());
            for (x, y) in x.iter().zip(y.iter()) {
                same(&x.key, &y.key, path);
                same(&x.value, &y.value, path);
            }
        }
        _ => panic!("{}: node kinds differ at {:?}", path.display(), a.span),
    }
}
