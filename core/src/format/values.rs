//! Value types of the file format: positions, CIDRs, addresses, ports, one-or-many lists, and
//! the `record!`/`str_enum!` macros that give every format type its decoder, serializer and schema
//! from one declaration.

use crate::diag::Span;
use crate::net::{PortRange, parse_ipv4, parse_ipv4_net, without_leading_zeros};
use crate::syntax::{Decode, Decoder, Node, NodeKind};
use ipnet::Ipv4Net;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::net::Ipv4Addr;

/// A position in the file. It is not part of a value: two positions always compare equal, so a
/// design printed and loaded again equals the original.
#[derive(Clone, Copy, Debug, Default)]
pub struct Pos(pub Span);

impl PartialEq for Pos {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// A value with the position it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub pos: Pos,
}

impl<T> Spanned<T> {
    /// Wraps a value with no known position (for designs built in code).
    pub fn new(value: T) -> Self {
        Self {
            value,
            pos: Pos::default(),
        }
    }

    /// The position.
    pub fn span(&self) -> Span {
        self.pos.0
    }
}

impl<T: Decode> Decode for Spanned<T> {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        T::decode(node, d).map(|value| Spanned {
            value,
            pos: Pos(node.span),
        })
    }
}

impl<T: Serialize> Serialize for Spanned<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<T: JsonSchema> JsonSchema for Spanned<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        T::json_schema(g)
    }
    fn inline_schema() -> bool {
        T::inline_schema()
    }
}

/// An IPv4 prefix in CIDR notation whose host bits are zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr(pub Ipv4Net);

impl Decode for Cidr {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        let text = d.scalar(node, "a CIDR prefix such as 10.0.0.0/16")?;
        match parse_ipv4_net(text.trim()) {
            Ok(n) => Some(Cidr(n)),
            Err(Some(fixed)) => {
                d.diags
                    .error(node.span, "cidr", format!("`{text}` has host bits set"))
                    .help(format!("write the network address: `{fixed}`"));
                None
            }
            Err(None) => {
                d.diags
                    .error(
                        node.span,
                        "cidr",
                        format!("`{text}` is not an IPv4 CIDR prefix"),
                    )
                    .help(match without_leading_zeros(text.trim()) {
                        Some(fixed) => format!(
                            "leading zeros are ambiguous (octal to some tools); write `{fixed}`"
                        ),
                        None => "write it as a.b.c.d/len, e.g. 10.1.0.0/16".to_string(),
                    });
                None
            }
        }
    }
}

impl Serialize for Cidr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl JsonSchema for Cidr {
    fn schema_name() -> Cow<'static, str> {
        "Cidr".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "description": "IPv4 prefix, e.g. 10.1.0.0/16 (the network address: no host bits; no leading zeros)", "pattern": super::patterns::cidr()})
    }
}

/// An IPv4 address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ip(pub Ipv4Addr);

impl Decode for Ip {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        let text = d.scalar(node, "an IPv4 address such as 10.0.0.4")?;
        match parse_ipv4(text.trim()) {
            Some(ip) => Some(Ip(ip)),
            None => {
                let diag =
                    d.diags
                        .error(node.span, "ip", format!("`{text}` is not an IPv4 address"));
                if text.contains('/') {
                    diag.help("a single address is expected here, without a /length");
                } else if let Some(fixed) = without_leading_zeros(text.trim()) {
                    diag.help(format!(
                        "leading zeros are ambiguous (octal to some tools); write `{fixed}`"
                    ));
                }
                None
            }
        }
    }
}

impl Serialize for Ip {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl JsonSchema for Ip {
    fn schema_name() -> Cow<'static, str> {
        "Ip".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "description": "IPv4 address, e.g. 10.0.0.4 (no leading zeros)", "pattern": super::patterns::ipv4()})
    }
}

