//! The classifier against a table of real image names, plus parsing, globbing and build
//! names.

use super::tables::*;
use super::tags::is_digits;
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
sigwindowstools/kube-proxy:v1.32.3-calico-hostprocess                windows  -      -
sigwindowstools/kube-proxy:v1.22.0-nanoserver                        windows  -      -
sigwindowstools/flannel:v0.13.0-nanoserver                           windows  -      -
sigwindowstools/calico-node:v3.25.0-hostprocess                      windows  -      -
sigwindowstools/calico-install:v3.25.0-hostprocess                   windows  -      -
ghcr.io/kubernetes-sigs/sig-windows/kube-proxy:v1.32.3-calico-hostprocess windows -  -
ghcr.io/kubernetes-sigs/sig-windows/calico-node:v3.25.0-hostprocess  windows  -      -
ghcr.io/kubernetes-sigs/sig-windows/calico-install:v3.25.0-hostprocess windows -     -
ghcr.io/kubernetes-sigs/sig-windows/csi-proxy:v1.1.2                 windows  -      -
ghcr.io/kubernetes-sigs/sig-windows/eventflow-logger:v0.1.0          windows  -      -
mcr.microsoft.com/oss/kubernetes/windows-host-process-containers-base-image:v1.0.0 windows - -
ghcr.io/prometheus-community/windows-exporter:latest                 windows  -      -
ghcr.io/microsoft/wcnspect:latest                                    windows  -      -
# Windows tag tokens
redis:3.0-nanoserver                                                 windows  14393  -
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
registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.17.0        multios  -      -
registry.k8s.io/sig-storage/livenessprobe:v2.19.0                    multios  -      -
mcr.microsoft.com/oss/kubernetes-csi/csi-node-driver-registrar:v2.13.0 multios -     -
mcr.microsoft.com/oss/kubernetes-csi/livenessprobe:v2.15.0           multios  -      -
mcr.microsoft.com/oss/kubernetes-csi/livenessprobe:v2.0.1-alpha.1-windows-1809-amd64 windows 17763 -
mcr.microsoft.com/oss/v2/kubernetes-csi/csi-node-driver-registrar:v2.17.0 multios -  -
mcr.microsoft.com/oss/v2/kubernetes-csi/livenessprobe:v2.19.0        multios  -      -
mcr.microsoft.com/oss/v2/kubernetes-csi/azuredisk-csi:v1.34.5        multios  -      -
mcr.microsoft.com/oss/kubernetes-csi/azuredisk-csi:v1.33.5           multios  -      -
mcr.microsoft.com/oss/kubernetes-csi/azuredisk-csi:v1.33.5-windows-hp windows -      -
mcr.microsoft.com/oss/kubernetes-csi/azurefile-csi:v1.0.0            multios  -      -
mcr.microsoft.com/k8s/csi/azuredisk-csi:latest                       multios  -      -
mcr.microsoft.com/k8s/csi/azurefile-csi:latest                       multios  -      -
registry.k8s.io/csi-secrets-store/driver:v1.6.0                      multios  -      -
mcr.microsoft.com/oss/kubernetes-csi/secrets-store/driver:v0.0.21    multios  -      -
mcr.microsoft.com/oss/azure/secrets-store/provider-azure:0.0.14      multios  -      -
mcr.microsoft.com/oss/v2/azure/secrets-store/provider-azure:v1.8.2   multios  -      -
gcr.io/k8s-staging-sig-storage/smbplugin:canary                      multios  -      -
ghcr.io/microsoft/retina/retina-agent:v0.0.2                         multios  -      -
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
# Docker Official Images (the catalogue), then generic references
nginx                                                                linux    -      -
busybox:1.36                                                         linux    -      -
example.com/nginx                                                    unknown  -      -
example.com/busybox:1.36                                             unknown  -      -
calico/windows:master                                                unknown  -      -
localhost:5000/foo:bar                                               unknown  -      -
localhost:5000/foo                                                   unknown  -      -
busybox@sha256:abc                                                   linux    -      -
golang@sha256:abc                                                    unknown  -      -
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
        assert_eq!(c.info(image).build(), want_build, "windows_build {image}");
        let rule27 = c.info(image).dotnet_multiplatform;
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
    assert!(
        !c.info("mcr.microsoft.com/dotnet/aspnet:8.0")
            .dotnet_multiplatform
    );
    assert_eq!(explain(&c, "mcr.microsoft.com/dotnet/aspnet:8.0"), None);
    assert_eq!(c.classify("calico/windows:master-1809"), Windows);
    assert_eq!(c.info("calico/windows:master-1809").build(), Some(17763));
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
        ("example.com/web:1.25-alpine", "tag token `alpine` names a Linux base image"),
        ("nginx:1.25", "the Docker Official Images publish `nginx:1.25` for Linux"),
        ("golang:1.13-windowsservercore-1809", "the Docker Official Images publish `golang:1.13-windowsservercore-1809` for Windows (10.0.17763)"),
        ("registry.k8s.io/pause:3.9", "repository registry.k8s.io/pause is published for Linux and Windows"),
        (
            "mcr.microsoft.com/dotnet/aspnet:8.0",
            "tag `8.0` of mcr.microsoft.com/dotnet/aspnet is a .NET 8+ multi-platform tag, which has no Windows images",
        ),
    ];
    for (image, want) in cases {
        assert_eq!(explain(&c, image).as_deref(), Some(want), "explain {image}");
    }
    assert_eq!(explain(&c, "example.com/nginx"), None);
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
