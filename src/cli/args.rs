//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

pub use crate::engine::config::FailOn;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// miette's graphical report with source snippets
    Human,
    /// one line per finding: path:line:col: severity[rule] message
    Concise,
    /// the stable JSON contract (version 1)
    Json,
    /// SARIF 2.1.0, for code scanning
    Sarif,
    /// JUnit XML, one test suite per file
    Junit,
    /// GitHub Actions workflow commands (inline pull-request annotations)
    Github,
}

#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// List every rule: name, category, default severity, summary.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Print a rule's documentation.
    Rule { name: String },
    /// Print the JSON Schema of .winlint.yaml (for editor completion).
    ConfigSchema,
    /// Print shell completions.
    Completions { shell: clap_complete::Shell },
    /// List every image reference in the inputs with the OS and Windows builds winlint
    /// assigns and where that comes from (lock, catalogue, config, name, unknown);
    /// `images lock` asks registries and records the answers.
    Images(Box<ImagesArgs>),
    /// For every workload, each node pool of the cluster model: whether the scheduler
    /// places it there, whether its containers run there, and what decides it.
    Explain(Box<ExplainArgs>),
    /// Print the effective cluster model (node pools, taints, RuntimeClasses) as YAML.
    Profile {
        /// Configuration file (default: .winlint.yaml in the current directory or above).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

/// `winlint images`: list the image references of the inputs, or lock their facts.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ImagesArgs {
    #[command(subcommand)]
    pub action: Option<ImagesAction>,
    #[command(flatten)]
    pub inputs: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ImagesFormat::Text)]
    pub format: ImagesFormat,
}

/// `winlint explain`: where each workload of the inputs can run.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct ExplainArgs {
    #[command(flatten)]
    pub inputs: InputArgs,
    /// Check against this built-in cluster preset instead of the configuration's cluster
    /// (its `cluster.runtimeClasses` stay).
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Human)]
    pub format: ExplainFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// one table per workload, node pools as rows
    Human,
    /// the stable JSON contract (version 1)
    Json,
}

#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum ImagesAction {
    /// Ask each image's registry for its platforms and write the image lock
    /// (.winlint-images.lock beside .winlint.yaml, or `images.lockFile`).
    Lock {
        #[command(flatten)]
        inputs: InputArgs,
        /// Do not ask registries: exit 1 and list the references the lock lacks.
        #[arg(long)]
        check: bool,
        /// Seconds one registry request may take (the connection itself: 5 at most).
        #[arg(long, value_name = "SECONDS", default_value_t = 30)]
        timeout: u64,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImagesFormat {
    Text,
    Json,
}

/// The inputs of a pass over files and renders, for subcommands that read them.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct InputArgs {
    /// Files and directories (charts and kustomizations are rendered).
    #[arg(default_value = ".")]
    pub paths: Vec<String>,
    /// Configuration file (default: .winlint.yaml in the current directory or above).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Helm values file for every chart, after each profile's files (repeatable).
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    pub values: Vec<PathBuf>,
    /// Helm value for every chart, applied last (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// The helm binary (default: $WINLINT_HELM, else `helm` on PATH).
    #[arg(long, value_name = "PATH")]
    pub helm_binary: Option<PathBuf>,
}

impl InputArgs {
    /// The lint arguments that read these inputs (every other option at its default).
    pub fn to_args(&self) -> Result<Args, clap::Error> {
        use clap::Parser as _;
        let mut a = Args::try_parse_from(["winlint"])?;
        a.paths = self.paths.clone();
        a.config = self.config.clone();
        a.jobs = self.jobs;
        a.values = self.values.clone();
        a.set = self.set.clone();
        a.helm_binary = self.helm_binary.clone();
        Ok(a)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    Markdown,
}

/// One rendering of the findings: a format and where it goes (`None` = standard output).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub format: Format,
    pub output: Option<PathBuf>,
}

