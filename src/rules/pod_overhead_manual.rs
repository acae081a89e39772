//! `pod-overhead-manual`: `spec.overhead` written by hand, which the RuntimeClass admission
//! plugin rejects unless it equals the RuntimeClass's own overhead.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::{Context, Pod, Rule};
use crate::finding::{Finding, Label};
use crate::facts::placement::RuntimeClassRef;
use crate::facts::pod::scheduling;
use crate::yaml::Span;


pub fn pod_overhead_manual_diagnostic(w: &Pod<'_>, at: Span, message: &str) -> Finding {
    META.finding(
        format!("pods are rejected at admission: {message}"),
        Label::new(at, "set by the RuntimeClass admission plugin, not by hand"),
    )
    .with_help(format!(
        "remove `overhead` from `{}`; declare it in the RuntimeClass (`overhead.podFixed`) and name that RuntimeClass in `runtimeClassName`",
        w.spec_path
    ))
    .with_resource(w.id)
}

/// A quantity's value (`250m` = 0.25, `1Gi` = 2^30), for semantic comparison.
fn quantity_value(q: &str) -> Option<f64> {
    let q = q.trim();
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '+' | '-')))
        .unwrap_or(q.len());
    let (num, suffix) = q.split_at(split);
    let n: f64 = num.parse().ok()?;
    let scale = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        s if s.starts_with(['e', 'E']) => 10f64.powi(s[1..].parse().ok()?),
        _ => return None,
    };
    Some(n * scale)
}

/// `apiequality.Semantic.DeepEqual` on resource lists: same names, equal quantities.
fn same_resources(a: &BTreeMap<String, Quantity>, b: &BTreeMap<String, Quantity>) -> bool {
    a.len() == b.len()
        && a.iter().all(|(k, q)| {
            b.get(k)
                .is_some_and(|r| match (quantity_value(&q.0), quantity_value(&r.0)) {
                    (Some(x), Some(y)) => {
                        (x - y).abs() <= f64::EPSILON * x.abs().max(y.abs()).max(1.0)
                    }
                    _ => q.0 == r.0,
                })
        })
}

declare_rule! {
    pub struct PodOverheadManual {
        name: "pod-overhead-manual",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for PodOverheadManual {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some(overhead) = &w.spec.overhead else {
            return;
        };
        let without = "Pod Overhead set without corresponding RuntimeClass defined Overhead";
        let message = match scheduling(w, cx).runtime_class {
            RuntimeClassRef::None => without,
            // Unknown RuntimeClass: runtimeclass-not-found reports; its overhead is unknown.
            RuntimeClassRef::Missing(_) => return,
            RuntimeClassRef::Found(rc) => match &rc.overhead {
                None => without,
                Some(fixed) if same_resources(overhead, fixed) => return,
                Some(_) => "Pod's Overhead doesn't match RuntimeClass's defined Overhead",
            },
        };
        let at = w.key_span(&["overhead"]).unwrap_or(w.spec_key);
        out.push(pod_overhead_manual_diagnostic(w, at, message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        let q = |s: &str| quantity_value(s).expect(s);
        assert_eq!(q("250m"), 0.25);
        assert_eq!(q("1Gi"), 1073741824.0);
        assert_eq!(q("1e3"), 1000.0);
        assert_eq!(q("0.5"), q("500m"));
        assert_eq!(quantity_value("1x"), None);
        let m = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
                .collect::<BTreeMap<_, _>>()
        };
        assert!(same_resources(
            &m(&[("cpu", "250m"), ("memory", "120Mi")]),
            &m(&[("cpu", "0.25"), ("memory", "125829120")])
        ));
        assert!(!same_resources(
            &m(&[("cpu", "250m")]),
            &m(&[("cpu", "250m"), ("memory", "1")])
        ));
        assert!(!same_resources(
            &m(&[("cpu", "250m")]),
            &m(&[("cpu", "300m")])
        ));
    }
}
