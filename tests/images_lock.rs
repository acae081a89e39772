//! `winlint images lock` against a real registry: Debian's `docker-registry` (the CNCF
//! distribution registry) started on 127.0.0.1 with a temporary storage folder, one open
//! instance and one with htpasswd auth. Test images (indexes, per-platform manifests,
//! config blobs with `os.version`) are pushed through its HTTP API here.

mod common;

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{root, Run};
use sha2::{Digest, Sha256};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
const OCI_LAYER: &str = "application/vnd.oci.image.layer.v1.tar";

/// A running registry; killed when dropped.
struct Registry {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
    /// `user:password` for the htpasswd instance.
    auth: Option<(String, String)>,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Registry {
    fn start(auth: Option<(&str, &str)>) -> Registry {
        let bin = "docker-registry";
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {bin}")])
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            found,
            "these tests run Debian's `docker-registry` (package docker-registry), which is not on PATH; \
             ./scripts/test installs it"
        );
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let mut config = format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
            dir.path().join("data").display()
        );
        if let Some((user, pass)) = auth {
            let out = Command::new("htpasswd")
                .args(["-Bbn", user, pass])
                .output()
                .expect("htpasswd (package apache2-utils) runs");
            assert!(out.status.success(), "htpasswd failed");
            let file = dir.path().join("htpasswd");
            std::fs::write(&file, &out.stdout).expect("write htpasswd");
            config.push_str(&format!(
                "auth:\n  htpasswd:\n    realm: winlint-test\n    path: {}\n",
                file.display()
            ));
        }
        let cfg = dir.path().join("config.yml");
        std::fs::write(&cfg, config).expect("write registry config");
        let child = Command::new(bin)
            .arg("serve")
            .arg(&cfg)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("docker-registry starts");
        let r = Registry {
            child,
            port,
            _dir: dir,
            auth: auth.map(|(u, p)| (u.to_owned(), p.to_owned())),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "registry did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        r
    }

    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn request(&self, method: &str, path: &str) -> ureq::RequestBuilder<ureq::typestate::WithBody> {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            format!("http://{}{path}", self.host())
        };
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut req = match method {
            "POST" => agent.post(&url),
            _ => agent.put(&url),
        };
        if let Some((u, p)) = &self.auth {
            use base64::Engine as _;
            let b = base64::engine::general_purpose::STANDARD.encode(format!("{u}:{p}"));
            req = req.header("Authorization", format!("Basic {b}"));
        }
        req
    }

    /// Uploads a blob (monolithic upload), returns its digest.
    fn blob(&self, repo: &str, bytes: &[u8]) -> String {
        let digest = format!("sha256:{:x}", Sha256::digest(bytes));
        let resp = self
            .request("POST", &format!("/v2/{repo}/blobs/uploads/"))
            .send_empty()
            .expect("start upload");
        assert_eq!(resp.status().as_u16(), 202, "start upload");
        let loc = resp
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .expect("upload location")
            .to_owned();
        let sep = if loc.contains('?') { '&' } else { '?' };
        let url = if loc.starts_with('/') {
            format!("http://{}{loc}{sep}digest={digest}", self.host())
        } else {
            format!("{loc}{sep}digest={digest}")
        };
        let resp = self
            .request("PUT", &url)
            .header("Content-Type", "application/octet-stream")
            .send(bytes)
            .expect("upload blob");
        assert_eq!(resp.status().as_u16(), 201, "upload blob");
        digest
    }

    /// Puts a manifest under `reference` (a tag or digest); returns its digest and size.
    fn manifest(&self, repo: &str, reference: &str, media: &str, body: &str) -> (String, usize) {
        let resp = self
            .request("PUT", &format!("/v2/{repo}/manifests/{reference}"))
            .header("Content-Type", media)
            .send(body.as_bytes())
            .expect("put manifest");
        assert_eq!(
            resp.status().as_u16(),
            201,
            "put manifest {repo}:{reference}"
        );
        (
            format!("sha256:{:x}", Sha256::digest(body.as_bytes())),
            body.len(),
        )
    }

    /// One image (config with os/os.version, one layer); returns the manifest's digest/size.
    fn image(
        &self,
        repo: &str,
        tag: Option<&str>,
        os: &str,
        version: Option<&str>,
    ) -> (String, usize) {
        let version = version.map_or(String::new(), |v| format!(",\"os.version\":\"{v}\""));
        let config = format!(
            "{{\"architecture\":\"amd64\",\"os\":\"{os}\"{version},\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[]}}}}"
        );
        let layer = format!("layer of {repo} {os} {version}");
        let c = self.blob(repo, config.as_bytes());
        let l = self.blob(repo, layer.as_bytes());
        let body = format!(
            "{{\"schemaVersion\":2,\"mediaType\":\"{OCI_MANIFEST}\",\"config\":{{\"mediaType\":\"{OCI_CONFIG}\",\"digest\":\"{c}\",\"size\":{}}},\"layers\":[{{\"mediaType\":\"{OCI_LAYER}\",\"digest\":\"{l}\",\"size\":{}}}]}}",
            config.len(),
            layer.len()
        );
        let digest = format!("sha256:{:x}", Sha256::digest(body.as_bytes()));
        self.manifest(repo, tag.unwrap_or(&digest), OCI_MANIFEST, &body)
    }

    /// An index over per-platform images (os, os.version), tagged `tag`.
    fn index(&self, repo: &str, tag: &str, platforms: &[(&str, Option<&str>)]) -> String {
        let entries: Vec<String> = platforms
            .iter()
            .map(|(os, v)| {
                let (d, size) = self.image(repo, None, os, *v);
                let version = v.map_or(String::new(), |v| format!(",\"os.version\":\"{v}\""));
                format!(
                    "{{\"mediaType\":\"{OCI_MANIFEST}\",\"digest\":\"{d}\",\"size\":{size},\"platform\":{{\"architecture\":\"amd64\",\"os\":\"{os}\"{version}}}}}"
                )
            })
            .collect();
        let body = format!(
            "{{\"schemaVersion\":2,\"mediaType\":\"{OCI_INDEX}\",\"manifests\":[{}]}}",
            entries.join(",")
        );
        self.manifest(repo, tag, OCI_INDEX, &body).0
    }

    /// The shop's images: a Windows 17763 image and two multi-OS indexes.
    fn seed(&self) -> String {
        let (storefront, _) = self.image(
            "shop/storefront",
            Some("4.2.1"),
            "windows",
            Some("10.0.17763.5458"),
        );
        self.index(
            "base/tools",
            "1",
            &[
                ("linux", None),
                ("windows", Some("10.0.17763.5458")),
                ("windows", Some("10.0.20348.2322")),
            ],
        );
        self.index(
            "base/agent",
            "1",
            &[("linux", None), ("windows", Some("10.0.17763.5458"))],
        );
        storefront
    }

    fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([sig, &self.child.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "kill {sig}");
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-CONT", &self.child.id().to_string()])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The registry fixtures copied into a temp folder with `REGISTRY` replaced by `host`.
fn workspace(host: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = root().join("fixtures/images/registry");
    for entry in std::fs::read_dir(&src).expect("fixtures") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("fixture text");
        let name = path.file_name().expect("name");
        std::fs::write(dir.path().join(name), text.replace("REGISTRY", host)).expect("copy");
    }
    dir
}

