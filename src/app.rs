//! The command: load config, find inputs, lint them in parallel, render in input order,
//! and choose the exit code (0 clean, 1 findings at or above `--fail-on`, 2 tool error).

use std::collections::BTreeMap;
use std::io::{self, IsTerminal, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use miette::{GraphicalReportHandler, GraphicalTheme};
use rayon::prelude::*;

use crate::baseline;
use crate::cli::{Args, Color, FailOn, Floor, Format};
use crate::config;
use crate::error::Error;
use crate::finding::Severity;
use crate::inventory::{may_contain_bindings, may_contain_definitions, Inventory};
use crate::lint::{lint_bytes, FileReport};
use crate::output::{self, HumanStyle, Sink, Summary};
use crate::policy::Policy;
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

pub(crate) enum RunError {
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
    if let Some(command) = &args.command {
        return crate::commands::run(command, stdout);
    }
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
    config.no_suppressions |= args.no_suppressions;
    config.rules.select.extend(args.select.iter().cloned());
    config.rules.ignore.extend(args.ignore.iter().cloned());
    let render = render_options(args, &config)?;
    let mut inputs = walk::discover(&args.paths, &args.stdin_filename, args.follow_symlinks)?;
    let base = config.base.clone().unwrap_or_else(|| cwd.clone());
    let repo_root = output::repository_root(&cwd);
    let policy = Policy::new(&config, &base, &cwd, &repo_root, args.baseline.as_deref())?;
    inputs.retain(|i| !policy.excluded(i.display()));
    let fail_on = args.fail_on.or(config.fail_on).unwrap_or(FailOn::Warning);
    let mut recorded = Vec::new();
    let limit = args.max_file_size;
    let stdin = if inputs.iter().any(|i| matches!(i, Input::Stdin { .. })) {
        let mut buf = Vec::new();
        io::stdin()
            .take(limit.saturating_add(1))
            .read_to_end(&mut buf)
            .map_err(Error::Stdin)?;
        Some(buf)
    } else {
        None
    };
    let images = config.images.clone();
    let jobs = args.jobs.unwrap_or(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        // Deep but legal documents recurse through serde; give workers room.
        .stack_size(16 << 20)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {jobs} worker threads: {e}")))?;
    let inventory = if args.floor.is_some() {
        Inventory::default()
    } else {
        pool.install(|| collect_inventory(&inputs, stdin.as_deref(), limit))
    };
    let cx = Context {
        config: &config,
        images: &images,
        inventory: &inventory,
    };
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100);
    // One sink per target; files are created before linting so a bad path fails early.
    let mut stdout = io::BufWriter::new(stdout);
    let mut files = Vec::new();
    let mut sinks: Vec<(Box<dyn Sink>, Option<usize>)> = Vec::new();
    for t in args.effective_targets() {
        let to_file = t.output.is_some();
        let sink: Box<dyn Sink> = match t.format {
            Format::Human => Box::new(output::Human::new(
                HumanStyle {
                    color: color && !to_file,
                    width,
                },
                args.quiet,
            )),
            Format::Concise => Box::new(output::Concise { quiet: args.quiet }),
            Format::Json => Box::new(output::Json::default()),
            Format::Sarif => Box::new(output::Sarif::new(
                output::repository_root(&cwd),
                cwd.clone(),
            )),
            Format::Junit => Box::new(output::Junit::default()),
            Format::Github => Box::new(output::Github),
        };
        let slot = match &t.output {
            None => None,
            Some(path) => {
                let f = std::fs::File::create(path)
                    .map_err(|e| Error::Usage(format!("cannot write `{}`: {e}", path.display())))?;
                files.push(io::BufWriter::new(f));
                Some(files.len() - 1)
            }
        };
        sinks.push((sink, slot));
    }
    let progress = Progress::new(inputs.len());
    let mut summary = Summary::default();
    let mut worst = Outcome::default();
    let stop = AtomicBool::new(false);

    // Workers lint inputs in parallel and hand reports over as they finish; this thread writes
    // them in input order. `par_bridge` hands out inputs roughly in order, so few reports wait.
    // Renders report at template and base files that several inputs can share (kustomize
    // bases), so their reports are gathered, merged per file and written in path order after
    // the plain files; plain files stream, so memory does not grow with the tree.
    let mut gathered = Vec::new();
    let mut emit = |mut report: FileReport| -> io::Result<()> {
        policy.apply(&mut report);
        if args.write_baseline.is_some() {
            let file = walk::relative_to(&repo_root, &cwd, &report.path);
            recorded.extend(
                report
                    .findings
                    .iter()
                    .filter(|f| f.suppressed.is_none())
                    .map(|f| baseline::entry(f, &file)),
            );
        }
        if args.verbose {
            for note in &report.notes {
                writeln!(stderr, "note: {note}")?;
            }
        }
        summary.add(&report);
        worst.add(&report, fail_on);
        for (sink, slot) in sinks.iter_mut() {
            let out: &mut dyn Write = match slot {
                Some(i) => &mut files[*i],
                None => &mut stdout,
            };
            sink.file(out, &report)?;
        }
        Ok(())
    };
    let written: io::Result<()> = std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<(usize, Vec<FileReport>)>(64);
        let (inputs, stdin, cx, stop, render) = (&inputs, stdin.as_deref(), &cx, &stop, &render);
        let floor = args.floor;
        let pool = &pool;
        scope.spawn(move || {
            pool.install(|| {
                inputs
                    .iter()
                    .enumerate()
                    .par_bridge()
                    .for_each_with(tx, |tx, (i, input)| {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let reports = lint_guarded(input, stdin, limit, floor, cx, render);
                        if tx.send((i, reports)).is_err() {
                            stop.store(true, Ordering::Relaxed);
                        }
                    });
            });
        });
        let mut pending = BTreeMap::new();
        let mut next = 0;
        for (i, reports) in rx.iter() {
            pending.insert(i, reports);
            while let Some(mut reports) = pending.remove(&next) {
                progress.tick();
                next += 1;
                if matches!(
                    inputs[next - 1],
                    Input::Chart { .. } | Input::Kustomization { .. }
                ) {
                    gathered.append(&mut reports);
                    continue;
                }
                reports.sort_by(|a, b| a.path.cmp(&b.path));
                for report in reports {
                    if let Err(e) = emit(report) {
                        stop.store(true, Ordering::Relaxed);
                        return Err(e);
                    }
                }
            }
        }
        for report in merge_reports(vec![std::mem::take(&mut gathered)]) {
            emit(report)?;
        }
        Ok(())
    });
    progress.finish();
    written?;
    for (sink, slot) in sinks.iter_mut() {
        let out: &mut dyn Write = match slot {
            Some(i) => &mut files[*i],
            None => &mut stdout,
        };
        sink.finish(out, &summary)?;
    }
    for f in &mut files {
        f.flush()?;
    }
    stdout.flush()?;
    if let Some(path) = &args.write_baseline {
        let n = baseline::write(path, recorded).map_err(|e| {
            Error::Usage(format!("cannot write baseline `{}`: {e}", path.display()))
        })?;
        eprintln!("wrote {n} baseline entries to {}", path.display());
        return Ok(EXIT_CLEAN);
    }
    let fixed = policy.baseline_fixed();
    if fixed > 0 {
        eprintln!("note: {fixed} baseline entries match no finding any more (fixed); refresh the baseline with --write-baseline");
    }
    Ok(worst.exit_code())
}

