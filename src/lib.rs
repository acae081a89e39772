//! winlint: a linter for Kubernetes Windows-workload scheduling mistakes.

pub mod model;
pub mod yaml;
