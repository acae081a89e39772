//! The YAML test suite (fixtures/yaml-test-suite, tag data-2022-01-17) through winlint's
//! parser: every valid case must parse to its in.json, every error case must be refused,
//! except the cases listed in [`EXCEPTIONS`]. Scalars resolve as Kubernetes resolves them
//! (sigs.k8s.io/yaml, YAML 1.1), in.json as YAML 1.2 core: [`RESOLUTION`] names the
//! differences that are allowed, by category.
//!
//! Where the exception is that go-yaml decides otherwise than the suite, the test asks the
//! real go-yaml (`kubectl kustomize`, which parses the file before refusing what is not a
//! Kubernetes object) and requires it to accept or refuse the case as winlint does.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{require_tools, root};
use serde_json::Value;
use winlint::yaml::json::documents_json;

/// Why a case is not held to the suite's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    /// go-yaml accepts or refuses it as winlint does, against the suite (both port libyaml's
    /// scanner); the test checks the accept/refuse decision with kubectl.
    GoYaml,
    /// Out of scope for Kubernetes manifests, with the reason.
    OutOfScope(&'static str),
    /// A known disagreement with go-yaml, with the reason.
    Deviation(&'static str),
}

/// Cases winlint answers otherwise than the suite, by reason.
const EXCEPTIONS: &[(&[&str], Why)] = &[
    (
        &[
            // The suite says valid; libyaml, go-yaml and winlint refuse.
            "2JQS", "2LFX", "2SXE", "4MUZ/00", "4MUZ/01", "4MUZ/02", "58MP", "5MUD", "5T43", "6BCT",
            "6CA3", "6M2F", "8XYN", "96NN/00", "96NN/01", "9SA2", "A2M4", "BEC7", "CFD4", "DBG4",
            "DK95/00", "DK95/03", "DK95/04", "FRK4", "HM87/00", "HWV9", "K3WX", "M2N8/00",
            "MUS6/05", "MUS6/06", "NHX8", "NJ66", "NKF9", "Q5MG", "QT73", "R4YG", "S3PD",
            "SM9W/01", "UKK6/00", "UT92", "VJP3/01", "W5VH", "WZ62", "Y79Y/001", "Y79Y/010",
            // The suite says invalid; go-yaml and winlint accept (9C9N is the flow sequence
            // closed at its key's indentation that issue 14 is about).
            "9C9N", "9JBA", "CVW2", "DK95/01", "G5U8", "QB6E", "S98Z", "SU5Z", "X4QW", "Y79Y/003",
            "YJV2",
        ],
        Why::GoYaml,
    ),
    (
        &[
            "4FJ6", "6BFJ", "6PBE", "9MMW", "KK5P", "LX3P", "M2N8/01", "M5DY", "Q9WF", "RZP5",
            "SBG9", "V9D5", "X38W", "XW4D",
        ],
        Why::OutOfScope("a collection as mapping key: JSON, and so Kubernetes, has none"),
    ),
    (
        &["S4JQ"],
        Why::OutOfScope("the non-specific tag `!`: winlint ignores tags outside the core schema"),
    ),
    (
        &["DK3J", "FP8R", "W4TN", "6LVF"],
        Why::OutOfScope(
            "content on the `---` line (`--- >`, `--- |`, `--- foo`): kubectl apply's document \
             splitter refuses it as an invalid document separator",
        ),
    ),
    (
        &["4ABK", "7Z25", "M7A3"],
        Why::Deviation("libyaml refuses it, go-yaml accepts it (go-yaml fixed its scanner)"),
    ),
    (
        &["MUS6/00"],
        Why::Deviation("`%YAML 1.1#...`: libyaml accepts a comment without a space, go-yaml not"),
    ),
    (
        &["652Z", "HM87/01", "Y2GN"],
        Why::Deviation(
            "`?foo` in a flow collection and `&an:chor`: libyaml's reading (an explicit key, \
             an anchor ending at `:`); go-yaml's value is not checked here",
        ),
    ),
    (
        &["JEF9/02", "L24T/01"],
        Why::Deviation(
            "a block scalar whose last line holds only spaces and no line break: the line break \
             winlint supplies to avoid libyaml-safer's end-of-input panic changes its value",
        ),
    ),
];

/// Scalar resolution differences allowed between winlint and in.json (YAML 1.2 core).
const RESOLUTION: &[(&str, &str)] = &[
    (
        "yaml-1.1-bool",
        "plain y/n/yes/no/on/off are booleans to sigs.k8s.io/yaml, strings in YAML 1.2",
    ),
    (
        "yaml-1.1-number",
        "plain 0644 (octal), 0b1, +1, 1_000 are numbers to sigs.k8s.io/yaml, strings in YAML 1.2",
    ),
];

#[test]
fn yaml_test_suite() {
    let cases = cases();
    assert!(cases.len() > 350, "suite missing: {} cases", cases.len());
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut excused = Vec::new();
    for case in &cases {
        let verdict = check(case, &mut counts);
        let listed = EXCEPTIONS
            .iter()
            .find(|(ids, _)| ids.contains(&case.id.as_str()))
            .map(|e| e.1);
        match (verdict, listed) {
            (Ok(()), None) => {}
            (Ok(()), Some(_)) => problems.push(format!("{}: listed but now passes", case.id)),
            (Err(e), None) => problems.push(format!("{} ({}): {e}", case.id, case.name)),
            (Err(e), Some(why)) => {
                let reason = match why {
                    Why::GoYaml => "go-yaml decides the same as winlint (checked with kubectl)",
                    Why::OutOfScope(r) => r,
                    Why::Deviation(r) => r,
                };
                let kind = match why {
                    Why::GoYaml => "as go-yaml",
                    Why::OutOfScope(_) => "out of scope",
                    Why::Deviation(_) => "deviation",
                };
                *counts
                    .entry(format!("excused, {kind}: {reason}"))
                    .or_default() += 1;
                excused.push((case, why, e));
            }
        }
    }
    for (category, n) in &counts {
        println!("{n:5}  {category}");
    }
    for (name, why) in RESOLUTION {
        println!("resolution {name}: {why}");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let go_yaml: Vec<_> = excused.iter().filter(|e| e.1 == Why::GoYaml).collect();
    if !go_yaml.is_empty() {
        require_tools();
        let dir = tempfile::tempdir().expect("temp dir");
        for (case, _, e) in go_yaml {
            let ours = documents_json(&case.yaml).is_ok();
            assert_eq!(
                go_yaml_accepts(&case.yaml, dir.path()),
                ours,
                "{}: listed as go-yaml's decision, but go-yaml disagrees with winlint ({e})",
                case.id
            );
        }
    }
}

struct Case {
    id: String,
    name: String,
    yaml: String,
    json: Option<String>,
    error: bool,
}

fn cases() -> Vec<Case> {
    let mut out = Vec::new();
    let base = root().join("fixtures/yaml-test-suite");
    let mut dirs = Vec::new();
    collect(&base, &mut dirs);
    dirs.sort();
    for dir in dirs {
        let read = |f: &str| std::fs::read_to_string(dir.join(f)).ok();
        let Some(yaml) = read("in.yaml") else {
            continue;
        };
        let id = dir
            .strip_prefix(&base)
            .expect("under base")
            .to_string_lossy()
            .into_owned();
        out.push(Case {
            id,
            name: read("===").unwrap_or_default().trim().to_owned(),
            yaml,
            json: read("in.json"),
            error: dir.join("error").exists(),
        });
    }
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("suite folder").flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.join("in.yaml").is_file() {
                out.push(p.clone());
            }
            collect(&p, out);
        }
    }
}

