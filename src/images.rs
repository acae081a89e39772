//! Container image references and what their names say about OS and Windows build.
//!
//! Everything is table-driven (spec §B.3–§B.5): rules ask a [`Classifier`] and never match
//! image names themselves. Tag matching is a heuristic; generic tags stay `Unknown` because
//! shared tags may resolve to Windows variants (§B.4c).

/// The OS an image reference runs on, as far as its name tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ImageOs {
    Windows,
    Linux,
    MultiOs,
    Unknown,
}

/// Repositories published for Linux and Windows (§B.4c): never classified Linux-only.
const MULTI_OS_REPOS: &[&str] = &[
    "registry.k8s.io/pause",                  // W1
    "k8s.gcr.io/pause",                       // W1, former name of registry.k8s.io
    "mcr.microsoft.com/oss/kubernetes/pause", // W1
    // e2e images: windows-testing gce/prepull-*.yaml runs even their `-alpine` tags with cmd.exe
    "registry.k8s.io/e2e-test-images/*", // inferred from that corpus file
    "k8s.gcr.io/e2e-test-images/*",      // inferred, same images
    "*/kubernetes-e2e-test-images/*",    // inferred, mirrors such as k8sprow.azurecr.io
];

/// Windows-only repositories (§B.4a).
const WINDOWS_REPOS: &[&str] = &[
    "mcr.microsoft.com/windows",                  // S18
    "mcr.microsoft.com/windows/insider",          // S18
    "mcr.microsoft.com/windows/servercore",       // S18
    "mcr.microsoft.com/windows/servercore/*",     // S18 /iis, /insider; W2
    "mcr.microsoft.com/windows/nanoserver",       // S18
    "mcr.microsoft.com/windows/nanoserver/*",     // S18 /insider
    "mcr.microsoft.com/windows/server",           // S18
    "mcr.microsoft.com/windows/server/*",         // S18 /insider
    "mcr.microsoft.com/dotnet/framework/sdk",     // S22b
    "mcr.microsoft.com/dotnet/framework/aspnet",  // S22b
    "mcr.microsoft.com/dotnet/framework/runtime", // S22b
    "mcr.microsoft.com/dotnet/framework/wcf",     // S22b
    "mcr.microsoft.com/dotnet/framework/samples", // S22b
    "docker.io/microsoft/windowsservercore",      // legacy Docker Hub, §C I15 (inferred)
    "docker.io/microsoft/nanoserver",             // legacy Docker Hub (inferred)
    "docker.io/microsoft/dotnet-framework*",      // legacy Docker Hub (inferred)
    "docker.io/microsoft/iis",                    // legacy Docker Hub (inferred)
];

/// Tag tokens that name a Windows base image (§B.4a); compared with whole tokens.
const WINDOWS_TAG_TOKENS: &[&str] = &[
    "windowsservercore", // S22 `8.0-windowsservercore-ltsc2019`
    "servercore",        // S22b, index excerpts
    "nanoserver",        // S22 `8.0-nanoserver-ltsc2022`
    "ltsc2016",          // S17
    "ltsc2019",          // S17
    "ltsc2022",          // S17; S25 `-windows-ltsc2022`
    "ltsc2025",          // S17
    "windows",           // S25 `-windows-amd64` (heuristic)
];

/// Tag tokens that name a Linux-only variant (§B.4b). A token matches as the word or the word
/// plus digits (`alpine3` from `alpine3.19`, `mariner2` from `cbl-mariner2.0`).
const LINUX_TAG_TOKENS: &[&str] = &[
    "linux",      // S25 `-linux-amd64`
    "alpine",     // S22, S26 `alpine`, `alpine3.NN`
    "bookworm",   // S26 Debian 12
    "bullseye",   // S26 Debian 11
    "buster",     // S26 Debian 10
    "stretch",    // S26 Debian 9
    "trixie",     // S26 Debian 13
    "jammy",      // S22 Ubuntu 22.04
    "noble",      // S22 Ubuntu 24.04
    "focal",      // S22 Ubuntu 20.04
    "bionic",     // S22 Ubuntu 18.04
    "xenial",     // S22 Ubuntu 16.04
    "ubi",        // Red Hat UBI `ubi8` (heuristic)
    "distroless", // S22
    "chiseled",   // S22 `jammy-chiseled`
    "azurelinux", // S22 `azurelinux3.0`
    "mariner",    // S22 `cbl-mariner2.0`
];

