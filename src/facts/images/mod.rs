//! Container image references and what their names say about OS and Windows build.
//!
//! Everything is table-driven (spec §B.3–§B.5): rules ask a [`Classifier`] and never match
//! image names themselves. Tag matching is a heuristic; generic tags stay `Unknown` because
//! shared tags may resolve to Windows variants (§B.4c).

mod builds;
mod catalogue;
pub mod lock;
mod tables;
mod tags;

pub use self::builds::{build_from_version_name, compatible, tag_for_build};
pub use self::lock::Lock;
pub use self::tables::KNOWN_HOST_BUILDS;

use std::sync::Arc;

use self::builds::segment_build;
use self::tables::{MULTI_OS_REPOS, WINDOWS_REPOS, WINDOWS_TAG_TOKENS};
pub use self::tags::glob;
use self::tags::{is_dotnet_multiplatform_tag, is_linux_token, segments, tokens};

/// The OS an image reference runs on, as far as its name tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ImageOs {
    Windows,
    Linux,
    MultiOs,
    Unknown,
}

/// A parsed `[registry/]repository[:tag][@digest]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    pub registry: String,
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

impl ImageRef {
    /// Never fails: garbage in gives a best-effort ref (empty repository for an empty string).
    pub fn parse(image: &str) -> ImageRef {
        let s = image.trim();
        let (rest, digest) = s
            .split_once('@')
            .map_or((s, None), |(r, d)| (r, non_empty(d)));
        // A tag is a `:` in the last path component; earlier ones are registry ports.
        let last = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last..].rfind(':') {
            Some(i) => (&rest[..last + i], non_empty(&rest[last + i + 1..])),
            None => (rest, None),
        };
        let is_host = |h: &str| h.contains(['.', ':']) || h.eq_ignore_ascii_case("localhost");
        let (registry, repo) = match name.split_once('/') {
            Some((host, repo)) if is_host(host) => (host, repo),
            _ if name.is_empty() => ("", ""),
            _ => ("docker.io", name),
        };
        // docker/distribution maps the legacy Docker Hub host to docker.io too.
        let hub = ["docker.io", "index.docker.io"]
            .iter()
            .any(|h| registry.eq_ignore_ascii_case(h));
        let registry = if hub { "docker.io" } else { registry }.to_string();
        let repository = if hub && !repo.contains('/') {
            format!("library/{repo}")
        } else {
            repo.to_string()
        };
        ImageRef {
            registry,
            repository,
            tag,
            digest,
        }
    }

    /// "registry/repository", lowercased, e.g. "mcr.microsoft.com/windows/servercore", "docker.io/library/nginx".
    pub fn name(&self) -> String {
        if self.registry.is_empty() {
            return self.repository.to_ascii_lowercase();
        }
        format!("{}/{}", self.registry, self.repository).to_ascii_lowercase()
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// One row of the classification table: a glob over "registry/repository" (lowercase, `*` matches any run of characters incl. '/'), e.g. "mcr.microsoft.com/windows/servercore*" — and the OS it means.
#[derive(Clone, Debug)]
pub struct RepoPattern {
    pub pattern: String,
    pub os: ImageOs,
}

/// Classifier = built-in tables + user patterns (user patterns are checked first; they come from config later).
#[derive(Clone, Debug, Default)]
pub struct Classifier {
    pub user: Vec<RepoPattern>,
    /// What `winlint images lock` recorded, asked after the user's patterns.
    pub lock: Arc<Lock>,
    /// Answers per image string: many rules ask about the same images of the same pod.
    memo: Memo,
}

/// Where an image's OS came from, in the order the sources are asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// The config's `images:` patterns.
    Config,
    /// `.winlint-images.lock`, what the registry said.
    Lock,
    /// The built-in catalogue: Docker Official Images and the hand-kept tables.
    Catalogue,
    /// Tokens in the tag (`-nanoserver-ltsc2022`, `-alpine`).
    Name,
    /// Nothing says.
    Unknown,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Config => "config",
            Source::Lock => "lock",
            Source::Catalogue => "catalogue",
            Source::Name => "name",
            Source::Unknown => "unknown",
        }
    }
}

/// What winlint assigns to one image reference, computed once per image: what the rules
/// ask, and where it came from (`winlint images`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageInfo {
    pub os: ImageOs,
    /// The Windows builds the image carries, sorted; empty when unknown or Linux.
    pub builds: Vec<u32>,
    /// A .NET 8+ multi-platform tag, which has no Windows images (rule 27).
    pub dotnet_multiplatform: bool,
    pub source: Source,
}

