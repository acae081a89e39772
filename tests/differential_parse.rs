//! winlint's YAML parser against the real go-yaml (issue 14): every YAML file of the shared
//! corpus and of fixtures/ (Helm templates left out) goes through `kubectl kustomize` (kyaml,
//! go-yaml v3) and through `winlint::yaml::json::documents_json`; the YAML test suite's cases
//! have their own test (tests/yaml_suite.rs). Where kustomize builds the
//! file, both must give the same objects; where it refuses the YAML itself, winlint must too.
//! kustomize also refuses files for reasons that are not YAML (no `metadata.name`, two
//! objects with one id, ...): those are counted by reason and not compared, unless winlint
//! refused the YAML, which then is a disagreement (kustomize got past parsing).
//!
//! kustomize writes its result as YAML; that canonical block YAML (go-yaml's encoder, which
//! quotes every ambiguous string) is read back with winlint's parser to compare as JSON.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use common::{corpus, require_tools, root};
use serde_json::Value;
use winlint::yaml::decode::{decode, Decoded};
use winlint::yaml::json::documents_json;

/// Where kyaml (go-yaml v3, YAML 1.2 resolution) and sigs.k8s.io/yaml (go-yaml v2, YAML 1.1
/// resolution, what `kubectl apply` and the API server use and winlint follows) read the same
/// plain scalar differently. Nothing else may differ.
const DEVIATIONS: &[(&str, &str)] = &[
    (
        "yaml-1.1-bool",
        "plain y/n/yes/no/on/off: booleans to sigs.k8s.io/yaml (and winlint), strings to kyaml",
    ),
    (
        "timestamp",
        "a plain date or time: kept as written by sigs.k8s.io/yaml (and winlint), rewritten \
         as RFC 3339 by kyaml",
    ),
];

/// Files per `kubectl kustomize` run; a batch that fails or differs is rerun file by file.
const BATCH: usize = 24;

#[test]
fn winlint_parses_what_go_yaml_parses() {
    require_tools();
    let (files, skipped) = inputs();
    let inputs: Vec<Input> = files.iter().map(|p| Input::read(p)).collect();
    // Files that winlint reads as Kubernetes objects only go in batches; the others, and
    // those winlint refuses, are run alone, so that kustomize's refusal is theirs.
    let (batchable, alone): (Vec<usize>, Vec<usize>) =
        (0..inputs.len()).partition(|&i| inputs[i].objects_only());
    let mut jobs = batches(&inputs, batchable);
    jobs.extend(alone.into_iter().map(|i| vec![i]));
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::new());
    let runs = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            let (inputs, jobs, next, results, runs) = (&inputs, &jobs, &next, &results, &runs);
            s.spawn(move || {
                let dir = tempfile::tempdir().expect("temp dir");
                while let Some(job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let out = run_group(inputs, job, dir.path(), runs);
                    results.lock().expect("lock").extend(out);
                }
            });
        }
    });
    let mut results = results.into_inner().expect("results");
    results.sort_by_key(|(i, _)| *i);

    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for (i, outcome) in &results {
        let rel = files[*i].strip_prefix(root()).unwrap_or(&files[*i]);
        match outcome {
            Outcome::Counted(category) => *counts.entry(category.clone()).or_default() += 1,
            Outcome::Fail(why) => failures.push(format!("{}: {why}", rel.display())),
        }
    }
    println!(
        "files compared with kubectl kustomize: {} ({} kubectl runs)",
        files.len(),
        runs.load(Ordering::Relaxed)
    );
    for (category, n) in &counts {
        println!("{n:6}  {category}");
    }
    for (reason, n) in &skipped {
        println!("{n:6}  not run: {reason}");
    }
    println!("accepted deviations:");
    for (name, why) in DEVIATIONS {
        println!("  {name}: {why}");
    }
    assert!(
        failures.is_empty(),
        "{} files disagree with go-yaml:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let equal: usize = counts
        .iter()
        .filter(|(c, _)| c.starts_with("equal"))
        .map(|(_, n)| n)
        .sum();
    assert!(equal > 1000, "too few files compared: {counts:?}");
    assert!(counts.keys().any(|c| c.starts_with("refused by both")));
}