/// An IPv4 address or CIDR prefix, kept as written (a PaaS IP rule: Azure Storage takes a
/// single address bare, not as a /32).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpOrCidr {
    /// The prefix (a /32 for a bare address).
    pub net: Ipv4Net,
    /// Written as a bare address.
    pub bare: bool,
}

impl Decode for IpOrCidr {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        let text = d.scalar(
            node,
            "an IPv4 address or CIDR prefix such as 203.0.113.0/24",
        )?;
        if let Some(ip) = parse_ipv4(text.trim()) {
            return Some(IpOrCidr {
                net: Ipv4Net::from(ip),
                bare: true,
            });
        }
        match parse_ipv4_net(text.trim()) {
            Ok(net) => Some(IpOrCidr { net, bare: false }),
            Err(Some(fixed)) => {
                d.diags
                    .error(node.span, "cidr", format!("`{text}` has host bits set"))
                    .help(format!("write the network address: `{fixed}`"));
                None
            }
            Err(None) => {
                d.diags
                    .error(
                        node.span,
                        "cidr",
                        format!("`{text}` is not an IPv4 address or CIDR prefix"),
                    )
                    .help("write a.b.c.d or a.b.c.d/len, e.g. 203.0.113.7 or 203.0.113.0/24");
                None
            }
        }
    }
}

impl Serialize for IpOrCidr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.bare {
            s.collect_str(&self.net.addr())
        } else {
            s.collect_str(&self.net)
        }
    }
}

impl JsonSchema for IpOrCidr {
    fn schema_name() -> Cow<'static, str> {
        "IpOrCidr".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "description": "IPv4 address or prefix, e.g. 203.0.113.7 or 203.0.113.0/24", "pattern": "^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+(/[0-9]{1,2})?$"})
    }
}

/// A port or port range: `443`, `"8000-8100"` or `"*"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Port(pub PortRange);

impl Decode for Port {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        let text = d.scalar(node, "a port, a range such as 8000-8100, or *")?;
        match PortRange::parse(text) {
            Some(r) => Some(Port(r)),
            None => {
                d.diags
                    .error(
                        node.span,
                        "port",
                        format!("`{text}` is not a port or port range"),
                    )
                    .help("use a number from 0 to 65535, a range lo-hi with lo <= hi, or *");
                None
            }
        }
    }
}

impl Serialize for Port {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.lo == self.0.hi {
            s.serialize_u16(self.0.lo)
        } else {
            s.collect_str(&self.0)
        }
    }
}

impl JsonSchema for Port {
    fn schema_name() -> Cow<'static, str> {
        "Port".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"anyOf": [
            {"type": "integer", "minimum": 0, "maximum": 65535},
            {"type": "string", "pattern": super::patterns::port()}
        ]})
    }
}

