//! Objects other objects depend on: RuntimeClasses (scheduling merged into pods at
//! admission), Namespaces (Pod Security labels) and GMSACredentialSpecs. A cheap pre-pass
//! collects them from every input before linting, so the main pass stays one streaming pass.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Toleration;
use k8s_openapi::api::rbac::v1::PolicyRule;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use crate::k8s::{classify, Classified, Typed};
use crate::yaml::{from_node, parse_chunk_skipping, split_documents, Arena, Limits, Node, Span};

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

/// A Role or ClusterRole with a rule that lets its subjects `use` GMSA credential specs
/// (`apiGroups: [windows.k8s.io]`, `resources: [gmsacredentialspecs]`, `verbs: [use]`, or `*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GmsaRoleDef {
    /// `Role` or `ClusterRole`.
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    /// The credential specs it grants; `None`: every one (a rule without `resourceNames`).
    pub grants: Option<Vec<String>>,
    /// Labelled `rbac.authorization.k8s.io/aggregate-to-*`: aggregated into roles that may be
    /// bound anywhere, so who it reaches cannot be told from the inputs.
    pub aggregated: bool,
    pub origin: Origin,
}

impl GmsaRoleDef {
    pub fn grants(&self, spec: &str) -> bool {
        self.grants
            .as_ref()
            .is_none_or(|names| names.iter().any(|n| n == spec))
    }
}

/// A RoleBinding or ClusterRoleBinding.
#[derive(Debug, Clone, PartialEq)]
pub struct BindingDef {
    /// `RoleBinding` or `ClusterRoleBinding`.
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    /// `roleRef`: `Role` or `ClusterRole`, and its name.
    pub role_kind: String,
    pub role_name: String,
    pub subjects: Vec<k8s_openapi::api::rbac::v1::Subject>,
}

/// Everything the pre-pass found. The first definition of a name (in path order) wins.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inventory {
    pub runtime_classes: BTreeMap<String, RuntimeClassDef>,
    pub namespaces: BTreeMap<String, NamespaceDef>,
    pub gmsa_specs: BTreeMap<String, GmsaSpecDef>,
    /// Roles that grant `use` on GMSA credential specs, and the bindings that refer to them
    /// (for `gmsa-rbac-missing`).
    pub gmsa_roles: Vec<GmsaRoleDef>,
    pub bindings: Vec<BindingDef>,
}

/// Is the file worth parsing in the pre-pass? Only when a line says `kind: RuntimeClass`,
/// `kind: Namespace`, `kind: GMSACredentialSpec`, or a role kind in text that mentions
/// `gmsacredentialspecs` (any quoting, YAML or JSON): a byte scan is far cheaper than a
/// parse, and most files have none.
pub fn may_contain_definitions(bytes: &[u8]) -> bool {
    const KINDS: [&[u8]; 3] = [b"RuntimeClass", b"Namespace", b"GMSACredentialSpec"];
    const ROLES: [&[u8]; 2] = [b"Role", b"ClusterRole"];
    has_kind_line(bytes, &KINDS)
        || (memchr::memmem::find(bytes, GMSA_RESOURCE.as_bytes()).is_some()
            && has_kind_line(bytes, &ROLES))
}

const GMSA_RESOURCE: &str = "gmsacredentialspecs";

/// Is the file worth parsing for bindings of `roles`? A binding kind line and one of the
/// names. Bindings are everywhere, so they are looked for only once GMSA roles were found.
pub fn may_contain_bindings(bytes: &[u8], roles: &[String]) -> bool {
    has_kind_line(bytes, &[b"RoleBinding", b"ClusterRoleBinding"])
        && roles
            .iter()
            .any(|r| memchr::memmem::find(bytes, r.as_bytes()).is_some())
}

fn has_kind_line(bytes: &[u8], kinds: &[&[u8]]) -> bool {
    kind_values(bytes).any(|v| kinds.contains(&v))
}

/// The values of the `kind:` keys in the text (allowing quotes and blanks, YAML or JSON),
/// found in one pass over it.
fn kind_values(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    memchr::memmem::find_iter(bytes, b"kind").filter_map(move |at| {
        let mut rest = &bytes[at + 4..];
        if let [b'"' | b'\'', tail @ ..] = rest {
            rest = tail;
        }
        let rest = rest.strip_prefix(b":")?;
        let start = rest
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t' | b'"' | b'\''))?;
        let value = &rest[start..];
        let end = value
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(value.len());
        Some(&value[..end])
    })
}

