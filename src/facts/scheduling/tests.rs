//! Scheduler semantics against small cases: Kleene logic, every operator on known, absent
//! and unknown labels, terms, tolerations and the RuntimeClass merges.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration,
};

use super::tolerations::is_superset;
use super::*;
use Tri::{No, Unknown, Yes};

/// Test pool: `key=value` pairs are values, `key=?` is Unknown, anything else Absent.
struct Pool(Vec<(&'static str, &'static str)>);
impl Labels for Pool {
    fn label(&self, key: &str) -> LabelValue<'_> {
        match self.0.iter().find(|(k, _)| *k == key) {
            Some((_, "?")) => LabelValue::Unknown,
            Some((_, v)) => LabelValue::Value(v),
            None => LabelValue::Absent,
        }
    }
}

fn req(key: &str, op: &str, values: &[&str]) -> NodeSelectorRequirement {
    NodeSelectorRequirement {
        key: key.into(),
        operator: op.into(),
        values: (!values.is_empty()).then(|| values.iter().map(|v| v.to_string()).collect()),
    }
}

fn term(exprs: Vec<NodeSelectorRequirement>) -> NodeSelectorTerm {
    NodeSelectorTerm {
        match_expressions: Some(exprs),
        ..Default::default()
    }
}

fn tol(key: &str, op: &str, value: &str, effect: &str) -> Toleration {
    let opt = |x: &str| (!x.is_empty()).then(|| x.to_string());
    Toleration {
        key: opt(key),
        operator: opt(op),
        value: opt(value),
        effect: opt(effect),
        ..Default::default()
    }
}

