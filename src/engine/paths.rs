//! Paths as users read them: as typed, with `/` separators, `.` and `..` resolved
//! lexically, relative to a base. Walk, render and output all use these.

use std::path::{Component, Path, PathBuf};

/// A path with `/` separators, as typed.
pub fn shown(p: &Path) -> String {
    let s = p.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

/// Resolves `.` and `..` without touching the filesystem: `..` removes the folder before
/// it, a leading `..` of a relative path stays, and `..` at the root is the root. The one
/// normaliser for display paths, config globs, SARIF URIs and tool messages.
pub fn lexical(p: &Path) -> PathBuf {
    // Most paths have nothing to resolve; comparing them as they are is the same answer.
    if !p
        .components()
        .any(|c| matches!(c, Component::CurDir | Component::ParentDir))
    {
        return p.to_path_buf();
    }
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    out.iter().collect()
}

/// Joins a displayed folder and a relative path, resolving `.` and `..` lexically (the way
/// the user would read it), with `/` separators.
pub fn join_display(base: &str, rel: &str) -> String {
    let joined = if base.is_empty() {
        rel.to_owned()
    } else {
        format!("{}/{rel}", base.trim_end_matches('/'))
    };
    let mut parts: Vec<&str> = Vec::new();
    for (i, c) in joined.split('/').enumerate() {
        match c {
            "" if i > 0 => {}
            "." if i > 0 => {}
            ".." if parts.last().is_some_and(|p| !matches!(*p, ".." | "." | "")) => {
                parts.pop();
            }
            _ => parts.push(c),
        }
    }
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

/// `target` relative to `base` (both absolute and normalized), with `/` separators.
pub fn relative(target: &Path, base: &Path) -> String {
    let t: Vec<_> = target.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".into(); b.len() - common];
    parts.extend(
        t[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

/// `shown` (as typed, relative to `cwd`) relative to `base`, with `/`; paths outside `base`
/// stay as typed. Used for globs in the config, baselines and SARIF URIs.
pub fn relative_to(base: &Path, cwd: &Path, shown: &str) -> String {
    let abs = lexical(&cwd.join(shown));
    match abs.strip_prefix(lexical(base)) {
        Ok(rel) => rel.to_string_lossy().replace('\\', "/"),
        Err(_) => shown.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_resolves_like_a_reader() {
        assert_eq!(lexical(Path::new("a/./b/../c")), Path::new("a/c"));
        assert_eq!(lexical(Path::new("../a/../../b")), Path::new("../../b"));
        assert_eq!(lexical(Path::new("/x/../../y")), Path::new("/y"));
        assert_eq!(join_display("charts/a", "../b/./c.yaml"), "charts/b/c.yaml");
        assert_eq!(join_display("", "."), ".");
        assert_eq!(join_display("a/b", "../c/x.yaml"), "a/c/x.yaml");
        assert_eq!(join_display("./k", "base/x.yaml"), "./k/base/x.yaml");
        assert_eq!(join_display("../s", "../../t.yaml"), "../../t.yaml");
        assert_eq!(join_display("k", "./x.yaml"), "k/x.yaml");
        assert_eq!(
            relative(Path::new("/a/b/c/x"), Path::new("/a/d")),
            "../b/c/x"
        );
        assert_eq!(
            relative_to(Path::new("/r"), Path::new("/r/sub"), "../x/y.yaml"),
            "x/y.yaml"
        );
    }
}
