//! Lowering NSGs (rule sides, address entries, the default rules) and firewalls (Azure Firewall
//! rule collections, FortiGate policies).

use super::*;
use crate::diag::did_you_mean;
use crate::format::{self, OneOrMany, Spanned};
use crate::net::{PortRange, parse_ipv4, parse_ipv4_net};
use std::collections::BTreeMap;

impl Builder<'_, '_> {
    pub(super) fn nsgs(&mut self, f: &TopologyFile) -> Vec<Nsg> {
        f.nsgs.iter().map(|(name, n)| self.nsg(name, n)).collect()
    }

    pub(super) fn nsg(&mut self, name: &str, n: &format::NsgDef) -> Nsg {
        {
            let mut inbound = Vec::new();
            let mut outbound = Vec::new();
            let mut names: BTreeMap<String, ()> = BTreeMap::new();
            let mut prios: BTreeMap<(Direction, u32), (&str, crate::diag::Span)> = BTreeMap::new();
            for r in &n.rules {
                if names
                    .insert(r.name.value.to_ascii_lowercase(), ())
                    .is_some()
                {
                    self.d.error(
                        r.name.span(),
                        "duplicate-name",
                        format!("rule `{}` appears twice in NSG `{name}`", r.name.value),
                    );
                }
                let p = r.priority.value;
                if !(100..=4096).contains(&p) {
                    self.d
                        .error(r.priority.span(), "priority", format!("priority {p} is outside 100..4096"))
                        .help("custom NSG rules take priorities from 100 to 4096; lower numbers are evaluated first");
                } else if let Some((other, first)) =
                    prios.insert((r.direction, p), (&r.name.value, r.priority.span()))
                {
                    self.d
                        .error(
                            r.priority.span(),
                            "priority",
                            format!(
                                "priority {p} is already used by {} rule `{other}` in NSG `{name}`",
                                r.direction
                            ),
                        )
                        .help("priorities must be unique per direction")
                        .related(first, format!("priority {p} first used here by `{other}`"));
                }
                let source = self.rule_side(r.source.as_ref());
                let destination = self.rule_side(r.destination.as_ref());
                let rule = NsgRule {
                    name: r.name.value.clone(),
                    priority: p,
                    direction: r.direction,
                    access: r.access,
                    protocol: protocol(r.protocol),
                    source,
                    source_ports: ports(r.source_ports.as_ref()),
                    destination,
                    destination_ports: ports(r.destination_ports.as_ref()),
                    is_default: false,
                    span: r.pos.0,
                };
                match r.direction {
                    Direction::Inbound => inbound.push(rule),
                    Direction::Outbound => outbound.push(rule),
                }
            }
            inbound.sort_by_key(|r| r.priority);
            outbound.sort_by_key(|r| r.priority);
            inbound.extend(default_rules(Direction::Inbound));
            outbound.extend(default_rules(Direction::Outbound));
            Nsg {
                name: name.to_string(),
                inbound,
                outbound,
            }
        }
    }

    pub(super) fn rule_side(
        &mut self,
        side: Option<&OneOrMany<Spanned<String>>>,
    ) -> Vec<AddrEntry> {
        let Some(side) = side else {
            return vec![AddrEntry::Any];
        };
        let entries: Vec<AddrEntry> = side.0.iter().filter_map(|e| self.addr_entry(e)).collect();
        if side.0.len() > 1 {
            let asgs = entries
                .iter()
                .filter(|e| matches!(e, AddrEntry::Asg(_)))
                .count();
            let prefixes = entries
                .iter()
                .filter(|e| matches!(e, AddrEntry::Prefix(_)))
                .count();
            // P18: Azure refuses these rule sides when the rule is saved (A1, A5), but what
            // they match is defined (every entry), so they warn and the design is analysed.
            if asgs != entries.len() && prefixes != entries.len() && entries.len() == side.0.len() {
                self.d
                    .warning(side.0[0].span(), "augmented-rule", "a rule side with several entries may hold only addresses/CIDRs, or only ASGs; Azure refuses this rule, vnetlab reads it as matching every entry")
                    .help("Azure does not accept several service tags, or tags mixed with addresses, in one rule side: split it into several rules");
            }
            if asgs > 10 {
                self.d.warning(
                    side.0[0].span(),
                    "asg-limit",
                    format!("{asgs} ASGs in one rule side; Azure allows at most 10 (P4) and refuses this rule"),
                );
            }
            if side.0.len() > 4000 {
                self.d.warning(
                    side.0[0].span(),
                    "address-limit",
                    "more than 4,000 addresses in one rule side; Azure refuses this rule",
                );
            }
        }
        if entries.is_empty() && side.0.is_empty() {
            vec![AddrEntry::Any]
        } else {
            entries
        }
    }

