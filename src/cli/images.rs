//! `winlint images`: what winlint knows of each image reference in the inputs, and
//! `winlint images lock`, which asks registries and records the answers in the image lock.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::time::Duration;

use super::run::{collect_images, prepare};
use super::{RunError, EXIT_CLEAN, EXIT_FINDINGS};
use crate::cli::args::{ImagesAction, ImagesArgs, ImagesFormat, InputArgs};
use crate::engine::config::{read_lock, shown_from, LockTrouble};
use crate::engine::error::Error;
use crate::engine::registry::auth::Credentials;
use crate::engine::registry::client::Settings;
use crate::engine::registry::{self, Options};
use crate::facts::images::lock::{canonical, Lock};
use crate::facts::images::{catalogue_snapshot, ImageOs, Source};

pub(crate) fn run(
    a: &ImagesArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, RunError> {
    match &a.action {
        None => list(&a.inputs, a.format, out),
        Some(ImagesAction::Lock {
            inputs,
            check,
            timeout,
        }) => lock(inputs, *check, *timeout, out, err),
    }
}

fn args_of(inputs: &InputArgs) -> Result<crate::cli::args::Args, RunError> {
    inputs
        .to_args()
        .map_err(|e| Error::Usage(format!("cannot prepare the inputs: {e}")).into())
}

fn os_name(os: ImageOs) -> &'static str {
    match os {
        ImageOs::Windows => "windows",
        ImageOs::Linux => "linux",
        ImageOs::MultiOs => "multi-os",
        ImageOs::Unknown => "unknown",
    }
}

/// Lists every reference with its OS, builds and source.
fn list(inputs: &InputArgs, format: ImagesFormat, out: &mut dyn Write) -> Result<i32, RunError> {
    let args = args_of(inputs)?;
    let p = prepare(&args, true)?;
    let images = collect_images(&p, &args)?;
    let rows: Vec<(String, crate::facts::images::ImageInfo)> = images
        .into_iter()
        .map(|i| {
            let info = p.config.images.info(&i);
            (i, info)
        })
        .collect();
    let builds = |b: &[u32]| b.iter().map(|b| format!("10.0.{b}")).collect::<Vec<_>>();
    let mut by_source: BTreeMap<Source, usize> = BTreeMap::new();
    for (_, info) in &rows {
        *by_source.entry(info.source).or_default() += 1;
    }
    match format {
        ImagesFormat::Json => {
            let list: Vec<serde_json::Value> = rows
                .iter()
                .map(|(image, info)| {
                    serde_json::json!({
                        "image": image,
                        "os": os_name(info.os),
                        "builds": builds(&info.builds),
                        "source": info.source.as_str(),
                    })
                })
                .collect();
            let counts: serde_json::Map<String, serde_json::Value> = by_source
                .iter()
                .map(|(s, n)| (s.as_str().to_owned(), (*n).into()))
                .collect();
            let doc = serde_json::json!({
                "version": 1,
                "images": list,
                "sources": counts,
                "catalogue": catalogue_snapshot(),
            });
            let text = serde_json::to_string_pretty(&doc).map_err(std::io::Error::other)?;
            writeln!(out, "{text}")?;
        }
        ImagesFormat::Text => {
            let width = rows.iter().map(|(i, _)| i.len()).max().unwrap_or(5).max(5);
            writeln!(
                out,
                "{:width$}  {:8}  {:9}  BUILDS",
                "IMAGE", "OS", "SOURCE"
            )?;
            for (image, info) in &rows {
                let b = builds(&info.builds).join(",");
                let b = if b.is_empty() { "-".to_owned() } else { b };
                writeln!(
                    out,
                    "{image:width$}  {:8}  {:9}  {b}",
                    os_name(info.os),
                    info.source.as_str()
                )?;
            }
            let parts: Vec<String> = by_source
                .iter()
                .map(|(s, n)| format!("{n} {}", s.as_str()))
                .collect();
            writeln!(
                out,
                "{} image references: {}.",
                rows.len(),
                if parts.is_empty() {
                    "none".to_owned()
                } else {
                    parts.join(", ")
                }
            )?;
            writeln!(out, "Catalogue: {}.", catalogue_snapshot())?;
            if by_source.contains_key(&Source::Unknown) {
                writeln!(
                    out,
                    "`winlint images lock` asks the registries of the unknown ones and records their platforms."
                )?;
            }
        }
    }
    Ok(EXIT_CLEAN)
}

