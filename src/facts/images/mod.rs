//! Container image references and what their names say about OS and Windows build.
//!
//! Everything is table-driven (spec §B.3–§B.5): rules ask a [`Classifier`] and never match
//! image names themselves. Tag matching is a heuristic; generic tags stay `Unknown` because
//! shared tags may resolve to Windows variants (§B.4c).

mod builds;
mod tables;
mod tags;

pub use self::builds::{build_from_version_name, compatible, tag_for_build};
pub use self::tables::KNOWN_HOST_BUILDS;

use self::builds::segment_build;
use self::tables::{MULTI_OS_REPOS, WINDOWS_REPOS, WINDOWS_TAG_TOKENS};
use self::tags::{glob, is_dotnet_multiplatform_tag, is_linux_token, segments, tokens};

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
    /// Answers per image string: many rules ask about the same images of the same pod.
    memo: Memo,
}

/// What the rules ask of an image, computed once.
#[derive(Clone, Copy, Debug)]
struct Facts {
    os: ImageOs,
    build: Option<u32>,
    dotnet: bool,
}

/// A bounded, thread-safe memo; cloning a classifier starts it empty.
#[derive(Debug, Default)]
struct Memo(std::sync::RwLock<std::collections::HashMap<String, Facts>>);

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
    MultiOsRepo,
    WindowsRepo,
    WindowsToken(String),
    LinuxToken(String),
    DotnetMultiPlatform,
}

impl Classifier {
    /// OS of an image reference; the decision order is documented on `decide` below.
    /// Builds a classifier with the user's patterns (checked before the built-in tables).
    pub fn with_patterns(user: Vec<RepoPattern>) -> Classifier {
        Classifier {
            user,
            memo: Memo::default(),
        }
    }

    fn facts(&self, image: &str) -> Facts {
        if let Some(f) = self.memo.0.read().ok().and_then(|m| m.get(image).copied()) {
            return f;
        }
        let f = Facts {
            os: self.classify_uncached(image),
            build: self.windows_build_uncached(image),
            dotnet: self.is_dotnet_uncached(image),
        };
        if let Ok(mut m) = self.memo.0.write() {
            if m.len() < MEMO_LIMIT {
                m.insert(image.to_owned(), f);
            }
        }
        f
    }

    pub fn classify(&self, image: &str) -> ImageOs {
        self.facts(image).os
    }

    /// Windows build number the image's tag pins (Table B.5), or None when unknown.
    pub fn windows_build(&self, image: &str) -> Option<u32> {
        self.facts(image).build
    }

    /// True for the .NET >= 8 multi-platform tags of rule 27.
    pub fn is_dotnet_linux_only_multiplatform(&self, image: &str) -> bool {
        self.facts(image).dotnet
    }

    fn classify_uncached(&self, image: &str) -> ImageOs {
        self.decide(&ImageRef::parse(image))
            .map_or(ImageOs::Unknown, |(os, _)| os)
    }

    /// Windows build number the image's tag pins (Table B.5), or None when unknown.
    /// Only for images classified Windows: a Linux image tagged `1809` is not a Windows build.
    /// Several different builds in one tag give None.
    fn windows_build_uncached(&self, image: &str) -> Option<u32> {
        let r = ImageRef::parse(image);
        if !matches!(self.decide(&r), Some((ImageOs::Windows, _))) {
            return None;
        }
        let segs = segments(r.tag.as_deref()?);
        let mut builds = segs.iter().filter_map(|s| segment_build(s));
        let first = builds.next()?;
        builds.all(|b| b == first).then_some(first)
    }

    /// True for the .NET >= 8 multi-platform tags of rule 27. Goes through [`Self::classify`]'s
    /// decision, so a user pattern for the repository turns it off.
    fn is_dotnet_uncached(&self, image: &str) -> bool {
        matches!(
            self.decide(&ImageRef::parse(image)),
            Some((_, Reason::DotnetMultiPlatform))
        )
    }

    /// The decision order; the first step that answers wins:
    /// 1. user patterns (config);
    /// 2. multi-OS allowlist (§B.4c), so pause is never Linux-only — except that a tag with
    ///    only Windows tokens (`pause:3.9-windows-ltsc2022-amd64`) is a Windows single-platform tag;
    /// 3. Windows-only repositories (§B.4a);
    /// 4. tag tokens: Windows only → Windows, Linux only → Linux, both → Unknown (§B.4a/b);
    /// 5. .NET >= 8 multi-platform tags → Linux (rule 27);
    /// 6. otherwise Unknown: generic tags can be multi-OS (§B.4c).
    ///
    /// Digest-only references have no tag, so only steps 1–3 can answer for them.
    fn decide(&self, r: &ImageRef) -> Option<(ImageOs, Reason)> {
        let name = r.name();
        let user = |p: &&RepoPattern| glob(&p.pattern.to_ascii_lowercase(), &name);
        if let Some(p) = self.user.iter().find(user) {
            return Some((p.os, Reason::User(p.pattern.clone())));
        }
        let toks = r.tag.as_deref().map(tokens).unwrap_or_default();
        let win = toks
            .iter()
            .find(|t| WINDOWS_TAG_TOKENS.contains(&t.as_str()));
        let linux = toks.iter().find(|t| is_linux_token(t));
        if MULTI_OS_REPOS.iter().any(|p| glob(p, &name)) {
            return Some(match (win, linux) {
                (Some(w), None) => (ImageOs::Windows, Reason::WindowsToken(w.clone())),
                _ => (ImageOs::MultiOs, Reason::MultiOsRepo),
            });
        }
        if WINDOWS_REPOS.iter().any(|p| glob(p, &name)) {
            return Some((ImageOs::Windows, Reason::WindowsRepo));
        }
        match (win, linux) {
            (Some(w), None) => return Some((ImageOs::Windows, Reason::WindowsToken(w.clone()))),
            (None, Some(l)) => return Some((ImageOs::Linux, Reason::LinuxToken(l.clone()))),
            (Some(_), Some(_)) => return None,
            (None, None) => {}
        }
        if is_dotnet_multiplatform_tag(r, &name) {
            return Some((ImageOs::Linux, Reason::DotnetMultiPlatform));
        }
        None
    }
}

/// A short human reason for a classification, for diagnostics. None when Unknown.
pub fn explain(c: &Classifier, image: &str) -> Option<String> {
    let r = ImageRef::parse(image);
    let name = r.name();
    let (os, reason) = c.decide(&r)?;
    Some(match reason {
        Reason::User(_) if os == ImageOs::Unknown => return None,
        Reason::User(p) => format!("repository {name} matches configured image pattern `{p}`"),
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
