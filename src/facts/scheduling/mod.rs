//! kube-scheduler placement semantics (node affinity, nodeSelector, taints/tolerations and the
//! RuntimeClass merge), evaluated against node pools whose labels may be unknown (open world).

mod selectors;
mod tolerations;

pub use self::selectors::{
    field_requirement_matches, merge_node_selector, node_selector_map_matches,
    node_selector_matches, requirement_matches, term_matches,
};
pub use self::tolerations::{merge_tolerations, tolerates, untolerated};

use std::collections::BTreeMap;

use super::node_labels::implied;

/// Three-valued answer: a pool that does not declare a label can neither satisfy nor fail a selector on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tri {
    Yes,
    No,
    Unknown,
}

impl Tri {
    fn from_bool(b: bool) -> Tri {
        if b {
            Tri::Yes
        } else {
            Tri::No
        }
    }

    /// Kleene AND: No wins, then Unknown.
    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::No, _) | (_, Tri::No) => Tri::No,
            (Tri::Yes, Tri::Yes) => Tri::Yes,
            _ => Tri::Unknown,
        }
    }

    /// Kleene OR: Yes wins, then Unknown.
    pub fn or(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::Yes, _) | (_, Tri::Yes) => Tri::Yes,
            (Tri::No, Tri::No) => Tri::No,
            _ => Tri::Unknown,
        }
    }

    /// AND over `iter`; an empty iterator is Yes.
    pub fn all(iter: impl IntoIterator<Item = Tri>) -> Tri {
        iter.into_iter().fold(Tri::Yes, Tri::and)
    }

    /// OR over `iter`; an empty iterator is No.
    pub fn any(iter: impl IntoIterator<Item = Tri>) -> Tri {
        iter.into_iter().fold(Tri::No, Tri::or)
    }

    /// Yes or Unknown.
    pub fn possible(self) -> bool {
        self != Tri::No
    }
}

/// What a node pool says about one label key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelValue<'a> {
    Value(&'a str),
    Absent,
    Unknown,
    /// Not listed by a pool whose OS (and build) is known, for a key whose values imply an
    /// OS ([`crate::facts::node_labels`]): unknown, except that no value implying another
    /// OS or build can be it.
    Implied {
        os: &'a str,
        build: Option<u32>,
    },
}

impl LabelValue<'_> {
    /// Could the pool's label `key` have `value`? No only when it surely cannot.
    pub fn could_be(self, key: &str, value: &str) -> Tri {
        match self {
            LabelValue::Value(v) => Tri::from_bool(v == value),
            LabelValue::Absent => Tri::No,
            LabelValue::Unknown => Tri::Unknown,
            LabelValue::Implied { os, build } => match implied(key, value) {
                Some((o, _)) if o != os => Tri::No,
                Some((_, Some(b))) if build.is_some_and(|have| have != b) => Tri::No,
                _ => Tri::Unknown,
            },
        }
    }
}

/// LabelValue lookup of a node pool (implemented elsewhere by the cluster model).
pub trait Labels {
    fn label(&self, key: &str) -> LabelValue<'_>;
}

/// Closed-world helper: a plain map where missing keys are Absent.
pub struct ClosedLabels<'a>(pub &'a BTreeMap<String, String>);

impl Labels for ClosedLabels<'_> {
    fn label(&self, key: &str) -> LabelValue<'_> {
        self.0
            .get(key)
            .map_or(LabelValue::Absent, |v| LabelValue::Value(v))
    }
}

#[cfg(test)]
mod tests;
