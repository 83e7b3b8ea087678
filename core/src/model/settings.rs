//! Whole-design checks of the issue #22 settings that Azure refuses at deployment but that
//! leave the model defined (P18: located warnings, the design is still analysed). Run with the
//! other whole-design checks, so an edited design warns as loading the edited file does.

use super::Design;
use crate::diag::Diagnostics;
use crate::format::TopologyFile;

/// The settings' warnings.
pub(super) fn check(d: &Design, f: &TopologyFile, diags: &mut Diagnostics) {
    nat_gateway_associations(d, f, diags);
    endpoint_policies_need_the_storage_endpoint(d, f, diags);
    no_private_endpoint_in_a_delegated_subnet(d, f, diags);
    storage_ip_rules_take_bare_addresses(f, diags);
    zone_link_settings(d, f, diags);
}

/// Auto-registration ("Automatically registers the virtual network's virtual machines' DNS
/// records in the private zone", docs/semantics.md S8): every virtual machine (`vm`,
/// `jumpbox`, `dns_server`) of a VNet whose link has `registration_enabled` gets the A record
/// `NAME.ZONE` for its address. A record the zone already has keeps its address.
pub(super) fn register_vm_records(d: &mut Design) {
    use crate::format::WorkloadKind;
    for zi in 0..d.zones.len() {
        let mut auto = std::collections::BTreeMap::new();
        for &v in &d.zones[zi].registration {
            for w in &d.workloads {
                let vm = matches!(
                    w.kind,
                    WorkloadKind::Vm | WorkloadKind::Jumpbox | WorkloadKind::DnsServer
                );
                let name = w.name.to_ascii_lowercase();
                if vm
                    && d.subnets[w.subnet.ix()].vnet == v
                    && !d.zones[zi].records.contains_key(&name)
                {
                    auto.entry(name).or_insert((w.ip, v));
                }
            }
        }
        d.zones[zi].auto_records = auto;
    }
}

/// Link settings for a VNet the zone is not linked to do nothing; "A specific virtual network
/// can be linked to only one private DNS zone when automatic registration of VM DNS records is
/// enabled" (Azure Private DNS limits).
fn zone_link_settings(d: &Design, f: &TopologyFile, diags: &mut Diagnostics) {
    let Some(dns) = &f.dns else {
        return;
    };
    for (name, z) in &dns.private_zones {
        for (vn, l) in &z.link_settings {
            if !z.links.iter().any(|x| &x.value == vn) {
                diags
                    .warning(l.pos.0, "zone-link", format!("zone `{name}` has settings for VNet `{vn}`, which it is not linked to: they do nothing"))
                    .help(format!("add `{vn}` to the zone's `links`"));
            }
        }
    }
    for (vi, v) in d.vnets.iter().enumerate() {
        let id = super::VnetId(vi as u32);
        let zones: Vec<&str> = d
            .zones
            .iter()
            .filter(|z| z.registration.contains(&id) && z.links.contains(&id))
            .map(|z| z.name.as_str())
            .collect();
        if zones.len() > 1 {
            let span = f
                .dns
                .as_ref()
                .and_then(|x| {
                    x.private_zones
                        .values()
                        .find_map(|z| z.link_settings.get(&v.name))
                })
                .map(|l| l.pos.0)
                .unwrap_or_default();
            diags
                .warning(
                    span,
                    "zone-link",
                    format!(
                        "VNet `{}` has auto-registration on {} zones ({}); Azure allows it on one",
                        v.name,
                        zones.len(),
                        zones.join(", ")
                    ),
                )
                .help("enable `registration_enabled` on one zone link only");
        }
    }
}

/// Azure Storage: "Small address ranges using prefix sizes /31 or /32 are not supported.
/// Configure these ranges using individual IP address rules" (docs/semantics.md S7).
fn storage_ip_rules_take_bare_addresses(f: &TopologyFile, diags: &mut Diagnostics) {
    for (name, s) in &f.services {
        if s.kind != crate::format::ServiceKind::Storage {
            continue;
        }
        for r in s
            .ip_rules
            .iter()
            .filter(|r| !r.value.bare && r.value.net.prefix_len() >= 31)
        {
            let net = r.value.net;
            let fix = if net.prefix_len() == 32 {
                format!("write the address alone: `{}`", net.addr())
            } else {
                format!(
                    "write its two addresses as two rules: `{}` and `{}`",
                    net.network(),
                    net.broadcast()
                )
            };
            diags
                .warning(r.span(), "ip-rule", format!("storage account `{name}`: Azure Storage does not accept the /{} prefix `{net}` in IP rules", net.prefix_len()))
                .help(fix);
        }
    }
}

