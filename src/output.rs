//! Renderers: miette's graphical report for people, one line per finding for editors and
//! grep, and a JSON contract for tools. All take the same reports and write bytes in input
//! order, so output does not depend on the thread count.

use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, MietteError, MietteSpanContents, SourceCode,
    SourceSpan, SpanContents,
};
use serde::Serialize;

use crate::finding::{Finding, Severity, WithSource};
use crate::lint::{Counts, FileReport};

/// Totals over a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub counts: Counts,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary::default();
        for r in reports {
            s.counts += r.counts;
            for f in &r.findings {
                match f.severity {
                    Severity::Error => s.errors += 1,
                    Severity::Warning => s.warnings += 1,
                    Severity::Info => s.infos += 1,
                }
            }
        }
        s
    }

    /// `Checked 3 files: 5 documents, 4 resources, 1 skipped. Found 2 errors, 1 warning, 0 infos.`
    pub fn line(&self) -> String {
        let c = &self.counts;
        format!(
            "Checked {}: {}, {}, {} skipped (not Kubernetes objects). Found {}, {}, {}.",
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

pub fn write_human(
    out: &mut dyn Write,
    reports: &[FileReport],
    style: HumanStyle,
) -> io::Result<()> {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        .with_urls(false);
    for r in reports {
        let named = Named {
            name: &r.path,
            text: &r.source.text,
        };
        for f in &r.findings {
            let mut buf = String::new();
            let diag = WithSource {
                finding: f,
                source: &named,
            };
            if handler.render_report(&mut buf, &diag).is_err() {
                buf = format!("{}: {}[{}] {}\n", r.path, f.severity, f.rule, f.message);
            }
            if let Some(note) = rendered_note(f) {
                buf.push_str(&note);
            }
            out.write_all(buf.as_bytes())?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// For a finding moved from a render to its template: which render, and where in it.
fn rendered_note(f: &Finding) -> Option<String> {
    let r = f.rendered.as_ref()?;
    let from = match (&r.profile, &r.kustomization) {
        (Some(p), _) => format!(
            "rendered with values profile `{p}`, line {} of the render",
            r.line
        ),
        (None, Some(k)) => format!(
            "built from kustomization `{k}`, line {} of the build",
            r.line
        ),
        (None, None) => format!("line {} of the render", r.line),
    };
    let approx = if r.approximate {
        "; no line of this file matches the field exactly, this is the line of the enclosing key"
    } else {
        ""
    };
    Some(format!("  note: {from}{approx}\n"))
}

pub fn write_concise(out: &mut dyn Write, reports: &[FileReport]) -> io::Result<()> {
    for r in reports {
        for f in &r.findings {
            let p = r.source.position(f.primary.span.start);
            // The profile, when it is not the only one a chart gets.
            let profile = match f.rendered.as_ref() {
                Some(r) => match (r.profile.as_deref(), r.kustomization.as_deref()) {
                    (Some(p), _) if p != "default" => format!(" (values profile {p})"),
                    (None, Some(k)) => format!(" (built from {k})"),
                    _ => String::new(),
                },
                None => String::new(),
            };
            writeln!(
                out,
                "{}:{}:{}: {}[{}] {}{profile}",
                r.path, p.line, p.column, f.severity, f.rule, f.message
            )?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonReport<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: JsonSummary,
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
}

#[derive(Serialize)]
struct JsonRendered<'a> {
    profile: Option<&'a str>,
    line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    kustomization: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonResource<'a> {
    api_version: &'a str,
    kind: &'a str,
    name: Option<&'a str>,
    namespace: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    documents: usize,
    resources: usize,
    skipped: usize,
    errors: usize,
    warnings: usize,
    infos: usize,
}

pub fn write_json(
    out: &mut dyn Write,
    reports: &[FileReport],
    summary: &Summary,
) -> io::Result<()> {
    let mut findings = Vec::new();
    for r in reports {
        for f in &r.findings {
            let start = r.source.position(f.primary.span.start);
            let end = r.source.position(f.primary.span.end);
            findings.push(JsonFinding {
                rule: f.rule,
                severity: f.severity.as_str(),
                message: &f.message,
                help: f.help.as_deref(),
                file: &r.path,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                resource: f.resource.as_ref().map(|id| JsonResource {
                    api_version: &id.api_version,
                    kind: &id.kind,
                    name: id.name.as_deref(),
                    namespace: id.namespace.as_deref(),
                }),
                rendered: f.rendered.as_ref().map(|r| JsonRendered {
                    profile: r.profile.as_deref(),
                    line: r.line,
                    kustomization: r.kustomization.as_deref(),
                }),
                approximate: f.rendered.as_ref().map(|r| r.approximate),
            });
        }
    }
    let c = summary.counts;
    let report = JsonReport {
        version: 1,
        findings,
        summary: JsonSummary {
            files: c.files,
            documents: c.documents,
            resources: c.resources,
            skipped: c.skipped,
            errors: summary.errors,
            warnings: summary.warnings,
            infos: summary.infos,
        },
    };
    serde_json::to_writer_pretty(&mut *out, &report).map_err(io::Error::other)?;
    out.write_all(b"\n")
}
