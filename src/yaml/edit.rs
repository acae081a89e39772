//! Edits over the span tree, written in the file's own style: its line endings, indentation,
//! block or flow collections, quoting and JSON. A fix is a few byte-range replacements (ruff's
//! `Edit`), never a re-serialised document, and help text is rendered from the same edit.

use super::resolve::{resolve_plain, Resolved};
use super::tree::{Entry, Node, Span, Value};

/// One byte-range replacement in a file's text (an insertion when the span is empty).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Edit {
    pub span: Span,
    pub text: String,
}

/// A mapping to edit, and the key it is the value of (indentation is measured from it).
#[derive(Clone, Copy, Debug)]
pub struct At<'n, 'a> {
    pub key: Span,
    pub map: &'n Node<'a>,
}

impl<'n, 'a> From<&'n Entry<'a>> for At<'n, 'a> {
    fn from(e: &'n Entry<'a>) -> Self {
        At {
            key: e.key.span,
            map: &e.value,
        }
    }
}

/// A value to write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum New {
    Str(String),
    Map(Vec<(String, New)>),
    Seq(Vec<New>),
}

impl New {
    pub fn str(v: impl Into<String>) -> New {
        New::Str(v.into())
    }
    /// A mapping of string values.
    pub fn map(entries: &[(&str, &str)]) -> New {
        New::Map(
            entries
                .iter()
                .map(|(k, v)| ((*k).to_owned(), New::str(*v)))
                .collect(),
        )
    }
}

/// How scalars are quoted where the file gives no example.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Quote {
    /// Plain unless that would change the meaning.
    Plain,
    Double,
    Single,
}

/// The file's text and the style read from it.
pub struct Writer<'s> {
    src: &'s str,
    eol: &'static str,
    /// The file is JSON: keys and strings in double quotes.
    json: bool,
}

impl<'s> Writer<'s> {
    pub fn new(src: &'s str) -> Writer<'s> {
        Writer {
            src,
            eol: if src.contains("\r\n") { "\r\n" } else { "\n" },
            json: src.trim_start().starts_with(['{', '[']),
        }
    }

    /// The column (in characters) of a byte offset.
    fn column(&self, at: usize) -> usize {
        let start = self.line_start(at);
        self.src[start..at].chars().count()
    }

    fn line_start(&self, at: usize) -> usize {
        self.src[..at].rfind('\n').map_or(0, |i| i + 1)
    }

    /// The offset of the end of the line holding `at`, before its `\r\n` or `\n`.
    fn line_end(&self, at: usize) -> usize {
        let end = self.src[at..].find('\n').map_or(self.src.len(), |i| at + i);
        if end > at && self.src[..end].ends_with('\r') {
            end - 1
        } else {
            end
        }
    }

    /// Just after the last character written for `node` (block scalars and collections end
    /// after trailing line breaks; this does not).
    fn content_end(&self, node: &Node<'_>) -> usize {
        let end = match &node.value {
            Value::Map(es) if !self.is_flow(node) => match es.last() {
                Some(e) if e.value.span.is_empty() => e.key.span.end.max(e.value.span.end),
                Some(e) => self.content_end(&e.value),
                None => node.span.end,
            },
            Value::Seq(xs) if !self.is_flow(node) => {
                xs.last().map_or(node.span.end, |x| self.content_end(x))
            }
            _ => node.span.end,
        };
        let trimmed = self.src[..end].trim_end_matches([' ', '\t', '\r', '\n']);
        trimmed.len().max(node.span.start)
    }

    fn is_flow(&self, node: &Node<'_>) -> bool {
        self.src[node.span.start..].starts_with(['{', '['])
    }

    /// The quoting of the file near `near`: the quote of its first quoted value, if any.
    fn quote_near(&self, near: &Node<'_>) -> Quote {
        if self.json {
            return Quote::Double;
        }
        let first = |n: &Node<'_>| self.src[n.span.start..].chars().next();
        let values: Vec<&Node<'_>> = match &near.value {
            Value::Map(es) => es.iter().map(|e| &e.value).collect(),
            Value::Seq(xs) => xs.iter().collect(),
            Value::Scalar(_) => vec![near],
        };
        match values
            .iter()
            .filter(|n| n.as_scalar().is_some())
            .find_map(|n| first(n))
        {
            Some('"') => Quote::Double,
            Some('\'') => Quote::Single,
            _ => Quote::Plain,
        }
    }

