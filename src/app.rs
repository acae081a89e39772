//! The command: load config, find inputs, lint them in parallel, render in input order,
//! and choose the exit code (0 clean, 1 findings at or above `--fail-on`, 2 tool error).

use std::io::{self, IsTerminal, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use miette::{GraphicalReportHandler, GraphicalTheme};
use rayon::prelude::*;

use crate::cli::{Args, Color, FailOn, Format};
use crate::config;
use crate::error::Error;
use crate::finding::Severity;
use crate::images::Classifier;
use crate::inventory::{may_contain_definitions, Inventory};
use crate::lint::{lint_bytes, FileReport};
use crate::output::{self, HumanStyle, Summary};
use crate::render::{self, Profile, RenderOptions};
use crate::rules::{self, Context};
use crate::settings::check_selector;
use crate::walk::{self, Input};

pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// Runs winlint with parsed arguments; `stdout` receives the report.
pub fn run(args: &Args, stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    match try_run(args, stdout, stderr) {
        Ok(code) => code,
        Err(RunError::Tool(e)) => {
            let mut buf = String::new();
            let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
                .with_width(100);
            if handler.render_report(&mut buf, &e).is_err() {
                buf = format!("error: {e}\n");
            }
            let _ = stderr.write_all(buf.as_bytes());
            EXIT_ERROR
        }
        // `winlint . | head`: the reader went away; stop quietly.
        Err(RunError::Io(e)) if e.kind() == io::ErrorKind::BrokenPipe => EXIT_CLEAN,
        Err(RunError::Io(e)) => {
            let _ = writeln!(stderr, "error: cannot write output: {e}");
            EXIT_ERROR
        }
    }
}

enum RunError {
    Tool(Error),
    Io(io::Error),
}

impl From<Error> for RunError {
    fn from(e: Error) -> Self {
        RunError::Tool(e)
    }
}
impl From<io::Error> for RunError {
    fn from(e: io::Error) -> Self {
        RunError::Io(e)
    }
}

fn try_run(args: &Args, stdout: &mut dyn Write, stderr: &mut dyn Write) -> Result<i32, RunError> {
    let cwd = std::env::current_dir()
        .map_err(|e| Error::Usage(format!("cannot read the current directory: {e}")))?;
    let mut config = config::load(args.config.as_deref(), &cwd)?;
    for entry in args.select.iter().chain(&args.ignore) {
        if let Err(u) = check_selector(entry, false) {
            let hint = u
                .suggestion
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            return Err(
                Error::Usage(format!("unknown rule or category `{}`{hint}", u.entry)).into(),
            );
        }
    }
    config.rules.select.extend(args.select.iter().cloned());
    config.rules.ignore.extend(args.ignore.iter().cloned());
    let render = render_options(args, &config)?;
    let inputs = walk::discover(&args.paths, &args.stdin_filename)?;
    let stdin = if inputs.iter().any(|i| matches!(i, Input::Stdin { .. })) {
        let mut buf = Vec::new();
        io::stdin().read_to_end(&mut buf).map_err(Error::Stdin)?;
        Some(buf)
    } else {
        None
    };
    let images = Classifier::default();
    let jobs = args.jobs.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        // Deep but legal documents recurse through serde; give workers room.
        .stack_size(16 << 20)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {jobs} worker threads: {e}")))?;
    let inventory = pool.install(|| collect_inventory(&inputs, stdin.as_deref()));
    let cx = Context {
        config: &config,
        images: &images,
        inventory: &inventory,
    };
    let progress = Progress::new(inputs.len());
    let reports: Vec<Vec<FileReport>> = pool.install(|| {
        inputs
            .par_iter()
            .map(|input| {
                let r = lint_input(input, stdin.as_deref(), &cx, &render);
                progress.tick();
                r
            })
            .collect()
    });
    progress.finish();
    let reports = merge_reports(reports);
    if args.verbose {
        for note in reports.iter().flat_map(|r| &r.notes) {
            writeln!(stderr, "note: {note}")?;
        }
    }

    let summary = Summary::of(&reports);
    let mut out = io::BufWriter::new(stdout);
    match args.format {
        Format::Human => {
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    io::stdout().is_terminal()
                        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                }
            };
            let width = std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse().ok())
                .unwrap_or(100);
            output::write_human(&mut out, &reports, HumanStyle { color, width })?;
            if !args.quiet {
                writeln!(out, "{}", summary.line())?;
            }
        }
        Format::Concise => {
            output::write_concise(&mut out, &reports)?;
            if !args.quiet {
                writeln!(out, "{}", summary.line())?;
            }
        }
        Format::Json => output::write_json(&mut out, &reports, &summary)?,
    }
    out.flush()?;
    Ok(exit_code(&reports, args.fail_on))
}

/// The pre-pass: RuntimeClasses, Namespaces and GMSA specs from every input, merged in path
/// order so the first definition of a name wins whatever the thread count.
fn collect_inventory(inputs: &[Input], stdin: Option<&[u8]>) -> Inventory {
    let parts: Vec<Inventory> = inputs
        .par_iter()
        .map(|input| {
            let mut inv = Inventory::default();
            let bytes = match input {
                Input::Stdin { .. } => stdin.map(<[u8]>::to_vec),
                Input::File { path, .. } => std::fs::read(path).ok(),
                // Renders collect their own definitions when they are linted.
                Input::Unreadable { .. } | Input::Chart { .. } | Input::Kustomization { .. } => {
                    None
                }
            };
            if let Some(bytes) = bytes.filter(|b| may_contain_definitions(b)) {
                if let Ok(text) = std::str::from_utf8(&bytes) {
                    inv.collect(input.display(), text);
                }
            }
            inv
        })
        .collect();
    let mut all = Inventory::default();
    for p in parts {
        all.absorb(p);
    }
    all
}

