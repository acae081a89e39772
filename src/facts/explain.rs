//! Where a pod can run (`winlint explain`): for each node pool of the cluster model, whether
//! the scheduler can place the pod there (labels, taints, the RuntimeClass merge, through
//! [`Scheduling`]) and whether the kubelet and the container runtime then run it (the pod's
//! `os.name`, each image's OS and Windows build), with the reasons, as one verdict per pool.

use super::cluster::{NodePool, OS_LABEL, WINDOWS_BUILD_LABEL};
use super::context::Context;
use super::images::{self, compatible, ImageOs, Source};
use super::intent::OsTarget;
use super::placement::{Exclusion, RuntimeClassRef, Scheduling};
use super::pod::{image_facts, os_target, scheduling, ImageFact, Pod};
use super::scheduling::{tolerates, untolerated, Tri};
use crate::k8s::ResourceId;

/// What a reason is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonKind {
    NodeSelector,
    Affinity,
    Taint,
    RuntimeClass,
    Image,
    Os,
}

impl ReasonKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonKind::NodeSelector => "nodeSelector",
            ReasonKind::Affinity => "affinity",
            ReasonKind::Taint => "taint",
            ReasonKind::RuntimeClass => "runtimeClass",
            ReasonKind::Image => "image",
            ReasonKind::Os => "os",
        }
    }
}

/// One thing that decides a pool's verdict, and which way it points: `Yes` for the pod,
/// `No` against it, `Unknown` when the model cannot tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub kind: ReasonKind,
    pub message: String,
    pub effect: Tri,
}

/// A pool's outcome for the pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Scheduled there, and its containers run.
    Runs,
    /// The scheduler never places it there.
    Excluded,
    /// Scheduled there, but the kubelet or the container runtime refuses it.
    Fails,
    /// The model cannot tell (the reasons say why).
    Unknown,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Runs => "runs",
            Verdict::Excluded => "excluded",
            Verdict::Fails => "fails",
            Verdict::Unknown => "unknown",
        }
    }

    /// Schedulability first: a pod the scheduler may not place there neither runs nor
    /// fails there.
    pub fn of(schedulable: Tri, runs: Tri) -> Verdict {
        match (schedulable, runs) {
            (Tri::No, _) => Verdict::Excluded,
            (Tri::Yes, Tri::Yes) => Verdict::Runs,
            (Tri::Yes, Tri::No) => Verdict::Fails,
            _ => Verdict::Unknown,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolVerdict {
    pub name: String,
    pub schedulable: Tri,
    pub runs: Tri,
    pub verdict: Verdict,
    /// Placement reasons first, then the OS, then one per image.
    pub reasons: Vec<Reason>,
}

impl PoolVerdict {
    /// The reasons that decide the verdict: those against the pod for `excluded` (placement
    /// only) and `fails`, those the model cannot tell and those against it for `unknown`,
    /// all for `runs`.
    pub fn deciding(&self) -> impl Iterator<Item = &Reason> {
        let verdict = self.verdict;
        self.reasons.iter().filter(move |r| match verdict {
            Verdict::Runs => r.effect == Tri::Yes,
            Verdict::Excluded => {
                r.effect == Tri::No && !matches!(r.kind, ReasonKind::Image | ReasonKind::Os)
            }
            Verdict::Fails => r.effect == Tri::No,
            Verdict::Unknown => r.effect != Tri::Yes,
        })
    }
}

/// One pod template against the whole cluster model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub resource: ResourceId,
    /// The OS the pod is meant for ([`OsTarget`]): `windows`, `linux` or `unknown`.
    pub os: &'static str,
    /// No pool can take it: it stays Pending (or, after a RuntimeClass conflict, is never
    /// created).
    pub pending: bool,
    pub pools: Vec<PoolVerdict>,
}

/// Explains `w` against every pool of the context's cluster.
pub fn explain<'a>(w: &Pod<'a>, cx: &Context<'a>) -> Explanation {
    let sched = scheduling(w, cx);
    let images = image_facts(w, cx.images);
    let os = match os_target(w, cx) {
        OsTarget::Windows(_) => "windows",
        OsTarget::Linux(_) => "linux",
        OsTarget::Unknown => "unknown",
    };
    let known: Vec<String> = images.iter().map(|f| image_fact_text(f, cx)).collect();
    let pools: Vec<PoolVerdict> = cx
        .cluster
        .pools
        .iter()
        .map(|pool| {
            let mut reasons = Vec::new();
            let schedulable = placement(w, sched, pool, &mut reasons);
            let runs = runtime(w, images, &known, pool, &mut reasons);
            PoolVerdict {
                name: pool.name.clone(),
                schedulable,
                runs,
                verdict: Verdict::of(schedulable, runs),
                reasons,
            }
        })
        .collect();
    Explanation {
        resource: w.id.clone(),
        os,
        pending: !pools.is_empty() && pools.iter().all(|p| p.schedulable == Tri::No),
        pools,
    }
}

