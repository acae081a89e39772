//! `windows-taint-not-tolerated`: a Windows pod whose every Windows pool carries a taint the
//! pod does not tolerate, so it stays Pending.

use k8s_openapi::api::core::v1::{Taint, Toleration};

use super::shared::{describe, one_edit, pod_spec_at, with_caveat};
use super::{Context, Pod, Rule};
use crate::facts::cluster::{name_list, NodePool};
use crate::finding::{Applicability, Finding, Label, Severity};
use crate::facts::intent::{Evidence, OsTarget};
use crate::facts::pod::os_target;
use crate::facts::placement::taint_text;
use crate::facts::pod::scheduling;
use crate::facts::scheduling::Tri;
use crate::yaml::edit::{New, Writer};
use crate::yaml::Span;


pub fn windows_taint_not_tolerated_diagnostic(
    w: &Pod<'_>,
    severity: Severity,
    pools: &[&NodePool],
    taints: &[Taint],
    evidence: Evidence,
    near_misses: Vec<(Span, String)>,
    cx: &Context<'_>,
) -> Finding {
    let plural = if pools.len() == 1 { "" } else { "s" };
    let taint_list: Vec<String> = taints
        .iter()
        .map(|t| format!("`{}`", taint_text(t)))
        .collect();
    let at = match w.key_span(&["tolerations"]) {
        Some(span) => (span, "no toleration here matches the Windows taint"),
        None => (w.spec_key, "the pod has no tolerations"),
    };
    let (fix, how) = toleration_fix(w, taints, cx);
    let help = format!("tolerate the taint; {how}");
    let mut f = META.graded(
        severity,
        format!(
            "Windows pod does not tolerate taint {} of Windows node pool{plural} {}, so it can never be scheduled onto a Windows node",
            taint_list.join(", "),
            name_list(pools.iter().map(|p| p.name.as_str()), 3)
        ),
        Label::new(at.0, at.1),
    )
    .with_secondary(Label::new(evidence.span, evidence.text));
    for (span, text) in near_misses {
        f = f.with_secondary(Label::new(span, text));
    }
    f.with_help(with_caveat(help, cx))
        .with_fix(fix)
        .with_resource(w.id)
}

/// The tolerations of `taints`, appended to the pod's list (or added as a new one).
fn toleration_fix(
    w: &Pod<'_>,
    taints: &[Taint],
    cx: &Context<'_>,
) -> (Option<crate::finding::Fix>, String) {
    let items: Vec<New> = taints
        .iter()
        .map(|t| {
            let mut e = vec![("key".to_owned(), New::str(&t.key))];
            match t.value.as_deref() {
                Some(v) if !v.is_empty() => {
                    e.push(("operator".to_owned(), New::str("Equal")));
                    e.push(("value".to_owned(), New::str(v)));
                }
                _ => e.push(("operator".to_owned(), New::str("Exists"))),
            }
            e.push(("effect".to_owned(), New::str(&t.effect)));
            New::Map(e)
        })
        .collect();
    let into = w.edit_target("tolerations");
    let edit = (!cx.source.is_empty())
        .then(|| Writer::new(cx.source).append_items(pod_spec_at(w), "tolerations", &items))
        .flatten();
    match edit {
        Some(e) => {
            let help = describe(cx.source, std::slice::from_ref(&e), &into);
            (one_edit(Some(e), Applicability::Safe), help)
        }
        None => {
            let mut help = format!("add to `{}`:\n", w.path("tolerations"));
            for t in taints {
                help.push_str(&format!("- key: {}\n  effect: {}\n", t.key, t.effect));
            }
            (None, help)
        }
    }
}

struct Found<'c> {
    evidence: Evidence,
    pools: Vec<&'c NodePool>,
    taints: Vec<Taint>,
}

fn detect<'c>(w: &Pod<'c>, cx: &Context<'c>) -> Option<Found<'c>> {
    let OsTarget::Windows(evidence) = os_target(w, cx) else {
        return None;
    };
    let sched = scheduling(w, cx);
    if !sched.judgeable() {
        return None;
    }
    let cluster: &'c crate::facts::cluster::Cluster = cx.cluster;
    let admitted: Vec<&NodePool> = cluster
        .pools_with_os("windows")
        .filter(|p| sched.admits(p).possible())
        .collect();
    if admitted.is_empty() || admitted.iter().any(|p| sched.fits(p) != Tri::No) {
        return None;
    }
    let mut taints: Vec<Taint> = Vec::new();
    for p in &admitted {
        for t in sched.untolerated(p) {
            if !taints.contains(t) {
                taints.push(t.clone());
            }
        }
    }
    Some(Found {
        evidence: evidence.clone(),
        pools: admitted,
        taints,
    })
}

