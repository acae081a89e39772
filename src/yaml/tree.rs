//! A span tree built from the parser's events: every key and value keeps its byte range.
//! Aliases are expanded under a budget and nesting depth is bounded, so hostile input
//! gives an error instead of exhausting memory or the stack.
//!
//! The nodes, the collections' children and the scalars' text live in an [`Arena`] the
//! caller owns (one per chunk, reset for the next): a node is a plain `Copy` value, building
//! a tree allocates nothing per node, and dropping one frees nothing node by node.

use std::collections::HashMap;

use super::events::{guarded, Event, Events};
use super::leaf::{report_duplicates, too_deep, RawScalar};
pub use super::leaf::{ParseError, Scalar, Span, Style};

/// The memory the span trees of a chunk live in. Reuse one across chunks with
/// [`Arena::reset`] once their trees are dropped: its memory is then already there.
pub type Arena = bumpalo::Bump;

thread_local! {
    static SPARE: std::cell::Cell<Option<Arena>> = const { std::cell::Cell::new(None) };
}

/// The thread's spare arena (or a new one): its memory is already mapped and warm.
/// [`keep_arena`] gives it back.
pub fn take_arena() -> Arena {
    SPARE.take().unwrap_or_default()
}

/// Gives an arena back for the thread's next [`take_arena`], unless it grew past 8 MB (a
/// huge file's tree is not kept for the rest of the run).
pub fn keep_arena(mut arena: Arena) {
    if arena.allocated_bytes() <= 8 << 20 {
        arena.reset();
        SPARE.set(Some(arena));
    }
}
use super::skip::{Skip, Step};
use super::split::Chunk;

#[derive(Clone, Copy, Debug)]
pub enum Value<'a> {
    Scalar(Scalar<'a>),
    Seq(&'a [Node<'a>]),
    Map(&'a [Entry<'a>]),
}

#[derive(Clone, Copy, Debug)]
pub struct Entry<'a> {
    pub key: Node<'a>,
    pub value: Node<'a>,
}

#[derive(Clone, Copy, Debug)]
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
    pub fn as_map(&self) -> Option<&'a [Entry<'a>]> {
        match self.value {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }
    pub fn as_seq(&self) -> Option<&'a [Node<'a>]> {
        match self.value {
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
    pub fn as_str(&self) -> Option<&'a str> {
        match self.value {
            Value::Scalar(s) => Some(s.text),
            _ => None,
        }
    }
    /// A plain `null`, `~` or empty scalar.
    pub fn is_null(&self) -> bool {
        match &self.value {
            Value::Scalar(s) => {
                s.style == Style::Plain
                    && s.core_tag.is_none()
                    && matches!(s.text, "" | "~" | "null" | "Null" | "NULL")
            }
            _ => false,
        }
    }
    /// The mapping entry for `key` (the last one, as Kubernetes keeps the last duplicate).
    pub fn entry(&self, key: &str) -> Option<&'a Entry<'a>> {
        self.as_map()?
            .iter()
            .rev()
            .find(|e| e.key.as_str() == Some(key))
    }
    pub fn get(&self, key: &str) -> Option<&'a Node<'a>> {
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
                    for e in entries.iter() {
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

/// Parses one chunk of a file into its documents (usually one), in `arena`. Spans are file
/// offsets.
pub fn parse_chunk<'a>(
    arena: &'a Arena,
    chunk: Chunk<'a>,
    limits: Limits,
) -> Result<Vec<Doc<'a>>, ParseError> {
    build(arena, chunk, limits, None).map_err(Stop::into_error)
}

/// As [`parse_chunk`], but the values of an object's top-level keys other than `apiVersion`,
/// `kind` and `metadata` are left out (an empty collection with the value's span) when
/// `skip_body(kind)` says nothing reads them. Errors and duplicate keys are the same as
/// [`parse_chunk`]'s; a chunk with an alias after a skipped value is parsed again in full.
pub fn parse_chunk_skipping<'a>(
    arena: &'a Arena,
    chunk: Chunk<'a>,
    limits: Limits,
    skip_body: fn(&str) -> bool,
) -> Result<Vec<Doc<'a>>, ParseError> {
    match build(arena, chunk, limits, Some(skip_body)) {
        Err(Stop::Full) => parse_chunk(arena, chunk, limits),
        r => r.map_err(Stop::into_error),
    }
}

