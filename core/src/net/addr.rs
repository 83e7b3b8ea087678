//! IPv4 address sets as sorted, disjoint, non-adjacent inclusive intervals.

use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// A set of IPv4 addresses, stored as sorted disjoint intervals `[lo, hi]`.
///
/// Membership is a binary search; union and intersection are linear merges.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AddrSet {
    ranges: Vec<(u32, u32)>,
}

impl AddrSet {
    /// The empty set.
    pub fn empty() -> Self {
        Self::default()
    }

    /// Every IPv4 address.
    pub fn all() -> Self {
        Self {
            ranges: vec![(0, u32::MAX)],
        }
    }

    /// The addresses of one prefix.
    pub fn from_net(net: Ipv4Net) -> Self {
        Self {
            ranges: vec![(u32::from(net.network()), u32::from(net.broadcast()))],
        }
    }

    /// A single address.
    pub fn from_addr(ip: Ipv4Addr) -> Self {
        let v = u32::from(ip);
        Self {
            ranges: vec![(v, v)],
        }
    }

    /// The union of many prefixes.
    pub fn from_nets<I: IntoIterator<Item = Ipv4Net>>(nets: I) -> Self {
        Self::from_ranges(
            nets.into_iter()
                .map(|n| (u32::from(n.network()), u32::from(n.broadcast())))
                .collect(),
        )
    }

    /// Normalises arbitrary inclusive intervals into a set.
    pub fn from_ranges(mut ranges: Vec<(u32, u32)>) -> Self {
        ranges.retain(|(lo, hi)| lo <= hi);
        ranges.sort_unstable();
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(ranges.len());
        for (lo, hi) in ranges {
            match out.last_mut() {
                Some(last) if lo <= last.1.saturating_add(1) => last.1 = last.1.max(hi),
                _ => out.push((lo, hi)),
            }
        }
        Self { ranges: out }
    }

    /// The intervals, sorted and disjoint.
    pub fn ranges(&self) -> &[(u32, u32)] {
        &self.ranges
    }

    /// True when no address is in the set.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// True when the set holds every address.
    pub fn is_all(&self) -> bool {
        self.ranges == [(0, u32::MAX)]
    }

