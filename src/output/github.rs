//! GitHub Actions workflow commands: `::error file=...,line=...,col=...,title=<rule>::<message>`,
//! so findings show inline on a pull request. With `$GITHUB_STEP_SUMMARY` set, a Markdown
//! summary (counts per severity and rule, the files with most findings) is appended to the
//! job's summary page, which lists what the annotation limits hide.

use std::io::{self, Write};
use std::path::PathBuf;

use super::sarif::DOCS_BASE;
use super::{rendered_suffix, Sink, Summary};
use crate::engine::lint::FileReport;
use crate::finding::Severity;

/// Annotations GitHub shows per step and kind (error, warning, notice); the rest are only in
/// the log. See actions/toolkit `docs/problem-matchers.md`, "Limitations".
const ANNOTATIONS_PER_STEP: usize = 10;
/// Files listed in the summary.
const TOP_FILES: usize = 10;

pub struct Github {
    /// `$GITHUB_STEP_SUMMARY`: the file the Markdown summary is appended to.
    step_summary: Option<PathBuf>,
    /// The files with most reported findings so far, most first, then by path.
    top_files: Vec<(usize, String)>,
}

impl Github {
    pub fn new(step_summary: Option<PathBuf>) -> Github {
        Github {
            step_summary,
            top_files: Vec::new(),
        }
    }

    /// `$GITHUB_STEP_SUMMARY` when it is set and not empty.
    pub fn from_env() -> Github {
        let path = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|v| !v.is_empty());
        Github::new(path.map(PathBuf::from))
    }

    fn count_file(&mut self, path: &str, n: usize) {
        if n == 0 {
            return;
        }
        self.top_files.push((n, path.to_owned()));
        self.top_files
            .sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        self.top_files.truncate(TOP_FILES);
    }

    /// The Markdown summary of the run.
    fn markdown(&self, summary: &Summary) -> String {
        // A blank line first: the previous step's summary may not end with one.
        let mut s = String::from("\n## winlint\n\n");
        s.push_str(&summary.line().replace('\n', "\n\n"));
        s.push_str("\n\n| severity | findings |\n|---|---:|\n");
        for (name, n) in [
            ("error", summary.errors),
            ("warning", summary.warnings),
            ("info", summary.infos),
        ] {
            s.push_str(&format!("| {name} | {n} |\n"));
        }
        let rules = summary.by_rule.sorted();
        if !rules.is_empty() {
            s.push_str(
                "\n### Findings per rule\n\n| rule | severity | findings |\n|---|---|---:|\n",
            );
            for (rule, c) in rules {
                s.push_str(&format!(
                    "| [`{rule}`]({DOCS_BASE}{rule}.md) | {} | {} |\n",
                    c.severity, c.count
                ));
            }
        }
        if !self.top_files.is_empty() {
            s.push_str("\n### Files with the most findings\n\n| file | findings |\n|---|---:|\n");
            for (n, path) in &self.top_files {
                s.push_str(&format!("| {} | {n} |\n", cell(path)));
            }
        }
        let hidden = [summary.errors, summary.warnings, summary.infos]
            .iter()
            .any(|n| *n > ANNOTATIONS_PER_STEP);
        if hidden {
            s.push_str(&format!(
                "\nGitHub shows at most {ANNOTATIONS_PER_STEP} error, {ANNOTATIONS_PER_STEP} warning and {ANNOTATIONS_PER_STEP} notice annotations per step (50 per job): every finding is in the step's log.\n"
            ));
        }
        s.push('\n');
        s
    }
}

/// A file name in a table cell: code, with `|` escaped so the row holds.
fn cell(path: &str) -> String {
    let escaped = path.replace('|', "\\|");
    if path.contains('`') {
        escaped
    } else {
        format!("`{escaped}`")
    }
}

/// Escaping of workflow-command data (`%`, CR, LF) and properties (also `:` and `,`).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

impl Sink for Github {
    fn file(&mut self, out: &mut dyn Write, r: &FileReport) -> io::Result<()> {
        let mut reported = 0;
        for f in r.findings.iter().filter(|f| f.suppressed.is_none()) {
            reported += 1;
            let start = r.source.position(f.primary.span.start);
            let end = r.source.position(f.primary.span.end);
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut message = f.message.clone() + &rendered_suffix(f);
            if let Some(help) = &f.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            writeln!(
                out,
                "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                property(&r.path),
                start.line,
                start.column,
                end.line,
                end.column,
                property(f.rule),
                data(&message)
            )?;
        }
        self.count_file(&r.path, reported);
        Ok(())
    }

    fn finish(&mut self, _out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        let Some(path) = &self.step_summary else {
            return Ok(());
        };
        let context = |e: io::Error| {
            io::Error::new(
                e.kind(),
                format!(
                    "cannot append to $GITHUB_STEP_SUMMARY `{}`: {e}",
                    path.display()
                ),
            )
        };
        // Appended: the file collects every step's summary for the job page.
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(context)?;
        file.write_all(self.markdown(summary).as_bytes())
            .map_err(context)
    }
}
