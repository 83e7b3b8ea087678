//! Whole-design checks of the inference ingress elements that Azure refuses at deployment but
//! that leave the model defined (P18: located warnings): an application gateway's dedicated
//! subnet and the inbound ports its NSG must allow, and an AKS cluster whose outbound type is
//! user-defined routing without a default route to an appliance (docs/semantics.md I5, I6).

use super::{Design, SubnetId};
use crate::diag::Diagnostics;
use crate::format::{AksOutboundType, Direction, NextHopType, WorkloadKind};
use crate::net::{Flow, Protocol};

/// The warnings.
pub(super) fn check(d: &Design, diags: &mut Diagnostics) {
    dedicated_gateway_subnets(d, diags);
    gateway_manager_ports(d, None, diags);
    udr_needs_a_default_route(d, diags);
}

/// "A dedicated subnet is required for the application gateway … you can't deploy any other
/// resource in the Application Gateway subnet" (Application Gateway infrastructure
/// configuration).
fn dedicated_gateway_subnets(d: &Design, diags: &mut Diagnostics) {
    let gateway_subnets: Vec<SubnetId> = d
        .workloads
        .iter()
        .filter(|w| w.kind == WorkloadKind::AppGateway)
        .map(|w| w.subnet)
        .collect();
    let mut others: Vec<(SubnetId, String, crate::diag::Span)> = Vec::new();
    for w in &d.workloads {
        if w.kind != WorkloadKind::AppGateway {
            others.push((w.subnet, format!("workload `{}`", w.name), w.span));
        }
    }
    for f in &d.firewalls {
        others.push((
            f.subnet,
            format!("firewall `{}`", f.name),
            d.subnets[f.subnet.ix()].span,
        ));
    }
    for p in &d.private_endpoints {
        others.push((
            p.subnet,
            format!("private endpoint `{}`", p.name),
            d.subnets[p.subnet.ix()].span,
        ));
    }
    for (s, what, span) in others {
        if gateway_subnets.contains(&s) {
            diags
                .warning(span, "app-gateway-subnet", format!("{what} is in {}, an application gateway's subnet: Azure allows only application gateways there", d.subnets[s.ix()].name))
                .help("give the application gateway a dedicated subnet");
        }
    }
}

/// An NSG on an application gateway v2 subnet must allow "incoming Internet traffic on TCP
/// ports 65200-65535 … with the destination subnet as Any and source as GatewayManager
/// service tag" (Application Gateway infrastructure configuration).
/// `only`: the gateways whose subnet has that NSG (after an edit of its rules).
pub(super) fn gateway_manager_ports(
    d: &Design,
    only: Option<super::NsgId>,
    diags: &mut Diagnostics,
) {
    let gateways: Vec<&super::Workload> = d
        .workloads
        .iter()
        .filter(|w| w.kind == WorkloadKind::AppGateway)
        .filter(|w| {
            let nsg = d.subnets[w.subnet.ix()].nsg;
            nsg.is_some() && only.is_none_or(|n| nsg == Some(n))
        })
        .collect();
    let Some(src) = d.tags.get("GatewayManager").and_then(|s| s.nth_wrapping(4)) else {
        return;
    };
    if gateways.is_empty() {
        return;
    }
    // The rules read `VirtualNetwork` and ASGs: give the check the tables the analyses use.
    let mut with_tables = d.clone();
    with_tables.derived = crate::eval::Derived::compute(d);
    for w in gateways {
        let s = &d.subnets[w.subnet.ix()];
        let nsg = s.nsg.expect("filtered");
        let blocked = [65200u16, 65535].into_iter().find(|&port| {
            let flow = Flow {
                src,
                dst: w.ip,
                protocol: Protocol::Tcp,
                src_port: crate::net::DEFAULT_SOURCE_PORT,
                dst_port: port,
            };
            crate::eval::nsg::evaluate(&with_tables, nsg, Direction::Inbound, s.vnet, &flow).access
                != crate::format::Access::Allow
        });
        if let Some(port) = blocked {
            diags
                .warning(s.span, "app-gateway-nsg", format!("NSG `{}` on {} denies TCP {port} from GatewayManager: Azure refuses an application gateway v2 subnet whose NSG blocks its infrastructure ports 65200-65535", d.nsgs[nsg.ix()].name, s.name))
                .help("allow inbound TCP 65200-65535 from the GatewayManager service tag to any destination");
        }
    }
}

/// "The outbound type of UDR requires there's a route for 0.0.0.0/0 and a next hop destination
/// of NVA in the route table … AKS validates that you don't create a 0.0.0.0/0 route pointing
/// to the Internet but instead to a gateway, NVA, etc." (AKS egress with user-defined routing).
fn udr_needs_a_default_route(d: &Design, diags: &mut Diagnostics) {
    for w in &d.workloads {
        if w.kind != WorkloadKind::Aks || w.outbound_type != AksOutboundType::UserDefinedRouting {
            continue;
        }
        let s = &d.subnets[w.subnet.ix()];
        let ok = s.route_table.is_some_and(|t| {
            d.route_tables[t.ix()].routes.iter().any(|r| {
                r.prefixes.iter().any(|p| p.prefix_len() == 0)
                    && matches!(
                        r.next_hop,
                        NextHopType::VirtualAppliance | NextHopType::VirtualNetworkGateway
                    )
            })
        });
        if !ok {
            diags
                .warning(w.span, "aks-outbound", format!("AKS `{}` has outbound type user_defined_routing, but {} has no 0.0.0.0/0 route to an appliance or gateway: Azure refuses to create the cluster", w.name, s.name))
                .help("associate a route table with a 0.0.0.0/0 route to the firewall (next hop virtual_appliance)");
        }
    }
}