/// A NAT gateway needs "at least one public IP address" to give outbound connectivity, "can't
/// span multiple virtual networks" and "can't be associated with a gateway subnet" (NAT gateway
/// design article, FAQ; docs/semantics.md S1).
fn nat_gateway_associations(d: &Design, f: &TopologyFile, diags: &mut Diagnostics) {
    for (i, n) in d.nat_gateways.iter().enumerate() {
        let id = super::NatGatewayId(i as u32);
        let Some(def) = f.nat_gateways.get(&n.name) else {
            continue;
        };
        if n.public_ips.is_empty() {
            diags
                .warning(def.pos.0, "nat-gateway", format!("NAT gateway `{}` has no public IP: it gives its subnets no outbound connectivity", n.name))
                .help("give it at least one address: `public_ips: [203.0.113.10]`");
        }
        let users: Vec<&super::Subnet> = d
            .subnets
            .iter()
            .filter(|s| s.nat_gateway == Some(id))
            .collect();
        let Some(first) = users.first() else {
            continue;
        };
        for s in &users {
            if s.vnet != first.vnet {
                diags
                    .warning(s.span, "nat-gateway", format!("NAT gateway `{}` is associated with subnets of two VNets ({} and {})", n.name, first.name, s.name))
                    .help("a NAT gateway can't span more than one virtual network: give each VNet its own");
            }
            if s.short_name == "GatewaySubnet" {
                diags
                    .warning(
                        s.span,
                        "nat-gateway",
                        format!("{} can't have a NAT gateway", s.name),
                    )
                    .help("Azure does not support a NAT gateway on the GatewaySubnet");
            }
        }
    }
}

/// "You can only apply service endpoint policy on a subnet if service endpoints are configured
/// for the Azure services listed in the policy" (docs/semantics.md S2).
fn endpoint_policies_need_the_storage_endpoint(
    d: &Design,
    f: &TopologyFile,
    diags: &mut Diagnostics,
) {
    for s in &d.subnets {
        if s.endpoint_policies.is_empty()
            || s.service_endpoints
                .iter()
                .any(|e| e.starts_with("Microsoft.Storage"))
        {
            continue;
        }
        let vnet = &d.vnets[s.vnet.ix()].name;
        let Some(first) = f
            .vnets
            .get(vnet)
            .and_then(|v| v.subnets.get(&s.short_name))
            .and_then(|def| def.service_endpoint_policies.first())
        else {
            continue;
        };
        diags
            .warning(first.span(), "service-endpoint-policy", format!("subnet `{}` has a service endpoint policy but no `Microsoft.Storage` service endpoint: Azure does not apply it, and it filters nothing", s.name))
            .help("add `Microsoft.Storage` to the subnet's `service_endpoints`: a policy filters traffic over that endpoint");
    }
}

/// Subnet delegation: a delegated subnet "cannot be used with a private endpoint" ("What is
/// subnet delegation?", docs/semantics.md S5).
fn no_private_endpoint_in_a_delegated_subnet(
    d: &Design,
    f: &TopologyFile,
    diags: &mut Diagnostics,
) {
    for def in f
        .services
        .values()
        .flat_map(|svc| svc.private_endpoints.iter())
    {
        let Some(s) = d.subnets.iter().find(|s| s.name == def.subnet.value) else {
            continue;
        };
        if s.delegations.is_empty() {
            continue;
        }
        diags
            .warning(
                def.subnet.span(),
                "delegation",
                format!(
                    "subnet {} is delegated to {} and cannot hold a private endpoint",
                    s.name,
                    s.delegations.join(", ")
                ),
            )
            .help("put private endpoints in a subnet without delegations");
    }
}
