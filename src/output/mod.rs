//! Renderers: miette's graphical report for people, one line per finding for editors and
//! grep, and a JSON contract for tools. All take the same reports and write bytes in input
//! order, so output does not depend on the thread count.

use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, MietteError, MietteSpanContents, SourceCode,
    SourceSpan, SpanContents,
};
use serde::Serialize;

use crate::engine::lint::{Counts, FileReport};
use crate::finding::{Finding, Severity, WithSource};

mod github;
mod junit;
mod sarif;
mod statistics;

pub use github::Github;
pub use junit::Junit;
pub use sarif::{fingerprint, repository_root, Sarif};
pub use statistics::{fixable, ByRule};

/// Totals over a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub counts: Counts,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings silenced by an annotation, a comment or the baseline.
    pub suppressed: usize,
    /// Distinct image references whose OS nothing tells (human summaries say so).
    pub unknown_images: usize,
    /// Reported findings per rule (`--statistics`, JSON `byRule`).
    pub by_rule: ByRule,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary::default();
        for r in reports {
            s.add(r);
        }
        s
    }

    pub fn add(&mut self, r: &FileReport) {
        self.counts += r.counts;
        for f in &r.findings {
            if f.suppressed.is_some() {
                self.suppressed += 1;
                continue;
            }
            self.by_rule.add(f);
            match f.severity {
                Severity::Error => self.errors += 1,
                Severity::Warning => self.warnings += 1,
                Severity::Info => self.infos += 1,
            }
        }
    }

    /// `Checked 3 files: 5 documents, 4 resources, 1 skipped. Found 2 errors, 1 warning, 0 infos.`
    pub fn line(&self) -> String {
        let c = &self.counts;
        let suppressed = if self.suppressed > 0 {
            format!(" ({} suppressed)", self.suppressed)
        } else {
            String::new()
        };
        let unknown = match self.unknown_images {
            0 => String::new(),
            n => format!(
                "\n{} unknown to winlint (no lock entry, catalogue entry or telling tag): rules that need an image's OS skip {}; `winlint images lock` asks {} registr{}.",
                plural(n, "image reference"),
                if n == 1 { "it" } else { "them" },
                if n == 1 { "its" } else { "their" },
                if n == 1 { "y" } else { "ies" }
            ),
        };
        format!(
            "Checked {}: {}, {}, {} skipped (not Kubernetes objects). Found {}, {}, {}{suppressed}.{unknown}",
            plural(c.files, "file"),
            plural(c.documents, "document"),
            plural(c.resources, "resource"),
            c.skipped,
            plural(self.errors, "error"),
            plural(self.warnings, "warning"),
            plural(self.infos, "info"),
        )
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Settings of the graphical renderer.
#[derive(Debug, Clone, Copy)]
pub struct HumanStyle {
    pub color: bool,
    pub width: usize,
}

/// A file's text under its path, for miette's snippets.
struct Named<'a> {
    name: &'a str,
    text: &'a str,
}

