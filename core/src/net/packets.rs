//! Packet sets: unions of boxes over protocol × source address × destination address × source
//! port × destination port, with intersection and difference. Used to decide whether a rule's
//! packets are all matched by earlier rules (the semantic rule lint).

use super::{AddrSet, PortSet, Protocol};

/// The dimensions of a box, in the order differences are cut.
const DIMS: usize = 5;

/// A box: a product of one set per dimension (protocol indices into [`Protocol::ALL`], source
/// addresses, destination addresses, source ports, destination ports). Each dimension is an
/// interval set; ports and protocol indices use the low part of the `u32` range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacketBox {
    dims: [AddrSet; DIMS],
}

fn ports(p: &PortSet) -> AddrSet {
    AddrSet::from_ranges(
        p.ranges()
            .iter()
            .map(|r| (u32::from(r.lo), u32::from(r.hi)))
            .collect(),
    )
}

fn protocols(ps: &[Protocol]) -> AddrSet {
    AddrSet::from_ranges(
        ps.iter()
            .map(|p| {
                let i = Protocol::ALL.iter().position(|x| x == p).unwrap_or(0) as u32;
                (i, i)
            })
            .collect(),
    )
}

impl PacketBox {
    /// The packets of the given protocols between the given addresses and ports. Protocols
    /// without ports ignore the port sets (their packets are every port value), so a box for
    /// them is only meaningful when the caller decided the ports do not restrict them.
    pub fn new(
        protos: &[Protocol],
        src: AddrSet,
        dst: AddrSet,
        src_ports: &PortSet,
        dst_ports: &PortSet,
    ) -> Self {
        Self {
            dims: [
                protocols(protos),
                src,
                dst,
                ports(src_ports),
                ports(dst_ports),
            ],
        }
    }

    /// True when the box holds no packet.
    pub fn is_empty(&self) -> bool {
        self.dims.iter().any(AddrSet::is_empty)
    }

    /// The packets in both boxes.
    pub fn intersect(&self, o: &PacketBox) -> PacketBox {
        PacketBox {
            dims: std::array::from_fn(|i| self.dims[i].intersect(&o.dims[i])),
        }
    }

    /// Whether the boxes share a packet (cheapest dimensions first).
    pub fn intersects(&self, o: &PacketBox) -> bool {
        [0, 4, 3, 2, 1]
            .iter()
            .all(|&i| self.dims[i].intersects(&o.dims[i]))
    }

    /// The packets of `self` not in `o`, as at most five disjoint boxes.
    pub fn subtract(&self, o: &PacketBox) -> Vec<PacketBox> {
        if !self.intersects(o) {
            return vec![self.clone()];
        }
        let inside: [bool; DIMS] = std::array::from_fn(|i| o.dims[i].contains_set(&self.dims[i]));
        if inside.iter().all(|&x| x) {
            return Vec::new();
        }
        let mut out = Vec::new();
        let mut prefix = self.clone();
        for (i, held) in inside.into_iter().enumerate() {
            // A dimension `o` holds entirely leaves nothing outside and the prefix as it is.
            if held {
                continue;
            }
            let outside = self.dims[i].difference(&o.dims[i]);
            let mut b = prefix.clone();
            b.dims[i] = outside;
            out.push(b);
            prefix.dims[i] = self.dims[i].intersect(&o.dims[i]);
        }
        out
    }

    /// The protocols in the box.
    pub fn protocols(&self) -> Vec<Protocol> {
        Protocol::ALL
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                self.dims[0]
                    .ranges()
                    .iter()
                    .any(|&(lo, hi)| lo <= *i as u32 && *i as u32 <= hi)
            })
            .map(|(_, p)| *p)
            .collect()
    }

    /// The source addresses.
    pub fn source(&self) -> &AddrSet {
        &self.dims[1]
    }

    /// The destination addresses.
    pub fn destination(&self) -> &AddrSet {
        &self.dims[2]
    }

    /// The lowest destination port.
    pub fn first_destination_port(&self) -> Option<u16> {
        self.dims[4].ranges().first().map(|r| r.0 as u16)
    }
}

/// The interval hull of a packet set, per dimension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hull([(u32, u32); DIMS]);

