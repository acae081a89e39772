//! `winlint explain`: for every workload of the inputs (charts and kustomizations rendered),
//! each node pool of the cluster model with its verdict and what decides it, as one table
//! per workload or as JSON. The verdicts come from [`crate::facts::explain`].

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use super::run::{each_report, prepare};
use super::{RunError, EXIT_CLEAN};
use crate::cli::args::{ExplainArgs, ExplainFormat};
use crate::engine::error::Error;
use crate::engine::lint::Explained;
use crate::facts::cluster::{self, Cluster};
use crate::facts::explain::PoolVerdict;
use crate::facts::scheduling::Tri;
use crate::finding::RenderedAt;
use crate::output::{JsonRendered, JsonResource};

/// Findings that mean part of the inputs could not be read or rendered, so some workloads
/// may be missing from the explanation.
const INPUT_PROBLEMS: &[&str] = &[
    "invalid-yaml",
    "invalid-resource",
    "io-error",
    "input-too-large",
    "internal-error",
    "helm-not-found",
    "helm-render-failed",
    "helm-dependency-missing",
    "kustomize-not-found",
    "kustomize-build-failed",
];

pub(crate) fn run(
    a: &ExplainArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, RunError> {
    let args = a
        .inputs
        .to_args()
        .map_err(|e| Error::Usage(format!("cannot prepare the inputs: {e}")))?;
    let mut p = prepare(&args, true)?;
    if let Some(name) = &a.preset {
        p.config.cluster = with_preset(&p.config.cluster, name)?;
    }
    p.config.explain = true;
    let mut rows: Vec<(String, Explained)> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    each_report(&p, &args, &mut |mut report| {
        for f in report
            .findings
            .iter()
            .filter(|f| INPUT_PROBLEMS.contains(&f.rule))
        {
            problems.push(format!("{}: {} [{}]", report.path, f.message, f.rule));
        }
        rows.extend(report.explained.drain(..).map(|e| (report.path.clone(), e)));
    })?;
    rows.sort_by(|(fa, a), (fb, b)| {
        (fa, a.line, render_key(&a.rendered), &a.explanation.resource).cmp(&(
            fb,
            b.line,
            render_key(&b.rendered),
            &b.explanation.resource,
        ))
    });
    for p in &problems {
        writeln!(err, "warning: {p}: not explained")?;
    }
    match a.format {
        ExplainFormat::Json => json(&rows, out)?,
        ExplainFormat::Human => human(&rows, &p.config.cluster, out)?,
    }
    out.flush()?;
    Ok(EXIT_CLEAN)
}

/// `--preset`: the preset's pools, keeping the configuration's RuntimeClasses.
fn with_preset(current: &Cluster, name: &str) -> Result<Cluster, Error> {
    let Some(preset) = cluster::preset(name) else {
        let names: Vec<&str> = cluster::PRESETS.iter().map(|p| p.name).collect();
        return Err(Error::Usage(format!(
            "unknown preset `{name}`; built-in presets: {}",
            names.join(", ")
        )));
    };
    let mut c = Cluster::preset(preset, PathBuf::from("--preset"));
    c.runtime_classes = current.runtime_classes.clone();
    Ok(c)
}

fn render_key(r: &Option<RenderedAt>) -> (Option<&str>, Option<&str>, usize) {
    r.as_ref().map_or((None, None, 0), |r| {
        (r.profile.as_deref(), r.kustomization.as_deref(), r.line)
    })
}

fn tri(t: Tri) -> &'static str {
    match t {
        Tri::Yes => "yes",
        Tri::No => "no",
        Tri::Unknown => "unknown",
    }
}

#[derive(Serialize)]
struct JsonDoc<'a> {
    version: u32,
    workloads: Vec<JsonWorkload<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonWorkload<'a> {
    file: &'a str,
    line: usize,
    resource: JsonResource<'a>,
    /// As in the lint JSON: only for workloads of a Helm render or kustomize build.
    #[serde(skip_serializing_if = "Option::is_none")]
    rendered: Option<JsonRendered<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    approximate: Option<bool>,
    os: &'a str,
    pending: bool,
    pools: Vec<JsonPool<'a>>,
}

