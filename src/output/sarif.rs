//! SARIF 2.1.0 for code-scanning services (GitHub accepts it as is): every registry rule in
//! `tool.driver.rules`, real regions, URIs relative to the repository root, fingerprints that
//! survive line moves, logical locations for the Kubernetes object, suppressed findings kept
//! with their justification.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::{Sink, Summary};
use crate::engine::lint::FileReport;
use crate::finding::{Finding, Severity};
use crate::rules::{self, RULES};

/// Where rule docs are published: the rule's Markdown in the project repository.
pub const DOCS_BASE: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/rules/");

pub struct Sarif {
    root: PathBuf,
    cwd: PathBuf,
    written: usize,
}

impl Sarif {
    /// `root` is the repository root that URIs are relative to; `cwd` resolves the paths
    /// as the user typed them.
    pub fn new(root: PathBuf, cwd: PathBuf) -> Sarif {
        Sarif {
            root,
            cwd,
            written: 0,
        }
    }

    fn header(&self) -> Value {
        let rules: Vec<Value> = RULES
            .iter()
            .map(|r| {
                json!({
                    "id": r.name(),
                    "name": r.name(),
                    "shortDescription": {"text": rules::summary(*r)},
                    "fullDescription": {"text": description(r.doc())},
                    "help": {"text": rules::summary(*r), "markdown": r.doc()},
                    "helpUri": format!("{DOCS_BASE}{}.md", r.name()),
                    "defaultConfiguration": {"level": level(r.default_severity())},
                    "properties": {"category": r.category().as_str()},
                })
            })
            .collect();
        json!({
            "name": "winlint",
            "version": env!("CARGO_PKG_VERSION"),
            "informationUri": env!("CARGO_PKG_REPOSITORY"),
            "rules": rules,
        })
    }

    /// The path relative to the repository root, with `/`; paths outside it stay as typed.
    fn uri(&self, shown: &str) -> String {
        crate::engine::paths::relative_to(&self.root, &self.cwd, shown)
    }

    fn result(&self, r: &FileReport, f: &Finding) -> Value {
        let start = r.source.position(f.primary.span.start);
        let end = r.source.position(f.primary.span.end);
        let uri = self.uri(&r.path);
        let mut location = json!({
            "physicalLocation": {
                "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                "region": {
                    "startLine": start.line,
                    "startColumn": start.column,
                    "endLine": end.line,
                    "endColumn": end.column,
                },
            },
        });
        if let Some(id) = &f.resource {
            let name = id.name.as_deref().unwrap_or("");
            let qualified = match &id.namespace {
                Some(ns) => format!("{}/{ns}/{name}", id.kind),
                None => format!("{}/{name}", id.kind),
            };
            location["logicalLocations"] = json!([{
                "name": name,
                "fullyQualifiedName": qualified,
                "kind": "resource",
            }]);
        }
        let mut message = f.message.clone();
        if let Some(help) = &f.help {
            message.push_str("\n\nhelp: ");
            message.push_str(help);
        }
        let rule_index = RULES.iter().position(|x| x.name() == f.rule);
        let mut result = json!({
            "ruleId": f.rule,
            "level": level(f.severity),
            "message": {"text": message},
            "locations": [location],
            "partialFingerprints": {"winlint/v1": fingerprint(f, &uri)},
        });
        if let Some(i) = rule_index {
            result["ruleIndex"] = json!(i);
        }
        if let Some(fix) = &f.fix {
            let replacements: Vec<Value> = super::edit_positions(r, fix)
                .iter()
                .map(|e| {
                    json!({
                        "deletedRegion": {
                            "startLine": e.line,
                            "startColumn": e.column,
                            "endLine": e.end_line,
                            "endColumn": e.end_column,
                        },
                        "insertedContent": {"text": e.text},
                    })
                })
                .collect();
            result["fixes"] = json!([{
                "description": {"text": format!("{} fix", fix.applicability.as_str())},
                "artifactChanges": [{
                    "artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
                    "replacements": replacements,
                }],
            }]);
        }
        if let Some(reason) = &f.suppressed {
            result["suppressions"] = json!([{"kind": "inSource", "justification": reason}]);
        }
        result
    }
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The doc's "What it does" section as plain text.
fn description(doc: &str) -> String {
    let Some(start) = doc.find("## What it does") else {
        return String::new();
    };
    let body = &doc[start + "## What it does".len()..];
    let end = body.find("\n## ").unwrap_or(body.len());
    body[..end].split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Stable under line moves: rule, file, object and field path, never the line.
pub fn fingerprint(f: &Finding, uri: &str) -> String {
    let resource = f
        .resource
        .as_ref()
        .map(|r| {
            format!(
                "{}/{}/{}",
                r.kind,
                r.namespace.as_deref().unwrap_or(""),
                r.name.as_deref().unwrap_or("")
            )
        })
        .unwrap_or_default();
    let field = f.field.as_deref().unwrap_or(&f.message);
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [f.rule, uri, &resource, field] {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

impl Sink for Sarif {
    fn file(&mut self, out: &mut dyn Write, r: &FileReport) -> io::Result<()> {
        for f in &r.findings {
            if self.written == 0 {
                self.begin(out)?;
            } else {
                out.write_all(b",")?;
            }
            self.written += 1;
            serde_json::to_writer(&mut *out, &self.result(r, f)).map_err(io::Error::other)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        if self.written == 0 {
            self.begin(out)?;
        }
        out.write_all(b"]}]}\n")
    }
}

impl Sarif {
    fn begin(&self, out: &mut dyn Write) -> io::Result<()> {
        let root_uri = format!(
            "file://{}/",
            self.root.to_string_lossy().trim_end_matches('/')
        );
        let head = json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
        });
        let head = serde_json::to_string(&head).map_err(io::Error::other)?;
        let driver = serde_json::to_string(&self.header()).map_err(io::Error::other)?;
        let bases = serde_json::to_string(&json!({"%SRCROOT%": {"uri": root_uri}}))
            .map_err(io::Error::other)?;
        // `{"$schema":...,"version":"2.1.0","runs":[{"tool":{"driver":...},...,"results":[`
        writeln!(
            out,
            "{},\"runs\":[{{\"tool\":{{\"driver\":{driver}}},\"originalUriBaseIds\":{bases},\"columnKind\":\"unicodeCodePoints\",\"results\":[",
            head.trim_end_matches('}')
        )
    }
}

/// The repository root for URIs: the nearest parent of `cwd` with `.git`, else `cwd`.
pub fn repository_root(cwd: &Path) -> PathBuf {
    let mut dir = Some(cwd);
    while let Some(d) = dir {
        if d.join(".git").exists() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    cwd.to_path_buf()
}