/// Resolves every reference (or, with `--check`, only compares) and writes the lock.
fn lock(
    inputs: &InputArgs,
    check: bool,
    timeout: u64,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<i32, RunError> {
    let args = args_of(inputs)?;
    let p = prepare(&args, false)?;
    let path = p.config.lock_path(&p.cwd);
    let shown = shown_from(&path, &p.cwd);
    // Read here, not by `prepare`: an invalid lock is what this command rewrites.
    let old = match read_lock(&path) {
        Ok(lock) => lock,
        Err(LockTrouble::Invalid(why)) if check => {
            return Err(Error::Usage(format!("invalid image lock `{shown}`: {why}")).into())
        }
        Err(LockTrouble::Invalid(why)) => {
            writeln!(
                err,
                "warning: rewriting invalid image lock `{shown}`: {why}"
            )?;
            None
        }
        Err(LockTrouble::Unreadable(e)) => {
            return Err(Error::Usage(format!("cannot read image lock `{shown}`: {e}")).into())
        }
    };
    let written = collect_images(&p, &args)?;
    let mut refs = BTreeSet::new();
    let mut invalid = Vec::new();
    for image in &written {
        match canonical(image) {
            Some(key) => {
                refs.insert(key);
            }
            None => invalid.push(image.as_str()),
        }
    }
    if !invalid.is_empty() {
        writeln!(
            err,
            "warning: {} not valid image references, not asked: {}",
            invalid.len(),
            invalid.join(", ")
        )?;
    }
    let old = old.unwrap_or_default();
    if check {
        return check_lock(&old, &refs, &shown, out);
    }
    let creds = Credentials::load().map_err(Error::Usage)?;
    let opts = Options {
        insecure: p.config.insecure_registries.clone(),
        settings: Settings {
            connect_timeout: Duration::from_secs(timeout.clamp(1, 5)),
            timeout: Duration::from_secs(timeout.max(1)),
        },
        per_registry: 4,
    };
    let outcome = registry::resolve(&refs, &creds, &opts);
    let mut lock = Lock {
        version: crate::facts::images::lock::LOCK_VERSION,
        images: outcome.resolved,
    };
    let mut kept = 0;
    for f in &outcome.failures {
        let refs = f.references.join(", ");
        writeln!(
            err,
            "error: registry {}: {}; not resolved: {refs}",
            f.registry, f.why
        )?;
        // What an earlier run resolved stays until the registry answers again.
        for r in &f.references {
            if let Some(e) = old.images.get(r) {
                lock.images.insert(r.clone(), e.clone());
                kept += 1;
            }
        }
    }
    let failed: usize = outcome.failures.iter().map(|f| f.references.len()).sum();
    let text = lock.to_text();
    let unchanged = std::fs::read_to_string(&path).is_ok_and(|t| t == text);
    if !unchanged {
        std::fs::write(&path, &text)
            .map_err(|e| Error::Usage(format!("cannot write image lock `{shown}`: {e}")))?;
    }
    let kept = if kept > 0 {
        format!(" ({kept} kept from the previous lock)")
    } else {
        String::new()
    };
    writeln!(
        out,
        "Resolved {} of {} image references; {} {shown}{kept}.",
        refs.len() - failed,
        refs.len(),
        if unchanged { "unchanged" } else { "wrote" }
    )?;
    Ok(if failed == 0 {
        EXIT_CLEAN
    } else {
        EXIT_FINDINGS
    })
}

/// `--check`: which references the lock lacks, without asking any registry.
fn check_lock(
    old: &Lock,
    refs: &BTreeSet<String>,
    shown: &str,
    out: &mut dyn Write,
) -> Result<i32, RunError> {
    let lacking: Vec<&String> = refs
        .iter()
        .filter(|r| !old.images.contains_key(*r))
        .collect();
    if lacking.is_empty() {
        writeln!(out, "{shown} covers all {} image references.", refs.len())?;
        return Ok(EXIT_CLEAN);
    }
    writeln!(
        out,
        "{shown} lacks {} of {} image references (run `winlint images lock`):",
        lacking.len(),
        refs.len()
    )?;
    for r in lacking {
        writeln!(out, "  {r}")?;
    }
    Ok(EXIT_FINDINGS)
}
