//! VNets and subnets (inline `subnet {}` blocks and `azurerm_subnet`), their NSG and route
//! table associations, route tables and routes, peerings, VPN gateways with their local network
//! gateways and connections.

use super::{Attrs, Mapper, record, region};
use crate::emit::Namespace;
use crate::report::{Outcome, Source};
use serde_json::{Value as J, json};
use vnetlab_core::format::{
    GatewayDef, PeeringDef, RouteDef, RouteTableDef, SiteDef, SubnetDef, VnetDef,
};

/// VNets, subnets, route tables and routes.
pub fn map(m: &mut Mapper) {
    let mut design_region: Option<String> = None;
    for inst in m.take("azurerm_virtual_network") {
        let a = Attrs(&inst.attrs);
        let name = m.name_for(Namespace::Vnet, inst);
        let loc = a.s("location").map(region);
        if design_region.is_none() {
            design_region = loc.clone();
            m.b.file.region = loc.clone();
        }
        let mut def = json!({ "address_space": a.strs("address_space") });
        if a.present("dns_servers") {
            def["dns_servers"] = json!(a.strs("dns_servers"));
        }
        if loc.is_some() && loc != design_region {
            def["region"] = json!(loc);
        }
        let def: VnetDef = match record(def) {
            Ok(d) => d,
            Err(e) => {
                m.note(
                    &inst.source,
                    Outcome::Dropped,
                    "azurerm_virtual_network",
                    format!("left out: {e}"),
                );
                continue;
            }
        };
        m.b.vnet(&name, def, &inst.source);
        m.register("vnet", inst, &name);
        m.drop_args(
            inst,
            a,
            &[
                ("ddos_protection_plan", "DDoS protection has no counterpart"),
                ("encryption", "VNet encryption has no counterpart"),
            ],
        );
        for s in a.blocks("subnet") {
            let Some(sname) = s.s("name") else {
                m.note(
                    &inst.source,
                    Outcome::Dropped,
                    "subnet",
                    "an inline subnet without a name is left out",
                );
                continue;
            };
            let mut prefixes = s.strs("address_prefixes");
            prefixes.extend(s.strs("address_prefix"));
            let nsg = s.s("security_group").map(str::to_string);
            add_subnet(m, inst, &inst.source, &name, sname, &prefixes, s, s.s("id"));
            if let Some(nsg) = nsg {
                m.pending_nsg(&format!("{name}/{sname}"), nsg, inst.source.clone());
            }
        }
    }
    for inst in m.take("azurerm_subnet") {
        let a = Attrs(&inst.attrs);
        let Some(vname) = a.s("virtual_network_name") else {
            m.note(
                &inst.source,
                Outcome::Dropped,
                "azurerm_subnet",
                "no virtual_network_name; left out",
            );
            continue;
        };
        let Some(vnet) = m.lookup_name("vnet", vname, &inst.source, "virtual_network_name") else {
            continue;
        };
        let sname = a.s("name").unwrap_or("default").to_string();
        let mut prefixes = a.strs("address_prefixes");
        prefixes.extend(a.strs("address_prefix"));
        add_subnet(
            m,
            inst,
            &inst.source,
            &vnet,
            &sname,
            &prefixes,
            a,
            a.s("id"),
        );
    }
    for inst in m.take("azurerm_route_table") {
        let a = Attrs(&inst.attrs);
        let name = m.name_for(Namespace::RouteTable, inst);
        let mut def = json!({});
        let propagate = match (
            a.b("bgp_route_propagation_enabled"),
            a.b("disable_bgp_route_propagation"),
        ) {
            (Some(p), _) => Some(p),
            (None, Some(d)) => Some(!d),
            _ => None,
        };
        if let Some(p) = propagate {
            def["propagate_gateway_routes"] = json!(p);
        }
        let routes: Vec<J> = a
            .blocks("route")
            .into_iter()
            .filter_map(|r| route(m, &inst.source, r))
            .collect();
        if !routes.is_empty() {
            def["routes"] = J::Array(routes);
        }
        match record::<RouteTableDef>(def) {
            Ok(d) => {
                m.b.route_table(&name, d, &inst.source);
                m.register("route table", inst, &name);
            }
            Err(e) => m.note(
                &inst.source,
                Outcome::Dropped,
                "azurerm_route_table",
                format!("left out: {e}"),
            ),
        }
    }
    for inst in m.take("azurerm_route") {
        let a = Attrs(&inst.attrs);
        let Some(table) = a.s("route_table_name") else {
            continue;
        };
        let Some(rt) = m.lookup_name("route table", table, &inst.source, "route_table_name") else {
            continue;
        };
        let Some(r) = route(m, &inst.source, a) else {
            continue;
        };
        match record::<RouteDef>(r) {
            Ok(r) => {
                if let Some(t) = m.b.file.route_tables.get_mut(&rt) {
                    t.routes.push(r);
                    m.b.note_more(&["route_tables", &rt], &inst.source);
                }
            }
            Err(e) => m.note(
                &inst.source,
                Outcome::Dropped,
                "azurerm_route",
                format!("left out: {e}"),
            ),
        }
    }
    peerings(m);
    gateways(m);
}

