//! The parsed config document with its name and text: finds the span of a key or value
//! by path and builds the located `Error::Config` every config mistake is reported as.

use miette::NamedSource;

use super::raw::RawConfig;
use crate::engine::error::Error;
use crate::yaml::{from_node, parse_chunk, split_documents, Limits, Node, PathKey};

/// A byte offset and length in the config text; `(0, 0)` when the path is not in the file.
pub(super) type At = (usize, usize);

/// The config file's one YAML document (`None` when the file is empty).
pub(super) struct Source<'t> {
    name: &'t str,
    text: &'t str,
    root: Option<Node<'t>>,
}

impl<'t> Source<'t> {
    /// Parses `text`, which may hold at most one non-empty document.
    pub(super) fn parse(name: &'t str, text: &'t str) -> Result<Self, Error> {
        let mut source = Source {
            name,
            text,
            root: None,
        };
        let mut roots = Vec::new();
        for chunk in split_documents(text) {
            let docs = parse_chunk(chunk, Limits::default()).map_err(|e| {
                let message = format!("invalid YAML: {}", e.message);
                source.error((e.at, 0), message, "here", None)
            })?;
            roots.extend(docs.into_iter().map(|d| d.root).filter(|r| !r.is_null()));
        }
        if let Some(second) = roots.get(1) {
            let message = "a config file holds one YAML document".into();
            return Err(source.error((second.span.start, 0), message, "second document", None));
        }
        source.root = roots.into_iter().next();
        Ok(source)
    }

    /// The document as the serde structs; a shape error points at the offending node and
    /// shows the expected shape of its top-level section.
    pub(super) fn raw(&self) -> Result<RawConfig, Error> {
        let Some(root) = &self.root else {
            return Ok(RawConfig::default());
        };
        from_node(root).map_err(|e| {
            let span = e.span.unwrap_or_default();
            let path = e.path_string();
            let message = if path.is_empty() {
                e.message.clone()
            } else {
                format!("`{path}`: {}", e.message)
            };
            let section = path.split(['.', '[']).next().unwrap_or_default();
            let help = Some(shape_help(section));
            self.error((span.start, span.len()), message, "here", help)
        })
    }

    /// The node at `path`, if the file has one there.
    pub(super) fn node(&self, path: &[PathKey<'_>]) -> Option<&Node<'t>> {
        self.root.as_ref()?.at(path)
    }

    /// The span of the value at `path`.
    pub(super) fn value(&self, path: &[PathKey<'_>]) -> At {
        self.node(path)
            .map_or((0, 0), |n| (n.span.start, n.span.len()))
    }

    /// The span of the last key of `path` (mapping keys only), e.g. a `perPathIgnores` glob.
    pub(super) fn key(&self, path: &[&str]) -> Option<At> {
        let (last, parents) = path.split_last()?;
        let mut node = self.root.as_ref()?;
        for k in parents {
            node = node.get(k)?;
        }
        node.entry(last)
            .map(|e| (e.key.span.start, e.key.span.len()))
    }

    /// A config error at `at`, underlined with `label`.
    pub(super) fn error(
        &self,
        at: At,
        message: String,
        label: &str,
        help: Option<String>,
    ) -> Error {
        Error::Config {
            path: self.name.to_owned(),
            message,
            src: NamedSource::new(self.name, self.text.to_owned()),
            span: at.into(),
            label: label.to_owned(),
            help,
        }
    }
}

/// The shape of one top-level section, for the help of a config error in it.
pub(super) fn shape_help(section: &str) -> String {
    let shape = match section {
        "images" => "images:\n  windows: [\"myregistry.azurecr.io/windows/*\"]\n  linux: [\"myregistry.azurecr.io/*\"]\n  multiOS: []\n  lockFile: .winlint-images.lock\n  insecureRegistries: [\"localhost:5000\"]",
        "rules" => "rules:\n  select: [pedantic]\n  ignore: [missing-pod-os-field]\n  severity: {windows-build-unpinned: error}",
        "cluster" => "cluster:\n  nodePools:            # or `nodes: nodes.yaml`, or `preset: aks`\n  - name: windows-2022\n    labels: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: \"10.0.20348\"}\n    taints: [{key: os, value: windows, effect: NoSchedule}]\n  runtimeClasses:\n  - name: windows-2022\n    handler: runhcs-wcow-process\n    scheduling: {nodeSelector: {kubernetes.io/os: windows}}",
        _ => "cluster: {...}   # node pools, nodes file or preset; runtimeClasses\nimages: {...}    # windows, linux, multiOS patterns; lockFile, insecureRegistries\nrules: {...}     # select, ignore, severity",
    };
    format!("expected shape:\n{shape}")
}