fn lint_input(
    input: &Input,
    stdin: Option<&[u8]>,
    cx: &Context<'_>,
    render: &RenderOptions,
) -> Vec<FileReport> {
    match input {
        Input::Stdin { display } => {
            let bytes = stdin.unwrap_or_default().to_vec();
            match String::from_utf8(bytes) {
                // `helm template . | winlint -`: findings go to the `# Source:` templates.
                Ok(text) => render::lint_helm_stream(display, text.clone(), cx)
                    .unwrap_or_else(|| vec![lint_bytes(display.clone(), text.into_bytes(), cx)]),
                Err(e) => vec![lint_bytes(display.clone(), e.into_bytes(), cx)],
            }
        }
        Input::File { display, path } => vec![match std::fs::read(path) {
            Ok(bytes) => lint_bytes(display.clone(), bytes, cx),
            Err(e) => unreadable(display, rules::io_error_diagnostic(&e)),
        }],
        Input::Unreadable { display, message } => {
            let e = io::Error::other(message.clone());
            vec![unreadable(display, rules::io_error_diagnostic(&e))]
        }
        Input::Chart { display, path } => render::lint_chart(display, path, render, cx),
        Input::Kustomization { display, path } => render::lint_kustomization(display, path, cx),
    }
}

/// The Helm and kustomize settings of this run: command line, `WINLINT_HELM`, config.
fn render_options(args: &Args, config: &config::Config) -> Result<RenderOptions, Error> {
    let mut values = Vec::new();
    for v in &args.values {
        if !v.is_file() {
            return Err(Error::Usage(format!(
                "values file `{}` does not exist",
                v.display()
            )));
        }
        values.push(std::path::absolute(v).unwrap_or_else(|_| v.clone()));
    }
    let helm = args
        .helm_binary
        .clone()
        .or_else(|| {
            std::env::var_os("WINLINT_HELM")
                .filter(|v| !v.is_empty())
                .map(Into::into)
        })
        .unwrap_or_else(|| "helm".into());
    Ok(RenderOptions {
        helm,
        release_name: args.release_name.clone(),
        namespace: args.namespace.clone(),
        kube_version: args.kube_version.clone(),
        api_versions: args.api_versions.clone(),
        values,
        set: args.set.clone(),
        include_tests: args.helm_include_tests,
        profiles: config
            .helm_profiles
            .iter()
            .map(|(name, files)| Profile {
                name: name.clone(),
                files: files.clone(),
            })
            .collect(),
    })
}

/// One list of reports in path order. Renders report at template and base files, and two
/// kustomizations can share a base: reports of the same file are merged, and a finding seen
/// twice there (same rule, place and message) is kept once.
fn merge_reports(per_input: Vec<Vec<FileReport>>) -> Vec<FileReport> {
    let mut all: Vec<FileReport> = per_input.into_iter().flatten().collect();
    all.sort_by(|a, b| a.path.cmp(&b.path));
    let mut out: Vec<FileReport> = Vec::with_capacity(all.len());
    for r in all {
        match out.last_mut() {
            Some(last) if last.path == r.path => {
                last.counts += r.counts;
                last.notes.extend(r.notes);
                if last.source.text.is_empty() {
                    last.source = r.source;
                }
                for f in r.findings {
                    let seen = last.findings.iter().any(|g| {
                        g.rule == f.rule
                            && g.primary.span == f.primary.span
                            && g.message == f.message
                    });
                    if !seen {
                        last.findings.push(f);
                    }
                }
                last.findings.sort_by(|a, b| {
                    (a.primary.span.start, a.rule, &a.message).cmp(&(
                        b.primary.span.start,
                        b.rule,
                        &b.message,
                    ))
                });
            }
            _ => out.push(r),
        }
    }
    out
}

fn unreadable(display: &str, finding: crate::finding::Finding) -> FileReport {
    FileReport {
        path: display.to_owned(),
        source: crate::finding::SourceText::new(String::new()),
        findings: vec![finding],
        counts: crate::lint::Counts {
            files: 1,
            ..Default::default()
        },
        notes: Vec::new(),
    }
}

fn exit_code(reports: &[FileReport], fail_on: FailOn) -> i32 {
    let threshold = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Info => Severity::Info,
        FailOn::Never => return EXIT_CLEAN,
    };
    let failing = reports
        .iter()
        .flat_map(|r| &r.findings)
        .any(|f| f.severity >= threshold);
    if failing {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// A progress bar on stderr for runs longer than a second, only on a terminal and not in CI.
struct Progress {
    bar: Option<ProgressBar>,
    start: Instant,
    shown: AtomicBool,
}

impl Progress {
    fn new(total: usize) -> Progress {
        let enabled = io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let bar = enabled.then(|| {
            let b = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
            if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} files") {
                b.set_style(style);
            }
            b
        });
        Progress {
            bar,
            start: Instant::now(),
            shown: AtomicBool::new(false),
        }
    }
    fn tick(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
            if self.start.elapsed() > Duration::from_secs(1)
                && !self.shown.swap(true, Ordering::Relaxed)
            {
                b.set_draw_target(ProgressDrawTarget::stderr());
            }
        }
    }
    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
