//! "Did you mean": the known name closest to a misspelt one (config keys, rule names, fields,
//! credential specs), and the one way the hint is worded.

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The candidate closest to `word` within `limit` edits (ties: the smaller name).
pub fn closest<'c>(
    word: &str,
    candidates: impl IntoIterator<Item = &'c str>,
    limit: impl Fn(&str) -> usize,
) -> Option<&'c str> {
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= limit(c))
        .min()
        .map(|(_, c)| c)
}

/// The hint itself.
pub fn did_you_mean(name: &str) -> String {
    format!("did you mean `{name}`?")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_within_limit() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(
            closest("windos", ["windows", "linux"], |_| 2),
            Some("windows")
        );
        assert_eq!(closest("darwin", ["windows", "linux"], |_| 2), None);
        assert_eq!(did_you_mean("x"), "did you mean `x`?");
    }
}
