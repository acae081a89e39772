//! Helm charts: `helm template` with an argument list in a scratch home (never the user's
//! repositories or plugins, never `--repo`), once per values profile; the render is linted
//! and each finding moved to the template line that produced it. Also `helm template ... |
//! winlint -`, whose `# Source:` comments name the templates (`helm_sources`).

use std::ffi::OsString;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use super::archive::Archive;
use super::attribution::Defines;
use super::cache::{self, Key, KeyBuilder};
use super::helm_sources::attribute;
pub use super::helm_sources::lint_helm_stream;
use super::process::{self, ToolError};
use super::{
    lint_render, offset_of, rest_of_line, scratch, shown_paths, tool_message, Moved, RenderOptions,
    RenderedFrom, ValuesProfile,
};
use crate::engine::lint::{Counts, FileReport, Scope};
use crate::engine::paths::join_display;
use crate::finding::Finding;
use crate::rules::{
    helm_dependency_missing_diagnostic, helm_not_found_diagnostic, helm_render_failed_diagnostic,
};
use crate::yaml::{parse_chunk, split_documents, Arena, Limits, Node, Span};

/// Where a chart's files are: a folder, or a packaged chart.
pub(super) enum ChartFs {
    Dir {
        root: PathBuf,
        display: String,
    },
    Archive {
        archive: Archive,
        /// The folder inside the archive (`app`).
        root: String,
        /// The archive as displayed.
        display: String,
    },
}

impl ChartFs {
    fn read(&self, rel: &str) -> Option<String> {
        match self {
            ChartFs::Dir { root, .. } => {
                let bytes = std::fs::read(root.join(rel)).ok()?;
                Some(String::from_utf8_lossy(&bytes).into_owned())
            }
            ChartFs::Archive { archive, root, .. } => archive.text(&format!("{root}/{rel}")),
        }
    }

    fn display(&self, rel: &str) -> String {
        match self {
            ChartFs::Dir { display, .. } => join_display(display, rel),
            ChartFs::Archive { root, display, .. } => format!("{display}/{root}/{rel}"),
        }
    }

    /// The chart's template files and its subcharts' (display path, text), where named
    /// templates (`define`) live.
    pub(super) fn template_files(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        match self {
            ChartFs::Dir { root, .. } => {
                let mut stack = vec![root.join("templates")];
                if let Ok(subs) = std::fs::read_dir(root.join("charts")) {
                    for e in subs.flatten() {
                        let p = e.path();
                        if p.is_dir() {
                            stack.push(p.join("templates"));
                        } else if p.extension().is_some_and(|x| x == "tgz") {
                            if let Some(a) = Archive::open(&p) {
                                let shown = self.display(&format!(
                                    "charts/{}",
                                    e.file_name().to_string_lossy()
                                ));
                                for (name, bytes) in &a.files {
                                    if name.split('/').nth(1) == Some("templates") {
                                        let text = String::from_utf8_lossy(bytes).into_owned();
                                        out.push((format!("{shown}/{name}"), text));
                                    }
                                }
                            }
                        }
                    }
                }
                while let Some(dir) = stack.pop() {
                    let Ok(entries) = std::fs::read_dir(&dir) else {
                        continue;
                    };
                    for e in entries.flatten() {
                        let p = e.path();
                        if p.is_dir() {
                            stack.push(p);
                        } else if let Ok(bytes) = std::fs::read(&p) {
                            if let Ok(rel) = p.strip_prefix(root) {
                                let rel = rel.to_string_lossy().replace('\\', "/");
                                let text = String::from_utf8_lossy(&bytes).into_owned();
                                out.push((self.display(&rel), text));
                            }
                        }
                    }
                }
            }
            ChartFs::Archive { archive, root, .. } => {
                for (name, bytes) in &archive.files {
                    let Some(rel) = name.strip_prefix(&format!("{root}/")) else {
                        continue;
                    };
                    let in_templates = rel.starts_with("templates/")
                        || (rel.starts_with("charts/") && rel.contains("/templates/"));
                    if in_templates {
                        let text = String::from_utf8_lossy(bytes).into_owned();
                        out.push((self.display(rel), text));
                    }
                }
            }
        }
        // Sorted, so that the first definition of a name is the same on every run.
        out.sort();
        out
    }