/// Table B.5: tag token → Windows build. All-digit rows (SAC versions) must be a whole
/// `-`/`_` segment, so a version component such as `1.2004.3` is not read as a build.
const BUILD_TOKENS: &[(&str, u32)] = &[
    ("ltsc2016", 14393), // S18
    ("1607", 14393),     // S18
    ("sac2016", 14393),  // inferred
    ("1709", 16299),     // S18
    ("1803", 17134),     // S18
    ("ltsc2019", 17763), // S18
    ("1809", 17763),     // S18
    ("1903", 18362),     // S18
    ("1909", 18363),     // S18
    ("2004", 19041),     // S18
    ("20h2", 19042),     // S18
    ("ltsc2022", 20348), // S18
    ("ltsc2025", 26100), // S18
];

/// Windows Server releases by year, for build label values written as a year (`2019`).
const SERVER_YEARS: &[(&str, u32)] = &[
    ("2016", 14393), // S18
    ("2019", 17763), // S18
    ("2022", 20348), // S18
    ("2025", 26100), // S18
];

/// Host builds that Windows nodes run (Table B.3, plus 23H2 from hcsshim S19): the
/// candidates when winlint asks which hosts a pod's constraints admit.
pub const KNOWN_HOST_BUILDS: &[u32] = &[
    14393, 16299, 17134, 17763, 18362, 18363, 19041, 19042, 20348, 25398, 26100,
];

/// .NET repositories whose multi-platform tags exclude Windows from .NET 8 on (rule 27).
const DOTNET_MULTIPLATFORM_REPOS: &[&str] = &[
    "mcr.microsoft.com/dotnet/runtime-deps",         // S22
    "mcr.microsoft.com/dotnet/runtime",              // S22
    "mcr.microsoft.com/dotnet/aspnet",               // S22
    "mcr.microsoft.com/dotnet/sdk",                  // S22
    "mcr.microsoft.com/dotnet/nightly/runtime-deps", // S22
    "mcr.microsoft.com/dotnet/nightly/runtime",      // S22
    "mcr.microsoft.com/dotnet/nightly/aspnet",       // S22
    "mcr.microsoft.com/dotnet/nightly/sdk",          // S22
];

/// First .NET major whose multi-platform tags are Linux-only (S22).
const DOTNET_LINUX_ONLY_MAJOR: u32 = 8;

/// hcsshim `compatLTSCReleases`, descending (S19).
const COMPAT_LTSC_RELEASES: &[u32] = &[26100, 20348];

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

/// hcsshim CheckHostAndContainerCompat (spec §B.3): can a container built for `ctr` run on
/// host build `host` with process isolation.
pub fn compatible(host: u32, ctr: u32) -> bool {
    let oldest = COMPAT_LTSC_RELEASES[COMPAT_LTSC_RELEASES.len() - 1];
    if host < oldest {
        return host == ctr; // before WS2022 builds must match exactly
    }
    // the newest LTSC release older than the host opens the window of runnable images
    let prev = COMPAT_LTSC_RELEASES.iter().find(|&&x| host > x);
    (*prev.unwrap_or(&oldest)..=host).contains(&ctr)
}

/// `-`/`_`-separated, lowercased pieces of a tag. `ltsc` followed by a year is joined
/// (`windows-ltsc-2022` → `ltsc2022`), a spelling seen on Docker Hub.
fn segments(tag: &str) -> Vec<String> {
    let (lower, mut out) = (tag.to_ascii_lowercase(), Vec::<String>::new());
    for seg in lower.split(['-', '_']).filter(|s| !s.is_empty()) {
        match out.last_mut() {
            Some(prev) if prev == "ltsc" && is_digits(seg) => prev.push_str(seg),
            _ => out.push(seg.to_string()),
        }
    }
    out
}

