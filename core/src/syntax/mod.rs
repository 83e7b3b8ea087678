//! The syntax layer: YAML or JSON text into a tree of spanned nodes, and typed decoding of that
//! tree with every problem reported (not just the first).

mod decode;
mod hints;
mod json;
mod tree;

pub use decode::{Decode, Decoder, MapReader, reject_empty_list};
pub use json::parse_json;
pub use tree::{Node, NodeKind, parse};