    pub(super) fn addr_entry(&mut self, e: &Spanned<String>) -> Option<AddrEntry> {
        let t = e.value.trim();
        if t == "*" || t.eq_ignore_ascii_case("any") || t == "0.0.0.0/0" {
            return Some(AddrEntry::Any);
        }
        if let Some(name) = t.strip_prefix("asg:") {
            // The name table is borrowed, not copied: this runs for every rule's entry.
            return super::resolve_in(
                self.d,
                &Spanned {
                    value: name.to_string(),
                    pos: e.pos,
                },
                &self.names.asgs,
                "application security group",
            )
            .map(AddrEntry::Asg);
        }
        if t.eq_ignore_ascii_case("VirtualNetwork") {
            return Some(AddrEntry::VirtualNetwork);
        }
        if let Some(ip) = parse_ipv4(t) {
            return Some(AddrEntry::Prefix(Ipv4Net::from(ip)));
        }
        match parse_ipv4_net(t) {
            Ok(n) => return Some(AddrEntry::Prefix(n)),
            Err(Some(fixed)) => {
                self.d
                    .error(e.span(), "cidr", format!("`{t}` has host bits set"))
                    .help(format!("write the network address: `{fixed}`"));
                return None;
            }
            Err(None) => {}
        }
        if let Some(c) = self.tags.canonical(t) {
            return Some(AddrEntry::Tag(c.to_string()));
        }
        let diag = self.d.error(
            e.span(),
            "address",
            format!("`{t}` is not an address, CIDR, service tag or `asg:NAME`"),
        );
        let mut candidates: Vec<&str> = self.tags.names().collect();
        candidates.push("VirtualNetwork");
        match did_you_mean(t, candidates) {
            Some(s) => diag.help(format!("did you mean `{s}`?")),
            None => diag.help(
                "use `*`, an IPv4 address or CIDR, a service tag such as `Internet`, or `asg:NAME`",
            ),
        };
        None
    }

