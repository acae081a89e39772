//! Kubernetes objects: identity, typed k8s-openapi models for the kinds winlint reasons
//! about, `List` expansion, and the workload view that rules use.

pub mod apierror;
mod schema;
pub mod windows_fields;
mod workload;

use k8s_openapi::api::{apps::v1 as apps, batch::v1 as batch, core::v1 as core, node::v1 as node};
use serde::de::DeserializeOwned;

use crate::yaml::{DeError, Node};

pub use schema::{known, unknown_fields, Known, Suggestion, UnknownField};
pub use workload::{ContainerRef, Workload};

/// apiVersion, kind, name and namespace of an object, for findings and output.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceId {
    pub api_version: String,
    pub kind: String,
    pub name: Option<String>,
    pub namespace: Option<String>,
}

impl ResourceId {
    /// `Deployment/win-webserver`, the way kubectl names objects.
    pub fn display(&self) -> String {
        format!(
            "{}/{}",
            self.kind,
            self.name.as_deref().unwrap_or("<unnamed>")
        )
    }
}

/// The typed model of a known kind. Unknown kinds (CRDs, Services, ...) stay untyped.
#[derive(Debug)]
pub enum Typed {
    Pod(Box<core::Pod>),
    PodTemplate(Box<core::PodTemplate>),
    ReplicationController(Box<core::ReplicationController>),
    Deployment(Box<apps::Deployment>),
    DaemonSet(Box<apps::DaemonSet>),
    StatefulSet(Box<apps::StatefulSet>),
    ReplicaSet(Box<apps::ReplicaSet>),
    Job(Box<batch::Job>),
    CronJob(Box<batch::CronJob>),
    RuntimeClass(Box<node::RuntimeClass>),
    Namespace(Box<core::Namespace>),
    Node(Box<core::Node>),
    Unknown,
}

/// One Kubernetes object found in a document (or in a `List`'s items).
#[derive(Debug)]
pub struct Object<'d, 'a> {
    pub id: ResourceId,
    pub node: &'d Node<'a>,
    pub typed: Typed,
}

/// A known kind: which apiVersions the model accepts, how to decode it, and its schema.
struct KindDef {
    kind: &'static str,
    /// The first one is the served version; the others are older versions of the same
    /// shape, still common in repositories, linted against the current model.
    api_versions: &'static [&'static str],
    decode: fn(&Node<'_>) -> Result<Typed, DeError>,
    schema: fn(&[&str]) -> schema::Known,
}

fn decode<T: DeserializeOwned>(
    node: &Node<'_>,
    wrap: fn(Box<T>) -> Typed,
) -> Result<Typed, DeError> {
    crate::yaml::from_object_node::<T>(node).map(|t| wrap(Box::new(t)))
}

macro_rules! kind {
    ($kind:literal, [$($v:literal),+], $ty:ty, $variant:ident) => {
        KindDef {
            kind: $kind,
            api_versions: &[$($v),+],
            decode: |n| decode::<$ty>(n, Typed::$variant),
            schema: schema::known::<$ty>,
        }
    };
}

static KINDS: &[KindDef] = &[
    kind!("Pod", ["v1"], core::Pod, Pod),
    kind!("PodTemplate", ["v1"], core::PodTemplate, PodTemplate),
    kind!(
        "ReplicationController",
        ["v1"],
        core::ReplicationController,
        ReplicationController
    ),
    kind!(
        "Deployment",
        [
            "apps/v1",
            "apps/v1beta2",
            "apps/v1beta1",
            "extensions/v1beta1"
        ],
        apps::Deployment,
        Deployment
    ),
    kind!(
        "DaemonSet",
        ["apps/v1", "apps/v1beta2", "extensions/v1beta1"],
        apps::DaemonSet,
        DaemonSet
    ),
    kind!(
        "StatefulSet",
        ["apps/v1", "apps/v1beta2", "apps/v1beta1"],
        apps::StatefulSet,
        StatefulSet
    ),
    kind!(
        "ReplicaSet",
        ["apps/v1", "apps/v1beta2", "extensions/v1beta1"],
        apps::ReplicaSet,
        ReplicaSet
    ),
    kind!("Job", ["batch/v1"], batch::Job, Job),
    kind!(
        "CronJob",
        ["batch/v1", "batch/v1beta1"],
        batch::CronJob,
        CronJob
    ),
    kind!(
        "RuntimeClass",
        ["node.k8s.io/v1", "node.k8s.io/v1beta1"],
        node::RuntimeClass,
        RuntimeClass
    ),
    kind!("Namespace", ["v1"], core::Namespace, Namespace),
    kind!("Node", ["v1"], core::Node, Node),
];

