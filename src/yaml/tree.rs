//! A span tree built from the parser's events: every key and value keeps its byte range.
//! Aliases are expanded under a budget and nesting depth is bounded, so hostile input
//! gives an error instead of exhausting memory or the stack.

use std::collections::{HashMap, HashSet};

use super::events::{guarded, Event, Events};
pub use super::leaf::{ParseError, Scalar, Span, Style};
use super::split::Chunk;

#[derive(Clone, Debug)]
pub enum Value<'a> {
    Scalar(Scalar<'a>),
    Seq(Vec<Node<'a>>),
    Map(Vec<Entry<'a>>),
}

#[derive(Clone, Debug)]
pub struct Entry<'a> {
    pub key: Node<'a>,
    pub value: Node<'a>,
}

#[derive(Clone, Debug)]
pub struct Node<'a> {
    pub span: Span,
    pub value: Value<'a>,
}

/// One parsed document.
#[derive(Debug)]
pub struct Doc<'a> {
    pub root: Node<'a>,
    /// Later occurrences of a key already present in the same mapping (the API server keeps
    /// only the last one).
    pub duplicate_keys: Vec<(Span, String)>,
}

/// Resource limits for one chunk.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_depth: usize,
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 256,
            max_alias_nodes: 100_000,
        }
    }
}

