//! Cluster facts from the config: node pools and runtime classes converted from their serde
//! shape, and node pools read from a saved `kubectl get nodes -o yaml` file.

use std::path::Path;

use k8s_openapi::api::core::v1::{Taint, Toleration};
use miette::NamedSource;

use super::raw::{RawPool, RawRuntimeClass};
use crate::engine::error::Error;
use crate::facts::cluster::NodePool;
use crate::facts::inventory::{Origin, RuntimeClassDef};
use crate::k8s::{classify, Classified, Typed};
use crate::yaml::{parse_chunk, split_documents, Arena, Limits};

/// A declared pool: open-world, since it may list only the labels the user cares about.
pub(super) fn pool_of(p: RawPool) -> NodePool {
    NodePool {
        name: p.name,
        labels: p.labels,
        taints: p
            .taints
            .into_iter()
            .map(|t| Taint {
                key: t.key,
                value: t.value,
                effect: t.effect.as_str().to_owned(),
                ..Default::default()
            })
            .collect(),
        closed_world: false,
    }
}

pub(super) fn runtime_class_of(rc: RawRuntimeClass) -> RuntimeClassDef {
    let has_scheduling = rc.scheduling.is_some();
    let (node_selector, tolerations) = match rc.scheduling {
        Some(s) => (
            s.node_selector,
            s.tolerations.map(|ts| {
                ts.into_iter()
                    .map(|t| Toleration {
                        key: t.key,
                        operator: t.operator.map(|o| o.as_str().to_owned()),
                        value: t.value,
                        effect: t.effect.map(|e| e.as_str().to_owned()),
                        toleration_seconds: t.toleration_seconds,
                    })
                    .collect()
            }),
        ),
        None => (None, None),
    };
    RuntimeClassDef {
        name: rc.name,
        handler: rc.handler,
        node_selector,
        tolerations,
        has_scheduling,
        overhead: rc.overhead.and_then(|o| o.pod_fixed),
        origin: Origin::Config,
    }
}

pub(super) enum NodesError {
    /// Problem inside the nodes file, reported against that file.
    InFile(Error),
    /// Problem reported at the config's `nodes:` value: message and help.
    Here(String, Option<String>),
}

/// Reads the saved output of `kubectl get nodes -o yaml` (a `List` of Nodes, or Node
/// documents): one closed-world pool per node, with its real labels and `spec.taints`.
pub(super) fn load_nodes(path: &Path, shown: &str) -> Result<Vec<NodePool>, NodesError> {
    let save_help = Some(format!(
        "save it with `kubectl get nodes -o yaml > {shown}`"
    ));
    let text = std::fs::read_to_string(path).map_err(|e| {
        NodesError::Here(
            format!("cannot read nodes file `{shown}`: {e}"),
            save_help.clone(),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let in_file = |at: usize, len: usize, message: String| {
        NodesError::InFile(Error::Config {
            path: shown.to_owned(),
            message,
            src: NamedSource::new(shown, text.to_owned()),
            span: (at, len).into(),
            label: "here".to_owned(),
            help: None,
        })
    };
    let mut pools = Vec::new();
    let arena = Arena::new();
    for chunk in split_documents(text) {
        let docs = parse_chunk(&arena, chunk, Limits::default())
            .map_err(|e| in_file(e.at, 0, format!("invalid YAML: {}", e.message)))?;
        for doc in &docs {
            let Classified::Objects(objects) = classify(&doc.root) else {
                continue;
            };
            for candidate in objects {
                if candidate.id.kind != "Node" {
                    continue;
                }
                let obj = candidate.decode().map_err(|(_, e)| {
                    let span = e.span.unwrap_or_default();
                    in_file(span.start, span.len(), format!("invalid Node: {e}"))
                })?;
                if let Typed::Node(node) = obj.typed {
                    let name = node
                        .metadata
                        .name
                        .clone()
                        .unwrap_or_else(|| format!("node-{}", pools.len() + 1));
                    pools.push(NodePool {
                        name,
                        labels: node.metadata.labels.unwrap_or_default(),
                        taints: node.spec.and_then(|s| s.taints).unwrap_or_default(),
                        closed_world: true,
                    });
                }
            }
        }
    }
    if pools.is_empty() {
        return Err(NodesError::Here(
            format!("nodes file `{shown}` holds no Node objects"),
            save_help,
        ));
    }
    Ok(pools)
}