impl SourceCode for Named<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_owned(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// Receives file reports in input order and writes them as they come, so memory stays
/// bounded by the files in flight, not by the tree.
pub trait Sink {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()>;
}

/// miette's graphical report per finding, then the summary line.
pub struct Human {
    handler: GraphicalReportHandler,
    pub quiet: bool,
    /// `--statistics`: the per-rule table before the summary line.
    pub statistics: bool,
}

impl Human {
    pub fn new(style: HumanStyle, quiet: bool) -> Human {
        let theme = if style.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Human {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(style.width)
                .with_links(false)
                .with_urls(false),
            quiet,
            statistics: false,
        }
    }
}

impl Sink for Human {
    fn file(&mut self, out: &mut dyn Write, r: &FileReport) -> io::Result<()> {
        let named = Named {
            name: &r.path,
            text: &r.source.text,
        };
        for f in r.findings.iter().filter(|f| f.suppressed.is_none()) {
            let mut buf = String::new();
            let diag = WithSource {
                finding: f,
                source: &named,
            };
            if self.handler.render_report(&mut buf, &diag).is_err() {
                buf = format!("{}: {}[{}] {}\n", r.path, f.severity, f.rule, f.message);
            }
            if let Some(note) = rendered_note(f) {
                buf.push_str(&note);
            }
            out.write_all(buf.as_bytes())?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }
    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        finish_text(out, summary, self.quiet, self.statistics)
    }
}

/// The end of human and concise output: the statistics table if asked, the summary line
/// unless quiet.
fn finish_text(
    out: &mut dyn Write,
    summary: &Summary,
    quiet: bool,
    statistics: bool,
) -> io::Result<()> {
    if statistics {
        out.write_all(summary.by_rule.table().as_bytes())?;
    }
    if !quiet {
        writeln!(out, "{}", summary.line())?;
    }
    Ok(())
}

/// For a finding moved from a render to its template: which render, and where in it.
fn rendered_note(f: &Finding) -> Option<String> {
    let r = f.rendered.as_ref()?;
    let from = r.origin();
    let approx = if r.approximate {
        "; no line of this file matches the field exactly, this is the line of the enclosing key"
    } else {
        ""
    };
    Some(format!("  note: {from}{approx}\n"))
}

/// The profile or kustomization a rendered finding came from, for one-line formats.
fn rendered_suffix(f: &Finding) -> String {
    match f.rendered.as_ref() {
        Some(r) => match (r.profile.as_deref(), r.kustomization.as_deref()) {
            (Some(p), _) if p != "default" => format!(" (values profile {p})"),
            (None, Some(k)) => format!(" (built from {k})"),
            _ => String::new(),
        },
        None => String::new(),
    }
}

/// `path:line:col: severity[rule] message`, then the summary line.
pub struct Concise {
    pub quiet: bool,
    /// `--statistics`: the per-rule table before the summary line.
    pub statistics: bool,
}

impl Sink for Concise {
    fn file(&mut self, out: &mut dyn Write, r: &FileReport) -> io::Result<()> {
        for f in r.findings.iter().filter(|f| f.suppressed.is_none()) {
            let p = r.source.position(f.primary.span.start);
            writeln!(
                out,
                "{}:{}:{}: {}[{}] {}{}",
                r.path,
                p.line,
                p.column,
                f.severity,
                f.rule,
                f.message,
                rendered_suffix(f)
            )?;
        }
        Ok(())
    }
    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        finish_text(out, summary, self.quiet, self.statistics)
    }
}

/// The JSON contract, streamed: the findings array is written finding by finding and the
/// summary closes the document. Byte-for-byte what serde_json's pretty printer would give.
#[derive(Default)]
pub struct Json {
    written: usize,
}

impl Sink for Json {
    fn file(&mut self, out: &mut dyn Write, r: &FileReport) -> io::Result<()> {
        for f in r.findings.iter().filter(|f| f.suppressed.is_none()) {
            out.write_all(if self.written == 0 {
                b"{\n  \"version\": 1,\n  \"findings\": [\n"
            } else {
                b",\n"
            })?;
            self.written += 1;
            let item =
                serde_json::to_string_pretty(&json_finding(r, f)).map_err(io::Error::other)?;
            for (i, line) in item.lines().enumerate() {
                if i > 0 {
                    out.write_all(b"\n")?;
                }
                out.write_all(b"    ")?;
                out.write_all(line.as_bytes())?;
            }
        }
        Ok(())
    }
    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        if self.written == 0 {
            out.write_all(b"{\n  \"version\": 1,\n  \"findings\": [],\n")?;
        } else {
            out.write_all(b"\n  ],\n")?;
        }
        let c = summary.counts;
        let s = serde_json::to_string_pretty(&JsonSummary {
            files: c.files,
            documents: c.documents,
            resources: c.resources,
            skipped: c.skipped,
            errors: summary.errors,
            warnings: summary.warnings,
            infos: summary.infos,
            suppressed: summary.suppressed,
            by_rule: summary.by_rule.json(),
        })
        .map_err(io::Error::other)?;
        out.write_all(b"  \"summary\": ")?;
        for (i, line) in s.lines().enumerate() {
            if i > 0 {
                out.write_all(b"\n  ")?;
            }
            out.write_all(line.as_bytes())?;
        }
        out.write_all(b"\n}\n")
    }
}

