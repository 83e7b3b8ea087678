//! Building a vnetlab design from imported resources: the core's format records
//! ([`TopologyFile`]) with a source note per element, names made unique and valid, and the design
//! printed as loadable YAML with a `# source: …` comment before each element.
//!
//! Importers (ARM, Terraform) map their resources to records and hand them here with the
//! [`Source`] each came from; nothing here knows a source format.

use crate::report::Source;
use std::collections::BTreeMap;
use vnetlab_core::format::{
    AsgDef, Comments, DnsDef, FirewallDef, GatewayDef, NsgDef, PeeringDef, PrivateZoneDef,
    RouteTableDef, ServiceDef, Spanned, SubnetDef, TopologyFile, VnetDef, WorkloadDef,
    to_yaml_annotated,
};

/// Kinds of names that must be unique together. Workloads, firewalls and services share one
/// namespace because flow endpoints (`--from NAME`) name any of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Namespace {
    /// VNets.
    Vnet,
    /// NSGs.
    Nsg,
    /// Application security groups.
    Asg,
    /// Route tables.
    RouteTable,
    /// VPN / ExpressRoute gateways.
    Gateway,
    /// Workloads, firewalls and services.
    Endpoint,
}

/// A design being built, with where each element came from.
#[derive(Clone, Debug)]
pub struct DesignBuilder {
    /// The records so far.
    pub file: TopologyFile,
    notes: Comments,
    /// key (source id) → name given, per namespace.
    names: BTreeMap<(Namespace, String), String>,
    taken: BTreeMap<(Namespace, String), String>,
}

/// Makes `raw` a valid vnetlab name: `/`, whitespace and control characters (which would break
/// `VNET/SUBNET` references or the YAML) become `-`; an empty name becomes `unnamed`.
pub fn clean_name(raw: &str) -> String {
    let s: String = raw
        .chars()
        .map(|c| {
            if c == '/' || c.is_whitespace() || c.is_control() {
                '-'
            } else {
                c
            }
        })
        .collect();
    if s.is_empty() { "unnamed".into() } else { s }
}

impl DesignBuilder {
    /// An empty design called `name`.
    pub fn new(name: &str, description: Option<String>) -> Self {
        let file = TopologyFile {
            version: Spanned::new(1),
            name: name.to_string(),
            description,
            region: None,
            subscription: None,
            resource_group: None,
            vnets: BTreeMap::new(),
            peerings: Vec::new(),
            nsgs: BTreeMap::new(),
            asgs: BTreeMap::new(),
            security_admin_configurations: BTreeMap::new(),
            route_tables: BTreeMap::new(),
            gateways: BTreeMap::new(),
            firewalls: BTreeMap::new(),
            workloads: BTreeMap::new(),
            front_doors: BTreeMap::new(),
            services: BTreeMap::new(),
            dns: None,
            clients: BTreeMap::new(),
            expect: Vec::new(),
            accept: Vec::new(),
            nat_gateways: BTreeMap::new(),
            service_endpoint_policies: BTreeMap::new(),
            ip_groups: BTreeMap::new(),
            pos: Default::default(),
        };
        Self {
            file,
            notes: Comments::new(),
            names: BTreeMap::new(),
            taken: BTreeMap::new(),
        }
    }

    /// The name for the element `key` (an importer's stable id: resource id, address) in `ns`:
    /// the same name every time for the same key; `wanted` (cleaned) when free, else `wanted-2`,
    /// `wanted-3`, … Names compare case-insensitively, as Azure's do.
    pub fn name(&mut self, ns: Namespace, key: &str, wanted: &str) -> String {
        if let Some(n) = self.names.get(&(ns, key.to_string())) {
            return n.clone();
        }
        let base = clean_name(wanted);
        let mut name = base.clone();
        let mut i = 2;
        while self.taken.contains_key(&(ns, name.to_ascii_lowercase())) {
            name = format!("{base}-{i}");
            i += 1;
        }
        self.taken
            .insert((ns, name.to_ascii_lowercase()), key.to_string());
        self.names.insert((ns, key.to_string()), name.clone());
        name
    }