    /// A file of the chart named by a path relative to the chart (`templates/x.yaml`,
    /// `charts/sub/templates/y.yaml`), looking into subchart folders by chart name and into
    /// packaged subcharts. Returns its display path and text.
    pub(super) fn resolve(&self, rel: &str, depth: usize) -> Option<(String, String)> {
        if let Some(text) = self.read(rel) {
            return Some((self.display(rel), text));
        }
        let rest = rel.strip_prefix("charts/")?;
        let (sub, inner) = rest.split_once('/')?;
        if depth > 8 {
            return None;
        }
        let ChartFs::Dir { root, .. } = self else {
            return None;
        };
        let entries = std::fs::read_dir(root.join("charts")).ok()?;
        let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        names.sort();
        for p in names {
            let file = p.file_name()?.to_string_lossy().into_owned();
            let fs = if p.is_dir() {
                let meta = chart_meta(&std::fs::read_to_string(p.join("Chart.yaml")).ok()?);
                if meta.name.as_deref() != Some(sub) {
                    continue;
                }
                ChartFs::Dir {
                    root: p.clone(),
                    display: self.display(&format!("charts/{file}")),
                }
            } else if file.ends_with(".tgz") {
                let Some(archive) = Archive::open(&p) else {
                    continue;
                };
                if archive.chart_root() != Some(sub) {
                    continue;
                }
                ChartFs::Archive {
                    archive,
                    root: sub.to_owned(),
                    display: self.display(&format!("charts/{file}")),
                }
            } else {
                continue;
            };
            return fs.resolve(inner, depth + 1);
        }
        None
    }
}

/// What winlint needs from `Chart.yaml`.
#[derive(Debug, Default)]
struct ChartMeta {
    name: Option<String>,
    library: bool,
    /// The span of `dependencies:` (its key), if any.
    dependencies: Option<Span>,
}

fn chart_meta(text: &str) -> ChartMeta {
    let arena = Arena::new();
    let Some(doc) = split_documents(text).into_iter().find_map(|c| {
        parse_chunk(&arena, c, Limits::default())
            .ok()?
            .into_iter()
            .next()
    }) else {
        return ChartMeta::default();
    };
    let root = &doc.root;
    ChartMeta {
        name: root.get("name").and_then(Node::as_str).map(str::to_owned),
        library: root.get("type").and_then(Node::as_str) == Some("library"),
        dependencies: root.entry("dependencies").map(|e| e.key.span),
    }
}

/// A chart being rendered: what each profile's render needs.
struct Chart<'a> {
    /// The chart as the user named it.
    display: &'a str,
    path: &'a Path,
    /// Absolute, as helm is given it.
    abs: PathBuf,
    fs: ChartFs,
    meta: ChartMeta,
    chart_yaml: String,
    chart_path: String,
    defines: Defines<'a>,
    opts: &'a RenderOptions,
    profiles: Vec<ValuesProfile>,
    /// The scratch home helm runs in.
    home: &'a Path,
}

/// Renders and lints one chart with every profile that applies to it.
pub fn lint_chart(
    display: &str,
    path: &Path,
    opts: &RenderOptions,
    cx: &Scope<'_>,
) -> Vec<FileReport> {
    let counts = Counts {
        files: 1,
        ..Counts::default()
    };
    let fs = open_chart(display, path);
    let chart_yaml = fs.read("Chart.yaml").unwrap_or_default();
    let chart_path = fs.display("Chart.yaml");
    let meta = chart_meta(&chart_yaml);
    if meta.library {
        let mut head = FileReport::new(chart_path, chart_yaml, Vec::new(), counts);
        head.notes.push(format!(
            "{display}: library chart (`type: library`) not rendered on its own: it is not installable; it is linted where a chart that depends on it is rendered"
        ));
        return vec![head];
    }
    let mut head = FileReport::new(chart_path.clone(), chart_yaml.clone(), Vec::new(), counts);
    let mut sink = Moved::default();
    let home = match scratch() {
        Ok(h) => h,
        Err(e) => {
            head.findings.push(helm_render_failed_diagnostic(
                &format!("cannot create a temporary folder: {e}"),
                Span::new(0, 0),
                "this chart was not rendered",
            ));
            return vec![head];
        }
    };
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| abs.clone());
    let profiles = applicable_profiles(&opts.profiles, &canonical);
    let helper_files = fs.template_files();
    let chart = Chart {
        display,
        path,
        abs,
        defines: Defines::new(
            helper_files
                .iter()
                .map(|(p, t)| (p.as_str(), t.as_str()))
                .collect(),
        ),
        fs,
        meta,
        chart_yaml,
        chart_path,
        opts,
        profiles,
        home: home.path(),
    };
    for profile in &chart.profiles {
        if chart.render(profile, cx, &mut head, &mut sink).is_break() {
            break;
        }
    }
    sink.finish(head)
}