/// Builds a group of files; a group that fails or differs is split in halves until each
/// file has its own outcome.
fn run_group(
    inputs: &[Input],
    group: &[usize],
    dir: &Path,
    runs: &AtomicUsize,
) -> Vec<(usize, Outcome)> {
    let batch: Vec<&Input> = group.iter().map(|&i| &inputs[i]).collect();
    runs.fetch_add(1, Ordering::Relaxed);
    match compare(&batch, dir) {
        Outcome::Counted(c) if c == "equal" => group
            .iter()
            .map(|&i| (i, Outcome::Counted(c.clone())))
            .collect(),
        outcome if group.len() == 1 => vec![(group[0], outcome)],
        _ => {
            let (a, b) = group.split_at(group.len() / 2);
            let mut out = run_group(inputs, a, dir, runs);
            out.extend(run_group(inputs, b, dir, runs));
            out
        }
    }
}

/// Groups files into batches of at most [`BATCH`] in which no object id repeats (kustomize
/// refuses two objects with one id).
fn batches(inputs: &[Input], files: Vec<usize>) -> Vec<Vec<usize>> {
    let mut open: Vec<(Vec<usize>, std::collections::BTreeSet<String>)> = Vec::new();
    let mut done = Vec::new();
    for i in files {
        let ids: std::collections::BTreeSet<String> = inputs[i]
            .ours
            .as_ref()
            .map(|d| expand_lists(d.clone()).iter().map(id).collect())
            .unwrap_or_default();
        let slot = open.iter().position(|(_, taken)| taken.is_disjoint(&ids));
        let slot = slot.unwrap_or_else(|| {
            open.push((Vec::new(), Default::default()));
            open.len() - 1
        });
        open[slot].0.push(i);
        open[slot].1.extend(ids);
        if open[slot].0.len() == BATCH {
            done.push(open.swap_remove(slot).0);
        }
    }
    done.extend(open.into_iter().map(|(b, _)| b));
    done
}

/// One input file and winlint's reading of it.
struct Input {
    bytes: Vec<u8>,
    ours: Result<Vec<Value>, String>,
}

impl Input {
    fn read(path: &Path) -> Input {
        let bytes = std::fs::read(path).expect("read input");
        let ours = match decode(bytes.clone()) {
            Decoded::Text(t) => documents_json(&t).map_err(|e| e.message),
            Decoded::Invalid { why, .. } => Err(why.to_string()),
        };
        Input { bytes, ours }
    }

    /// Parsed, and every document an object kustomize takes (kind and name).
    fn objects_only(&self) -> bool {
        let is_object = |o: &Value| {
            o["kind"].is_string()
                && o["apiVersion"].is_string()
                && o["metadata"]["name"].is_string()
        };
        self.ours
            .as_ref()
            .is_ok_and(|docs| !docs.is_empty() && expand_lists(docs.clone()).iter().all(is_object))
    }
}

