//! The run's machinery below the command line: configuration, the file walk, the per-file
//! lint pipeline, Helm/Kustomize renders, suppressions, the baseline and fixes.

pub mod baseline;
pub mod config;
pub mod error;
pub mod exemptions;
pub mod fix;
pub mod floor;
pub mod lint;
pub mod paths;
pub mod registry;
pub mod render;
pub mod settings;
pub mod suppress;
pub mod walk;