impl Args {
    /// Parses the process arguments, pairing `--format`/`--output` by their order.
    pub fn parse_with_targets() -> Args {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Args::command().get_matches();
        let mut args = Args::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
        let idx = |id: &str| {
            matches
                .indices_of(id)
                .map(|i| i.collect::<Vec<_>>())
                .unwrap_or_default()
        };
        match pair_targets(&args.format, &idx("format"), &args.output, &idx("output")) {
            Ok(t) => args.targets = t,
            Err(msg) => Args::command()
                .error(clap::error::ErrorKind::ArgumentConflict, msg)
                .exit(),
        }
        args
    }

    /// The targets, or the default (human to standard output) when none were paired.
    pub fn effective_targets(&self) -> Vec<Target> {
        if !self.targets.is_empty() {
            return self.targets.clone();
        }
        match pair_targets(
            &self.format,
            &(0..self.format.len()).collect::<Vec<_>>(),
            &self.output,
            &[],
        ) {
            Ok(t) if !t.is_empty() => t,
            _ => vec![Target {
                format: self.format.first().copied().unwrap_or(Format::Human),
                output: self.output.first().cloned(),
            }],
        }
    }
}

/// Each output binds to the nearest earlier format without one; other formats go to stdout.
pub fn pair_targets(
    formats: &[Format],
    format_idx: &[usize],
    outputs: &[PathBuf],
    output_idx: &[usize],
) -> Result<Vec<Target>, String> {
    let mut targets: Vec<(usize, Target)> = formats
        .iter()
        .zip(format_idx)
        .map(|(f, i)| {
            (
                *i,
                Target {
                    format: *f,
                    output: None,
                },
            )
        })
        .collect();
    if formats.is_empty() {
        targets.push((
            0,
            Target {
                format: Format::Human,
                output: None,
            },
        ));
    }
    for (path, j) in outputs.iter().zip(output_idx) {
        let slot = targets
            .iter_mut()
            .rev()
            .find(|(i, t)| (*i < *j || formats.is_empty()) && t.output.is_none());
        match slot {
            Some((_, t)) => t.output = Some(path.clone()),
            None => {
                return Err(format!(
                    "--output {} has no --format before it to write",
                    path.display()
                ))
            }
        }
    }
    if targets.iter().filter(|(_, t)| t.output.is_none()).count() > 1 {
        return Err(
            "only one --format can go to standard output; give the others an --output FILE".into(),
        );
    }
    Ok(targets.into_iter().map(|(_, t)| t).collect())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Floor {
    Read,
    Parse,
    /// libyaml-safer events with positions: no tree, no models.
    Events,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Lint Kubernetes manifests for Windows-workload scheduling mistakes.
///
/// A directory whose name is also a subcommand (`rules`) is linted as `./rules`.
#[derive(Debug, Parser)]
#[command(
    name = "winlint",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Args {
    /// Subcommands; a folder named like one is linted as `./rules`, `./profile`.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Files and directories to lint; `-` reads one stream from standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<String>,

    /// Output format (default: human). Repeat with --output to write several formats in one
    /// run: each --output takes the --format before it; a --format without one goes to stdout.
    #[arg(long, value_enum, action = clap::ArgAction::Append)]
    pub format: Vec<Format>,

    /// Write the preceding --format to FILE instead of standard output.
    #[arg(short, long, value_name = "FILE", action = clap::ArgAction::Append)]
    pub output: Vec<PathBuf>,

    /// Where each format goes, paired from the command line's order by `targets()`.
    #[arg(skip)]
    pub targets: Vec<Target>,

    /// Configuration file (default: .winlint.yaml in the current directory or above).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Exit with 1 when a finding at or above this severity is reported [default: warning,
    /// or `failOn:` from the config].
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,

    /// When to use colour (NO_COLOR also turns it off).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Do not print the summary line.
    #[arg(short, long)]
    pub quiet: bool,

    /// After the findings, count them per rule (human and concise output).
    #[arg(long)]
    pub statistics: bool,

    /// Also run these rules or categories (`pedantic`, `all`, rule names); comma-separated.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Do not run these rules or categories; comma-separated.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Report only findings that are not in this baseline file (overrides `baseline:`).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the current findings in FILE as the baseline, then exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Ignore suppression annotations and comments: show every finding.
    #[arg(long)]
    pub no_suppressions: bool,

    /// Files larger than this many bytes are reported as `input-too-large` and not read.
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 20)]
    pub max_file_size: u64,

    /// Follow symbolic links while walking directories (loops are detected). Without it,
    /// symlinks found in directories are reported and skipped.
    #[arg(long)]
    pub follow_symlinks: bool,

    /// Benchmark floors: `read` walks and reads every file; `events` also pulls the YAML
    /// parser's events with positions; `parse` builds the span tree; none decodes models or
    /// runs rules (scripts/bench).
    #[arg(long, hide = true, value_enum)]
    pub floor: Option<Floor>,

    /// Name to show for standard input.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_filename: String,

    /// Also say what was not linted and why (library charts, kustomize components).
    #[arg(short, long)]
    pub verbose: bool,

    /// Helm values file for every chart, after each profile's files (repeatable).
    #[arg(
        short = 'f',
        long = "values",
        value_name = "FILE",
        help_heading = "Helm and Kustomize"
    )]
    pub values: Vec<PathBuf>,

    /// Helm value for every chart, applied last (repeatable).
    #[arg(
        long = "set",
        value_name = "KEY=VALUE",
        help_heading = "Helm and Kustomize"
    )]
    pub set: Vec<String>,

    /// Release name charts are rendered with.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "release-name",
        help_heading = "Helm and Kustomize"
    )]
    pub release_name: String,

    /// Namespace charts are rendered for.
    #[arg(long, value_name = "NAMESPACE", help_heading = "Helm and Kustomize")]
    pub namespace: Option<String>,

    /// Kubernetes version for `.Capabilities.KubeVersion`, and the release whose served
    /// apiVersions `api-version-removed` checks (default: 1.35).
    #[arg(long, value_name = "VERSION", help_heading = "Helm and Kustomize")]
    pub kube_version: Option<String>,

    /// API versions for `.Capabilities.APIVersions` (repeatable).
    #[arg(
        long = "api-versions",
        value_name = "GROUP/VERSION",
        help_heading = "Helm and Kustomize"
    )]
    pub api_versions: Vec<String>,

    /// The helm binary (default: $WINLINT_HELM, else `helm` on PATH).
    #[arg(long, value_name = "PATH", help_heading = "Helm and Kustomize")]
    pub helm_binary: Option<PathBuf>,

    /// Keep Helm test hooks (`helm.sh/hook: test`) in the render.
    #[arg(long, help_heading = "Helm and Kustomize")]
    pub helm_include_tests: bool,

    /// Folder of the render cache (default: $XDG_CACHE_HOME/winlint, else ~/.cache/winlint).
    #[arg(long, value_name = "DIR", help_heading = "Helm and Kustomize")]
    pub cache_dir: Option<PathBuf>,

    /// Render every chart and kustomization afresh; the cache is neither read nor written.
    #[arg(long, help_heading = "Helm and Kustomize")]
    pub no_cache: bool,

    /// Bound on the render cache's size; least recently used renders are evicted past it.
    #[arg(
        long,
        value_name = "BYTES",
        default_value_t = crate::engine::render::DEFAULT_CACHE_MAX_BYTES,
        help_heading = "Helm and Kustomize"
    )]
    pub cache_max_size: u64,

    /// Apply the safe fixes to plain YAML and JSON files in place, then say how many
    /// findings were fixed and how many remain.
    #[arg(long, help_heading = "Fixes")]
    pub fix: bool,

    /// Print the fixes as a unified diff instead of applying them (writes nothing; exit 1
    /// when there is something to fix).
    #[arg(long, help_heading = "Fixes")]
    pub diff: bool,

    /// Also apply fixes that need a judgement winlint cannot make for sure (each rule's doc
    /// says which).
    #[arg(long, help_heading = "Fixes")]
    pub unsafe_fixes: bool,
}
