//! Prints a topology back to JSON or YAML (block style, keys in a fixed order).

use super::TopologyFile;
use serde_json::Value;

/// The topology as pretty JSON.
pub fn to_json(t: &TopologyFile) -> String {
    serde_json::to_string_pretty(t).expect("topology serializes") + "\n"
}

/// The topology as YAML.
pub fn to_yaml(t: &TopologyFile) -> String {
    let v = serde_json::to_value(t).expect("topology serializes");
    let mut out = String::new();
    emit_block(&v, 0, &mut out);
    out
}

fn emit_block(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(map) => {
            for (k, val) in map {
                out.push_str(&pad);
                out.push_str(&scalar(&Value::String(k.clone())));
                out.push(':');
                emit_value(val, indent, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                out.push_str(&pad);
                out.push('-');
                match item {
                    Value::Object(m) if !m.is_empty() => {
                        let mut inner = String::new();
                        emit_block(item, indent + 2, &mut inner);
                        out.push(' ');
                        out.push_str(inner.trim_start());
                    }
                    _ => emit_value(item, indent, out),
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn emit_value(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            emit_block(v, indent + 2, out);
        }
        Value::Array(a) if !a.is_empty() && a.iter().all(|x| !x.is_object() && !x.is_array()) => {
            let items: Vec<String> = a.iter().map(scalar).collect();
            out.push_str(&format!(" [{}]\n", items.join(", ")));
        }
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            emit_block(v, indent + 2, out);
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

fn scalar(v: &Value) -> String {
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