/// Why building stopped: an error, or a skipped value that must be built after all.
enum Stop {
    Error(ParseError),
    Full,
}

impl From<ParseError> for Stop {
    fn from(e: ParseError) -> Stop {
        Stop::Error(e)
    }
}

impl Stop {
    fn into_error(self) -> ParseError {
        match self {
            Stop::Error(e) => e,
            // Only a skipping build stops for this, and it is then built in full.
            Stop::Full => ParseError {
                message: "the document could not be built".into(),
                at: 0,
            },
        }
    }
}

fn build<'a>(
    arena: &'a Arena,
    chunk: Chunk<'a>,
    limits: Limits,
    skip_body: Option<fn(&str) -> bool>,
) -> Result<Vec<Doc<'a>>, Stop> {
    let mut b = Builder {
        arena,
        limits,
        docs: Vec::new(),
        stack: Vec::new(),
        items: Vec::new(),
        entries: Vec::new(),
        anchors: HashMap::new(),
        alias_nodes: 0,
        duplicates: Vec::new(),
        skip_body,
        skip: None,
        skipped: false,
        doc_skipped: false,
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
/// from `first` on, and are copied into one slice of the arena when it closes.
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
    arena: &'a Arena,
    limits: Limits,
    docs: Vec<Doc<'a>>,
    stack: Vec<Frame<'a>>,
    items: Vec<Node<'a>>,
    entries: Vec<Entry<'a>>,
    anchors: HashMap<String, Node<'a>>,
    alias_nodes: usize,
    duplicates: Vec<(Span, String)>,
    /// Kinds whose bodies are left out ([`parse_chunk_skipping`]).
    skip_body: Option<fn(&str) -> bool>,
    /// The value being skipped.
    skip: Option<Skip>,
    /// Whether a value was skipped in this chunk (an alias may name an anchor inside it).
    skipped: bool,
    /// Whether a value was skipped in the current document.
    doc_skipped: bool,
}