    /// The name already given to `key` in `ns`.
    pub fn name_of(&self, ns: Namespace, key: &str) -> Option<&str> {
        self.names.get(&(ns, key.to_string())).map(String::as_str)
    }

    /// Attaches `# source: …` to the element at `path` (see [`Comments`]).
    pub fn note(&mut self, path: Vec<String>, source: &Source) {
        self.notes
            .entry(path)
            .or_default()
            .push(format!("source: {}", source.describe()));
    }

    /// Adds a VNet (its subnets may be added with it or later with [`Self::subnet`]).
    pub fn vnet(&mut self, name: &str, def: VnetDef, source: &Source) {
        self.note(vec!["vnets".into(), name.into()], source);
        self.file.vnets.insert(name.to_string(), def);
    }

    /// Adds a subnet to a VNet already added. `false` when the VNet is not there.
    pub fn subnet(&mut self, vnet: &str, name: &str, def: SubnetDef, source: &Source) -> bool {
        let Some(v) = self.file.vnets.get_mut(vnet) else {
            return false;
        };
        v.subnets.insert(name.to_string(), def);
        self.note(
            vec!["vnets".into(), vnet.into(), "subnets".into(), name.into()],
            source,
        );
        true
    }

    /// Adds a peering link.
    pub fn peering(&mut self, def: PeeringDef, source: &Source) {
        self.note(
            vec!["peerings".into(), self.file.peerings.len().to_string()],
            source,
        );
        self.file.peerings.push(def);
    }

    /// Adds an NSG.
    pub fn nsg(&mut self, name: &str, def: NsgDef, source: &Source) {
        self.note(vec!["nsgs".into(), name.into()], source);
        self.file.nsgs.insert(name.to_string(), def);
    }

    /// Adds an application security group.
    pub fn asg(&mut self, name: &str, def: AsgDef, source: &Source) {
        self.note(vec!["asgs".into(), name.into()], source);
        self.file.asgs.insert(name.to_string(), def);
    }

    /// Adds a route table.
    pub fn route_table(&mut self, name: &str, def: RouteTableDef, source: &Source) {
        self.note(vec!["route_tables".into(), name.into()], source);
        self.file.route_tables.insert(name.to_string(), def);
    }

    /// Adds a gateway.
    pub fn gateway(&mut self, name: &str, def: GatewayDef, source: &Source) {
        self.note(vec!["gateways".into(), name.into()], source);
        self.file.gateways.insert(name.to_string(), def);
    }

    /// Adds a firewall or appliance.
    pub fn firewall(&mut self, name: &str, def: FirewallDef, source: &Source) {
        self.note(vec!["firewalls".into(), name.into()], source);
        self.file.firewalls.insert(name.to_string(), def);
    }

    /// Adds a workload.
    pub fn workload(&mut self, name: &str, def: WorkloadDef, source: &Source) {
        self.note(vec!["workloads".into(), name.into()], source);
        self.file.workloads.insert(name.to_string(), def);
    }

    /// Adds a service.
    pub fn service(&mut self, name: &str, def: ServiceDef, source: &Source) {
        self.note(vec!["services".into(), name.into()], source);
        self.file.services.insert(name.to_string(), def);
    }

    /// Adds a private DNS zone (or replaces one of the same name).
    pub fn private_zone(&mut self, zone: &str, def: PrivateZoneDef, source: &Source) {
        self.note(
            vec!["dns".into(), "private_zones".into(), zone.into()],
            source,
        );
        self.file
            .dns
            .get_or_insert_with(|| DnsDef {
                private_zones: BTreeMap::new(),
                resolvers: BTreeMap::new(),
                forwarding_rulesets: BTreeMap::new(),
                servers: BTreeMap::new(),
                pos: Default::default(),
            })
            .private_zones
            .insert(zone.to_string(), def);
    }

    /// A private DNS zone already added, to add links and records to.
    pub fn private_zone_mut(&mut self, zone: &str) -> Option<&mut PrivateZoneDef> {
        self.file.dns.as_mut()?.private_zones.get_mut(zone)
    }

