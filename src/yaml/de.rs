//! A serde Deserializer over the span tree. Typed models (k8s-openapi, the config) are built
//! straight from the tree, with no intermediate JSON value, and every error carries the field
//! path and the span of the node where it happened.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};

use super::resolve::{resolve_plain, Resolved};
use super::tree::{Node, Span, Style, Value};

/// One step of a field path, for messages such as `spec.containers[0].image`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

/// A deserialization error with the path and span of the offending node.
#[derive(Debug, Clone, PartialEq)]
pub struct DeError {
    pub message: String,
    pub span: Option<Span>,
    /// Innermost segment first while unwinding; use [`DeError::path`].
    rev_path: Vec<PathSeg>,
}

impl DeError {
    pub fn path(&self) -> Vec<PathSeg> {
        self.rev_path.iter().rev().cloned().collect()
    }
    /// `spec.containers[0].image` style.
    pub fn path_string(&self) -> String {
        let mut s = String::new();
        for seg in self.rev_path.iter().rev() {
            match seg {
                PathSeg::Key(k) => {
                    if !s.is_empty() {
                        s.push('.');
                    }
                    s.push_str(k);
                }
                PathSeg::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }
    fn at(mut self, span: Span) -> Self {
        self.span.get_or_insert(span);
        self
    }
    fn within(mut self, seg: PathSeg) -> Self {
        self.rev_path.push(seg);
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            message: msg.to_string(),
            span: None,
            rev_path: Vec::new(),
        }
    }
}

/// Deserializes `T` from a node.
pub fn from_node<'de, T: de::Deserialize<'de>>(node: &Node<'_>) -> Result<T, DeError> {
    T::deserialize(NodeDe { node, skip: &[] })
}

/// Deserializes a Kubernetes object, leaving out `apiVersion` and `kind`: they were matched
/// already, and older group versions of a kind are decoded with the current model.
pub fn from_object_node<'de, T: de::Deserialize<'de>>(node: &Node<'_>) -> Result<T, DeError> {
    T::deserialize(NodeDe {
        node,
        skip: &["apiVersion", "kind"],
    })
}

/// What a scalar becomes after Kubernetes' YAML-to-JSON step.
pub(super) fn scalar_value(node: &Node<'_>) -> Resolved {
    let Value::Scalar(s) = &node.value else {
        return Resolved::Str;
    };
    match s.core_tag {
        Some("str") | Some("binary") | Some("timestamp") => Resolved::Str,
        Some(_) => resolve_plain(s.text),
        None if s.style == Style::Plain => resolve_plain(s.text),
        None => Resolved::Str,
    }
}

struct NodeDe<'n, 'a> {
    node: &'n Node<'a>,
    /// Top-level keys to leave out (only for the root of an object).
    skip: &'static [&'static str],
}

