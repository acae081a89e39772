//! Maps a position in Helm's rendered output back to the template line that produced it.
//!
//! A template is not YAML, but Helm copies its literal text unchanged: a line without `{{ }}`
//! renders to itself, a line with actions renders to one line whose literal parts are the
//! template's, a line holding only a control action (`if`, `range`, `end`, ...) renders to
//! nothing, and a line holding only an output action (`toYaml`, `include`) renders to any
//! number of lines. So each rendered document is aligned to the template's lines with a
//! weighted longest common subsequence (literal matches outweigh pattern matches). A rendered
//! line that no template line matched (the second pass of a `range`, the output of an
//! `include`) is attributed to the single output action between its aligned neighbours, or to
//! a matching line under its nearest aligned ancestor key, or else to that ancestor itself,
//! which is then marked approximate. Lines an `include` produced are aligned again, with the
//! body of the named template (`define`) it includes, compared without indentation since
//! `nindent` moves them; that recurses into nested includes.

use crate::yaml::Span;

/// Where a rendered span comes from in the template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mapped {
    /// `None`: the template itself; `Some(i)`: file `i` of the chart's named templates
    /// ([`Defines`]), when the field came from an `include`.
    pub file: Option<usize>,
    pub span: Span,
    /// No unique template line was found: `span` is the enclosing key's line.
    pub approximate: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
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
struct TLine<'t> {
    /// `None`: the template; `Some(i)`: file `i` of the [`Defines`].
    file: Option<usize>,
    /// Byte offset of the line in its file.
    start: usize,
    text: &'t str,
    kind: Kind,
    /// For patterns: the literal pieces between actions, in order.
    pieces: Vec<&'t str>,
    starts_with_action: bool,
    ends_with_action: bool,
    /// Where the first action starts, relative to the line.
    first_action: usize,
}

/// A template split into classified lines, and into `---` separated regions.
#[derive(Debug)]
pub struct Template<'t> {
    text: &'t str,
    lines: Vec<TLine<'t>>,
    /// Lines are compared without their indentation: the bodies of named templates, which
    /// `include ... | nindent N` re-indents.
    loose: bool,
    /// `[start, end)` line ranges of the template's YAML documents.
    regions: Vec<(usize, usize)>,
}

const CONTROL_WORDS: [&str; 9] = [
    "if ", "else", "end", "range ", "with ", "define ", "break", "continue", "/*",
];

/// `{{- if .x }}` -> `if .x`: the action's words without delimiters and trim markers.
fn action_body(action: &str) -> &str {
    let a = action.strip_prefix("{{").unwrap_or(action);
    let a = a.strip_suffix("}}").unwrap_or(a);
    let a = a.strip_prefix('-').unwrap_or(a);
    let a = a.strip_suffix('-').unwrap_or(a);
    a.trim()
}

fn is_control(action: &str) -> bool {
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

    /// The bodies of named templates, one after the other, as one template compared without
    /// indentation.
    fn bodies(defines: &Defines<'t>, parts: &[(usize, usize, usize)]) -> Template<'t> {
        let mut lines = Vec::new();
        for &(file, start, end) in parts {
            push_lines(&mut lines, Some(file), defines.files[file].1, start..end);
        }
        let n = lines.len();
        Template {
            text: "",
            lines,
            loose: true,
            regions: vec![(0, n)],
        }
    }

    /// The span of a whole template line's content (without indentation).
    fn line_span(&self, t: usize) -> Span {
        let l = &self.lines[t];
        let indent = l.text.len() - l.text.trim_start().len();
        Span::new(l.start + indent, l.start + l.text.len())
    }

    pub fn text(&self) -> &'t str {
        self.text
    }
}

/// Classifies the lines of `text[range]` (whole lines of `text`, or a named template's body).
fn push_lines<'t>(
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

/// The named templates (`define`) of a chart and its subcharts, so that a field an `include`
/// produced can be followed into the helper that wrote it.
#[derive(Default)]
pub struct Defines<'t> {
    /// Display path and text of each file.
    pub files: Vec<(&'t str, &'t str)>,
    /// Name -> (file, body start, body end).
    bodies: std::collections::HashMap<String, (usize, usize, usize)>,
}

