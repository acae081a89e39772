//! Named templates (`define`) and the `include`s that use them: a line an `include`
//! produced is aligned again with the body it came from.

use super::template::{action_body, push_lines, Kind, Template};
use super::{Aligned, Mapped};
use crate::yaml::Span;

/// The named templates (`define`) of a chart and its subcharts, so that a field an `include`
/// produced can be followed into the helper that wrote it.
#[derive(Default)]
pub struct Defines<'t> {
    /// Display path and text of each file.
    pub files: Vec<(&'t str, &'t str)>,
    /// Name -> (file, body start, body end).
    pub(super) bodies: std::collections::HashMap<String, (usize, usize, usize)>,
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

impl<'t> Template<'t> {
    /// The bodies of named templates, one after the other, as one template compared without
    /// indentation.
    pub(super) fn bodies(defines: &Defines<'t>, parts: &[(usize, usize, usize)]) -> Template<'t> {
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
}

impl Aligned<'_, '_> {
    /// A line that an `include` produced: align the lines the template's output actions made
    /// around it with the bodies of the named templates they include, and map it there.
    pub(super) fn through_include(
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
}