/// Why a toleration that looks meant for `taint` does not tolerate it, if it does look so,
/// and the field at fault.
fn near_miss(tol: &Toleration, taint: &Taint) -> Option<(&'static str, String)> {
    let s = |o: &Option<String>| o.clone().unwrap_or_default();
    let (key, op, value, effect) = (s(&tol.key), s(&tol.operator), s(&tol.value), s(&tol.effect));
    let taint_value = taint.value.clone().unwrap_or_default();
    if key.is_empty() || !key.eq_ignore_ascii_case(&taint.key) {
        return None;
    }
    if key != taint.key {
        return Some((
            "key",
            format!(
                "key `{key}` is not `{}`: keys are case-sensitive",
                taint.key
            ),
        ));
    }
    if !effect.is_empty() && effect != taint.effect {
        return Some((
            "effect",
            format!(
                "effect `{effect}` does not cover the taint's `{}`; leave `effect` empty or use `{}`",
                taint.effect, taint.effect
            ),
        ));
    }
    let why = match op.as_str() {
        "" | "Equal" if value != taint_value && value.eq_ignore_ascii_case(&taint_value) => {
            Some(format!(
                "value `{value}` is not `{taint_value}`: `Equal` compares values case-sensitively"
            ))
        }
        "" | "Equal" if value != taint_value => Some(format!(
            "value `{value}` is not the taint's `{taint_value}`"
        )),
        "" | "Equal" | "Exists" => None,
        other => Some(format!(
            "operator `{other}` is not `Equal` or `Exists`, so it tolerates nothing"
        )),
    };
    let field = if matches!(op.as_str(), "" | "Equal") {
        "value"
    } else {
        "operator"
    };
    why.map(|w| (field, w))
}

declare_rule! {
    pub struct WindowsTaintNotTolerated {
        name: "windows-taint-not-tolerated",
        category: Correctness,
        severity: Error,
        also: [Warning],
        fix: Safe,
    }
}

impl Rule for WindowsTaintNotTolerated {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some(found) = detect(w, cx) else {
            return;
        };
        // Exact against the user's own pools; a guess against a built-in model.
        let severity = if cx.cluster.is_declared() {
            Severity::Error
        } else {
            Severity::Warning
        };
        let mut near = Vec::new();
        for (i, tol) in w.spec.tolerations.iter().flatten().enumerate() {
            let Some((field, why)) = found.taints.iter().find_map(|t| near_miss(tol, t)) else {
                continue;
            };
            let item = w.field(&["tolerations"]).and_then(|n| n.as_seq()?.get(i));
            if let Some(node) = item.and_then(|n| n.get(field)).or(item) {
                near.push((node.span, why));
            }
        }
        out.push(windows_taint_not_tolerated_diagnostic(
            w,
            severity,
            &found.pools,
            &found.taints,
            found.evidence,
            near,
            cx,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tol(key: &str, op: &str, value: &str, effect: &str) -> Toleration {
        let o = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        Toleration {
            key: o(key),
            operator: o(op),
            value: o(value),
            effect: o(effect),
            ..Default::default()
        }
    }

    #[test]
    fn near_misses() {
        let t = Taint {
            key: "os".into(),
            value: Some("windows".into()),
            effect: "NoSchedule".into(),
            ..Default::default()
        };
        let cases = [
            (
                tol("os", "Equal", "Windows", "NoSchedule"),
                Some("case-sensitively"),
            ),
            (tol("OS", "Exists", "", ""), Some("keys are case-sensitive")),
            (
                tol("os", "Equal", "windows", "NoExecute"),
                Some("does not cover"),
            ),
            (tol("os", "Equal", "linux", ""), Some("is not the taint's")),
            (tol("os", "exists", "", ""), Some("tolerates nothing")),
            (tol("os", "Equal", "windows", ""), None),
            (tol("gpu", "Exists", "", ""), None),
            (tol("", "Exists", "", ""), None),
        ];
        for (t2, want) in cases {
            let got = near_miss(&t2, &t).map(|(_, why)| why);
            match want {
                Some(w) => assert!(
                    got.as_deref().is_some_and(|g| g.contains(w)),
                    "{t2:?}: {got:?}"
                ),
                None => assert_eq!(got, None, "{t2:?}"),
            }
        }
    }
}
