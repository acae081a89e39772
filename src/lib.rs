//! winlint: a linter for Kubernetes Windows-workload scheduling mistakes.
//!
//! The folders are the layers, and imports only go down (a test checks it):
//! `yaml` (positions) -> `k8s` (typed objects, the workload view) -> `facts` (cluster,
//! images, inventory, scheduling, placement, intent, security, and the analysis context) ->
//! `finding` (the one diagnostic type) -> `rules` -> `engine` (config, walk, lint, render,
//! suppress, baseline) -> `output` -> `cli`. README.md ("Architecture") says where new code goes.

// Tool errors carry their config source for miette; they are built once per run at most.
#![allow(clippy::result_large_err)]
// Functions fit on a screen (STYLE.md); CI runs clippy with -D warnings.
#![warn(clippy::too_many_lines)]

pub mod cli;
pub mod engine;
pub mod facts;
pub mod finding;
pub mod fuzzing;
pub mod k8s;
pub mod output;
pub mod rules;
pub mod suggest;
pub mod yaml;
