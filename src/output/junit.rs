//! JUnit XML for CI systems that show test reports: one test suite per file, one test case
//! per object (or per file for file-level findings), one failure per finding.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{Sink, Summary};
use crate::engine::lint::FileReport;

#[derive(Default)]
pub struct Junit {
    started: bool,
}

fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\r' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

impl Junit {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.started {
            self.started = true;
            out.write_all(
                b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"winlint\">\n",
            )?;
        }
        Ok(())
    }
}

impl Sink for Junit {
    fn file(&mut self, out: &mut dyn Write, r: &FileReport) -> io::Result<()> {
        self.start(out)?;
        // Test cases: one per object with findings, one for the file itself.
        let mut cases: BTreeMap<String, Vec<&crate::finding::Finding>> = BTreeMap::new();
        for f in r.findings.iter().filter(|f| f.suppressed.is_none()) {
            let name = f
                .resource
                .as_ref()
                .map_or_else(|| r.path.clone(), |id| id.display());
            cases.entry(name).or_default().push(f);
        }
        if cases.is_empty() {
            cases.insert(r.path.clone(), Vec::new());
        }
        let failures: usize = cases.values().map(Vec::len).sum();
        writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\">",
            xml(&r.path),
            cases.len()
        )?;
        for (name, findings) in &cases {
            if findings.is_empty() {
                writeln!(
                    out,
                    "    <testcase name=\"{}\" classname=\"{}\"/>",
                    xml(name),
                    xml(&r.path)
                )?;
                continue;
            }
            writeln!(
                out,
                "    <testcase name=\"{}\" classname=\"{}\">",
                xml(name),
                xml(&r.path)
            )?;
            for f in findings {
                let p = r.source.position(f.primary.span.start);
                let body = format!(
                    "{}:{}:{}: {}\n{}",
                    r.path,
                    p.line,
                    p.column,
                    f.message,
                    f.help.as_deref().unwrap_or("")
                );
                writeln!(
                    out,
                    "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                    xml(f.rule),
                    xml(&format!("{}: {}", f.severity, f.message)),
                    xml(body.trim_end())
                )?;
            }
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")
    }
    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        self.start(out)?;
        out.write_all(b"</testsuites>\n")
    }
}
