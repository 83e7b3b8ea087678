//! New text for an edit: scalars in the style of the one they replace, values inline (flow
//! style, or JSON in a JSON file), and block entries and items through the printer.

use super::layout::Style;
use crate::format::print;
use serde_json::Value;

/// How the file is written: YAML, or JSON (every new text must then be JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Syntax {
    /// YAML: plain scalars where they read back the same, flow collections `{ k: v }`.
    Yaml,
    /// JSON: double-quoted strings and keys.
    Json,
}

/// `v` on one line: a scalar, `[a, b]`, `{ k: v }` (or `{"k": v}` in JSON).
pub(super) fn inline(v: &Value, syntax: Syntax) -> String {
    match v {
        Value::String(s) => string(s, Style::Plain, syntax),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(|x| inline(x, syntax)).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(m) if m.is_empty() => "{}".into(),
        Value::Object(m) => {
            let entries: Vec<String> = m
                .iter()
                .map(|(k, x)| format!("{}: {}", key(k, Style::Plain, syntax), inline(x, syntax)))
                .collect();
            match syntax {
                Syntax::Yaml => format!("{{ {} }}", entries.join(", ")),
                Syntax::Json => format!("{{{}}}", entries.join(", ")),
            }
        }
        other => print::scalar(other),
    }
}

/// A scalar value replacing one written in `style`: strings keep the quotes they had where
/// they can, other values are written bare.
pub(super) fn scalar(v: &Value, style: Style, syntax: Syntax) -> String {
    match v {
        Value::String(s) => string(s, style, syntax),
        other => inline(other, syntax),
    }
}

/// A mapping key (a string) in `style`.
pub(super) fn key(k: &str, style: Style, syntax: Syntax) -> String {
    string(k, style, syntax)
}

fn string(s: &str, style: Style, syntax: Syntax) -> String {
    let double = || serde_json::to_string(s).expect("a string serializes");
    match (syntax, style) {
        (Syntax::Json, _) | (_, Style::Double | Style::Block) => double(),
        (Syntax::Yaml, Style::Single) if !s.chars().any(char::is_control) => {
            format!("'{}'", s.replace('\'', "''"))
        }
        (Syntax::Yaml, Style::Single) => double(),
        (Syntax::Yaml, Style::Plain) => print::scalar(&Value::String(s.to_string())),
    }
}

/// `key: v` as block lines at `indent`, ending with a newline.
pub(super) fn block_entry(k: &str, v: &Value, indent: usize) -> String {
    let mut m = serde_json::Map::new();
    m.insert(k.to_string(), v.clone());
    print::block(&Value::Object(m), indent)
}

/// `- v` as block lines with the dash at `indent`, ending with a newline.
pub(super) fn block_item(v: &Value, indent: usize) -> String {
    print::block(&Value::Array(vec![v.clone()]), indent)
}

/// The entries of a mapping in the order its siblings write their keys (`order`, the keys of a
/// neighbouring item as written), the keys they do not have after them in the printer's order.
fn ordered<'v>(
    m: &'v serde_json::Map<String, Value>,
    order: &[&str],
) -> Vec<(&'v String, &'v Value)> {
    let mut entries: Vec<(&String, &Value)> = m.iter().collect();
    entries.sort_by_key(|(k, _)| order.iter().position(|o| o == k).unwrap_or(order.len()));
    entries
}

/// [`block_item`] with a mapping's keys in the order `order` gives (a sibling's).
pub(super) fn block_item_like(v: &Value, indent: usize, order: &[&str]) -> String {
    let Value::Object(m) = v else {
        return block_item(v, indent);
    };
    if m.is_empty() || order.is_empty() {
        return block_item(v, indent);
    }
    let mut out = String::new();
    for (k, x) in ordered(m, order) {
        out.push_str(&block_entry(k, x, indent + 2));
    }
    // The first entry's line takes the dash.
    format!("{}- {}", " ".repeat(indent), &out[indent + 2..])
}

/// [`inline`] with a mapping's keys in the order `order` gives (a sibling's).
pub(super) fn inline_like(v: &Value, syntax: Syntax, order: &[&str]) -> String {
    let Value::Object(m) = v else {
        return inline(v, syntax);
    };
    if m.is_empty() || order.is_empty() {
        return inline(v, syntax);
    }
    let entries: Vec<String> = ordered(m, order)
        .into_iter()
        .map(|(k, x)| format!("{}: {}", key(k, Style::Plain, syntax), inline(x, syntax)))
        .collect();
    match syntax {
        Syntax::Yaml => format!("{{ {} }}", entries.join(", ")),
        Syntax::Json => format!("{{{}}}", entries.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_keep_their_quotes_where_they_can() {
        let deny = json!("deny");
        assert_eq!(scalar(&deny, Style::Plain, Syntax::Yaml), "deny");
        assert_eq!(scalar(&deny, Style::Single, Syntax::Yaml), "'deny'");
        assert_eq!(scalar(&deny, Style::Double, Syntax::Yaml), "\"deny\"");
        assert_eq!(scalar(&deny, Style::Plain, Syntax::Json), "\"deny\"");
        assert_eq!(scalar(&json!("*"), Style::Plain, Syntax::Yaml), "\"*\"");
        assert_eq!(
            scalar(&json!("it's"), Style::Single, Syntax::Yaml),
            "'it''s'"
        );
        assert_eq!(scalar(&json!(443), Style::Double, Syntax::Yaml), "443");
    }

    #[test]
    fn a_new_item_writes_its_keys_in_its_siblings_order() {
        let v = json!({"access": "allow", "name": "a", "ports": [443], "zz": {"b": 1}});
        let order = ["name", "ports", "access"];
        assert_eq!(
            block_item_like(&v, 4, &order),
            "    - name: a\n      ports: [443]\n      access: allow\n      zz:\n        b: 1\n"
        );
        assert_eq!(
            inline_like(&v, Syntax::Yaml, &order),
            "{ name: a, ports: [443], access: allow, zz: { b: 1 } }"
        );
        // Without a sibling to follow: the printer's order.
        assert_eq!(block_item_like(&v, 4, &[]), block_item(&v, 4));
    }

    #[test]
    fn values_inline_and_in_block() {
        let v = json!({"name": "a", "ports": [443, "8000-8080"]});
        assert_eq!(
            inline(&v, Syntax::Yaml),
            "{ name: a, ports: [443, 8000-8080] }"
        );
        assert_eq!(
            inline(&v, Syntax::Json),
            "{\"name\": \"a\", \"ports\": [443, \"8000-8080\"]}"
        );
        assert_eq!(
            block_item(&v, 4),
            "    - name: a\n      ports: [443, 8000-8080]\n"
        );
        assert_eq!(block_entry("x", &json!(true), 2), "  x: true\n");
    }
}