/// Renders whole reports at once (tests, docs).
pub fn write_all(
    sink: &mut dyn Sink,
    out: &mut dyn Write,
    reports: &[FileReport],
) -> io::Result<()> {
    for r in reports {
        sink.file(out, r)?;
    }
    sink.finish(out, &Summary::of(reports))
}

pub fn write_human(
    out: &mut dyn Write,
    reports: &[FileReport],
    style: HumanStyle,
) -> io::Result<()> {
    let mut sink = Human::new(style, true);
    for r in reports {
        sink.file(out, r)?;
    }
    Ok(())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    help: Option<&'a str>,
    file: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    resource: Option<JsonResource<'a>>,
    /// Only for findings moved from a Helm render or kustomize build to their template.
    #[serde(skip_serializing_if = "Option::is_none")]
    rendered: Option<JsonRendered<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    approximate: Option<bool>,
    /// Only for findings whose fix is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

/// One replacement: the range it replaces (empty for an insertion) and its text.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JsonEdit<'a> {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub text: &'a str,
}

/// A fix's edits with 1-based lines and columns (characters) in the report's file.
pub(crate) fn edit_positions<'a>(
    r: &FileReport,
    fix: &'a crate::finding::Fix,
) -> Vec<JsonEdit<'a>> {
    fix.edits
        .iter()
        .map(|e| {
            let start = r.source.position(e.span.start);
            let end = r.source.position(e.span.end);
            JsonEdit {
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                text: &e.text,
            }
        })
        .collect()
}

/// Where a rendered finding or workload came from, as JSON (the lint's and `explain`'s).
#[derive(Serialize)]
pub(crate) struct JsonRendered<'a> {
    profile: Option<&'a str>,
    line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    kustomization: Option<&'a str>,
}

impl<'a> JsonRendered<'a> {
    pub(crate) fn of(r: &'a crate::finding::RenderedAt) -> JsonRendered<'a> {
        JsonRendered {
            profile: r.profile.as_deref(),
            line: r.line,
            kustomization: r.kustomization.as_deref(),
        }
    }
}

/// An object's identity, as JSON (the lint's and `explain`'s).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JsonResource<'a> {
    api_version: &'a str,
    kind: &'a str,
    name: Option<&'a str>,
    namespace: Option<&'a str>,
}

impl<'a> JsonResource<'a> {
    pub(crate) fn of(id: &'a crate::k8s::ResourceId) -> JsonResource<'a> {
        JsonResource {
            api_version: &id.api_version,
            kind: &id.kind,
            name: id.name.as_deref(),
            namespace: id.namespace.as_deref(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonSummary {
    files: usize,
    documents: usize,
    resources: usize,
    skipped: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
    suppressed: usize,
    by_rule: std::collections::BTreeMap<&'static str, statistics::JsonRuleCount>,
}

fn json_finding<'a>(r: &'a FileReport, f: &'a crate::finding::Finding) -> JsonFinding<'a> {
    let start = r.source.position(f.primary.span.start);
    let end = r.source.position(f.primary.span.end);
    JsonFinding {
        rule: f.rule,
        severity: f.severity.as_str(),
        message: &f.message,
        help: f.help.as_deref(),
        file: &r.path,
        line: start.line,
        column: start.column,
        end_line: end.line,
        end_column: end.column,
        resource: f.resource.as_ref().map(JsonResource::of),
        rendered: f.rendered.as_ref().map(JsonRendered::of),
        approximate: f.rendered.as_ref().map(|r| r.approximate),
        fix: f.fix.as_ref().map(|x| JsonFix {
            applicability: x.applicability.as_str(),
            edits: edit_positions(r, x),
        }),
    }
}