/// Tag tokens: segments split once more on `.` (`alpine3.19` → `alpine3`, `19`).
fn tokens(tag: &str) -> Vec<String> {
    let mut out = Vec::new();
    for seg in segments(tag) {
        out.extend(seg.split('.').filter(|t| !t.is_empty()).map(str::to_string));
    }
    out
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_linux_token(tok: &str) -> bool {
    let versioned = |rest: &str| rest.is_empty() || is_digits(rest);
    LINUX_TAG_TOKENS
        .iter()
        .any(|w| tok.strip_prefix(w).is_some_and(versioned))
}

/// Build named by one tag segment: `10.0.N[.R]`, or a Table B.5 token.
fn segment_build(seg: &str) -> Option<u32> {
    if let Some(rest) = seg.strip_prefix("10.0.") {
        let parts: Vec<&str> = rest.split('.').collect();
        if parts.len() <= 2 && parts.iter().all(|p| is_digits(p)) {
            return parts[0].parse().ok();
        }
        return None;
    }
    BUILD_TOKENS.iter().find_map(|&(tok, build)| {
        let hit = seg == tok || (!is_digits(tok) && seg.split('.').any(|t| t == tok));
        hit.then_some(build)
    })
}

/// The Windows build a human wrote instead of a `node.kubernetes.io/windows-build` value:
/// `17763`, `10.0.17763.1234`, `ltsc2019`, `1809`, `2019`, `ws2019`, `windows-2022`.
pub fn build_from_version_name(v: &str) -> Option<u32> {
    let lower = v.trim().to_ascii_lowercase();
    let named = |s: &str| -> Option<u32> {
        if let Some(b) = segment_build(s) {
            return Some(b);
        }
        if let Some(&(_, b)) = SERVER_YEARS.iter().find(|(y, _)| *y == s) {
            return Some(b);
        }
        (s.len() == 5 && is_digits(s))
            .then(|| s.parse().ok())
            .flatten()
    };
    if let Some(b) = named(&lower) {
        return Some(b);
    }
    let rest = ["windowsserver", "windows", "server", "ws", "win"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))?;
    named(rest.trim_start_matches(['-', '_', ' ']))
}

/// The usual tag token for images of a Windows build (`ltsc2019` for 17763), for help text.
pub fn tag_for_build(build: u32) -> Option<&'static str> {
    let ltsc = BUILD_TOKENS
        .iter()
        .find(|(t, b)| *b == build && t.starts_with("ltsc"));
    ltsc.or_else(|| BUILD_TOKENS.iter().find(|(_, b)| *b == build))
        .map(|(t, _)| *t)
}

/// Rule 27: `latest` (also implied by a missing tag) or a version of major >= 8, on a .NET
/// repository, with no OS token (OS-specific tags are handled by the token tables).
fn is_dotnet_multiplatform_tag(r: &ImageRef, name: &str) -> bool {
    if !DOTNET_MULTIPLATFORM_REPOS.contains(&name) {
        return false;
    }
    let tag = match (&r.tag, &r.digest) {
        (Some(t), _) => t.to_ascii_lowercase(),
        (None, None) => "latest".to_string(),
        (None, Some(_)) => return false,
    };
    if tag == "latest" {
        return true;
    }
    let major = tag.split(['-', '_', '.']).next().unwrap_or_default();
    major
        .parse::<u32>()
        .is_ok_and(|m| m >= DOTNET_LINUX_ONLY_MAJOR)
}

/// `*`-only glob, `*` matching any run of characters including `/`.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&b| b == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use ImageOs::*;

    /// One case a line: image, OS, Windows build (`-` = None), rule-27 tag (`yes`/`-`).
    /// `""` is the empty image.
    const CASES: &str = r#"
