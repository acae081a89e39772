//! The leaf types and checks shared by the event source (`events.rs`), the span tree
//! (`tree.rs`) and the skipping of unread bodies (`skip.rs`).

use std::collections::HashSet;

/// A byte range in the file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// How a scalar was written: only plain scalars are resolved to numbers, booleans and null.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    Quoted,
    Block,
}

/// A scalar in the span tree; its text lives in the tree's arena.
#[derive(Clone, Copy, Debug)]
pub struct Scalar<'a> {
    pub text: &'a str,
    pub style: Style,
    /// Suffix of a YAML core-schema tag (`!!str` gives `str`); other tags are ignored,
    /// as Kubernetes' YAML-to-JSON conversion ignores them.
    pub core_tag: Option<&'a str>,
}

/// A scalar as the parser gives it, before it is moved into a tree's arena.
pub(super) struct RawScalar {
    pub text: String,
    pub style: Style,
    /// The suffix of a core-schema tag, as in [`Scalar::core_tag`].
    pub core_tag: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub at: usize,
}

/// Reports the later occurrences of a key already present among `items` (the API server
/// keeps only the last one). `key` gives an item's key text and span, if it has one.
pub(super) fn report_duplicates<'i, T>(
    items: &'i [T],
    key: impl Fn(&'i T) -> Option<(&'i str, Span)>,
    out: &mut Vec<(Span, String)>,
) {
    if items.len() < 2 {
        return;
    }
    // Most mappings are small: comparing with the earlier keys beats hashing them.
    if items.len() <= 16 {
        for (i, item) in items.iter().enumerate() {
            if let Some((k, span)) = key(item) {
                if items[..i]
                    .iter()
                    .any(|o| key(o).is_some_and(|(ok, _)| ok == k))
                {
                    out.push((span, k.to_string()));
                }
            }
        }
        return;
    }
    let mut seen: HashSet<&str> = HashSet::with_capacity(items.len());
    for item in items {
        if let Some((k, span)) = key(item) {
            if !seen.insert(k) {
                out.push((span, k.to_string()));
            }
        }
    }
}

pub(super) fn too_deep(max_depth: usize, span: Span) -> ParseError {
    ParseError {
        message: format!("nesting deeper than {max_depth} levels is not supported"),
        at: span.start,
    }
}
