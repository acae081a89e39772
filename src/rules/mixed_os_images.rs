//! `mixed-os-images`: Linux and Windows images in one pod, which runs on one node.

use super::shared::{image_facts, ImageFact};
use super::{Context, Pod, Rule};
use crate::finding::{Finding, Label};
use crate::facts::images::{explain, ImageOs};


pub fn mixed_os_images_diagnostic(
    w: &Pod<'_>,
    first: (&ImageFact<'_>, String),
    second: (&ImageFact<'_>, String),
) -> Finding {
    let os = |f: &ImageFact<'_>| {
        if f.os == ImageOs::Windows {
            "Windows"
        } else {
            "Linux"
        }
    };
    META.finding(
        format!(
            "pod mixes {} and {} images (`{}`, `{}`): a pod runs on one node, which is either Linux or Windows",
            os(first.0),
            os(second.0),
            first.0.container.name,
            second.0.container.name
        ),
        Label::new(second.0.span(w), second.1),
    )
    .with_secondary(Label::new(first.0.span(w), first.1))
    .with_help(format!(
        "run `{}` in a separate pod for {} nodes, or use its {} variant",
        second.0.container.name,
        os(second.0),
        os(first.0)
    ))
    .with_resource(w.id)
}

fn detect<'w>(w: &Pod<'w>, cx: &Context<'_>) -> Option<(ImageFact<'w>, ImageFact<'w>)> {
    let facts = image_facts(w, cx.images);
    let first = facts
        .iter()
        .find(|f| matches!(f.os, ImageOs::Windows | ImageOs::Linux))?;
    let other = if first.os == ImageOs::Windows {
        ImageOs::Linux
    } else {
        ImageOs::Windows
    };
    let second = facts.iter().find(|f| f.os == other)?;
    Some((first.clone(), second.clone()))
}

declare_rule! {
    pub struct MixedOsImages {
        name: "mixed-os-images",
        category: Correctness,
        severity: Error,
    }
}

impl Rule for MixedOsImages {
    fn check_workload<'a>(&self, w: &Pod<'a>, cx: &Context<'a>, out: &mut Vec<Finding>) {
        let Some((first, second)) = detect(w, cx) else {
            return;
        };
        let why = |f: &ImageFact<'_>| explain(cx.images, f.image).unwrap_or_default();
        let (a, b) = (why(&first), why(&second));
        out.push(mixed_os_images_diagnostic(w, (&first, a), (&second, b)));
    }
}
