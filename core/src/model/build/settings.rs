//! Lowering the issue #22 settings that belong to other elements: an Azure Firewall's SNAT
//! private ranges.

use super::*;
use crate::format::FirewallDef;
use crate::net::{AddrSet, parse_ipv4, parse_ipv4_net};

impl Builder<'_, '_> {
    /// The destinations an Azure Firewall's network rules do not SNAT to ("Azure Firewall SNAT
    /// private IP address ranges"): the IANA ranges by default or for `IANAPrivateRanges`,
    /// nothing for `255.255.255.255/32` ("always SNAT"), the listed CIDRs and addresses.
    pub(super) fn snat_private_ranges(&mut self, name: &str, fw: &FirewallDef) -> AddrSet {
        if fw.snat_private_ranges.is_empty() {
            return crate::eval::firewall::private_ranges();
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
                set = set.union(&crate::eval::firewall::private_ranges());
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
}
