//! Benchmark floors below the lint (`--floor`, scripts/bench): the parts of the per-file work
//! that any linter of these files must do, to compare the full lint against.

use saphyr_parser::Parser;

use crate::engine::lint::{Counts, FileReport};
use crate::yaml::decode::{decode, Decoded};
use crate::yaml::split_documents;

/// The event floor: decode, split into documents and pull every saphyr-parser event with its
/// positions, as the span tree does, but build no tree and no model. Counts the documents
/// (each document start event) so the figure is comparable with the other floors.
pub fn events_only(path: String, bytes: Vec<u8>) -> FileReport {
    let mut counts = Counts {
        files: 1,
        ..Counts::default()
    };
    let text = match decode(bytes) {
        Decoded::Text(t) => t,
        Decoded::Invalid { .. } => String::new(),
    };
    let mut positions = 0usize;
    for chunk in split_documents(&text) {
        for ev in Parser::new_from_str(chunk.text) {
            match ev {
                Ok((saphyr_parser::Event::DocumentStart(_), _)) => counts.documents += 1,
                Ok((ev, span)) => {
                    positions = positions.wrapping_add(span.start.index() ^ span.end.index());
                    std::hint::black_box(ev);
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
