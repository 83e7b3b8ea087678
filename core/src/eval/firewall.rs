//! Firewalls and NVAs (F1–F4): Azure Firewall rule collection groups (DNAT, then network, then
//! application rules; terminating; default deny), FortiGate ordered policies with identity
//! groups and the implicit deny, and plain NVAs that forward everything.

use crate::format::{CollectionKind, FirewallKind, FortiAction, FwAction};
use crate::model::{Design, ElementRef, Firewall, FirewallId, FirewallRule};
use crate::net::{Flow, Protocol};
use std::net::Ipv4Addr;

/// What the packet carries that a firewall may match beyond the five-tuple.
#[derive(Clone, Debug, Default)]
pub struct Context<'a> {
    /// The destination name (HTTP Host / TLS SNI), when the source used a name.
    pub fqdn: Option<&'a str>,
    /// Identity groups the source user is authenticated in.
    pub groups: &'a [String],
    /// Match name- and identity-dependent rules as if the packet carried any name or identity
    /// (to prove that no packet gets through).
    pub any: bool,
}

/// A firewall's decision.
#[derive(Clone, Debug)]
pub struct FirewallDecision {
    /// Allowed or not.
    pub allowed: bool,
    /// The rule or policy that decided (`GROUP/COLLECTION/RULE`, a policy name, or the default).
    pub rule: String,
    /// Why.
    pub reason: String,
    /// The source is translated to the firewall's private address.
    pub snat: bool,
    /// The destination is translated (DNAT).
    pub dnat: Option<(Ipv4Addr, u16)>,
    /// The rule or policy that decided, as an element: an Azure Firewall rule, a FortiGate
    /// policy, or the firewall's `default_deny` (Azure Firewall), `implicit_deny` (FortiGate's
    /// policy 0) or `ip_forwarding` (an NVA).
    pub decided_by: ElementRef,
}

pub(crate) use crate::net::private_ranges;

/// Evaluates a firewall for a flow.
pub fn evaluate(d: &Design, id: FirewallId, flow: &Flow, cx: &Context) -> FirewallDecision {
    let fw = &d.firewalls[id.ix()];
    match fw.kind {
        FirewallKind::AzureFirewall => azure_firewall(d, fw, flow, cx),
        FirewallKind::Fortigate => fortigate(fw, flow, cx),
        FirewallKind::Nva => FirewallDecision {
            allowed: true,
            rule: "ip forwarding".into(),
            reason: format!(
                "{} is a network virtual appliance with no modelled rules: it forwards the packet{}{}",
                fw.name,
                if fw.snat {
                    ", translating the source to its own address (snat, P17)"
                } else {
                    ""
                },
                if fw.stateful {
                    " and keeps connection state"
                } else {
                    " (stateless)"
                }
            ),
            snat: fw.snat,
            dnat: None,
            decided_by: ElementRef::Firewall(fw.name.clone()).setting("ip_forwarding"),
        },
    }
}

fn network_rule_matches(r: &FirewallRule, flow: &Flow, cx: &Context) -> bool {
    let proto_ok = match r.protocol {
        Some(p) => p == flow.protocol,
        // F1: "Any" with explicit destination ports is TCP+UDP.
        None => r.destination_ports.is_any() || flow.protocol.has_ports(),
    };
    let ports_ok = !flow.protocol.has_ports() || r.destination_ports.contains(flow.dst_port);
    let dst_ok = r.destination.contains(flow.dst)
        || (!r.destination_fqdns.is_empty() && cx.any)
        || cx
            .fqdn
            .is_some_and(|n| r.destination_fqdns.iter().any(|f| f == n));
    proto_ok && ports_ok && r.source.contains(flow.src) && dst_ok
}

/// Whether an application-rule FQDN pattern matches a name (`*.example.com`, or exact).
pub fn fqdn_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_prefix("*.") {
        Some(rest) => {
            name.len() > rest.len()
                && name.ends_with(rest)
                && name.as_bytes()[name.len() - rest.len() - 1] == b'.'
        }
        None => pattern == "*" || pattern == name,
    }
}