/// Whether nothing winlint does reads below the top-level keys (other than `metadata`) of an
/// object of `kind`, so the span tree may leave them out ([`crate::yaml::parse_chunk_skipping`]).
/// Read are: the typed kinds, the kinds the inventory collects (RBAC for GMSA, GMSA
/// credential specs) and lists, whose items are objects. A rule that starts reading another
/// kind's body must name it here.
pub fn body_unread(kind: &str) -> bool {
    const INVENTORY: [&str; 5] = [
        "GMSACredentialSpec",
        "Role",
        "ClusterRole",
        "RoleBinding",
        "ClusterRoleBinding",
    ];
    !(kind.ends_with("List") || INVENTORY.contains(&kind) || KINDS.iter().any(|k| k.kind == kind))
}

fn kind_def(api_version: &str, kind: &str) -> Option<&'static KindDef> {
    KINDS
        .iter()
        .find(|k| k.kind == kind && k.api_versions.contains(&api_version))
}

/// What a document turned out to be.
pub enum Classified<'d, 'a> {
    /// Not a Kubernetes object (no apiVersion/kind): values files, CI config, ...
    NotAnObject,
    /// One or more objects (several for a `List`).
    Objects(Vec<Candidate<'d, 'a>>),
}

/// An object before typed decoding.
pub struct Candidate<'d, 'a> {
    pub id: ResourceId,
    pub node: &'d Node<'a>,
}

/// Recognises objects and expands `kind: List` / `*List` items.
pub fn classify<'d, 'a>(root: &'d Node<'a>) -> Classified<'d, 'a> {
    let mut out = Vec::new();
    collect(root, 0, &mut out);
    if out.is_empty() {
        Classified::NotAnObject
    } else {
        Classified::Objects(out)
    }
}

fn collect<'d, 'a>(node: &'d Node<'a>, depth: usize, out: &mut Vec<Candidate<'d, 'a>>) {
    let (Some(api_version), Some(kind)) = (
        node.get("apiVersion").and_then(Node::as_str),
        node.get("kind").and_then(Node::as_str),
    ) else {
        return;
    };
    if kind.ends_with("List") && depth < 4 {
        if let Some(items) = node.get("items").and_then(Node::as_seq) {
            for item in items {
                collect(item, depth + 1, out);
            }
            return;
        }
    }
    let meta = node.get("metadata");
    let text = |k: &str| {
        meta.and_then(|m| m.get(k))
            .and_then(Node::as_str)
            .map(str::to_owned)
    };
    out.push(Candidate {
        id: ResourceId {
            api_version: api_version.to_owned(),
            kind: kind.to_owned(),
            name: text("name").or_else(|| text("generateName")),
            namespace: text("namespace"),
        },
        node,
    });
}

impl<'d, 'a> Candidate<'d, 'a> {
    /// Decodes a known kind into its typed model; unknown kinds pass through untouched.
    pub fn decode(self) -> Result<Object<'d, 'a>, (ResourceId, DeError)> {
        let typed = match kind_def(&self.id.api_version, &self.id.kind) {
            None => Typed::Unknown,
            Some(def) => match (def.decode)(self.node) {
                Ok(t) => t,
                Err(e) => return Err((self.id, e)),
            },
        };
        Ok(Object {
            id: self.id,
            node: self.node,
            typed,
        })
    }
}

impl Candidate<'_, '_> {
    /// Fields the typed model does not know (typos, fields one level off). Works on the
    /// tree, so it reports even when typed decoding fails elsewhere.
    pub fn unknown_fields(&self) -> Vec<UnknownField> {
        match kind_def(&self.id.api_version, &self.id.kind) {
            Some(def) => unknown_fields(def.kind, def.schema, self.node),
            None => Vec::new(),
        }
    }
}

impl Object<'_, '_> {
    /// The pod template (or pod spec) this object carries, if any.
    pub fn workload(&self) -> Option<Workload<'_>> {
        Workload::of(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse_chunk, split_documents, Limits};

    #[test]
    fn list_items_are_expanded() {
        let s = "apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n- {apiVersion: v1, kind: Namespace, metadata: {name: b}}\n";
        let arena = crate::yaml::Arena::new();
        let docs = parse_chunk(&arena, split_documents(s)[0], Limits::default()).expect("yaml");
        let Classified::Objects(objs) = classify(&docs[0].root) else {
            panic!("expected objects")
        };
        let names: Vec<_> = objs.iter().map(|o| o.id.display()).collect();
        assert_eq!(names, ["Pod/a", "Namespace/b"]);
    }

    #[test]
    fn values_file_is_not_an_object() {
        let arena = crate::yaml::Arena::new();
        let chunk = split_documents("image: {tag: x}\n")[0];
        let docs = parse_chunk(&arena, chunk, Limits::default()).expect("yaml");
        assert!(matches!(classify(&docs[0].root), Classified::NotAnObject));
    }

    #[test]
    fn legacy_api_version_decodes_with_current_model() {
        let s = "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers: [{name: c, image: x}]\n";
        let arena = crate::yaml::Arena::new();
        let docs = parse_chunk(&arena, split_documents(s)[0], Limits::default()).expect("yaml");
        let Classified::Objects(mut objs) = classify(&docs[0].root) else {
            panic!("expected objects")
        };
        let obj = objs.remove(0).decode().expect("decodes");
        assert!(matches!(obj.typed, Typed::Deployment(_)));
    }
}
