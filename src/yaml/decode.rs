//! File bytes to text. YAML streams may be UTF-8 or, with a byte order mark, UTF-16
//! (go-yaml, which kubectl uses, reads both). Anything else is not a manifest.

/// Decoded text, or where decoding failed (a byte offset into the lossy text).
pub enum Decoded {
    Text(String),
    Invalid {
        lossy: String,
        at: usize,
        why: &'static str,
    },
}

pub fn decode(bytes: Vec<u8>) -> Decoded {
    let utf16 = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => Some(u16::from_le_bytes as fn([u8; 2]) -> u16),
        Some([0xFE, 0xFF]) => Some(u16::from_be_bytes as fn([u8; 2]) -> u16),
        _ => None,
    };
    if let Some(read) = utf16 {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| read([c[0], c.get(1).copied().unwrap_or(0)]))
            .collect();
        let mut text = String::with_capacity(units.len());
        for ch in char::decode_utf16(units) {
            match ch {
                Ok(c) => text.push(c),
                Err(_) => {
                    let at = text.len();
                    text.push(char::REPLACEMENT_CHARACTER);
                    return Decoded::Invalid {
                        lossy: text,
                        at,
                        why: "the file is not valid UTF-16 text",
                    };
                }
            }
        }
        if bytes.len() % 2 == 1 {
            let at = text.len();
            return Decoded::Invalid {
                lossy: text,
                at,
                why: "the UTF-16 file ends in the middle of a character",
            };
        }
        return Decoded::Text(text);
    }
    match String::from_utf8(bytes) {
        Ok(mut t) => {
            if t.starts_with('\u{feff}') {
                // Not content; editors do not count it as a column either.
                t.drain(..3);
            }
            Decoded::Text(t)
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let why = if e.as_bytes().contains(&0) {
                "the file is binary, not text"
            } else {
                "the file is not UTF-8 text"
            };
            Decoded::Invalid {
                lossy: String::from_utf8_lossy(e.as_bytes()).into_owned(),
                at,
                why,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> String {
        match decode(bytes.to_vec()) {
            Decoded::Text(t) => t,
            Decoded::Invalid { why, .. } => panic!("{why}"),
        }
    }

    #[test]
    fn boms_and_utf16() {
        assert_eq!(text(b"\xEF\xBB\xBFa: 1\n"), "a: 1\n");
        let le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("a: ü\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(text(&le), "a: ü\n");
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("b: 2\n".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(text(&be), "b: 2\n");
    }

    #[test]
    fn invalid_bytes_have_a_position() {
        let Decoded::Invalid { at, why, .. } = decode(b"a: \xe9 \xff\n".to_vec()) else {
            panic!("invalid")
        };
        assert_eq!((at, why), (3, "the file is not UTF-8 text"));
        let Decoded::Invalid { why, .. } = decode(b"\x00\x01\x02\xff".to_vec()) else {
            panic!("invalid")
        };
        assert_eq!(why, "the file is binary, not text");
    }
}
