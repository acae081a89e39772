//! Docs that run: every rule's `yaml bad` examples give at least one finding of that rule and
//! `yaml good` examples none; the rendered bad examples are snapshotted. Plus invariants over
//! the registry: names, docs, sections, and the README's rule table.

use winlint::engine::config::Config;
use winlint::engine::lint::lint_text;
use winlint::engine::lint::Scope;
use winlint::facts::images::Classifier;
use winlint::facts::inventory::Inventory;
use winlint::output::{write_human, HumanStyle};
use winlint::rules::{self, RULES};

/// The fenced blocks of a doc with their info string (`yaml bad`, `yaml good`, ...).
fn blocks(doc: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in doc.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.trim().to_owned(), String::new())),
            (Some(_), Some(_)) => out.extend(current.take()),
            (Some((_, body)), None) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    out
}

#[test]
fn doc_examples_run() {
    // Every rule runs here, pedantic ones included.
    let mut config = Config::default();
    config.rules.select.push("all".into());
    let images = Classifier::default();
    for rule in RULES {
        let name = rule.name();
        let mut rendered = Vec::new();
        let mut bad_count = 0;
        for (i, (info, body)) in blocks(rule.doc()).into_iter().enumerate() {
            let kind = match info.as_str() {
                "yaml bad" => "bad",
                "yaml good" => "good",
                _ => continue,
            };
            // Each example is its own input: RuntimeClasses and Namespaces it defines count.
            let path = format!("{name}.{kind}{i}.yaml");
            let mut inventory = Inventory::default();
            inventory.collect_one(&path, &body);
            let cx = Scope {
                config: &config,
                facts: config.context(&images, &inventory),
            };
            let mut report = lint_text(path, body, &cx);
            let hits = report.findings.iter().filter(|f| f.rule == name).count();
            // The snapshot shows this rule's findings only: with every rule on, others
            // (pedantic policy rules above all) would make each doc's snapshot churn.
            report.findings.retain(|f| f.rule == name);
            if kind == "bad" {
                bad_count += 1;
                assert!(hits >= 1, "{name}: bad example {i} gives no finding");
                write_human(
                    &mut rendered,
                    std::slice::from_ref(&report),
                    HumanStyle {
                        color: false,
                        width: 100,
                    },
                )
                .expect("render");
            } else {
                assert_eq!(
                    hits, 0,
                    "{name}: good example {i} gives {:?}",
                    report.findings
                );
            }
        }
        if bad_count > 0 {
            insta::assert_snapshot!(
                format!("doc-{name}"),
                String::from_utf8(rendered).expect("utf-8")
            );
        } else {
            // Rules about files, tools and renders cannot be shown with a YAML document;
            // their docs show `text` transcripts instead.
            const WITHOUT_YAML_EXAMPLE: [&str; 8] = [
                "io-error",
                "input-too-large",
                "internal-error",
                "helm-not-found",
                "helm-dependency-missing",
                "helm-render-failed",
                "kustomize-not-found",
                "kustomize-build-failed",
            ];
            assert!(
                WITHOUT_YAML_EXAMPLE.contains(&name),
                "{name} has no `yaml bad` example"
            );
        }
    }
}

