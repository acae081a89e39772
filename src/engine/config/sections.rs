//! Validation and conversion of the config sections other than `cluster`: each function
//! checks one section and pushes every mistake, at its node, to `errors`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::raw::{RawAzurePolicy, RawHelm, RawImages, RawRules};
use super::source::Source;
use super::Exemption;
use crate::engine::error::Error;
use crate::engine::settings::{check_selector, RuleSettings};
use crate::facts::azure_policy::AzurePolicy;
use crate::facts::images::{Classifier, ImageOs, RepoPattern};
use crate::suggest::did_you_mean;
use crate::yaml::{Node, PathKey};

/// `exclude:`: every entry must be a glob.
pub(super) fn exclude(src: &Source<'_>, globs: &[String], errors: &mut Vec<Error>) {
    for (i, g) in globs.iter().enumerate() {
        if let Err(e) = globset::Glob::new(g) {
            let at = src.value(&[PathKey::Key("exclude"), PathKey::Index(i)]);
            let message = format!("`exclude[{i}]`: invalid glob: {e}");
            errors.push(src.error(at, message, "here", Some(GLOB_HELP.into())));
        }
    }
}

const GLOB_HELP: &str = "write a glob such as `vendor/**` or `charts/*/templates/*.yaml`";

/// `perPathIgnores:`: glob keys naming rules or categories; errors point at the glob.
pub(super) fn per_path_ignores(
    src: &Source<'_>,
    ignores: &BTreeMap<String, Vec<String>>,
    errors: &mut Vec<Error>,
) {
    for (glob, names) in ignores {
        let at = src.key(&["perPathIgnores", glob]).unwrap_or((0, 0));
        if let Err(e) = globset::Glob::new(glob) {
            let message = format!("`perPathIgnores`: invalid glob `{glob}`: {e}");
            errors.push(src.error(at, message, "here", Some(GLOB_HELP.into())));
        }
        for (i, name) in names.iter().enumerate() {
            if let Err(u) = check_selector(name, false) {
                let message = format!(
                    "`perPathIgnores.{glob}`: unknown rule or category `{}`",
                    u.entry
                );
                let path = [
                    PathKey::Key("perPathIgnores"),
                    PathKey::Key(glob),
                    PathKey::Index(i),
                ];
                let item = Some(src.value(&path))
                    .filter(|v| *v != (0, 0))
                    .unwrap_or(at);
                errors.push(src.error(
                    item,
                    message,
                    "not a rule, category or `all`",
                    Some(selector_help(u.suggestion)),
                ));
            }
        }
    }
}

/// The help for an unknown rule or category: the near name, else where the names are.
fn selector_help(suggestion: Option<&str>) -> String {
    match suggestion {
        Some(s) => did_you_mean(s),
        None => "`winlint rules` lists the rule names; the categories are `correctness`, `suspicious`, `pedantic`, and `all`".into(),
    }
}

/// `exemptions:`: known rules and valid namespace, kind and name globs.
pub(super) fn exemptions(src: &Source<'_>, exemptions: &[Exemption], errors: &mut Vec<Error>) {
    for (i, x) in exemptions.iter().enumerate() {
        let entry = [PathKey::Key("exemptions"), PathKey::Index(i)];
        for (j, name) in x.rules.iter().enumerate() {
            if let Err(u) = check_selector(name, false) {
                let at = src.value(&[entry[0], entry[1], PathKey::Key("rules"), PathKey::Index(j)]);
                let message = format!(
                    "`exemptions[{i}].rules`: unknown rule or category `{}`",
                    u.entry
                );
                errors.push(src.error(at, message, "here", Some(selector_help(u.suggestion))));
            }
        }
        for glob in x.namespaces.iter().chain(&x.kinds).chain(&x.names) {
            if let Err(e) = globset::Glob::new(glob) {
                let message = format!("`exemptions[{i}]`: invalid glob `{glob}`: {e}");
                errors.push(src.error(
                    src.value(&entry),
                    message,
                    "in this entry",
                    Some(GLOB_HELP.into()),
                ));
            }
        }
    }
}

