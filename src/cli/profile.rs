//! `winlint profile`: the effective cluster model as YAML, in the shape of the `cluster:`
//! section of `.winlint.yaml`, so it can be checked, pasted and edited.

use std::fmt::Write as _;
use std::path::Path;

use k8s_openapi::api::core::v1::Toleration;

use crate::engine::config;
use crate::engine::error::Error;
use crate::engine::paths::shown;
use crate::facts::cluster::{self, Cluster, ClusterSource};
use crate::yaml::{resolve_plain, Resolved};

/// Loads the configuration the way a lint run would and renders its cluster model.
pub fn render(explicit: Option<&Path>) -> Result<String, Error> {
    let cwd = std::env::current_dir()
        .map_err(|e| Error::Usage(format!("cannot read the current directory: {e}")))?;
    let config = config::load(explicit, &cwd)?;
    Ok(to_yaml(&config.cluster))
}

/// The cluster model as commented YAML.
pub fn to_yaml(c: &Cluster) -> String {
    let mut out = String::new();
    let default_about = cluster::PRESETS[0].about;
    let source = match &c.source {
        ClusterSource::Default => {
            format!("default, no cluster in the configuration: preset `kubernetes-guide`,\n#   {default_about}")
        }
        ClusterSource::Preset { name, config } => {
            let about = cluster::preset(name).map_or("", |p| p.about);
            format!(
                "`cluster.preset: {name}` in {},\n#   {about}",
                shown(config)
            )
        }
        ClusterSource::NodePools(config) => format!("`cluster.nodePools` in {}", shown(config)),
        ClusterSource::Nodes { config, file } => format!(
            "`cluster.nodes` in {}: {} nodes read from {}",
            shown(config),
            c.pools.len(),
            shown(file)
        ),
    };
    let _ = writeln!(out, "# winlint cluster model, from {source}");
    if c.pools.iter().any(|p| p.closed_world) {
        out.push_str(
            "# Closed world: these are the real nodes; a label a node does not list is absent.\n",
        );
    } else {
        out.push_str(
            "# Open world: a label key a pool does not list is unknown, except the kubelet's own\n\
             # (beta.kubernetes.io/os and /arch mirror kubernetes.io/os and /arch; Linux pools\n\
             # have no node.kubernetes.io/windows-build).\n",
        );
    }
    out.push_str("cluster:\n  nodePools:\n");
    for p in &c.pools {
        let _ = writeln!(out, "  - name: {}", scalar(&p.name));
        if p.labels.is_empty() {
            out.push_str("    labels: {}\n");
        } else {
            out.push_str("    labels:\n");
            for (k, v) in &p.labels {
                let _ = writeln!(out, "      {}: {}", scalar(k), scalar(v));
            }
        }
        if p.taints.is_empty() {
            out.push_str("    taints: []\n");
        } else {
            out.push_str("    taints:\n");
            for t in &p.taints {
                let _ = writeln!(out, "    - key: {}", scalar(&t.key));
                if let Some(v) = &t.value {
                    let _ = writeln!(out, "      value: {}", scalar(v));
                }
                let _ = writeln!(out, "      effect: {}", scalar(&t.effect));
            }
        }
    }
    if c.runtime_classes.is_empty() {
        out.push_str("  # RuntimeClass objects in the scanned files are added to these.\n  runtimeClasses: []\n");
        return out;
    }
    out.push_str("  # RuntimeClass objects in the scanned files come first, then these.\n  runtimeClasses:\n");
    for rc in &c.runtime_classes {
        let _ = writeln!(out, "  - name: {}", scalar(&rc.name));
        let _ = writeln!(out, "    handler: {}", scalar(&rc.handler));
        if rc.has_scheduling {
            out.push_str("    scheduling:\n");
            if let Some(sel) = &rc.node_selector {
                out.push_str("      nodeSelector:\n");
                for (k, v) in sel {
                    let _ = writeln!(out, "        {}: {}", scalar(k), scalar(v));
                }
            }
            if let Some(tols) = &rc.tolerations {
                out.push_str("      tolerations:\n");
                for t in tols {
                    toleration(&mut out, t);
                }
            }
        }
        if let Some(o) = &rc.overhead {
            out.push_str("    overhead:\n      podFixed:\n");
            for (k, q) in o {
                let _ = writeln!(out, "        {}: {}", scalar(k), scalar(&q.0));
            }
        }
    }
    out
}

fn toleration(out: &mut String, t: &Toleration) {
    let mut fields: Vec<String> = Vec::new();
    for (k, v) in [
        ("key", &t.key),
        ("operator", &t.operator),
        ("value", &t.value),
        ("effect", &t.effect),
    ] {
        if let Some(v) = v {
            fields.push(format!("{k}: {}", scalar(v)));
        }
    }
    if let Some(s) = t.toleration_seconds {
        fields.push(format!("tolerationSeconds: {s}"));
    }
    if fields.is_empty() {
        out.push_str("      - {}\n");
        return;
    }
    for (i, f) in fields.iter().enumerate() {
        let lead = if i == 0 { "      - " } else { "        " };
        let _ = writeln!(out, "{lead}{f}");
    }
}

/// A YAML scalar that reads back as the same string: plain when that is unambiguous,
/// double-quoted (JSON escaping is valid YAML) otherwise.
fn scalar(s: &str) -> String {
    let plain = s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | '-'))
        && matches!(resolve_plain(s), Resolved::Str);
    if plain {
        s.to_owned()
    } else {
        serde_json::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_parses_back_as_the_same_cluster() {
        let text = "cluster:\n  nodePools:\n  - name: lin\n    labels: {kubernetes.io/os: linux, 'yes': 'on'}\n  - name: win\n    labels: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: '10.0.20348'}\n    taints: [{key: os, value: windows, effect: NoSchedule}]\n  runtimeClasses:\n  - name: win\n    handler: runhcs-wcow-process\n    scheduling:\n      nodeSelector: {kubernetes.io/os: windows}\n      tolerations: [{operator: Exists}, {key: os, operator: Equal, value: windows, effect: NoSchedule, tolerationSeconds: 5}]\n    overhead: {podFixed: {cpu: 250m, memory: 1}}\n";
        let c = config::parse("c.yaml", text).expect("valid").cluster;
        let yaml = to_yaml(&c);
        let back = config::parse("p.yaml", &yaml)
            .unwrap_or_else(|e| panic!("{e}\n{yaml}"))
            .cluster;
        assert_eq!(back.pools, c.pools, "{yaml}");
        let strip = |c: &Cluster| {
            c.runtime_classes
                .iter()
                .map(|r| {
                    (
                        r.name.clone(),
                        r.node_selector.clone(),
                        r.tolerations.clone(),
                        r.overhead.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(strip(&back), strip(&c), "{yaml}");
    }

    #[test]
    fn default_profile_names_its_source() {
        let yaml = to_yaml(&Cluster::default());
        assert!(
            yaml.starts_with("# winlint cluster model, from default"),
            "{yaml}"
        );
        assert!(
            yaml.contains("node.kubernetes.io/windows-build: \"10.0.17763\""),
            "{yaml}"
        );
    }

    #[test]
    fn scalars() {
        assert_eq!(scalar("linux"), "linux");
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("10.0.17763"), "\"10.0.17763\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar(""), "\"\"");
    }
}