/// The pre-pass: RuntimeClasses, Namespaces and GMSA specs from every input, merged in path
/// order so the first definition of a name wins whatever the thread count.
fn collect_inventory(inputs: &[Input], stdin: Option<&[u8]>, limit: u64) -> Inventory {
    // One parallel pass over the files: those whose bytes pass `wanted` are read into `f`.
    // Renders collect their own definitions when they are linted.
    let pass = |wanted: &(dyn Fn(&[u8]) -> bool + Sync),
                f: &(dyn Fn(&mut Inventory, &Input, &str) + Sync)| {
        inputs
            .par_iter()
            .map(|input| {
                let mut inv = Inventory::default();
                let bytes = match input {
                    Input::Stdin { .. } => stdin.map(<[u8]>::to_vec),
                    Input::File { path, .. } => read_limited(path, limit).ok().and_then(Result::ok),
                    _ => None,
                };
                let text = bytes.as_deref().filter(|b| wanted(b));
                if let Some(text) = text.and_then(|b| std::str::from_utf8(b).ok()) {
                    f(&mut inv, input, text);
                }
                inv
            })
            .collect::<Vec<Inventory>>()
    };
    let mut all = Inventory::default();
    for p in pass(&may_contain_definitions, &|inv, input, text| {
        inv.collect(input.display(), text)
    }) {
        all.absorb(p);
    }
    // Bindings matter only for roles that name GMSA credential specs, which are rare: a
    // second, filtered pass finds the bindings that refer to them.
    let roles = all.gmsa_role_names();
    if !roles.is_empty() {
        for p in pass(&|b| may_contain_bindings(b, &roles), &|inv, _, text| {
            inv.collect_bindings(text, &roles)
        }) {
            all.absorb(p);
        }
    }
    all
}