impl<'a> Builder<'a> {
    fn event(&mut self, ev: Event, span: Span) -> Result<(), Stop> {
        if let Some(skip) = &mut self.skip {
            let depth = self.stack.len();
            let max = self.limits.max_depth;
            return match skip.event(ev, span, depth, max, &mut self.duplicates)? {
                Step::More => Ok(()),
                Step::Full => Err(Stop::Full),
                Step::Done(span, map) => {
                    self.skip = None;
                    let value = if map {
                        Value::Map(&[])
                    } else {
                        Value::Seq(&[])
                    };
                    self.push(Node { span, value }, None)
                }
            };
        }
        match &ev {
            Event::Alias(_) if self.skipped => return Err(Stop::Full),
            Event::SequenceStart(_) | Event::MappingStart(_)
                if self.stack.len() < self.limits.max_depth && self.skips_value() =>
            {
                let map = matches!(ev, Event::MappingStart(_));
                self.skip = Some(Skip::new(span.start, map));
                self.skipped = true;
                self.doc_skipped = true;
                return Ok(());
            }
            _ => {}
        }
        match ev {
            Event::Scalar(scalar, anchor) => {
                let node = Node {
                    span,
                    value: Value::Scalar(self.scalar(scalar)),
                };
                self.push(node, anchor)
            }
            Event::SequenceStart(_) | Event::MappingStart(_)
                if self.stack.len() >= self.limits.max_depth =>
            {
                Err(too_deep(self.limits.max_depth, span).into())
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
    fn end_seq(&mut self, span: Span) -> Result<(), Stop> {
        match self.stack.pop() {
            Some(Frame::Seq {
                first,
                start,
                anchor,
            }) => {
                let items = self.arena.alloc_slice_copy(&self.items[first..]);
                self.items.truncate(first);
                let end = items.last().map_or(span.end, |n| n.span.end.max(span.end));
                let node = Node {
                    span: Span::new(start, end.max(start)),
                    value: Value::Seq(items),
                };
                self.push(node, anchor)
            }
            _ => Err(unbalanced(span).into()),
        }
    }

    /// Closes the open mapping: merge keys are applied before duplicates are looked for.
    fn end_map(&mut self, span: Span) -> Result<(), Stop> {
        match self.stack.pop() {
            Some(Frame::Map {
                first,
                start,
                anchor,
                ..
            }) => {
                let own = &self.entries[first..];
                let entries: &'a [Entry<'a>] = match merge_keys(own) {
                    Some(merged) => self.arena.alloc_slice_copy(&merged),
                    None => self.arena.alloc_slice_copy(own),
                };
                self.entries.truncate(first);
                report_duplicates(entries, entry_key, &mut self.duplicates);
                if self.stack.is_empty() && self.doc_skipped && !self.still_skippable(entries) {
                    return Err(Stop::Full);
                }
                let end = entries
                    .last()
                    .map_or(span.end, |e| e.value.span.end.max(span.end));
                let node = Node {
                    span: Span::new(start, end.max(start)),
                    value: Value::Map(entries),
                };
                self.push(node, anchor)
            }
            _ => Err(unbalanced(span).into()),
        }
    }

    /// Expands an alias, charging its nodes to the alias budget.
    fn alias(&mut self, name: &str, span: Span) -> Result<(), Stop> {
        // go-yaml's wording.
        let node = self.anchors.get(name).copied().ok_or_else(|| ParseError {
            message: format!("unknown anchor '{name}' referenced"),
            at: span.start,
        })?;
        self.alias_nodes += count_nodes(&node);
        if self.alias_nodes > self.limits.max_alias_nodes {
            return Err(Stop::Error(ParseError {
                message: format!(
                    "aliases expand to more than {} nodes (alias bomb?)",
                    self.limits.max_alias_nodes
                ),
                at: span.start,
            }));
        }
        self.push(node, None)
    }

    /// Whether the collection starting now is the value of an object's top-level key that
    /// nothing reads: not `apiVersion`, `kind` or `metadata`, in an object whose kind (so
    /// far) is one `skip_body` names.
    fn skips_value(&self) -> bool {
        let Some(skip_body) = self.skip_body else {
            return false;
        };
        let [Frame::Map {
            first,
            key: Some(key),
            ..
        }] = self.stack.as_slice()
        else {
            return false;
        };
        if !matches!(key.as_str(), Some(k) if !matches!(k, "apiVersion" | "kind" | "metadata")) {
            return false;
        }
        kind_of(&self.entries[*first..]).is_some_and(skip_body)
    }

    /// At the end of a document with a skipped value: whether its kind, after every key (a
    /// later `kind` wins) and merge key, is still one whose body nothing reads.
    fn still_skippable(&self, entries: &[Entry<'a>]) -> bool {
        self.skip_body
            .is_some_and(|skip_body| kind_of(entries).is_some_and(skip_body))
    }

    fn push(&mut self, node: Node<'a>, anchor: Option<String>) -> Result<(), Stop> {
        if let Some(name) = anchor {
            self.anchors.insert(name, node);
        }
        match self.stack.last_mut() {
            None => {
                self.doc_skipped = false;
                self.docs.push(Doc {
                    root: node,
                    duplicate_keys: std::mem::take(&mut self.duplicates),
                })
            }
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

    /// A scalar with its text (and core tag) moved into the arena.
    fn scalar(&self, raw: RawScalar) -> Scalar<'a> {
        Scalar {
            text: self.arena.alloc_str(&raw.text),
            style: raw.style,
            core_tag: raw.core_tag.map(|t| &*self.arena.alloc_str(&t)),
        }
    }
}

/// YAML merge keys (`<<: *base`), which Kubernetes' YAML decoder honours: entries of the
/// merged mappings are added unless the mapping already has the key; earlier sources win.
/// `None` when the mapping has no merge key.
fn merge_keys<'a>(entries: &[Entry<'a>]) -> Option<Vec<Entry<'a>>> {
    let is_merge = |e: &Entry<'_>| matches!(&e.key.value, Value::Scalar(s) if s.style == Style::Plain && s.text == "<<");
    if !entries.iter().any(is_merge) {
        return None;
    }
    let mut own: Vec<Entry<'a>> = entries.iter().copied().filter(|e| !is_merge(e)).collect();
    for m in entries.iter().filter(|e| is_merge(e)) {
        let sources: &[Node<'a>] = match &m.value.value {
            Value::Map(_) => std::slice::from_ref(&m.value),
            Value::Seq(items) => items,
            Value::Scalar(_) => &[],
        };
        for src in sources {
            if let Value::Map(src_entries) = src.value {
                for e in src_entries {
                    let k = e.key.as_str();
                    if k.is_some() && !own.iter().any(|o| o.key.as_str() == k) {
                        own.push(*e);
                    }
                }
            }
        }
    }
    Some(own)
}

/// The text of the last `kind` key's scalar value.
fn kind_of<'e>(entries: &'e [Entry<'_>]) -> Option<&'e str> {
    entries
        .iter()
        .rev()
        .find(|e| e.key.as_str() == Some("kind"))
        .and_then(|e| e.value.as_str())
}

fn entry_key<'e>(e: &'e Entry<'_>) -> Option<(&'e str, Span)> {
    e.key.as_str().map(|k| (k, e.key.span))
}

fn unbalanced(span: Span) -> ParseError {
    ParseError {
        message: "unbalanced collection events".into(),
        at: span.start,
    }
}

fn count_nodes(n: &Node<'_>) -> usize {
    match n.value {
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

    /// An arena for one test's trees, which live as long as the test process.
    fn arena() -> &'static Arena {
        Box::leak(Box::default())
    }

    fn parse(s: &str) -> Result<Vec<Doc<'_>>, ParseError> {
        let mut out = Vec::new();
        let arena = arena();
        for c in split_documents(s) {
            out.extend(parse_chunk(arena, c, Limits::default())?);
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

    fn skipping(s: &str) -> Result<Vec<Doc<'_>>, ParseError> {
        let mut out = Vec::new();
        let arena = arena();
        for c in split_documents(s) {
            out.extend(parse_chunk_skipping(arena, c, Limits::default(), |k| {
                k == "Skip"
            })?);
        }
        Ok(out)
    }

    /// The spec's value when the skipping parse left it out: an empty collection.
    fn spec_skipped(doc: &Doc<'_>) -> bool {
        let spec = doc.root.get("spec").expect("spec");
        matches!(&spec.value, Value::Map(m) if m.is_empty())
    }

    #[test]
    fn skipped_bodies_keep_spans_duplicates_and_errors() {
        let s = "apiVersion: v1\nkind: Skip\nmetadata: {name: a}\nspec:\n  a: 1\n  b: {c: 1, c: 2}\n  <<: {a: 3}\n  a: 4\nafter: [1]\n";
        let (full, lazy) = (parse(s).expect("full"), skipping(s).expect("lazy"));
        assert!(spec_skipped(&lazy[0]) && !spec_skipped(&full[0]));
        assert_eq!(full[0].duplicate_keys, lazy[0].duplicate_keys);
        assert_eq!(lazy[0].duplicate_keys.len(), 2);
        let span = |d: &Doc<'_>| d.root.get("spec").map(|n| n.span);
        assert_eq!(span(&full[0]), span(&lazy[0]));
        // `after` is skipped too (a sequence); metadata is kept.
        assert_eq!(
            lazy[0]
                .root
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(Node::as_str),
            Some("a")
        );
        // Too deep inside a skipped body: the same error.
        let deep = format!("kind: Skip\nspec: {}{}\n", "[".repeat(300), "]".repeat(300));
        assert_eq!(parse(&deep).err(), skipping(&deep).err());
    }

    #[test]
    fn skipping_falls_back_to_the_full_parse() {
        // An alias after a skipped value may name an anchor inside it.
        let s = "kind: Skip\nspec: &s {a: 1}\nother: *s\n";
        let lazy = skipping(s).expect("lazy");
        assert!(!spec_skipped(&lazy[0]));
        assert_eq!(
            lazy[0]
                .root
                .get("other")
                .and_then(|o| o.get("a"))
                .and_then(Node::as_str),
            Some("1")
        );
        // A later `kind` makes the body one that is read.
        let s = "kind: Skip\nspec: {a: 1}\nkind: Pod\n";
        assert!(!spec_skipped(&skipping(s).expect("lazy")[0]));
        // The kind is not known yet when the body starts: nothing is skipped.
        let s = "spec: {a: 1}\nkind: Skip\n";
        assert!(!spec_skipped(&skipping(s).expect("lazy")[0]));
        // Other kinds are built in full.
        let s = "kind: Pod\nspec: {a: 1}\n";
        assert!(!spec_skipped(&skipping(s).expect("lazy")[0]));
    }
}