/// Checks one case against the suite, counting the outcome.
fn check(case: &Case, counts: &mut BTreeMap<String, usize>) -> Result<(), String> {
    let ours = documents_json(&case.yaml);
    let mut count = |c: &str| *counts.entry(c.to_owned()).or_default() += 1;
    match (case.error, ours) {
        (true, Err(_)) => {
            count("error case refused");
            Ok(())
        }
        (true, Ok(_)) => Err("the suite says invalid, winlint accepts it".into()),
        (false, Err(e)) => Err(format!(
            "valid, winlint refuses it: {} at {}",
            e.message, e.at
        )),
        (false, Ok(docs)) => {
            let Some(json) = &case.json else {
                count("valid case parsed (no in.json to compare)");
                return Ok(());
            };
            let want: Vec<Value> = serde_json::Deserializer::from_str(json)
                .into_iter::<Value>()
                .collect::<Result<_, _>>()
                .map_err(|e| format!("in.json: {e}"))?;
            // Empty documents are not objects; winlint leaves them out, as Kubernetes does.
            let want: Vec<Value> = want.into_iter().filter(|v| !v.is_null()).collect();
            if want.len() != docs.len() {
                return Err(format!(
                    "{} documents, in.json has {}",
                    docs.len(),
                    want.len()
                ));
            }
            let mut used = Vec::new();
            for (a, b) in docs.iter().zip(&want) {
                equal(a, b, "", &mut used)?;
            }
            used.sort();
            used.dedup();
            if used.is_empty() {
                count("valid case equal to in.json");
            } else {
                count(&format!(
                    "valid case equal to in.json with {}",
                    used.join(", ")
                ));
            }
            Ok(())
        }
    }
}