#[allow(clippy::too_many_arguments)]
fn add_subnet(
    m: &mut Mapper,
    inst: &crate::terraform::Instance,
    src: &Source,
    vnet: &str,
    sname: &str,
    prefixes: &[String],
    a: Attrs,
    id: Option<&str>,
) {
    let Some(first) = prefixes.first() else {
        m.note(
            src,
            Outcome::Dropped,
            "address_prefixes",
            format!("subnet `{sname}` has no prefix; left out"),
        );
        return;
    };
    // Several `address_prefixes` are the subnet's `prefixes` (S11).
    let mut def = if prefixes.len() > 1 {
        json!({ "prefixes": prefixes })
    } else {
        json!({ "prefix": first })
    };
    let endpoints = a.strs("service_endpoints");
    if !endpoints.is_empty() {
        def["service_endpoints"] = json!(endpoints);
    }
    // 4.x: a string; 3.x: `private_endpoint_network_policies_enabled`; 2.x:
    // `enforce_private_link_endpoint_network_policies`, whose `true` *disables* the policies.
    let policies = match (
        a.s("private_endpoint_network_policies"),
        a.b("private_endpoint_network_policies_enabled"),
        a.b("enforce_private_link_endpoint_network_policies"),
    ) {
        (Some(s), _, _) => match s {
            "Disabled" => Some("disabled"),
            "Enabled" => Some("enabled"),
            "NetworkSecurityGroupEnabled" => Some("nsg"),
            "RouteTableEnabled" => Some("route_table"),
            other => {
                m.note(
                    src,
                    Outcome::Dropped,
                    "private_endpoint_network_policies",
                    format!("`{other}` is not a known value; left out"),
                );
                None
            }
        },
        (None, Some(e), _) => Some(if e { "enabled" } else { "disabled" }),
        (None, None, Some(enforce)) => Some(if enforce { "disabled" } else { "enabled" }),
        _ => None,
    };
    if let Some(p) = policies {
        def["private_endpoint_network_policies"] = json!(p);
    }
    // Delegations (S5, S13): each `delegation` block's `service_delegation.name`.
    let delegations: Vec<String> = a
        .blocks("delegation")
        .iter()
        .filter_map(|d| d.block("service_delegation").and_then(|s| s.s("name")))
        .map(str::to_string)
        .collect();
    if !delegations.is_empty() {
        def["delegations"] = json!(delegations);
    }
    // A private subnet (S1 in docs/semantics.md): no default outbound access.
    if a.b("default_outbound_access_enabled") == Some(false) {
        def["default_outbound_access"] = json!(false);
    }
    match record::<SubnetDef>(def) {
        Ok(d) => {
            if m.b.subnet(vnet, sname, d, src) {
                let r = format!("{vnet}/{sname}");
                if let Some(id) = id {
                    m.register_id("subnet", id, &r);
                }
                m.by_name.insert(
                    (
                        "subnet",
                        format!(
                            "{}/{}",
                            vnet.to_ascii_lowercase(),
                            sname.to_ascii_lowercase()
                        ),
                    ),
                    r,
                );
            }
        }
        Err(e) => m.note(
            src,
            Outcome::Dropped,
            "subnet",
            format!("subnet `{sname}` left out: {e}"),
        ),
    }
    m.drop_args(inst, a, &[
        ("service_endpoint_policy_ids", "service endpoint policies have no counterpart: storage reached through the service endpoint is not limited to the listed accounts"),
    ]);
}