    /// An address set for firewall rules and FortiGate policies: `*`/`all`, IPs, CIDRs, service
    /// tags (destination only for Azure Firewall), site names, subnets, VNets, clients.
    pub(super) fn fw_addrs(
        &mut self,
        entries: &[Spanned<String>],
        f: &TopologyFile,
        allow_tags: bool,
    ) -> AddrSet {
        if entries.is_empty() {
            return AddrSet::all();
        }
        let mut set = AddrSet::empty();
        for e in entries {
            let t = e.value.trim();
            if t == "*" || t.eq_ignore_ascii_case("all") || t.eq_ignore_ascii_case("any") {
                return AddrSet::all();
            }
            if let Some(ip) = parse_ipv4(t) {
                set = set.union(&AddrSet::from_addr(ip));
                continue;
            }
            if let Some(range) = self.ip_range(e) {
                set = set.union(&range);
                continue;
            }
            match parse_ipv4_net(t) {
                Ok(n) => {
                    set = set.union(&AddrSet::from_net(n));
                    continue;
                }
                Err(Some(fixed)) => {
                    self.d
                        .error(e.span(), "cidr", format!("`{t}` has host bits set"))
                        .help(format!("write `{fixed}`"));
                    continue;
                }
                Err(None) => {}
            }
            if let Some((vn, sn)) = t.split_once('/')
                && let Some(s) = f.vnets.get(vn).and_then(|v| v.subnets.get(sn))
            {
                set = set.union(&AddrSet::from_nets(s.all_prefixes()));
                continue;
            }
            if let Some(v) = f.vnets.get(t) {
                set = set.union(&AddrSet::from_nets(
                    v.address_space.iter().map(|c| c.value.0),
                ));
                continue;
            }
            let site = f.gateways.iter().find_map(|(gn, g)| {
                g.sites
                    .iter()
                    .find(|(sn, _)| *sn == t || format!("{gn}/{sn}") == t)
                    .map(|(_, s)| s)
            });
            if let Some(s) = site {
                set = set.union(&AddrSet::from_nets(s.prefixes.iter().map(|p| p.value.0)));
                continue;
            }
            if let Some(ip) = f.clients.get(t).and_then(|c| c.ip.as_ref()) {
                set = set.union(&AddrSet::from_addr(ip.value.0));
                continue;
            }
            if let Some(tag) = self.tags.get(t) {
                if allow_tags {
                    set = set.union(tag);
                } else {
                    // P18: Azure refuses it when the rule is saved; the tag is left out of the
                    // rule's sources, so the rule matches less, never more.
                    self.d
                        .warning(e.span(), "firewall-tag", format!("service tag `{t}` as a source: Azure Firewall accepts service tags only as destinations; vnetlab leaves it out of the rule's sources"))
                        .help("name the source addresses, subnets or VNets instead");
                }
                continue;
            }
            let diag = self.d.error(
                e.span(),
                "address",
                format!("`{t}` is not an address, CIDR, service tag, subnet, VNet, site or client"),
            );
            let mut candidates: Vec<String> = self.tags.names().map(str::to_string).collect();
            candidates.extend(f.vnets.keys().cloned());
            candidates.extend(f.clients.keys().cloned());
            if let Some(s) = did_you_mean(t, candidates.iter().map(String::as_str)) {
                diag.help(format!("did you mean `{s}`?"));
            }
        }
        set
    }

