//! JSON values with the place each was written (file, line, column), read with the core's
//! spanned reader, plus the value ARM evaluation needs beyond JSON: a value Azure only knows
//! at deployment ([`V::Unknown`]).

use vnetlab_core::diag::Span;
use vnetlab_core::syntax::{Node, NodeKind};

/// Where a value was written: the input file's index and the position in it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct At {
    /// Index of the input file.
    pub file: usize,
    /// Line and column.
    pub span: Span,
}

/// A value with its place.
#[derive(Clone, Debug, PartialEq)]
pub struct J {
    /// The value.
    pub v: V,
    /// Where it was written (for an evaluated value: the expression it came from).
    pub at: At,
}

/// A JSON value, or one only known at deployment.
#[derive(Clone, Debug, PartialEq)]
pub enum V {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A number that is not an integer (kept as written).
    Float(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<J>),
    /// An object, keys in document order (ARM compares keys case-insensitively).
    Obj(Vec<(String, J)>),
    /// A value Azure decides at deployment; the text says which and why.
    Unknown(String),
}

impl J {
    /// A value at `at`.
    pub fn new(v: V, at: At) -> Self {
        J { v, at }
    }

    /// Converts a node of the core's reader.
    pub fn from_node(node: &Node, file: usize) -> J {
        let at = At {
            file,
            span: node.span,
        };
        let v = match &node.kind {
            NodeKind::Null => V::Null,
            NodeKind::Scalar { text, quoted: true } => V::Str(text.to_string()),
            NodeKind::Scalar {
                text,
                quoted: false,
            } => match text.as_ref() {
                "true" => V::Bool(true),
                "false" => V::Bool(false),
                "null" | "~" | "" => V::Null,
                t => match t.parse::<i64>() {
                    Ok(i) => V::Int(i),
                    Err(_) => match t.parse::<f64>() {
                        Ok(f) if t.contains(['.', 'e', 'E']) => V::Float(f),
                        _ => V::Str(t.to_string()),
                    },
                },
            },
            NodeKind::Seq(items) => V::Arr(items.iter().map(|n| J::from_node(n, file)).collect()),
            NodeKind::Map(pairs) => V::Obj(
                pairs
                    .iter()
                    .map(|(k, v)| {
                        let key = match &k.kind {
                            NodeKind::Scalar { text, .. } => text.to_string(),
                            _ => String::new(),
                        };
                        (key, J::from_node(v, file))
                    })
                    .collect(),
            ),
        };
        J { v, at }
    }

    /// The member `key` of an object (case-insensitive, as ARM reads property names).
    pub fn get(&self, key: &str) -> Option<&J> {
        match &self.v {
            V::Obj(m) => m
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follows a path of member names.
    pub fn path(&self, keys: &[&str]) -> Option<&J> {
        keys.iter().try_fold(self, |j, k| j.get(k))
    }

    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match &self.v {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The items of an array (empty for anything else).
    pub fn items(&self) -> &[J] {
        match &self.v {
            V::Arr(a) => a,
            _ => &[],
        }
    }

    /// The members of an object (empty for anything else).
    pub fn members(&self) -> &[(String, J)] {
        match &self.v {
            V::Obj(m) => m,
            _ => &[],
        }
    }

    /// A boolean value (also `"true"`/`"false"` strings, which some outputs use).
    pub fn as_bool(&self) -> Option<bool> {
        match &self.v {
            V::Bool(b) => Some(*b),
            V::Str(s) if s.eq_ignore_ascii_case("true") => Some(true),
            V::Str(s) if s.eq_ignore_ascii_case("false") => Some(false),
            _ => None,
        }
    }

    /// An integer value (also a string of digits).
    pub fn as_int(&self) -> Option<i64> {
        match &self.v {
            V::Int(i) => Some(*i),
            V::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// Whether the value is unknown until deployment.
    pub fn is_unknown(&self) -> bool {
        matches!(self.v, V::Unknown(_))
    }

    /// The value as compact JSON (unknown values as `"<unknown>"`).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.v {
            V::Null => Value::Null,
            V::Bool(b) => Value::Bool(*b),
            V::Int(i) => Value::from(*i),
            V::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            V::Str(s) => Value::String(s.clone()),
            V::Arr(a) => Value::Array(a.iter().map(J::to_json).collect()),
            V::Obj(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
            V::Unknown(_) => Value::String("<unknown>".into()),
        }
    }
}