fn route(m: &mut Mapper, src: &Source, r: Attrs) -> Option<J> {
    let (Some(name), Some(prefix)) = (r.s("name"), r.s("address_prefix")) else {
        m.note(
            src,
            Outcome::Dropped,
            "route",
            "a route without a name or address_prefix is left out",
        );
        return None;
    };
    let hop = match r.s("next_hop_type").unwrap_or("") {
        "VirtualAppliance" => "virtual_appliance",
        "VirtualNetworkGateway" => "virtual_network_gateway",
        "VnetLocal" => "vnet_local",
        "Internet" => "internet",
        "None" => "none",
        other => {
            m.note(
                src,
                Outcome::Dropped,
                "route",
                format!("route `{name}`: next hop type `{other}` is not known; left out"),
            );
            return None;
        }
    };
    let mut v = json!({ "name": name, "prefix": prefix, "next_hop": hop });
    if let Some(ip) = r.s("next_hop_in_ip_address") {
        v["next_hop_ip"] = json!(ip);
    } else if hop == "virtual_appliance" {
        m.note(
            src,
            Outcome::Dropped,
            "route",
            format!("route `{name}`: the appliance's address is not known before apply; left out"),
        );
        return None;
    }
    Some(v)
}

/// Subnet associations with NSGs and route tables (separate resources, or the inline
/// `security_group` of a VNet's `subnet` block).
pub fn associations(m: &mut Mapper) {
    for (subnet, nsg_id, src) in std::mem::take(&mut m.pending_nsgs) {
        if let Some(nsg) = m.lookup("NSG", &nsg_id, &src, "subnet.security_group") {
            set_subnet(
                m,
                &subnet,
                |s| s.nsg = Some(vnetlab_core::format::Spanned::new(nsg)),
                &src,
            );
        }
    }
    for (rtype, kind, key) in [
        (
            "azurerm_subnet_network_security_group_association",
            "NSG",
            "network_security_group_id",
        ),
        (
            "azurerm_subnet_route_table_association",
            "route table",
            "route_table_id",
        ),
    ] {
        for inst in m.take(rtype) {
            let a = Attrs(&inst.attrs);
            let (Some(sid), Some(tid)) = (a.s("subnet_id"), a.s(key)) else {
                m.note(
                    &inst.source,
                    Outcome::Dropped,
                    rtype,
                    "subnet or target unknown; left out",
                );
                continue;
            };
            let Some(subnet) = m.lookup("subnet", sid, &inst.source, "subnet_id") else {
                continue;
            };
            let Some(target) = m.lookup(kind, tid, &inst.source, key) else {
                continue;
            };
            let t = vnetlab_core::format::Spanned::new(target);
            if kind == "NSG" {
                set_subnet(m, &subnet, |s| s.nsg = Some(t), &inst.source);
            } else {
                set_subnet(m, &subnet, |s| s.route_table = Some(t), &inst.source);
            }
        }
    }
}

fn set_subnet(m: &mut Mapper, subnet: &str, f: impl FnOnce(&mut SubnetDef), src: &Source) {
    let Some((v, s)) = subnet.split_once('/') else {
        return;
    };
    if let Some(def) =
        m.b.file
            .vnets
            .get_mut(v)
            .and_then(|vn| vn.subnets.get_mut(s))
    {
        f(def);
        m.b.note_more(&["vnets", v, "subnets", s], src);
    }
}

fn peerings(m: &mut Mapper) {
    for inst in m.take("azurerm_virtual_network_peering") {
        let a = Attrs(&inst.attrs);
        let Some(from) = a
            .s("virtual_network_name")
            .and_then(|n| m.lookup_name("vnet", n, &inst.source, "virtual_network_name"))
        else {
            continue;
        };
        let Some(to) = a
            .s("remote_virtual_network_id")
            .and_then(|id| m.lookup("vnet", id, &inst.source, "remote_virtual_network_id"))
        else {
            continue;
        };
        let mut def = json!({ "from": from, "to": to });
        for (tf, key) in [
            (
                "allow_virtual_network_access",
                "allow_virtual_network_access",
            ),
            ("allow_forwarded_traffic", "allow_forwarded_traffic"),
            ("allow_gateway_transit", "allow_gateway_transit"),
            ("use_remote_gateways", "use_remote_gateways"),
        ] {
            if let Some(b) = a.b(tf) {
                def[key] = json!(b);
            }
        }
        // Subnet peering (S12): the link's local and remote subnet names.
        if a.b("peer_complete_virtual_networks_enabled") == Some(false) {
            def["subnets"] = json!({
                from.as_str(): a.strs("local_subnet_names"),
                to.as_str(): a.strs("remote_subnet_names"),
            });
        }
        match record::<PeeringDef>(def) {
            Ok(d) => m.b.peering(d, &inst.source),
            Err(e) => m.note(
                &inst.source,
                Outcome::Dropped,
                "azurerm_virtual_network_peering",
                format!("left out: {e}"),
            ),
        }
    }
}

