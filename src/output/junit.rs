//! JUnit XML for CI systems that show test reports: one test suite per file, one test case
//! per object linted (a clean object is a passing case), one for the file itself when it has
//! file-level findings or no object, and one failure per finding.

use std::io::{self, Write};

use super::{Sink, Summary};
use crate::engine::lint::FileReport;
use crate::finding::Finding;
use crate::k8s::ResourceId;

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
        let mut cases = test_cases(r);
        if cases.is_empty() {
            cases.push((r.path.clone(), Vec::new()));
        }
        let failures: usize = cases.iter().map(|(_, f)| f.len()).sum();
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

/// The test cases of a file in file order: the file itself when it has file-level findings,
/// then every object linted, then objects known only from findings (render findings moved to
/// a template), each with its findings.
fn test_cases(r: &FileReport) -> Vec<(String, Vec<&Finding>)> {
    let mut ids: Vec<Option<&ResourceId>> = Vec::new();
    let shown = r.findings.iter().filter(|f| f.suppressed.is_none());
    if shown.clone().any(|f| f.resource.is_none()) {
        ids.push(None);
    }
    for id in r
        .objects
        .iter()
        .chain(shown.clone().filter_map(|f| f.resource.as_ref()))
    {
        if !ids.contains(&Some(id)) {
            ids.push(Some(id));
        }
    }
    ids.into_iter()
        .map(|id| {
            let name = id.map_or_else(|| r.path.clone(), ResourceId::display);
            let findings = shown
                .clone()
                .filter(|f| f.resource.as_ref() == id)
                .collect();
            (name, findings)
        })
        .collect()
}
