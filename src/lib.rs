//! winlint: a linter for Kubernetes Windows-workload scheduling mistakes.
//!
//! Pipeline: `walk` finds files, `lint` parses each with positions (`yaml`), decodes typed
//! models (`model`) and runs the `rules`; `output` renders the findings in input order.

// Tool errors carry their config source for miette; they are built once per run at most.
#![allow(clippy::result_large_err)]

pub mod apierror;
pub mod app;
pub mod azure_policy;
pub mod baseline;
pub mod cli;
pub mod cluster;
pub mod commands;
pub mod config;
pub mod decode;
pub mod error;
pub mod finding;
pub mod fuzzing;
pub mod gmsa;
pub mod images;
pub mod intent;
pub mod inventory;
pub mod lint;
pub mod model;
pub mod output;
pub mod placement;
pub mod policy;
pub mod profile;
pub mod render;
pub mod rules;
pub mod scheduling;
pub mod security;
pub mod settings;
pub mod suppress;
pub mod walk;
pub mod windows_fields;
pub mod yaml;