fn reason(kind: ReasonKind, effect: Tri, message: String) -> Reason {
    Reason {
        kind,
        message,
        effect,
    }
}

/// Can the scheduler place the pod on `pool`, and why.
fn placement(w: &Pod<'_>, s: &Scheduling<'_>, pool: &NodePool, out: &mut Vec<Reason>) -> Tri {
    if let (Some(c), RuntimeClassRef::Found(rc)) = (&s.conflict, s.runtime_class) {
        out.push(reason(
            ReasonKind::RuntimeClass,
            Tri::No,
            format!(
                "RuntimeClass `{}` sets nodeSelector `{}: {}` and the pod `{}: {}`: the API server rejects the pod",
                rc.name, c.key, c.runtime_class_value, c.key, c.pod_value
            ),
        ));
        return Tri::No;
    }
    if let Some(node) = s.node_name {
        out.push(reason(
            ReasonKind::Affinity,
            Tri::Unknown,
            format!("`nodeName: {node}` binds the pod to one node past the scheduler: winlint cannot tell which pool it is in"),
        ));
        return Tri::Unknown;
    }
    let verdict = s.schedulable(pool);
    let missing = match s.runtime_class {
        RuntimeClassRef::Missing(name) => Some(name),
        _ => None,
    };
    match verdict {
        Tri::No => out.extend(
            s.exclusions(pool)
                .iter()
                // Only label exclusions are certain when the RuntimeClass is unknown.
                .filter(|e| missing.is_none() || !matches!(e, Exclusion::Taint(_)))
                .map(|e| reason(exclusion_kind(e), Tri::No, e.describe())),
        ),
        Tri::Unknown => unknown_reasons(w, s, pool, missing, out),
        Tri::Yes => admitted_reasons(w, s, pool, out),
    }
    verdict
}

fn exclusion_kind(e: &Exclusion) -> ReasonKind {
    match e {
        Exclusion::Selector {
            from_runtime_class: Some(_),
            ..
        } => ReasonKind::RuntimeClass,
        Exclusion::Selector { .. } => ReasonKind::NodeSelector,
        Exclusion::Affinity { .. } => ReasonKind::Affinity,
        Exclusion::Taint(_) => ReasonKind::Taint,
    }
}

/// Which constraint wrote `key`: the pod's nodeSelector, its RuntimeClass's, or the
/// required node affinity.
fn key_kind(w: &Pod<'_>, s: &Scheduling<'_>, key: &str) -> ReasonKind {
    let own = w
        .spec
        .node_selector
        .as_ref()
        .is_some_and(|m| m.contains_key(key));
    let merged = s
        .node_selector
        .as_ref()
        .is_some_and(|m| m.contains_key(key));
    match (own, merged) {
        (true, _) => ReasonKind::NodeSelector,
        (false, true) => ReasonKind::RuntimeClass,
        _ => ReasonKind::Affinity,
    }
}

fn unknown_reasons(
    w: &Pod<'_>,
    s: &Scheduling<'_>,
    pool: &NodePool,
    missing: Option<&str>,
    out: &mut Vec<Reason>,
) {
    if let Some(name) = missing {
        out.push(reason(
            ReasonKind::RuntimeClass,
            Tri::Unknown,
            format!("RuntimeClass `{name}` is neither among the inputs nor in `cluster.runtimeClasses`: the nodeSelector and tolerations it adds are unknown"),
        ));
    }
    let keys = s.unknown_keys(pool);
    for key in &keys {
        let kind = key_kind(w, s, key);
        let wanted = match kind {
            ReasonKind::Affinity => "the required node affinity".to_owned(),
            _ => {
                let v = s
                    .node_selector
                    .as_ref()
                    .and_then(|m| m.get(key.as_str()))
                    .map_or("", String::as_str);
                format!("nodeSelector `{key}: {v}`")
            }
        };
        out.push(reason(
            kind,
            Tri::Unknown,
            format!("the pool does not declare label `{key}`, which {wanted} asks for: declare it in the pool's labels in .winlint.yaml"),
        ));
    }
    if keys.is_empty() && missing.is_none() {
        out.push(reason(
            ReasonKind::Affinity,
            Tri::Unknown,
            "the required node affinity names nodes (`matchFields` on `metadata.name`): winlint cannot tell which pool they are in".to_owned(),
        ));
    }
}