    /// Whether `ip` is in the set.
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        let v = u32::from(ip);
        let i = self.ranges.partition_point(|&(lo, _)| lo <= v);
        i > 0 && self.ranges[i - 1].1 >= v
    }

    /// Whether every address of `other` is in `self`.
    pub fn contains_set(&self, other: &AddrSet) -> bool {
        // Each interval of `other` must lie inside one interval of `self` (both are sorted,
        // disjoint and non-adjacent).
        let mut i = 0;
        other.ranges.iter().all(|&(lo, hi)| {
            while i < self.ranges.len() && self.ranges[i].1 < lo {
                i += 1;
            }
            i < self.ranges.len() && self.ranges[i].0 <= lo && hi <= self.ranges[i].1
        })
    }

    /// The union of two sets.
    pub fn union(&self, other: &AddrSet) -> AddrSet {
        let mut v = self.ranges.clone();
        v.extend_from_slice(&other.ranges);
        Self::from_ranges(v)
    }

    /// The intersection of two sets.
    pub fn intersect(&self, other: &AddrSet) -> AddrSet {
        let (mut i, mut j) = (0, 0);
        let mut out = Vec::new();
        while i < self.ranges.len() && j < other.ranges.len() {
            let (a, b) = (self.ranges[i], other.ranges[j]);
            let lo = a.0.max(b.0);
            let hi = a.1.min(b.1);
            if lo <= hi {
                out.push((lo, hi));
            }
            if a.1 < b.1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        Self { ranges: out }
    }

    /// Whether the two sets share an address.
    pub fn intersects(&self, other: &AddrSet) -> bool {
        let (mut i, mut j) = (0, 0);
        while i < self.ranges.len() && j < other.ranges.len() {
            let (a, b) = (self.ranges[i], other.ranges[j]);
            if a.0.max(b.0) <= a.1.min(b.1) {
                return true;
            }
            if a.1 < b.1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        false
    }

    /// The complement of the set.
    pub fn complement(&self) -> AddrSet {
        let mut out = Vec::new();
        let mut next: u64 = 0;
        for &(lo, hi) in &self.ranges {
            if u64::from(lo) > next {
                out.push((next as u32, lo - 1));
            }
            next = u64::from(hi) + 1;
        }
        if next <= u64::from(u32::MAX) {
            out.push((next as u32, u32::MAX));
        }
        Self { ranges: out }
    }

    /// The addresses of `self` not in `other`.
    pub fn difference(&self, other: &AddrSet) -> AddrSet {
        let mut out = Vec::new();
        let mut j = 0;
        for &(lo, hi) in &self.ranges {
            let mut cur = u64::from(lo);
            while j < other.ranges.len() && other.ranges[j].1 < lo {
                j += 1;
            }
            let mut k = j;
            while k < other.ranges.len() && u64::from(other.ranges[k].0) <= u64::from(hi) {
                let (olo, ohi) = other.ranges[k];
                if u64::from(olo) > cur {
                    out.push((cur as u32, olo - 1));
                }
                cur = cur.max(u64::from(ohi) + 1);
                k += 1;
            }
            if cur <= u64::from(hi) {
                out.push((cur as u32, hi));
            }
        }
        Self { ranges: out }
    }

    /// The lowest address in the set.
    pub fn first(&self) -> Option<Ipv4Addr> {
        self.ranges.first().map(|r| Ipv4Addr::from(r.0))
    }

    /// The number of addresses in the set.
    pub fn len(&self) -> u64 {
        self.ranges
            .iter()
            .map(|&(lo, hi)| u64::from(hi - lo) + 1)
            .sum()
    }

    /// The set as the smallest list of CIDR prefixes.
    pub fn to_nets(&self) -> Vec<Ipv4Net> {
        let mut out = Vec::new();
        for &(lo, hi) in &self.ranges {
            let mut cur = u64::from(lo);
            let end = u64::from(hi);
            while cur <= end {
                let max_align = if cur == 0 {
                    32
                } else {
                    cur.trailing_zeros().min(32)
                };
                let mut len = max_align;
                while len > 0 && cur + (1u64 << len) - 1 > end {
                    len -= 1;
                }
                out.push(
                    Ipv4Net::new(Ipv4Addr::from(cur as u32), (32 - len) as u8).expect("len <= 32"),
                );
                cur += 1u64 << len;
            }
        }
        out
    }
}

impl std::fmt::Display for AddrSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_empty() {
            return f.write_str("(none)");
        }
        let nets = self.to_nets();
        let shown: Vec<String> = nets.iter().take(8).map(|n| n.to_string()).collect();
        f.write_str(&shown.join(", "))?;
        if nets.len() > 8 {
            write!(f, ", … ({} prefixes)", nets.len())?;
        }
        Ok(())
    }
}

/// Parses a dotted IPv4 address strictly (no leading zeros, four octets): `010.0.0.1` is
/// octal to some tools and decimal to others, so it is refused rather than guessed.
pub fn parse_ipv4(s: &str) -> Option<Ipv4Addr> {
    s.parse::<Ipv4Addr>().ok()
}

/// Parses `a.b.c.d/len` strictly: the address as [`parse_ipv4`] (no leading zeros, the same
/// rule for prefixes as for addresses), the length a decimal 0–32 without leading zeros, and
/// the address the network address.
///
/// Returns `Err(Some(net))` with the truncated prefix when host bits are set, so the
/// caller can suggest the fix, and `Err(None)` when it is not a CIDR at all.
pub fn parse_ipv4_net(s: &str) -> Result<Ipv4Net, Option<Ipv4Net>> {
    let (addr, len) = s.split_once('/').ok_or(None)?;
    let addr = parse_ipv4(addr).ok_or(None)?;
    let canonical = len == "0" || (!len.starts_with('0') && len.len() <= 2);
    if !canonical || !len.bytes().all(|b| b.is_ascii_digit()) {
        return Err(None);
    }
    let len: u8 = len.parse().map_err(|_| None)?;
    let net = Ipv4Net::new(addr, len).map_err(|_| None)?;
    if net.trunc() != net {
        return Err(Some(net.trunc()));
    }
    Ok(net)
}

/// `text` written without leading zeros in its numbers (`010.000.0.0/16` → `10.0.0.0/16`),
/// when that is what differs from a valid address or prefix.
pub fn without_leading_zeros(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut changed = false;
    for (i, part) in text.split(['.', '/']).enumerate() {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let trimmed = part.trim_start_matches('0');
        let trimmed = if trimmed.is_empty() { "0" } else { trimmed };
        changed |= trimmed != part;
        if i > 0 {
            // The separator that preceded this part.
            let at: usize = text
                .split(['.', '/'])
                .take(i)
                .map(|p| p.len() + 1)
                .sum::<usize>();
            out.push_str(&text[at - 1..at]);
        }
        out.push_str(trimmed);
    }
    changed.then_some(out)
}

