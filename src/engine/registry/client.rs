//! One registry over the OCI distribution API: GET a manifest (an index or one image) and a
//! config blob, answering `401` challenges with Basic credentials or the bearer-token flow
//! (anonymous when no credentials are configured), as container tools do.

use std::collections::HashMap;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::auth::Basic;
use crate::facts::images::lock::{LockEntry, Platform};

/// Media types winlint reads: OCI and Docker v2, index and single manifest.
const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
application/vnd.docker.distribution.manifest.list.v2+json, \
application/vnd.oci.image.manifest.v1+json, \
application/vnd.docker.distribution.manifest.v2+json";

/// Manifests and configs are small; more than this is not one.
const BODY_LIMIT: u64 = 16 << 20;

/// Why a request failed. `Registry` faults end the registry's work (every reference would
/// fail the same way); the others concern one reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    Registry(String),
    Reference(String),
}

/// Connection settings shared by every registry of a run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub connect_timeout: Duration,
    pub timeout: Duration,
}

/// A registry endpoint and its authorization state.
pub struct Registry {
    /// As images name it (`docker.io`, `127.0.0.1:5000`).
    pub host: String,
    base: String,
    agent: ureq::Agent,
    basic: Option<Basic>,
    /// Bearer tokens by scope, from the token endpoint.
    tokens: Mutex<HashMap<String, String>>,
    /// The registry asked for Basic auth.
    wants_basic: AtomicBool,
}

