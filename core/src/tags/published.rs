//! Reads Microsoft's published service-tags JSON with every problem located: a prefix that is
//! not an IPv4 prefix (IPv6 ones are skipped, as vnetlab models IPv4), a tag named twice, and an
//! entry for a tag vnetlab defines itself (`Internet`, `AzureLoadBalancer`, …). A dropped prefix
//! would make a deny rule match less — a wrong "allowed" — so bad prefixes are errors.

use super::{ServiceTags, TagSource};
use crate::diag::{Diagnostic, Diagnostics, Span};
use crate::net::{AddrSet, parse_ipv4_net};
use crate::syntax::{Node, NodeKind, parse, parse_json};
use std::collections::BTreeMap;

/// The tags vnetlab defines itself, whatever a file says (see `add_fixed`).
pub(super) const FIXED: [&str; 5] = [
    "Internet",
    "AzureLoadBalancer",
    "AzurePlatformDNS",
    "AzurePlatformLKM",
    "AzurePlatformIMDS",
];

/// A service-tags file read: the tags when it has no errors, and every diagnostic.
#[derive(Debug)]
pub struct ReadTags {
    /// The tags (`None` when the file has errors).
    pub tags: Option<ServiceTags>,
    /// Errors and warnings, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
}

fn get<'n, 't>(node: &'n Node<'t>, key: &str) -> Option<&'n Node<'t>> {
    match &node.kind {
        NodeKind::Map(entries) => entries
            .iter()
            .find(|(k, _)| matches!(&k.kind, NodeKind::Scalar { text, .. } if text == key))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn text<'n>(node: &'n Node<'_>) -> Option<&'n str> {
    match &node.kind {
        NodeKind::Scalar { text, .. } => Some(text),
        _ => None,
    }
}

impl ServiceTags {
    /// Reads Microsoft's published service-tags JSON (`values[].name`,
    /// `values[].properties.addressPrefixes`, `changeNumber`, `cloud`); IPv6 prefixes are
    /// skipped, anything else that is not a strict IPv4 prefix is a located error.
    pub fn read_published(file_name: &str, text_in: &str) -> ReadTags {
        let mut diags = Diagnostics::new(file_name);
        let tags = read(text_in, &mut diags);
        let tags = tags.filter(|_| !diags.has_errors());
        ReadTags {
            tags,
            diagnostics: diags.finish(),
        }
    }
}

fn read(input: &str, diags: &mut Diagnostics) -> Option<ServiceTags> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let start = Span { line: 1, col: 1 };
    let root = match parse_json(input) {
        Some(root) => root,
        None => parse(input, diags)?,
    };
    let expected =
        "expected Microsoft's JSON with values[].name and values[].properties.addressPrefixes";
    let Some(values) = get(&root, "values") else {
        diags
            .error(
                root.span,
                "service-tags",
                "not a service-tags file: no `values` list",
            )
            .help(expected);
        return None;
    };
    let NodeKind::Seq(values) = &values.kind else {
        diags
            .error(values.span, "service-tags", "`values` is not a list")
            .help(expected);
        return None;
    };
    let change_number = get(&root, "changeNumber")
        .and_then(text)
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let cloud = get(&root, "cloud").and_then(text).unwrap_or("").to_string();
    let mut tags = ServiceTags {
        source: TagSource::Published {
            change_number,
            cloud,
        },
        tags: Default::default(),
    };
    // Lower-case name → where it was first given.
    let mut seen: BTreeMap<String, Span> = BTreeMap::new();
    for entry in values {
        let Some(name_node) = get(entry, "name") else {
            diags
                .error(
                    entry.span,
                    "service-tags",
                    "a service-tag entry without a `name`",
                )
                .help(expected);
            continue;
        };
        let Some(name) = text(name_node).filter(|n| !n.trim().is_empty()) else {
            diags.error(
                name_node.span,
                "service-tags",
                "a service tag's name must be text",
            );
            continue;
        };
        let prefixes = get(entry, "properties").and_then(|p| get(p, "addressPrefixes"));
        let Some(NodeKind::Seq(prefixes)) = prefixes.map(|p| &p.kind) else {
            diags
                .error(
                    entry.span,
                    "service-tags",
                    format!("service tag `{name}` has no `properties.addressPrefixes` list"),
                )
                .help(expected);
            continue;
        };
        let mut nets = Vec::new();
        for p in prefixes {
            let Some(t) = text(p) else {
                diags.error(p.span, "service-tags", "an address prefix must be text");
                continue;
            };
            if t.contains(':') {
                continue; // IPv6: vnetlab models IPv4.
            }
            match parse_ipv4_net(t.trim()) {
                Ok(n) => nets.push(n),
                Err(fixed) => {
                    let d = diags.error(
                        p.span,
                        "service-tags",
                        format!("`{t}` in service tag `{name}` is not an IPv4 prefix"),
                    );
                    match fixed {
                        Some(f) => d.help(format!("it has host bits set; the network is `{f}`")),
                        None => d.help("write it as a.b.c.d/len without leading zeros; skipping it would make rules with this tag match less"),
                    };
                }
            }
        }
        let key = name.to_ascii_lowercase();
        if let Some(first) = seen.get(&key) {
            diags
                .error(
                    name_node.span,
                    "service-tags",
                    format!(
                        "service tag `{name}` is given twice (first at line {}, column {})",
                        first.line, first.col
                    ),
                )
                .help("keep one entry per tag; which one was meant cannot be guessed");
            continue;
        }
        seen.insert(key, name_node.span);
        if let Some(fixed) = FIXED.iter().find(|f| f.eq_ignore_ascii_case(name)) {
            diags
                .warning(
                    name_node.span,
                    "service-tags",
                    format!("the file's `{name}` entry is ignored: vnetlab defines `{fixed}` itself"),
                )
                .help("Internet is every public address; AzureLoadBalancer and the platform tags are the Azure host's addresses (azure-semantics.md)");
            continue;
        }
        tags.insert(name, AddrSet::from_nets(nets));
    }
    if tags.tags.is_empty() && !diags.has_errors() {
        diags
            .error(start, "service-tags", "the service-tags file holds no tags")
            .help(expected);
        return None;
    }
    tags.add_fixed();
    Some(tags)
}
