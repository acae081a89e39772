//! Windows build numbers: which builds a host runs images of, and the builds that tag
//! tokens and hand-written label values name.

use super::tables::{BUILD_TOKENS, COMPAT_LTSC_RELEASES, SERVER_YEARS};
use super::tags::is_digits;

/// hcsshim CheckHostAndContainerCompat (spec §B.3): can a container built for `ctr` run on
/// host build `host` with process isolation.
pub fn compatible(host: u32, ctr: u32) -> bool {
    let oldest = COMPAT_LTSC_RELEASES[COMPAT_LTSC_RELEASES.len() - 1];
    if host < oldest {
        return host == ctr; // before WS2022 builds must match exactly
    }
    // the newest LTSC release older than the host opens the window of runnable images
    let prev = COMPAT_LTSC_RELEASES.iter().find(|&&x| host > x);
    (*prev.unwrap_or(&oldest)..=host).contains(&ctr)
}

/// Build named by one tag segment: `10.0.N[.R]`, or a Table B.5 token.
pub(super) fn segment_build(seg: &str) -> Option<u32> {
    if let Some(rest) = seg.strip_prefix("10.0.") {
        let parts: Vec<&str> = rest.split('.').collect();
        if parts.len() <= 2 && parts.iter().all(|p| is_digits(p)) {
            return parts[0].parse().ok();
        }
        return None;
    }
    BUILD_TOKENS.iter().find_map(|&(tok, build)| {
        let hit = seg == tok || (!is_digits(tok) && seg.split('.').any(|t| t == tok));
        hit.then_some(build)
    })
}

/// The Windows build a human wrote instead of a `node.kubernetes.io/windows-build` value:
/// `17763`, `10.0.17763.1234`, `ltsc2019`, `1809`, `2019`, `ws2019`, `windows-2022`.
pub fn build_from_version_name(v: &str) -> Option<u32> {
    let lower = v.trim().to_ascii_lowercase();
    let named = |s: &str| -> Option<u32> {
        if let Some(b) = segment_build(s) {
            return Some(b);
        }
        if let Some(&(_, b)) = SERVER_YEARS.iter().find(|(y, _)| *y == s) {
            return Some(b);
        }
        (s.len() == 5 && is_digits(s))
            .then(|| s.parse().ok())
            .flatten()
    };
    if let Some(b) = named(&lower) {
        return Some(b);
    }
    let rest = ["windowsserver", "windows", "server", "ws", "win"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))?;
    named(rest.trim_start_matches(['-', '_', ' ']))
}

/// The usual tag token for images of a Windows build (`ltsc2019` for 17763), for help text.
pub fn tag_for_build(build: u32) -> Option<&'static str> {
    let ltsc = BUILD_TOKENS
        .iter()
        .find(|(t, b)| *b == build && t.starts_with("ltsc"));
    ltsc.or_else(|| BUILD_TOKENS.iter().find(|(_, b)| *b == build))
        .map(|(t, _)| *t)
}