    pub(super) fn firewalls(&mut self, f: &TopologyFile) -> Vec<Firewall> {
        let subnets = self.names.subnets.clone();
        let mut out = Vec::new();
        for (i, (name, fw)) in f.firewalls.iter().enumerate() {
            let subnet = self.resolve(&fw.subnet, &subnets, "subnet");
            if fw.kind == FirewallKind::AzureFirewall
                && !fw.subnet.value.ends_with("/AzureFirewallSubnet")
                && subnet.is_some()
            {
                self.d
                    .error(fw.subnet.span(), "required-subnet", format!("Azure Firewall `{name}` must be in a subnet named `AzureFirewallSubnet`, not `{}`", fw.subnet.value))
                    .help("add an `AzureFirewallSubnet` (a /26) to the VNet and place the firewall there");
            }
            if fw.kind != FirewallKind::AzureFirewall && !fw.rule_collection_groups.is_empty() {
                self.d.error(
                    fw.pos.0,
                    "firewall-kind",
                    format!(
                        "`rule_collection_groups` are for azure_firewall, but `{name}` is a {}",
                        fw.kind
                    ),
                );
            }
            if fw.kind != FirewallKind::Nva && fw.snat.is_some() {
                let how = match fw.kind {
                    FirewallKind::Fortigate => {
                        "set `nat: true` on the FortiGate policies that translate"
                    }
                    _ => "Azure Firewall translates by its own rules (F3)",
                };
                self.d
                    .error(
                        fw.pos.0,
                        "firewall-kind",
                        format!("`snat` is for nva, but `{name}` is a {}", fw.kind),
                    )
                    .help(how);
            }
            if fw.kind != FirewallKind::Fortigate && !fw.policies.is_empty() {
                self.d.error(
                    fw.pos.0,
                    "firewall-kind",
                    format!(
                        "`policies` are for fortigate, but `{name}` is a {}",
                        fw.kind
                    ),
                );
            }
            let mut collections = Vec::new();
            for g in &fw.rule_collection_groups {
                for c in &g.collections {
                    let action = match (c.kind, c.action) {
                        (CollectionKind::Dnat, _) => FwAction::Allow,
                        (_, Some(a)) => a,
                        (_, None) => {
                            self.d.error(
                                c.pos.0,
                                "missing-key",
                                format!(
                                    "rule collection `{}` needs `action` (allow | deny)",
                                    c.name
                                ),
                            );
                            FwAction::Deny
                        }
                    };
                    let mut rules = Vec::new();
                    for r in &c.rules {
                        rules.push(self.firewall_rule(c.kind, r, f, fw.dns_proxy.unwrap_or(false)));
                    }
                    collections.push(RuleCollection {
                        name: format!("{}/{}", g.name, c.name),
                        kind: c.kind,
                        group_priority: g.priority.value,
                        from_parent: g.from_parent_policy.unwrap_or(false),
                        priority: c.priority.value,
                        action,
                        rules,
                    });
                }
            }
            // F1: all groups are walked once per kind (DNAT, network, application); within a
            // kind, by group priority, then collection priority.
            collections.sort_by_key(|c| {
                let kind = match c.kind {
                    CollectionKind::Dnat => 0,
                    CollectionKind::Network => 1,
                    CollectionKind::Application => 2,
                };
                (kind, !c.from_parent, c.group_priority, c.priority)
            });
            let policies = fw
                .policies
                .iter()
                .map(|p| FortiPolicy {
                    name: p.name.clone(),
                    source: self.fw_addrs(&p.source, f, true),
                    destination: self.fw_addrs(&p.destination, f, true),
                    services: p
                        .service
                        .iter()
                        .filter_map(|s| self.forti_service(s))
                        .collect(),
                    groups: p.groups.iter().map(|g| g.value.clone()).collect(),
                    action: p.action,
                    nat: p.nat.unwrap_or(false),
                })
                .collect();
            let snat_private = self.snat_private_ranges(name, fw);
            let has_public = fw.public_ip.unwrap_or_default() != PublicIpSku::None
                || fw.public_ip_address.is_some();
            out.push(Firewall {
                name: name.clone(),
                kind: fw.kind,
                subnet: subnet.unwrap_or(SubnetId(0)),
                ip: fw
                    .private_ip
                    .as_ref()
                    .map(|i| i.value.0)
                    .unwrap_or(Ipv4Addr::UNSPECIFIED),
                public_ip: has_public.then(|| {
                    fw.public_ip_address
                        .as_ref()
                        .map(|i| i.value.0)
                        .unwrap_or(doc_public_ip(200 + i))
                }),
                dns_proxy: fw.dns_proxy.unwrap_or(false),
                snat_private,
                stateful: match fw.kind {
                    FirewallKind::Nva => fw.stateful.unwrap_or(false),
                    _ => true,
                },
                collections,
                policies,
                snat: fw.snat.unwrap_or(false),
            });
        }
        out
    }

