//! The lint run: load config, find inputs, lint them in parallel, render in input order,
//! and choose the exit code (0 clean, 1 findings at or above `--fail-on`).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, IsTerminal, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use super::{RunError, EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::cli::args::{Args, Color, FailOn, Floor, Format};
use crate::engine::baseline;
use crate::engine::config;
use crate::engine::error::Error;
use crate::engine::exemptions::Policy;
use crate::engine::lint::{lint_bytes, sort_findings, FileReport, Scope};
use crate::engine::render::{self, RenderOptions, ValuesProfile};
use crate::engine::settings::check_selector;
use crate::engine::walk::{self, Input};
use crate::facts::images::ImageOs;
use crate::facts::inventory::{may_contain_bindings, may_contain_definitions, Inventory};
use crate::finding::Severity;
use crate::output::{self, HumanStyle, Sink, Summary};
use crate::rules;
use crate::suggest::did_you_mean;

/// Everything a pass over the inputs needs, prepared from the arguments.
pub(crate) struct Prepared {
    pub cwd: std::path::PathBuf,
    pub config: config::Config,
    render: RenderOptions,
    pub(crate) inputs: Vec<Input>,
    pub(crate) policy: Policy,
    repo_root: std::path::PathBuf,
    stdin: Option<Vec<u8>>,
    pub(crate) pool: rayon::ThreadPool,
    pub(crate) inventory: Inventory,
}

impl Prepared {
    /// What the workers of one pass over the inputs need.
    pub(crate) fn work<'w>(
        &'w self,
        cx: &'w Scope<'w>,
        limit: u64,
        floor: Option<Floor>,
    ) -> Work<'w> {
        Work {
            inputs: &self.inputs,
            stdin: self.stdin.as_deref(),
            limit,
            floor,
            cx,
            render: &self.render,
            pool: &self.pool,
        }
    }
}

/// Config (with the image lock), inputs, exclusions, standard input, the worker pool and
/// the definitions pre-pass.
pub(crate) fn prepare(args: &Args, read_lock: bool) -> Result<Prepared, RunError> {
    let cwd = std::env::current_dir()
        .map_err(|e| Error::Usage(format!("cannot read the current directory: {e}")))?;
    let mut config = load_config(args, &cwd)?;
    config.record_objects = args
        .effective_targets()
        .iter()
        .any(|t| matches!(t.format, Format::Junit));
    if read_lock {
        config.load_lock(&cwd)?;
    }
    let render = render_options(args, &config)?;
    let own = config.own_files(
        &cwd,
        &[args.baseline.as_deref(), args.write_baseline.as_deref()],
    );
    let mut inputs = walk::discover_except(
        &args.paths,
        &args.stdin_filename,
        args.follow_symlinks,
        &own,
    )?;
    let base = config.base.clone().unwrap_or_else(|| cwd.clone());
    let repo_root = output::repository_root(&cwd);
    let policy = Policy::new(&config, &base, &cwd, &repo_root, args.baseline.as_deref())?;
    inputs.retain(|i| !policy.excluded(i.display()));
    let stdin = read_stdin(&inputs, args.max_file_size)?;
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
        pool.install(|| collect_inventory(&inputs, stdin.as_deref(), args.max_file_size))
    };
    Ok(Prepared {
        cwd,
        config,
        render,
        inputs,
        policy,
        repo_root,
        stdin,
        pool,
        inventory,
    })
}

