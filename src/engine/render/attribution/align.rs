//! Aligning a rendered document with template lines: a weighted longest common
//! subsequence, where literal matches outweigh pattern matches.

use super::template::{Kind, TLine, Template};

/// Does a rendered line match a pattern line? Literal pieces in order, anchored at the ends
/// that have no action.
pub(super) fn pattern_matches(t: &TLine<'_>, r: &str, loose: bool) -> bool {
    let mut rest = if loose { r.trim_start() } else { r };
    let n = t.pieces.len();
    for (i, piece) in t.pieces.iter().enumerate() {
        // Text before the first action is copied as is (a `{{-` there would trim it, which
        // templates do on control lines, not on these).
        let first = i == 0 && !t.starts_with_action;
        let last = i + 1 == n && !t.ends_with_action;
        if first {
            let piece = if loose { piece.trim_start() } else { piece };
            let Some(after) = rest.strip_prefix(piece) else {
                return false;
            };
            rest = after;
        } else if last {
            return rest.ends_with(piece);
        } else {
            let piece_t = if i == 0 { piece.trim_start() } else { piece };
            match rest.find(piece_t) {
                Some(p) => rest = &rest[p + piece_t.len()..],
                None => return false,
            }
        }
    }
    true
}

/// The score of aligning rendered line `r` with template line `t` (0: they cannot align).
pub(super) fn weight(t: &TLine<'_>, r: &str, loose: bool) -> u32 {
    if r.trim().is_empty() {
        return 0;
    }
    let same = if loose {
        t.text.trim_start() == r.trim_start()
    } else {
        t.text == r
    };
    match t.kind {
        Kind::Literal if same => 3,
        Kind::Pattern if pattern_matches(t, r, loose) => 2,
        _ => 0,
    }
}

/// The largest alignment solved exactly; larger ones use a greedy forward scan.
const DP_CELLS: usize = 8_000_000;

/// Aligns rendered lines to template lines `[lo, hi)`: for each rendered line, its template
/// line, and the total weight.
pub(super) fn align(
    tpl: &Template<'_>,
    lo: usize,
    hi: usize,
    rendered: &[&str],
) -> (Vec<Option<usize>>, u32) {
    let tl = &tpl.lines[lo..hi];
    let (n, m) = (tl.len(), rendered.len());
    let mut out = vec![None; m];
    if n == 0 || m == 0 {
        return (out, 0);
    }
    if n.saturating_mul(m) > DP_CELLS {
        let mut total = 0;
        let mut next = 0;
        for (j, r) in rendered.iter().enumerate() {
            let window = next..(next + 400).min(n);
            if let Some(i) = window.clone().find(|&i| weight(&tl[i], r, tpl.loose) > 0) {
                total += weight(&tl[i], r, tpl.loose);
                out[j] = Some(lo + i);
                next = i + 1;
            }
        }
        return (out, total);
    }
    // score[i][j] over template prefix i and rendered prefix j, kept as two rows, with a
    // direction table for the backtrack: 0 skip template, 1 skip rendered, 2 match.
    let mut dir = vec![0u8; n * m];
    let mut prev = vec![0u32; m + 1];
    let mut cur = vec![0u32; m + 1];
    for i in 1..=n {
        cur[0] = 0;
        for j in 1..=m {
            let skip_t = prev[j];
            let skip_r = cur[j - 1];
            let w = weight(&tl[i - 1], rendered[j - 1], tpl.loose);
            let matched = if w > 0 { prev[j - 1] + w } else { 0 };
            let (best, d) = if w > 0 && matched >= skip_t && matched >= skip_r {
                (matched, 2)
            } else if skip_t >= skip_r {
                (skip_t, 0)
            } else {
                (skip_r, 1)
            };
            cur[j] = best;
            dir[(i - 1) * m + (j - 1)] = d;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let total = prev[m];
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        match dir[(i - 1) * m + (j - 1)] {
            2 => {
                out[j - 1] = Some(lo + i - 1);
                i -= 1;
                j -= 1;
            }
            1 => j -= 1,
            _ => i -= 1,
        }
    }
    (out, total)
}
