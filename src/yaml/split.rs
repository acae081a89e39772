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
    // Directives (`%YAML`, `%TAG`) belong to the document that the next marker opens; they
    // may only follow the start of the stream or a `...` line.
    let mut after_end = true;
    let mut directives: Option<usize> = None;
    while pos < bytes.len() {
        let end = memchr_newline(&bytes[pos..]).map_or(bytes.len(), |i| pos + i);
        let line = &bytes[pos..end];
        if is_marker(line, b"---") {
            let at = directives.unwrap_or(pos);
            if at > start {
                chunks.push(Chunk {
                    text: &text[start..at],
                    offset: start,
                });
                start = at;
            }
            after_end = false;
            directives = None;
        } else if is_marker(line, b"...") {
            after_end = true;
            directives = None;
        } else if line.first() == Some(&b'%') && after_end {
            directives.get_or_insert(pos);
        } else if !is_blank_or_comment(line) {
            after_end = false;
            directives = None;
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

/// A `---` or `...` line: the marker followed by a blank or the end of the line.
fn is_marker(line: &[u8], marker: &[u8]) -> bool {
    line.starts_with(marker) && (line.len() == 3 || matches!(line[3], b' ' | b'\t' | b'\r'))
}

fn is_blank_or_comment(line: &[u8]) -> bool {
    match line.iter().position(|b| !b.is_ascii_whitespace()) {
        None => true,
        Some(i) => line[i] == b'#',
    }
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
    fn directives_go_with_the_next_document() {
        let s = "%YAML 1.2\n---\na: 1\n...\n%TAG ! tag:x,2000:\n---\nb: 2\n";
        assert_eq!(
            texts(s),
            vec![
                ("%YAML 1.2\n---\na: 1\n...\n", 0),
                ("%TAG ! tag:x,2000:\n---\nb: 2\n", 23)
            ]
        );
        // Not after `...`: a plain scalar's line, not a directive.
        assert_eq!(texts("a\n%b\n---\n").len(), 2);
        assert_eq!(texts("a\n%b\n---\n")[1], ("---\n", 5));
    }

    #[test]
    fn indented_dashes_do_not_split() {
        assert_eq!(texts("a: |\n  ---\n  x\n"), vec![("a: |\n  ---\n  x\n", 0)]);
    }
}