/// The chart's files: its folder, or the archive it is packaged in.
fn open_chart(display: &str, path: &Path) -> ChartFs {
    if path.is_dir() {
        ChartFs::Dir {
            root: path.to_path_buf(),
            display: display.to_owned(),
        }
    } else {
        let archive = Archive::open(path).unwrap_or_default();
        let root = archive.chart_root().unwrap_or_default().to_owned();
        ChartFs::Archive {
            archive,
            root,
            display: display.to_owned(),
        }
    }
}

impl Chart<'_> {
    /// Renders and lints the chart with one profile; breaks when no other profile can
    /// render either (helm is missing, dependencies are missing).
    fn render(
        &self,
        profile: &ValuesProfile,
        cx: &Scope<'_>,
        head: &mut FileReport,
        sink: &mut Moved,
    ) -> ControlFlow<()> {
        let opts = self.opts;
        let args = helm_args(opts, &self.abs, &profile.files);
        let envs = helm_env(self.home);
        let key = || self.cache_key(&args, &envs, &profile.files);
        let run = || process::run(&opts.helm, &args, self.home, &envs);
        let out = match cache::run_cached(opts.cache.as_ref(), key, run) {
            Ok(o) => o,
            Err(ToolError::NotFound(e)) => {
                head.findings.push(helm_not_found_diagnostic(
                    &opts.helm.to_string_lossy(),
                    &e.to_string(),
                ));
                return ControlFlow::Break(());
            }
            Err(e) => {
                head.findings.push(with_profile(
                    helm_render_failed_diagnostic(&run_failure(e), Span::new(0, 0), "this chart"),
                    &profile.name,
                    &self.profiles,
                ));
                return ControlFlow::Continue(());
            }
        };
        if !out.success {
            return self.failed(&out.stderr, profile, head, sink);
        }
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let name = format!("{} (profile {})", self.display, profile.name);
        let mut report = lint_render(name, text, cx);
        super::carry(&mut report, sink);
        head.images.append(&mut report.images);
        head.counts.documents += report.counts.documents;
        head.counts.resources += report.counts.resources;
        head.counts.skipped += report.counts.skipped;
        attribute(
            report,
            RenderedFrom::Profile(&profile.name),
            Some(&self.defines),
            &mut |source| self.fs.resolve(source.split_once('/')?.1, 0),
            self.display,
            sink,
        );
        ControlFlow::Continue(())
    }

    /// Everything `helm template` reads: the tool, its arguments (release name, namespace,
    /// versions, `--set`, paths), its environment (the scratch home left out), the chart's
    /// files with its subcharts and archives, and the values files.
    fn cache_key(&self, args: &[OsString], envs: &[(&str, OsString)], profile: &[PathBuf]) -> Key {
        let mut k = KeyBuilder::new("helm template");
        k.tool(&self.opts.helm);
        for a in args {
            k.os(a);
        }
        for (name, value) in envs {
            k.text(name);
            match Path::new(value).strip_prefix(self.home) {
                Ok(rel) => k.os(rel.as_os_str()),
                Err(_) => k.os(value),
            }
        }
        if self.path.is_dir() {
            k.tree(self.path);
        } else {
            k.file(self.path);
        }
        for f in profile.iter().chain(&self.opts.values) {
            k.file(f);
        }
        k.finish()
    }

    /// Reports a render helm refused: at the dependency list when dependencies are missing
    /// (and then no profile can render), else where helm's error points.
    fn failed(
        &self,
        stderr: &str,
        profile: &ValuesProfile,
        head: &mut FileReport,
        sink: &mut Moved,
    ) -> ControlFlow<()> {
        let message = tool_message(stderr);
        let message = message
            .trim_end_matches("Use --debug flag to render out invalid YAML")
            .trim_end();
        let message = if self.path.is_dir() {
            shown_paths(message, &self.abs, self.display)
        } else {
            message.to_owned()
        };
        if let Some(missing) = missing_dependencies(&message) {
            let (path, text, span) = dependency_list(&self.fs, &self.meta, &self.chart_yaml);
            let f = helm_dependency_missing_diagnostic(self.display, &missing, span);
            if path == self.chart_path {
                head.findings.push(f);
            } else {
                sink.push(&path, &text, f);
            }
            return ControlFlow::Break(());
        }
        let f = with_profile(
            helm_render_failed_diagnostic(&message, Span::new(0, 0), "helm stopped here"),
            &profile.name,
            &self.profiles,
        );
        let chart_name = self.meta.name.clone().unwrap_or_default();
        match error_position(&message, &chart_name, &self.fs) {
            Some((path, text, span, label)) => {
                let mut f = f;
                f.primary = crate::finding::Label::new(span, label);
                sink.push(&path, &text, f);
            }
            None => head.findings.push(f),
        }
        ControlFlow::Continue(())
    }
}

