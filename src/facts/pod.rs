//! A pod template as rules see it: the [`Workload`] view plus a memo of the answers most
//! rules ask for (the scheduling after RuntimeClass admission, the allowed OS set, the OS
//! intent, the image facts), computed on first use and shared by the rules that run on one
//! pod instead of once per rule. The facts below compute; this module remembers.

use std::cell::OnceCell;
use std::collections::BTreeSet;
use std::ops::Deref;

use super::context::Context;
use super::images::{Classifier, ImageOs};
use super::intent::{self, is_host_process, OsTarget};
use super::placement::{self, Scheduling};
use crate::k8s::{ContainerRef, Workload};
use crate::yaml::Span;

/// Per-pod answers, computed once. One memo serves one pod and one [`Context`].
#[derive(Debug, Default)]
pub struct Memo<'o> {
    scheduling: OnceCell<Scheduling<'o>>,
    os_target: OnceCell<OsTarget>,
    allowed_os: OnceCell<BTreeSet<&'o str>>,
    image_facts: OnceCell<Vec<ImageFact<'o>>>,
}

/// A pod template with its memo: what rules check. It reads as the [`Workload`] it wraps.
#[derive(Debug, Clone, Copy)]
pub struct Pod<'o> {
    pub workload: Workload<'o>,
    memo: &'o Memo<'o>,
}

impl<'o> Pod<'o> {
    pub fn new(workload: Workload<'o>, memo: &'o Memo<'o>) -> Pod<'o> {
        Pod { workload, memo }
    }
}

impl<'o> Deref for Pod<'o> {
    type Target = Workload<'o>;
    fn deref(&self) -> &Workload<'o> {
        &self.workload
    }
}

/// One container and what its image reference says.
#[derive(Debug, Clone)]
pub struct ImageFact<'w> {
    pub container: ContainerRef<'w>,
    pub image: &'w str,
    pub os: ImageOs,
    /// The one Windows build a Windows image is built for (its tag, the lock, the catalogue).
    pub build: Option<u32>,
    /// Every Windows build the image carries: one for a Windows image, those of a
    /// multi-OS or multi-build index from the lock or catalogue; empty when unknown.
    pub builds: Vec<u32>,
    /// A .NET 8+ multi-platform tag, which has no Windows images (rule 27).
    pub dotnet_multiplatform: bool,
    pub host_process: bool,
}

impl ImageFact<'_> {
    /// The `image:` value, or the pod spec key when it cannot be found.
    pub fn span(&self, w: &Workload<'_>) -> Span {
        self.container.image_span().unwrap_or(w.spec_key)
    }
}

/// Every container that has an image, in the API server's order.
pub fn image_facts<'w>(w: &Pod<'w>, images: &Classifier) -> &'w [ImageFact<'w>] {
    w.memo.image_facts.get_or_init(|| {
        w.containers()
            .into_iter()
            .filter_map(|c| {
                let image = c.image?;
                let info = images.info(image);
                Some(ImageFact {
                    os: info.os,
                    build: info.build(),
                    dotnet_multiplatform: info.dotnet_multiplatform,
                    builds: info.builds,
                    host_process: is_host_process(w, &c),
                    image,
                    container: c,
                })
            })
            .collect()
    })
}

/// The pod's scheduling after the RuntimeClass admission plugin ([`placement::compute`]).
pub fn scheduling<'a>(w: &Pod<'a>, cx: &Context<'a>) -> &'a Scheduling<'a> {
    w.memo.scheduling.get_or_init(|| placement::compute(w, cx))
}

/// The operating systems of the cluster's pools that the pod's nodeSelector and required
/// affinity admit, after the RuntimeClass merge ([`intent::allowed_os`]).
pub fn allowed_os<'a>(w: &Pod<'a>, cx: &Context<'a>) -> &'a BTreeSet<&'a str> {
    w.memo
        .allowed_os
        .get_or_init(|| intent::allowed_os(scheduling(w, cx), cx))
}

/// Which OS the pod is meant for, and the evidence ([`intent::os_target`]).
pub fn os_target<'a>(w: &Pod<'a>, cx: &Context<'a>) -> &'a OsTarget {
    w.memo
        .os_target
        .get_or_init(|| intent::os_target(w, cx, allowed_os(w, cx)))
}
