//! Validation of the `cluster:` section: one cluster model (node pools, a nodes file or a
//! preset) and uniquely named runtime classes. Every mistake is pushed to `errors`.

use std::path::{Path, PathBuf};

use super::nodes::{load_nodes, pool_of, runtime_class_of, NodesError};
use super::raw::{RawCluster, RawPool, RawRuntimeClass};
use super::source::{shape_help, Source};
use crate::engine::error::Error;
use crate::facts::cluster::{self, Cluster, ClusterSource, NodePool, PRESETS};
use crate::facts::inventory::RuntimeClassDef;
use crate::yaml::PathKey;

/// The cluster `c` describes; `name` is the config file's, `base` its folder.
pub(super) fn cluster(
    src: &Source<'_>,
    c: RawCluster,
    name: &str,
    base: &Path,
    errors: &mut Vec<Error>,
) -> Cluster {
    one_model(src, &c, errors);
    let mut cluster = Cluster::default();
    if let Some(pools) = c.node_pools {
        cluster.pools = node_pools(src, pools, errors);
        cluster.source = ClusterSource::NodePools(PathBuf::from(name));
    }
    if let Some(file) = c.nodes {
        match nodes_file(src, &file, base) {
            Ok((pools, file)) => {
                cluster.pools = pools;
                cluster.source = ClusterSource::Nodes {
                    config: PathBuf::from(name),
                    file,
                };
            }
            Err(e) => errors.push(e),
        }
    }
    if let Some(p) = c.preset {
        match preset(src, &p, name) {
            Ok(preset) => cluster = preset,
            Err(e) => errors.push(e),
        }
    }
    cluster.runtime_classes = runtime_classes(src, c.runtime_classes, errors);
    cluster
}

/// At most one of `nodePools`, `nodes` and `preset`; the later one in the file is blamed.
fn one_model(src: &Source<'_>, c: &RawCluster, errors: &mut Vec<Error>) {
    let mut given: Vec<&str> = [
        ("nodePools", c.node_pools.is_some()),
        ("nodes", c.nodes.is_some()),
        ("preset", c.preset.is_some()),
    ]
    .iter()
    .filter(|(_, set)| *set)
    .map(|(k, _)| *k)
    .collect();
    if given.len() <= 1 {
        return;
    }
    given.sort_by_key(|k| src.key(&["cluster", k]).map_or(0, |s| s.0));
    let at = src.key(&["cluster", given[1]]).unwrap_or((0, 0));
    let message = format!(
        "`cluster` takes one of `nodePools`, `nodes` and `preset`, not both `{}` and `{}`",
        given[0], given[1]
    );
    let help = "keep one: `nodePools` (pools written here), `nodes` (a saved `kubectl get nodes -o yaml`) or `preset` (a built-in cluster)";
    errors.push(src.error(at, message, "second cluster model", Some(help.into())));
}

/// `cluster.nodePools`: at least one pool.
fn node_pools(src: &Source<'_>, pools: Vec<RawPool>, errors: &mut Vec<Error>) -> Vec<NodePool> {
    if pools.is_empty() {
        let at = src.value(&[PathKey::Key("cluster"), PathKey::Key("nodePools")]);
        let message = "`cluster.nodePools` is empty".into();
        errors.push(src.error(at, message, "here", Some(shape_help("cluster"))));
    }
    pools.into_iter().map(pool_of).collect()
}

/// `cluster.nodes`: the pools of a saved `kubectl get nodes` file, and its resolved path.
fn nodes_file(
    src: &Source<'_>,
    file: &str,
    base: &Path,
) -> Result<(Vec<NodePool>, PathBuf), Error> {
    let at = src.value(&[PathKey::Key("cluster"), PathKey::Key("nodes")]);
    // Keep a bare relative path when parsing against the current directory, so messages
    // show it as written.
    let resolved = if base == Path::new(".") {
        PathBuf::from(file)
    } else {
        base.join(file)
    };
    let shown = resolved.to_string_lossy().replace('\\', "/");
    let pools = load_nodes(&resolved, &shown).map_err(|e| match e {
        NodesError::InFile(e) => e,
        NodesError::Here(message, help) => src.error(at, message, "here", help),
    })?;
    Ok((pools, resolved))
}

/// `cluster.preset`: one of the built-in presets.
fn preset(src: &Source<'_>, p: &str, name: &str) -> Result<Cluster, Error> {
    let Some(preset) = cluster::preset(p) else {
        let at = src.value(&[PathKey::Key("cluster"), PathKey::Key("preset")]);
        let names: Vec<String> = PRESETS.iter().map(|p| format!("`{}`", p.name)).collect();
        let message = format!("`cluster.preset`: unknown preset `{p}`");
        let help = Some(format!("built-in presets: {}", names.join(", ")));
        return Err(src.error(at, message, "not a built-in preset", help));
    };
    Ok(Cluster::preset(preset, PathBuf::from(name)))
}

/// `cluster.runtimeClasses`: each name declared once.
fn runtime_classes(
    src: &Source<'_>,
    raw: Vec<RawRuntimeClass>,
    errors: &mut Vec<Error>,
) -> Vec<RuntimeClassDef> {
    let classes: Vec<RuntimeClassDef> = raw.into_iter().map(runtime_class_of).collect();
    for (i, rc) in classes.iter().enumerate() {
        if classes[..i].iter().any(|o| o.name == rc.name) {
            let at = src.value(&[
                PathKey::Key("cluster"),
                PathKey::Key("runtimeClasses"),
                PathKey::Index(i),
            ]);
            let message = format!("`cluster.runtimeClasses`: `{}` is declared twice", rc.name);
            let help = Some("remove one, or give it another name".into());
            errors.push(src.error(at, message, "second declaration", help));
        }
    }
    classes
}
