//! The parsed config document with its name and text: finds the span of a key or value
//! by path and builds the located `Error::Config` every config mistake is reported as.

use miette::NamedSource;

use super::raw::RawConfig;
use crate::engine::error::Error;
use crate::k8s::{known, unknown_fields, Suggestion, UnknownField};
use crate::yaml::{
    from_node, parse_chunk, split_documents, Arena, DeError, Entry, Limits, Node, PathKey, PathSeg,
    Span, Value,
};

/// A byte offset and length in the config text; `(0, 0)` when the path is not in the file.
pub(super) type At = (usize, usize);

/// The config file's one YAML document (`None` when the file is empty).
pub(super) struct Source<'t> {
    name: &'t str,
    text: &'t str,
    root: Option<Node<'t>>,
}

impl<'t> Source<'t> {
    /// Parses `text`, which may hold at most one non-empty document, into `arena`.
    pub(super) fn parse(arena: &'t Arena, name: &'t str, text: &'t str) -> Result<Self, Error> {
        let mut source = Source {
            name,
            text,
            root: None,
        };
        let mut roots = Vec::new();
        for chunk in split_documents(text) {
            let docs = parse_chunk(arena, chunk, Limits::default()).map_err(|e| {
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

    /// The document as the serde structs, with every shape mistake pushed to `errors`: each
    /// key the config does not have, then the first wrong value of each top-level section
    /// (serde stops at one; that section is then left out and the rest read again).
    pub(super) fn raw(&self, errors: &mut Vec<Error>) -> RawConfig {
        let Some(root) = &self.root else {
            return RawConfig::default();
        };
        let unknown = unknown_fields("winlint-config", known::<RawConfig>, root);
        errors.extend(unknown.iter().map(|u| self.unknown_key(u)));
        let arena = Arena::new();
        let spans: Vec<Span> = unknown.iter().map(|u| u.key_span).collect();
        let mut tree = strip(&arena, *root, &spans);
        loop {
            let e = match from_node::<RawConfig>(&tree) {
                Ok(raw) => return raw,
                Err(e) => e,
            };
            errors.push(self.shape_error(&e));
            let Some(PathSeg::Key(section)) = e.path().into_iter().next() else {
                return RawConfig::default();
            };
            let Value::Map(entries) = tree.value else {
                return RawConfig::default();
            };
            let rest: Vec<Entry<'_>> = entries
                .iter()
                .copied()
                .filter(|en| en.key.as_str() != Some(section.as_str()))
                .collect();
            if rest.len() == entries.len() {
                return RawConfig::default();
            }
            tree.value = Value::Map(arena.alloc_slice_copy(&rest));
        }
    }

    /// A key the config does not have, with the key it most likely meant.
    fn unknown_key(&self, u: &UnknownField) -> Error {
        let path = if u.parent.is_empty() {
            u.key.clone()
        } else {
            format!("{}.{}", u.parent, u.key)
        };
        // The keys accepted there, as serde would list them.
        let parent: String = u
            .parent
            .split('[')
            .map(|s| s.split_once(']').map_or(s, |(_, rest)| rest))
            .collect();
        let segments: Vec<&str> = parent.split('.').filter(|s| !s.is_empty()).collect();
        let expected: Vec<String> = super::keys_at(&segments)
            .iter()
            .map(|k| format!("`{k}`"))
            .collect();
        let message = if expected.is_empty() {
            format!("`{path}`: unknown field `{}`", u.key)
        } else {
            format!(
                "`{path}`: unknown field `{}`, expected one of {}",
                u.key,
                expected.join(", ")
            )
        };
        let (label, help) = match &u.suggestion {
            Some(Suggestion::Rename(name)) => {
                ("not a config key", format!("did you mean `{name}`?"))
            }
            Some(Suggestion::MoveTo(to)) => {
                ("not a key here", format!("`{}` belongs in `{to}`", u.key))
            }
            None => (
                "not a config key",
                shape_help(path.split(['.', '[']).next().unwrap_or_default()),
            ),
        };
        let at = (u.key_span.start, u.key_span.len());
        self.error(at, message, label, Some(help))
    }

    /// A value of the wrong type or shape, with the expected shape of its section.
    fn shape_error(&self, e: &DeError) -> Error {
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

/// The node without the entries whose keys are at `spans` (keys already reported as
/// unknown), so that serde reports the wrong values behind them.
fn strip<'a>(arena: &'a Arena, node: Node<'a>, spans: &[Span]) -> Node<'a> {
    if spans.is_empty() {
        return node;
    }
    let value = match node.value {
        Value::Map(entries) => {
            let kept: Vec<Entry<'a>> = entries
                .iter()
                .filter(|e| !spans.contains(&e.key.span))
                .map(|e| Entry {
                    key: e.key,
                    value: strip(arena, e.value, spans),
                })
                .collect();
            Value::Map(arena.alloc_slice_copy(&kept))
        }
        Value::Seq(items) => {
            let kept: Vec<Node<'a>> = items.iter().map(|i| strip(arena, *i, spans)).collect();
            Value::Seq(arena.alloc_slice_copy(&kept))
        }
        scalar @ Value::Scalar(_) => scalar,
    };
    Node {
        span: node.span,
        value,
    }
}

/// The mistakes of one config as one error: the mistake itself when there is one, else all
/// of them in file order.
pub(super) fn reported(name: &str, mut errors: Vec<Error>) -> Result<(), Error> {
    errors.sort_by_key(|e| match e {
        Error::Config { path, span, .. } => (path != name, span.offset()),
        _ => (true, 0),
    });
    match errors.len() {
        0 => Ok(()),
        1 => Err(errors.remove(0)),
        _ => Err(Error::ConfigMany {
            path: name.to_owned(),
            mistakes: errors,
        }),
    }
}

/// The shape of one top-level section, for the help of a config error in it.
pub(super) fn shape_help(section: &str) -> String {
    let shape = match section {
        "images" => "images:\n  windows: [\"myregistry.azurecr.io/windows/*\"]\n  linux: [\"myregistry.azurecr.io/*\"]\n  multiOS: []\n  lockFile: .winlint-images.lock\n  insecureRegistries: [\"localhost:5000\"]",
        "failOn" => "failOn: warning   # error, warning, info or never",
        "rules" => "rules:\n  select: [pedantic]\n  ignore: [missing-pod-os-field]\n  severity: {windows-build-unpinned: error}",
        "cluster" => "cluster:\n  nodePools:            # or `nodes: nodes.yaml`, or `preset: aks`\n  - name: windows-2022\n    labels: {kubernetes.io/os: windows, node.kubernetes.io/windows-build: \"10.0.20348\"}\n    taints: [{key: os, value: windows, effect: NoSchedule}]\n  runtimeClasses:\n  - name: windows-2022\n    handler: runhcs-wcow-process\n    scheduling: {nodeSelector: {kubernetes.io/os: windows}}",
        _ => "cluster: {...}   # node pools, nodes file or preset; runtimeClasses\nimages: {...}    # windows, linux, multiOS patterns; lockFile, insecureRegistries\nrules: {...}     # select, ignore, severity",
    };
    format!("expected shape:\n{shape}")
}