/// What lets the pod onto a pool that takes it: the selector entries that match and the
/// taints that are tolerated, and by whom.
fn admitted_reasons(w: &Pod<'_>, s: &Scheduling<'_>, pool: &NodePool, out: &mut Vec<Reason>) {
    for (key, value) in s.node_selector.iter().flat_map(|m| m.iter()) {
        let kind = key_kind(w, s, key);
        let whose = match (kind, s.runtime_class) {
            (ReasonKind::RuntimeClass, RuntimeClassRef::Found(rc)) => {
                format!("RuntimeClass `{}` nodeSelector", rc.name)
            }
            _ => "nodeSelector".to_owned(),
        };
        out.push(reason(
            kind,
            Tri::Yes,
            format!("{whose} `{key}: {value}` matches"),
        ));
    }
    if s.affinity.is_some() {
        out.push(reason(
            ReasonKind::Affinity,
            Tri::Yes,
            "required node affinity matches".to_owned(),
        ));
    }
    let own = w.spec.tolerations.as_deref().unwrap_or_default();
    let rc = match s.runtime_class {
        RuntimeClassRef::Found(rc) => Some(rc),
        _ => None,
    };
    for taint in pool
        .taints
        .iter()
        .filter(|t| matches!(t.effect.as_str(), "NoSchedule" | "NoExecute"))
    {
        let text = super::placement::taint_text(taint);
        let by_rc = rc.filter(|rc| {
            rc.tolerations
                .iter()
                .flatten()
                .any(|tol| tolerates(tol, taint))
        });
        let (kind, message) = if !untolerated(own, std::slice::from_ref(taint)).is_empty() {
            match by_rc {
                Some(rc) => (
                    ReasonKind::RuntimeClass,
                    format!("taint `{text}` is tolerated through RuntimeClass `{}`", rc.name),
                ),
                // The built-in model's Windows taint is a guess: a pod that tolerates
                // another documented Windows taint is taken to tolerate it.
                None => (
                    ReasonKind::Taint,
                    format!("taint `{text}` is taken as tolerated: the pod tolerates another documented Windows taint, and the model's taint is a guess"),
                ),
            }
        } else {
            (ReasonKind::Taint, format!("taint `{text}` is tolerated"))
        };
        out.push(reason(kind, Tri::Yes, message));
    }
}

