//! A subnet's addresses: one or several prefixes (ARM `addressPrefixes`, S11), Azure reserving
//! the first four and the last address of each.

use super::{Subnet, usable_range};
use crate::net::AddrSet;
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

impl Subnet {
    /// Whether `ip` is in one of its prefixes.
    pub fn contains(&self, ip: &Ipv4Addr) -> bool {
        self.prefixes.iter().any(|p| p.contains(ip))
    }

    /// The prefix holding `ip`.
    pub fn prefix_of(&self, ip: Ipv4Addr) -> Option<Ipv4Net> {
        self.prefixes.iter().copied().find(|p| p.contains(&ip))
    }

    /// Every address of its prefixes.
    pub fn addrs(&self) -> AddrSet {
        AddrSet::from_nets(self.prefixes.iter().copied())
    }

    /// The usable range of each prefix (five reserved in each; empty ranges left out).
    pub fn usable_ranges(&self) -> Vec<(u32, u32)> {
        self.prefixes
            .iter()
            .map(|p| usable_range(*p))
            .filter(|(lo, hi)| lo <= hi)
            .collect()
    }

    /// Its usable addresses: all but the five Azure reserves in each prefix.
    pub fn usable_addrs(&self) -> AddrSet {
        AddrSet::from_ranges(self.usable_ranges())
    }

    /// The first usable address (of the first prefix with one; for a subnet too small to
    /// have one, where its first would be).
    pub fn first_usable(&self) -> Ipv4Addr {
        let r = self.usable_ranges().first().copied();
        Ipv4Addr::from(r.unwrap_or_else(|| usable_range(self.prefix)).0)
    }

    /// The last usable address (of the last prefix with one).
    pub fn last_usable(&self) -> Ipv4Addr {
        let r = self.usable_ranges().last().copied();
        Ipv4Addr::from(r.unwrap_or_else(|| usable_range(self.prefix)).1)
    }

    /// How many addresses it can give out: the sum over its prefixes.
    pub fn usable_count(&self) -> u64 {
        self.prefixes.iter().map(|p| super::usable_count(*p)).sum()
    }

    /// Its prefixes as written, comma-separated.
    pub fn prefixes_text(&self) -> String {
        self.prefixes
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