/// Where a DNAT rule sends traffic: its translated address, or its translated FQDN resolved by
/// the firewall's DNS — Azure DNS in the firewall's VNet, whose linked private zones apply
/// (S21). `Err` says why the name gives no address.
pub fn dnat_target(
    d: &Design,
    fw: &Firewall,
    r: &FirewallRule,
) -> Option<Result<Ipv4Addr, String>> {
    let (addr, _) = r.translated?;
    let Some(name) = &r.translated_fqdn else {
        return Some(Ok(addr));
    };
    let vnet = d.subnets[fw.subnet.ix()].vnet;
    let answer = crate::eval::dns::resolve(d, name, crate::eval::dns::Resolver::AzureDns { vnet });
    Some(
        answer
            .address
            .map_err(|why| format!("{why} ({})", answer.steps.join("; "))),
    )
}

/// Whether an application rule names the destination: one of its FQDNs, or one its FQDN tags
/// stand for (S20).
fn app_rule_names(r: &FirewallRule, name: &str) -> bool {
    r.fqdns.iter().any(|p| fqdn_matches(p, name)) || r.fqdn_tags.iter().any(|t| t.matches(name))
}

fn azure_firewall(d: &Design, fw: &Firewall, flow: &Flow, cx: &Context) -> FirewallDecision {
    let inbound_dnat = fw.public_ip == Some(flow.dst);
    for c in &fw.collections {
        for r in &c.rules {
            let matched = match c.kind {
                CollectionKind::Dnat => inbound_dnat && network_rule_matches(r, flow, cx),
                CollectionKind::Network => !inbound_dnat && network_rule_matches(r, flow, cx),
                CollectionKind::Application => {
                    !inbound_dnat
                        && flow.protocol == Protocol::Tcp
                        && r.source.contains(flow.src)
                        && r.app_protocols
                            .iter()
                            .any(|(_, port)| *port == flow.dst_port)
                        && (cx.any || cx.fqdn.is_some_and(|name| app_rule_names(r, name)))
                }
            };
            if !matched {
                continue;
            }
            let rule = format!("{}/{}", c.name, r.name);
            let decided_by = ElementRef::FirewallRule {
                firewall: fw.name.clone(),
                collection: c.name.clone(),
                rule: r.name.clone(),
            };
            return match (c.kind, c.action) {
                (CollectionKind::Dnat, _) => {
                    let port = r
                        .translated
                        .map(|(_, p)| if p == 0 { flow.dst_port } else { p })
                        .unwrap_or(flow.dst_port);
                    let by_name = r
                        .translated_fqdn
                        .as_ref()
                        .map(|n| format!(" ({n}, resolved by the firewall's DNS, S21)"))
                        .unwrap_or_default();
                    match dnat_target(d, fw, r) {
                        Some(Err(why)) => FirewallDecision {
                            allowed: false,
                            reason: format!(
                                "DNAT rule {rule} translates to {}, which the firewall's DNS does not resolve: {why}; the packet is dropped (S21)",
                                r.translated_fqdn.as_deref().unwrap_or_default()
                            ),
                            rule,
                            snat: false,
                            dnat: None,
                            decided_by,
                        },
                        target => {
                            let addr = target.and_then(Result::ok);
                            FirewallDecision {
                                allowed: true,
                                reason: format!(
                                    "DNAT rule {rule} translates {}:{} to {}:{port}{by_name} and allows it, with no further rule processing (P6)",
                                    flow.dst,
                                    flow.dst_port,
                                    addr.unwrap_or(flow.dst),
                                ),
                                rule,
                                snat: true,
                                dnat: addr.map(|a| (a, port)),
                                decided_by,
                            }
                        }
                    }
                }
                (kind, FwAction::Allow) => {
                    let snat =
                        kind == CollectionKind::Application || !fw.snat_private.contains(flow.dst);
                    FirewallDecision {
                        allowed: true,
                        reason: format!(
                            "{} rule {rule} allows it{}",
                            if kind == CollectionKind::Network {
                                "network"
                            } else {
                                "application"
                            },
                            if snat {
                                "; the firewall SNATs to its own address (F3)"
                            } else {
                                "; no SNAT to a private destination (F3)"
                            }
                        ),
                        rule,
                        snat,
                        dnat: None,
                        decided_by,
                    }
                }
                (_, FwAction::Deny) => FirewallDecision {
                    allowed: false,
                    reason: format!("rule {rule} denies it (rules are terminating, F1)"),
                    rule,
                    snat: false,
                    dnat: None,
                    decided_by,
                },
            };
        }
    }
    let why = if inbound_dnat {
        "no DNAT rule matches traffic to the firewall's public address".to_string()
    } else if cx.fqdn.is_none()
        && fw
            .collections
            .iter()
            .any(|c| c.kind == CollectionKind::Application)
    {
        "no network rule matches, and application rules need a destination name (the flow was addressed by IP)".to_string()
    } else {
        "no rule matches".to_string()
    };
    FirewallDecision {
        allowed: false,
        rule: "default deny".into(),
        reason: format!("{why}; Azure Firewall denies by default (F1)"),
        snat: false,
        dnat: None,
        decided_by: ElementRef::Firewall(fw.name.clone()).setting("default_deny"),
    }
}

