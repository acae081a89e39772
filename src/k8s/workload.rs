//! One view of every kind that carries a pod template: rules ask it for the pod spec, its
//! metadata and the position of any field, and never care which kind it came from.

use k8s_openapi::api::core::v1::{PodSpec, SecurityContext};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{Object, ResourceId, Typed};
use crate::yaml::{Node, Span};

/// A pod spec inside an object, with its source positions.
#[derive(Debug, Clone, Copy)]
pub struct Workload<'o> {
    pub id: &'o ResourceId,
    pub spec: &'o PodSpec,
    /// The pod's metadata: the template's for workloads, the object's for a Pod.
    pub pod_meta: Option<&'o ObjectMeta>,
    /// The pod spec mapping in the source.
    pub spec_node: &'o Node<'o>,
    /// The `spec:` key of the pod spec: where a missing field belongs.
    pub spec_key: Span,
    /// Path of the pod spec in the object, e.g. `spec.template.spec`.
    pub spec_path: &'static str,
}

/// One container of any of the three lists, in the API server's visiting order.
#[derive(Debug, Clone, Copy)]
pub struct ContainerRef<'o> {
    /// `initContainers`, `containers` or `ephemeralContainers`.
    pub list: &'static str,
    pub index: usize,
    pub name: &'o str,
    pub image: Option<&'o str>,
    pub security_context: Option<&'o SecurityContext>,
    pub node: Option<&'o Node<'o>>,
}

impl<'o> Workload<'o> {
    pub(super) fn of(obj: &'o Object<'_, '_>) -> Option<Workload<'o>> {
        let template = |t: Option<&'o k8s_openapi::api::core::v1::PodTemplateSpec>| {
            t.and_then(|t| Some((t.spec.as_ref()?, t.metadata.as_ref())))
        };
        let (spec, pod_meta, path): (&PodSpec, Option<&ObjectMeta>, &'static [&'static str]) =
            match &obj.typed {
                Typed::Pod(p) => (p.spec.as_ref()?, Some(&p.metadata), &["spec"]),
                Typed::PodTemplate(t) => {
                    let (s, m) = template(t.template.as_ref())?;
                    (s, m, &["template", "spec"])
                }
                Typed::ReplicationController(r) => {
                    let (s, m) = template(r.spec.as_ref()?.template.as_ref())?;
                    (s, m, &["spec", "template", "spec"])
                }
                Typed::Deployment(d) => {
                    let (s, m) = template(Some(&d.spec.as_ref()?.template))?;
                    (s, m, &["spec", "template", "spec"])
                }
                Typed::DaemonSet(d) => {
                    let (s, m) = template(Some(&d.spec.as_ref()?.template))?;
                    (s, m, &["spec", "template", "spec"])
                }
                Typed::StatefulSet(d) => {
                    let (s, m) = template(Some(&d.spec.as_ref()?.template))?;
                    (s, m, &["spec", "template", "spec"])
                }
                Typed::ReplicaSet(d) => {
                    let (s, m) = template(d.spec.as_ref()?.template.as_ref())?;
                    (s, m, &["spec", "template", "spec"])
                }
                Typed::Job(j) => {
                    let (s, m) = template(Some(&j.spec.as_ref()?.template))?;
                    (s, m, &["spec", "template", "spec"])
                }
                Typed::CronJob(c) => {
                    let job = c.spec.as_ref()?.job_template.spec.as_ref()?;
                    let (s, m) = template(Some(&job.template))?;
                    (s, m, &["spec", "jobTemplate", "spec", "template", "spec"])
                }
                _ => return None,
            };
        let (last, parents) = path.split_last()?;
        let mut parent: &'o Node<'o> = obj.node;
        for key in parents {
            parent = parent.get(key)?;
        }
        let entry = parent.entry(last)?;
        Some(Workload {
            id: &obj.id,
            spec,
            pod_meta,
            spec_node: &entry.value,
            spec_key: entry.key.span,
            spec_path: match path.len() {
                1 => "spec",
                2 => "template.spec",
                3 => "spec.template.spec",
                _ => "spec.jobTemplate.spec.template.spec",
            },
        })
    }

    /// The node at `keys` below the pod spec.
    pub fn field(&self, keys: &[&str]) -> Option<&'o Node<'o>> {
        let mut n = self.spec_node;
        for k in keys {
            n = n.get(k)?;
        }
        Some(n)
    }

    /// The span of the last key of `keys` below the pod spec (`nodeSelector:` itself).
    pub fn key_span(&self, keys: &[&str]) -> Option<Span> {
        let (last, parents) = keys.split_last()?;
        let parent = self.field(parents)?;
        Some(parent.entry(last)?.key.span)
    }

    /// Where an edit that sets the field `key` lands, for its help: the field when the pod
    /// spec has it (not null), else the pod spec, where it is added.
    pub fn edit_target(&self, key: &str) -> String {
        let present = self.field(&[key]).is_some_and(|n| !n.is_null());
        self.path(if present { key } else { "" })
    }

    /// The full path of a field below the pod spec, as the API server prints it.
    pub fn path(&self, rel: &str) -> String {
        if rel.is_empty() {
            self.spec_path.to_owned()
        } else {
            format!("{}.{rel}", self.spec_path)
        }
    }

    /// Init, regular and ephemeral containers, in that order (`VisitContainersWithPath`).
    pub fn containers(&self) -> Vec<ContainerRef<'o>> {
        let mut out = Vec::new();
        let node_of = |list: &str, i: usize| self.field(&[list]).and_then(|n| n.as_seq()?.get(i));
        for (i, c) in self.spec.init_containers.iter().flatten().enumerate() {
            out.push(ContainerRef {
                list: "initContainers",
                index: i,
                name: &c.name,
                image: c.image.as_deref(),
                security_context: c.security_context.as_ref(),
                node: node_of("initContainers", i),
            });
        }
        for (i, c) in self.spec.containers.iter().enumerate() {
            out.push(ContainerRef {
                list: "containers",
                index: i,
                name: &c.name,
                image: c.image.as_deref(),
                security_context: c.security_context.as_ref(),
                node: node_of("containers", i),
            });
        }
        for (i, c) in self.spec.ephemeral_containers.iter().flatten().enumerate() {
            out.push(ContainerRef {
                list: "ephemeralContainers",
                index: i,
                name: &c.name,
                image: c.image.as_deref(),
                security_context: c.security_context.as_ref(),
                node: node_of("ephemeralContainers", i),
            });
        }
        out
    }
}

impl ContainerRef<'_> {
    /// `containers[0]`, relative to the pod spec.
    pub fn rel_path(&self) -> String {
        format!("{}[{}]", self.list, self.index)
    }
    /// The span of the `image:` value, if written.
    pub fn image_span(&self) -> Option<Span> {
        self.node?.get("image").map(|n| n.span)
    }
}