/// Why helm could not be run to the end.
fn run_failure(e: ToolError) -> String {
    match e {
        ToolError::TimedOut => {
            format!("no result after {} seconds", process::TIMEOUT.as_secs())
        }
        ToolError::TooLarge => format!(
            "the render is larger than {} MiB",
            process::OUTPUT_CAP >> 20
        ),
        ToolError::Io(e) | ToolError::NotFound(e) => e.to_string(),
    }
}

/// Render failures name their profile when there are several.
fn with_profile(mut f: Finding, profile: &str, all: &[ValuesProfile]) -> Finding {
    if all.len() > 1 {
        f.message = format!("{} (values profile `{profile}`)", f.message);
    }
    f
}

/// The profiles that apply to a chart: a profile's values file inside another chart's folder
/// is that chart's, and a profile none of whose files are for this chart is skipped (it would
/// render the defaults again). A profile with no files (the defaults) always applies.
fn applicable_profiles(profiles: &[ValuesProfile], chart: &Path) -> Vec<ValuesProfile> {
    if profiles.is_empty() {
        return vec![ValuesProfile {
            name: "default".into(),
            files: Vec::new(),
        }];
    }
    profiles
        .iter()
        .filter_map(|p| {
            let files: Vec<PathBuf> = p
                .files
                .iter()
                .filter(|f| owning_chart(f).is_none_or(|c| c == chart))
                .cloned()
                .collect();
            (p.files.is_empty() || !files.is_empty()).then(|| ValuesProfile {
                name: p.name.clone(),
                files,
            })
        })
        .collect()
}

/// The nearest folder above `file` that holds a `Chart.yaml`.
fn owning_chart(file: &Path) -> Option<PathBuf> {
    let canonical = std::fs::canonicalize(file).ok()?;
    canonical
        .ancestors()
        .skip(1)
        .find(|d| d.join("Chart.yaml").is_file())
        .map(Path::to_path_buf)
}

fn helm_args(opts: &RenderOptions, chart: &Path, profile_files: &[PathBuf]) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![
        "template".into(),
        opts.release_name.clone().into(),
        chart.as_os_str().to_owned(),
        // CRDs are installed with the chart; lint them too.
        "--include-crds".into(),
    ];
    if !opts.include_tests {
        args.push("--skip-tests".into());
    }
    if let Some(ns) = &opts.namespace {
        args.extend(["--namespace".into(), ns.into()]);
    }
    if let Some(v) = &opts.kube_version {
        args.extend(["--kube-version".into(), v.into()]);
    }
    for a in &opts.api_versions {
        args.extend(["--api-versions".into(), a.into()]);
    }
    for f in profile_files.iter().chain(&opts.values) {
        args.extend(["--values".into(), f.as_os_str().to_owned()]);
    }
    for s in &opts.set {
        args.extend(["--set".into(), s.into()]);
    }
    args
}

/// Helm's own folders point into the scratch home, so the user's repositories, plugins and
/// registry logins are never read or written; no cluster is contacted by `helm template`.
fn helm_env(home: &Path) -> Vec<(&'static str, OsString)> {
    let mut envs = vec![
        ("HELM_CACHE_HOME", home.join("cache").into_os_string()),
        ("HELM_CONFIG_HOME", home.join("config").into_os_string()),
        ("HELM_DATA_HOME", home.join("data").into_os_string()),
        ("HELM_PLUGINS", home.join("data/plugins").into_os_string()),
        (
            "HELM_REGISTRY_CONFIG",
            home.join("config/registry.json").into_os_string(),
        ),
        (
            "HELM_REPOSITORY_CONFIG",
            home.join("config/repositories.yaml").into_os_string(),
        ),
        (
            "HELM_REPOSITORY_CACHE",
            home.join("cache/repository").into_os_string(),
        ),
        ("KUBECONFIG", home.join("kubeconfig").into_os_string()),
        // Nothing is fetched; should anything try, it meets a closed local port.
        ("HTTP_PROXY", "http://127.0.0.1:9".into()),
        ("HTTPS_PROXY", "http://127.0.0.1:9".into()),
        ("NO_PROXY", OsString::new()),
    ];
    // Settings of the user's shell that would change the render.
    for k in ["HELM_NAMESPACE", "HELM_KUBECONTEXT", "HELM_DEBUG"] {
        envs.push((k, OsString::new()));
    }
    envs
}

