//! Lowering the issue #22 settings that belong to other elements: an Azure Firewall's SNAT
//! private ranges, `a-b` address ranges and IP groups in its rules.

use super::*;
use crate::format::{FirewallDef, Spanned, TopologyFile};
use crate::net::{AddrSet, parse_ipv4, parse_ipv4_net};

impl Builder<'_, '_> {
    /// The destinations an Azure Firewall's network rules do not SNAT to ("Azure Firewall SNAT
    /// private IP address ranges"): the IANA ranges by default or for `IANAPrivateRanges`,
    /// nothing for `255.255.255.255/32` ("always SNAT"), the listed CIDRs and addresses.
    pub(super) fn snat_private_ranges(&mut self, name: &str, fw: &FirewallDef) -> AddrSet {
        if fw.snat_private_ranges.is_empty() {
            return crate::net::private_ranges();
        }
        if fw.kind != crate::format::FirewallKind::AzureFirewall {
            self.d
                .error(
                    fw.snat_private_ranges[0].span(),
                    "firewall-kind",
                    format!(
                        "`snat_private_ranges` are for azure_firewall, but `{name}` is a {}",
                        fw.kind
                    ),
                )
                .help("a FortiGate translates with `nat: true` on its policies, an nva with `snat: true`");
        }
        let mut set = AddrSet::empty();
        for r in &fw.snat_private_ranges {
            let v = r.value.trim();
            if v.eq_ignore_ascii_case("IANAPrivateRanges") {
                set = set.union(&crate::net::private_ranges());
            } else if v == "255.255.255.255/32" || v == "255.255.255.255" {
                // "To configure the firewall to always SNAT regardless of the destination
                // address, use 255.255.255.255/32 as your private IP address range."
            } else if let Ok(net) = parse_ipv4_net(v) {
                set = set.union(&AddrSet::from_net(net));
            } else if let Some(ip) = parse_ipv4(v) {
                set = set.union(&AddrSet::from_addr(ip));
            } else {
                self.d
                    .error(r.span(), "snat-private-range", format!("`{v}` is not a CIDR, an address or `IANAPrivateRanges`"))
                    .help("e.g. `IANAPrivateRanges`, `203.0.113.0/24`, `0.0.0.0/0` (never SNAT) or `255.255.255.255/32` (always SNAT)");
            }
        }
        set
    }

    /// An `a-b` address range ("IP address ranges such as 192.168.10.1-192.168.10.10");
    /// `None` when the entry is not shaped like one.
    pub(super) fn ip_range(&mut self, e: &Spanned<String>) -> Option<AddrSet> {
        let (a, b) = e.value.trim().split_once('-')?;
        let (a, b) = (parse_ipv4(a.trim())?, parse_ipv4(b.trim())?);
        if u32::from(a) > u32::from(b) {
            self.d
                .error(
                    e.span(),
                    "ip-range",
                    format!("`{}` starts after it ends", e.value),
                )
                .help(format!("write `{b}-{a}`"));
            return Some(AddrSet::empty());
        }
        Some(AddrSet::from_ranges(vec![(u32::from(a), u32::from(b))]))
    }

    /// Every IP group's addresses (IPs, CIDRs and `a-b` ranges), each entry checked once.
    pub(super) fn lower_ip_groups(
        &mut self,
        f: &TopologyFile,
    ) -> std::collections::BTreeMap<String, AddrSet> {
        let mut out = std::collections::BTreeMap::new();
        for (name, g) in &f.ip_groups {
            let mut set = AddrSet::empty();
            for a in &g.addresses {
                let t = a.value.trim();
                if let Some(ip) = parse_ipv4(t) {
                    set = set.union(&AddrSet::from_addr(ip));
                } else if let Some(r) = self.ip_range(a) {
                    set = set.union(&r);
                } else if let Ok(net) = parse_ipv4_net(t) {
                    set = set.union(&AddrSet::from_net(net));
                } else {
                    self.d
                        .error(a.span(), "ip-group", format!("`{t}` is not an address, CIDR or `a-b` range"))
                        .help("an IP group holds IP addresses, CIDRs and ranges like `10.0.0.1-10.0.0.10`");
                }
            }
            out.insert(name.clone(), set);
        }
        out
    }

    /// The addresses of the named IP groups.
    pub(super) fn ip_groups(&mut self, names: &[Spanned<String>]) -> AddrSet {
        let index: std::collections::BTreeMap<String, usize> = self
            .ip_groups
            .keys()
            .enumerate()
            .map(|(i, k)| (k.clone(), i))
            .collect();
        let mut set = AddrSet::empty();
        for n in names {
            if self.resolve(n, &index, "IP group").is_some() {
                set = set.union(&self.ip_groups[&n.value]);
            }
        }
        set
    }
}
