//! Reading image tags and names: tag segments and tokens, the Linux token and .NET tag
//! tests, and the `*` glob the repository tables use.

use super::tables::{DOTNET_LINUX_ONLY_MAJOR, DOTNET_MULTIPLATFORM_REPOS, LINUX_TAG_TOKENS};
use super::ImageRef;

/// `-`/`_`-separated, lowercased pieces of a tag. `ltsc` followed by a year is joined
/// (`windows-ltsc-2022` → `ltsc2022`), a spelling seen on Docker Hub.
pub(super) fn segments(tag: &str) -> Vec<String> {
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
pub(super) fn tokens(tag: &str) -> Vec<String> {
    let mut out = Vec::new();
    for seg in segments(tag) {
        out.extend(seg.split('.').filter(|t| !t.is_empty()).map(str::to_string));
    }
    out
}

pub(super) fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn is_linux_token(tok: &str) -> bool {
    let versioned = |rest: &str| rest.is_empty() || is_digits(rest);
    LINUX_TAG_TOKENS
        .iter()
        .any(|w| tok.strip_prefix(w).is_some_and(versioned))
}

/// Rule 27: `latest` (also implied by a missing tag) or a version of major >= 8, on a .NET
/// repository, with no OS token (OS-specific tags are handled by the token tables).
pub(super) fn is_dotnet_multiplatform_tag(r: &ImageRef, name: &str) -> bool {
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
pub fn glob(pattern: &str, text: &str) -> bool {
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