impl Hull {
    /// Whether the hulls meet (a necessary condition for their sets to share a packet).
    pub fn meets(&self, o: &Hull) -> bool {
        self.0
            .iter()
            .zip(&o.0)
            .all(|(a, b)| a.0.max(b.0) <= a.1.min(b.1))
    }
}

/// A union of boxes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PacketSet {
    boxes: Vec<PacketBox>,
}

impl PacketSet {
    /// The union of the given boxes (empty ones dropped).
    pub fn from_boxes(boxes: impl IntoIterator<Item = PacketBox>) -> Self {
        Self {
            boxes: boxes.into_iter().filter(|b| !b.is_empty()).collect(),
        }
    }

    /// True when the set holds no packet.
    pub fn is_empty(&self) -> bool {
        self.boxes.is_empty()
    }

    /// The boxes (disjoint when the set came from [`PacketSet::subtract`] of a disjoint set).
    pub fn boxes(&self) -> &[PacketBox] {
        &self.boxes
    }

    /// The smallest box of intervals holding the set, per dimension (`None` when empty): two
    /// sets whose hulls do not meet share no packet.
    pub fn hull(&self) -> Option<Hull> {
        let mut it = self.boxes.iter();
        let first = it.next()?;
        let span = |s: &AddrSet| {
            let r = s.ranges();
            (r[0].0, r[r.len() - 1].1)
        };
        let mut h: [(u32, u32); DIMS] = std::array::from_fn(|i| span(&first.dims[i]));
        for b in it {
            for (i, x) in h.iter_mut().enumerate() {
                let (lo, hi) = span(&b.dims[i]);
                *x = (x.0.min(lo), x.1.max(hi));
            }
        }
        Some(Hull(h))
    }

    /// The values the set's packets take in one dimension (0 protocol index, 1 source, 2
    /// destination, 3 source port, 4 destination port).
    pub fn projection(&self, dim: usize) -> AddrSet {
        AddrSet::from_ranges(
            self.boxes
                .iter()
                .flat_map(|b| b.dims[dim].ranges().iter().copied())
                .collect(),
        )
    }

    /// The number of dimensions ([`PacketSet::projection`]).
    pub const DIMS: usize = DIMS;

    /// Whether the sets share a packet.
    pub fn intersects(&self, o: &PacketSet) -> bool {
        self.boxes
            .iter()
            .any(|a| o.boxes.iter().any(|b| a.intersects(b)))
    }

    /// The packets of `self` not in `o`.
    pub fn subtract(&self, o: &PacketSet) -> PacketSet {
        let mut cur = self.boxes.clone();
        for b in &o.boxes {
            if cur.is_empty() {
                break;
            }
            cur = cur.iter().flat_map(|a| a.subtract(b)).collect();
        }
        PacketSet { boxes: cur }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> AddrSet {
        AddrSet::from_net(s.parse().expect("cidr"))
    }

    fn tcp(src: &str, dst: &str, port: u16) -> PacketSet {
        PacketSet::from_boxes([PacketBox::new(
            &[Protocol::Tcp],
            net(src),
            net(dst),
            &PortSet::any(),
            &PortSet::from_ranges(vec![crate::net::PortRange::single(port)]),
        )])
    }

    #[test]
    fn two_halves_cover_the_whole_and_one_does_not() {
        let whole = tcp("10.1.0.0/24", "10.2.0.0/16", 443);
        let lo = tcp("10.1.0.0/25", "10.2.0.0/16", 443);
        let hi = tcp("10.1.0.128/25", "10.0.0.0/8", 443);
        assert!(!whole.subtract(&lo).is_empty());
        assert!(whole.subtract(&lo).subtract(&hi).is_empty());
        assert!(
            !whole
                .subtract(&tcp("10.1.0.0/24", "10.2.0.0/16", 80))
                .is_empty()
        );
    }

    #[test]
    fn a_difference_keeps_exactly_the_packets_outside() {
        let a = tcp("10.0.0.0/8", "10.0.0.0/8", 443);
        let b = tcp("10.1.0.0/16", "10.2.0.0/16", 443);
        let d = a.subtract(&b);
        assert!(!d.intersects(&b));
        assert!(d.intersects(&tcp("10.1.0.0/16", "10.3.0.0/16", 443)));
        assert!(d.subtract(&a).is_empty());
        assert_eq!(d.boxes()[0].protocols(), [Protocol::Tcp]);
    }
}
