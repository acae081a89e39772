//! GitHub Actions workflow commands: `::error file=...,line=...,col=...,title=<rule>::<message>`,
//! so findings show inline on a pull request.

use std::io::{self, Write};

use super::{Sink, Summary};
use crate::engine::lint::FileReport;
use crate::finding::Severity;

pub struct Github;

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
        for f in r.findings.iter().filter(|f| f.suppressed.is_none()) {
            let start = r.source.position(f.primary.span.start);
            let end = r.source.position(f.primary.span.end);
            let command = match f.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut message = f.message.clone();
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
        Ok(())
    }
    fn finish(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}
