//! A file's documents as JSON values, the way Kubernetes converts YAML to JSON: for the
//! tests that compare winlint's parser with go-yaml (kubectl) and with the YAML test suite.
//! The lint pipeline does not use it; typed models come from the span tree directly.

use serde_json::{Map, Number, Value as Json};

use super::de::{key_string, scalar_value};
use super::resolve::Resolved;
use super::split::split_documents;
use super::tree::{parse_chunk, Arena, Limits, Node, ParseError, Value};

/// Every non-empty document of `text` as JSON, or the first parse error. A mapping key that
/// repeats keeps its last value, as in Kubernetes.
pub fn documents_json(text: &str) -> Result<Vec<Json>, ParseError> {
    let mut out = Vec::new();
    let mut arena = Arena::new();
    for chunk in split_documents(text) {
        arena.reset();
        for doc in parse_chunk(&arena, chunk, Limits::default())? {
            if !doc.root.is_null() {
                out.push(node_json(&doc.root)?);
            }
        }
    }
    Ok(out)
}

/// One node as JSON. Integral floats become integers, as Go's JSON encoder writes them.
pub fn node_json(node: &Node<'_>) -> Result<Json, ParseError> {
    Ok(match &node.value {
        Value::Scalar(s) => match scalar_value(node) {
            Resolved::Null => Json::Null,
            Resolved::Bool(b) => Json::Bool(b),
            Resolved::Int(i) => Json::from(i),
            Resolved::UInt(u) => Json::from(u),
            Resolved::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Json::from(f as i64),
            Resolved::Float(f) => Number::from_f64(f).map_or(Json::Null, Json::Number),
            Resolved::Str => Json::String(s.text.to_string()),
        },
        Value::Seq(items) => Json::Array(items.iter().map(node_json).collect::<Result<_, _>>()?),
        Value::Map(entries) => {
            let mut map = Map::new();
            for e in entries.iter() {
                let key = key_string(&e.key).map_err(|err| ParseError {
                    message: err.message,
                    at: e.key.span.start,
                })?;
                map.insert(key.into_owned(), node_json(&e.value)?);
            }
            Json::Object(map)
        }
    })
}
