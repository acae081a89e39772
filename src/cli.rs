//! Command-line arguments (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

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
#[command(
    name = "winlint",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Args {
    /// `winlint profile`; a folder literally named `profile` is linted as `./profile`.
    #[command(subcommand)]
    pub command: Option<Command>,

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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the effective cluster model (node pools, taints, RuntimeClasses) as YAML.
    Profile {
        /// Configuration file (default: .winlint.yaml in the current directory or above).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
    },
}