    /// Adds a source note to an element added earlier (a child resource that changed it).
    pub fn note_more(&mut self, path: &[&str], source: &Source) {
        self.note(path.iter().map(|s| s.to_string()).collect(), source);
    }

    /// Finishes the design: the records, and the YAML with a comment on each element.
    pub fn finish(self, header: &[String]) -> Emitted {
        let mut yaml = String::new();
        for line in header {
            for part in line.lines() {
                yaml.push_str("# ");
                yaml.push_str(part);
                yaml.push('\n');
            }
        }
        yaml.push_str(&to_yaml_annotated(&self.file, &self.notes));
        Emitted {
            file: self.file,
            yaml,
        }
    }
}

/// A finished design.
#[derive(Clone, Debug)]
pub struct Emitted {
    /// The records.
    pub file: TopologyFile,
    /// The design as YAML, with `# source:` comments.
    pub yaml: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use vnetlab_core::format::Cidr;

    fn src(line: u32) -> Source {
        Source {
            file: "in.json".into(),
            line,
            col: 3,
            resource: Some(format!("/r/{line}")),
        }
    }

    #[test]
    fn names_are_stable_unique_and_valid() {
        let mut b = DesignBuilder::new("t", None);
        assert_eq!(b.name(Namespace::Nsg, "/a", "web nsg"), "web-nsg");
        assert_eq!(b.name(Namespace::Nsg, "/b", "WEB-nsg"), "WEB-nsg-2");
        assert_eq!(b.name(Namespace::Nsg, "/a", "other"), "web-nsg");
        assert_eq!(b.name(Namespace::Vnet, "/b", "web-nsg"), "web-nsg");
        assert_eq!(b.name_of(Namespace::Nsg, "/b"), Some("WEB-nsg-2"));
        assert_eq!(clean_name("a/b"), "a-b");
        assert_eq!(clean_name(""), "unnamed");
    }

    #[test]
    fn printed_design_has_source_comments_and_loads_back() {
        let mut b = DesignBuilder::new("imported", None);
        let net = |s: &str| Spanned::new(Cidr(s.parse().unwrap()));
        b.vnet(
            "hub",
            VnetDef {
                address_space: vec![net("10.0.0.0/16")],
                dns_servers: vec![],
                region: None,
                subscription: None,
                resource_group: None,
                tags: BTreeMap::new(),
                subnets: BTreeMap::new(),
                pos: Default::default(),
            },
            &src(4),
        );
        let sub = SubnetDef {
            prefix: Some(net("10.0.1.0/24")),
            prefixes: vec![],
            nsg: None,
            route_table: None,
            service_endpoints: vec![],
            private_endpoint_network_policies: None,
            nat_gateway: None,
            default_outbound_access: None,
            service_endpoint_policies: vec![],
            delegations: vec![],
            pos: Default::default(),
        };
        assert!(b.subnet("hub", "default", sub.clone(), &src(9)));
        assert!(!b.subnet("nope", "default", sub, &src(9)));
        b.peering(
            PeeringDef {
                between: None,
                from: Some(Spanned::new("hub".into())),
                to: Some(Spanned::new("hub".into())),
                allow_forwarded_traffic: None,
                allow_virtual_network_access: None,
                allow_gateway_transit: None,
                use_remote_gateways: None,
                subnets: BTreeMap::new(),
                pos: Default::default(),
            },
            &src(20),
        );
        let e = b.finish(&["imported by a test".into()]);
        assert!(e.yaml.starts_with("# imported by a test\n"));
        assert!(
            e.yaml.contains("  # source: /r/4 (in.json:4:3)\n  hub:\n"),
            "{}",
            e.yaml
        );
        assert!(
            e.yaml
                .contains("      # source: /r/9 (in.json:9:3)\n      default:\n"),
            "{}",
            e.yaml
        );
        assert!(
            e.yaml
                .contains("  # source: /r/20 (in.json:20:3)\n  - from: hub\n"),
            "{}",
            e.yaml
        );
        let mut diags = vnetlab_core::diag::Diagnostics::new("out.yaml");
        let back = vnetlab_core::format::read(e.yaml.as_bytes(), &mut diags).expect("loads");
        assert_eq!(back, e.file);
    }
}