impl<'a> Node<'a> {
    pub fn as_map(&self) -> Option<&[Entry<'a>]> {
        match &self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_seq(&self) -> Option<&[Node<'a>]> {
        match &self.value {
            Value::Seq(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_scalar(&self) -> Option<&Scalar<'a>> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }
    /// The text of a scalar node (any style).
    pub fn as_str(&self) -> Option<&str> {
        self.as_scalar().map(|s| s.text.as_ref())
    }
    /// A plain `null`, `~` or empty scalar.
    pub fn is_null(&self) -> bool {
        match &self.value {
            Value::Scalar(s) => {
                s.style == Style::Plain
                    && s.core_tag.is_none()
                    && matches!(s.text.as_ref(), "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }
    /// The mapping entry for `key` (the last one, as Kubernetes keeps the last duplicate).
    pub fn entry(&self, key: &str) -> Option<&Entry<'a>> {
        self.as_map()?
            .iter()
            .rev()
            .find(|e| e.key.as_str() == Some(key))
    }
    pub fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.entry(key).map(|e| &e.value)
    }
    /// Follows a path of mapping keys and sequence indexes.
    pub fn at(&self, path: &[PathKey<'_>]) -> Option<&Node<'a>> {
        let mut node = self;
        for seg in path {
            node = match seg {
                PathKey::Key(k) => node.get(k)?,
                PathKey::Index(i) => node.as_seq()?.get(*i)?,
            };
        }
        Some(node)
    }
}

impl Node<'_> {
    /// The field path (`spec.template.spec.containers[0].image`) of the innermost key or
    /// value containing `offset`: a finding's address that survives line moves.
    pub fn path_at(&self, offset: usize) -> String {
        let mut path = String::new();
        let mut node = self;
        'descend: loop {
            match &node.value {
                Value::Map(entries) => {
                    for e in entries {
                        let key_hit = e.key.span.start <= offset
                            && offset < e.key.span.end.max(e.key.span.start + 1);
                        let value_hit = e.value.span.start <= offset && offset <= e.value.span.end;
                        if key_hit || value_hit {
                            if !path.is_empty() {
                                path.push('.');
                            }
                            path.push_str(e.key.as_str().unwrap_or("?"));
                            if key_hit {
                                break 'descend;
                            }
                            node = &e.value;
                            continue 'descend;
                        }
                    }
                    break;
                }
                Value::Seq(items) => {
                    match items
                        .iter()
                        .position(|n| n.span.start <= offset && offset <= n.span.end)
                    {
                        Some(i) => {
                            path.push_str(&format!("[{i}]"));
                            node = &items[i];
                        }
                        None => break,
                    }
                }
                Value::Scalar(_) => break,
            }
        }
        path
    }
}

/// A step in a lookup path.
#[derive(Debug, Clone, Copy)]
pub enum PathKey<'k> {
    Key(&'k str),
    Index(usize),
}

/// Parses one chunk of a file into its documents (usually one). Spans are file offsets.
pub fn parse_chunk<'a>(chunk: Chunk<'a>, limits: Limits) -> Result<Vec<Doc<'a>>, ParseError> {
    let mut b = Builder {
        limits,
        docs: Vec::new(),
        stack: Vec::new(),
        items: Vec::new(),
        entries: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        duplicates: Vec::new(),
    };
    // An error found at the end of the chunk (an unclosed bracket) belongs to the last
    // written character, not to the next document's `---`.
    let last = chunk.offset + chunk.text.trim_end().len().saturating_sub(1);
    let end = chunk.offset + chunk.text.len();
    guarded(end, move || {
        for ev in Events::new(chunk) {
            let (ev, span) = ev.map_err(|mut e| {
                e.at = e.at.min(last.max(chunk.offset));
                e
            })?;
            b.event(ev, span)?;
        }
        Ok(b.docs)
    })
}

/// An open collection. Its children wait in the builder's shared `items` / `entries` stacks
/// from `first` on, and move into one exactly sized vector when it closes: no vector grows
/// (and reallocates) item by item.
enum Frame<'a> {
    Seq {
        first: usize,
        start: usize,
        anchor: Option<String>,
    },
    Map {
        first: usize,
        key: Option<Node<'a>>,
        start: usize,
        anchor: Option<String>,
    },
}

struct Builder<'a> {
    limits: Limits,
    docs: Vec<Doc<'a>>,
    stack: Vec<Frame<'a>>,
    items: Vec<Node<'a>>,
    entries: Vec<Entry<'a>>,
    anchors: HashMap<String, Node<'a>>,
    alias_nodes: usize,
    duplicates: Vec<(Span, String)>,
}

impl<'a> Builder<'a> {
    fn event(&mut self, ev: Event<'a>, span: Span) -> Result<(), ParseError> {
        match ev {
            Event::Scalar(scalar, anchor) => {
                let node = Node {
                    span,
                    value: Value::Scalar(scalar),
                };
                self.push(node, anchor)
            }
            Event::SequenceStart(_) | Event::MappingStart(_)
                if self.stack.len() >= self.limits.max_depth =>
            {
                Err(ParseError {
                    message: format!(
                        "nesting deeper than {} levels is not supported",
                        self.limits.max_depth
                    ),
                    at: span.start,
                })
            }
            Event::SequenceStart(anchor) => {
                self.stack.push(Frame::Seq {
                    first: self.items.len(),
                    start: span.start,
                    anchor,
                });
                Ok(())
            }
            Event::MappingStart(anchor) => {
                self.stack.push(Frame::Map {
                    first: self.entries.len(),
                    key: None,
                    start: span.start,
                    anchor,
                });
                Ok(())
            }
            Event::SequenceEnd => self.end_seq(span),
            Event::MappingEnd => self.end_map(span),
            Event::Alias(name) => self.alias(&name, span),
            Event::DocumentEnd => {
                self.anchors.clear();
                Ok(())
            }
        }
    }

    /// Closes the open sequence; it spans at least to its last item.
    fn end_seq(&mut self, span: Span) -> Result<(), ParseError> {
        match self.stack.pop() {
            Some(Frame::Seq {
                first,
                start,
                anchor,
            }) => {
                let items: Vec<Node<'a>> = self.items.drain(first..).collect();
                let end = items.last().map_or(span.end, |n| n.span.end.max(span.end));
                let node = Node {
                    span: Span::new(start, end.max(start)),
                    value: Value::Seq(items),
                };
                self.push(node, anchor)
            }
            _ => Err(unbalanced(span)),
        }
    }

    /// Closes the open mapping: merge keys are applied before duplicates are looked for.
    fn end_map(&mut self, span: Span) -> Result<(), ParseError> {
        match self.stack.pop() {
            Some(Frame::Map {
                first,
                start,
                anchor,
                ..
            }) => {
                let entries: Vec<Entry<'a>> = self.entries.drain(first..).collect();
                let entries = self.merge_keys(entries);
                self.find_duplicates(&entries);
                let end = entries
                    .last()
                    .map_or(span.end, |e| e.value.span.end.max(span.end));
                let node = Node {
                    span: Span::new(start, end.max(start)),
                    value: Value::Map(entries),
                };
                self.push(node, anchor)
            }
            _ => Err(unbalanced(span)),
        }
    }

    /// Expands an alias, charging its nodes to the alias budget.
    fn alias(&mut self, name: &str, span: Span) -> Result<(), ParseError> {
        // go-yaml's wording.
        let node = self.anchors.get(name).cloned().ok_or_else(|| ParseError {
            message: format!("unknown anchor '{name}' referenced"),
            at: span.start,
        })?;
        self.alias_nodes += count_nodes(&node);
        if self.alias_nodes > self.limits.max_alias_nodes {
            return Err(ParseError {
                message: format!(
                    "aliases expand to more than {} nodes (alias bomb?)",
                    self.limits.max_alias_nodes
                ),
                at: span.start,
            });
        }
        self.push(node, None)
    }

    fn push(&mut self, node: Node<'a>, anchor: Option<String>) -> Result<(), ParseError> {
        if let Some(name) = anchor {
            self.anchors.insert(name, node.clone());
        }
        match self.stack.last_mut() {
            None => self.docs.push(Doc {
                root: node,
                duplicate_keys: std::mem::take(&mut self.duplicates),
            }),
            Some(Frame::Seq { .. }) => self.items.push(node),
            Some(Frame::Map { key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => self.entries.push(Entry {
                    key: k,
                    value: node,
                }),
            },
        }
        Ok(())
    }

    /// YAML merge keys (`<<: *base`), which Kubernetes' YAML decoder honours: entries of the
    /// merged mappings are added unless the mapping already has the key; earlier sources win.
    fn merge_keys(&mut self, entries: Vec<Entry<'a>>) -> Vec<Entry<'a>> {
        let is_merge = |e: &Entry<'_>| matches!(&e.key.value, Value::Scalar(s) if s.style == Style::Plain && s.text == "<<");
        if !entries.iter().any(is_merge) {
            return entries;
        }
        let (merges, mut own): (Vec<_>, Vec<_>) = entries.into_iter().partition(is_merge);
        for m in merges {
            let sources: Vec<Node<'a>> = match m.value.value {
                Value::Map(_) => vec![m.value],
                Value::Seq(items) => items,
                _ => Vec::new(),
            };
            for src in sources {
                if let Value::Map(src_entries) = src.value {
                    for e in src_entries {
                        let k = e.key.as_str().map(str::to_owned);
                        if k.is_some() && !own.iter().any(|o| o.key.as_str() == k.as_deref()) {
                            own.push(e);
                        }
                    }
                }
            }
        }
        own
    }

    fn find_duplicates(&mut self, entries: &[Entry<'a>]) {
        // Most mappings are small: comparing with the earlier keys beats hashing them.
        if entries.len() <= 16 {
            for (i, e) in entries.iter().enumerate() {
                if let Some(k) = e.key.as_str() {
                    if entries[..i].iter().any(|o| o.key.as_str() == Some(k)) {
                        self.duplicates.push((e.key.span, k.to_string()));
                    }
                }
            }
            return;
        }
        let mut seen: HashSet<&str> = HashSet::with_capacity(entries.len());
        for e in entries {
            if let Some(k) = e.key.as_str() {
                if !seen.insert(k) {
                    self.duplicates.push((e.key.span, k.to_string()));
                }
            }
        }
    }
}

fn unbalanced(span: Span) -> ParseError {
    ParseError {
        message: "unbalanced collection events".into(),
        at: span.start,
    }
}

fn count_nodes(n: &Node<'_>) -> usize {
    match &n.value {
        Value::Scalar(_) => 1,
        Value::Seq(v) => 1 + v.iter().map(count_nodes).sum::<usize>(),
        Value::Map(m) => {
            1 + m
                .iter()
                .map(|e| count_nodes(&e.key) + count_nodes(&e.value))
                .sum::<usize>()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::split_documents;

    fn parse(s: &str) -> Result<Vec<Doc<'_>>, ParseError> {
        let mut out = Vec::new();
        for c in split_documents(s) {
            out.extend(parse_chunk(c, Limits::default())?);
        }
        Ok(out)
    }

    #[test]
    fn spans_are_file_byte_offsets() {
        let s = "a: 1\n---\nname: ü日本\nspec:\n  os: windows\n";
        let docs = parse(s).expect("parses");
        assert_eq!(docs.len(), 2);
        let root = &docs[1].root;
        let name = root.get("name").expect("name");
        assert_eq!(&s[name.span.start..name.span.end], "ü日本");
        let os = root.get("spec").and_then(|n| n.get("os")).expect("os");
        assert_eq!(&s[os.span.start..os.span.end], "windows");
        let key = &root.entry("spec").expect("spec").key;
        assert_eq!(&s[key.span.start..key.span.end], "spec");
    }

    #[test]
    fn path_at_offsets() {
        let s = "spec:\n  containers:\n  - name: c\n    image: x\n";
        let docs = parse(s).expect("parses");
        let root = &docs[0].root;
        assert_eq!(
            root.path_at(s.find("image").expect("image")),
            "spec.containers[0].image"
        );
        assert_eq!(
            root.path_at(s.find("x\n").expect("x")),
            "spec.containers[0].image"
        );
        assert_eq!(root.path_at(0), "spec");
    }

    #[test]
    fn merge_keys_and_aliases() {
        let s = "base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n";
        let docs = parse(s).expect("parses");
        let m = docs[0].root.get("m").expect("m");
        assert_eq!(m.get("x").and_then(Node::as_str), Some("1"));
        assert_eq!(m.get("y").and_then(Node::as_str), Some("3"));
        assert_eq!(m.as_map().map(|e| e.len()), Some(2));
    }

    #[test]
    fn duplicate_keys_are_recorded() {
        let docs = parse("a: 1\nb: 2\na: 3\n").expect("parses");
        assert_eq!(docs[0].duplicate_keys.len(), 1);
        assert_eq!(docs[0].duplicate_keys[0].1, "a");
        assert_eq!(docs[0].root.get("a").and_then(Node::as_str), Some("3"));
    }

    #[test]
    fn alias_bomb_is_stopped() {
        let mut s = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            let prev = (b'a' + i) as char;
            let next = (b'a' + i + 1) as char;
            s.push_str(&format!("{next}: &{next} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let err = parse(&s).expect_err("bomb");
        assert!(err.message.contains("alias"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let s = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(parse(&s).is_err());
        let mut s = String::new();
        for i in 0..2000 {
            s.push_str(&" ".repeat(i));
            s.push_str("k:\n");
        }
        assert!(parse(&s).is_err());
    }

    #[test]
    fn syntax_error_has_position() {
        let s = "a: 1\nb: [1, 2\n";
        let err = parse(s).expect_err("unclosed");
        assert!(err.at <= s.len());
    }

    #[test]
    fn go_yaml_constructs() {
        // Tabs leading the continuation lines of a double-quoted scalar (folded away).
        let docs = parse("a: \"x \\n\n\t\ty\"\n").expect("tabs in a quoted scalar");
        assert_eq!(docs[0].root.get("a").and_then(Node::as_str), Some("x \n y"));
        // A flow sequence closed at its key's indentation.
        let docs = parse("k:\n  args: [\n    \"a\",\n  ]\n  b: 1\n").expect("flow sequence");
        let k = docs[0].root.get("k").expect("k");
        assert_eq!(
            k.get("args").and_then(Node::as_seq).map(<[_]>::len),
            Some(1)
        );
    }

    #[test]
    fn block_scalar_at_the_end_without_line_break() {
        for (s, want) in [
            ("a: |\n  x", "x"),
            ("a: |\n  x\n", "x\n"),
            ("a: |-\n  x", "x"),
            ("a: >\n  x\n  y", "x y"),
        ] {
            let docs = parse(s).expect(s);
            let a = docs[0].root.get("a").expect("a");
            assert_eq!(a.as_str(), Some(want), "{s:?}");
            assert_eq!(&s[a.span.start..a.span.start + 1], "x", "{s:?}");
        }
    }

    #[test]
    fn comment_only_and_empty() {
        assert_eq!(parse("# just a comment\n").expect("ok").len(), 0);
        assert_eq!(parse("").expect("ok").len(), 0);
    }
}