/// Do the kubelet and the container runtime run the pod's containers on `pool`, and why.
fn runtime(
    w: &Pod<'_>,
    images: &[ImageFact<'_>],
    known: &[String],
    pool: &NodePool,
    out: &mut Vec<Reason>,
) -> Tri {
    let Some(pool_os) = pool.os() else {
        out.push(reason(
            ReasonKind::Os,
            Tri::Unknown,
            format!("the pool declares no `{OS_LABEL}` label: winlint cannot tell what runs there"),
        ));
        return Tri::Unknown;
    };
    let mut runs = Tri::Yes;
    if let Some(declared) = w.spec.os.as_ref().map(|o| o.name.as_str()) {
        if declared != pool_os {
            // kubelet admission: a pod whose `os.name` is not the node's OS is rejected.
            out.push(reason(
                ReasonKind::Os,
                Tri::No,
                format!("`os.name: {declared}` is not the node's OS ({pool_os}): the kubelet rejects the pod"),
            ));
            runs = Tri::No;
        }
    }
    for (f, fact) in images.iter().zip(known) {
        let (effect, message) = image_on_pool(f, fact, pool, pool_os);
        out.push(reason(ReasonKind::Image, effect, message));
        runs = runs.and(effect);
    }
    runs
}

/// What winlint knows of an image and where that came from (asked once per workload).
fn image_fact_text(f: &ImageFact<'_>, cx: &Context<'_>) -> String {
    let builds: Vec<String> = f.builds.iter().map(|b| format!("10.0.{b}")).collect();
    let what = match f.os {
        ImageOs::Windows if builds.is_empty() => "a Windows image of unknown build".to_owned(),
        ImageOs::Windows => format!("a Windows {} image", builds.join("/")),
        ImageOs::Linux => "a Linux image".to_owned(),
        ImageOs::MultiOs if builds.is_empty() => "published for Linux and Windows".to_owned(),
        ImageOs::MultiOs => format!("published for Linux and Windows {}", builds.join("/")),
        ImageOs::Unknown => "of unknown OS".to_owned(),
    };
    let source = cx.images.info(f.image).source;
    let from = match (source, images::explain(cx.images, f.image)) {
        (Source::Unknown, _) => {
            "nothing in the config, the image lock, the catalogue or its name says; `winlint images lock` asks its registry".to_owned()
        }
        (s, Some(why)) => format!("{}: {why}", s.as_str()),
        (s, None) => s.as_str().to_owned(),
    };
    format!("image `{}` is {what} ({from})", f.image)
}

/// Does one container's image run on a node of `pool`?
fn image_on_pool(f: &ImageFact<'_>, fact: &str, pool: &NodePool, pool_os: &str) -> (Tri, String) {
    if f.host_process {
        return if pool_os == "windows" {
            (
                Tri::Yes,
                format!("container `{}` is a HostProcess container, which runs on the Windows host whatever its build", f.container.name),
            )
        } else {
            (
                Tri::No,
                format!(
                    "container `{}` is a HostProcess container, which only a Windows node runs",
                    f.container.name
                ),
            )
        };
    }
    let windows = pool_os == "windows";
    match (f.os, windows) {
        (ImageOs::Unknown, _) => (Tri::Unknown, fact.to_owned()),
        (ImageOs::Linux, false) | (ImageOs::MultiOs, false) => (Tri::Yes, fact.to_owned()),
        (ImageOs::Linux, true) => (
            Tri::No,
            format!("{fact}: a Windows node cannot pull or run it"),
        ),
        (ImageOs::Windows, false) => (
            Tri::No,
            format!("{fact}: a {pool_os} node cannot pull or run it"),
        ),
        (ImageOs::Windows | ImageOs::MultiOs, true) => windows_build(f, pool, fact),
    }
}

/// A Windows image on a Windows pool: process isolation needs a compatible host build
/// (hcsshim's rule, [`compatible`]).
fn windows_build(f: &ImageFact<'_>, pool: &NodePool, fact: &str) -> (Tri, String) {
    if f.builds.is_empty() {
        return (
            Tri::Unknown,
            format!("{fact}: winlint cannot tell whether this pool's hosts run its Windows build"),
        );
    }
    let Some(host) = pool.windows_build() else {
        return (
            Tri::Unknown,
            format!("{fact}: the pool declares no `{WINDOWS_BUILD_LABEL}`, so its hosts' build is unknown"),
        );
    };
    if f.builds.iter().any(|b| compatible(host, *b)) {
        (Tri::Yes, format!("{fact}, which a 10.0.{host} host runs"))
    } else {
        (
            Tri::No,
            format!("{fact}, which a 10.0.{host} host cannot run: process isolation needs a compatible Windows build"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(kind: ReasonKind, effect: Tri) -> Reason {
        reason(kind, effect, format!("{}:{effect:?}", kind.as_str()))
    }

    #[test]
    fn verdicts_put_the_scheduler_first() {
        use Tri::{No, Unknown, Yes};
        assert_eq!(Verdict::of(No, Yes), Verdict::Excluded);
        assert_eq!(Verdict::of(No, Unknown), Verdict::Excluded);
        assert_eq!(Verdict::of(Yes, Yes), Verdict::Runs);
        assert_eq!(Verdict::of(Yes, No), Verdict::Fails);
        assert_eq!(Verdict::of(Yes, Unknown), Verdict::Unknown);
        // Maybe placed there, and would fail there: still the model cannot tell.
        assert_eq!(Verdict::of(Unknown, No), Verdict::Unknown);
    }

    #[test]
    fn deciding_reasons_follow_the_verdict() {
        let reasons = vec![
            r(ReasonKind::NodeSelector, Tri::No),
            r(ReasonKind::Taint, Tri::Yes),
            r(ReasonKind::Affinity, Tri::Unknown),
            r(ReasonKind::Image, Tri::No),
        ];
        let deciding = |verdict| {
            let p = PoolVerdict {
                name: "p".into(),
                schedulable: Tri::No,
                runs: Tri::No,
                verdict,
                reasons: reasons.clone(),
            };
            p.deciding().map(|r| r.message.clone()).collect::<Vec<_>>()
        };
        assert_eq!(deciding(Verdict::Excluded), ["nodeSelector:No"]);
        assert_eq!(deciding(Verdict::Fails), ["nodeSelector:No", "image:No"]);
        assert_eq!(deciding(Verdict::Runs), ["taint:Yes"]);
        assert_eq!(
            deciding(Verdict::Unknown),
            ["nodeSelector:No", "affinity:Unknown", "image:No"]
        );
    }
}
