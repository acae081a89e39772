//! What winlint knows about a pod beyond its own text: the cluster model, images, the
//! definitions among the inputs, the scheduler's matching, where a pod can be placed, its OS
//! intent and its security settings. Each fact is a function of the `k8s` model and the
//! analysis [`Context`]; no fact knows about rules. Inside this layer, `context` (data) sits
//! below the facts and `pod` (the per-pod memo) above them.

pub mod azure_policy;
pub mod cluster;
pub mod context;
pub mod explain;
pub mod gmsa;
pub mod images;
pub mod intent;
pub mod inventory;
pub mod node_labels;
pub mod placement;
pub mod pod;
pub mod scheduling;
pub mod security;

pub use context::Context;
pub use pod::{image_facts, ImageFact, Memo, Pod};
