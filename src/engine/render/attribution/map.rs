//! One rendered document aligned to its template, and the mapping of its spans back to
//! template lines.

use super::align::align;
use super::template::{indent, Kind, Template};
use super::{Defines, Mapped};
use crate::yaml::Span;

/// One rendered document aligned to its template.
pub struct Aligned<'t, 'r> {
    pub(super) tpl: &'t Template<'t>,
    pub(super) defines: Option<&'t Defines<'t>>,
    /// How many `include`s deep this alignment is.
    pub(super) depth: usize,
    /// The rendered document's lines and their byte offsets in the rendered text.
    pub(super) lines: Vec<(usize, &'r str)>,
    pub(super) doc: &'r str,
    pub(super) to_template: Vec<Option<usize>>,
    /// The template lines `[start, end)` of the region the document was aligned with.
    pub(super) region: (usize, usize),
    /// Alignments of `include` output with named templates, shared by the nested alignments.
    pub(super) cache: Cache,
}

/// Key: depth, the rendered run's byte range, and the named template bodies; value: the
/// alignment and its region.
pub(super) type Cache = std::rc::Rc<
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

    pub(super) fn build(
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
    pub(super) fn aligned(mut self) -> Aligned<'t, 'r> {
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

    /// The document's text, rebuilt from its lines' offsets.
    pub(super) fn doc_text(&self) -> &'r str {
        self.doc
    }
}