    fn scalar(&self, v: &str, quote: Quote) -> String {
        match quote {
            Quote::Plain if is_plain_safe(v) => v.to_owned(),
            Quote::Single => format!("'{}'", v.replace('\'', "''")),
            _ => serde_json::to_string(v).unwrap_or_else(|_| format!("{v:?}")),
        }
    }

    fn key(&self, k: &str) -> String {
        if self.json {
            self.scalar(k, Quote::Double)
        } else {
            self.scalar(k, Quote::Plain)
        }
    }

    /// `v` in flow style: `{a: b, c: d}`, `[x]`.
    fn flow(&self, v: &New, quote: Quote) -> String {
        match v {
            New::Str(s) => self.scalar(s, quote),
            New::Map(es) => {
                let inner: Vec<String> = es
                    .iter()
                    .map(|(k, v)| format!("{}: {}", self.key(k), self.flow(v, quote)))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
            New::Seq(xs) => {
                let inner: Vec<String> = xs.iter().map(|x| self.flow(x, quote)).collect();
                format!("[{}]", inner.join(", "))
            }
        }
    }

    /// `key: value` in block style with the key at column `col`; nested lines start with
    /// the line break.
    fn block_entry(&self, key: &str, v: &New, col: usize, ind: Indent, quote: Quote) -> String {
        self.block_entry_as(&self.key(key), v, col, ind, quote)
    }

    /// [`Self::block_entry`] with the key as written.
    fn block_entry_as(&self, key: &str, v: &New, col: usize, ind: Indent, quote: Quote) -> String {
        let mut s = format!("{key}:");
        match v {
            New::Str(x) => {
                s.push(' ');
                s.push_str(&self.scalar(x, quote));
            }
            New::Map(es) => {
                for (k, v) in es {
                    s.push_str(self.eol);
                    s.push_str(&" ".repeat(col + ind.unit));
                    s.push_str(&self.block_entry(k, v, col + ind.unit, ind, quote));
                }
            }
            New::Seq(xs) => {
                for x in xs {
                    s.push_str(self.eol);
                    s.push_str(&" ".repeat(col + ind.seq));
                    s.push_str(&self.block_item(x, col + ind.seq, ind, quote));
                }
            }
        }
        s
    }

    /// `- item` with the dash at column `dash`.
    fn block_item(&self, v: &New, dash: usize, ind: Indent, quote: Quote) -> String {
        let col = dash + 2;
        match v {
            New::Map(es) if !es.is_empty() => {
                let mut s = String::from("- ");
                for (i, (k, v)) in es.iter().enumerate() {
                    if i > 0 {
                        s.push_str(self.eol);
                        s.push_str(&" ".repeat(col));
                    }
                    s.push_str(&self.block_entry(k, v, col, ind, quote));
                }
                s
            }
            other => format!("- {}", self.flow(other, quote)),
        }
    }

    /// The indentation of the mapping `map` whose key sits at `key_col`: one level, and the
    /// offset of a sequence's dashes from their key, read from the file.
    fn indent(&self, map: &Node<'_>, key_col: usize) -> Indent {
        let unit = map
            .as_map()
            .and_then(|es| es.first())
            .map(|e| self.column(e.key.span.start))
            .filter(|c| *c > key_col)
            .map_or(2, |c| c - key_col);
        let seq = self.seq_offset(map).unwrap_or(unit);
        Indent { unit, seq }
    }

    /// How far the file indents a block sequence's dashes from its key (0 or a unit).
    fn seq_offset(&self, map: &Node<'_>) -> Option<usize> {
        for e in map.as_map()? {
            if let (Value::Seq(xs), false) = (&e.value.value, self.is_flow(&e.value)) {
                let dash = self.dash_before(xs.first()?.span.start)?;
                return Some(
                    self.column(dash)
                        .saturating_sub(self.column(e.key.span.start)),
                );
            }
            if let Some(found) = self.seq_offset(&e.value) {
                return Some(found);
            }
        }
        None
    }

    /// The `-` of the block sequence item starting at `at`.
    fn dash_before(&self, at: usize) -> Option<usize> {
        let before = self.src[..at].trim_end_matches(' ');
        before.ends_with('-').then(|| before.len() - 1)
    }

    /// Adds `key: value` to the mapping that is `entry`'s value (entry = `spec: {...}`).
    pub fn add_entry(&self, parent: At<'_, '_>, key: &str, value: &New) -> Option<Edit> {
        let map = parent.map;
        let quote = self.quote_near(map);
        if self.is_flow(map) {
            return Some(self.flow_insert(
                map,
                &format!("{}: {}", self.key(key), self.flow(value, quote)),
            ));
        }
        let first = map.as_map()?.first()?;
        let col = self.column(first.key.span.start);
        let ind = self.indent(map, self.column(parent.key.start));
        // The new key goes on its own line at the mapping's indentation, after its last line.
        if !self.alone_on_line(first.key.span.start) && !self.after_dash(first.key.span.start) {
            return None;
        }
        let at = self.line_end(self.content_end(map));
        Some(Edit {
            span: Span::new(at, at),
            text: format!(
                "{}{}{}",
                self.eol,
                " ".repeat(col),
                self.block_entry(key, value, col, ind, quote)
            ),
        })
    }

    /// Adds entries to the mapping under `parent`'s `key` (creating it when missing, filling
    /// it when empty or null); entries already present with another value get it replaced.
    pub fn merge_map(
        &self,
        parent: At<'_, '_>,
        key: &str,
        entries: &[(&str, &str)],
    ) -> Option<Vec<Edit>> {
        let Some(target) = parent.map.entry(key) else {
            return Some(vec![self.add_entry(parent, key, &New::map(entries))?]);
        };
        let mut edits = Vec::new();
        let mut missing = Vec::new();
        for (k, v) in entries {
            match target.value.get(k) {
                Some(n) if n.as_str() == Some(v) => {}
                Some(n) if n.as_scalar().is_some() => edits.push(self.replace(n.span, v)),
                Some(_) => return None,
                None => missing.push((*k, *v)),
            }
        }
        if !missing.is_empty() {
            edits.push(self.add_to_collection(target, &New::map(&missing))?);
        }
        Some(edits)
    }

    /// Appends `items` to the sequence under `parent`'s `key` (creating it when missing).
    pub fn append_items(&self, parent: At<'_, '_>, key: &str, items: &[New]) -> Option<Edit> {
        let add = New::Seq(items.to_vec());
        match parent.map.entry(key) {
            None => self.add_entry(parent, key, &add),
            Some(target) => self.add_to_collection(target, &add),
        }
    }

    /// Adds the entries of a `New::Map` (or the items of a `New::Seq`) to the existing
    /// collection that is `target`'s value.
    fn add_to_collection(&self, target: &Entry<'_>, add: &New) -> Option<Edit> {
        let node = &target.value;
        let quote = self.quote_near(node);
        if node.is_null() {
            // `key:` or `key: ~`: write the collection in block style under the key.
            let col = self.column(target.key.span.start);
            let ind = Indent {
                unit: 2,
                seq: self.seq_offset(node).unwrap_or(0),
            };
            let key_text = &self.src[target.key.span.start..target.key.span.end];
            let end = if node.span.is_empty() {
                self.line_end(target.key.span.end)
            } else {
                node.span.end
            };
            let text = self.block_entry_as(key_text, add, col, ind, quote);
            return Some(Edit {
                span: Span::new(target.key.span.start, end),
                text: if self.json {
                    format!("{key_text}: {}", self.flow(add, quote))
                } else {
                    text
                },
            });
        }
        let parts: Vec<String> = match add {
            New::Map(es) => es
                .iter()
                .map(|(k, v)| format!("{}: {}", self.key(k), self.flow(v, quote)))
                .collect(),
            New::Seq(xs) => xs.iter().map(|x| self.flow(x, quote)).collect(),
            New::Str(_) => return None,
        };
        if self.is_flow(node) {
            return Some(self.flow_insert(node, &parts.join(", ")));
        }
        match (&node.value, add) {
            (Value::Map(es), New::Map(add)) => {
                let first = es.first()?;
                if !self.alone_on_line(first.key.span.start) {
                    return None;
                }
                let col = self.column(first.key.span.start);
                let ind = self.indent(node, self.column(target.key.span.start));
                let at = self.line_end(self.content_end(node));
                let text = add
                    .iter()
                    .map(|(k, v)| {
                        format!(
                            "{}{}{}",
                            self.eol,
                            " ".repeat(col),
                            self.block_entry(k, v, col, ind, quote)
                        )
                    })
                    .collect();
                Some(Edit {
                    span: Span::new(at, at),
                    text,
                })
            }
            (Value::Seq(xs), New::Seq(add)) => {
                let first = xs.first()?;
                let dash = self.dash_before(first.span.start)?;
                let dash_col = self.column(dash);
                let ind = Indent {
                    unit: self
                        .column(first.span.start)
                        .saturating_sub(dash_col)
                        .max(1),
                    seq: 0,
                };
                let at = self.line_end(self.content_end(node));
                // Items written as `- {a: b}` get their new siblings in the same style.
                let flow_items = self.is_flow(first);
                let text = add
                    .iter()
                    .map(|x| {
                        let item = if flow_items {
                            format!("- {}", self.flow(x, quote))
                        } else {
                            self.block_item(x, dash_col, ind, quote)
                        };
                        format!("{}{}{}", self.eol, " ".repeat(dash_col), item)
                    })
                    .collect();
                Some(Edit {
                    span: Span::new(at, at),
                    text,
                })
            }
            _ => None,
        }
    }

    /// Inserts `part` (entries or items, already in flow style) into a flow collection:
    /// after its last element, on a line of its own when the collection is written one
    /// element per line (pretty-printed JSON).
    fn flow_insert(&self, node: &Node<'_>, part: &str) -> Edit {
        let last = match &node.value {
            Value::Map(es) => es.last().map(|e| (e.key.span.start, e.value.span.end)),
            Value::Seq(xs) => xs.last().map(|x| (x.span.start, x.span.end)),
            Value::Scalar(_) => None,
        };
        match last {
            None => {
                let at = node.span.start + 1;
                Edit {
                    span: Span::new(at, at),
                    text: part.to_owned(),
                }
            }
            Some((start, end)) => {
                let own_line = self.alone_on_line(start);
                let text = if own_line {
                    format!(",{}{}{part}", self.eol, " ".repeat(self.column(start)))
                } else {
                    format!(", {part}")
                };
                Edit {
                    span: Span::new(end, end),
                    text,
                }
            }
        }
    }

    /// Is the text before `at` on its line only spaces?
    fn alone_on_line(&self, at: usize) -> bool {
        self.src[self.line_start(at)..at].trim_start().is_empty()
    }

    /// Is `at` the first key of a block sequence item (`- key: ...`)?
    fn after_dash(&self, at: usize) -> bool {
        self.dash_before(at)
            .is_some_and(|d| self.src[self.line_start(d)..d].trim().is_empty())
    }

    /// Replaces the scalar at `span`, keeping its quotes.
    pub fn replace(&self, span: Span, value: &str) -> Edit {
        let quote = match self.src[span.start.min(self.src.len())..].chars().next() {
            Some('"') => Quote::Double,
            Some('\'') => Quote::Single,
            _ if self.json => Quote::Double,
            _ => Quote::Plain,
        };
        Edit {
            span,
            text: self.scalar(value, quote),
        }
    }

    /// Removes a mapping entry whose value is a scalar: its whole line in block style, the
    /// entry and one comma in flow style.
    pub fn delete_entry(&self, map: &Node<'_>, key: &str) -> Option<Edit> {
        let es = map.as_map()?;
        let i = es.iter().position(|e| e.key.as_str() == Some(key))?;
        let e = &es[i];
        e.value.as_scalar()?;
        if self.is_flow(map) {
            let span = match (es.get(i + 1), i.checked_sub(1).map(|p| &es[p])) {
                (Some(next), _) => Span::new(e.key.span.start, next.key.span.start),
                (None, Some(prev)) => Span::new(prev.value.span.end, e.value.span.end),
                (None, None) => Span::new(e.key.span.start, e.value.span.end),
            };
            return Some(Edit {
                span,
                text: String::new(),
            });
        }
        let start = self.line_start(e.key.span.start);
        if !self.alone_on_line(e.key.span.start) || es.len() < 2 {
            return None;
        }
        let end = self.line_end(e.value.span.end.max(e.key.span.end));
        let end = (end + self.eol.len()).min(self.src.len());
        Some(Edit {
            span: Span::new(start, end),
            text: String::new(),
        })
    }

    /// Renames a key, keeping its quotes.
    pub fn rename_key(&self, key: &Node<'_>, new: &str) -> Edit {
        self.replace(key.span, new)
    }
}

/// Indentation read from the file: one level, and a block sequence's dash offset.
#[derive(Clone, Copy, Debug)]
struct Indent {
    unit: usize,
    seq: usize,
}

/// Can `v` be written as a plain scalar and still read as this string, in block and flow
/// context alike?
fn is_plain_safe(v: &str) -> bool {
    matches!(resolve_plain(v), Resolved::Str)
        && !v.is_empty()
        && !v.contains([':', '#', '"', '\'', '{', '}', '[', ']', ',', '\n', '\t'])
        && !v.starts_with(['-', '?', '&', '*', '!', '|', '>', '%', '@', '`', ' '])
        && !v.ends_with(' ')
        && !v.starts_with(|c: char| c.is_ascii_digit() || c == '.')
}

/// The help text for an edit: its text as it will read in the file, dedented, with `\n`
/// line ends, and without the separator that joins it to what came before.
pub fn snippet(edit: &Edit) -> String {
    let text = edit.text.replace("\r\n", "\n");
    let text = text.trim_start_matches(',');
    let text = text.strip_prefix('\n').unwrap_or(text);
    let text = if text.contains('\n') {
        text
    } else {
        text.trim_start()
    };
    let lines: Vec<&str> = text.lines().collect();
    let cut = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let mut out = String::new();
    for l in lines {
        out.push_str(l.get(cut..).unwrap_or(l.trim_start()));
        out.push('\n');
    }
    out
}

/// `text` with `edits` applied; `None` when two edits overlap or one is out of range.
pub fn apply(text: &str, edits: &[Edit]) -> Option<String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for e in sorted {
        if e.span.start < at
            || e.span.end > text.len()
            || !text.is_char_boundary(e.span.start)
            || !text.is_char_boundary(e.span.end)
        {
            return None;
        }
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.text);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse_chunk, split_documents, Limits};

    /// Runs `f` on the root entry `key` of `src` and applies the edits it returns.
    fn edit(src: &str, key: &str, f: impl Fn(&Writer<'_>, At<'_, '_>) -> Vec<Edit>) -> String {
        let chunk = split_documents(src).into_iter().next().expect("a document");
        let arena = crate::yaml::Arena::new();
        let docs = parse_chunk(&arena, chunk, Limits::default()).expect("parses");
        let entry = docs[0].root.entry(key).expect("key");
        let w = Writer::new(src);
        apply(src, &f(&w, entry.into())).expect("no overlap")
    }

    fn os(w: &Writer<'_>, e: At<'_, '_>) -> Vec<Edit> {
        w.merge_map(e, "nodeSelector", &[("kubernetes.io/os", "windows")])
            .expect("an edit")
    }

    #[test]
    fn merges_into_block_flow_empty_and_missing_maps() {
        let cases = [
            (
                "spec:\n  containers: []\n",
                "spec:\n  containers: []\n  nodeSelector:\n    kubernetes.io/os: windows\n",
            ),
            (
                "spec:\n    nodeSelector:\n        a: b # keep\n    x: 1\n",
                "spec:\n    nodeSelector:\n        a: b # keep\n        kubernetes.io/os: windows\n    x: 1\n",
            ),
            (
                "spec:\n  nodeSelector: {}\n",
                "spec:\n  nodeSelector: {kubernetes.io/os: windows}\n",
            ),
            (
                "spec:\n  nodeSelector: {a: \"b\"}\n",
                "spec:\n  nodeSelector: {a: \"b\", kubernetes.io/os: \"windows\"}\n",
            ),
            (
                "spec:\r\n  nodeSelector:\r\n    kubernetes.io/os: linux\r\n",
                "spec:\r\n  nodeSelector:\r\n    kubernetes.io/os: windows\r\n",
            ),
            (
                "spec:\n  nodeSelector:\n  x: 1\n",
                "spec:\n  nodeSelector:\n    kubernetes.io/os: windows\n  x: 1\n",
            ),
        ];
        for (src, want) in cases {
            assert_eq!(edit(src, "spec", os), want, "{src:?}");
        }
    }

    #[test]
    fn json_gets_json() {
        let src = "{\"spec\": {\"containers\": []}}";
        assert_eq!(
            edit(src, "spec", os),
            "{\"spec\": {\"containers\": [], \"nodeSelector\": {\"kubernetes.io/os\": \"windows\"}}}"
        );
        let pretty = "{\n  \"spec\": {\n    \"containers\": []\n  }\n}\n";
        assert_eq!(
            edit(pretty, "spec", os),
            "{\n  \"spec\": {\n    \"containers\": [],\n    \"nodeSelector\": {\"kubernetes.io/os\": \"windows\"}\n  }\n}\n"
        );
    }

    #[test]
    fn appends_to_sequences() {
        let tol = New::map(&[("key", "os"), ("operator", "Exists")]);
        let add = |w: &Writer<'_>, e: At<'_, '_>| {
            vec![w
                .append_items(e, "tolerations", std::slice::from_ref(&tol))
                .expect("edit")]
        };
        assert_eq!(
            edit("spec:\n  tolerations:\n  - key: a\n    operator: Exists\n  x: 1\n", "spec", add),
            "spec:\n  tolerations:\n  - key: a\n    operator: Exists\n  - key: os\n    operator: Exists\n  x: 1\n"
        );
        assert_eq!(
            edit("spec:\n  tolerations: []\n", "spec", add),
            "spec:\n  tolerations: [{key: os, operator: Exists}]\n"
        );
        assert_eq!(
            edit("spec:\n  containers:\n    - name: a\n", "spec", add),
            "spec:\n  containers:\n    - name: a\n  tolerations:\n    - key: os\n      operator: Exists\n"
        );
    }

    #[test]
    fn deletes_and_renames() {
        let del = |w: &Writer<'_>, e: At<'_, '_>| vec![w.delete_entry(e.map, "b").expect("edit")];
        assert_eq!(
            edit("m:\n  a: 1\n  b: 2\n  c: 3\n", "m", del),
            "m:\n  a: 1\n  c: 3\n"
        );
        assert_eq!(edit("m: {a: 1, b: 2}\n", "m", del), "m: {a: 1}\n");
        assert_eq!(edit("m: {b: 2, c: 3}\n", "m", del), "m: {c: 3}\n");
        let ren = |w: &Writer<'_>, e: At<'_, '_>| {
            vec![w.rename_key(&e.map.entry("b").expect("b").key, "x/y")]
        };
        assert_eq!(edit("m: {\"b\": 2}\n", "m", ren), "m: {\"x/y\": 2}\n");
    }

    #[test]
    fn snippets_are_dedented() {
        let e = Edit {
            span: Span::new(0, 0),
            text: "\r\n    nodeSelector:\r\n      a: b".into(),
        };
        assert_eq!(snippet(&e), "nodeSelector:\n  a: b\n");
    }
}
