//! Value types with no cloud vocabulary: address sets, port sets, protocols and flows.

mod addr;
mod flow;
mod packets;
mod ports;

pub use addr::{AddrSet, parse_ipv4, parse_ipv4_net, private_ranges, without_leading_zeros};
pub use flow::{DEFAULT_SOURCE_PORT, Flow, Protocol};
pub use packets::{Hull, PacketBox, PacketSet};
pub use ports::{PortRange, PortSet};