/// The YAML files to compare, and how many were left out and why.
fn inputs() -> (Vec<PathBuf>, BTreeMap<&'static str, usize>) {
    let mut files = Vec::new();
    let mut skipped = BTreeMap::new();
    for top in [corpus(), root().join("fixtures")] {
        let walk = ignore::WalkBuilder::new(&top)
            .standard_filters(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            .build();
        for entry in walk {
            let path = entry.expect("walk").into_path();
            let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
            if !yaml || !path.is_file() {
                continue;
            }
            if path.starts_with(root().join("fixtures/yaml-test-suite")) {
                // tests/yaml_suite.rs; its cases are not Kubernetes objects.
                *skipped
                    .entry("YAML test suite case (tests/yaml_suite.rs)")
                    .or_default() += 1;
                continue;
            }
            let reason = if in_chart_templates(&path) {
                Some("Helm chart template")
            } else if std::fs::read(&path).is_ok_and(|b| b.windows(2).any(|w| w == b"{{")) {
                Some("contains `{{` (template)")
            } else {
                None
            };
            match reason {
                Some(r) => *skipped.entry(r).or_default() += 1,
                None => files.push(path),
            }
        }
    }
    (files, skipped)
}

/// A file under `templates/` of a folder holding a Chart.yaml.
fn in_chart_templates(path: &Path) -> bool {
    path.ancestors().any(|a| {
        a.file_name().is_some_and(|n| n == "templates")
            && a.parent().is_some_and(|c| c.join("Chart.yaml").is_file())
    })
}

enum Outcome {
    Counted(String),
    Fail(String),
}

/// Builds `batch` with kustomize and compares with winlint's reading.
fn compare(batch: &[&Input], dir: &Path) -> Outcome {
    let mut kustomization = String::from("resources:\n");
    let mut ours = Ok(Vec::new());
    for (i, input) in batch.iter().enumerate() {
        std::fs::write(dir.join(format!("f{i}.yaml")), &input.bytes).expect("copy input");
        kustomization.push_str(&format!("- f{i}.yaml\n"));
        match (&mut ours, &input.ours) {
            (Ok(all), Ok(docs)) => all.extend(docs.iter().cloned()),
            (_, Err(e)) => ours = Err(e.clone()),
            (Err(_), Ok(_)) => {}
        }
    }
    std::fs::write(dir.join("kustomization.yaml"), kustomization).expect("kustomization");
    let out = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
        .expect("kubectl runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let theirs = if out.status.success() {
        let text = String::from_utf8(out.stdout).expect("kustomize writes UTF-8");
        Ok(documents_json(&text).expect("winlint reads kustomize's canonical output"))
    } else {
        Err(refusal(&stderr))
    };
    match (ours, theirs) {
        (Ok(ours), Ok(theirs)) => match same_objects(ours, theirs) {
            Ok(used) if used.is_empty() => Outcome::Counted("equal".into()),
            Ok(used) => Outcome::Counted(format!("equal, with accepted deviations ({used})")),
            Err(diff) => Outcome::Fail(format!("different objects: {diff}")),
        },
        (Err(_), Err(Refusal::Yaml)) => Outcome::Counted("refused by both (YAML syntax)".into()),
        (Ok(_), Err(Refusal::Yaml)) => Outcome::Fail(format!(
            "winlint accepts YAML that go-yaml refuses: {stderr}"
        )),
        (Ok(_), Err(Refusal::Other(reason))) => {
            Outcome::Counted(format!("not comparable: kustomize refused, {reason}"))
        }
        (Err(e), Err(Refusal::Other(reason))) if reason.starts_with("duplicate key") => {
            Outcome::Fail(format!(
                "winlint refuses ({e}) YAML that go-yaml parsed (then refused for {reason})"
            ))
        }
        (Err(e), _) => Outcome::Fail(format!("winlint refuses YAML that go-yaml accepts: {e}")),
    }
}

enum Refusal {
    /// go-yaml refused the syntax.
    Yaml,
    /// kustomize parsed the YAML, then refused the content.
    Other(&'static str),
}

/// Why kustomize refused a file, from its message.
fn refusal(stderr: &str) -> Refusal {
    if stderr.contains("MalformedYAMLError") {
        Refusal::Yaml
    } else if stderr.contains("already defined at line") {
        Refusal::Other("duplicate key (kyaml refuses it; sigs.k8s.io/yaml keeps the last)")
    } else if [
        "missing Resource metadata",
        "missing metadata.name",
        "missing kind",
    ]
    .iter()
    .any(|m| stderr.contains(m))
    {
        Refusal::Other("not a Kubernetes object (no kind or metadata.name)")
    } else if stderr.contains("already registered id") {
        Refusal::Other("two objects with one id")
    } else {
        Refusal::Other("other content check")
    }
}

/// kustomize expands `List` objects into their items and may reorder objects: compare the
/// objects by id. Returns the deviations that were needed, or what differs.
fn same_objects(ours: Vec<Value>, theirs: Vec<Value>) -> Result<String, String> {
    let ours: Vec<Value> = expand_lists(ours)
        .into_iter()
        .map(as_kustomize_writes)
        .collect();
    let theirs: Vec<Value> = expand_lists(theirs)
        .into_iter()
        .map(as_kustomize_writes)
        .collect();
    let by_id = |v: Vec<Value>| -> BTreeMap<String, Vec<Value>> {
        let mut m: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for o in v {
            m.entry(id(&o)).or_default().push(o);
        }
        m
    };
    let (ours, theirs) = (by_id(ours), by_id(theirs));
    if ours.keys().ne(theirs.keys()) {
        return Err(format!(
            "objects {:?} vs kustomize {:?}",
            ours.keys().collect::<Vec<_>>(),
            theirs.keys().collect::<Vec<_>>()
        ));
    }
    let mut used = std::collections::BTreeSet::new();
    for (key, a) in &ours {
        let b = &theirs[key];
        if a.len() != b.len() {
            return Err(format!("{key}: {} vs {} objects", a.len(), b.len()));
        }
        for (x, y) in a.iter().zip(b) {
            equal(x, y, key, &mut used)?;
        }
    }
    Ok(used.into_iter().collect::<Vec<_>>().join(", "))
}

/// kustomize drops a null or empty `metadata.labels` and `metadata.annotations`, or writes
/// them as `{}`; that is its output, not its parse: both sides leave them out.
fn as_kustomize_writes(mut o: Value) -> Value {
    if let Some(meta) = o.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in ["labels", "annotations"] {
            let empty = meta
                .get(key)
                .is_some_and(|v| v.is_null() || v.as_object().is_some_and(|m| m.is_empty()));
            if empty {
                meta.remove(key);
            }
        }
    }
    o
}

fn expand_lists(docs: Vec<Value>) -> Vec<Value> {
    let mut out = Vec::new();
    for d in docs {
        let is_list = d["kind"].as_str().is_some_and(|k| k.ends_with("List"));
        match (is_list, d.get("items").and_then(Value::as_array)) {
            (true, Some(items)) => out.extend(items.iter().cloned()),
            _ => out.push(d),
        }
    }
    out
}

fn id(o: &Value) -> String {
    format!(
        "{}/{}/{}/{}",
        o["apiVersion"].as_str().unwrap_or(""),
        o["kind"].as_str().unwrap_or(""),
        o["metadata"]["namespace"].as_str().unwrap_or(""),
        o["metadata"]["name"].as_str().unwrap_or("")
    )
}

/// Deep equality, allowing the listed deviations (their names go into `used`).
fn equal(
    ours: &Value,
    theirs: &Value,
    at: &str,
    used: &mut std::collections::BTreeSet<&'static str>,
) -> Result<(), String> {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            // A 1.1 boolean key: `true` to winlint, `yes` (or `on`, ...) to kyaml.
            let mut b2 = serde_json::Map::new();
            for (k, v) in b {
                let k = match yaml11_bool(k) {
                    Some(t) if !a.contains_key(k) && a.contains_key(&t.to_string()) => {
                        used.insert("yaml-1.1-bool");
                        t.to_string()
                    }
                    _ => k.clone(),
                };
                b2.insert(k, v.clone());
            }
            if a.len() != b2.len() || a.keys().any(|k| !b2.contains_key(k)) {
                return Err(format!(
                    "{at}: keys {:?} vs kustomize {:?}",
                    a.keys().collect::<Vec<_>>(),
                    b2.keys().collect::<Vec<_>>()
                ));
            }
            for (k, v) in a {
                equal(v, &b2[k], &format!("{at}.{k}"), used)?;
            }
            Ok(())
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                equal(x, y, &format!("{at}[{i}]"), used)?;
            }
            Ok(())
        }
        (Value::Bool(x), Value::String(s)) if yaml11_bool(s) == Some(*x) => {
            used.insert("yaml-1.1-bool");
            Ok(())
        }
        (Value::String(x), Value::String(y)) if is_timestamp_of(x, y) => {
            used.insert("timestamp");
            Ok(())
        }
        (Value::Number(x), Value::Number(y)) if x.as_f64() == y.as_f64() => Ok(()),
        _ if ours == theirs => Ok(()),
        _ => Err(format!("{at}: {ours} vs kustomize {theirs}")),
    }
}

/// The YAML 1.1 booleans that YAML 1.2 reads as strings.
fn yaml11_bool(s: &str) -> Option<bool> {
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

/// `2001-12-14` (as written) against kyaml's `2001-12-14T00:00:00Z`: the same date.
fn is_timestamp_of(written: &str, rfc3339: &str) -> bool {
    let b = written.as_bytes();
    let date = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[7] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[8..10].iter().all(u8::is_ascii_digit);
    date && rfc3339.starts_with(&written[..10]) && rfc3339.len() >= 20
}
