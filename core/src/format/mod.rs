//! The topology file format: records as written, read from YAML or JSON with every problem
//! reported, printed back to YAML or JSON, and described by a JSON Schema.

mod enums;
mod locate;
mod patterns;
mod print;
mod rewrite;
mod types;
mod values;

pub use enums::*;
pub use print::{Comments, to_json, to_yaml, to_yaml_annotated};
pub use rewrite::{Rewritten, rewrite};
pub use types::*;
pub use values::{Cidr, Date, Ip, IpOrCidr, OneOrMany, Port, Pos, Spanned};

use crate::diag::{Diagnostics, Span};
use crate::syntax::{Decode, Decoder, parse, parse_json};

/// Reads a topology file's bytes into records. `None` when the text is not UTF-8, not
/// well-formed, or does not fit the format; every problem is in `diags`.
pub fn read(bytes: &[u8], diags: &mut Diagnostics) -> Option<TopologyFile> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let ok = &bytes[..e.valid_up_to()];
            let line = ok.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            let last_line = ok.rsplit(|&b| b == b'\n').next().unwrap_or(ok);
            let col = String::from_utf8_lossy(last_line).chars().count() as u32 + 1;
            diags
                .error(
                    Span { line, col },
                    "encoding",
                    "the file is not valid UTF-8",
                )
                .help("save the file as UTF-8");
            return None;
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        diags
            .error(Span { line: 1, col: 1 }, "empty", "the file is empty")
            .help("a topology starts with `version: 1` and `name: …`");
        return None;
    }
    // Strict JSON takes a fast path; the YAML reader reads everything else (and reports the
    // problems of malformed JSON).
    let root = match parse_json(text) {
        Some(root) => root,
        None => parse(text, diags)?,
    };
    let mut d = Decoder { diags };
    TopologyFile::decode(&root, &mut d)
}

/// The JSON Schema of the format, generated from the record types, with each unsigned
/// integer's largest value (the tool rejects what does not fit).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(TopologyFile);
    let mut value = schema.to_value();
    bound_integers(&mut value);
    serde_json::to_string_pretty(&value).expect("schema serializes") + "\n"
}

/// Adds `maximum` to every `uint8`/`uint16`/`uint32`/`uint64` integer schema without one.
fn bound_integers(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            let max = match map.get("format").and_then(|f| f.as_str()) {
                Some("uint8") => Some(u64::from(u8::MAX)),
                Some("uint16") => Some(u64::from(u16::MAX)),
                Some("uint32") => Some(u64::from(u32::MAX)),
                Some("uint64") => Some(u64::MAX),
                _ => None,
            };
            if let Some(max) = max {
                map.entry("maximum").or_insert(max.into());
            }
            map.values_mut().for_each(bound_integers);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(bound_integers),
        _ => {}
    }
}
