//! Splits a YAML stream on `---` lines so that one broken document cannot hide the others.

/// A chunk of the input: its text and its byte offset in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk<'a> {
    pub text: &'a str,
    pub offset: usize,
}

/// Splits at every line that starts with `---` followed by a blank or the end of the line.
/// Such a line can only be a document marker in YAML (c-forbidden inside any scalar at
/// column 0), so splitting here never cuts a document in two. The marker line stays with
/// the chunk it opens; text before the first marker (comments, directives) is its own chunk.
pub fn split_documents(text: &str) -> Vec<Chunk<'_>> {
    let bytes = text.as_bytes();
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    while pos < bytes.len() {
        let end = memchr_newline(&bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        let line = &bytes[pos..end];
        let is_marker = line.starts_with(b"---")
            && (line.len() == 3 || matches!(line[3], b' ' | b'\t' | b'\r'));
        if is_marker && pos > start {
            chunks.push(Chunk {
                text: &text[start..pos],
                offset: start,
            });
            start = pos;
        }
        pos = end + 1;
    }
    if start < bytes.len() || chunks.is_empty() {
        chunks.push(Chunk {
            text: &text[start..],
            offset: start,
        });
    }
    chunks
}

fn memchr_newline(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(&str, usize)> {
        split_documents(s)
            .into_iter()
            .map(|c| (c.text, c.offset))
            .collect()
    }

    #[test]
    fn splits_on_marker_lines_only() {
        let s = "a: 1\n---\nb: 2\n--- # c\nc: 3\n---x: 4\n";
        assert_eq!(
            texts(s),
            vec![
                ("a: 1\n", 0),
                ("---\nb: 2\n", 5),
                ("--- # c\nc: 3\n---x: 4\n", 14)
            ]
        );
    }

    #[test]
    fn leading_marker_and_crlf() {
        assert_eq!(texts("---\r\na: 1\r\n"), vec![("---\r\na: 1\r\n", 0)]);
        assert_eq!(texts(""), vec![("", 0)]);
        assert_eq!(texts("---\n---\n"), vec![("---\n", 0), ("---\n", 4)]);
    }

    #[test]
    fn indented_dashes_do_not_split() {
        assert_eq!(texts("a: |\n  ---\n  x\n"), vec![("a: |\n  ---\n  x\n", 0)]);
    }
}
