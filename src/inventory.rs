//! Objects other objects depend on: RuntimeClasses (scheduling merged into pods at
//! admission), Namespaces (Pod Security labels) and GMSACredentialSpecs. A cheap pre-pass
//! collects them from every input before linting, so the main pass stays one streaming pass.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Toleration;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use crate::model::{classify, Classified, Typed};
use crate::yaml::{from_node, parse_chunk, split_documents, Limits, Node, Span};

/// Where a definition came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A scanned file and the span of the object's `metadata.name` value.
    File { path: String, span: Span },
    /// Declared in the configuration.
    Config,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeClassDef {
    pub name: String,
    pub handler: String,
    /// `None` when the RuntimeClass has no `scheduling` (then nothing is merged).
    pub node_selector: Option<BTreeMap<String, String>>,
    pub tolerations: Option<Vec<Toleration>>,
    pub has_scheduling: bool,
    pub overhead: Option<BTreeMap<String, Quantity>>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceDef {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GmsaSpecDef {
    pub name: String,
    /// The `credspec` payload, if present.
    pub credspec: Option<serde_json::Value>,
    pub origin: Origin,
}

/// Everything the pre-pass found. The first definition of a name (in path order) wins.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inventory {
    pub runtime_classes: BTreeMap<String, RuntimeClassDef>,
    pub namespaces: BTreeMap<String, NamespaceDef>,
    pub gmsa_specs: BTreeMap<String, GmsaSpecDef>,
}

/// Is the file worth parsing in the pre-pass? Only when a line says `kind: RuntimeClass`,
/// `kind: Namespace` or `kind: GMSACredentialSpec` (any quoting, YAML or JSON): a byte scan
/// is far cheaper than a parse, and most files have none.
pub fn may_contain_definitions(bytes: &[u8]) -> bool {
    const KINDS: [&[u8]; 3] = [b"RuntimeClass", b"Namespace", b"GMSACredentialSpec"];
    KINDS.iter().any(|kind| {
        memchr::memmem::find_iter(bytes, kind).any(|at| {
            let word_ends = bytes
                .get(at + kind.len())
                .is_none_or(|b| !b.is_ascii_alphanumeric());
            word_ends && preceded_by_kind(&bytes[..at])
        })
    })
}

/// Does the line before `head`'s end read `kind:` (allowing quotes and blanks)?
fn preceded_by_kind(head: &[u8]) -> bool {
    let line = head.rsplit(|&b| b == b'\n').next().unwrap_or(head);
    let trimmed = line
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t' | b'"' | b'\''))
        .map_or(&line[..0], |i| &line[..=i]);
    let Some(before_colon) = trimmed.strip_suffix(b":") else {
        return false;
    };
    let key = before_colon
        .strip_suffix(b"\"")
        .or_else(|| before_colon.strip_suffix(b"'"))
        .unwrap_or(before_colon);
    key.ends_with(b"kind")
}

impl Inventory {
    /// Adds the definitions found in one file's text.
    pub fn collect(&mut self, path: &str, text: &str) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        // Only the documents that may define something are parsed, and only the definitions
        // are decoded: a Namespace at the top of an install bundle must not cost a second
        // typed decode of every workload below it.
        for chunk in split_documents(text) {
            if !may_contain_definitions(chunk.text.as_bytes()) {
                continue;
            }
            let Ok(docs) = parse_chunk(chunk, Limits::default()) else {
                continue;
            };
            for doc in &docs {
                let Classified::Objects(objects) = classify(&doc.root) else {
                    continue;
                };
                for candidate in objects {
                    let name_span = candidate
                        .node
                        .get("metadata")
                        .and_then(|m| m.get("name"))
                        .map_or(candidate.node.span, |n| n.span);
                    let origin = Origin::File {
                        path: path.to_owned(),
                        span: name_span,
                    };
                    match candidate.id.kind.as_str() {
                        "GMSACredentialSpec" => {
                            self.add_gmsa(candidate.node, candidate.id.name.clone(), origin);
                            continue;
                        }
                        "RuntimeClass" | "Namespace" => {}
                        _ => continue,
                    }
                    let Ok(obj) = candidate.decode() else {
                        continue;
                    };
                    match obj.typed {
                        Typed::RuntimeClass(rc) => {
                            let name = rc.metadata.name.clone().unwrap_or_default();
                            let has_scheduling = rc.scheduling.is_some();
                            let (node_selector, tolerations) = match rc.scheduling {
                                Some(s) => (s.node_selector, s.tolerations),
                                None => (None, None),
                            };
                            self.runtime_classes
                                .entry(name.clone())
                                .or_insert(RuntimeClassDef {
                                    name,
                                    handler: rc.handler,
                                    node_selector,
                                    tolerations,
                                    has_scheduling,
                                    overhead: rc.overhead.and_then(|o| o.pod_fixed),
                                    origin,
                                });
                        }
                        Typed::Namespace(ns) => {
                            let name = ns.metadata.name.clone().unwrap_or_default();
                            self.namespaces.entry(name.clone()).or_insert(NamespaceDef {
                                name,
                                labels: ns.metadata.labels.unwrap_or_default(),
                                origin,
                            });
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    fn add_gmsa(&mut self, node: &Node<'_>, name: Option<String>, origin: Origin) {
        let Some(name) = name else { return };
        let credspec = node
            .get("credspec")
            .and_then(|n| from_node::<serde_json::Value>(n).ok());
        self.gmsa_specs.entry(name.clone()).or_insert(GmsaSpecDef {
            name,
            credspec,
            origin,
        });
    }

    /// Merges another inventory in; entries already present win.
    pub fn absorb(&mut self, other: Inventory) {
        for (k, v) in other.runtime_classes {
            self.runtime_classes.entry(k).or_insert(v);
        }
        for (k, v) in other.namespaces {
            self.namespaces.entry(k).or_insert(v);
        }
        for (k, v) in other.gmsa_specs {
            self.gmsa_specs.entry(k).or_insert(v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefilter_looks_for_kind_lines_only() {
        assert!(may_contain_definitions(
            b"apiVersion: v1\nkind: Namespace\n"
        ));
        assert!(may_contain_definitions(b"{\"kind\": \"RuntimeClass\"}"));
        assert!(may_contain_definitions(b"- kind: 'GMSACredentialSpec'\n"));
        assert!(!may_contain_definitions(
            b"metadata:\n  namespace: x\nspec:\n  namespaceSelector: {}\n"
        ));
        assert!(!may_contain_definitions(
            b"description: all Namespaces\nkind: NamespaceList2\n"
        ));
        assert!(!may_contain_definitions(
            b"kind: Pod\nruntimeClassName: RuntimeClass\n"
        ));
    }

    #[test]
    fn collects_runtime_classes_namespaces_and_gmsa_specs() {
        let text = "apiVersion: node.k8s.io/v1\nkind: RuntimeClass\nmetadata: {name: windows-2019}\nhandler: runhcs-wcow-process\nscheduling:\n  nodeSelector: {kubernetes.io/os: windows}\n  tolerations: [{key: os, value: windows, effect: NoSchedule}]\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: web, labels: {pod-security.kubernetes.io/enforce: baseline}}\n---\napiVersion: windows.k8s.io/v1\nkind: GMSACredentialSpec\nmetadata: {name: webapp1}\ncredspec: {CmsPlugins: [ActiveDirectory]}\n";
        assert!(may_contain_definitions(text.as_bytes()));
        let mut inv = Inventory::default();
        inv.collect("a.yaml", text);
        let rc = &inv.runtime_classes["windows-2019"];
        assert_eq!(rc.handler, "runhcs-wcow-process");
        assert!(rc.has_scheduling);
        assert_eq!(rc.tolerations.as_ref().map(Vec::len), Some(1));
        assert_eq!(
            inv.namespaces["web"].labels["pod-security.kubernetes.io/enforce"],
            "baseline"
        );
        assert!(inv.gmsa_specs["webapp1"].credspec.is_some());
    }
}