fn fortigate(fw: &Firewall, flow: &Flow, cx: &Context) -> FirewallDecision {
    let mut skipped_identity = Vec::new();
    for p in &fw.policies {
        let service_ok = p.services.iter().any(|(proto, ports)| {
            proto.is_none_or(|pr| pr == flow.protocol)
                && (!flow.protocol.has_ports() || ports.contains(flow.dst_port))
        });
        if !(p.source.contains(flow.src) && p.destination.contains(flow.dst) && service_ok) {
            continue;
        }
        if !p.groups.is_empty() && !cx.any && !p.groups.iter().any(|g| cx.groups.contains(g)) {
            // F4: identity that does not match drops down to the next policy.
            skipped_identity.push(p.name.clone());
            continue;
        }
        let allowed = p.action == FortiAction::Accept;
        let by_identity = if p.groups.is_empty() {
            String::new()
        } else {
            format!(" for members of {}", p.groups.join(", "))
        };
        let snat = allowed && p.nat;
        let nat = if snat {
            ", translating the source to the FortiGate's address (nat, P17)"
        } else {
            ""
        };
        return FirewallDecision {
            allowed,
            reason: format!(
                "policy {} {}s it{by_identity}{nat} (first match in list order, F4)",
                p.name, p.action
            ),
            rule: p.name.clone(),
            snat,
            dnat: None,
            decided_by: ElementRef::FirewallPolicy {
                firewall: fw.name.clone(),
                policy: p.name.clone(),
            },
        };
    }
    let note = if skipped_identity.is_empty() {
        String::new()
    } else {
        format!(
            " (identity policies {} need an authenticated group member)",
            skipped_identity.join(", ")
        )
    };
    FirewallDecision {
        allowed: false,
        rule: "implicit deny (policy 0)".into(),
        reason: format!("no policy matches{note}; FortiGate's implicit last policy denies (F4)"),
        snat: false,
        dnat: None,
        decided_by: ElementRef::Firewall(fw.name.clone()).setting("implicit_deny"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_fqdns_match_one_or_more_labels_below() {
        assert!(fqdn_matches("*.pythonhosted.org", "files.pythonhosted.org"));
        assert!(!fqdn_matches("*.pythonhosted.org", "pythonhosted.org"));
        assert!(!fqdn_matches("*.pythonhosted.org", "evilpythonhosted.org"));
        assert!(fqdn_matches("pypi.org", "pypi.org"));
    }
}