    pub(super) fn firewall_rule(
        &mut self,
        kind: CollectionKind,
        r: &format::FirewallRuleDef,
        f: &TopologyFile,
        dns_proxy: bool,
    ) -> FirewallRule {
        let source = match &r.source {
            Some(s) => self.fw_addrs(&s.0, f, false),
            None if r.source_ip_groups.is_empty() => AddrSet::all(),
            None => AddrSet::empty(),
        }
        .union(&self.ip_groups(&r.source_ip_groups));
        let destination = match &r.destination {
            Some(d) => self.fw_addrs(&d.0, f, true),
            None if r.destination_fqdns.is_empty() && r.destination_ip_groups.is_empty() => {
                AddrSet::all()
            }
            None => AddrSet::empty(),
        }
        .union(&self.ip_groups(&r.destination_ip_groups));
        if !r.destination_fqdns.is_empty() && !dns_proxy {
            self.d
                .error(
                    r.destination_fqdns[0].span(),
                    "dns-proxy",
                    format!(
                        "network rule `{}` uses FQDNs, which need DNS proxy on the firewall",
                        r.name
                    ),
                )
                .help("set `dns_proxy: true` on the firewall (F2)");
        }
        let mut app_protocols = Vec::new();
        for p in &r.protocols {
            let parsed = p.value.split_once(':').and_then(|(proto, port)| {
                let proto = proto.to_ascii_lowercase();
                (["http", "https", "mssql"].contains(&proto.as_str())).then_some(())?;
                Some((proto, port.parse::<u16>().ok()?))
            });
            match parsed {
                Some(v) => app_protocols.push(v),
                None => {
                    self.d
                        .error(
                            p.span(),
                            "app-protocol",
                            format!("`{}` is not an application rule protocol", p.value),
                        )
                        .help("write `https:443`, `http:80` or `mssql:1433`");
                }
            }
        }
        if kind == CollectionKind::Application && r.fqdns.is_empty() && r.fqdn_tags.is_empty() {
            self.d.error(
                r.pos.0,
                "missing-key",
                format!("application rule `{}` needs `fqdns` or `fqdn_tags`", r.name),
            );
        }
        let fqdn_tags = self.fqdn_tags(kind, r);
        if kind == CollectionKind::Application && app_protocols.is_empty() && r.protocols.is_empty()
        {
            app_protocols = vec![("http".into(), 80), ("https".into(), 443)];
        }
        let translated_fqdn = self.translated_fqdn(kind, r);
        let translated = match (kind, &r.translated_address) {
            (CollectionKind::Dnat, Some(a)) => Some((a.value.0, r.translated_port.unwrap_or(0))),
            (CollectionKind::Dnat, None) if translated_fqdn.is_some() => {
                Some((Ipv4Addr::UNSPECIFIED, r.translated_port.unwrap_or(0)))
            }
            (CollectionKind::Dnat, None) => {
                self.d.error(
                    r.pos.0,
                    "missing-key",
                    format!(
                        "DNAT rule `{}` needs `translated_address` or `translated_fqdn`",
                        r.name
                    ),
                );
                None
            }
            _ => None,
        };
        FirewallRule {
            name: r.name.clone(),
            source,
            destination,
            destination_fqdns: r
                .destination_fqdns
                .iter()
                .map(|s| s.value.to_ascii_lowercase())
                .collect(),
            protocol: protocol(r.protocol),
            destination_ports: ports(r.destination_ports.as_ref()),
            fqdns: r
                .fqdns
                .iter()
                .map(|s| s.value.to_ascii_lowercase())
                .collect(),
            app_protocols,
            fqdn_tags,
            translated,
            translated_fqdn,
        }
    }

    pub(super) fn forti_service(
        &mut self,
        s: &Spanned<String>,
    ) -> Option<(Option<Protocol>, PortSet)> {
        let t = s.value.trim().to_ascii_lowercase();
        if t == "*" || t == "all" || t == "any" {
            return Some((None, PortSet::any()));
        }
        if t == "icmp" {
            return Some((Some(Protocol::Icmp), PortSet::any()));
        }
        let parsed = t.split_once('/').and_then(|(p, ports)| {
            let proto = Protocol::parse(p).filter(|p| p.has_ports())?;
            Some((
                Some(proto),
                PortSet::from_ranges(vec![PortRange::parse(ports)?]),
            ))
        });
        if parsed.is_none() {
            self.d
                .error(
                    s.span(),
                    "service",
                    format!("`{}` is not a FortiGate service", s.value),
                )
                .help("write `*`, `tcp/443`, `udp/53`, `tcp/8000-8100` or `icmp`");
        }
        parsed
    }
}
