//! Network security groups (inline `security_rule {}` blocks and
//! `azurerm_network_security_rule`) and application security groups.

use super::{Attrs, Mapper, record};
use crate::emit::Namespace;
use crate::report::{Outcome, Source};
use serde_json::{Value as J, json};
use vnetlab_core::format::{AsgDef, NsgDef, NsgRuleDef};

/// NSGs with their rules, and ASGs.
pub fn map(m: &mut Mapper) {
    for inst in m.take("azurerm_application_security_group") {
        let name = m.name_for(Namespace::Asg, inst);
        if let Ok(d) = record::<AsgDef>(json!({})) {
            m.b.asg(&name, d, &inst.source);
            m.register("ASG", inst, &name);
        }
    }
    for inst in m.take("azurerm_network_security_group") {
        let a = Attrs(&inst.attrs);
        let name = m.name_for(Namespace::Nsg, inst);
        let rules: Vec<J> = a
            .blocks("security_rule")
            .into_iter()
            .filter_map(|r| rule(m, &inst.source, r))
            .collect();
        match record::<NsgDef>(json!({ "rules": rules })) {
            Ok(d) => {
                m.b.nsg(&name, d, &inst.source);
                m.register("NSG", inst, &name);
            }
            Err(e) => m.note(
                &inst.source,
                Outcome::Dropped,
                "azurerm_network_security_group",
                format!("left out: {e}"),
            ),
        }
    }
    for inst in m.take("azurerm_network_security_rule") {
        let a = Attrs(&inst.attrs);
        let Some(nsg) = a
            .s("network_security_group_name")
            .and_then(|n| m.lookup_name("NSG", n, &inst.source, "network_security_group_name"))
        else {
            continue;
        };
        let Some(r) = rule(m, &inst.source, a) else {
            continue;
        };
        match record::<NsgRuleDef>(r) {
            Ok(r) => {
                if let Some(def) = m.b.file.nsgs.get_mut(&nsg) {
                    def.rules.push(r);
                    m.b.note_more(&["nsgs", &nsg], &inst.source);
                }
            }
            Err(e) => m.note(
                &inst.source,
                Outcome::Dropped,
                "azurerm_network_security_rule",
                format!("left out: {e}"),
            ),
        }
    }
}

/// An address list: the singular and plural arguments, then the ASGs by name.
fn addresses(m: &mut Mapper, src: &Source, r: Attrs, side: &str) -> Option<J> {
    let mut out: Vec<String> = r.strs(&format!("{side}_address_prefix"));
    out.extend(r.strs(&format!("{side}_address_prefixes")));
    for id in r.strs(&format!("{side}_application_security_group_ids")) {
        if let Some(asg) = m.lookup(
            "ASG",
            &id,
            src,
            &format!("{side}_application_security_group_ids"),
        ) {
            out.push(format!("asg:{asg}"));
        }
    }
    match out.len() {
        0 => None,
        1 => Some(json!(out[0])),
        _ => Some(json!(out)),
    }
}

fn ports(r: Attrs, side: &str) -> Option<J> {
    let mut out = r.strs(&format!("{side}_port_range"));
    out.extend(r.strs(&format!("{side}_port_ranges")));
    let out: Vec<J> = out
        .into_iter()
        .map(|p| {
            p.parse::<u16>()
                .map(|n| json!(n))
                .unwrap_or_else(|_| json!(p))
        })
        .collect();
    match out.len() {
        0 => None,
        1 => Some(out[0].clone()),
        _ => Some(J::Array(out)),
    }
}

/// A security rule as the format writes it.
fn rule(m: &mut Mapper, src: &Source, r: Attrs) -> Option<J> {
    let Some(name) = r.s("name") else {
        m.note(
            src,
            Outcome::Dropped,
            "security_rule",
            "a rule without a name is left out",
        );
        return None;
    };
    let protocol = match r.s("protocol").unwrap_or("*") {
        "*" | "Any" => "any",
        "Tcp" => "tcp",
        "Udp" => "udp",
        "Icmp" => "icmp",
        "Esp" => "esp",
        "Ah" => "ah",
        other => {
            m.note(
                src,
                Outcome::Dropped,
                "security_rule",
                format!("rule `{name}`: protocol `{other}` is not known; the rule is left out"),
            );
            return None;
        }
    };
    let (Some(priority), Some(direction), Some(access)) =
        (r.n("priority"), r.s("direction"), r.s("access"))
    else {
        m.note(
            src,
            Outcome::Dropped,
            "security_rule",
            format!("rule `{name}`: priority, direction or access unknown; the rule is left out"),
        );
        return None;
    };
    let mut v = json!({
        "name": name,
        "priority": priority,
        "direction": direction.to_ascii_lowercase(),
        "access": access.to_ascii_lowercase(),
        "protocol": protocol,
    });
    if let Some(s) = addresses(m, src, r, "source") {
        v["source"] = s;
    }
    if let Some(d) = addresses(m, src, r, "destination") {
        v["destination"] = d;
    }
    if let Some(p) = ports(r, "source") {
        v["source_ports"] = p;
    }
    if let Some(p) = ports(r, "destination") {
        v["destination_ports"] = p;
    }
    if let Some(d) = r.s("description").filter(|d| !d.is_empty()) {
        v["description"] = json!(d);
    }
    Some(v)
}