impl AddrSet {
    /// The `k`-th address of the set (counting from the lowest), wrapping around its size.
    pub fn nth_wrapping(&self, k: u64) -> Option<Ipv4Addr> {
        let total = self.len();
        if total == 0 {
            return None;
        }
        let mut k = k % total;
        for &(lo, hi) in &self.ranges {
            let size = u64::from(hi - lo) + 1;
            if k < size {
                return Some(Ipv4Addr::from(lo + k as u32));
            }
            k -= size;
        }
        None
    }
}

/// The RFC 1918 and RFC 6598 ranges (the destinations Azure Firewall does not SNAT by
/// default, F3).
pub fn private_ranges() -> AddrSet {
    AddrSet::from_nets(
        [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "100.64.0.0/10",
        ]
        .iter()
        .map(|s| s.parse().expect("valid")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Ipv4Net {
        s.parse().unwrap()
    }

    #[test]
    fn union_merges_adjacent_prefixes() {
        let s = AddrSet::from_nets([net("10.0.0.0/25"), net("10.0.0.128/25")]);
        assert_eq!(s.to_nets(), vec![net("10.0.0.0/24")]);
    }

    #[test]
    fn complement_of_all_is_empty() {
        assert!(AddrSet::all().complement().is_empty());
        assert!(AddrSet::empty().complement().is_all());
    }

    #[test]
    fn difference_splits_into_prefixes() {
        let s =
            AddrSet::from_net(net("10.0.0.0/8")).difference(&AddrSet::from_net(net("10.1.0.0/16")));
        assert!(s.contains("10.0.255.255".parse().unwrap()));
        assert!(!s.contains("10.1.0.1".parse().unwrap()));
        assert!(s.contains("10.2.0.0".parse().unwrap()));
    }

    /// The merge-based difference, subset and intersection tests agree with their definitions
    /// through the complement, on every pair of small sets over a 6-value universe shifted to
    /// the ends of the address range (where `u32` overflow would show).
    #[test]
    fn difference_subset_and_meet_agree_with_their_definitions() {
        let sets = |base: u32| -> Vec<AddrSet> {
            (0u32..64)
                .map(|bits| {
                    AddrSet::from_ranges(
                        (0..6)
                            .filter(|i| bits & (1 << i) != 0)
                            .map(|i| (base.wrapping_add(i), base.wrapping_add(i)))
                            .collect(),
                    )
                })
                .collect()
        };
        for base in [0, u32::MAX - 5, 1000] {
            let all = sets(base);
            for a in &all {
                for b in &all {
                    assert_eq!(a.difference(b), a.intersect(&b.complement()), "{a} - {b}");
                    assert_eq!(a.contains_set(b), b.intersect(&a.complement()).is_empty());
                    assert_eq!(a.intersects(b), !a.intersect(b).is_empty());
                }
            }
        }
    }

    #[test]
    fn strict_cidr_reports_the_network_address() {
        assert_eq!(parse_ipv4_net("10.1.1.5/24"), Err(Some(net("10.1.1.0/24"))));
        assert_eq!(parse_ipv4_net("nonsense"), Err(None));
    }

    #[test]
    fn leading_zeros_are_refused_in_prefixes_as_in_addresses() {
        for bad in [
            "010.000.000.000/16",
            "10.0.0.0/016",
            "10.0.0.0/08",
            "10.0.0.00/24",
        ] {
            assert_eq!(parse_ipv4_net(bad), Err(None), "{bad}");
        }
        assert_eq!(parse_ipv4("010.0.0.1"), None);
        assert_eq!(parse_ipv4_net("0.0.0.0/0"), Ok(net("0.0.0.0/0")));
        assert_eq!(parse_ipv4_net("10.0.0.0/33"), Err(None));
        assert_eq!(parse_ipv4_net("10.0.0.0/+8"), Err(None));
        assert_eq!(
            without_leading_zeros("010.000.000.000/16").as_deref(),
            Some("10.0.0.0/16")
        );
        assert_eq!(without_leading_zeros("10.0.0.0/16"), None);
        assert_eq!(without_leading_zeros("banana"), None);
    }
}