/// Lints the inputs the arguments name; `stdout` receives the report. Three steps: prepare
/// (config, inputs, definitions, sinks), stream the reports in input order, finish
/// (summaries, baseline, exit code).
pub(crate) fn lint(
    args: &Args,
    stdout: &mut dyn Write,
    stderr: &mut dyn Write,
) -> Result<i32, RunError> {
    let p = prepare(args, true)?;
    let cx = Scope::new(&p.config, &p.inventory);
    let mut stdout = io::BufWriter::new(stdout);
    let mut sinks = Sinks::open(args, &p.cwd, &p.config)?;
    let mut run = Run {
        args,
        policy: &p.policy,
        fail_on: args.fail_on.or(p.config.fail_on).unwrap_or(FailOn::Warning),
        baseline_root: args.write_baseline.as_ref().map(|_| (&p.repo_root, &p.cwd)),
        recorded: Vec::new(),
        summary: Summary::default(),
        worst: Outcome::default(),
        images: BTreeSet::new(),
    };
    let work = p.work(&cx, args.max_file_size, args.floor);
    let progress = Progress::new(p.inputs.len(), args.quiet);
    // Reports reach the terminal while the bar is hidden, flushed, so no line starts with it.
    let written = stream(&work, &progress, &mut |report| {
        progress.suspend(|| {
            run.emit(report, &mut sinks, &mut stdout, stderr)?;
            if progress.visible() {
                stdout.flush()?;
            }
            Ok(())
        })
    });
    progress.finish();
    written?;
    run.summary.unknown_images = std::mem::take(&mut run.images)
        .iter()
        .filter(|i| p.config.images.classify(i) == ImageOs::Unknown)
        .count();
    sinks.finish(&mut stdout, &run.summary)?;
    stdout.flush()?;
    run.finish(stderr)
}

/// Every image reference in the inputs (plain files and every render), as written: a lint
/// pass whose findings are dropped.
pub(crate) fn collect_images(p: &Prepared, args: &Args) -> io::Result<BTreeSet<String>> {
    let mut all = BTreeSet::new();
    // `extend`, not `append`: append merges both trees, which is quadratic over a run.
    each_report(p, args, &mut |report| all.extend(report.images))?;
    Ok(all)
}

/// Hands every report of a pass over the inputs to `f`, in output order: a lint pass
/// whose reports are not rendered (`winlint images` and `winlint explain` read what it
/// recorded).
pub(crate) fn each_report(
    p: &Prepared,
    args: &Args,
    f: &mut dyn FnMut(FileReport),
) -> io::Result<()> {
    let cx = Scope::new(&p.config, &p.inventory);
    let work = p.work(&cx, args.max_file_size, None);
    let progress = Progress::new(p.inputs.len(), args.quiet);
    stream(&work, &progress, &mut |report| {
        f(report);
        Ok(())
    })?;
    progress.finish();
    Ok(())
}

/// The configuration with the command line's selections applied.
fn load_config(args: &Args, cwd: &std::path::Path) -> Result<config::Config, Error> {
    let mut config = config::load(args.config.as_deref(), cwd)?;
    for entry in args.select.iter().chain(&args.ignore) {
        if let Err(u) = check_selector(entry, false) {
            let hint = u
                .suggestion
                .map(|s| format!("; {}", did_you_mean(s)))
                .unwrap_or_default();
            return Err(Error::Usage(format!(
                "unknown rule or category `{}`{hint}",
                u.entry
            )));
        }
    }
    config.no_suppressions |= args.no_suppressions;
    config.kube_version = args.kube_version.clone();
    config.rules.select.extend(args.select.iter().cloned());
    config.rules.ignore.extend(args.ignore.iter().cloned());
    Ok(config)
}

