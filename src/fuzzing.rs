//! Entry points shared by the cargo-fuzz targets (`fuzz/`) and the smoke test that runs in CI
//! (`tests/fuzz_smoke.rs`). Each one checks the invariants that must hold for any input, and
//! panics when one does not, so the fuzzer reports it.

use crate::engine::config::{self, Config};
use crate::engine::lint::lint_bytes;
use crate::engine::lint::Scope;
use crate::facts::images::Classifier;
use crate::facts::inventory::Inventory;
use crate::finding::SourceText;
use crate::yaml::{parse_chunk, split_documents, Arena, Limits, Node, Value};

/// Chunks tile the input exactly and in order.
pub fn split(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let chunks = split_documents(text);
    let mut at = 0;
    for c in &chunks {
        assert_eq!(c.offset, at, "chunks must be contiguous");
        assert_eq!(&text[c.offset..c.offset + c.text.len()], c.text);
        at += c.text.len();
    }
    assert_eq!(at, text.len(), "chunks must cover the input");
}

/// Parsing never panics and every span lies inside the input, on character boundaries.
pub fn parse(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let arena = Arena::new();
    for chunk in split_documents(text) {
        match parse_chunk(&arena, chunk, Limits::default()) {
            Ok(docs) => {
                for d in &docs {
                    check_spans(&d.root, text);
                }
            }
            Err(e) => assert!(e.at <= text.len(), "error offset outside the input"),
        }
    }
}

fn check_spans(node: &Node<'_>, text: &str) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        assert!(
            n.span.start <= n.span.end && n.span.end <= text.len(),
            "span {:?} outside input",
            n.span
        );
        assert!(text.is_char_boundary(n.span.start) && text.is_char_boundary(n.span.end));
        match n.value {
            Value::Scalar(_) => {}
            Value::Seq(items) => stack.extend(items),
            Value::Map(entries) => {
                for e in entries {
                    stack.push(&e.key);
                    stack.push(&e.value);
                }
            }
        }
    }
}

/// The whole per-file pipeline with every rule on: findings point inside the file.
pub fn lint(data: &[u8]) {
    let mut config = Config::default();
    config.rules.select.push("all".into());
    let images = Classifier::default();
    let mut inventory = Inventory::default();
    if let Ok(text) = std::str::from_utf8(data) {
        inventory.collect_one("fuzz.yaml", text);
    }
    let cx = Scope {
        config: &config,
        facts: config.context(&images, &inventory),
    };
    let report = lint_bytes("fuzz.yaml".into(), data.to_vec(), &cx);
    check_findings(&report.source, &report.findings);
}

/// Every finding's span lies inside the text and maps to a valid line and column.
pub fn check_findings(source: &SourceText, findings: &[crate::finding::Finding]) {
    let len = source.text.len();
    let lines = source.text.lines().count() + 1;
    for f in findings {
        for span in std::iter::once(&f.primary.span).chain(f.secondary.iter().map(|l| &l.span)) {
            assert!(
                span.start <= span.end && span.end <= len,
                "{}: span {span:?} outside {len} bytes",
                f.rule
            );
            let p = source.position(span.start);
            assert!(
                p.line >= 1 && p.line <= lines && p.column >= 1,
                "{}: bad position {p:?}",
                f.rule
            );
        }
    }
}

/// The config parser returns a config or an error, never panics.
pub fn config(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = config::parse("fuzz.winlint.yaml", text);
    }
}