# Windows-only repositories
mcr.microsoft.com/windows/servercore:ltsc2019                        windows  17763  -
mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019  windows  17763  -
mcr.microsoft.com/windows/servercore/insider:10.0.26100.1            windows  26100  -
mcr.microsoft.com/windows/nanoserver:1809                            windows  17763  -
mcr.microsoft.com/windows/nanoserver:1809-KB4493509                  windows  17763  -
mcr.microsoft.com/windows/nanoserver:10.0.17763.437                  windows  17763  -
mcr.microsoft.com/windows/nanoserver:1607                            windows  14393  -
mcr.microsoft.com/windows/nanoserver:sac2016                         windows  14393  -
mcr.microsoft.com/windows/nanoserver:1803                            windows  17134  -
mcr.microsoft.com/windows/nanoserver:1903                            windows  18362  -
mcr.microsoft.com/windows/nanoserver:1909                            windows  18363  -
mcr.microsoft.com/windows/nanoserver:2004                            windows  19041  -
mcr.microsoft.com/windows/nanoserver:20H2                            windows  19042  -
mcr.microsoft.com/windows/nanoserver/insider:10.0.25982              windows  25982  -
mcr.microsoft.com/windows/server:ltsc2025                            windows  26100  -
mcr.microsoft.com/windows/server/insider:latest                      windows  -      -
mcr.microsoft.com/windows:1809                                       windows  17763  -
mcr.microsoft.com/windows/insider:10.0.20348.1                       windows  20348  -
mcr.microsoft.com/dotnet/framework/aspnet:4.8-windowsservercore-ltsc2022 windows  20348  -
mcr.microsoft.com/dotnet/framework/runtime:4.8.1                     windows  -      -
mcr.microsoft.com/dotnet/framework/sdk:4.8.1-20231010-windowsservercore-ltsc2019 windows  17763  -
mcr.microsoft.com/dotnet/framework/wcf:4.8                           windows  -      -
mcr.microsoft.com/dotnet/framework/samples:aspnetapp                 windows  -      -
microsoft/windowsservercore:1709                                     windows  16299  -
microsoft/nanoserver                                                 windows  -      -
microsoft/dotnet-framework-samples:4.7.2                             windows  -      -
index.docker.io/microsoft/iis:latest                                 windows  -      -
MCR.Microsoft.com/Windows/ServerCore:LTSC2022                        windows  20348  -
mcr.microsoft.com/windows/servercore@sha256:abc                      windows  -      -
# Windows tag tokens
redis:3.0-nanoserver                                                 windows  -      -
fluent/fluentd:v1.19-windows-ltsc2022-1                              windows  20348  -
golang:1.22-nanoserver-1809                                          windows  17763  -
datadog/agent:7-servercore                                           windows  -      -
example.com/app:1.0-ltsc2016                                         windows  14393  -
registry.k8s.io/sig-storage/smbplugin:v1.17.0-windows-hp             windows  -      -
newrelic/fluentbit-output:3.8.0-windows-ltsc-2019                    windows  17763  -
example.com/app:ltsc2019-ltsc2022                                    windows  -      -
# SAC versions and 10.0.N only pin a build on a Windows repo
example.com/app:1809                                                 unknown  -      -
example.com/app:10.0.17763                                           unknown  -      -
example.com/app:1.2004.3-windows                                     windows  -      -
# multi-OS allowlist
registry.k8s.io/pause:3.9                                            multios  -      -
k8s.gcr.io/pause:3.2                                                 multios  -      -
mcr.microsoft.com/oss/kubernetes/pause:3.9                           multios  -      -
registry.k8s.io/pause:3.9-linux-amd64                                multios  -      -
mcr.microsoft.com/oss/kubernetes/pause:3.9-windows-ltsc2022-amd64    windows  20348  -
registry.k8s.io/e2e-test-images/agnhost:2.45                         multios  -      -
k8s.gcr.io/e2e-test-images/agnhost:2.33                              multios  -      -
k8sprow.azurecr.io/kubernetes-e2e-test-images/nginx:1.14-alpine      multios  -      -
# Linux tag tokens
nginx:1.25-alpine                                                    linux    -      -
python:3.12-alpine3.19                                               linux    -      -
golang:1.22-bookworm                                                 linux    -      -
node:20-bullseye-slim                                                linux    -      -
debian:buster                                                        linux    -      -
debian:stretch-slim                                                  linux    -      -
debian:trixie                                                        linux    -      -
ubuntu:jammy                                                         linux    -      -
ubuntu:noble-20240101                                                linux    -      -
ubuntu:focal                                                         linux    -      -
ubuntu:bionic                                                        linux    -      -
ubuntu:xenial                                                        linux    -      -
nvidia/cuda:12.2.0-devel-ubi8                                        linux    -      -
example.com/app:v1-distroless                                        linux    -      -
mcr.microsoft.com/dotnet/runtime-deps:8.0-jammy-chiseled             linux    -      -
mcr.microsoft.com/dotnet/aspnet:8.0-azurelinux3.0                    linux    -      -
mcr.microsoft.com/dotnet/aspnet:6.0-cbl-mariner2.0                   linux    -      -
example.com/agent:1.0-linux-amd64                                    linux    -      -
NGINX:1.25-ALPINE                                                    linux    -      -
example.com/app:1809-alpine                                          linux    -      -
example.com/app:alpinefoo                                            unknown  -      -
example.com/app:1.0-linux64                                          linux    -      -
# both Windows and Linux tokens
example.com/agent:1.0-windows-linux                                  unknown  -      -
# .NET >= 8 multi-platform tags (rule 27)
mcr.microsoft.com/dotnet/aspnet:8.0                                  linux    -      yes
mcr.microsoft.com/dotnet/runtime:8.0.1                               linux    -      yes
mcr.microsoft.com/dotnet/sdk:10.0-preview                            linux    -      yes
mcr.microsoft.com/dotnet/runtime-deps:9                              linux    -      yes
mcr.microsoft.com/dotnet/sdk                                         linux    -      yes
mcr.microsoft.com/dotnet/nightly/aspnet:9.0                          linux    -      yes
mcr.microsoft.com/dotnet/nightly/runtime:8.0                         linux    -      yes
mcr.microsoft.com/dotnet/nightly/sdk:latest                          linux    -      yes
mcr.microsoft.com/dotnet/nightly/runtime-deps:10.0                   linux    -      yes
mcr.microsoft.com/dotnet/aspnet:8.0@sha256:abc                       linux    -      yes
mcr.microsoft.com/dotnet/aspnet:8.0-nanoserver-ltsc2022              windows  20348  -
mcr.microsoft.com/dotnet/sdk:8.0-windowsservercore-ltsc2019          windows  17763  -
mcr.microsoft.com/dotnet/aspnet:6.0                                  unknown  -      -
mcr.microsoft.com/dotnet/aspnet@sha256:abc                           unknown  -      -
mcr.microsoft.com/dotnet/monitor:8.0                                 unknown  -      -
# generic
nginx                                                                unknown  -      -
busybox:1.36                                                         unknown  -      -
calico/windows:master                                                unknown  -      -
localhost:5000/foo:bar                                               unknown  -      -
localhost:5000/foo                                                   unknown  -      -
busybox@sha256:abc                                                   unknown  -      -
""                                                                   unknown  -      -
@@::                                                                 unknown  -      -
"#;

    fn cases() -> Vec<[&'static str; 4]> {
        let rows = CASES
            .lines()
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let row = |l: &'static str| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(cols.len(), 4, "malformed case {l:?}");
            let image = if cols[0] == "\"\"" { "" } else { cols[0] };
            [image, cols[1], cols[2], cols[3]]
        };
        rows.map(row).collect()
    }

    #[test]
    fn table() {
        let c = Classifier::default();
        for [image, os, build, dotnet] in cases() {
            let got = c.classify(image);
            assert_eq!(format!("{got:?}").to_lowercase(), os, "classify {image}");
            let want_build = build.parse::<u32>().ok();
            assert_eq!(c.windows_build(image), want_build, "windows_build {image}");
            let rule27 = c.is_dotnet_linux_only_multiplatform(image);
            assert_eq!(rule27, dotnet == "yes", "rule 27 {image}");
            let explained = explain(&c, image).is_some();
            assert_eq!(explained, got != Unknown, "explain {image}");
        }
    }

    #[test]
    fn every_table_row_is_exercised() {
        let refs: Vec<ImageRef> = cases().iter().map(|row| ImageRef::parse(row[0])).collect();
        let repos = MULTI_OS_REPOS.iter().chain(WINDOWS_REPOS);
        for p in repos.chain(DOTNET_MULTIPLATFORM_REPOS) {
            assert!(refs.iter().any(|r| glob(p, &r.name())), "no case for {p}");
        }
        let tags = refs.iter().filter_map(|r| r.tag.as_deref());
        let toks: Vec<String> = tags.flat_map(tokens).collect();
        let builds = BUILD_TOKENS.iter().map(|r| &r.0);
        for w in WINDOWS_TAG_TOKENS
            .iter()
            .chain(builds)
            .chain(LINUX_TAG_TOKENS)
        {
            // a versioned Linux word (`alpine3`) counts for its row
            let hit = |t: &String| t == w || t.strip_prefix(*w).is_some_and(is_digits);
            assert!(toks.iter().any(hit), "no case for tag token {w}");
        }
    }

    /// input | registry | repository | tag | digest (`-` = None)
    const PARSE_CASES: &str = "
