//! Credentials as container tools find them: `$DOCKER_CONFIG/config.json`, else
//! `~/.docker/config.json`; `auths` entries, `credHelpers` per registry and `credsStore` via
//! `docker-credential-<helper> get`. Secrets stay in memory: never printed, never written.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use base64::Engine as _;
use serde::Deserialize;

/// A user name and password (or identity token) for one registry.
#[derive(Clone)]
pub struct Basic {
    pub username: String,
    pub password: String,
}

impl Basic {
    /// The `Authorization` header value.
    pub fn header(&self) -> String {
        let raw = format!("{}:{}", self.username, self.password);
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }
}

impl std::fmt::Debug for Basic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Basic({}, ***)", self.username)
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct DockerConfig {
    #[serde(default)]
    auths: BTreeMap<String, AuthEntry>,
    #[serde(default)]
    creds_store: Option<String>,
    #[serde(default)]
    cred_helpers: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
struct AuthEntry {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    #[serde(default)]
    identitytoken: Option<String>,
}

/// The Docker client configuration, read once per run.
#[derive(Default)]
pub struct Credentials {
    config: DockerConfig,
    /// Where it was read from, for messages.
    pub source: Option<PathBuf>,
}

impl Credentials {
    /// Reads the Docker config; a missing file means no credentials, an unreadable one is an
    /// error naming the file (never its content).
    pub fn load() -> Result<Credentials, String> {
        let dir = match std::env::var_os("DOCKER_CONFIG") {
            Some(d) if !d.is_empty() => PathBuf::from(d),
            _ => match std::env::var_os("HOME") {
                Some(h) => PathBuf::from(h).join(".docker"),
                None => return Ok(Credentials::default()),
            },
        };
        let path = dir.join("config.json");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Credentials::default()),
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        };
        // serde's message names the position only, never the content.
        let config = serde_json::from_str(&text)
            .map_err(|e| format!("{} is not a valid Docker config: {e}", path.display()))?;
        Ok(Credentials {
            config,
            source: Some(path),
        })
    }

    /// The credentials for `host` (`registry.example.com`, `127.0.0.1:5000`), if any.
    pub fn for_host(&self, host: &str) -> Result<Option<Basic>, String> {
        let keys = config_keys(host);
        if let Some(helper) = keys.iter().find_map(|k| self.config.cred_helpers.get(k)) {
            return helper_get(helper, &keys[0]);
        }
        for k in &keys {
            if let Some(e) = self.config.auths.get(k).and_then(entry_basic) {
                return Ok(Some(e));
            }
        }
        // A key written as a URL (`https://host/v1/`) names its host too.
        let by_url = self.config.auths.iter().find(|(k, _)| url_host(k) == host);
        if let Some(e) = by_url.and_then(|(_, e)| entry_basic(e)) {
            return Ok(Some(e));
        }
        match &self.config.creds_store {
            Some(store) if !store.is_empty() => helper_get(store, &keys[0]),
            _ => Ok(None),
        }
    }
}

/// The keys a registry is stored under; Docker Hub keeps its legacy index URL.
fn config_keys(host: &str) -> Vec<String> {
    if host == "docker.io" || host == "registry-1.docker.io" || host == "index.docker.io" {
        return vec![
            "https://index.docker.io/v1/".into(),
            "docker.io".into(),
            "index.docker.io".into(),
            "registry-1.docker.io".into(),
        ];
    }
    vec![
        host.to_owned(),
        format!("https://{host}"),
        format!("http://{host}"),
    ]
}

fn url_host(key: &str) -> &str {
    let rest = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    rest.split('/').next().unwrap_or(rest)
}

fn entry_basic(e: &AuthEntry) -> Option<Basic> {
    if let Some(auth) = e.auth.as_deref().filter(|a| !a.is_empty()) {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(auth.trim())
            .ok()?;
        let text = String::from_utf8(raw).ok()?;
        let (user, pass) = text.split_once(':')?;
        return Some(Basic {
            username: user.to_owned(),
            password: pass.to_owned(),
        });
    }
    if let Some(token) = e.identitytoken.as_deref().filter(|t| !t.is_empty()) {
        return Some(Basic {
            username: "<token>".into(),
            password: token.to_owned(),
        });
    }
    match (&e.username, &e.password) {
        (Some(u), Some(p)) => Some(Basic {
            username: u.clone(),
            password: p.clone(),
        }),
        _ => None,
    }
}

/// Asks `docker-credential-<helper> get` for `server`. "Not found" is no credentials.
fn helper_get(helper: &str, server: &str) -> Result<Option<Basic>, String> {
    #[derive(Deserialize)]
    struct Answer {
        #[serde(rename = "Username")]
        username: String,
        #[serde(rename = "Secret")]
        secret: String,
    }
    let program = format!("docker-credential-{helper}");
    let mut child = Command::new(&program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run credential helper `{program}`: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A helper that exits early closes its stdin; its answer below says why.
        let _ = stdin.write_all(server.as_bytes());
    }
    let out = child
        .wait_with_output()
        .map_err(|e| format!("credential helper `{program}` failed: {e}"))?;
    if !out.status.success() {
        let said = String::from_utf8_lossy(&out.stdout);
        if said.contains("credentials not found") {
            return Ok(None);
        }
        return Err(format!(
            "credential helper `{program}` exited with {}",
            out.status
        ));
    }
    let a: Answer = serde_json::from_slice(&out.stdout)
        .map_err(|_| format!("credential helper `{program}` gave an unreadable answer"))?;
    Ok(Some(Basic {
        username: a.username,
        password: a.secret,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creds(json: &str) -> Credentials {
        Credentials {
            config: serde_json::from_str(json).expect("test config"),
            source: None,
        }
    }

    #[test]
    fn auths_entries() {
        let c = creds(
            r#"{"auths": {
                "reg.io": {"auth": "dXNlcjpwYTpzcw=="},
                "https://index.docker.io/v1/": {"username": "hub", "password": "pw"},
                "https://other.io/v2/": {"auth": "YTpi"}
            }}"#,
        );
        let got = |h: &str| c.for_host(h).expect("no helper").map(|b| b.header());
        let basic = |s: &str| {
            Some(format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(s)
            ))
        };
        assert_eq!(got("reg.io"), basic("user:pa:ss"));
        assert_eq!(got("docker.io"), basic("hub:pw"));
        assert_eq!(got("other.io"), basic("a:b"));
        assert_eq!(got("none.io"), None);
    }

    #[test]
    fn debug_hides_the_secret() {
        let b = Basic {
            username: "u".into(),
            password: "hunter2".into(),
        };
        assert!(!format!("{b:?}").contains("hunter2"));
    }

    #[test]
    fn missing_helper_is_a_clear_error() {
        let c = creds(r#"{"credHelpers": {"reg.io": "winlint-test-no-such-helper"}}"#);
        let e = c.for_host("reg.io").expect_err("helper missing");
        assert!(
            e.contains("docker-credential-winlint-test-no-such-helper"),
            "{e}"
        );
    }
}