/// Lints one input inside a panic guard: a bug on one file becomes an `internal-error`
/// finding for that file, and the other files are still linted.
fn lint_guarded(
    input: &Input,
    stdin: Option<&[u8]>,
    limit: u64,
    floor: Option<Floor>,
    cx: &Context<'_>,
    render: &RenderOptions,
) -> Vec<FileReport> {
    let run = std::panic::AssertUnwindSafe(|| lint_input(input, stdin, limit, floor, cx, render));
    match std::panic::catch_unwind(run) {
        Ok(report) => report,
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into());
            vec![unreadable(
                input.display(),
                rules::internal_error_diagnostic(&detail),
            )]
        }
    }
}

/// Reads at most `limit` bytes: `Ok(Err(size))` when the file is larger.
fn read_limited(path: &std::path::Path, limit: u64) -> io::Result<Result<Vec<u8>, u64>> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > limit {
        return Ok(Err(size));
    }
    let mut buf = Vec::with_capacity(size as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut buf)?;
    if buf.len() as u64 > limit {
        return Ok(Err(buf.len() as u64));
    }
    Ok(Ok(buf))
}

fn lint_input(
    input: &Input,
    stdin: Option<&[u8]>,
    limit: u64,
    floor: Option<Floor>,
    cx: &Context<'_>,
    render: &RenderOptions,
) -> Vec<FileReport> {
    // Lets the tests prove that a panic on one file is contained (see tests/hostile.rs).
    if let Some(target) = std::env::var_os("WINLINT_TEST_PANIC") {
        if input.display().ends_with(target.to_string_lossy().as_ref()) {
            panic!("test panic requested through WINLINT_TEST_PANIC");
        }
    }
    let one = match input {
        Input::Stdin { display } => {
            let bytes = stdin.unwrap_or_default();
            if bytes.len() as u64 > limit {
                return vec![unreadable(
                    display,
                    rules::input_too_large_diagnostic(bytes.len() as u64, limit),
                )];
            }
            return match String::from_utf8(bytes.to_vec()) {
                // `helm template . | winlint -`: findings go to the `# Source:` templates.
                Ok(text) => render::lint_helm_stream(display, text.clone(), cx)
                    .unwrap_or_else(|| vec![lint_bytes(display.clone(), text.into_bytes(), cx)]),
                Err(e) => vec![lint_bytes(display.clone(), e.into_bytes(), cx)],
            };
        }
        // Benchmark floors measure the YAML work; renders are not part of them.
        Input::Chart { display, .. } | Input::Kustomization { display, .. } if floor.is_some() => {
            return vec![FileReport {
                path: display.clone(),
                source: crate::finding::SourceText::new(String::new()),
                findings: Vec::new(),
                counts: crate::lint::Counts::default(),
                notes: Vec::new(),
            }];
        }
        Input::Chart { display, path } => return render::lint_chart(display, path, render, cx),
        Input::Kustomization { display, path } => {
            return render::lint_kustomization(display, path, cx)
        }
        Input::File { display, path } if floor.is_some() => match read_limited(path, limit) {
            Ok(Ok(bytes)) if floor == Some(Floor::Parse) => {
                crate::lint::parse_only(display.clone(), bytes)
            }
            Ok(Ok(bytes)) => {
                std::hint::black_box(bytes);
                FileReport {
                    path: display.clone(),
                    source: crate::finding::SourceText::new(String::new()),
                    findings: Vec::new(),
                    counts: crate::lint::Counts {
                        files: 1,
                        ..Default::default()
                    },
                    notes: Vec::new(),
                }
            }
            _ => unreadable(
                display,
                rules::io_error_diagnostic(&io::Error::other("unreadable")),
            ),
        },
        Input::File { display, path } => match read_limited(path, limit) {
            Ok(Ok(bytes)) => lint_bytes(display.clone(), bytes, cx),
            Ok(Err(size)) => unreadable(display, rules::input_too_large_diagnostic(size, limit)),
            Err(e) => unreadable(display, rules::io_error_diagnostic(&e)),
        },
        Input::Unreadable { display, message } => {
            let e = io::Error::other(message.clone());
            unreadable(display, rules::io_error_diagnostic(&e))
        }
        Input::Skipped { display, message } => {
            let mut f = rules::io_error_diagnostic(&io::Error::other(message.clone()));
            f.severity = Severity::Info;
            f.message = format!("not read: {message}");
            unreadable(display, f)
        }
    };
    vec![one]
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

/// What the exit code depends on, accumulated report by report.
#[derive(Default)]
struct Outcome {
    internal_error: bool,
    failing: bool,
}

impl Outcome {
    fn add(&mut self, r: &FileReport, fail_on: FailOn) {
        let threshold = match fail_on {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        };
        for f in r.findings.iter().filter(|f| f.suppressed.is_none()) {
            self.internal_error |= f.rule == "internal-error";
            self.failing |= threshold.is_some_and(|t| f.severity >= t);
        }
    }

    fn exit_code(&self) -> i32 {
        if self.internal_error {
            EXIT_ERROR
        } else if self.failing {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        }
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