impl<'t> Defines<'t> {
    pub fn new(files: Vec<(&'t str, &'t str)>) -> Defines<'t> {
        let mut bodies = std::collections::HashMap::new();
        for (i, (_, text)) in files.iter().enumerate() {
            // Nesting of block actions, to find each `define`'s own `end`.
            let mut stack: Vec<Option<(String, usize)>> = Vec::new();
            let mut at = 0;
            while let Some(open) = text[at..].find("{{") {
                let open = at + open;
                let Some(close) = text[open + 2..].find("}}").map(|c| open + 2 + c + 2) else {
                    break;
                };
                let body = action_body(&text[open..close]);
                let word = body.split_whitespace().next().unwrap_or("");
                match word {
                    "define" => {
                        let name = body
                            .split('"')
                            .nth(1)
                            .map(str::to_owned)
                            .unwrap_or_default();
                        stack.push(Some((name, close)));
                    }
                    "if" | "range" | "with" | "block" => stack.push(None),
                    "end" => {
                        if let Some(Some((name, start))) = stack.pop() {
                            bodies.entry(name).or_insert((i, start, open));
                        }
                    }
                    _ => {}
                }
                at = close;
            }
        }
        Defines { files, bodies }
    }
}

/// The named templates an output line includes (`include "x"`, `template "x"`).
fn included(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for key in ["include \"", "template \""] {
        let mut rest = line;
        while let Some(i) = rest.find(key) {
            rest = &rest[i + key.len()..];
            if let Some(end) = rest.find('"') {
                out.push(&rest[..end]);
                rest = &rest[end..];
            }
        }
    }
    out
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

/// Does a rendered line match a pattern line? Literal pieces in order, anchored at the ends
/// that have no action.
fn pattern_matches(t: &TLine<'_>, r: &str, loose: bool) -> bool {
    let mut rest = if loose { r.trim_start() } else { r };
    let n = t.pieces.len();
    for (i, piece) in t.pieces.iter().enumerate() {
        // Text before the first action is copied as is (a `{{-` there would trim it, which
        // templates do on control lines, not on these).
        let first = i == 0 && !t.starts_with_action;
        let last = i + 1 == n && !t.ends_with_action;
        if first {
            let piece = if loose { piece.trim_start() } else { piece };
            let Some(after) = rest.strip_prefix(piece) else {
                return false;
            };
            rest = after;
        } else if last {
            return rest.ends_with(piece);
        } else {
            let piece_t = if i == 0 { piece.trim_start() } else { piece };
            match rest.find(piece_t) {
                Some(p) => rest = &rest[p + piece_t.len()..],
                None => return false,
            }
        }
    }
    true
}

/// The score of aligning rendered line `r` with template line `t` (0: they cannot align).
fn weight(t: &TLine<'_>, r: &str, loose: bool) -> u32 {
    if r.trim().is_empty() {
        return 0;
    }
    let same = if loose {
        t.text.trim_start() == r.trim_start()
    } else {
        t.text == r
    };
    match t.kind {
        Kind::Literal if same => 3,
        Kind::Pattern if pattern_matches(t, r, loose) => 2,
        _ => 0,
    }
}

/// The largest alignment solved exactly; larger ones use a greedy forward scan.
const DP_CELLS: usize = 8_000_000;

/// Aligns rendered lines to template lines `[lo, hi)`: for each rendered line, its template
/// line, and the total weight.
fn align(tpl: &Template<'_>, lo: usize, hi: usize, rendered: &[&str]) -> (Vec<Option<usize>>, u32) {
    let tl = &tpl.lines[lo..hi];
    let (n, m) = (tl.len(), rendered.len());
    let mut out = vec![None; m];
    if n == 0 || m == 0 {
        return (out, 0);
    }
    if n.saturating_mul(m) > DP_CELLS {
        let mut total = 0;
        let mut next = 0;
        for (j, r) in rendered.iter().enumerate() {
            let window = next..(next + 400).min(n);
            if let Some(i) = window.clone().find(|&i| weight(&tl[i], r, tpl.loose) > 0) {
                total += weight(&tl[i], r, tpl.loose);
                out[j] = Some(lo + i);
                next = i + 1;
            }
        }
        return (out, total);
    }
    // score[i][j] over template prefix i and rendered prefix j, kept as two rows, with a
    // direction table for the backtrack: 0 skip template, 1 skip rendered, 2 match.
    let mut dir = vec![0u8; n * m];
    let mut prev = vec![0u32; m + 1];
    let mut cur = vec![0u32; m + 1];
    for i in 1..=n {
        cur[0] = 0;
        for j in 1..=m {
            let skip_t = prev[j];
            let skip_r = cur[j - 1];
            let w = weight(&tl[i - 1], rendered[j - 1], tpl.loose);
            let matched = if w > 0 { prev[j - 1] + w } else { 0 };
            let (best, d) = if w > 0 && matched >= skip_t && matched >= skip_r {
                (matched, 2)
            } else if skip_t >= skip_r {
                (skip_t, 0)
            } else {
                (skip_r, 1)
            };
            cur[j] = best;
            dir[(i - 1) * m + (j - 1)] = d;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let total = prev[m];
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        match dir[(i - 1) * m + (j - 1)] {
            2 => {
                out[j - 1] = Some(lo + i - 1);
                i -= 1;
                j -= 1;
            }
            1 => j -= 1,
            _ => i -= 1,
        }
    }
    (out, total)
}

/// The `N` of a trailing `indent N` or `nindent N` in an output action.
fn output_indent(line: &str) -> Option<usize> {
    let words: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || c == '|')
        .filter(|w| !w.is_empty())
        .collect();
    let i = words
        .iter()
        .rposition(|w| *w == "indent" || *w == "nindent")?;
    words
        .get(i + 1)?
        .trim_end_matches("}}")
        .trim_end_matches('-')
        .parse()
        .ok()
}

fn indent(s: &str) -> usize {
    s.len() - s.trim_start_matches(' ').len()
}

/// One rendered document aligned to its template.
pub struct Aligned<'t, 'r> {
    tpl: &'t Template<'t>,
    defines: Option<&'t Defines<'t>>,
    /// How many `include`s deep this alignment is.
    depth: usize,
    /// The rendered document's lines and their byte offsets in the rendered text.
    lines: Vec<(usize, &'r str)>,
    doc: &'r str,
    to_template: Vec<Option<usize>>,
    /// The template lines `[start, end)` of the region the document was aligned with.
    region: (usize, usize),
    /// Alignments of `include` output with named templates, shared by the nested alignments.
    cache: Cache,
}

/// Key: depth, the rendered run's byte range, and the named template bodies; value: the
/// alignment and its region.
type Cache = std::rc::Rc<
    std::cell::RefCell<
        std::collections::HashMap<
            (usize, usize, usize, Vec<(usize, usize, usize)>),
            (Vec<Option<usize>>, (usize, usize)),
        >,
    >,
>;

impl<'t, 'r> Aligned<'t, 'r> {
    /// Aligns the rendered document `doc` (starting at byte `offset` of the render) with the
    /// template region it matches best.
    #[cfg(test)]
    pub fn new(tpl: &'t Template<'t>, doc: &'r str, offset: usize) -> Aligned<'t, 'r> {
        Aligned::with_defines(tpl, doc, offset, None, 0)
    }

    /// Like [`Aligned::new`], following `include`s into the chart's named templates.
    pub fn with_defines(
        tpl: &'t Template<'t>,
        doc: &'r str,
        offset: usize,
        defines: Option<&'t Defines<'t>>,
        depth: usize,
    ) -> Aligned<'t, 'r> {
        Aligned::build(tpl, doc, offset, defines, depth, Cache::default()).aligned()
    }

    fn build(
        tpl: &'t Template<'t>,
        doc: &'r str,
        offset: usize,
        defines: Option<&'t Defines<'t>>,
        depth: usize,
        cache: Cache,
    ) -> Aligned<'t, 'r> {
        let mut lines = Vec::new();
        let mut at = offset;
        for raw in doc.split_inclusive('\n') {
            lines.push((at, raw.trim_end_matches(['\n', '\r'])));
            at += raw.len();
        }
        Aligned {
            tpl,
            defines,
            depth,
            lines,
            doc,
            to_template: Vec::new(),
            region: (0, tpl.lines.len()),
            cache,
        }
    }

    /// Aligns the lines with the template region (a `---` separated part) that fits best.
    fn aligned(mut self) -> Aligned<'t, 'r> {
        let texts: Vec<&str> = self.lines.iter().map(|l| l.1).collect();
        self.to_template = vec![None; self.lines.len()];
        let mut best_score = None;
        for &(lo, hi) in &self.tpl.regions {
            let (map, score) = align(self.tpl, lo, hi, &texts);
            if best_score.is_none_or(|b| score > b) {
                best_score = Some(score);
                self.to_template = map;
                self.region = (lo, hi);
            }
        }
        self
    }

    /// The rendered line index holding byte `offset` of the render.
    fn line_of(&self, offset: usize) -> Option<usize> {
        let i = self.lines.partition_point(|l| l.0 <= offset);
        i.checked_sub(1)
    }

    /// The nearest line above `r` that holds the mapping or sequence entry `r` belongs to.
    fn parent(&self, r: usize) -> Option<usize> {
        let text = self.lines[r].1;
        let ind = indent(text);
        let is_item = text.trim_start().starts_with("- ") || text.trim() == "-";
        (0..r).rev().find(|&p| {
            let t = self.lines[p].1;
            if t.trim().is_empty() || t.trim_start().starts_with('#') {
                return false;
            }
            let pi = indent(t);
            let p_item = t.trim_start().starts_with("- ");
            pi < ind || (pi == ind && is_item && !p_item && t.trim_end().ends_with(':'))
        })
    }

    /// The template lines that could have produced line `r` when nothing aligned it.
    fn unaligned(&self, r: usize) -> (usize, bool, std::ops::Range<usize>) {
        let r_text = self.lines[r].1;
        let lines = &self.tpl.lines;
        let before = (0..r).rev().find_map(|i| self.to_template[i]);
        let after = (r + 1..self.lines.len()).find_map(|i| self.to_template[i]);
        // Between the aligned neighbours (or the region's ends): a unique line of the same
        // shape, else a unique output action.
        let lo = before.map_or(self.region.0, |a| a + 1);
        let hi = after.unwrap_or(self.region.1);
        let gap = lo..hi.max(lo);
        let whole_gap = gap.clone();
        let same: Vec<usize> = gap
            .clone()
            .filter(|&t| weight(&lines[t], r_text, self.tpl.loose) > 0)
            .collect();
        if same.len() == 1 {
            return (same[0], false, whole_gap);
        }
        let gap_outputs: Vec<usize> = gap.filter(|&t| lines[t].kind == Kind::Output).collect();
        if gap_outputs.len() == 1 {
            return (gap_outputs[0], false, whole_gap);
        }
        // Under the nearest aligned ancestor key.
        let mut p = self.parent(r);
        while let Some(pi) = p {
            if let Some(tp) = self.to_template[pi] {
                // `key: {{- toYaml .Values.x | nindent 8 }}`: the key's own line made them.
                if lines[tp].kind == Kind::Pattern && lines[tp].ends_with_action {
                    return (tp, false, whole_gap);
                }
                let block = self.block(tp);
                let in_both: Vec<usize> = gap_outputs
                    .iter()
                    .copied()
                    .filter(|t| block.contains(t))
                    .collect();
                if in_both.len() == 1 {
                    return (in_both[0], false, whole_gap);
                }
                // Several actions under the key: the one whose `indent N` / `nindent N` puts
                // text at this line's indentation.
                let at_indent: Vec<usize> = in_both
                    .iter()
                    .copied()
                    .filter(|&t| output_indent(lines[t].text) == Some(indent(r_text)))
                    .collect();
                if at_indent.len() == 1 {
                    return (at_indent[0], false, whole_gap);
                }
                let same: Vec<usize> = block
                    .clone()
                    .filter(|&t| weight(&lines[t], r_text, self.tpl.loose) > 0)
                    .collect();
                match same.len() {
                    1 => return (same[0], false, whole_gap),
                    n if n > 1 => return (same[0], true, whole_gap),
                    _ => {}
                }
                let outputs: Vec<usize> =
                    block.filter(|&t| lines[t].kind == Kind::Output).collect();
                if outputs.len() == 1 {
                    return (outputs[0], true, whole_gap);
                }
                return (tp, true, whole_gap);
            }
            p = self.parent(pi);
        }
        // Nothing aligned above: the nearest aligned line, or the template's start.
        (before.or(after).unwrap_or(self.region.0), true, whole_gap)
    }

    /// The template lines under the key on line `tp`: up to the next literal line that is not
    /// indented deeper (action lines do not end a block: their indentation is free).
    fn block(&self, tp: usize) -> std::ops::Range<usize> {
        let lines = &self.tpl.lines;
        let block_indent = indent(lines[tp].text);
        let end = (tp + 1..lines.len())
            .find(|&t| {
                let l = &lines[t];
                matches!(l.kind, Kind::Literal | Kind::Pattern)
                    && (indent(l.text) < block_indent
                        || (indent(l.text) == block_indent
                            && !l.text.trim_start().starts_with("- ")))
            })
            .unwrap_or(lines.len());
        tp + 1..end
    }

    /// Maps a span of the rendered text (inside this document) to the template.
    pub fn map(&self, span: Span) -> Mapped {
        let nowhere = Mapped {
            file: None,
            span: Span::new(0, 0),
            approximate: true,
        };
        let Some(r) = self.line_of(span.start) else {
            return nowhere;
        };
        if self.tpl.lines.is_empty() {
            return nowhere;
        }
        let (line_start, r_text) = self.lines[r];
        let col = span.start - line_start;
        let end_col = if span.end <= line_start + r_text.len() {
            span.end.saturating_sub(line_start)
        } else {
            r_text.len()
        };
        let Some(t) = self.to_template[r] else {
            let (t, approximate, gap) = self.unaligned(r);
            if let Some(m) = self.through_include(r, t, approximate, gap, span) {
                return m;
            }
            return Mapped {
                file: self.tpl.lines[t].file,
                span: self.tpl.line_span(t),
                approximate,
            };
        };
        let tl = &self.tpl.lines[t];
        // Columns move by the indentation an `include ... | nindent N` added.
        let shift = if self.tpl.loose {
            indent(r_text).saturating_sub(indent(tl.text))
        } else {
            0
        };
        let (col, end_col) = (col.saturating_sub(shift), end_col.saturating_sub(shift));
        let literal_prefix = match tl.kind {
            Kind::Literal => tl.text.len(),
            _ => tl.first_action,
        };
        let span = if end_col <= literal_prefix && col <= end_col {
            // The same text: Helm copied it unchanged.
            Span::new(tl.start + col, tl.start + end_col)
        } else if col < literal_prefix {
            Span::new(tl.start + col, tl.start + tl.text.len())
        } else {
            Span::new(
                tl.start + tl.first_action.min(tl.text.len()),
                tl.start + tl.text.len(),
            )
        };
        Mapped {
            file: tl.file,
            span,
            approximate: false,
        }
    }

    /// A line that an `include` produced: align the lines the template's output actions made
    /// around it with the bodies of the named templates they include, and map it there.
    fn through_include(
        &self,
        r: usize,
        t: usize,
        approximate: bool,
        gap: std::ops::Range<usize>,
        span: Span,
    ) -> Option<Mapped> {
        let defines = self.defines?;
        if self.depth >= 4 {
            return None;
        }
        let lines = &self.tpl.lines;
        // The include that made the line when it is known, else every include in the gap.
        let outputs: Vec<usize> = if !approximate && lines[t].kind == Kind::Output {
            vec![t]
        } else {
            gap.filter(|&g| lines[g].kind == Kind::Output).collect()
        };
        let parts: Vec<(usize, usize, usize)> = outputs
            .iter()
            .flat_map(|&o| included(lines[o].text))
            .filter_map(|name| defines.bodies.get(name).copied())
            .collect();
        if parts.is_empty() {
            return None;
        }
        // The rendered lines nothing aligned, around `r`: what the actions produced.
        let mut a = r;
        while a > 0 && self.to_template[a - 1].is_none() {
            a -= 1;
        }
        let mut b = r + 1;
        while b < self.lines.len() && self.to_template[b].is_none() {
            b += 1;
        }
        let first = self.lines[a].0;
        let last = self.lines[b - 1].0 + self.lines[b - 1].1.len();
        let run = &self.doc_text()[first - self.lines[0].0..last - self.lines[0].0];
        let bodies = Template::bodies(defines, &parts);
        let key = (self.depth, first, last, parts);
        let inner = Aligned::build(
            &bodies,
            run,
            first,
            Some(defines),
            self.depth + 1,
            self.cache.clone(),
        );
        let cached = self.cache.borrow().get(&key).cloned();
        let inner = match cached {
            Some((to_template, region)) => Aligned {
                to_template,
                region,
                ..inner
            },
            None => {
                let inner = inner.aligned();
                self.cache
                    .borrow_mut()
                    .insert(key, (inner.to_template.clone(), inner.region));
                inner
            }
        };
        let m = inner.map(span);
        (!m.approximate || approximate)
            .then_some(m)
            .filter(|m| m.file.is_some() || !m.approximate)
    }

    /// The document's text, rebuilt from its lines' offsets.
    fn doc_text(&self) -> &'r str {
        self.doc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "\
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: {{ include \"app.fullname\" . }}-win
  labels:
    {{- include \"app.labels\" . | nindent 4 }}
spec:
  template:
    spec:
      {{- with .Values.windows.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
      {{- range .Values.containers }}
      - name: {{ .name }}
        image: \"{{ .image }}\"
      {{- end }}
";

    const RENDERED: &str = "\
---
# Source: app/templates/ds.yaml
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: rel-app-win
  labels:
    app: x
    chart: y
spec:
  template:
    spec:
      nodeSelector:
        kubernetes.io/os: linux
      containers:
      - name: a
        image: \"img:a\"
      - name: b
        image: \"img:b\"
";

    fn line_of(text: &str, needle: &str) -> (usize, usize) {
        let at = text.find(needle).expect("needle");
        let line = text[..at].matches('\n').count() + 1;
        (line, at)
    }

    fn mapped_line(needle: &str) -> (usize, bool, String) {
        let tpl = Template::new(TEMPLATE);
        let al = Aligned::new(&tpl, RENDERED, 0);
        let (_, at) = line_of(RENDERED, needle);
        let m = al.map(Span::new(at, at + needle.len()));
        let line = TEMPLATE[..m.span.start].matches('\n').count() + 1;
        (
            line,
            m.approximate,
            TEMPLATE[m.span.start..m.span.end].to_owned(),
        )
    }

    #[test]
    fn literal_keys_map_to_their_own_line_and_columns() {
        assert_eq!(
            mapped_line("nodeSelector"),
            (11, false, "nodeSelector".into())
        );
        assert_eq!(mapped_line("kind"), (2, false, "kind".into()));
    }

    #[test]
    fn output_of_an_action_maps_to_the_action() {
        let (line, approx, text) = mapped_line("kubernetes.io/os");
        assert_eq!((line, approx), (12, false));
        assert!(text.contains("toYaml"), "{text}");
        assert_eq!(mapped_line("chart: y").0, 6);
    }

    #[test]
    fn pattern_lines_and_range_iterations() {
        assert_eq!(mapped_line("name: rel-app-win").0, 4);
        assert_eq!(mapped_line("image: \"img:a\"").0, 17);
        let (line, _, _) = mapped_line("image: \"img:b\"");
        assert_eq!(line, 17);
    }

    #[test]
    fn output_indents() {
        assert_eq!(output_indent("{{ toYaml . | indent 8 }}"), Some(8));
        assert_eq!(
            output_indent("{{- include \"x\" . | nindent 12 -}}"),
            Some(12)
        );
        assert_eq!(output_indent("{{ .Values.x }}"), None);
    }

    #[test]
    fn control_actions_are_recognised() {
        assert!(is_control("{{- if .Values.x }}"));
        assert!(is_control("{{ end }}"));
        assert!(is_control("{{- $x := .Values }}"));
        assert!(is_control("{{/* note */}}"));
        assert!(!is_control("{{ toYaml . | nindent 8 }}"));
        assert!(!is_control("{{ .Values.endpoint }}"));
    }
}

/// Over the corpus's Helm renders (helm v4.1.4 output of its charts): every line mapped
/// without `approximate` lands on a template line that can produce it, and most lines map
/// exactly.
#[cfg(test)]
mod corpus_renders {
    use super::*;
    use std::path::{Path, PathBuf};

    fn files(d: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(d).expect("corpus folder").flatten() {
            let p = e.path();
            if p.is_dir() {
                files(&p, out);
            } else {
                out.push(p);
            }
        }
    }

    #[test]
    fn exact_mappings_are_plausible_and_most_are_exact() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
        let mut all = Vec::new();
        files(&root.join("charts"), &mut all);
        let charts: std::collections::HashMap<String, PathBuf> = all
            .iter()
            .filter(|p| p.ends_with("Chart.yaml"))
            .filter_map(|p| {
                let t = std::fs::read_to_string(p).ok()?;
                let name = t.lines().find_map(|l| l.strip_prefix("name: "))?;
                Some((name.trim().to_owned(), p.parent()?.to_path_buf()))
            })
            .collect();
        let (mut total, mut approximate, mut helper) = (0usize, 0usize, 0usize);
        let mut renders = Vec::new();
        files(&root.join("rendered"), &mut renders);
        let mut helper_files: std::collections::HashMap<String, Vec<(String, String)>> =
            std::collections::HashMap::new();
        for p in renders.iter().filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("kustomize"))
        }) {
            let text = std::fs::read_to_string(p).expect("render");
            for c in crate::yaml::split_documents(&text) {
                let Some(src) = c.text.lines().find_map(|l| l.strip_prefix("# Source: ")) else {
                    continue;
                };
                let Some((name, rest)) = src.split_once('/') else {
                    continue;
                };
                let Some(t) = charts
                    .get(name)
                    .and_then(|d| std::fs::read_to_string(d.join(rest)).ok())
                else {
                    continue; // a subchart the corpus does not carry
                };
                let helpers = helper_files.entry(name.to_owned()).or_insert_with(|| {
                    let mut paths = Vec::new();
                    files(&charts[name].join("templates"), &mut paths);
                    paths.sort();
                    paths
                        .iter()
                        .filter_map(|p| {
                            Some((
                                p.to_string_lossy().into_owned(),
                                std::fs::read_to_string(p).ok()?,
                            ))
                        })
                        .collect::<Vec<(String, String)>>()
                });
                let defines = Defines::new(
                    helpers
                        .iter()
                        .map(|(a, b)| (a.as_str(), b.as_str()))
                        .collect(),
                );
                let tpl = Template::new(&t);
                let al = Aligned::with_defines(&tpl, c.text, c.offset, Some(&defines), 0);
                // Each file's lines, classified once.
                let mut classified: std::collections::HashMap<Option<usize>, Vec<TLine<'_>>> =
                    std::collections::HashMap::new();
                let mut at = c.offset;
                for raw in c.text.split_inclusive('\n') {
                    let line_start = at;
                    at += raw.len();
                    let l = raw.trim_end_matches(['\n', '\r']);
                    let ind = l.len() - l.trim_start().len();
                    if !l.trim().is_empty() && !l.trim_start().starts_with('#') && l != "---" {
                        total += 1;
                        let m = al.map(Span::new(line_start + ind, line_start + l.len()));
                        if m.approximate {
                            approximate += 1;
                            continue;
                        }
                        let (text, loose) = match m.file {
                            None => (t.as_str(), false),
                            Some(i) => (defines.files[i].1, true),
                        };
                        let lines = classified.entry(m.file).or_insert_with(|| {
                            let mut lines = Vec::new();
                            push_lines(&mut lines, None, text, 0..text.len());
                            lines
                        });
                        let tl = lines
                            .iter()
                            .find(|x| {
                                x.start <= m.span.start && m.span.start <= x.start + x.text.len()
                            })
                            .expect("a template line");
                        let ok = match tl.kind {
                            Kind::Literal => weight(tl, l, loose) > 0,
                            Kind::Pattern => pattern_matches(tl, l, loose) || tl.ends_with_action,
                            Kind::Output => true,
                            Kind::Control | Kind::Blank => false,
                        };
                        assert!(
                            ok,
                            "{src}: {l:?} mapped to {:?} in {:?}",
                            tl.text,
                            m.file.map(|i| defines.files[i].0)
                        );
                        if m.file.is_some() {
                            helper += 1;
                        }
                    }
                }
            }
        }
        eprintln!("{total} lines, {approximate} approximate, {helper} in helpers");
        assert!(total > 10_000, "{total} lines");
        // 10.5% on the corpus: mostly lines from `include`d helpers (datadog's containers).
        assert!(
            approximate * 100 < total * 12,
            "{approximate} of {total} approximate"
        );
    }
}
