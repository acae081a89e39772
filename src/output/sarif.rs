//! SARIF 2.1.0 for code-scanning services (GitHub accepts it as is): every registry rule in
//! `tool.driver.rules`, real regions, percent-encoded URIs relative to the repository root,
//! fingerprints that survive line moves and are unique in the run, logical locations for the
//! Kubernetes object, the values profile of rendered findings, suppressed findings kept with
//! their justification, and an automation id that names the run's values profiles.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::{rendered_suffix, Sink, Summary};
use crate::engine::lint::FileReport;
use crate::finding::{Finding, Severity};
use crate::rules::{self, RULES};

/// Where rule docs are published: the rule's Markdown in the project repository.
pub const DOCS_BASE: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/rules/");

/// The name standard input has in reports when `--stdin-filename` does not name it.
const UNNAMED_STDIN: &str = "<stdin>";

pub struct Sarif {
    root: PathBuf,
    cwd: PathBuf,
    written: usize,
    /// `runs[0].automationDetails.id`: `winlint/<profiles>/`.
    automation_id: String,
    /// How often each fingerprint was given, to number findings that share one.
    fingerprints: HashMap<String, usize>,
}

impl Sarif {
    /// `root` is the repository root that URIs are relative to; `cwd` resolves the paths
    /// as the user typed them.
    pub fn new(root: PathBuf, cwd: PathBuf) -> Sarif {
        Sarif {
            root,
            cwd,
            written: 0,
            automation_id: "winlint/default/".into(),
            fingerprints: HashMap::new(),
        }
    }

    /// The run's values profiles (config order) name the analysis, so that GitHub keeps
    /// runs with other profiles apart (its category is the id up to the last `/`).
    pub fn with_profiles<'p>(mut self, profiles: impl IntoIterator<Item = &'p str>) -> Sarif {
        let names: Vec<&str> = profiles.into_iter().collect();
        if !names.is_empty() {
            self.automation_id = format!("winlint/{}/", names.join("+"));
        }
        self
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

    /// The artifact: the path relative to the repository root, with `/`, percent-encoded
    /// (paths outside the root stay as typed); unnamed standard input is `stdin`, with no base.
    fn artifact(&self, shown: &str) -> Value {
        if shown == UNNAMED_STDIN {
            return json!({"uri": "stdin", "description": {"text": "standard input"}});
        }
        let path = crate::engine::paths::relative_to(&self.root, &self.cwd, shown);
        json!({"uri": percent_encode(&path), "uriBaseId": "%SRCROOT%"})
    }

    /// The finding's fingerprint, numbered (`<hash>/1`, `/2`, ...) when an earlier finding
    /// of the run has the same rule, file, object, field and profile.
    fn unique_fingerprint(&mut self, f: &Finding, uri: &str) -> String {
        let base = fingerprint(f, uri);
        let seen = self.fingerprints.entry(base.clone()).or_insert(0);
        *seen += 1;
        match *seen {
            1 => base,
            n => format!("{base}/{}", n - 1),
        }
    }

    fn result(&mut self, r: &FileReport, f: &Finding) -> Value {
        let start = r.source.position(f.primary.span.start);
        let end = r.source.position(f.primary.span.end);
        let artifact = self.artifact(&r.path);
        let uri = artifact["uri"].as_str().unwrap_or_default().to_owned();
        let mut location = json!({
            "physicalLocation": {
                "artifactLocation": artifact,
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
        let mut message = f.message.clone() + &rendered_suffix(f);
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
            "partialFingerprints": {"winlint/v1": self.unique_fingerprint(f, &uri)},
        });
        if let Some(at) = &f.rendered {
            let mut rendered = json!({"profile": at.profile, "line": at.line});
            if let Some(k) = &at.kustomization {
                rendered["kustomization"] = json!(k);
            }
            result["properties"] = json!({"rendered": rendered});
        }
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

/// Stable under line moves: rule, file, object, field path and (for renders with a named
/// values profile other than `default`) the profile, never the line.
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
    let profile = f
        .rendered
        .as_ref()
        .and_then(|r| r.profile.as_deref())
        .filter(|p| *p != "default");
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [f.rule, uri, &resource, field].into_iter().chain(profile) {
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
            let result = self.result(r, f);
            serde_json::to_writer(&mut *out, &result).map_err(io::Error::other)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        if self.written == 0 {
            self.begin(out)?;
        }
        let automation = json!({"id": self.automation_id});
        writeln!(out, "],\"automationDetails\":{automation}}}]}}")
    }
}

impl Sarif {
    fn begin(&self, out: &mut dyn Write) -> io::Result<()> {
        let root = self.root.to_string_lossy().replace('\\', "/");
        // A drive letter's `:` needs no escape in an absolute URI.
        let root = percent_encode(root.trim_end_matches('/')).replace("%3A", ":");
        let root_uri = if root.starts_with('/') {
            format!("file://{root}/")
        } else {
            format!("file:///{root}/")
        };
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

/// A path as a URI reference: bytes outside RFC 3986's unreserved set, sub-delimiters, `@`
/// and `/` are percent-encoded (spaces, `#`, `%`, `?`, `:`, non-ASCII as UTF-8).
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b);
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::percent_encode;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(percent_encode("a/b c#1%.yaml"), "a/b%20c%231%25.yaml");
        assert_eq!(
            percent_encode("d\u{e9}j\u{e0}/x?.yml"),
            "d%C3%A9j%C3%A0/x%3F.yml"
        );
        assert_eq!(percent_encode("C:/w"), "C%3A/w");
    }
}
