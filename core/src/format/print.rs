//! Prints a topology back to JSON or YAML (block style, keys in a fixed order), optionally with
//! comment lines before chosen elements (an importer's note of where each element came from).

use super::TopologyFile;
use serde_json::Value;
use std::collections::BTreeMap;

/// Comment lines to print before elements, by the element's path of keys from the root (a list
/// item's key is its index): `["vnets", "hub", "subnets", "default"]`, `["peerings", "0"]`.
pub type Comments = BTreeMap<Vec<String>, Vec<String>>;

/// The topology as pretty JSON.
pub fn to_json(t: &TopologyFile) -> String {
    serde_json::to_string_pretty(t).expect("topology serializes") + "\n"
}

/// The topology as YAML.
pub fn to_yaml(t: &TopologyFile) -> String {
    let v = serde_json::to_value(t).expect("topology serializes");
    let mut out = String::new();
    emit_block(&v, 0, &mut out, &mut Path::default());
    out
}

/// The topology as YAML with `# ` comment lines before the elements `comments` names. The
/// comments do not change what the file says: it reads back into the same records.
pub fn to_yaml_annotated(t: &TopologyFile, comments: &Comments) -> String {
    let v = serde_json::to_value(t).expect("topology serializes");
    let mut out = String::new();
    let mut path = Path {
        keys: Vec::new(),
        comments: Some(comments),
    };
    emit_block(&v, 0, &mut out, &mut path);
    out
}

/// Where the printer is, and the comments to place.
#[derive(Default)]
struct Path<'c> {
    keys: Vec<String>,
    comments: Option<&'c Comments>,
}

impl Path<'_> {
    fn comment(&self, pad: &str, out: &mut String) {
        if let Some(lines) = self.comments.and_then(|c| c.get(&self.keys)) {
            for line in lines {
                for part in line.lines() {
                    out.push_str(pad);
                    out.push_str("# ");
                    out.push_str(part);
                    out.push('\n');
                }
            }
        }
    }
}

/// `v` (a mapping's entries or a list's items) in block style at `indent`, as the printer
/// writes it: the new entries and items of an edit written into a file ([`super::rewrite`]).
pub(super) fn block(v: &Value, indent: usize) -> String {
    let mut out = String::new();
    emit_block(v, indent, &mut out, &mut Path::default());
    out
}

fn emit_block(v: &Value, indent: usize, out: &mut String, path: &mut Path) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(map) => {
            for (k, val) in map {
                path.keys.push(k.clone());
                path.comment(&pad, out);
                out.push_str(&pad);
                out.push_str(&scalar(&Value::String(k.clone())));
                out.push(':');
                emit_value(val, indent, out, path);
                path.keys.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.keys.push(i.to_string());
                path.comment(&pad, out);
                out.push_str(&pad);
                out.push('-');
                match item {
                    Value::Object(m) if !m.is_empty() => {
                        let mut inner = String::new();
                        emit_block(item, indent + 2, &mut inner, path);
                        out.push(' ');
                        out.push_str(inner.trim_start());
                    }
                    _ => emit_value(item, indent, out, path),
                }
                path.keys.pop();
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn emit_value(v: &Value, indent: usize, out: &mut String, path: &mut Path) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            emit_block(v, indent + 2, out, path);
        }
        Value::Array(a) if !a.is_empty() && a.iter().all(|x| !x.is_object() && !x.is_array()) => {
            let items: Vec<String> = a.iter().map(scalar).collect();
            out.push_str(&format!(" [{}]\n", items.join(", ")));
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            emit_block(v, indent + 2, out, path);
        }
        Value::Object(_) => out.push_str(" {}\n"),
        Value::Array(_) => out.push_str(" []\n"),
        other => {
            out.push(' ');
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

/// A scalar as the printer writes it: plain when that reads back as the same string, else
/// double-quoted.
pub(super) fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => {
            let plain = !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._/-".contains(c))
                && !s.starts_with(['-', '.'])
                && !matches!(
                    s.to_ascii_lowercase().as_str(),
                    "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~"
                )
                && s.parse::<f64>().is_err();
            if plain {
                s.clone()
            } else {
                serde_json::to_string(s).expect("string serializes")
            }
        }
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}