impl Registry {
    pub fn new(host: &str, plain_http: bool, basic: Option<Basic>, s: &Settings) -> Registry {
        // Docker Hub's API lives at its own host; every other registry serves its name.
        let api = if host == "docker.io" {
            "registry-1.docker.io"
        } else {
            host
        };
        let scheme = if plain_http { "http" } else { "https" };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(Some(s.connect_timeout))
            .timeout_global(Some(s.timeout))
            .http_status_as_error(false)
            .user_agent(concat!("winlint/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Registry {
            host: host.to_owned(),
            base: format!("{scheme}://{api}"),
            agent,
            basic,
            tokens: Mutex::new(HashMap::new()),
            wants_basic: AtomicBool::new(false),
        }
    }

    /// Resolves `repository` at `reference` (a tag or a digest) to its digest and platforms.
    pub fn resolve(&self, repository: &str, reference: &str) -> Result<LockEntry, Fault> {
        let path = format!("/v2/{repository}/manifests/{reference}");
        let (body, digest) = self.get(&path, repository, Some(ACCEPT))?;
        let digest = match digest {
            Some(d) => d,
            None => format!("sha256:{:x}", Sha256::digest(&body)),
        };
        let manifest: Manifest = serde_json::from_slice(&body)
            .map_err(|e| Fault::Reference(format!("the manifest is not valid JSON ({e})")))?;
        let platforms = if let Some(list) = manifest.manifests {
            list.into_iter()
                .filter_map(|m| m.platform)
                // Attestations and signatures ride in indexes as `unknown/unknown`.
                .filter(|p| p.os != "unknown")
                .map(Into::into)
                .collect()
        } else if let Some(config) = manifest.config {
            let blob = format!("/v2/{repository}/blobs/{}", config.digest);
            let (body, _) = self.get(&blob, repository, None)?;
            let c: RawPlatform = serde_json::from_slice(&body).map_err(|e| {
                Fault::Reference(format!("the image config is not valid JSON ({e})"))
            })?;
            vec![c.into()]
        } else {
            return Err(Fault::Reference(
                "the manifest is neither an index nor an image manifest".into(),
            ));
        };
        Ok(LockEntry { digest, platforms })
    }

    /// GETs `path`, answering one authorization challenge. Returns the body and the
    /// `Docker-Content-Digest` header.
    fn get(
        &self,
        path: &str,
        repository: &str,
        accept: Option<&str>,
    ) -> Result<(Vec<u8>, Option<String>), Fault> {
        let scope = format!("repository:{repository}:pull");
        let mut challenged = false;
        loop {
            let mut req = self.agent.get(format!("{}{path}", self.base));
            if let Some(a) = accept {
                req = req.header("Accept", a);
            }
            if let Some(auth) = self.authorization(&scope) {
                req = req.header("Authorization", auth);
            }
            let mut resp = req.call().map_err(|e| self.transport(&e))?;
            let status = resp.status().as_u16();
            let header = |name: &str| {
                resp.headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            if status == 401 && !challenged {
                challenged = true;
                let challenge = header("www-authenticate").unwrap_or_default();
                self.answer(&challenge, &scope)?;
                continue;
            }
            let digest = header("docker-content-digest");
            let www = header("www-authenticate");
            let mut body = Vec::new();
            resp.body_mut()
                .as_reader()
                .take(BODY_LIMIT)
                .read_to_end(&mut body)
                .map_err(|e| Fault::Registry(format!("reading the answer failed: {e}")))?;
            return match status {
                200 => Ok((body, digest)),
                401 | 403 => Err(Fault::Registry(self.denied(status, www.as_deref()))),
                404 => Err(Fault::Reference(format!("404 {}", error_code(&body)))),
                429 => Err(Fault::Registry("429 too many requests".into())),
                _ => Err(Fault::Reference(format!("{status} {}", error_code(&body)))),
            };
        }
    }

    fn authorization(&self, scope: &str) -> Option<String> {
        if let Some(t) = self.tokens.lock().ok()?.get(scope) {
            return Some(format!("Bearer {t}"));
        }
        let basic = self.wants_basic.load(Ordering::Relaxed);
        basic
            .then(|| self.basic.as_ref().map(Basic::header))
            .flatten()
    }

    /// Prepares the answer to a `WWW-Authenticate` challenge.
    fn answer(&self, challenge: &str, scope: &str) -> Result<(), Fault> {
        let (scheme, params) = parse_challenge(challenge);
        if scheme.eq_ignore_ascii_case("basic") {
            if self.basic.is_none() {
                return Err(Fault::Registry(self.denied(401, Some(challenge))));
            }
            self.wants_basic.store(true, Ordering::Relaxed);
            return Ok(());
        }
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(Fault::Registry(format!(
                "401 with an unsupported challenge `{scheme}`"
            )));
        }
        let realm = params.get("realm").cloned().unwrap_or_default();
        if realm.is_empty() {
            return Err(Fault::Registry(
                "401 with a bearer challenge without realm".into(),
            ));
        }
        let mut req = self.agent.get(&realm).query("scope", scope);
        if let Some(service) = params.get("service") {
            req = req.query("service", service);
        }
        if let Some(b) = &self.basic {
            req = req.header("Authorization", b.header());
        }
        let mut resp = req
            .call()
            .map_err(|e| Fault::Registry(format!("token service {realm}: {}", describe(&e))))?;
        let status = resp.status().as_u16();
        if status != 200 {
            let who = if self.basic.is_some() {
                "with the configured credentials"
            } else {
                "anonymously (no credentials configured)"
            };
            return Err(Fault::Registry(format!(
                "401: token service {realm} refused {who} ({status})"
            )));
        }
        #[derive(Deserialize)]
        struct Token {
            token: Option<String>,
            access_token: Option<String>,
        }
        let body = resp
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_vec()
            .map_err(|e| Fault::Registry(format!("token service {realm}: {}", describe(&e))))?;
        let t: Token = serde_json::from_slice(&body).map_err(|e| {
            Fault::Registry(format!("token service {realm}: unreadable answer ({e})"))
        })?;
        let token = t.token.or(t.access_token).unwrap_or_default();
        if let Ok(mut m) = self.tokens.lock() {
            m.insert(scope.to_owned(), token);
        }
        Ok(())
    }

    fn denied(&self, status: u16, challenge: Option<&str>) -> String {
        let realm = challenge
            .map(|c| parse_challenge(c).1)
            .and_then(|p| p.get("realm").cloned())
            .map(|r| format!(" (realm \"{r}\")"))
            .unwrap_or_default();
        let how = if self.basic.is_some() {
            "the configured credentials were refused"
        } else {
            "credentials are required: `docker login` or an `auths` entry in $DOCKER_CONFIG/config.json"
        };
        format!("{status} unauthorized{realm}: {how}")
    }

    fn transport(&self, e: &ureq::Error) -> Fault {
        let tls = match e {
            ureq::Error::Rustls(_) | ureq::Error::Protocol(_) => true,
            ureq::Error::Io(io) => io.kind() == std::io::ErrorKind::InvalidData,
            _ => false,
        };
        if tls && self.base.starts_with("https:") {
            return Fault::Registry(format!(
                "TLS handshake failed ({e}); if this registry speaks plain HTTP, list it in `images.insecureRegistries`"
            ));
        }
        Fault::Registry(describe(e))
    }
}

/// A transport error in a user's words: DNS, refused, timeout, TLS.
fn describe(e: &ureq::Error) -> String {
    match e {
        ureq::Error::HostNotFound => "DNS lookup failed (host not found)".into(),
        ureq::Error::Timeout(t) => format!("timed out ({t})"),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connection refused".into()
        }
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => "timed out".into(),
        ureq::Error::Rustls(t) => format!("TLS handshake failed ({t})"),
        other => other.to_string(),
    }
}

