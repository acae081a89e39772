//! The leaf types shared by the event source (`events.rs`) and the span tree (`tree.rs`).

use std::borrow::Cow;

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

#[derive(Clone, Debug)]
pub struct Scalar<'a> {
    pub text: Cow<'a, str>,
    pub style: Style,
    /// Suffix of a YAML core-schema tag (`!!str` gives `str`); other tags are ignored,
    /// as Kubernetes' YAML-to-JSON conversion ignores them.
    pub core_tag: Option<Box<str>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub at: usize,
}
