//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// miette's graphical report with source snippets
    Human,
    /// one line per finding: path:line:col: severity[rule] message
    Concise,
    /// the stable JSON contract (version 1)
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Lint Kubernetes manifests for Windows-workload scheduling mistakes.
#[derive(Debug, Parser)]
#[command(name = "winlint", version, about)]
pub struct Args {
    /// Files and directories to lint; `-` reads one stream from standard input.
    #[arg(default_value = ".")]
    pub paths: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// Configuration file (default: .winlint.yaml in the current directory or above).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Exit with 1 when a finding at or above this severity is reported.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,

    /// When to use colour (NO_COLOR also turns it off).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Do not print the summary line.
    #[arg(short, long)]
    pub quiet: bool,

    /// Also run these rules or categories (`pedantic`, `all`, rule names); comma-separated.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Do not run these rules or categories; comma-separated.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,

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

    /// Kubernetes version for `.Capabilities.KubeVersion`.
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
}