fn taint(key: &str, value: &str, effect: &str) -> Taint {
    Taint {
        key: key.into(),
        value: Some(value.into()),
        effect: effect.into(),
        ..Default::default()
    }
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

const OS: &str = "kubernetes.io/os";

#[test]
fn kleene_tables() {
    let all = [Yes, No, Unknown];
    let and = [[Yes, No, Unknown], [No, No, No], [Unknown, No, Unknown]];
    let or = [[Yes, Yes, Yes], [Yes, No, Unknown], [Yes, Unknown, Unknown]];
    for (i, a) in all.iter().enumerate() {
        for (j, b) in all.iter().enumerate() {
            assert_eq!(a.and(*b), and[i][j], "{a:?} and {b:?}");
            assert_eq!(a.or(*b), or[i][j], "{a:?} or {b:?}");
        }
    }
    assert_eq!(Tri::all([]), Yes);
    assert_eq!(Tri::any([]), No);
    assert_eq!(Tri::all([Yes, Unknown]), Unknown);
    assert_eq!(Tri::all([Unknown, No]), No);
    assert_eq!(Tri::any([No, Unknown]), Unknown);
    assert_eq!(Tri::any([Unknown, Yes]), Yes);
    assert!(Yes.possible() && Unknown.possible() && !No.possible());
}

#[test]
fn closed_labels_missing_is_absent() {
    let m = map(&[(OS, "windows")]);
    assert_eq!(ClosedLabels(&m).label(OS), LabelValue::Value("windows"));
    assert_eq!(ClosedLabels(&m).label("other"), LabelValue::Absent);
}

#[test]
fn every_operator_against_value_absent_unknown() {
    let value = Pool(vec![("k", "5")]);
    let absent = Pool(vec![]);
    let unknown = Pool(vec![("k", "?")]);
    // (requirement, on Value("5"), on Absent, on Unknown)
    let cases = [
        (req("k", "In", &["5", "6"]), Yes, No, Unknown),
        (req("k", "In", &["6"]), No, No, Unknown),
        (req("k", "NotIn", &["6"]), Yes, Yes, Unknown),
        (req("k", "NotIn", &["5"]), No, Yes, Unknown),
        (req("k", "Exists", &[]), Yes, No, Unknown),
        (req("k", "DoesNotExist", &[]), No, Yes, Unknown),
        (req("k", "Gt", &["4"]), Yes, No, Unknown),
        (req("k", "Gt", &["5"]), No, No, Unknown),
        (req("k", "Lt", &["6"]), Yes, No, Unknown),
        (req("k", "Lt", &["5"]), No, No, Unknown),
        // "-5" is not a valid label value, so NewRequirement rejects it.
        (req("k", "Gt", &["-5"]), No, No, No),
        // Invalid requirements can never match (NewRequirement error).
        (req("k", "Gt", &["x"]), No, No, No),
        (req("k", "Lt", &["1", "2"]), No, No, No),
        (req("k", "Gt", &[]), No, No, No),
        (req("k", "In", &[]), No, No, No),
        (req("k", "NotIn", &[]), No, No, No),
        (req("k", "Exists", &["5"]), No, No, No),
        (req("k", "DoesNotExist", &["5"]), No, No, No),
        (req("k", "NotIn", &["bad value"]), No, No, No),
        (req("Bad_Prefix/k", "DoesNotExist", &[]), No, No, No),
        (req("k", "Equals", &["5"]), No, No, No),
        (req("k", "in", &["5"]), No, No, No),
    ];
    for (r, v, a, u) in cases {
        assert_eq!(requirement_matches(&r, &value), v, "{r:?} on value");
        assert_eq!(requirement_matches(&r, &absent), a, "{r:?} on absent");
        assert_eq!(requirement_matches(&r, &unknown), u, "{r:?} on unknown");
    }
}

#[test]
fn gt_lt_need_integer_node_value() {
    let build = Pool(vec![("node.kubernetes.io/windows-build", "10.0.17763")]);
    let r = req("node.kubernetes.io/windows-build", "Gt", &["1"]);
    assert_eq!(requirement_matches(&r, &build), No);
    let plus = Pool(vec![("k", "+7")]);
    assert_eq!(requirement_matches(&req("k", "Gt", &["6"]), &plus), Yes);
}

#[test]
fn in_is_case_sensitive_and_keys_may_be_prefixed() {
    let win = Pool(vec![(OS, "windows")]);
    assert_eq!(requirement_matches(&req(OS, "In", &["Windows"]), &win), No);
    assert_eq!(requirement_matches(&req(OS, "In", &["windows"]), &win), Yes);
    let empty = Pool(vec![("k", "")]);
    assert_eq!(requirement_matches(&req("k", "In", &[""]), &empty), Yes);
}

#[test]
fn terms_or_and_expressions_and() {
    let win = Pool(vec![(OS, "windows"), ("kubernetes.io/arch", "?")]);
    let linux = || req(OS, "In", &["linux"]);
    let windows = || req(OS, "In", &["windows"]);
    let arch = || req("kubernetes.io/arch", "In", &["amd64"]);
    let sel = |terms: Vec<Vec<NodeSelectorRequirement>>| NodeSelector {
        node_selector_terms: terms.into_iter().map(term).collect(),
    };
    let cases = [
        (vec![vec![windows(), arch()]], Unknown),
        (vec![vec![linux(), arch()]], No),
        (vec![vec![linux()], vec![windows()]], Yes),
        (vec![vec![linux()], vec![arch()]], Unknown),
        (vec![vec![linux()]], No),
        (vec![], No),
    ];
    for (terms, want) in cases {
        let s = sel(terms);
        assert_eq!(node_selector_matches(&s, &win), want, "{s:?}");
    }
}

#[test]
fn empty_term_matches_nothing() {
    let any = Pool(vec![]);
    assert_eq!(term_matches(&NodeSelectorTerm::default(), &any), No);
    assert_eq!(term_matches(&term(vec![]), &any), No);
    let sel = NodeSelector {
        node_selector_terms: vec![
            NodeSelectorTerm::default(),
            term(vec![req("k", "DoesNotExist", &[])]),
        ],
    };
    assert_eq!(node_selector_matches(&sel, &any), Yes);
}

#[test]
fn match_fields() {
    let cases = [
        (req("metadata.name", "In", &["n1"]), Unknown),
        (req("metadata.name", "NotIn", &["n1"]), Unknown),
        (req("metadata.name", "In", &["a", "b"]), No),
        (req("metadata.name", "Exists", &[]), No),
        (req("metadata.uid", "In", &["x"]), No),
    ];
    for (r, want) in cases {
        assert_eq!(field_requirement_matches(&r), want, "{r:?}");
    }
    let pool = Pool(vec![(OS, "windows")]);
    let fields_only = NodeSelectorTerm {
        match_fields: Some(vec![req("metadata.name", "In", &["n1"])]),
        ..Default::default()
    };
    assert_eq!(term_matches(&fields_only, &pool), Unknown);
    let both = NodeSelectorTerm {
        match_expressions: Some(vec![req(OS, "In", &["linux"])]),
        ..fields_only.clone()
    };
    assert_eq!(term_matches(&both, &pool), No);
}

#[test]
fn node_selector_map() {
    let pool = Pool(vec![(OS, "windows"), ("zone", "?")]);
    let cases: [(&[(&str, &str)], Tri); 6] = [
        (&[], Yes),
        (&[(OS, "windows")], Yes),
        (&[(OS, "Windows")], No),
        (&[(OS, "windows"), ("zone", "a")], Unknown),
        (&[("missing", "")], No),
        (&[("zone", "a"), (OS, "linux")], No),
    ];
    for (pairs, want) in cases {
        assert_eq!(
            node_selector_map_matches(&map(pairs), &pool),
            want,
            "{pairs:?}"
        );
    }
}

#[test]
fn canonical_windows_taint() {
    let t = taint("os", "windows", "NoSchedule");
    assert!(tolerates(&tol("os", "Equal", "windows", "NoSchedule"), &t));
    assert!(!tolerates(&tol("os", "Equal", "Windows", "NoSchedule"), &t));
}

#[test]
fn toleration_matching() {
    let t = taint("os", "windows", "NoSchedule");
    // (key, operator, value, effect) against os=windows:NoSchedule
    let cases = [
        ("", "Exists", "", "", true),        // empty key + Exists: everything
        ("", "Equal", "windows", "", false), // empty key needs Exists
        ("os", "", "windows", "", true),     // "" operator is Equal; "" effect is all
        ("os", "Equal", "windows", "NoExecute", false), // effect differs
        ("os", "Exists", "x", "NoSchedule", true), // Exists ignores the value
        ("OS", "Exists", "", "", false),     // key is case-sensitive
        ("os", "exists", "", "", false),     // unknown operator
    ];
    for (k, op, v, e, want) in cases {
        assert_eq!(tolerates(&tol(k, op, v, e), &t), want, "{k} {op} {v} {e}");
    }
    let no_value = Taint {
        value: None,
        ..taint("gpu", "", "NoSchedule")
    };
    assert!(
        tolerates(&tol("gpu", "Equal", "", ""), &no_value),
        "absent value == empty"
    );
}

#[test]
fn toleration_lt_gt() {
    // (operator, toleration value, taint value): Lt is taint < tol, Gt is taint > tol.
    let cases = [
        ("Lt", "20000", "17763", true),
        ("Lt", "17763", "17763", false),
        ("Gt", "17000", "17763", true),
        ("Gt", "20000", "17763", false),
        ("Lt", "0", "-3", true),
        ("Gt", "abc", "17763", false),    // unparsable toleration
        ("Lt", "1", "10.0.17763", false), // unparsable taint
        ("Gt", "017000", "17763", false), // not canonical: leading zero
        ("Gt", "+17000", "17763", false), // not canonical: plus sign
        ("Lt", "-0", "-3", false),        // not canonical: -0
    ];
    for (op, tv, nv, want) in cases {
        let t = taint("build", nv, "NoSchedule");
        assert_eq!(
            tolerates(&tol("build", op, tv, ""), &t),
            want,
            "{nv} {op} {tv}"
        );
    }
}

#[test]
fn untolerated_ignores_prefer_no_schedule() {
    let taints = [
        taint("a", "1", "PreferNoSchedule"),
        taint("b", "1", "NoExecute"),
        taint("os", "windows", "NoSchedule"),
        taint("c", "1", "NoSchedule"),
    ];
    let left = untolerated(&[tol("c", "Exists", "", "")], &taints);
    assert_eq!(
        left.iter().map(|t| t.key.as_str()).collect::<Vec<_>>(),
        ["b", "os"]
    );
    assert!(untolerated(&[tol("", "Exists", "", "")], &taints).is_empty());
    assert!(untolerated(&[], &taints[..1]).is_empty());
}

#[test]
fn merge_tolerations_is_a_union() {
    let win = || tol("os", "Equal", "windows", "NoSchedule");
    let linux = || tol("os", "Equal", "linux", "NoSchedule");
    let exists = || tol("os", "Exists", "", "NoSchedule");
    // Same (key, effect), different values: no clash, both kept, pod first.
    assert_eq!(merge_tolerations(&[win()], &[linux()]), [win(), linux()]);
    let os_taint = [taint("os", "windows", "NoSchedule")];
    assert!(untolerated(&merge_tolerations(&[win()], &[linux()]), &os_taint).is_empty());
    // A toleration subsumed by one from the other side is dropped, whichever side.
    assert_eq!(merge_tolerations(&[win()], &[exists()]), [exists()]);
    assert_eq!(merge_tolerations(&[exists()], &[linux()]), [exists()]);
    // Empty effect subsumes a specific effect; empty key + Exists subsumes everything.
    let any_effect = || tol("os", "Exists", "", "");
    assert_eq!(
        merge_tolerations(&[exists()], &[any_effect()]),
        [any_effect()]
    );
    let all = || tol("", "Exists", "", "");
    assert_eq!(merge_tolerations(&[win()], &[all(), linux()]), [all()]);
    assert!(merge_tolerations(&[], &[]).is_empty());
}

#[test]
fn merge_tolerations_duplicates_and_subtleties() {
    let a = || tol("os", "Equal", "windows", "NoSchedule");
    let b = || tol("gpu", "Exists", "", "NoSchedule");
    // Exact duplicates (absent and empty strings are equal) collapse to the first.
    let b_empty_value = Toleration {
        value: Some(String::new()),
        ..b()
    };
    assert_eq!(
        merge_tolerations(&[a(), b(), a()], &[b_empty_value]),
        [a(), b()]
    );
    // An explicit Equal is not a superset of an implicit ("") one, but the reverse holds.
    let implicit = || tol("os", "", "windows", "NoSchedule");
    assert!(!is_superset(&a(), &implicit()) && is_superset(&implicit(), &a()));
    assert_eq!(merge_tolerations(&[implicit()], &[a()]), [implicit()]);
    assert_eq!(merge_tolerations(&[a()], &[implicit()]), [implicit()]);
    // NoExecute with tolerationSeconds only subsumes shorter-or-equal windows.
    let secs = |n: Option<i64>| Toleration {
        toleration_seconds: n,
        ..tol("k", "Exists", "", "NoExecute")
    };
    assert_eq!(
        merge_tolerations(&[secs(Some(30))], &[secs(Some(60))]),
        [secs(Some(60))]
    );
    assert_eq!(
        merge_tolerations(&[secs(None)], &[secs(Some(60))]),
        [secs(None)]
    );
}

#[test]
fn merge_node_selector_cases() {
    let rc = map(&[(OS, "windows"), ("zone", "a")]);
    assert_eq!(merge_node_selector(None, &rc), Ok(rc.clone()));
    let pod = map(&[("app", "x"), ("zone", "a")]);
    assert_eq!(
        merge_node_selector(Some(&pod), &rc),
        Ok(map(&[("app", "x"), (OS, "windows"), ("zone", "a")]))
    );
    let conflict = map(&[(OS, "Windows"), ("zone", "b")]);
    assert_eq!(
        merge_node_selector(Some(&conflict), &rc),
        Err((OS.to_string(), "windows".to_string(), "Windows".to_string()))
    );
    let empty = map(&[]);
    assert_eq!(merge_node_selector(Some(&empty), &empty), Ok(empty.clone()));
}