fn run(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Run {
    // No Docker credentials from the machine running the tests.
    let empty = tempfile::tempdir().expect("temp dir");
    let mut cmd = common::command(dir, args);
    cmd.env("DOCKER_CONFIG", empty.path());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.stdin(Stdio::null()).output().expect("winlint runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn lock_text(dir: &Path) -> String {
    std::fs::read_to_string(dir.join(".winlint-images.lock")).unwrap_or_default()
}

fn rules_of(run: &Run) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", run.stdout, run.stderr));
    let mut out: Vec<(String, String)> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap_or_default().to_owned(),
                f["rule"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn lock_makes_custom_images_known_and_linting_stays_offline() {
    let reg = Registry::start(None);
    reg.seed();
    let ws = workspace(&reg.host());
    let dir = ws.path();

    // Without the lock, nothing says the custom images are Windows.
    let before = run(dir, &["--format", "json", "."], &[]);
    assert_eq!(rules_of(&before), vec![], "{}", before.stdout);
    let listed = run(dir, &["images", "."], &[]);
    assert!(
        listed.stdout.contains("3 image references: 3 unknown."),
        "{}",
        listed.stdout
    );
    let human = run(dir, &["."], &[]);
    assert!(
        human
            .stdout
            .contains("3 image references unknown to winlint"),
        "{}",
        human.stdout
    );
    let check = run(dir, &["images", "lock", "--check", "."], &[]);
    assert_eq!(check.code, 1, "{}{}", check.stdout, check.stderr);
    assert!(
        check.stdout.contains("lacks 3 of 3 image references"),
        "{}",
        check.stdout
    );

    let locked = run(dir, &["images", "lock", "."], &[]);
    assert_eq!(locked.code, 0, "{}{}", locked.stdout, locked.stderr);
    assert!(
        locked
            .stdout
            .contains("Resolved 3 of 3 image references; wrote .winlint-images.lock"),
        "{}",
        locked.stdout
    );
    let text = lock_text(dir);
    let host = reg.host();
    insta::assert_snapshot!(
        "registry_lock",
        mask_digests(&text.replace(&host, "REGISTRY"))
    );

    // Same answers, same bytes: the file is left alone.
    let again = run(dir, &["images", "lock", "."], &[]);
    assert!(
        again.stdout.contains("unchanged .winlint-images.lock"),
        "{}",
        again.stdout
    );
    assert_eq!(lock_text(dir), text);
    let check = run(dir, &["images", "lock", "--check", "."], &[]);
    assert_eq!(check.code, 0, "{}", check.stdout);

    let with_lock = run(dir, &["--format", "json", "."], &[]);
    let want = vec![
        (
            "./agents.yaml".to_owned(),
            "windows-build-image-mismatch".to_owned(),
        ),
        (
            "./storefront-2022.yaml".to_owned(),
            "windows-build-image-mismatch".to_owned(),
        ),
        (
            "./storefront.yaml".to_owned(),
            "missing-pod-os-field".to_owned(),
        ),
        (
            "./storefront.yaml".to_owned(),
            "windows-build-unpinned".to_owned(),
        ),
        (
            "./storefront.yaml".to_owned(),
            "windows-taint-not-tolerated".to_owned(),
        ),
        (
            "./storefront.yaml".to_owned(),
            "windows-workload-may-land-on-linux".to_owned(),
        ),
    ];
    // The same image with a Windows name would get exactly these: the lock makes it known.
    assert_eq!(rules_of(&with_lock), want, "{}", with_lock.stdout);
    let human = run(dir, &["--color", "never", "."], &[]);
    insta::assert_snapshot!(
        "registry_lint_with_lock",
        human.stdout.replace(&host, "REGISTRY")
    );
    let listed = run(dir, &["images", "--format", "json", "."], &[]);
    insta::assert_snapshot!(
        "registry_images_json",
        listed.stdout.replace(&host, "REGISTRY")
    );

    // Linting never asks the registry: stopped, the same run gives the same bytes.
    drop(reg);
    let offline = run(dir, &["--format", "json", "."], &[]);
    assert_eq!(offline.stdout, with_lock.stdout);
    assert_eq!(offline.code, with_lock.code);

    // Without the lock the images are unknown again.
    std::fs::remove_file(dir.join(".winlint-images.lock")).expect("remove lock");
    let after = run(dir, &["--format", "json", "."], &[]);
    assert_eq!(after.stdout, before.stdout);
}

fn mask_digests(text: &str) -> String {
    // Digests of the test images change with the layer bytes; the shape is what matters.
    let mut out = String::new();
    for line in text.lines() {
        match line.find("\"sha256:") {
            Some(i) => {
                out.push_str(&line[..i]);
                out.push_str("\"sha256:…\"");
                if line.ends_with(',') {
                    out.push(',');
                }
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

#[test]
fn digest_references_resolve_by_digest_and_missing_tags_say_404() {
    let reg = Registry::start(None);
    let digest = reg.seed();
    let ws = workspace(&reg.host());
    let dir = ws.path();
    let extra = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: pinned}}\nspec:\n  containers:\n  - {{name: a, image: \"{h}/shop/storefront@{digest}\"}}\n  - {{name: b, image: \"{h}/shop/missing:9\"}}\n",
        h = reg.host()
    );
    std::fs::write(dir.join("extra.yaml"), extra).expect("write");
    let locked = run(dir, &["images", "lock", "."], &[]);
    assert_eq!(locked.code, 1, "{}{}", locked.stdout, locked.stderr);
    let missing = format!("{}/shop/missing:9", reg.host());
    assert!(
        locked.stderr.contains(&format!(
            "error: registry {}: 404 manifest unknown; not resolved: {missing}",
            reg.host()
        )),
        "{}",
        locked.stderr
    );
    assert!(
        locked.stdout.contains("Resolved 4 of 5"),
        "{}",
        locked.stdout
    );
    let lock = lock_text(dir);
    let by_digest = format!("{}/shop/storefront@{digest}", reg.host());
    let v: serde_json::Value = serde_json::from_str(&lock).expect("lock is JSON");
    let entry = &v["images"][&by_digest];
    assert_eq!(entry["digest"], digest.as_str(), "{lock}");
    assert_eq!(entry["platforms"][0]["os.version"], "10.0.17763.5458");
    assert!(v["images"].get(&missing).is_none());
}

#[test]
fn auth_uses_docker_config_and_never_shows_the_secret() {
    let reg = Registry::start(Some(("alice", "s3cret-Pa55")));
    reg.seed();
    let ws = workspace(&reg.host());
    let dir = ws.path();

    let denied = run(dir, &["images", "lock", "."], &[]);
    assert_eq!(denied.code, 1);
    assert!(
        denied
            .stderr
            .contains("401 unauthorized (realm \"winlint-test\"): credentials are required"),
        "{}",
        denied.stderr
    );
    // One line for the registry, not one per reference.
    assert_eq!(
        denied.stderr.matches("error: registry").count(),
        1,
        "{}",
        denied.stderr
    );

    let docker = tempfile::tempdir().expect("temp dir");
    let wrong = format!(
        "{{\"auths\": {{\"{}\": {{\"username\": \"alice\", \"password\": \"wrong-Pa55\"}}}}}}",
        reg.host()
    );
    std::fs::write(docker.path().join("config.json"), wrong).expect("write config");
    let refused = run(
        dir,
        &["images", "lock", "."],
        &[("DOCKER_CONFIG", docker.path())],
    );
    assert!(
        refused
            .stderr
            .contains("the configured credentials were refused"),
        "{}",
        refused.stderr
    );
    assert!(!refused.stderr.contains("wrong-Pa55") && !refused.stdout.contains("wrong-Pa55"));

    use base64::Engine as _;
    let auth = base64::engine::general_purpose::STANDARD.encode("alice:s3cret-Pa55");
    let good = format!(
        "{{\"auths\": {{\"{}\": {{\"auth\": \"{auth}\"}}}}}}",
        reg.host()
    );
    std::fs::write(docker.path().join("config.json"), good).expect("write config");
    let locked = run(
        dir,
        &["images", "lock", "."],
        &[("DOCKER_CONFIG", docker.path())],
    );
    assert_eq!(locked.code, 0, "{}{}", locked.stdout, locked.stderr);
    let lock = lock_text(dir);
    for text in [&locked.stdout, &locked.stderr, &lock] {
        assert!(
            !text.contains("s3cret") && !text.contains(&auth),
            "secret leaked: {text}"
        );
    }
    assert!(lock.contains("10.0.17763.5458"));
}

#[test]
fn plain_http_only_for_insecure_registries() {
    let reg = Registry::start(None);
    reg.seed();
    let ws = workspace(&reg.host());
    let dir = ws.path();
    std::fs::write(
        dir.join(".winlint.yaml"),
        "images:\n  insecureRegistries: [\"10.0.0.1:*\"]\n",
    )
    .expect("write");
    let https = run(dir, &["images", "lock", "."], &[]);
    assert_eq!(https.code, 1);
    assert!(
        https.stderr.contains("images.insecureRegistries"),
        "{}",
        https.stderr
    );
    assert!(!dir.join(".winlint-images.lock").exists() || !lock_text(dir).contains("platforms"));
}

#[test]
fn unreachable_and_hanging_registries_do_not_stop_the_others() {
    let reg = Registry::start(None);
    reg.seed();
    let stuck = Registry::start(None);
    stuck.seed();
    let ws = workspace(&reg.host());
    let dir = ws.path();
    let closed = free_port();
    let extra = format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: elsewhere}}\nspec:\n  containers:\n  - {{name: a, image: \"127.0.0.1:{closed}/x/y:1\"}}\n  - {{name: b, image: \"{}/shop/storefront:4.2.1\"}}\n",
        stuck.host()
    );
    std::fs::write(dir.join("extra.yaml"), extra).expect("write");
    // A stopped process keeps its socket: connections are accepted, answers never come.
    stuck.signal("-STOP");
    let started = Instant::now();
    let locked = run(dir, &["images", "lock", "--timeout", "2", "."], &[]);
    stuck.signal("-CONT");
    assert_eq!(locked.code, 1, "{}{}", locked.stdout, locked.stderr);
    assert!(
        locked.stderr.contains(&format!(
            "error: registry 127.0.0.1:{closed}: connection refused"
        )),
        "{}",
        locked.stderr
    );
    assert!(
        locked
            .stderr
            .contains(&format!("error: registry {}: timed out", stuck.host())),
        "{}",
        locked.stderr
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    assert!(
        locked.stdout.contains("Resolved 3 of 5"),
        "{}",
        locked.stdout
    );
    let lock = lock_text(dir);
    assert!(
        lock.contains(&format!("{}/shop/storefront:4.2.1", reg.host())),
        "{lock}"
    );
}
