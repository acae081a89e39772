//! Template lines, classified by what Helm makes of them: copied, filled in, dropped, or
//! replaced by any number of lines.

use crate::yaml::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// No action: renders to itself.
    Literal,
    /// Literal text around actions: renders to one line of that shape.
    Pattern,
    /// Only `if`/`range`/`end`/... actions: renders to nothing.
    Control,
    /// Only an output action (`toYaml`, `include`, a value): renders to any number of lines.
    Output,
    /// Empty or whitespace: matched by nothing (too common to anchor on).
    Blank,
}

#[derive(Debug)]
pub(super) struct TLine<'t> {
    /// `None`: the template; `Some(i)`: file `i` of the [`Defines`](super::Defines).
    pub(super) file: Option<usize>,
    /// Byte offset of the line in its file.
    pub(super) start: usize,
    pub(super) text: &'t str,
    pub(super) kind: Kind,
    /// For patterns: the literal pieces between actions, in order.
    pub(super) pieces: Vec<&'t str>,
    pub(super) starts_with_action: bool,
    pub(super) ends_with_action: bool,
    /// Where the first action starts, relative to the line.
    pub(super) first_action: usize,
}

/// A template split into classified lines, and into `---` separated regions.
#[derive(Debug)]
pub struct Template<'t> {
    pub(super) text: &'t str,
    pub(super) lines: Vec<TLine<'t>>,
    /// Lines are compared without their indentation: the bodies of named templates, which
    /// `include ... | nindent N` re-indents.
    pub(super) loose: bool,
    /// `[start, end)` line ranges of the template's YAML documents.
    pub(super) regions: Vec<(usize, usize)>,
}

const CONTROL_WORDS: [&str; 9] = [
    "if ", "else", "end", "range ", "with ", "define ", "break", "continue", "/*",
];

/// `{{- if .x }}` -> `if .x`: the action's words without delimiters and trim markers.
pub(super) fn action_body(action: &str) -> &str {
    let a = action.strip_prefix("{{").unwrap_or(action);
    let a = a.strip_suffix("}}").unwrap_or(a);
    let a = a.strip_prefix('-').unwrap_or(a);
    let a = a.strip_suffix('-').unwrap_or(a);
    a.trim()
}

pub(super) fn is_control(action: &str) -> bool {
    let body = action_body(action);
    if CONTROL_WORDS
        .iter()
        .any(|w| body.starts_with(w) || body == w.trim())
    {
        return true;
    }
    // `$x := ...` and `$x = ...` assign without output.
    body.starts_with('$')
        && body
            .split_whitespace()
            .nth(1)
            .is_some_and(|op| op == ":=" || op == "=")
}

impl<'t> Template<'t> {
    pub fn new(text: &'t str) -> Template<'t> {
        let mut lines = Vec::new();
        push_lines(&mut lines, None, text, 0..text.len());
        let mut regions = Vec::new();
        let mut region_start = 0;
        for (i, l) in lines.iter().enumerate() {
            if l.kind == Kind::Literal && is_doc_marker(l.text) {
                if i > region_start {
                    regions.push((region_start, i));
                }
                region_start = i + 1;
            }
        }
        if region_start < lines.len() || regions.is_empty() {
            regions.push((region_start, lines.len()));
        }
        Template {
            text,
            lines,
            loose: false,
            regions,
        }
    }

    /// The span of a whole template line's content (without indentation).
    pub(super) fn line_span(&self, t: usize) -> Span {
        let l = &self.lines[t];
        let indent = l.text.len() - l.text.trim_start().len();
        Span::new(l.start + indent, l.start + l.text.len())
    }

    pub fn text(&self) -> &'t str {
        self.text
    }
}

/// Classifies the lines of `text[range]` (whole lines of `text`, or a named template's body).
pub(super) fn push_lines<'t>(
    lines: &mut Vec<TLine<'t>>,
    file: Option<usize>,
    text: &'t str,
    range: std::ops::Range<usize>,
) {
    // Action ranges over the whole range: an action may span lines.
    let mut actions: Vec<(usize, usize)> = Vec::new();
    let mut at = range.start;
    while let Some(open) = text[at..range.end].find("{{") {
        let open = at + open;
        let close = text[open + 2..range.end]
            .find("}}")
            .map_or(range.end, |c| open + 2 + c + 2);
        actions.push((open, close));
        at = close;
    }
    let mut start = range.start;
    let mut next_action = 0;
    for raw in text[range.clone()].split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let end = start + line.len();
        while next_action < actions.len() && actions[next_action].1 <= start {
            next_action += 1;
        }
        // Actions overlapping this line, clipped to it.
        let mut overlapping = Vec::new();
        let mut i = next_action;
        while i < actions.len() && actions[i].0 < end.max(start + 1) {
            let (a, b) = actions[i];
            if b > start {
                overlapping.push((a.max(start) - start, b.min(end) - start, a, b));
            }
            i += 1;
        }
        let mut l = classify(start, line, text, &overlapping);
        l.file = file;
        lines.push(l);
        start += raw.len();
    }
}

fn is_doc_marker(line: &str) -> bool {
    line.starts_with("---") && line[3..].trim().is_empty()
}

fn classify<'t>(
    start: usize,
    line: &'t str,
    text: &'t str,
    actions: &[(usize, usize, usize, usize)],
) -> TLine<'t> {
    let base = TLine {
        file: None,
        start,
        text: line,
        kind: Kind::Literal,
        pieces: Vec::new(),
        starts_with_action: false,
        ends_with_action: false,
        first_action: line.len(),
    };
    if actions.is_empty() {
        let kind = if line.trim().is_empty() {
            Kind::Blank
        } else {
            Kind::Literal
        };
        return TLine { kind, ..base };
    }
    // Literal pieces between actions; `{{-` trims the whitespace before an action and `-}}`
    // the whitespace after it (`resources: {{- toYaml ... }}` renders `resources:`).
    let mut pieces = Vec::new();
    let mut at = 0;
    let mut trim_next = false;
    for &(a, b, ga, gb) in actions {
        if a > at {
            let mut piece = &line[at..a];
            if trim_next {
                piece = piece.trim_start();
            }
            if text[ga..gb].starts_with("{{-") {
                piece = piece.trim_end();
            }
            if !piece.is_empty() || at == 0 {
                pieces.push(piece);
            }
        }
        trim_next = text[ga..gb].ends_with("-}}");
        at = at.max(b);
    }
    if at < line.len() {
        let piece = &line[at..];
        pieces.push(if trim_next { piece.trim_start() } else { piece });
    }
    let literal_text: String = pieces.concat();
    let first_action = actions[0].0;
    if literal_text.trim().is_empty() {
        // Only actions on this line. A multi-line action continued here counts as the
        // action it belongs to.
        let all_control = actions
            .iter()
            .all(|&(_, _, ga, gb)| is_control(&text[ga..gb]));
        let kind = if all_control {
            Kind::Control
        } else {
            Kind::Output
        };
        return TLine {
            kind,
            first_action: line.len() - line.trim_start().len(),
            ..base
        };
    }
    let starts_with_action = first_action == 0;
    let ends_with_action = actions.last().is_some_and(|&(_, b, _, _)| b >= line.len());
    TLine {
        kind: Kind::Pattern,
        pieces,
        starts_with_action,
        ends_with_action,
        first_action,
        ..base
    }
}

pub(super) fn indent(s: &str) -> usize {
    s.len() - s.trim_start_matches(' ').len()
}