/// A calendar date written `YYYY-MM-DD` (a waiver's expiry). Compared as (year, month, day).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of the month, 1–31 (checked against the month and leap years).
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`; `None` for anything else or a day the month does not have.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u16> {
            let part = &text[r];
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())
                .flatten()
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days).contains(&day).then_some(Date {
            year,
            month: month as u8,
            day: day as u8,
        })
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Decode for Date {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        let text = d.scalar(node, "a date such as 2026-12-31")?;
        match Date::parse(text.trim()) {
            Some(date) => Some(date),
            None => {
                d.diags
                    .error(node.span, "date", format!("`{text}` is not a date"))
                    .help("write it as YYYY-MM-DD, e.g. 2026-12-31");
                None
            }
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "string", "description": "a date, YYYY-MM-DD", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
    }
}

/// One value or a non-empty list of values; always read as a list (`[]` is an error: where
/// these appear an empty list would mean "any").
#[derive(Clone, Debug, PartialEq, Default)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T: Decode> Decode for OneOrMany<T> {
    fn decode(node: &Node, d: &mut Decoder) -> Option<Self> {
        match node.kind {
            NodeKind::Seq(_) if crate::syntax::reject_empty_list(node, d) => None,
            NodeKind::Seq(_) | NodeKind::Null => Vec::<T>::decode(node, d).map(OneOrMany),
            _ => T::decode(node, d).map(|v| OneOrMany(vec![v])),
        }
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => one.serialize(s),
            many => many.serialize(s),
        }
    }
}

impl<T: JsonSchema> JsonSchema for OneOrMany<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("OneOrMany_{}", T::schema_name()).into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        let one = g.subschema_for::<T>();
        json_schema!({"anyOf": [one.clone(), {"type": "array", "items": one, "minItems": 1}]})
    }
}

impl<T> OneOrMany<T> {
    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Declares a string enum of the file format with its decoder, serializer and schema.
macro_rules! str_enum {
    ($(#[$m:meta])* pub enum $name:ident { $( $(#[$vm:meta])* $v:ident = $s:literal ),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $( $(#[$vm])* #[doc = concat!("`", $s, "`")] $v ),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            /// The name used in files.
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$v => $s ),+ }
            }
            /// Parses the name used in files.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $( $s => Some($name::$v), )+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::syntax::Decode for $name {
            fn decode(node: &$crate::syntax::Node, d: &mut $crate::syntax::Decoder) -> Option<Self> {
                let names = [$($s),+];
                // The list of names is written only for a message: not for every value read.
                let $crate::syntax::NodeKind::Scalar { text, .. } = &node.kind else {
                    d.expected(node, &format!("one of {}", names.join(" | ")));
                    return None;
                };
                let text: &str = text;
                match Self::parse(text.trim()) {
                    Some(v) => Some(v),
                    None => {
                        let diag = d.diags.error(node.span, "value", format!("`{text}` is not one of {}", names.join(" | ")));
                        if let Some(s) = $crate::diag::did_you_mean(text, names) {
                            diag.help(format!("did you mean `{s}`?"));
                        }
                        None
                    }
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({"type": "string", "enum": [$($s),+]})
            }
        }
    };
}
pub(crate) use str_enum;

/// Declares a record of the file format (a YAML mapping) with its decoder, serializer and schema.
/// Field modes: `req` (required, `Option<T>` while decoding), `opt` (`Option<T>`), `def` (empty when
/// absent), `nonempty` (a list, empty when absent, an error when written `[]`).
macro_rules! record {
    ($(#[$m:meta])* pub struct $name:ident ($what:literal) {
        $( $(#[$fm:meta])* $f:ident : $t:ty => $mode:ident ),* $(,)?
    }) => {
        $(#[$m])*
        #[derive(Clone, Debug, PartialEq, serde::Serialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $( $(#[$fm])* pub $f: $t, )*
            /// Where the record starts in its file.
            #[serde(skip)]
            #[schemars(skip)]
            pub pos: $crate::format::Pos,
        }

        impl $crate::syntax::Decode for $name {
            fn decode(node: &$crate::syntax::Node, d: &mut $crate::syntax::Decoder) -> Option<Self> {
                let mut m = $crate::syntax::MapReader::new(node, $what, d)?;
                $( let $f = record!(@get m d $f $mode); )*
                let ok = m.finish(d);
                let value = Self { $( $f: record!(@take $f $mode), )* pos: $crate::format::Pos(node.span) };
                ok.then_some(value)
            }
        }
    };
    (@get $m:ident $d:ident $f:ident req) => { $m.req(stringify!($f), $d) };
    (@get $m:ident $d:ident $f:ident opt) => { $m.opt(stringify!($f), $d) };
    (@get $m:ident $d:ident $f:ident def) => { $m.def(stringify!($f), $d) };
    (@get $m:ident $d:ident $f:ident nonempty) => { $m.nonempty(stringify!($f), $d) };
    (@take $f:ident req) => { $f? };
    (@take $f:ident opt) => { $f };
    (@take $f:ident def) => { $f };
    (@take $f:ident nonempty) => { $f };
}
pub(crate) use record;
