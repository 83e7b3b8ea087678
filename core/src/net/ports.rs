//! Port ranges and port sets.

/// An inclusive range of ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct PortRange {
    /// First port.
    pub lo: u16,
    /// Last port (inclusive).
    pub hi: u16,
}

/// A port written in decimal: digits only, no sign, no leading zeros (the rule addresses and
/// prefixes follow too).
fn number(s: &str) -> Option<u16> {
    let canonical = s == "0" || (!s.starts_with('0') && !s.is_empty());
    (canonical && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

impl PortRange {
    /// Every port, 0-65535.
    pub const ANY: PortRange = PortRange {
        lo: 0,
        hi: u16::MAX,
    };

    /// One port.
    pub fn single(p: u16) -> Self {
        Self { lo: p, hi: p }
    }

    /// Parses `*`, `443` or `8000-8100`.
    pub fn parse(s: &str) -> Option<PortRange> {
        let s = s.trim();
        if s == "*" || s.eq_ignore_ascii_case("any") {
            return Some(Self::ANY);
        }
        match s.split_once('-') {
            Some((a, b)) => {
                let (lo, hi) = (number(a.trim())?, number(b.trim())?);
                (lo <= hi).then_some(PortRange { lo, hi })
            }
            None => number(s).map(Self::single),
        }
    }

    /// Whether `p` is in the range.
    pub fn contains(&self, p: u16) -> bool {
        self.lo <= p && p <= self.hi
    }
}

impl std::fmt::Display for PortRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if *self == Self::ANY {
            f.write_str("*")
        } else if self.lo == self.hi {
            write!(f, "{}", self.lo)
        } else {
            write!(f, "{}-{}", self.lo, self.hi)
        }
    }
}

/// A set of ports as sorted, disjoint ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct PortSet {
    ranges: Vec<PortRange>,
}

impl PortSet {
    /// Every port.
    pub fn any() -> Self {
        Self {
            ranges: vec![PortRange::ANY],
        }
    }

    /// Normalises ranges into a set.
    pub fn from_ranges(mut v: Vec<PortRange>) -> Self {
        v.sort_unstable();
        let mut out: Vec<PortRange> = Vec::with_capacity(v.len());
        for r in v {
            match out.last_mut() {
                Some(last) if u32::from(r.lo) <= u32::from(last.hi) + 1 => {
                    last.hi = last.hi.max(r.hi)
                }
                _ => out.push(r),
            }
        }
        Self { ranges: out }
    }

    /// Whether `p` is in the set.
    pub fn contains(&self, p: u16) -> bool {
        let i = self.ranges.partition_point(|r| r.lo <= p);
        i > 0 && self.ranges[i - 1].hi >= p
    }

    /// The ranges.
    pub fn ranges(&self) -> &[PortRange] {
        &self.ranges
    }

    /// True for 0-65535.
    pub fn is_any(&self) -> bool {
        self.ranges == [PortRange::ANY]
    }

    /// True when no port is in the set.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
}

impl std::fmt::Display for PortSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v: Vec<String> = self.ranges.iter().map(|r| r.to_string()).collect();
        f.write_str(&v.join(","))
    }
}