/// `azurePolicy:`: each list left out keeps its default.
pub(super) fn azure_policy(raw: Option<RawAzurePolicy>) -> AzurePolicy {
    let defaults = AzurePolicy::default();
    let Some(a) = raw else {
        return defaults;
    };
    AzurePolicy {
        allowed_user_names: a.allowed_user_names.unwrap_or(defaults.allowed_user_names),
        excluded_images: a.excluded_images.unwrap_or(defaults.excluded_images),
        excluded_namespaces: a
            .excluded_namespaces
            .unwrap_or(defaults.excluded_namespaces),
    }
}

/// `rules:`: `select` and `ignore` take rules, categories or `all`; `severity` takes rules.
pub(super) fn rules(src: &Source<'_>, r: RawRules, errors: &mut Vec<Error>) -> RuleSettings {
    for (list, entries) in [("select", &r.select), ("ignore", &r.ignore)] {
        for (i, entry) in entries.iter().enumerate() {
            if let Err(u) = check_selector(entry, false) {
                let at = src.value(&[PathKey::Key("rules"), PathKey::Key(list), PathKey::Index(i)]);
                let message = format!("`rules.{list}`: unknown rule or category `{}`", u.entry);
                let help = Some(selector_help(u.suggestion));
                errors.push(src.error(at, message, "not a rule, category or `all`", help));
            }
        }
    }
    for name in r.severity.keys() {
        if let Err(u) = check_selector(name, true) {
            let at = src.key(&["rules", "severity", name]).unwrap_or((0, 0));
            let message = format!("`rules.severity`: unknown rule `{}`", u.entry);
            let help = match u.suggestion {
                Some(s) => did_you_mean(s),
                None => "`severity` takes rule names (`winlint rules` lists them), not categories"
                    .into(),
            };
            errors.push(src.error(at, message, "not a rule", Some(help)));
        }
    }
    RuleSettings {
        select: r.select,
        ignore: r.ignore,
        severity: r.severity.into_iter().map(|(k, v)| (k, v.into())).collect(),
    }
}

/// `helm.valuesProfiles`: each profile's values files, in file order; with `check_files`
/// they must exist next to the config and are made absolute.
pub(super) fn helm_profiles(
    src: &Source<'_>,
    helm: &RawHelm,
    base: &Path,
    check_files: bool,
    errors: &mut Vec<Error>,
) -> Vec<(String, Vec<PathBuf>)> {
    let profiles = src
        .node(&[PathKey::Key("helm"), PathKey::Key("valuesProfiles")])
        .and_then(Node::as_map)
        .unwrap_or_default();
    let mut out = Vec::new();
    for entry in profiles {
        // Names and order from the tree (serde's map is sorted), the validated strings
        // from serde.
        let name = entry.key.as_str().unwrap_or_default().to_owned();
        let listed = helm.values_profiles.get(&name).cloned().unwrap_or_default();
        let items = entry.value.as_seq().unwrap_or_default();
        let mut files = Vec::new();
        for (file, item) in listed.iter().zip(items) {
            if !check_files {
                files.push(PathBuf::from(file));
                continue;
            }
            let path = base.join(file);
            if !path.is_file() {
                let message =
                    format!("`helm.valuesProfiles.{name}`: values file `{file}` does not exist");
                let help = Some("paths are relative to the folder of the config file".into());
                let at = (item.span.start, item.span.len());
                errors.push(src.error(at, message, "not found next to the config file", help));
                continue;
            }
            files.push(std::path::absolute(&path).unwrap_or(path));
        }
        out.push((name, files));
    }
    out
}

/// `images:`: the user's patterns on top of the built-in tables.
pub(super) fn images(images: &mut RawImages) -> Classifier {
    let take = std::mem::take;
    let lists = [
        (take(&mut images.windows), ImageOs::Windows),
        (take(&mut images.linux), ImageOs::Linux),
        (take(&mut images.multi_os), ImageOs::MultiOs),
    ];
    let mut user: Vec<RepoPattern> = lists
        .into_iter()
        .flat_map(|(patterns, os)| {
            patterns
                .into_iter()
                .map(move |pattern| RepoPattern { pattern, os })
        })
        .collect();
    // The most specific (longest) pattern wins: `myreg.io/win/*` beats `myreg.io/*`.
    user.sort_by_key(|p| std::cmp::Reverse(p.pattern.len()));
    Classifier::with_patterns(user)
}
