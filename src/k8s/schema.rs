//! Field names the typed models know, read from the models themselves: k8s-openapi's
//! deserializers list their fields in `deserialize_struct`, and a probing deserializer walks
//! down a path to ask for them. The models silently drop unknown fields, so this is how
//! winlint finds `nodeselector` typos without a separate schema.

use std::cell::{Cell, RefCell};
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, Visitor};

use crate::suggest::edit_distance;
use crate::yaml::{Node, Span, Value};

/// What the model expects at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// A struct: its name and field names.
    Struct(&'static str, &'static [&'static str]),
    /// A map with free-form keys (labels, resources).
    Map,
    /// A scalar, a free-form value, or a field the model ignores.
    Leaf,
}

/// The fields the model `T` knows at `path` (mapping keys; `*` for a map's free-form key).
pub fn known<T: DeserializeOwned>(path: &[&str]) -> Known {
    let out = Cell::new(Known::Leaf);
    let _ = T::deserialize(Probe { path, out: &out });
    out.get()
}

/// An unknown field and what it probably should have been.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownField {
    pub key: String,
    pub key_span: Span,
    /// Where the key sits, e.g. `spec.template.spec.containers[0]`.
    pub parent: String,
    /// The model type that does not have it, e.g. `Container`.
    pub type_name: &'static str,
    pub suggestion: Option<Suggestion>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Suggestion {
    /// A field of the same type with a close name.
    Rename(&'static str),
    /// The same name is a field of an enclosing object at this path.
    MoveTo(String),
}

/// Schema nodes interned per thread: a node is a path from a kind's root, identified by a
/// number; its children are found by the field's index in the parent's field list, with no
/// hashing and no allocation once seen.
#[derive(Default)]
struct Table {
    roots: Vec<(&'static str, u32)>,
    known: Vec<Known>,
    paths: Vec<Vec<&'static str>>,
    /// Per node: the child node of each field (a map's one child at 0), or `UNSET`.
    children: Vec<Vec<u32>>,
}

const UNSET: u32 = u32::MAX;

thread_local! {
    static TABLE: RefCell<Table> = RefCell::new(Table::default());
}

impl Table {
    fn add(&mut self, path: Vec<&'static str>, schema: fn(&[&str]) -> Known) -> u32 {
        let id = self.known.len() as u32;
        let known = schema(&path);
        let slots = match known {
            Known::Struct(_, fields) => fields.len(),
            Known::Map => 1,
            Known::Leaf => 0,
        };
        self.known.push(known);
        self.paths.push(path);
        self.children.push(vec![UNSET; slots]);
        id
    }
}

fn root(kind: &'static str, schema: fn(&[&str]) -> Known) -> u32 {
    TABLE.with(|t| {
        let mut t = t.borrow_mut();
        if let Some(&(_, id)) = t.roots.iter().find(|(k, _)| *k == kind) {
            return id;
        }
        let id = t.add(Vec::new(), schema);
        t.roots.push((kind, id));
        id
    })
}

/// The node of `parent`'s field `slot` (named `step`), and what the model expects there.
fn child(
    parent: u32,
    slot: usize,
    step: &'static str,
    schema: fn(&[&str]) -> Known,
) -> (u32, Known) {
    TABLE.with(|t| {
        let mut t = t.borrow_mut();
        let id = t.children[parent as usize][slot];
        if id != UNSET {
            return (id, t.known[id as usize]);
        }
        let mut path = t.paths[parent as usize].clone();
        path.push(step);
        let id = t.add(path, schema);
        t.children[parent as usize][slot] = id;
        (id, t.known[id as usize])
    })
}

fn known_of(id: u32) -> Known {
    TABLE.with(|t| t.borrow().known[id as usize])
}

/// Walks an object's tree against its model and reports every key the model does not know.
pub fn unknown_fields(
    kind: &'static str,
    schema: fn(&[&str]) -> Known,
    root_node: &Node<'_>,
) -> Vec<UnknownField> {
    let mut w = Walker {
        schema,
        out: Vec::new(),
        ancestors: vec![root(kind, schema)],
        shown: Vec::new(),
    };
    w.walk(root_node);
    w.out
}

#[derive(Clone, Copy)]
enum Seg<'n> {
    Key(&'n str),
    Index(usize),
}

fn render(segs: &[Seg<'_>]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

struct Walker<'n> {
    schema: fn(&[&str]) -> Known,
    out: Vec<UnknownField>,
    /// Schema nodes from the root to the current mapping (one per key, no indexes).
    ancestors: Vec<u32>,
    /// The path for display, with indexes.
    shown: Vec<Seg<'n>>,
}

impl<'n> Walker<'n> {
    fn walk(&mut self, node: &'n Node<'_>) {
        match &node.value {
            Value::Seq(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.shown.push(Seg::Index(i));
                    self.walk(item);
                    self.shown.pop();
                }
            }
            Value::Map(entries) => {
                let Some(&current) = self.ancestors.last() else {
                    return;
                };
                let known = known_of(current);
                for e in entries.iter() {
                    let Some(key) = e.key.as_str() else { continue };
                    // Strategic-merge-patch directives (`$patch: delete`, `$retainKeys`) in
                    // kustomize patches are not fields.
                    if key.starts_with('$') {
                        continue;
                    }
                    let (slot, step): (usize, &'static str) = match known {
                        Known::Struct(type_name, fields) => {
                            match fields.iter().position(|f| *f == key) {
                                Some(i) => (i, fields[i]),
                                None => {
                                    self.report(key, e.key.span, type_name, fields);
                                    continue;
                                }
                            }
                        }
                        Known::Map => (0, "*"),
                        Known::Leaf => return,
                    };
                    let (next, next_known) = child(current, slot, step, self.schema);
                    if next_known == Known::Leaf {
                        continue;
                    }
                    self.ancestors.push(next);
                    self.shown.push(Seg::Key(key));
                    self.walk(&e.value);
                    self.shown.pop();
                    self.ancestors.pop();
                }
            }
            Value::Scalar(_) => {}
        }
    }

    fn report(
        &mut self,
        key: &str,
        key_span: Span,
        type_name: &'static str,
        fields: &'static [&'static str],
    ) {
        let suggestion = closest(key, fields).map(Suggestion::Rename).or_else(|| {
            // A field placed one or more levels too deep: does an enclosing object have it?
            let depth = self.ancestors.len().saturating_sub(1);
            (0..depth)
                .rev()
                .find_map(|d| match known_of(self.ancestors[d]) {
                    Known::Struct(_, f) if f.contains(&key) => Some(Suggestion::MoveTo(render(
                        &self.shown[..self.shown_len_for(d)],
                    ))),
                    _ => None,
                })
        });
        self.out.push(UnknownField {
            key: key.to_owned(),
            key_span,
            parent: render(&self.shown),
            type_name,
            suggestion,
        });
    }

    /// How many display segments cover the first `depth` keys (indexes ride along with the
    /// key before them).
    fn shown_len_for(&self, depth: usize) -> usize {
        let mut keys = 0;
        for (i, s) in self.shown.iter().enumerate() {
            if let Seg::Key(_) = s {
                if keys == depth {
                    return i;
                }
                keys += 1;
            }
        }
        self.shown.len()
    }
}

/// The field with the closest name: same name ignoring case, or a small edit distance.
fn closest(key: &str, fields: &'static [&'static str]) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    if let Some(f) = fields.iter().find(|f| f.to_ascii_lowercase() == lower) {
        return Some(f);
    }
    let limit = (key.len() / 4).clamp(1, 3);
    fields
        .iter()
        .map(|f| (edit_distance(&lower, &f.to_ascii_lowercase()), *f))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, f)| f)
}

