//! Values Azure decides at apply time that the configuration nevertheless determines, filled in
//! when a resource instance is evaluated so that the blocks reading them get their value:
//! an Azure Firewall's private IP is the first usable address of `AzureFirewallSubnet` (Azure
//! reserves the first four, so it is the subnet's address + 4); inline subnets get ids.

use super::eval::{Evaluator, TOKEN, token};
use crate::report::{Outcome, Source};
use hcl::{Map, Value};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// Fills in what the configuration determines of instance `address` of type `rtype`.
pub fn derive(
    rtype: &str,
    address: &str,
    attrs: &mut Map<String, Value>,
    ev: &mut Evaluator,
    src: &Source,
) {
    match rtype {
        "azurerm_virtual_network" => {
            if let Some(Value::Array(subnets)) = attrs.get_mut("subnet") {
                for s in subnets.iter_mut() {
                    if let Value::Object(s) = s
                        && let Some(Value::String(name)) = s.get("name").cloned()
                    {
                        s.entry("id".to_string())
                            .or_insert_with(|| Value::from(inline_subnet_token(address, &name)));
                    }
                }
            }
        }
        "azurerm_firewall" => {
            let Some(Value::Array(cfgs)) = attrs.get_mut("ip_configuration") else {
                return;
            };
            for cfg in cfgs.iter_mut() {
                let Value::Object(cfg) = cfg else { continue };
                if cfg.get("private_ip_address").is_some_and(|v| !v.is_null()) {
                    continue;
                }
                let Some(Value::String(subnet_id)) = cfg.get("subnet_id") else {
                    continue;
                };
                let Some((name, net)) = subnet_prefix(ev, subnet_id) else {
                    continue;
                };
                if name != "AzureFirewallSubnet" {
                    continue;
                }
                let ip = Ipv4Addr::from(u32::from(net.network()).saturating_add(4));
                cfg.insert("private_ip_address".into(), Value::from(ip.to_string()));
                ev.report.add(
                    src,
                    Outcome::Approximated,
                    "ip_configuration.private_ip_address",
                    format!("decided by Azure at apply; derived as {ip}, the first usable address of AzureFirewallSubnet {net}"),
                );
            }
        }
        _ => {}
    }
}

/// The synthetic id of subnet `name` written inline in the VNet at `vnet_address`.
pub fn inline_subnet_token(vnet_address: &str, name: &str) -> String {
    format!("{}/subnets/{name}", token(vnet_address))
}

/// The prefix a subnet's attributes give (`address_prefixes[0]`, or 2.x `address_prefix`).
pub fn prefix_of(attrs: &Map<String, Value>) -> Option<Ipv4Net> {
    let s = match (attrs.get("address_prefixes"), attrs.get("address_prefix")) {
        (Some(Value::Array(a)), _) => a.first()?.as_str()?,
        (_, Some(Value::String(s))) => s.as_str(),
        _ => return None,
    };
    s.parse::<Ipv4Net>().ok().map(|n| n.trunc())
}

/// The name and prefix of the subnet a synthetic id names.
pub fn subnet_prefix(ev: &Evaluator, id: &str) -> Option<(String, Ipv4Net)> {
    if let Some(&i) = ev.by_token.get(id) {
        let inst = &ev.instances[i];
        if inst.rtype != "azurerm_subnet" {
            return None;
        }
        let name = inst.attrs.get("name")?.as_str()?.to_string();
        return Some((name, prefix_of(&inst.attrs)?));
    }
    let rest = id.strip_prefix(TOKEN)?;
    let (vnet, name) = rest.rsplit_once("/subnets/")?;
    let &i = ev.by_token.get(&token(vnet))?;
    let Some(Value::Array(subnets)) = ev.instances[i].attrs.get("subnet") else {
        return None;
    };
    subnets.iter().find_map(|s| {
        let Value::Object(s) = s else { return None };
        (s.get("name")?.as_str()? == name).then(|| prefix_of(s).map(|p| (name.to_string(), p)))?
    })
}
