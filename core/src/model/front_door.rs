//! Azure Front Door profiles (docs/semantics.md I8–I10) and the whole-design warnings of the
//! ingress proxies that live in a subnet: API Management's required inbound ports (I11).

use super::{Design, ServiceId, WorkloadId};
use crate::diag::{Diagnostics, Span};
use crate::format::{Access, Direction, FrontDoorSku, WafMode, WorkloadKind};
use crate::net::{Flow, Protocol};
use std::net::Ipv4Addr;

/// An Azure Front Door profile: a global reverse proxy outside the VNets (I8).
#[derive(Clone, Debug)]
pub struct FrontDoor {
    /// Name.
    pub name: String,
    /// Its tier.
    pub sku: FrontDoorSku,
    /// The mode of its WAF policy.
    pub waf: WafMode,
    /// The address its endpoint answers on (in `AzureFrontDoor.Frontend`).
    pub ip: Ipv4Addr,
    /// Its origins, in order.
    pub origins: Vec<FrontDoorOrigin>,
    /// Where it is declared.
    pub span: Span,
}

/// An origin of a Front Door profile.
#[derive(Clone, Debug)]
pub struct FrontDoorOrigin {
    /// What it is.
    pub host: FrontDoorHost,
    /// Reached through Private Link (premium), else at its public address.
    pub private_link: bool,
    /// The port Front Door connects to.
    pub port: u16,
    /// Where it is declared.
    pub span: Span,
}

/// What a Front Door origin is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrontDoorHost {
    /// A workload: behind an internal load balancer with a private link service (Private
    /// Link), or at its public IP.
    Workload(WorkloadId),
    /// A storage account (its blob endpoint).
    Service(ServiceId),
    /// A public address.
    Ip(Ipv4Addr),
}

/// The workload kinds that can sit behind an internal load balancer with a private link
/// service, the origin Microsoft documents for Private Link to a VNet.
pub fn private_link_workload(k: WorkloadKind) -> bool {
    matches!(k, WorkloadKind::Vm | WorkloadKind::Aks)
}

impl Design {
    /// The Front Door profile named `name`.
    pub fn front_door_by_name(&self, name: &str) -> Option<super::FrontDoorId> {
        self.front_doors
            .iter()
            .position(|f| f.name == name)
            .map(|i| super::FrontDoorId(i as u32))
    }

    /// The Front Door profile whose endpoint answers on `ip`.
    pub fn front_door_at(&self, ip: Ipv4Addr) -> Option<super::FrontDoorId> {
        self.front_doors
            .iter()
            .position(|f| f.ip == ip)
            .map(|i| super::FrontDoorId(i as u32))
    }

    /// The address Front Door's connections to public origins come from (inside
    /// `AzureFrontDoor.Backend`).
    pub fn front_door_backend_ip(&self) -> Ipv4Addr {
        self.tags
            .get("AzureFrontDoor.Backend")
            .and_then(|s| s.nth_wrapping(4))
            .unwrap_or(Ipv4Addr::UNSPECIFIED)
    }
}

/// API Management's inbound ports that Microsoft marks required in both VNet modes: "3443 …
/// ApiManagement … Management endpoint for Azure portal and PowerShell" and "6390 …
/// AzureLoadBalancer … Azure Infrastructure Load Balancer" (Virtual network configuration
/// reference: API Management).
const APIM_REQUIRED: [(&str, u16, &str); 2] = [
    ("ApiManagement", 3443, "the management endpoint"),
    (
        "AzureLoadBalancer",
        6390,
        "the Azure infrastructure load balancer",
    ),
];

/// The warnings: an API Management subnet without an NSG (stv2 needs one for its load
/// balancer) or whose NSG blocks a required inbound port (I11). `only`: the API Managements
/// whose subnet has that NSG (after an edit of its rules).
pub(super) fn check(d: &Design, only: Option<super::NsgId>, diags: &mut Diagnostics) {
    let apims: Vec<&super::Workload> = d
        .workloads
        .iter()
        .filter(|w| w.kind == WorkloadKind::ApiManagement)
        .filter(|w| only.is_none_or(|n| d.subnets[w.subnet.ix()].nsg == Some(n)))
        .collect();
    if apims.is_empty() {
        return;
    }
    // The rules read `VirtualNetwork` and ASGs: give the check the tables the analyses use.
    let mut with_tables = d.clone();
    with_tables.derived = crate::eval::Derived::compute(d);
    for w in apims {
        let s = &d.subnets[w.subnet.ix()];
        let Some(nsg) = s.nsg else {
            diags
                .warning(w.span, "apim-nsg", format!("API Management `{}` is in {}, which has no NSG: with the stv2 platform Azure requires an NSG on the subnet for its load balancer to work", w.name, s.name))
                .help("associate an NSG that allows inbound TCP 3443 from ApiManagement and TCP 6390 from AzureLoadBalancer");
            continue;
        };
        for (tag, port, what) in APIM_REQUIRED {
            let Some(src) = d.tags.get(tag).and_then(|t| t.nth_wrapping(4)) else {
                continue;
            };
            let flow = Flow {
                src,
                dst: w.ip,
                protocol: Protocol::Tcp,
                src_port: crate::net::DEFAULT_SOURCE_PORT,
                dst_port: port,
            };
            let access =
                crate::eval::nsg::evaluate(&with_tables, nsg, Direction::Inbound, s.vnet, &flow)
                    .access;
            if access != Access::Allow {
                diags
                    .warning(s.span, "apim-nsg", format!("NSG `{}` on {} denies TCP {port} from {tag} ({what}): API Management `{}` may not operate and may become inaccessible", d.nsgs[nsg.ix()].name, s.name, w.name))
                    .help(format!("allow inbound TCP {port} from the {tag} service tag to VirtualNetwork"));
            }
        }
    }
}