/// The probe ends as soon as it has its answer; this error carries nothing.
#[derive(Debug)]
struct Done;

impl fmt::Display for Done {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("probe done")
    }
}
impl std::error::Error for Done {}
impl de::Error for Done {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Done
    }
}

struct Probe<'p> {
    path: &'p [&'p str],
    out: &'p Cell<Known>,
}

impl<'de> de::Deserializer<'de> for Probe<'_> {
    type Error = Done;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Done> {
        self.out.set(Known::Leaf);
        Err(Done)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, Done> {
        match self.path.split_first() {
            None => {
                self.out.set(Known::Struct(name, fields));
                Err(Done)
            }
            Some((key, rest)) => v.visit_map(ProbeMap {
                key: Some(key),
                rest,
                out: self.out,
            }),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Done> {
        match self.path.split_first() {
            None => {
                self.out.set(Known::Map);
                Err(Done)
            }
            Some((key, rest)) => v.visit_map(ProbeMap {
                key: Some(key),
                rest,
                out: self.out,
            }),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Done> {
        v.visit_seq(ProbeSeq { probe: Some(self) })
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Done> {
        v.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        v: V,
    ) -> Result<V::Value, Done> {
        v.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct tuple tuple_struct enum identifier ignored_any
    }
}

struct ProbeMap<'p> {
    key: Option<&'p str>,
    rest: &'p [&'p str],
    out: &'p Cell<Known>,
}

impl<'de> de::MapAccess<'de> for ProbeMap<'_> {
    type Error = Done;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Done> {
        match self.key.take() {
            Some(k) => seed.deserialize(k.into_deserializer()).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Done> {
        seed.deserialize(Probe {
            path: self.rest,
            out: self.out,
        })
    }
}

struct ProbeSeq<'p> {
    probe: Option<Probe<'p>>,
}

impl<'de> de::SeqAccess<'de> for ProbeSeq<'_> {
    type Error = Done;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Done> {
        match self.probe.take() {
            Some(p) => seed.deserialize(p).map(Some),
            None => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse_chunk, split_documents, Limits};
    use k8s_openapi::api::apps::v1::Deployment;

    #[test]
    fn probe_reads_field_lists() {
        let Known::Struct(name, fields) = known::<Deployment>(&["spec", "template", "spec"]) else {
            panic!("PodSpec is a struct")
        };
        assert_eq!(name, "PodSpec");
        assert!(fields.contains(&"nodeSelector"));
        assert_eq!(known::<Deployment>(&["metadata", "labels"]), Known::Map);
        assert!(matches!(
            known::<Deployment>(&["spec", "template", "spec", "containers"]),
            Known::Struct("Container", _)
        ));
    }

    #[test]
    fn finds_typos_and_misplaced_fields() {
        let s = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d, labels: {anything: x}}\nspec:\n  template:\n    spec:\n      nodeselector: {kubernetes.io/os: windows}\n      containers:\n      - name: c\n        image: x\n        tolerations: []\n        resources: {limits: {cpu: 1}}\n";
        let arena = crate::yaml::Arena::new();
        let docs = parse_chunk(&arena, split_documents(s)[0], Limits::default()).expect("yaml");
        let found = unknown_fields("Deployment", known::<Deployment>, &docs[0].root);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].key, "nodeselector");
        assert_eq!(found[0].parent, "spec.template.spec");
        assert_eq!(
            found[0].suggestion,
            Some(Suggestion::Rename("nodeSelector"))
        );
        assert_eq!(found[1].key, "tolerations");
        assert_eq!(found[1].parent, "spec.template.spec.containers[0]");
        assert_eq!(
            found[1].suggestion,
            Some(Suggestion::MoveTo("spec.template.spec".into()))
        );
    }
}
