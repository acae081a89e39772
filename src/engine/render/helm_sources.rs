//! Helm renders read by their `# Source:` comments: each document's findings are moved to
//! the template it names. Also `helm template ... | winlint -`, which has only those comments.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::attribution::{Aligned, Defines, Template};
use super::helm::ChartFs;
use super::{moved, Moved, RenderedFrom};
use crate::engine::lint::{FileReport, Scope};
use crate::finding::Finding;
use crate::yaml::{split_documents, Span};

/// A document of a render and the template it came from (`# Source:`).
struct Segment {
    start: usize,
    end: usize,
    source: Option<String>,
}

fn segments(text: &str) -> Vec<Segment> {
    split_documents(text)
        .into_iter()
        .map(|c| {
            let source = c
                .text
                .lines()
                .take(3)
                .find_map(|l| l.strip_prefix("# Source: "))
                .map(|s| s.trim().to_owned());
            Segment {
                start: c.offset,
                end: c.offset + c.text.len(),
                source,
            }
        })
        .collect()
}

/// Moves the findings of a linted render to the templates named by its `# Source:` comments.
/// `resolve` finds a template's display path and text from the `# Source:` path; findings
/// whose template cannot be read stay in the render, under the `# Source:` path.
pub(super) fn attribute(
    report: FileReport,
    from: RenderedFrom<'_>,
    defines: Option<&Defines<'_>>,
    resolve: &mut dyn FnMut(&str) -> Option<(String, String)>,
    fallback: &str,
    sink: &mut Moved,
) {
    let render = report.source;
    let segs = segments(&render.text);
    let mut by_segment: HashMap<usize, Vec<Finding>> = HashMap::new();
    for f in report.findings {
        let i = segs
            .iter()
            .position(|s| {
                s.start <= f.primary.span.start && f.primary.span.start < s.end.max(s.start + 1)
            })
            .unwrap_or(segs.len().saturating_sub(1));
        by_segment.entry(i).or_default().push(f);
    }
    let mut templates: HashMap<String, Option<(String, String)>> = HashMap::new();
    let mut order: Vec<usize> = by_segment.keys().copied().collect();
    order.sort_unstable();
    for i in order {
        let findings = by_segment.remove(&i).unwrap_or_default();
        let seg = segs.get(i);
        let source = seg.and_then(|s| s.source.clone());
        let template = source.as_ref().and_then(|s| {
            templates
                .entry(s.clone())
                .or_insert_with(|| resolve(s))
                .clone()
        });
        match (seg, template) {
            (Some(seg), Some((path, text))) => {
                let tpl = Template::new(&text);
                let doc = &render.text[seg.start..seg.end];
                let aligned = Aligned::with_defines(&tpl, doc, seg.start, defines, 0);
                let inside = |s: Span| seg.start <= s.start && s.start < seg.end.max(seg.start + 1);
                for f in findings {
                    // The file the primary label lands in (the template, or a helper that
                    // an `include` followed); secondary labels elsewhere are dropped.
                    let file = aligned.map(f.primary.span).file;
                    let m = moved(f, &render, from, |s| {
                        inside(s)
                            .then(|| aligned.map(s))
                            .filter(|m| m.file == file)
                            .map(|m| (m.span, m.approximate))
                    });
                    let (p, t) = match (file, defines) {
                        (Some(i), Some(d)) => d.files[i],
                        _ => (path.as_str(), tpl.text()),
                    };
                    if let Some(f) = m {
                        sink.push(p, t, f);
                    }
                }
            }
            _ => {
                // No template to point at: keep the render's own position, flagged.
                let path = source.unwrap_or_else(|| fallback.to_owned());
                for f in findings {
                    if let Some(f) = moved(f, &render, from, |s| Some((s, true))) {
                        sink.push(&path, &render.text, f);
                    }
                }
            }
        }
    }
}

/// `helm template ... | winlint -`: when standard input is a Helm render (its documents
/// carry `# Source:` comments), findings are reported at the templates, looked up from the
/// current folder (the chart folder, or the folder above it); when a template is not there,
/// at the `# Source:` path with the render's own line. `None` when the text is not a render.
pub fn lint_helm_stream(display: &str, text: String, cx: &Scope<'_>) -> Option<Vec<FileReport>> {
    if !segments(&text).iter().any(|s| s.source.is_some()) {
        return None;
    }
    // The chart the render came from: the current folder, or the folder named like the
    // chart in the `# Source:` paths.
    let chart_name = segments(&text).iter().find_map(|s| {
        s.source
            .as_ref()?
            .split_once('/')
            .map(|(n, _)| n.to_owned())
    });
    let fs = [".".to_owned(), chart_name.unwrap_or_default()]
        .into_iter()
        .filter(|d| !d.is_empty() && Path::new(d).join("Chart.yaml").is_file())
        .map(|d| ChartFs::Dir {
            root: PathBuf::from(&d),
            display: if d == "." { String::new() } else { d },
        })
        .next();
    let mut report = crate::engine::lint::lint_text(display.to_owned(), text, cx);
    let counts = report.counts;
    let images = std::mem::take(&mut report.images);
    let mut sink = Moved::default();
    super::carry(&mut report, &mut sink);
    let helper_files = fs.as_ref().map(ChartFs::template_files).unwrap_or_default();
    let defines = Defines::new(
        helper_files
            .iter()
            .map(|(p, t)| (p.as_str(), t.as_str()))
            .collect(),
    );
    let mut resolve = |source: &str| {
        let rest = source.split_once('/').map_or(source, |(_, r)| r);
        fs.as_ref().and_then(|fs| fs.resolve(rest, 0))
    };
    attribute(
        report,
        RenderedFrom::Stdin,
        Some(&defines),
        &mut resolve,
        display,
        &mut sink,
    );
    let mut head = FileReport::new(display.to_owned(), String::new(), Vec::new(), counts);
    head.images = images;
    Some(sink.finish(head))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_carry_their_source() {
        let s = segments("---\n# Source: app/templates/a.yaml\nkind: A\n---\n# Source: app/templates/b.yaml\nkind: B\n");
        let sources: Vec<_> = s.iter().map(|s| s.source.as_deref()).collect();
        assert_eq!(
            sources,
            [Some("app/templates/a.yaml"), Some("app/templates/b.yaml")]
        );
    }
}
