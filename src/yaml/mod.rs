//! YAML with positions: split a file into documents, build a small span tree from
//! libyaml-safer events (go-yaml's scanner), resolve scalars the way Kubernetes does, and deserialize
//! the tree straight into typed models with errors that know where they happened.

mod de;
pub mod decode;
pub mod edit;
mod events;
pub mod json;
mod leaf;
mod resolve;
mod skip;
mod split;
mod tree;

pub use de::{from_node, from_object_node, DeError, PathSeg};
pub use resolve::{resolve_plain, Resolved};
pub use split::{split_documents, Chunk};
pub use tree::{
    keep_arena, parse_chunk, parse_chunk_skipping, take_arena, Arena, Doc, Entry, Limits, Node,
    ParseError, PathKey, Scalar, Span, Style, Value,
};
