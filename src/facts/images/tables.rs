//! The built-in tables (spec §B.3–§B.5): repositories and tag tokens by OS, tag tokens by
//! Windows build, and hcsshim's compatibility windows. Each row names its source.

/// Repositories published for Linux and Windows (§B.4c): never classified Linux-only.
pub(super) const MULTI_OS_REPOS: &[&str] = &[
    "registry.k8s.io/pause",                  // W1
    "k8s.gcr.io/pause",                       // W1, former name of registry.k8s.io
    "mcr.microsoft.com/oss/kubernetes/pause", // W1
    // e2e images: windows-testing gce/prepull-*.yaml runs even their `-alpine` tags with cmd.exe
    "registry.k8s.io/e2e-test-images/*", // inferred from that corpus file
    "k8s.gcr.io/e2e-test-images/*",      // inferred, same images
    "*/kubernetes-e2e-test-images/*",    // inferred, mirrors such as k8sprow.azurecr.io
    // CSI node sidecars: csi-release-tools' CSI_PROW_BUILD_PLATFORMS lists linux and
    // `windows amd64 .exe nanoserver:1809` / `nanoserver:ltsc2022` for push-multiarch
    // (kubernetes-csi/node-driver-registrar and kubernetes-csi/livenessprobe, file
    // release-tools/prow.sh); corpus rendered/csi-driver-smb.windows.yaml runs the same tags
    // in csi-smb-node (linux) and csi-smb-node-win (windows).
    "registry.k8s.io/sig-storage/csi-node-driver-registrar", // see above
    "registry.k8s.io/sig-storage/livenessprobe",             // see above
    // Microsoft's mirrors of them: Azure/aks-engine-azurestack pkg/api/k8s_versions.go gives
    // CSI{LivenessProbe,NodeDriverRegistrar}WindowsContainerName the Linux tag; Azure/aks-engine
    // vhd/packer/configure-windows-vhd.ps1 pre-pulls the plain tags on Windows nodes.
    "mcr.microsoft.com/oss/kubernetes-csi/csi-node-driver-registrar", // see above
    "mcr.microsoft.com/oss/kubernetes-csi/livenessprobe",             // see above
    // corpus rendered/azuredisk-csi-driver.windows.yaml: v2.17.0 / v2.19.0 in both
    // csi-azuredisk-node (linux) and csi-azuredisk-node-win (windows)
    "mcr.microsoft.com/oss/v2/kubernetes-csi/csi-node-driver-registrar", // see above
    "mcr.microsoft.com/oss/v2/kubernetes-csi/livenessprobe",             // see above
    // Azure disk/file CSI drivers. kubernetes-sigs/azuredisk-csi-driver Makefile: REGISTRY
    // mcr.microsoft.com/oss/v2/kubernetes-csi, ALL_OS = linux windows, push-manifest.
    "mcr.microsoft.com/oss/v2/kubernetes-csi/azuredisk-csi", // Makefile above
    // Azure/aks-engine-azurestack vhd/packer/configure-windows-vhd-phase2.ps1 and
    // Azure/aks-engine vhd/packer/configure-windows-vhd.ps1 pre-pull plain tags (v1.33.5,
    // v1.0.0) on Windows nodes
    "mcr.microsoft.com/oss/kubernetes-csi/azuredisk-csi", // see above
    "mcr.microsoft.com/oss/kubernetes-csi/azurefile-csi", // aks-engine script above, v1.0.0
    // corpus rendered/{azuredisk,azurefile}-csi-driver.windows.yaml: `latest` runs in the
    // linux node DaemonSet and the -win one (charts/latest values.yaml)
    "mcr.microsoft.com/k8s/csi/azuredisk-csi", // see above
    "mcr.microsoft.com/k8s/csi/azurefile-csi", // see above
    // Secrets Store CSI driver: kubernetes-sigs/secrets-store-csi-driver Makefile push-manifest
    // joins ALL_OS = linux windows; corpus deploy/secrets-store-csi-driver{,-windows}.yaml run
    // driver:v1.6.0 on both. (driver-crds is Linux-only: its manifest takes linux only.)
    "registry.k8s.io/csi-secrets-store/driver", // see above
    "mcr.microsoft.com/oss/kubernetes-csi/secrets-store/driver", // aks-engine script above
    "mcr.microsoft.com/oss/azure/secrets-store/provider-azure", // aks-engine script above
    // corpus Azure__secrets-store-csi-driver-provider-azure deployment/
    // provider-azure-installer{,-windows}.yaml run v1.8.2 on linux and windows nodes
    "mcr.microsoft.com/oss/v2/azure/secrets-store/provider-azure", // see above
    // SMB CSI driver: kubernetes-csi/csi-driver-smb Makefile push-manifest joins ALL_OS =
    // linux windows; corpus deploy/csi-smb-node.yaml and csi-smb-node-windows.yaml run
    // smbplugin:canary, deploy/v1.10.0/csi-smb-node-windows.yaml runs v1.10.0 on Windows
    "registry.k8s.io/sig-storage/smbplugin",    // see above
    "gcr.io/k8s-staging-sig-storage/smbplugin", // see above
    // microsoft/retina Helm chart (corpus charts/microsoft__retina .../helm/retina/templates/
    // daemonset.yaml): the same image.repository:tag in retina-agent (linux) and
    // retina-agent-win (windows, HostProcess)
    "ghcr.io/microsoft/retina/retina-agent", // see above
];