nginx                     | docker.io      | library/nginx   | -    | -
nginx:1.25                | docker.io      | library/nginx   | 1.25 | -
docker.io/nginx           | docker.io      | library/nginx   | -    | -
DOCKER.IO/nginx           | docker.io      | library/nginx   | -    | -
index.docker.io/foo/bar:1 | docker.io      | foo/bar         | 1    | -
fluent/fluentd:v1         | docker.io      | fluent/fluentd  | v1   | -
localhost:5000/foo:bar    | localhost:5000 | foo             | bar  | -
localhost/foo             | localhost      | foo             | -    | -
myreg:5000/a/b            | myreg:5000     | a/b             | -    | -
quay.io/a/b:1@sha256:d    | quay.io        | a/b             | 1    | sha256:d
busybox@sha256:d          | docker.io      | library/busybox | -    | sha256:d
  Foo.IO/Bar:Tag          | Foo.IO         | Bar             | Tag  | -
nginx:                    | docker.io      | library/nginx   | -    | -
:tag                      |                |                 | tag  | -
                          |                |                 | -    | -
";

    #[test]
    fn parse() {
        let opt = |s: Option<String>| s.unwrap_or_else(|| "-".into());
        for line in PARSE_CASES.lines().skip(1) {
            let c: Vec<&str> = line.split('|').collect();
            let r = ImageRef::parse(c[0]);
            let got = [r.registry, r.repository, opt(r.tag), opt(r.digest)];
            let want: Vec<&str> = c[1..].iter().map(|s| s.trim()).collect();
            assert_eq!(got.as_slice(), want.as_slice(), "{line}");
        }
        let name = |i: &str| ImageRef::parse(i).name();
        assert_eq!(
            name("MCR.microsoft.com/Windows/ServerCore"),
            "mcr.microsoft.com/windows/servercore"
        );
        assert_eq!(name("nginx"), "docker.io/library/nginx");
        assert_eq!(name(""), "");
    }

    #[test]
    fn user_patterns_come_first() {
        let pat = |p: &str, os| RepoPattern {
            pattern: p.into(),
            os,
        };
        let c = Classifier::with_patterns(vec![
            pat("Example.com/linux-only/*", Linux),
            pat("registry.k8s.io/pause", Windows),
            pat("mcr.microsoft.com/dotnet/aspnet", Unknown),
            pat("*/calico/windows", Windows),
        ]);
        assert_eq!(
            c.classify("example.com/linux-only/a/b:1.0-nanoserver"),
            Linux
        );
        assert_eq!(c.classify("registry.k8s.io/pause:3.9"), Windows);
        assert_eq!(c.classify("mcr.microsoft.com/dotnet/aspnet:8.0"), Unknown);
        assert!(!c.is_dotnet_linux_only_multiplatform("mcr.microsoft.com/dotnet/aspnet:8.0"));
        assert_eq!(explain(&c, "mcr.microsoft.com/dotnet/aspnet:8.0"), None);
        assert_eq!(c.classify("calico/windows:master-1809"), Windows);
        assert_eq!(c.windows_build("calico/windows:master-1809"), Some(17763));
        assert_eq!(
            explain(&c, "example.com/linux-only/a:1").as_deref(),
            Some("repository example.com/linux-only/a matches configured image pattern `Example.com/linux-only/*`")
        );
    }

    #[test]
    fn explanations() {
        let c = Classifier::default();
        let cases = [
            ("mcr.microsoft.com/windows/servercore:ltsc2019", "repository mcr.microsoft.com/windows/servercore is Windows-only"),
            ("fluent/fluentd:v1.19-windows-ltsc2022-1", "tag token `windows` names a Windows base image"),
            ("example.com/a:ltsc2019", "tag token `ltsc2019` names a Windows base image"),
            ("nginx:1.25-alpine", "tag token `alpine` names a Linux base image"),
            ("registry.k8s.io/pause:3.9", "repository registry.k8s.io/pause is published for Linux and Windows"),
            (
                "mcr.microsoft.com/dotnet/aspnet:8.0",
                "tag `8.0` of mcr.microsoft.com/dotnet/aspnet is a .NET 8+ multi-platform tag, which has no Windows images",
            ),
        ];
        for (image, want) in cases {
            assert_eq!(explain(&c, image).as_deref(), Some(want), "explain {image}");
        }
        assert_eq!(explain(&c, "nginx"), None);
    }

    #[test]
    fn glob_matching() {
        assert!(glob("a/*", "a/b/c"));
        assert!(glob("*/x/*", "reg.io/x/y"));
        assert!(glob("a*b*c", "axxbyyc"));
        assert!(glob("abc", "abc"));
        assert!(!glob("abc", "abcd"));
        assert!(!glob("a/*", "a"));
        assert!(glob("*", ""));
        assert!(!glob("a*c", "ab"));
    }

    #[test]
    fn build_names() {
        let cases = [
            ("17763", Some(17763)),
            ("10.0.17763.1234", Some(17763)),
            ("ltsc2019", Some(17763)),
            ("LTSC2022", Some(20348)),
            ("1809", Some(17763)),
            ("2019", Some(17763)),
            ("ws2025", Some(26100)),
            ("windows-2022", Some(20348)),
            ("WindowsServer2016", Some(14393)),
            ("20H2", Some(19042)),
            ("win", None),
            ("10.0", None),
            ("abc", None),
        ];
        for (v, want) in cases {
            assert_eq!(build_from_version_name(v), want, "{v}");
        }
        assert_eq!(tag_for_build(17763), Some("ltsc2019"));
        assert_eq!(tag_for_build(19042), Some("20h2"));
        assert_eq!(tag_for_build(12345), None);
    }

    #[test]
    fn compatibility_matrix() {
        let images = [14393, 17763, 20348, 26100];
        // §B.3 matrix, rows = hosts, columns = images
        let matrix: &[(u32, [bool; 4])] = &[
            (14393, [true, false, false, false]),
            (17763, [false, true, false, false]),
            (20348, [false, false, true, false]),
            (25398, [false, false, true, false]),
            (26100, [false, false, true, true]),
        ];
        for &(host, row) in matrix {
            for (ctr, want) in images.iter().zip(row) {
                assert_eq!(compatible(host, *ctr), want, "host {host} image {ctr}");
            }
        }
        // SAC hosts need an exact match; a host runs its own build
        assert!(compatible(19042, 19042));
        assert!(!compatible(19042, 19041));
        assert!(compatible(25398, 25398));
        // a future host after WS2025 keeps only the WS2025 window
        assert!(compatible(26200, 26100));
        assert!(!compatible(26200, 20348));
    }
}