/// Calls `f` with every object of the documents of `text` that pass `wanted` (a cheap byte
/// test on the document's text); the others are never parsed.
fn each_object(
    text: &str,
    wanted: impl Fn(&[u8]) -> bool,
    mut f: impl FnMut(crate::k8s::Candidate<'_, '_>),
) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut arena = Arena::new();
    for chunk in split_documents(text) {
        if !wanted(chunk.text.as_bytes()) {
            continue;
        }
        arena.reset();
        let body_unread = crate::k8s::body_unread;
        let Ok(docs) = parse_chunk_skipping(&arena, chunk, Limits::default(), body_unread) else {
            continue;
        };
        for doc in &docs {
            if let Classified::Objects(objects) = classify(&doc.root) {
                objects.into_iter().for_each(&mut f);
            }
        }
    }
}

impl Inventory {
    /// Adds the definitions found in one file's text.
    pub fn collect(&mut self, path: &str, text: &str) {
        // Only the documents that may define something are parsed, and only the definitions
        // are decoded: a Namespace at the top of an install bundle must not cost a second
        // typed decode of every workload below it.
        each_object(text, may_contain_definitions, |candidate| {
            let name_span = candidate
                .node
                .get("metadata")
                .and_then(|m| m.get("name"))
                .map_or(candidate.node.span, |n| n.span);
            let origin = Origin::File {
                path: path.to_owned(),
                span: name_span,
            };
            let rbac = candidate
                .id
                .api_version
                .starts_with("rbac.authorization.k8s.io/");
            match candidate.id.kind.as_str() {
                "GMSACredentialSpec" => {
                    self.add_gmsa(candidate.node, candidate.id.name.clone(), origin);
                    return;
                }
                "Role" | "ClusterRole" if rbac => {
                    self.add_role(&candidate.id, candidate.node, origin);
                    return;
                }
                "RuntimeClass" | "Namespace" => {}
                _ => return,
            }
            let Ok(obj) = candidate.decode() else {
                return;
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
        });
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

    fn add_role(&mut self, id: &crate::k8s::ResourceId, node: &Node<'_>, origin: Origin) {
        let Some(name) = id.name.clone() else { return };
        let rules: Vec<PolicyRule> = node
            .get("rules")
            .and_then(|n| from_node(n).ok())
            .unwrap_or_default();
        let has = |list: &[String], want: &str| list.iter().any(|v| v == want || v == "*");
        let matching: Vec<&PolicyRule> = rules
            .iter()
            .filter(|r| {
                has(
                    r.api_groups.as_deref().unwrap_or_default(),
                    "windows.k8s.io",
                ) && has(r.resources.as_deref().unwrap_or_default(), GMSA_RESOURCE)
                    && has(&r.verbs, "use")
            })
            .collect();
        if matching.is_empty() {
            return;
        }
        // A rule without resourceNames grants every credential spec.
        let every = matching
            .iter()
            .any(|r| r.resource_names.as_deref().unwrap_or_default().is_empty());
        let grants = (!every).then(|| {
            matching
                .iter()
                .flat_map(|r| r.resource_names.iter().flatten().cloned())
                .collect()
        });
        let aggregated = node
            .get("metadata")
            .and_then(|m| m.get("labels"))
            .and_then(Node::as_map)
            .unwrap_or_default()
            .iter()
            .any(|e| {
                e.key
                    .as_str()
                    .is_some_and(|k| k.starts_with("rbac.authorization.k8s.io/aggregate-to-"))
            });
        self.gmsa_roles.push(GmsaRoleDef {
            kind: id.kind.clone(),
            namespace: id.namespace.clone(),
            name,
            grants,
            aggregated,
            origin,
        });
    }

    /// Both passes over one text: its definitions, then the bindings of its GMSA roles (for
    /// a single input: a document example, a fuzz case).
    pub fn collect_one(&mut self, path: &str, text: &str) {
        self.collect(path, text);
        let roles = self.gmsa_role_names();
        if !roles.is_empty() && may_contain_bindings(text.as_bytes(), &roles) {
            self.collect_bindings(text, &roles);
        }
    }

    /// The names of the roles that grant `use` on GMSA credential specs; empty when none
    /// names a credential spec, as `gmsa-rbac-missing` then has nothing to check and the
    /// bindings need not be looked for.
    pub fn gmsa_role_names(&self) -> Vec<String> {
        if self.gmsa_roles.iter().all(|r| r.grants.is_none()) {
            return Vec::new();
        }
        let mut names: Vec<String> = self.gmsa_roles.iter().map(|r| r.name.clone()).collect();
        names.sort();
        names.dedup();
        names
    }

    /// Adds the RoleBindings and ClusterRoleBindings of one file's text that refer to one
    /// of `roles` (the second pre-pass, run only when GMSA roles were found).
    pub fn collect_bindings(&mut self, text: &str, roles: &[String]) {
        each_object(
            text,
            |b| may_contain_bindings(b, roles),
            |c| {
                let binding = matches!(c.id.kind.as_str(), "RoleBinding" | "ClusterRoleBinding");
                if binding && c.id.api_version.starts_with("rbac.authorization.k8s.io/") {
                    self.add_binding(&c.id, c.node, roles);
                }
            },
        );
    }

    fn add_binding(&mut self, id: &crate::k8s::ResourceId, node: &Node<'_>, roles: &[String]) {
        let Some(role) = node.get("roleRef") else {
            return;
        };
        let field = |n: &Node<'_>, k: &str| n.get(k).and_then(Node::as_str).map(str::to_owned);
        let (Some(role_kind), Some(role_name)) = (field(role, "kind"), field(role, "name")) else {
            return;
        };
        if !roles.contains(&role_name) {
            return;
        }
        self.bindings.push(BindingDef {
            kind: id.kind.clone(),
            namespace: id.namespace.clone(),
            name: id.name.clone().unwrap_or_default(),
            role_kind,
            role_name,
            subjects: node
                .get("subjects")
                .and_then(|n| from_node(n).ok())
                .unwrap_or_default(),
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
        self.gmsa_roles.extend(other.gmsa_roles);
        self.bindings.extend(other.bindings);
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
    fn collects_gmsa_roles_then_their_bindings() {
        let role = "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r, namespace: web}\nrules:\n- {apiGroups: [windows.k8s.io], resources: [gmsacredentialspecs], verbs: [use], resourceNames: [a, b]}\n- {apiGroups: ['*'], resources: [gmsacredentialspecs], verbs: ['*'], resourceNames: [c]}\n";
        let other = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: pods}\nrules:\n- {apiGroups: [''], resources: [pods], verbs: [get]}\n";
        let binding = "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b, namespace: web}\nsubjects: [{kind: ServiceAccount, name: app}]\nroleRef: {kind: Role, name: r, apiGroup: rbac.authorization.k8s.io}\n";
        // A role without the resource in its text is not worth a parse; a binding always is.
        assert!(!may_contain_definitions(other.as_bytes()));
        assert!(may_contain_definitions(role.as_bytes()));
        assert!(!may_contain_definitions(binding.as_bytes()));
        let names = vec!["r".to_owned()];
        assert!(may_contain_bindings(binding.as_bytes(), &names));
        assert!(!may_contain_bindings(binding.as_bytes(), &["q".to_owned()]));
        let text = format!("{role}---\n{other}---\n{binding}");
        let mut inv = Inventory::default();
        inv.collect("rbac.yaml", &text);
        assert_eq!(inv.gmsa_role_names(), names);
        assert!(inv.bindings.is_empty());
        inv.collect_bindings(&text, &names);
        assert_eq!(inv.gmsa_roles.len(), 1);
        let r = &inv.gmsa_roles[0];
        assert_eq!(r.grants, Some(vec!["a".into(), "b".into(), "c".into()]));
        assert!(r.grants("c") && !r.grants("d"));
        assert_eq!(inv.bindings.len(), 1);
        assert_eq!(inv.bindings[0].role_name, "r");
        assert_eq!(inv.bindings[0].subjects[0].name, "app");
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