impl<'de> de::Deserializer<'de> for NodeDe<'_, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        let span = self.node.span;
        let r = match &self.node.value {
            Value::Scalar(s) => match scalar_value(self.node) {
                Resolved::Null => v.visit_unit(),
                Resolved::Bool(b) => v.visit_bool(b),
                Resolved::Int(i) => v.visit_i64(i),
                Resolved::UInt(u) => v.visit_u64(u),
                // Go's JSON encoder writes an integral float64 as an integer, so `1.0` fits
                // an integer field after kubectl's conversion.
                Resolved::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => v.visit_i64(f as i64),
                Resolved::Float(f) => v.visit_f64(f),
                Resolved::Str => v.visit_str(s.text),
            },
            Value::Seq(items) => v.visit_seq(SeqDe {
                items: items.iter(),
                index: 0,
            }),
            Value::Map(entries) => v.visit_map(MapDe {
                entries: entries.iter(),
                pending: None,
                skip: self.skip,
            }),
        };
        r.map_err(|e| e.at(span))
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        if matches!(scalar_value(self.node), Resolved::Null)
            && matches!(self.node.value, Value::Scalar(_))
        {
            v.visit_none()
        } else {
            let span = self.node.span;
            v.visit_some(self).map_err(|e| e.at(span))
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, DeError> {
        let span = self.node.span;
        v.visit_newtype_struct(self).map_err(|e| e.at(span))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        let span = self.node.span;
        match &self.node.value {
            Value::Scalar(s) => {
                let d: de::value::StrDeserializer<'_, DeError> = s.text.into_deserializer();
                v.visit_enum(d).map_err(|e| e.at(span))
            }
            _ => Err(<DeError as de::Error>::custom("expected a string").at(span)),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        v.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

struct SeqDe<'n, 'a> {
    items: std::slice::Iter<'n, Node<'a>>,
    index: usize,
}

impl<'de> de::SeqAccess<'de> for SeqDe<'_, '_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let Some(node) = self.items.next() else {
            return Ok(None);
        };
        let i = self.index;
        self.index += 1;
        seed.deserialize(NodeDe { node, skip: &[] })
            .map(Some)
            .map_err(|e| e.at(node.span).within(PathSeg::Index(i)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapDe<'n, 'a> {
    entries: std::slice::Iter<'n, super::tree::Entry<'a>>,
    /// The value of the key just read, and the key (borrowed from the tree unless it was
    /// resolved from a number or boolean).
    pending: Option<(&'n Node<'a>, Cow<'n, str>)>,
    skip: &'static [&'static str],
}

impl<'de, 'n> de::MapAccess<'de> for MapDe<'n, '_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let skip = self.skip;
        // JSON null "has no effect" on a Go value (encoding/json), so `key: ~` is as good as
        // an absent key to the API server: leave such entries out.
        let Some(entry) = self
            .entries
            .find(|e| !e.value.is_null() && !skip.iter().any(|k| e.key.as_str() == Some(k)))
        else {
            return Ok(None);
        };
        let key = key_string(&entry.key)?;
        let k = seed
            .deserialize(key.as_ref().into_deserializer())
            .map_err(|e: DeError| {
                e.at(entry.key.span)
                    .within(PathSeg::Key(key.clone().into_owned()))
            })?;
        self.pending = Some((&entry.value, key));
        Ok(Some(k))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let Some((node, key)) = self.pending.take() else {
            return Err(de::Error::custom("value requested before key"));
        };
        seed.deserialize(NodeDe { node, skip: &[] })
            .map_err(|e| e.at(node.span).within(PathSeg::Key(key.into_owned())))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// The JSON object key a YAML key becomes (sigs.k8s.io/yaml turns scalar keys into strings:
/// `true`, `420` for `0644`, `null`).
pub(crate) fn key_string<'n>(key: &'n Node<'_>) -> Result<Cow<'n, str>, DeError> {
    let Value::Scalar(s) = &key.value else {
        return Err(<DeError as de::Error>::custom(
            "mapping keys must be strings, not collections",
        )
        .at(key.span));
    };
    Ok(match scalar_value(key) {
        Resolved::Str => Cow::Borrowed(s.text),
        Resolved::Null => "null".into(),
        Resolved::Bool(b) => b.to_string().into(),
        Resolved::Int(i) => i.to_string().into(),
        Resolved::UInt(u) => u.to_string().into(),
        Resolved::Float(f) => f.to_string().into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{parse_chunk, split_documents, Limits};
    use k8s_openapi::api::core::v1::Pod;

    fn pod(s: &str) -> Result<Pod, DeError> {
        let chunk = split_documents(s)[0];
        let arena = crate::yaml::Arena::new();
        let docs = parse_chunk(&arena, chunk, Limits::default()).expect("yaml");
        from_node(&docs[0].root)
    }

    #[test]
    fn typed_pod_with_quantities_as_numbers() {
        let p = pod("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: c\n    image: x\n    resources:\n      limits: {cpu: 1, memory: 512}\n      requests: {cpu: .5}\n")
            .expect("valid pod");
        let c = &p.spec.expect("spec").containers[0];
        let r = c.resources.as_ref().expect("resources");
        assert_eq!(r.limits.as_ref().expect("limits")["cpu"].0, "1");
        assert_eq!(r.limits.as_ref().expect("limits")["memory"].0, "512");
        assert_eq!(r.requests.as_ref().expect("requests")["cpu"].0, "0.5");
    }

    #[test]
    fn octal_and_errors_with_path_and_span() {
        let s = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  volumes:\n  - name: v\n    secret: {secretName: s, defaultMode: 0644}\n  containers:\n  - name: c\n    env:\n    - name: PORT\n      value: 8080\n";
        let err = pod(s).expect_err("int where string belongs");
        assert_eq!(err.path_string(), "spec.containers[0].env[0].value");
        let span = err.span.expect("span");
        assert_eq!(&s[span.start..span.end], "8080");
        assert!(
            err.message.contains("invalid type: integer `8080`"),
            "{}",
            err.message
        );

        let ok = pod(&s.replace("8080", "\"8080\"")).expect("quoted is fine");
        let mode = ok.spec.expect("spec").volumes.expect("volumes")[0]
            .secret
            .as_ref()
            .and_then(|s| s.default_mode);
        assert_eq!(mode, Some(420));
    }

    #[test]
    fn non_string_keys_resolve_like_kubernetes() {
        let chunk = split_documents("yes: 1\n0644: 2\n")[0];
        let arena = crate::yaml::Arena::new();
        let docs = parse_chunk(&arena, chunk, Limits::default()).expect("yaml");
        let m: std::collections::BTreeMap<String, i32> = from_node(&docs[0].root).expect("map");
        assert_eq!(m.get("true"), Some(&1));
        assert_eq!(m.get("420"), Some(&2));
    }
}
