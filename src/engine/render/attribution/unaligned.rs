//! Rendered lines no template line aligned with (a `range`'s second pass, an `include`'s
//! output): the output action or ancestor key that produced them.

use super::align::weight;
use super::template::{indent, Kind};
use super::Aligned;

/// The `N` of a trailing `indent N` or `nindent N` in an output action.
pub(super) fn output_indent(line: &str) -> Option<usize> {
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

impl Aligned<'_, '_> {
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
    pub(super) fn unaligned(&self, r: usize) -> (usize, bool, std::ops::Range<usize>) {
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
}
