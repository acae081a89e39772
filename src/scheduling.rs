//! kube-scheduler placement semantics (node affinity, nodeSelector, taints/tolerations and the
//! RuntimeClass merge), evaluated against node pools whose labels may be unknown (open world).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration,
};

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
pub enum Label<'a> {
    Value(&'a str),
    Absent,
    Unknown,
}

/// Label lookup of a node pool (implemented elsewhere by the cluster model).
pub trait Labels {
    fn label(&self, key: &str) -> Label<'_>;
}

/// Closed-world helper: a plain map where missing keys are Absent.
pub struct ClosedLabels<'a>(pub &'a BTreeMap<String, String>);

impl Labels for ClosedLabels<'_> {
    fn label(&self, key: &str) -> Label<'_> {
        self.0.get(key).map_or(Label::Absent, |v| Label::Value(v))
    }
}

fn s(o: &Option<String>) -> &str {
    o.as_deref().unwrap_or("")
}

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
        (_, Label::Unknown) => Tri::Unknown,
        ("In", Label::Value(v)) => Tri::from_bool(values.iter().any(|x| x == v)),
        ("NotIn", Label::Value(v)) => Tri::from_bool(!values.iter().any(|x| x == v)),
        // NotIn and DoesNotExist match a missing label.
        ("NotIn" | "DoesNotExist", Label::Absent) => Tri::Yes,
        ("Exists", Label::Value(_)) => Tri::Yes,
        ("Gt" | "Lt", Label::Value(v)) => {
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
    Tri::all(map.iter().map(|(k, want)| match labels.label(k) {
        Label::Value(v) => Tri::from_bool(v == want),
        Label::Absent => Tri::No,
        Label::Unknown => Tri::Unknown,
    }))
}

/// `IsDecimalInteger` (canonical form: no '+', no leading zeros, no "-0") then `ParseInt`,
/// as `compareNumericValues` in component-helpers does for Lt/Gt tolerations.
fn canonical_i64(v: &str) -> Option<i64> {
    let digits = v.strip_prefix('-').unwrap_or(v);
    let canonical = v == "0"
        || (digits.starts_with(|c: char| ('1'..='9').contains(&c))
            && digits.bytes().all(|c| c.is_ascii_digit()));
    if canonical {
        v.parse().ok()
    } else {
        None
    }
}

/// `Toleration.ToleratesTaint` (api/core/v1/toleration.go, component-helpers for Lt/Gt).
pub fn tolerates(tol: &Toleration, taint: &Taint) -> bool {
    let (effect, key) = (s(&tol.effect), s(&tol.key));
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    // An empty key matches every key only with Exists (the documented contract; the API
    // rejects an empty key with any other operator, though ToleratesTaint would compare values).
    if (key.is_empty() && s(&tol.operator) != "Exists") || (!key.is_empty() && key != taint.key) {
        return false;
    }
    let (tol_value, taint_value) = (s(&tol.value), s(&taint.value));
    match s(&tol.operator) {
        "" | "Equal" => tol_value == taint_value,
        "Exists" => true,
        op @ ("Lt" | "Gt") => match (canonical_i64(tol_value), canonical_i64(taint_value)) {
            // Lt: taint < toleration; Gt: taint > toleration.
            (Some(t), Some(n)) => (op == "Lt" && n < t) || (op == "Gt" && n > t),
            _ => false,
        },
        _ => false,
    }
}

/// The NoSchedule/NoExecute taints that no toleration tolerates, in input order
/// (TaintToleration `Filter`); PreferNoSchedule only affects scoring.
pub fn untolerated<'t>(tols: &[Toleration], taints: &'t [Taint]) -> Vec<&'t Taint> {
    taints
        .iter()
        .filter(|t| matches!(t.effect.as_str(), "NoSchedule" | "NoExecute"))
        .filter(|t| !tols.iter().any(|tol| tolerates(tol, t)))
        .collect()
}

/// `apiequality.Semantic.DeepEqual` on tolerations (absent string == "").
fn same_toleration(a: &Toleration, b: &Toleration) -> bool {
    s(&a.key) == s(&b.key)
        && s(&a.operator) == s(&b.operator)
        && s(&a.value) == s(&b.value)
        && s(&a.effect) == s(&b.effect)
        && a.toleration_seconds == b.toleration_seconds
}

/// pkg/util/tolerations `isSuperset`: does `ss` tolerate every taint `t` tolerates?
fn is_superset(ss: &Toleration, t: &Toleration) -> bool {
    if same_toleration(ss, t) {
        return true;
    }
    let ss_op = s(&ss.operator);
    if s(&t.key) != s(&ss.key) && (!s(&ss.key).is_empty() || ss_op != "Exists") {
        return false;
    }
    if s(&t.effect) != s(&ss.effect) && !s(&ss.effect).is_empty() {
        return false;
    }
    if s(&ss.effect) == "NoExecute" {
        if let Some(limit) = ss.toleration_seconds {
            if t.toleration_seconds.is_none_or(|secs| secs > limit) {
                return false;
            }
        }
    }
    match ss_op {
        // Only a literal "Equal" on `t` counts; "" is not defaulted in admission.
        "" | "Equal" => s(&t.operator) == "Equal" && s(&t.value) == s(&ss.value),
        "Exists" => true,
        _ => false,
    }
}

/// RuntimeClass admission merge of tolerations: `MergeTolerations(pod, runtimeClass)` from
/// pkg/util/tolerations (superset logic since kubernetes#81732, i.e. every release with
/// RuntimeClass scheduling). The result is a union: pod tolerations then RuntimeClass ones,
/// dropping any toleration that another one (earlier, or later and not identical) subsumes;
/// exact duplicates keep the first.
pub fn merge_tolerations(pod: &[Toleration], runtime_class: &[Toleration]) -> Vec<Toleration> {
    let all: Vec<&Toleration> = pod.iter().chain(runtime_class).collect();
    let mut merged: Vec<Toleration> = Vec::new();
    for (i, t) in all.iter().enumerate() {
        let redundant = merged.iter().any(|m| is_superset(m, t))
            || all[i + 1..]
                .iter()
                .any(|later| !same_toleration(t, later) && is_superset(later, t));
        if !redundant {
            merged.push((*t).clone());
        }
    }
    merged
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

#[cfg(test)]
mod tests {
    use super::*;
    use Tri::{No, Unknown, Yes};

    /// Test pool: `key=value` pairs are values, `key=?` is Unknown, anything else Absent.
    struct Pool(Vec<(&'static str, &'static str)>);
    impl Labels for Pool {
        fn label(&self, key: &str) -> Label<'_> {
            match self.0.iter().find(|(k, _)| *k == key) {
                Some((_, "?")) => Label::Unknown,
                Some((_, v)) => Label::Value(v),
                None => Label::Absent,
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
        assert_eq!(ClosedLabels(&m).label(OS), Label::Value("windows"));
        assert_eq!(ClosedLabels(&m).label("other"), Label::Absent);
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
}