fn gateways(m: &mut Mapper) {
    for inst in m.take("azurerm_virtual_network_gateway") {
        let a = Attrs(&inst.attrs);
        let kind = match a.s("type") {
            Some("ExpressRoute") => "expressroute",
            _ => "vpn",
        };
        let Some(sid) = a.block("ip_configuration").and_then(|c| c.s("subnet_id")) else {
            m.note(
                &inst.source,
                Outcome::Dropped,
                "azurerm_virtual_network_gateway",
                "no ip_configuration.subnet_id; left out",
            );
            continue;
        };
        let Some(subnet) = m.lookup("subnet", sid, &inst.source, "ip_configuration.subnet_id")
        else {
            continue;
        };
        let vnet = subnet.split('/').next().unwrap_or("").to_string();
        let name = m.name_for(Namespace::Gateway, inst);
        match record::<GatewayDef>(json!({ "vnet": vnet, "kind": kind })) {
            Ok(d) => {
                m.b.gateway(&name, d, &inst.source);
                m.register("gateway", inst, &name);
            }
            Err(e) => m.note(
                &inst.source,
                Outcome::Dropped,
                "azurerm_virtual_network_gateway",
                format!("left out: {e}"),
            ),
        }
        if a.present("vpn_client_configuration") {
            m.note(
                &inst.source,
                Outcome::Dropped,
                "vpn_client_configuration",
                "point-to-site VPN has no counterpart",
            );
        }
    }
    let sites: Vec<_> = m.take("azurerm_local_network_gateway");
    let mut used = vec![false; sites.len()];
    for inst in m.take("azurerm_virtual_network_gateway_connection") {
        let a = Attrs(&inst.attrs);
        let Some(gw) = a
            .s("virtual_network_gateway_id")
            .and_then(|id| m.lookup("gateway", id, &inst.source, "virtual_network_gateway_id"))
        else {
            continue;
        };
        let Some(lid) = a.s("local_network_gateway_id") else {
            m.note(
                &inst.source,
                Outcome::Dropped,
                "azurerm_virtual_network_gateway_connection",
                "only site-to-site connections to a local network gateway are mapped",
            );
            continue;
        };
        let Some(k) = sites.iter().position(|s| {
            Attrs(&s.attrs)
                .s("id")
                .is_some_and(|i| i.eq_ignore_ascii_case(lid))
        }) else {
            m.note(
                &inst.source,
                Outcome::Dropped,
                "local_network_gateway_id",
                format!("`{lid}` names no local network gateway of the configuration"),
            );
            continue;
        };
        used[k] = true;
        let site = sites[k];
        let sa = Attrs(&site.attrs);
        let sname = sa.s("name").unwrap_or("site").to_string();
        match record::<SiteDef>(json!({ "prefixes": sa.strs("address_space") })) {
            Ok(d) => {
                if let Some(g) = m.b.file.gateways.get_mut(&gw) {
                    g.sites.insert(sname.clone(), d);
                    m.b.note_more(&["gateways", &gw, "sites", &sname], &site.source);
                }
            }
            Err(e) => m.note(
                &site.source,
                Outcome::Dropped,
                "azurerm_local_network_gateway",
                format!("left out: {e}"),
            ),
        }
    }
    for (site, used) in sites.iter().zip(used) {
        if !used {
            m.note(
                &site.source,
                Outcome::Dropped,
                "azurerm_local_network_gateway",
                "no connection joins it to a gateway of the configuration; left out",
            );
        }
    }
}
