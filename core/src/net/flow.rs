//! IP protocols and concrete flows (the five-tuple).

use std::net::Ipv4Addr;

/// An IP protocol as NSGs and firewalls name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    /// TCP (6).
    Tcp,
    /// UDP (17).
    Udp,
    /// ICMP (1).
    Icmp,
    /// IPsec ESP (50).
    Esp,
    /// IPsec AH (51).
    Ah,
}

impl Protocol {
    /// All concrete protocols, in a fixed order.
    pub const ALL: [Protocol; 5] = [
        Protocol::Tcp,
        Protocol::Udp,
        Protocol::Icmp,
        Protocol::Esp,
        Protocol::Ah,
    ];

    /// Parses a protocol name (case-insensitive).
    pub fn parse(s: &str) -> Option<Protocol> {
        Some(match s.to_ascii_lowercase().as_str() {
            "tcp" => Protocol::Tcp,
            "udp" => Protocol::Udp,
            "icmp" => Protocol::Icmp,
            "esp" => Protocol::Esp,
            "ah" => Protocol::Ah,
            _ => return None,
        })
    }

    /// Whether the protocol carries ports.
    pub fn has_ports(self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp)
    }

    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
            Protocol::Esp => "esp",
            Protocol::Ah => "ah",
        }
    }
}

impl std::fmt::Display for Protocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The source port a traced flow uses unless one is given: an ephemeral port, above every
/// port Azure's documented rules name.
pub const DEFAULT_SOURCE_PORT: u16 = 50000;

/// One concrete packet header: the five-tuple.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Flow {
    /// Source address.
    pub src: Ipv4Addr,
    /// Destination address.
    pub dst: Ipv4Addr,
    /// Protocol.
    pub protocol: Protocol,
    /// Source port (0 for protocols without ports).
    pub src_port: u16,
    /// Destination port (0 for protocols without ports).
    pub dst_port: u16,
}

impl std::fmt::Display for Flow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.protocol.has_ports() {
            write!(
                f,
                "{} {}:{} -> {}:{}",
                self.protocol, self.src, self.src_port, self.dst, self.dst_port
            )
        } else {
            write!(f, "{} {} -> {}", self.protocol, self.src, self.dst)
        }
    }
}