/// Windows-only repositories (§B.4a).
pub(super) const WINDOWS_REPOS: &[&str] = &[
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
    // kubernetes-sigs/sig-windows-tools: hostprocess/calico/build.sh and
    // hostprocess/flannel/build.sh build only `--platform windows/amd64`; the older
    // kubeadm/{kube-proxy,flannel} images were FROM mcr.microsoft.com/powershell nanoserver
    // (kubeadm/kube-proxy/buildconfig.json, removed in ee59f5d)
    "docker.io/sigwindowstools/kube-proxy", // see above
    "docker.io/sigwindowstools/flannel",    // see above
    // hostprocess/calico/build.sh before 5f77809: calico-install and calico-node, windows/amd64
    "docker.io/sigwindowstools/calico-node",    // see above
    "docker.io/sigwindowstools/calico-install", // see above
    // sig-windows-tools hack/regsync.yaml copies those three to ghcr.io
    "ghcr.io/kubernetes-sigs/sig-windows/kube-proxy", // regsync.yaml
    "ghcr.io/kubernetes-sigs/sig-windows/calico-node", // regsync.yaml
    "ghcr.io/kubernetes-sigs/sig-windows/calico-install", // regsync.yaml
    // sig-windows-tools hostprocess/csi-proxy/build.sh: buildx --platform windows/amd64
    "ghcr.io/kubernetes-sigs/sig-windows/csi-proxy", // see above
    // sig-windows-tools hostprocess/eventflow-logger/Dockerfile: FROM windows/nanoserver
    "ghcr.io/kubernetes-sigs/sig-windows/eventflow-logger", // see above
    // the HostProcess base image (github.com/microsoft/windows-host-process-containers-base-image);
    // Azure/aks-engine-azurestack vhd/packer/configure-windows-vhd-phase2.ps1 pre-pulls it on
    // Windows nodes
    "mcr.microsoft.com/oss/kubernetes/windows-host-process-containers-base-image", // see above
    // prometheus-community/windows_exporter Dockerfile: FROM the HostProcess base image
    "ghcr.io/prometheus-community/windows-exporter", // see above
    // microsoft/wcnspect .github/workflows/ghcr.yaml: buildx --platform windows/amd64 only
    "ghcr.io/microsoft/wcnspect", // see above
];

/// Tag tokens that name a Windows base image (§B.4a); compared with whole tokens.
pub(super) const WINDOWS_TAG_TOKENS: &[&str] = &[
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
pub(super) const LINUX_TAG_TOKENS: &[&str] = &[
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
pub(super) const BUILD_TOKENS: &[(&str, u32)] = &[
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
pub(super) const SERVER_YEARS: &[(&str, u32)] = &[
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
pub(super) const DOTNET_MULTIPLATFORM_REPOS: &[&str] = &[
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
pub(super) const DOTNET_LINUX_ONLY_MAJOR: u32 = 8;

/// hcsshim `compatLTSCReleases`, descending (S19).
pub(super) const COMPAT_LTSC_RELEASES: &[u32] = &[26100, 20348];