fn equal(ours: &Value, want: &Value, at: &str, used: &mut Vec<&'static str>) -> Result<(), String> {
    match (ours, want) {
        (Value::Object(a), Value::Object(b)) if a.len() == b.len() => {
            for (k, v) in b {
                let ours = a.get(k).or_else(|| {
                    // A 1.1 key: `yes` is the key "true" to Kubernetes.
                    let k11 = resolved_key(k)?;
                    used.push(RESOLUTION[if k11.1 { 0 } else { 1 }].0);
                    a.get(&k11.0)
                });
                let Some(ours) = ours else {
                    return Err(format!("{at}: no key {k:?} in {:?}", a.keys()));
                };
                equal(ours, v, &format!("{at}.{k}"), used)?;
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                equal(x, y, &format!("{at}[{i}]"), used)?;
            }
            Ok(())
        }
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => Ok(()),
        (Value::Bool(x), Value::String(s)) if yaml11_bool(s) == Some(*x) => {
            used.push(RESOLUTION[0].0);
            Ok(())
        }
        (Value::Number(_), Value::String(s)) if yaml11_number(s) => {
            used.push(RESOLUTION[1].0);
            Ok(())
        }
        _ if ours == want => Ok(()),
        _ => Err(format!("{at}: winlint {ours}, in.json {want}")),
    }
}

/// The key Kubernetes makes of a 1.1 boolean or number key, and whether it is a boolean.
fn resolved_key(k: &str) -> Option<(String, bool)> {
    if let Some(b) = yaml11_bool(k) {
        return Some((b.to_string(), true));
    }
    None
}

fn yaml11_bool(s: &str) -> Option<bool> {
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

/// Integers that YAML 1.1 reads and the 1.2 core schema does not.
fn yaml11_number(s: &str) -> bool {
    let body = s.trim_start_matches(['+', '-']);
    let octal = body.len() > 1 && body.starts_with('0') && body.bytes().all(|b| b.is_ascii_digit());
    octal || body.starts_with("0b") || s.starts_with('+') || s.contains('_')
}

/// Whether the real go-yaml reads `yaml`: kustomize refuses a malformed file with
/// `MalformedYAMLError`, and anything that parsed for other reasons (not an object).
fn go_yaml_accepts(yaml: &str, dir: &Path) -> bool {
    std::fs::write(dir.join("in.yaml"), yaml).expect("write case");
    std::fs::write(dir.join("kustomization.yaml"), "resources: [in.yaml]\n").expect("write");
    let out = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
        .expect("kubectl runs");
    !String::from_utf8_lossy(&out.stderr).contains("MalformedYAMLError")
}