#[derive(Serialize)]
struct JsonPool<'a> {
    name: &'a str,
    schedulable: &'static str,
    runs: &'static str,
    verdict: &'static str,
    reasons: Vec<JsonReason<'a>>,
}

#[derive(Serialize)]
struct JsonReason<'a> {
    kind: &'static str,
    message: &'a str,
}

fn json(rows: &[(String, Explained)], out: &mut dyn Write) -> std::io::Result<()> {
    let workloads = rows
        .iter()
        .map(|(file, e)| {
            let x = &e.explanation;
            JsonWorkload {
                file,
                line: e.line,
                resource: JsonResource::of(&x.resource),
                rendered: e.rendered.as_ref().map(JsonRendered::of),
                approximate: e.rendered.as_ref().map(|r| r.approximate),
                os: x.os,
                pending: x.pending,
                pools: x.pools.iter().map(json_pool).collect(),
            }
        })
        .collect();
    let doc = JsonDoc {
        version: 1,
        workloads,
    };
    let text = serde_json::to_string_pretty(&doc).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}

fn json_pool(p: &PoolVerdict) -> JsonPool<'_> {
    JsonPool {
        name: &p.name,
        schedulable: tri(p.schedulable),
        runs: tri(p.runs),
        verdict: p.verdict.as_str(),
        reasons: p
            .reasons
            .iter()
            .map(|r| JsonReason {
                kind: r.kind.as_str(),
                message: &r.message,
            })
            .collect(),
    }
}

/// One table per workload: a heading (where, what, the OS it is meant for), then a row per
/// pool with the reasons that decide its verdict, one per line.
fn human(rows: &[(String, Explained)], c: &Cluster, out: &mut dyn Write) -> std::io::Result<()> {
    let width = c
        .pools
        .iter()
        .map(|p| p.name.len())
        .max()
        .unwrap_or(0)
        .max(4);
    let mut pending = 0;
    for (file, e) in rows {
        let x = &e.explanation;
        let mut name = x.resource.display();
        if let Some(ns) = &x.resource.namespace {
            name.push_str(&format!(" (namespace {ns})"));
        }
        writeln!(out, "{file}:{}: {name}, meant for {}", e.line, x.os)?;
        if let Some(note) = rendered_note(e.rendered.as_ref()) {
            writeln!(out, "  {note}")?;
        }
        writeln!(
            out,
            "  {:width$}  {:11}  {:7}  {:8}  WHY",
            "POOL", "SCHEDULABLE", "RUNS", "VERDICT"
        )?;
        for p in &x.pools {
            let why: Vec<&str> = p.deciding().map(|r| r.message.as_str()).collect();
            let first = why.first().copied().unwrap_or("-");
            writeln!(
                out,
                "  {:width$}  {:11}  {:7}  {:8}  {first}",
                p.name,
                tri(p.schedulable),
                tri(p.runs),
                p.verdict.as_str()
            )?;
            for more in why.iter().skip(1) {
                writeln!(
                    out,
                    "  {:width$}  {:11}  {:7}  {:8}  {more}",
                    "", "", "", ""
                )?;
            }
        }
        if x.pending {
            pending += 1;
            writeln!(out, "  pending: no node pool takes it")?;
        }
        writeln!(out)?;
    }
    let runs = rows
        .iter()
        .filter(|(_, e)| {
            e.explanation
                .pools
                .iter()
                .any(|p| p.verdict == crate::facts::explain::Verdict::Runs)
        })
        .count();
    let n = rows.len();
    let noun = if n == 1 { "workload" } else { "workloads" };
    writeln!(
        out,
        "{n} {noun}: {runs} run on some pool, {pending} pending."
    )?;
    if let Some(caveat) = c.caveat() {
        writeln!(out, "{caveat}")?;
    }
    Ok(())
}

/// For a workload of a render: which render, and where in it.
fn rendered_note(r: Option<&RenderedAt>) -> Option<String> {
    let r = r?;
    let from = r.origin();
    let approx = if r.approximate {
        "; approximate: no line of this file matches it exactly"
    } else {
        ""
    };
    Some(format!("({from}{approx})"))
}