impl ImageInfo {
    /// The one Windows build a Windows image is built for; None when unknown or when it
    /// carries several (a multi-build index).
    pub fn build(&self) -> Option<u32> {
        match (self.os, self.builds.as_slice()) {
            (ImageOs::Windows, [b]) => Some(*b),
            _ => None,
        }
    }
}

/// A bounded, thread-safe memo; cloning a classifier starts it empty.
#[derive(Debug, Default)]
struct Memo(std::sync::RwLock<std::collections::HashMap<String, ImageInfo>>);

impl Clone for Memo {
    fn clone(&self) -> Memo {
        Memo::default()
    }
}

/// Distinct images remembered at most (hostile input cannot grow the memo without bound).
const MEMO_LIMIT: usize = 10_000;

/// Why an image got its OS; [`explain`] renders it.
enum Reason {
    User(String),
    Lock,
    Catalogue,
    MultiOsRepo,
    WindowsRepo,
    WindowsToken(String),
    LinuxToken(String),
    DotnetMultiPlatform,
}

impl Classifier {
    /// Builds a classifier with the user's patterns (checked before the built-in tables).
    pub fn with_patterns(user: Vec<RepoPattern>) -> Classifier {
        Classifier {
            user,
            lock: Arc::default(),
            memo: Memo::default(),
        }
    }

    /// The same classifier, asking `lock` after the user's patterns.
    pub fn with_lock(mut self, lock: Lock) -> Classifier {
        self.lock = Arc::new(lock);
        self.memo = Memo::default();
        self
    }

    /// OS, builds and where they came from; the decision order is documented on `decide`.
    pub fn info(&self, image: &str) -> ImageInfo {
        if let Some(f) = self.memo.0.read().ok().and_then(|m| m.get(image).cloned()) {
            return f;
        }
        let r = ImageRef::parse(image);
        let f = match self.decide(image, &r) {
            Some(d) => ImageInfo {
                dotnet_multiplatform: matches!(d.reason, Reason::DotnetMultiPlatform),
                source: d.reason.source(),
                os: d.os,
                builds: d.builds,
            },
            None => ImageInfo {
                os: ImageOs::Unknown,
                builds: Vec::new(),
                dotnet_multiplatform: false,
                source: Source::Unknown,
            },
        };
        if let Ok(mut m) = self.memo.0.write() {
            if m.len() < MEMO_LIMIT {
                m.insert(image.to_owned(), f.clone());
            }
        }
        f
    }

    /// OS of an image reference.
    pub fn classify(&self, image: &str) -> ImageOs {
        self.info(image).os
    }

    /// The decision order; the first step that answers wins:
    /// 1. user patterns (config);
    /// 2. the lock (what the registry said, with exact builds);
    /// 3. the catalogue: the multi-OS allowlist (§B.4c), so pause is never Linux-only —
    ///    except that a tag with only Windows tokens (`pause:3.9-windows-ltsc2022-amd64`)
    ///    is a Windows single-platform tag; Windows-only repositories (§B.4a); the Docker
    ///    Official Images;
    /// 4. tag tokens: Windows only → Windows, Linux only → Linux, both → Unknown (§B.4a/b);
    /// 5. .NET >= 8 multi-platform tags → Linux (rule 27);
    /// 6. otherwise Unknown: generic tags can be multi-OS (§B.4c).
    ///
    /// Digest-only references have no tag, so tag tokens cannot answer for them.
    fn decide(&self, image: &str, r: &ImageRef) -> Option<Decision> {
        let name = r.name();
        let user = |p: &&RepoPattern| glob(&p.pattern.to_ascii_lowercase(), &name);
        if let Some(p) = self.user.iter().find(user) {
            let builds = tag_build(r, p.os);
            return Some(Decision::new(p.os, Reason::User(p.pattern.clone()), builds));
        }
        if let Some((os, builds)) = self.lock.fact(image) {
            return Some(Decision::new(os, Reason::Lock, builds));
        }
        let toks = r.tag.as_deref().map(tokens).unwrap_or_default();
        let win = toks
            .iter()
            .find(|t| WINDOWS_TAG_TOKENS.contains(&t.as_str()));
        let linux = toks.iter().find(|t| is_linux_token(t));
        if MULTI_OS_REPOS.iter().any(|p| glob(p, &name)) {
            return Some(match (win, linux) {
                (Some(w), None) => Decision::new(
                    ImageOs::Windows,
                    Reason::WindowsToken(w.clone()),
                    tag_build(r, ImageOs::Windows),
                ),
                _ => Decision::new(ImageOs::MultiOs, Reason::MultiOsRepo, Vec::new()),
            });
        }
        if WINDOWS_REPOS.iter().any(|p| glob(p, &name)) {
            let builds = tag_build(r, ImageOs::Windows);
            return Some(Decision::new(ImageOs::Windows, Reason::WindowsRepo, builds));
        }
        if let Some((os, builds)) = official(&name, r) {
            return Some(Decision::new(os, Reason::Catalogue, builds));
        }
        match (win, linux) {
            (Some(w), None) => {
                let builds = tag_build(r, ImageOs::Windows);
                let reason = Reason::WindowsToken(w.clone());
                return Some(Decision::new(ImageOs::Windows, reason, builds));
            }
            (None, Some(l)) => {
                let reason = Reason::LinuxToken(l.clone());
                return Some(Decision::new(ImageOs::Linux, reason, Vec::new()));
            }
            (Some(_), Some(_)) => return None,
            (None, None) => {}
        }
        if is_dotnet_multiplatform_tag(r, &name) {
            let reason = Reason::DotnetMultiPlatform;
            return Some(Decision::new(ImageOs::Linux, reason, Vec::new()));
        }
        None
    }
}

