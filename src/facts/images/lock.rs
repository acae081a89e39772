//! `.winlint-images.lock`: what registries said of each image reference, recorded by
//! `winlint images lock` so that linting stays offline and deterministic. This module only
//! reads and writes the format; asking registries is the engine's work.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{ImageOs, ImageRef};

/// The lock format's version; a newer file is refused rather than misread.
pub const LOCK_VERSION: u32 = 1;

/// The lock: one entry per canonical reference, sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    pub version: u32,
    pub images: BTreeMap<String, LockEntry>,
}

/// What the registry answered for one reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockEntry {
    /// The digest of the manifest or index the reference resolved to.
    pub digest: String,
    /// One platform per manifest (an index) or the one image's config (a manifest), sorted.
    pub platforms: Vec<Platform>,
}

/// An OCI platform: `os`, `architecture`, and for Windows the `os.version` build.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    #[serde(
        rename = "os.version",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub os_version: Option<String>,
}

impl Platform {
    /// The Windows build of `os.version` (`10.0.17763.5458` -> 17763).
    pub fn windows_build(&self) -> Option<u32> {
        let v = self.os_version.as_deref()?;
        let mut parts = v.split('.');
        let (major, minor) = (parts.next()?, parts.next()?);
        if major != "10" || minor != "0" {
            return None;
        }
        parts.next()?.parse().ok()
    }
}

impl Lock {
    /// Parses a lock file's text; the error says what is wrong, for a config diagnostic.
    pub fn parse(text: &str) -> Result<Lock, String> {
        let lock: Lock = serde_json::from_str(text).map_err(|e| e.to_string())?;
        if lock.version != LOCK_VERSION {
            return Err(format!(
                "lock version {} is not supported (this winlint writes version {LOCK_VERSION})",
                lock.version
            ));
        }
        Ok(lock)
    }

    /// The file's text: pretty JSON with sorted keys and platforms, newline-terminated, so
    /// the same answers always give the same bytes.
    pub fn to_text(&self) -> String {
        let mut lock = self.clone();
        lock.version = LOCK_VERSION;
        for e in lock.images.values_mut() {
            e.platforms.sort();
            e.platforms.dedup();
        }
        let mut text = serde_json::to_string_pretty(&lock).unwrap_or_default();
        text.push('\n');
        text
    }

    /// The entry for an image as written in a manifest, if the lock has it.
    pub fn get(&self, image: &str) -> Option<&LockEntry> {
        self.images.get(&canonical(image)?)
    }

    /// The OS and Windows builds the lock records for an image.
    pub fn fact(&self, image: &str) -> Option<(ImageOs, Vec<u32>)> {
        let entry = self.get(image)?;
        let has = |os: &str| entry.platforms.iter().any(|p| p.os == os);
        let os = match (has("windows"), has("linux")) {
            (true, true) => ImageOs::MultiOs,
            (true, false) => ImageOs::Windows,
            (false, true) => ImageOs::Linux,
            (false, false) => return None,
        };
        let mut builds: Vec<u32> = entry
            .platforms
            .iter()
            .filter(|p| p.os == "windows")
            .filter_map(Platform::windows_build)
            .collect();
        builds.sort_unstable();
        builds.dedup();
        Some((os, builds))
    }
}

/// The lock's key for an image: `registry/repository[:tag][@digest]`, Docker Hub names
/// spelled out (`nginx` -> `docker.io/library/nginx:latest`). None for a reference that
/// names no repository.
pub fn canonical(image: &str) -> Option<String> {
    let r = ImageRef::parse(image);
    if r.registry.is_empty() || r.repository.is_empty() {
        return None;
    }
    let mut key = format!(
        "{}/{}",
        r.registry.to_ascii_lowercase(),
        r.repository.to_ascii_lowercase()
    );
    match (&r.tag, &r.digest) {
        (Some(t), _) => {
            key.push(':');
            key.push_str(t);
        }
        (None, None) => key.push_str(":latest"),
        (None, Some(_)) => {}
    }
    if let Some(d) = &r.digest {
        key.push('@');
        key.push_str(d);
    }
    well_formed(&r).then_some(key)
}