/// The first error code of a registry's error body (`MANIFEST_UNKNOWN`), or nothing.
fn error_code(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Errors {
        errors: Vec<Code>,
    }
    #[derive(Deserialize)]
    struct Code {
        code: String,
    }
    serde_json::from_slice::<Errors>(body)
        .ok()
        .and_then(|e| e.errors.into_iter().next())
        .map(|c| c.code.to_ascii_lowercase().replace('_', " "))
        .unwrap_or_default()
}

/// `Bearer realm="https://auth.io/token",service="reg",scope="..."` -> scheme and params.
pub fn parse_challenge(header: &str) -> (String, HashMap<String, String>) {
    let header = header.trim();
    let (scheme, rest) = header.split_once(' ').unwrap_or((header, ""));
    let mut params = HashMap::new();
    let mut rest = rest.trim();
    while !rest.is_empty() {
        let Some((key, after)) = rest.split_once('=') else {
            break;
        };
        let key = key
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        let after = after.trim_start();
        let (value, tail) = if let Some(q) = after.strip_prefix('"') {
            match q.find('"') {
                Some(end) => (&q[..end], &q[end + 1..]),
                None => (q, ""),
            }
        } else {
            match after.find(',') {
                Some(end) => (&after[..end], &after[end..]),
                None => (after, ""),
            }
        };
        params.insert(key, value.to_owned());
        rest = tail.trim_start().trim_start_matches(',').trim_start();
    }
    (scheme.to_owned(), params)
}

#[derive(Deserialize)]
struct Manifest {
    manifests: Option<Vec<Descriptor>>,
    config: Option<ConfigRef>,
}

#[derive(Deserialize)]
struct Descriptor {
    platform: Option<RawPlatform>,
}

#[derive(Deserialize)]
struct ConfigRef {
    digest: String,
}

#[derive(Deserialize)]
struct RawPlatform {
    #[serde(default)]
    os: String,
    #[serde(default)]
    architecture: String,
    #[serde(default)]
    variant: Option<String>,
    #[serde(rename = "os.version", default)]
    os_version: Option<String>,
}

impl From<RawPlatform> for Platform {
    fn from(p: RawPlatform) -> Platform {
        Platform {
            os: p.os,
            architecture: p.architecture,
            variant: p.variant.filter(|v| !v.is_empty()),
            os_version: p.os_version.filter(|v| !v.is_empty()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges() {
        let (s, p) = parse_challenge(
            r#"Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push""#,
        );
        assert_eq!(s, "Bearer");
        assert_eq!(p["realm"], "https://auth.example/token");
        assert_eq!(p["service"], "registry.example");
        assert_eq!(p["scope"], "repository:a/b:pull,push");
        let (s, p) = parse_challenge(r#"Basic realm="Registry Realm""#);
        assert_eq!(s, "Basic");
        assert_eq!(p["realm"], "Registry Realm");
        let (s, p) = parse_challenge("Basic");
        assert_eq!((s.as_str(), p.len()), ("Basic", 0));
    }

    #[test]
    fn error_codes() {
        let body = br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#;
        assert_eq!(error_code(body), "manifest unknown");
        assert_eq!(error_code(b"<html>"), "");
    }
}