/// One answer of [`Classifier::decide`].
struct Decision {
    os: ImageOs,
    reason: Reason,
    builds: Vec<u32>,
}

impl Decision {
    fn new(os: ImageOs, reason: Reason, builds: Vec<u32>) -> Decision {
        Decision { os, reason, builds }
    }
}

impl Reason {
    fn source(&self) -> Source {
        match self {
            Reason::User(_) => Source::Config,
            Reason::Lock => Source::Lock,
            Reason::Catalogue | Reason::MultiOsRepo | Reason::WindowsRepo => Source::Catalogue,
            Reason::WindowsToken(_) | Reason::LinuxToken(_) | Reason::DotnetMultiPlatform => {
                Source::Name
            }
        }
    }
}

/// The Windows build a Windows image's tag names (Table B.5): one build, or none when the
/// tag names none or several different ones. A Linux image tagged `1809` has no build.
fn tag_build(r: &ImageRef, os: ImageOs) -> Vec<u32> {
    if os != ImageOs::Windows {
        return Vec::new();
    }
    let Some(tag) = r.tag.as_deref() else {
        return Vec::new();
    };
    let segs = segments(tag);
    let mut builds = segs.iter().filter_map(|s| segment_build(s));
    match builds.next() {
        Some(first) if builds.all(|b| b == first) => vec![first],
        _ => Vec::new(),
    }
}

/// What the Docker Official Images catalogue says of `name` and the reference's tag.
fn official(name: &str, r: &ImageRef) -> Option<(ImageOs, Vec<u32>)> {
    // A digest alone can be any tag's: only a Linux-only repository answers for it, which
    // no tag name (the empty one here) can change.
    let tag = match (&r.tag, &r.digest) {
        (None, Some(_)) => Some(""),
        (t, _) => t.as_deref(),
    };
    catalogue::lookup(name, tag).map(|f| (f.os, f.builds))
}

/// The official-images snapshot the catalogue was built from, for `winlint images`.
pub fn catalogue_snapshot() -> &'static str {
    catalogue::snapshot()
}

/// A short human reason for a classification, for diagnostics. None when Unknown.
pub fn explain(c: &Classifier, image: &str) -> Option<String> {
    let r = ImageRef::parse(image);
    let name = r.name();
    let d = c.decide(image, &r)?;
    let builds = || {
        let list: Vec<String> = d.builds.iter().map(|b| format!("10.0.{b}")).collect();
        if list.is_empty() {
            String::new()
        } else {
            format!(" ({})", list.join(", "))
        }
    };
    let os = match d.os {
        ImageOs::Windows => "Windows",
        ImageOs::Linux => "Linux",
        ImageOs::MultiOs => "Linux and Windows",
        ImageOs::Unknown => "",
    };
    Some(match d.reason {
        Reason::User(_) if d.os == ImageOs::Unknown => return None,
        Reason::User(p) => format!("repository {name} matches configured image pattern `{p}`"),
        Reason::Lock => format!("the image lock records `{image}` as {os}{}", builds()),
        Reason::Catalogue => format!(
            "the Docker Official Images publish `{image}` for {os}{}",
            builds()
        ),
        Reason::MultiOsRepo => format!("repository {name} is published for Linux and Windows"),
        Reason::WindowsRepo => format!("repository {name} is Windows-only"),
        Reason::WindowsToken(t) => format!("tag token `{t}` names a Windows base image"),
        Reason::LinuxToken(t) => format!("tag token `{t}` names a Linux base image"),
        Reason::DotnetMultiPlatform => format!(
            "tag `{}` of {name} is a .NET 8+ multi-platform tag, which has no Windows images",
            r.tag.as_deref().unwrap_or("latest")
        ),
    })
}

#[cfg(test)]
mod tests;