#[test]
fn registry_invariants() {
    let mut names: Vec<&str> = RULES.iter().map(|r| r.name()).collect();
    for name in &names {
        assert!(name.len() <= 63, "{name} is too long for an annotation key");
        assert!(
            name.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !name.starts_with('-')
                && !name.ends_with('-'),
            "{name} is not kebab-case"
        );
    }
    names.sort_unstable();
    let before = names.len();
    names.dedup();
    assert_eq!(before, names.len(), "duplicate rule names");

    for rule in RULES {
        let doc = rule.doc();
        let name = rule.name();
        assert_eq!(
            doc.lines().next(),
            Some(format!("# {name}").as_str()),
            "{name}: title"
        );
        assert!(!rules::summary(*rule).is_empty(), "{name}: summary line");
        for section in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## References",
        ] {
            assert!(doc.contains(section), "{name}: missing `{section}`");
        }
        // A rule with fixes says so in one `Fix: safe|unsafe` line; a rule without, nowhere.
        let fix_line = doc.lines().find(|l| l.starts_with("Fix: "));
        match rule.meta().fix {
            Some(a) => assert!(
                fix_line.is_some_and(|l| l.starts_with(&format!("Fix: {}.", a.as_str()))),
                "{name}: declared `fix: {}` but its doc has no `Fix: {}.` line",
                a.as_str(),
                a.as_str()
            ),
            None => assert!(
                fix_line.is_none(),
                "{name}: a `Fix:` line but no declared fix"
            ),
        }
        let path = format!("{}/rules/{name}.md", env!("CARGO_MANIFEST_DIR"));
        let on_disk = std::fs::read_to_string(&path).expect("one doc per rule, named after it");
        assert_eq!(on_disk, doc, "{path} is the doc compiled in");
    }
    let docs = std::fs::read_dir(format!("{}/rules", env!("CARGO_MANIFEST_DIR"))).expect("rules/");
    for entry in docs {
        let file = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        let stem = file.trim_end_matches(".md");
        assert!(
            rules::find(stem).is_some(),
            "rules/{file} has no rule in the registry"
        );
    }
}

#[test]
fn readme_rule_table_matches_the_registry() {
    let readme = std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR")))
        .expect("README");
    let start =
        readme.find("<!-- rules:start -->").expect("start marker") + "<!-- rules:start -->".len();
    let end = readme.find("<!-- rules:end -->").expect("end marker");
    assert_eq!(
        readme[start..end].trim(),
        rules::markdown_table().trim(),
        "README rule table is stale: paste the output of `winlint rules --format markdown`"
    );
}

#[test]
fn readme_precedence_table_matches_the_code() {
    let readme = std::fs::read_to_string(format!("{}/README.md", env!("CARGO_MANIFEST_DIR")))
        .expect("README");
    let start = readme
        .find("<!-- precedence:start -->")
        .expect("start marker")
        + "<!-- precedence:start -->".len();
    let end = readme.find("<!-- precedence:end -->").expect("end marker");
    assert_eq!(
        readme[start..end].trim(),
        rules::precedence::markdown_table().trim(),
        "README precedence table is stale: paste the output of rules::precedence::markdown_table()"
    );
}

/// Every finding carries a severity its rule declares (the default or a graded one), over
/// every fixture and, when `../shared/corpus` is beside the checkout, the corpus.
#[test]
fn emitted_severities_are_declared() {
    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                files(&p, out);
            } else if p
                .extension()
                .is_some_and(|x| x == "yaml" || x == "yml" || x == "json")
            {
                out.push(p);
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    files(&root.join("fixtures"), &mut paths);
    files(&root.join("../shared/corpus"), &mut paths);
    let mut config = Config::default();
    config.rules.select.push("all".into());
    let images = Classifier::default();
    let mut seen = std::collections::BTreeSet::new();
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let mut inventory = Inventory::default();
        inventory.collect_one("input.yaml", &text);
        let cx = Scope {
            config: &config,
            facts: config.context(&images, &inventory),
        };
        let report = lint_text(path.display().to_string(), text, &cx);
        for f in &report.findings {
            let rule = rules::find(f.rule).expect("a finding names a rule");
            assert!(
                rule.meta().emits(f.severity),
                "{}: {} emitted {}, which it does not declare",
                path.display(),
                f.rule,
                f.severity
            );
            seen.insert((f.rule, f.severity));
        }
    }
    // The walk found something to judge: graded rules among them.
    assert!(
        seen.len() > 20,
        "only {} rule/severity pairs seen",
        seen.len()
    );
    assert!(
        seen.iter()
            .any(|(r, s)| rules::find(r).is_some_and(|r| r.default_severity() != *s)),
        "no graded severity seen"
    );
}