/// `... found in Chart.yaml, but missing in charts/ directory: a, b` -> `[a, b]`.
fn missing_dependencies(message: &str) -> Option<Vec<String>> {
    let (_, list) = message.split_once("missing in charts/ directory:")?;
    let names: Vec<String> = list
        .split(',')
        .map(|n| n.trim().to_owned())
        .filter(|n| !n.is_empty())
        .collect();
    (!names.is_empty()).then_some(names)
}

/// Where a chart declares its dependencies: `dependencies:` in Chart.yaml, else
/// `requirements.yaml` (charts of `apiVersion: v1`).
fn dependency_list(fs: &ChartFs, meta: &ChartMeta, chart_yaml: &str) -> (String, String, Span) {
    if let Some(span) = meta.dependencies {
        return (fs.display("Chart.yaml"), chart_yaml.to_owned(), span);
    }
    if let Some(text) = fs.read("requirements.yaml") {
        let span = chart_meta(&text)
            .dependencies
            .or_else(|| text.find("dependencies:").map(|i| Span::new(i, i + 12)))
            .unwrap_or_default();
        return (fs.display("requirements.yaml"), text, span);
    }
    (
        fs.display("Chart.yaml"),
        chart_yaml.to_owned(),
        Span::new(0, 0),
    )
}

/// The template position helm's error names: `app/templates/x.yaml:9:22`,
/// `(app/templates/x.yaml:16)` or `YAML parse error on app/templates/x.yaml: ... line 6`.
fn error_position(
    message: &str,
    chart_name: &str,
    fs: &ChartFs,
) -> Option<(String, String, Span, String)> {
    if chart_name.is_empty() {
        return None;
    }
    let prefix = format!("{chart_name}/");
    let mut at = 0;
    while let Some(i) = message[at..].find(&prefix) {
        let start = at + i;
        at = start + prefix.len();
        let boundary = start == 0
            || message[..start]
                .chars()
                .next_back()
                .is_some_and(|c| matches!(c, ' ' | '(' | '"' | '\''));
        if !boundary {
            continue;
        }
        let token: &str = message[start..]
            .split(|c: char| c.is_whitespace() || matches!(c, ')' | '"' | '\''))
            .next()
            .unwrap_or("");
        let token = token.trim_end_matches(':');
        let mut parts = token.split(':');
        let file = parts.next().unwrap_or("");
        let line: Option<usize> = parts.next().and_then(|l| l.parse().ok());
        let column: Option<usize> = parts.next().and_then(|c| c.parse().ok());
        let Some((path, text)) = fs.resolve(file.split_once('/')?.1, 0) else {
            continue;
        };
        return Some(match line {
            Some(line) => {
                let off = offset_of(&text, line, column.unwrap_or(1));
                let span = rest_of_line(&text, off);
                (path, text, span, "helm stopped here".to_owned())
            }
            None => {
                // A YAML error: its line counts in this template's output, not the template.
                let label = yaml_error_line(message).map_or_else(
                    || "this template's output is not valid YAML".to_owned(),
                    |l| format!("line {l} of this template's output is not valid YAML"),
                );
                (path, text, Span::new(0, 0), label)
            }
        });
    }
    None
}

fn yaml_error_line(message: &str) -> Option<usize> {
    let (_, rest) = message.split_once("yaml: line ")?;
    rest.split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_missing_dependencies() {
        let m = "an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: datadog-crds, kube-state-metrics";
        assert_eq!(
            missing_dependencies(m),
            Some(vec!["datadog-crds".into(), "kube-state-metrics".into()])
        );
        assert_eq!(missing_dependencies("parse error"), None);
    }

    #[test]
    fn yaml_error_lines() {
        assert_eq!(
            yaml_error_line("YAML parse error on a/b.yaml: error converting YAML to JSON: yaml: line 6: did not find expected key"),
            Some(6)
        );
    }
}
