//! Benchmark floors below the lint (`--floor`, scripts/bench): the parts of the per-file work
//! that any linter of these files must do, to compare the full lint against.

use std::io::Read;

use libyaml_safer::{Encoding, EventData, Parser};

use crate::engine::lint::{Counts, FileReport};
use crate::yaml::decode::{decode, Decoded};
use crate::yaml::{parse_chunk, split_documents, Arena, Limits};

/// The event floor: decode, split into documents and pull every libyaml-safer event with its
/// positions, as the span tree does, but build no tree and no model. Counts the documents
/// (each document start event) so the figure is comparable with the other floors.
pub fn events_only(path: String, bytes: Vec<u8>) -> FileReport {
    let (text, mut counts) = start(bytes);
    let mut positions = 0usize;
    for chunk in split_documents(&text) {
        // As the span tree's event source does: a final line break keeps libyaml-safer off
        // its end-of-input panic.
        let end: &[u8] = if chunk.text.ends_with('\n') {
            b""
        } else {
            b"\n"
        };
        let mut parser = Parser::new();
        parser.set_encoding(Encoding::Utf8);
        parser.set_input(chunk.text.as_bytes().chain(end));
        loop {
            match parser.parse() {
                Ok(ev) => {
                    positions = positions
                        .wrapping_add(ev.start_mark.index as usize ^ ev.end_mark.index as usize);
                    match ev.data {
                        EventData::DocumentStart { .. } => counts.documents += 1,
                        EventData::StreamEnd => break,
                        data => {
                            std::hint::black_box(data);
                        }
                    }
                }
                Err(_) => {
                    counts.documents += 1;
                    break;
                }
            }
        }
    }
    std::hint::black_box(positions);
    FileReport::new(path, String::new(), Vec::new(), counts)
}

/// The parse floor: decode, split and build the span trees, and nothing else (no models, no
/// rules). Counts documents as the lint does.
pub fn parse_only(path: String, bytes: Vec<u8>) -> FileReport {
    let (text, mut counts) = start(bytes);
    let mut arena = Arena::new();
    for chunk in split_documents(&text) {
        arena.reset();
        match parse_chunk(&arena, chunk, Limits::default()) {
            Ok(docs) => counts.documents += docs.iter().filter(|d| !d.root.is_null()).count(),
            Err(_) => counts.documents += 1,
        }
    }
    FileReport::new(path, String::new(), Vec::new(), counts)
}

/// The file's text (empty when it is not text) and the counts of one file.
fn start(bytes: Vec<u8>) -> (String, Counts) {
    let text = match decode(bytes) {
        Decoded::Text(t) => t,
        Decoded::Invalid { .. } => String::new(),
    };
    let counts = Counts {
        files: 1,
        ..Counts::default()
    };
    (text, counts)
}