/// Does the reference follow the distribution grammar (a registry can be asked for it)?
/// Unrendered templates (`{{ .Values.image }}`) and variables (`$(IMAGE)`) do not.
fn well_formed(r: &ImageRef) -> bool {
    let host_ok = r
        .registry
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    let component_ok = |c: &str| {
        !c.is_empty()
            && c.starts_with(|ch: char| ch.is_ascii_alphanumeric())
            && c.ends_with(|ch: char| ch.is_ascii_alphanumeric())
            && c.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '.' | '_' | '-'))
    };
    let repo_ok = r.repository.split('/').all(component_ok);
    let tag_ok = r.tag.as_deref().is_none_or(|t| {
        t.len() <= 128
            && !t.starts_with(['.', '-'])
            && t.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
    });
    let digest_ok = r.digest.as_deref().is_none_or(|d| {
        d.split_once(':').is_some_and(|(algo, hex)| {
            !algo.is_empty()
                && algo
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+._-".contains(c))
                && hex.len() >= 32
                && hex.chars().all(|c| c.is_ascii_hexdigit())
        })
    });
    host_ok && repo_ok && tag_ok && digest_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platform(os: &str, version: Option<&str>) -> Platform {
        Platform {
            os: os.into(),
            architecture: "amd64".into(),
            variant: None,
            os_version: version.map(Into::into),
        }
    }

    #[test]
    fn canonical_keys() {
        let cases = [
            ("nginx", Some("docker.io/library/nginx:latest")),
            ("nginx:1.27", Some("docker.io/library/nginx:1.27")),
            (
                "docker.io/library/nginx:1.27",
                Some("docker.io/library/nginx:1.27"),
            ),
            ("Reg.IO:5000/A/b:V1", Some("reg.io:5000/a/b:V1")),
            (
                "busybox@sha256:0123456789abcdef0123456789abcdef",
                Some("docker.io/library/busybox@sha256:0123456789abcdef0123456789abcdef"),
            ),
            ("q.io/a:1@sha256:ab", None),
            ("", None),
            (":tag", None),
            ("{{ .Values.image }}", None),
            ("$(REGISTRY)/app:1", None),
            ("reg.io/app:{{.Tag}}", None),
        ];
        for (image, want) in cases {
            assert_eq!(canonical(image).as_deref(), want, "{image}");
        }
    }

    #[test]
    fn facts_from_platforms() {
        let mut lock = Lock::default();
        let entry = |p: Vec<Platform>| LockEntry {
            digest: "sha256:1".into(),
            platforms: p,
        };
        lock.images.insert(
            "r.io/win:1".into(),
            entry(vec![platform("windows", Some("10.0.17763.5458"))]),
        );
        lock.images.insert(
            "r.io/multi:1".into(),
            entry(vec![
                platform("linux", None),
                platform("windows", Some("10.0.20348.1")),
                platform("windows", Some("10.0.17763.1")),
                platform("unknown", None),
            ]),
        );
        lock.images
            .insert("r.io/att:1".into(), entry(vec![platform("unknown", None)]));
        assert_eq!(
            lock.fact("r.io/win:1"),
            Some((ImageOs::Windows, vec![17763]))
        );
        assert_eq!(
            lock.fact("r.io/multi:1"),
            Some((ImageOs::MultiOs, vec![17763, 20348]))
        );
        assert_eq!(lock.fact("r.io/att:1"), None);
        assert_eq!(lock.fact("r.io/other:1"), None);
    }

    #[test]
    fn text_round_trip_is_stable() {
        let mut lock = Lock::default();
        lock.images.insert(
            "r.io/b:1".into(),
            LockEntry {
                digest: "sha256:2".into(),
                platforms: vec![
                    platform("windows", Some("10.0.20348.1")),
                    platform("linux", None),
                ],
            },
        );
        lock.images.insert(
            "r.io/a:1".into(),
            LockEntry {
                digest: "sha256:1".into(),
                platforms: vec![platform("linux", None)],
            },
        );
        let text = lock.to_text();
        assert!(text.find("r.io/a:1") < text.find("r.io/b:1"));
        assert!(text.contains("\"os.version\": \"10.0.20348.1\""));
        let back = Lock::parse(&text).expect("parses");
        assert_eq!(back.to_text(), text);
        assert!(Lock::parse("{\"version\": 2, \"images\": {}}")
            .unwrap_err()
            .contains("version 2"));
        assert!(Lock::parse("{").is_err());
    }
}