/// Standard input, read once when `-` is among the inputs (one byte past the limit, so an
/// oversized stream is reported as such).
fn read_stdin(inputs: &[Input], limit: u64) -> Result<Option<Vec<u8>>, Error> {
    if !inputs.iter().any(|i| matches!(i, Input::Stdin { .. })) {
        return Ok(None);
    }
    let mut buf = Vec::new();
    io::stdin()
        .take(limit.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(Error::Stdin)?;
    Ok(Some(buf))
}

/// One output format per target: standard output, or a file created before linting so a
/// bad path fails early.
struct Sinks {
    sinks: Vec<(Box<dyn Sink>, Option<usize>)>,
    files: Vec<io::BufWriter<std::fs::File>>,
}

impl Sinks {
    fn open(args: &Args, cwd: &std::path::Path, config: &config::Config) -> Result<Sinks, Error> {
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
        let mut out = Sinks {
            sinks: Vec::new(),
            files: Vec::new(),
        };
        for t in args.effective_targets() {
            let style = HumanStyle {
                color: color && t.output.is_none(),
                width,
            };
            let sink: Box<dyn Sink> = match t.format {
                Format::Human => {
                    let mut human = output::Human::new(style, args.quiet);
                    human.statistics = args.statistics;
                    Box::new(human)
                }
                Format::Concise => Box::new(output::Concise {
                    quiet: args.quiet,
                    statistics: args.statistics,
                }),
                Format::Json => Box::new(output::Json::default()),
                Format::Sarif => Box::new(
                    output::Sarif::new(output::repository_root(cwd), cwd.to_path_buf())
                        .with_profiles(config.helm_profiles.iter().map(|(n, _)| n.as_str())),
                ),
                Format::Junit => Box::new(output::Junit::default()),
                Format::Github => Box::new(output::Github::from_env()),
            };
            let slot = match &t.output {
                None => None,
                Some(path) => {
                    let f = std::fs::File::create(path).map_err(|e| {
                        Error::Usage(format!("cannot write `{}`: {e}", path.display()))
                    })?;
                    out.files.push(io::BufWriter::new(f));
                    Some(out.files.len() - 1)
                }
            };
            out.sinks.push((sink, slot));
        }
        Ok(out)
    }

    /// Calls `f` with each sink and the writer it writes to.
    fn each(
        &mut self,
        stdout: &mut dyn Write,
        mut f: impl FnMut(&mut dyn Sink, &mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        for (sink, slot) in self.sinks.iter_mut() {
            let out: &mut dyn Write = match slot {
                Some(i) => &mut self.files[*i],
                None => stdout,
            };
            f(sink.as_mut(), out)?;
        }
        Ok(())
    }

    fn finish(&mut self, stdout: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        self.each(stdout, |sink, out| sink.finish(out, summary))?;
        for f in &mut self.files {
            f.flush()?;
        }
        Ok(())
    }
}

/// What the workers need to lint one input.
pub(crate) struct Work<'w> {
    inputs: &'w [Input],
    stdin: Option<&'w [u8]>,
    limit: u64,
    floor: Option<Floor>,
    cx: &'w Scope<'w>,
    render: &'w RenderOptions,
    pool: &'w rayon::ThreadPool,
}

/// Workers lint inputs in parallel and hand reports over as they finish; this thread passes
/// them to `emit` in input order. `par_bridge` hands out inputs roughly in order, so few
/// reports wait. Renders report at template and base files that several inputs can share
/// (kustomize bases), so their reports are gathered, merged per file and emitted in path
/// order after the plain files; plain files stream, so memory does not grow with the tree.
pub(crate) fn stream(
    work: &Work<'_>,
    progress: &Progress,
    emit: &mut dyn FnMut(FileReport) -> io::Result<()>,
) -> io::Result<()> {
    let stop = AtomicBool::new(false);
    let mut gathered = Vec::new();
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<(usize, Vec<FileReport>)>(64);
        let stop = &stop;
        scope.spawn(move || {
            work.pool.install(|| {
                work.inputs
                    .iter()
                    .enumerate()
                    .par_bridge()
                    .for_each_with(tx, |tx, (i, input)| {
                        if stop.load(Ordering::Relaxed) {
                            return;
                        }
                        let reports = lint_guarded(input, work);
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
                    work.inputs[next - 1],
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
    })
}

/// The run's state on the writing thread: suppressions, the baseline being recorded, the
/// summary and the worst outcome so far.
struct Run<'r> {
    args: &'r Args,
    policy: &'r Policy,
    fail_on: FailOn,
    /// With `--write-baseline`: the repository root and the current folder, to record paths.
    baseline_root: Option<(&'r std::path::PathBuf, &'r std::path::PathBuf)>,
    recorded: Vec<baseline::Entry>,
    summary: Summary,
    worst: Outcome,
    /// Every image reference seen, for the summary's count of unknown images.
    images: BTreeSet<String>,
}

impl Run<'_> {
    fn emit(
        &mut self,
        mut report: FileReport,
        sinks: &mut Sinks,
        stdout: &mut dyn Write,
        stderr: &mut dyn Write,
    ) -> io::Result<()> {
        self.policy.apply(&mut report);
        if let Some((root, cwd)) = self.baseline_root {
            let file = crate::engine::paths::relative_to(root, cwd, &report.path);
            self.recorded.extend(
                report
                    .findings
                    .iter()
                    .filter(|f| f.suppressed.is_none())
                    .map(|f| baseline::entry(f, &file)),
            );
        }
        if self.args.verbose {
            for note in &report.notes {
                writeln!(stderr, "note: {note}")?;
            }
        }
        self.summary.add(&report);
        // `extend`, not `append`: append rebuilds the whole set from both, on every file.
        self.images.extend(std::mem::take(&mut report.images));
        self.worst.add(&report, self.fail_on);
        sinks.each(stdout, |sink, out| sink.file(out, &report))
    }

    /// Writes the baseline (`--write-baseline`, exit 0) or notes fixed baseline entries,
    /// and gives the exit code.
    fn finish(self, stderr: &mut dyn Write) -> Result<i32, RunError> {
        if let Some(path) = &self.args.write_baseline {
            let n = baseline::write(path, self.recorded).map_err(|e| {
                Error::Usage(format!("cannot write baseline `{}`: {e}", path.display()))
            })?;
            writeln!(stderr, "wrote {n} baseline entries to {}", path.display())?;
            return Ok(EXIT_CLEAN);
        }
        let fixed = self.policy.baseline_fixed();
        if fixed > 0 {
            writeln!(stderr, "note: {fixed} baseline entries match no finding any more (fixed); refresh the baseline with --write-baseline")?;
        }
        Ok(self.worst.exit_code())
    }
}

/// The pre-pass: RuntimeClasses, Namespaces and GMSA specs from every input, merged in path
/// order so the first definition of a name wins whatever the thread count.
fn collect_inventory(inputs: &[Input], stdin: Option<&[u8]>, limit: u64) -> Inventory {
    // One parallel pass over the files: those whose bytes pass `wanted` are read into `f`.
    // Renders collect their own definitions when they are linted.
    let pass = |wanted: &(dyn Fn(&[u8]) -> bool + Sync),
                f: &(dyn Fn(&mut Inventory, &Input, &str) + Sync)| {
        // One read buffer per worker: the bytes are needed only while a file is looked at,
        // and a fresh allocation per file costs page faults on every large one.
        inputs
            .par_iter()
            .map_init(Vec::new, |buf, input| {
                let mut inv = Inventory::default();
                let bytes = match input {
                    Input::Stdin { .. } => stdin,
                    Input::File { path, .. } => read_into(path, limit, buf).ok().map(|()| &buf[..]),
                    _ => None,
                };
                let text = bytes.filter(|b| wanted(b));
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
fn lint_guarded(input: &Input, work: &Work<'_>) -> Vec<FileReport> {
    let run = std::panic::AssertUnwindSafe(|| {
        lint_input(
            input,
            work.stdin,
            work.limit,
            work.floor,
            work.cx,
            work.render,
        )
    });
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

/// Reads the file into `buf` (cleared first), unless it is larger than `limit`.
fn read_into(path: &std::path::Path, limit: u64, buf: &mut Vec<u8>) -> io::Result<()> {
    let file = std::fs::File::open(path)?;
    buf.clear();
    file.take(limit.saturating_add(1)).read_to_end(buf)?;
    if buf.len() as u64 > limit {
        return Err(io::Error::other("larger than the size limit"));
    }
    Ok(())
}

fn lint_input(
    input: &Input,
    stdin: Option<&[u8]>,
    limit: u64,
    floor: Option<Floor>,
    cx: &Scope<'_>,
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
            let counts = crate::engine::lint::Counts::default();
            return vec![FileReport::new(
                display.clone(),
                String::new(),
                Vec::new(),
                counts,
            )];
        }
        Input::Chart { display, path } => return render::lint_chart(display, path, render, cx),
        Input::Kustomization { display, path } => {
            return render::lint_kustomization(display, path, render.cache.as_ref(), cx)
        }
        Input::File { display, path } if floor.is_some() => match read_limited(path, limit) {
            Ok(Ok(bytes)) if floor == Some(Floor::Parse) => {
                crate::engine::floor::parse_only(display.clone(), bytes)
            }
            Ok(Ok(bytes)) if floor == Some(Floor::Events) => {
                crate::engine::floor::events_only(display.clone(), bytes)
            }
            Ok(Ok(bytes)) => {
                std::hint::black_box(bytes);
                FileReport::of_file(display.clone())
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
    if let Some(v) = args.kube_version.as_deref().filter(|v| !is_kube_version(v)) {
        return Err(Error::Usage(format!(
            "--kube-version `{v}` is not a Kubernetes version (e.g. 1.35 or v1.35.2)"
        )));
    }
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
        cache: render_cache(args),
        profiles: config
            .helm_profiles
            .iter()
            .map(|(name, files)| ValuesProfile {
                name: name.clone(),
                files: files.clone(),
            })
            .collect(),
    })
}

/// The render cache of this run: `--cache-dir`, else the user's cache folder; none with
/// `--no-cache`, or when there is no home to put it in.
fn render_cache(args: &Args) -> Option<render::RenderCache> {
    if args.no_cache {
        return None;
    }
    let dir = args
        .cache_dir
        .clone()
        .or_else(render::RenderCache::default_dir)?;
    Some(render::RenderCache::new(&dir, args.cache_max_size))
}

/// `1.35`, `v1.35.2`, `1.36.0-rc.1`: what helm's `--kube-version` takes (semver, `v`
/// optional, the patch too).
fn is_kube_version(v: &str) -> bool {
    let v = v.strip_prefix('v').unwrap_or(v);
    let core = v.split(['-', '+']).next().unwrap_or_default();
    let parts: Vec<&str> = core.split('.').collect();
    (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
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
                last.images.extend(r.images);
                last.explained.extend(r.explained);
                last.objects.extend(r.objects);
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
                sort_findings(&mut last.findings);
            }
            _ => out.push(r),
        }
    }
    out
}

fn unreadable(display: &str, finding: crate::finding::Finding) -> FileReport {
    let mut report = FileReport::of_file(display.to_owned());
    report.findings.push(finding);
    report
}

/// What the exit code depends on, accumulated report by report.
#[derive(Default)]
pub(crate) struct Outcome {
    internal_error: bool,
    failing: bool,
}

impl Outcome {
    pub(crate) fn add(&mut self, r: &FileReport, fail_on: FailOn) {
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

    pub(crate) fn exit_code(&self) -> i32 {
        if self.internal_error {
            EXIT_ERROR
        } else if self.failing {
            EXIT_FINDINGS
        } else {
            EXIT_CLEAN
        }
    }
}

/// A progress bar on stderr for runs longer than a second, only when stderr is a terminal,
/// `CI` is unset and `-q` is not given. Output is written while it is hidden ([`suspend`]).
///
/// [`suspend`]: Progress::suspend
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    start: Instant,
    shown: AtomicBool,
}

impl Progress {
    pub(crate) fn new(total: usize, quiet: bool) -> Progress {
        let enabled = !quiet && io::stderr().is_terminal() && std::env::var_os("CI").is_none();
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
    pub(crate) fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
    /// Is the bar on the terminal (drawn at least once)?
    fn visible(&self) -> bool {
        self.bar.is_some() && self.shown.load(Ordering::Relaxed)
    }
    /// Runs `f` with the bar cleared from the terminal, and draws it again after.
    fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(b) if self.visible() => b.suspend(f),
            _ => f(),
        }
    }
}
