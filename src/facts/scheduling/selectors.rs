//! Node-selector matching: label requirements (with `labels.NewRequirement`'s validation),
//! terms, required node affinity and the nodeSelector map, plus the RuntimeClass
//! nodeSelector merge.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{NodeSelector, NodeSelectorRequirement, NodeSelectorTerm};

use super::{LabelValue, Labels, Tri};

/// `labels.NewRequirement`'s checks. The scheduler turns a failing requirement into a parse
/// error and the whole term then matches nothing (nodeaffinity.go `nodeSelectorTerm.match`),
/// whatever the node's labels are.
fn requirement_valid(key: &str, op: &str, values: &[String]) -> bool {
    let count_ok = match op {
        "In" | "NotIn" => !values.is_empty(),
        "Exists" | "DoesNotExist" => values.is_empty(),
        "Gt" | "Lt" => values.len() == 1 && values[0].parse::<i64>().is_ok(),
        _ => false,
    };
    count_ok && valid_label_key(key) && values.iter().all(|v| valid_label_value(v))
}

/// Name part of a qualified name (`IsQualifiedName`): 1-63 chars of `[-A-Za-z0-9_.]`,
/// alphanumeric at both ends.
fn valid_name_part(n: &str) -> bool {
    let b = n.as_bytes();
    b.len() <= 63
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// `IsValidLabelValue`: empty, or a valid name part.
fn valid_label_value(v: &str) -> bool {
    v.is_empty() || valid_name_part(v)
}

/// `IsQualifiedName`: `[DNS-1123 subdomain "/"] name`.
fn valid_label_key(k: &str) -> bool {
    let dns_label = |l: &str| {
        let b = l.as_bytes();
        let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        b.first().is_some_and(alnum)
            && b.last().is_some_and(alnum)
            && b.iter().all(|c| alnum(c) || *c == b'-')
    };
    match k.split_once('/') {
        None => valid_name_part(k),
        Some((prefix, name)) => {
            prefix.len() <= 253 && prefix.split('.').all(dns_label) && valid_name_part(name)
        }
    }
}

/// `labels.Requirement.Matches` for a node label, with Unknown for labels the pool does not declare.
/// A requirement that `labels.NewRequirement` rejects (bad operator, value count, Gt/Lt value
/// not an integer, invalid key or value syntax) is No on every pool.
pub fn requirement_matches(req: &NodeSelectorRequirement, labels: &dyn Labels) -> Tri {
    let values = req.values.as_deref().unwrap_or(&[]);
    let op = req.operator.as_str();
    if !requirement_valid(&req.key, op, values) {
        return Tri::No;
    }
    match (op, labels.label(&req.key)) {
        (_, LabelValue::Unknown) => Tri::Unknown,
        ("In", have @ LabelValue::Implied { .. }) => {
            Tri::any(values.iter().map(|v| have.could_be(&req.key, v)))
        }
        // Absent, or a value none of the impossible ones: NotIn holds.
        ("NotIn", have @ LabelValue::Implied { .. }) => {
            if values.iter().all(|v| have.could_be(&req.key, v) == Tri::No) {
                Tri::Yes
            } else {
                Tri::Unknown
            }
        }
        (_, LabelValue::Implied { .. }) => Tri::Unknown,
        ("In", LabelValue::Value(v)) => Tri::from_bool(values.iter().any(|x| x == v)),
        ("NotIn", LabelValue::Value(v)) => Tri::from_bool(!values.iter().any(|x| x == v)),
        // NotIn and DoesNotExist match a missing label.
        ("NotIn" | "DoesNotExist", LabelValue::Absent) => Tri::Yes,
        ("Exists", LabelValue::Value(_)) => Tri::Yes,
        ("Gt" | "Lt", LabelValue::Value(v)) => {
            match (v.parse::<i64>(), values.first().map(|w| w.parse::<i64>())) {
                (Ok(n), Some(Ok(w))) => Tri::from_bool(if op == "Gt" { n > w } else { n < w }),
                _ => Tri::No,
            }
        }
        _ => Tri::No,
    }
}

/// matchFields: only key `metadata.name` with In/NotIn and exactly one value is valid
/// (`ValidateNodeFieldSelectorRequirement`); a pool has no fixed name, so those are Unknown.
pub fn field_requirement_matches(req: &NodeSelectorRequirement) -> Tri {
    let one_value = req.values.as_ref().is_some_and(|v| v.len() == 1);
    match req.operator.as_str() {
        "In" | "NotIn" if req.key == "metadata.name" && one_value => Tri::Unknown,
        _ => Tri::No,
    }
}

/// A term: expressions ANDed, and matchFields ANDed too; a term with neither matches nothing
/// (`NewLazyErrorNodeSelector` skips empty terms).
pub fn term_matches(term: &NodeSelectorTerm, labels: &dyn Labels) -> Tri {
    let exprs = term.match_expressions.as_deref().unwrap_or(&[]);
    let fields = term.match_fields.as_deref().unwrap_or(&[]);
    if exprs.is_empty() && fields.is_empty() {
        return Tri::No;
    }
    Tri::all(exprs.iter().map(|r| requirement_matches(r, labels)))
        .and(Tri::all(fields.iter().map(field_requirement_matches)))
}

/// Required node affinity: terms ORed; no terms matches nothing.
pub fn node_selector_matches(sel: &NodeSelector, labels: &dyn Labels) -> Tri {
    Tri::any(
        sel.node_selector_terms
            .iter()
            .map(|t| term_matches(t, labels)),
    )
}

/// A pod's spec.nodeSelector map: every key must be present with exactly this value
/// (`labels.SelectorFromSet`, `=` requirements).
pub fn node_selector_map_matches(map: &BTreeMap<String, String>, labels: &dyn Labels) -> Tri {
    Tri::all(
        map.iter()
            .map(|(k, want)| labels.label(k).could_be(k, want)),
    )
}

/// RuntimeClass nodeSelector merge (runtimeclass admission `setScheduling`): Ok(merged) or
/// Err((key, rc_value, pod_value)) for the first conflicting key in key order.
pub fn merge_node_selector(
    pod: Option<&BTreeMap<String, String>>,
    runtime_class: &BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, (String, String, String)> {
    let Some(pod) = pod else {
        return Ok(runtime_class.clone());
    };
    let mut merged = pod.clone();
    for (k, rc_value) in runtime_class {
        match pod.get(k) {
            Some(pod_value) if pod_value != rc_value => {
                return Err((k.clone(), rc_value.clone(), pod_value.clone()));
            }
            _ => {
                merged.insert(k.clone(), rc_value.clone());
            }
        }
    }
    Ok(merged)
}
