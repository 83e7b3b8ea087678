//! Lowers the file records into a validated [`Design`]: resolves every reference, applies
//! Azure's defaults, allocates addresses and collects every problem.

use super::*;
use crate::diag::{Diagnostics, did_you_mean};
use crate::format::{OneOrMany, Port, RuleProtocol, Spanned};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Builds the model. `None` when there are errors; warnings may come with a design. The design
/// keeps a copy of the records ([`Design::file`]); [`build_owned`] moves them in instead.
pub fn build(file: &TopologyFile, opts: &BuildOptions, diags: &mut Diagnostics) -> Option<Design> {
    build_from(Cow::Borrowed(file), opts, diags)
}

/// [`build`] of records the caller no longer needs: they move into the design
/// ([`Design::file`]) instead of being copied (T3: 70 MB of JSON, about 0.1 s of copying).
pub fn build_owned(
    file: TopologyFile,
    opts: &BuildOptions,
    diags: &mut Diagnostics,
) -> Option<Design> {
    build_from(Cow::Owned(file), opts, diags)
}

fn build_from(
    file: Cow<'_, TopologyFile>,
    opts: &BuildOptions,
    diags: &mut Diagnostics,
) -> Option<Design> {
    let mut b = Builder {
        d: diags,
        tags: &opts.tags,
        names: Names::default(),
        ip_groups: BTreeMap::new(),
    };
    // The records are in the design from here on (`d.file`), moved or copied.
    let design = b.lower(file);
    if b.d.has_errors() {
        // References did not all resolve, but the address plan stands on its own: report its
        // problems too, so one run shows them all.
        if let Some(d) = &design {
            super::validate::address_plan_only(d, &d.file, b.d);
        }
        return None;
    }
    let design = design.map(|mut d| {
        super::alloc::allocate(&mut d, b.d);
        // A dns_server workload's records and forwarders answer at its allocated address.
        for s in &mut d.dns.servers {
            if let Some(w) = s.workload {
                s.ip = d.workloads[w.ix()].ip;
            }
        }
        super::alloc::register_pe_records(&mut d, b.d);
        super::settings::register_vm_records(&mut d);
        d
    });
    // Every reference resolved, so the whole-design checks can run even when allocation
    // failed (a full subnet, a taken address): one run reports every problem, and a /30 hears
    // that the smallest subnet is a /29 besides being full.
    if let Some(d) = &design {
        super::validate::validate(d, &d.file, b.d);
    }
    design.filter(|_| !b.d.has_errors()).map(|mut d| {
        d.derived = crate::eval::Derived::compute(&d);
        d
    })
}

/// The NSG `name` of `d` lowered again from the records in `d.file` (after an edit of its
/// rules), exactly as [`build`] lowers it; its problems (and warnings) go to `diags`. `None` when
/// `d.file` has no such NSG. Rule sides read only the ASGs' names, service tags and addresses,
/// which an edit of the rules does not change.
pub(crate) fn relower_nsg(
    d: &Design,
    name: &str,
    opts: &BuildOptions,
    diags: &mut Diagnostics,
) -> Option<Nsg> {
    let def = d.file.nsgs.get(name)?;
    let mut b = Builder {
        d: diags,
        tags: &opts.tags,
        names: Names::default(),
        ip_groups: BTreeMap::new(),
    };
    b.names.asgs = d
        .asgs
        .iter()
        .enumerate()
        .map(|(i, a)| (a.name.clone(), AsgId(i as u32)))
        .collect();
    Some(b.nsg(name, def))
}

/// The peering links `f` gives, lowered against the VNets of `d` (built from records with the
/// same VNets and gateways): what building `f` would give after an edit of `peerings` alone.
/// `Err` with the first error when an entry no longer lowers.
pub(super) fn lower_peerings(
    d: &Design,
    f: &TopologyFile,
    opts: &BuildOptions,
) -> Result<Vec<PeeringLink>, String> {
    let mut diags = Diagnostics::new("edited");
    let mut b = Builder {
        d: &mut diags,
        tags: &opts.tags,
        names: Names::default(),
        ip_groups: BTreeMap::new(),
    };
    b.names.vnets = d
        .vnets
        .iter()
        .enumerate()
        .map(|(i, v)| (v.name.clone(), VnetId(i as u32)))
        .collect();
    // A subnet peering names its subnets (S12).
    b.names.subnets = d
        .subnets
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.clone(), SubnetId(i as u32)))
        .collect();
    let links = b.peerings(f);
    super::relink::first_error(diags).map_or(Ok(links), Err)
}

#[derive(Default)]
struct Names {
    vnets: BTreeMap<String, VnetId>,
    subnets: BTreeMap<String, SubnetId>,
    nsgs: BTreeMap<String, NsgId>,
    asgs: BTreeMap<String, AsgId>,
    route_tables: BTreeMap<String, RouteTableId>,
    gateways: BTreeMap<String, GatewayId>,
    sites: BTreeMap<String, SiteId>,
    services: BTreeMap<String, ServiceId>,
    zones: BTreeMap<String, ZoneId>,
    nat_gateways: BTreeMap<String, NatGatewayId>,
    endpoint_policies: BTreeMap<String, EndpointPolicyId>,
    workloads: BTreeMap<String, WorkloadId>,
}

struct Builder<'a, 'd> {
    d: &'d mut Diagnostics,
    tags: &'a ServiceTags,
    names: Names,
    /// Azure Firewall IP groups' addresses by name.
    ip_groups: BTreeMap<String, crate::net::AddrSet>,
}

fn ids<V, T>(map: &BTreeMap<String, V>, f: impl Fn(u32) -> T) -> BTreeMap<String, T> {
    map.keys()
        .enumerate()
        .map(|(i, k)| (k.clone(), f(i as u32)))
        .collect()
}

/// The documentation address used for a public IP that the file does not give.
fn doc_public_ip(n: usize) -> Ipv4Addr {
    Ipv4Addr::new(192, 0, 2, 10 + (n % 240) as u8)
}

mod admin;
mod dns;
mod front_door;
mod ingress;
mod network;
mod resources;
mod security;
mod service_settings;
mod settings;

impl Builder<'_, '_> {
    pub(super) fn resolve<T: Copy>(
        &mut self,
        r: &Spanned<String>,
        map: &BTreeMap<String, T>,
        what: &str,
    ) -> Option<T> {
        resolve_in(self.d, r, map, what)
    }

    /// The design of `file`, which it keeps (`Design::file`: moved when owned, else copied).
    pub(super) fn lower(&mut self, file: Cow<'_, TopologyFile>) -> Option<Design> {
        let f: &TopologyFile = &file;
        if f.version.value != 1 {
            self.d
                .error(
                    f.version.span(),
                    "version",
                    format!("unsupported format version {}", f.version.value),
                )
                .help("this vnetlab reads `version: 1`");
        }
        let region = f
            .region
            .clone()
            .unwrap_or_else(|| "eastus".into())
            .to_ascii_lowercase();

        // Name → id tables first, so every reference below resolves whatever the order.
        self.names.vnets = ids(&f.vnets, VnetId);
        let mut subnet_names = BTreeMap::new();
        for (vn, v) in &f.vnets {
            for sn in v.subnets.keys() {
                subnet_names.insert(format!("{vn}/{sn}"), ());
            }
        }
        self.names.subnets = ids(&subnet_names, SubnetId);
        self.names.nsgs = ids(&f.nsgs, NsgId);
        let mut asg_names: BTreeMap<String, ()> = f.asgs.keys().map(|k| (k.clone(), ())).collect();
        for w in f.workloads.values() {
            for a in &w.asgs {
                asg_names.insert(a.value.clone(), ());
            }
        }
        self.names.asgs = ids(&asg_names, AsgId);
        self.names.route_tables = ids(&f.route_tables, RouteTableId);
        self.names.gateways = ids(&f.gateways, GatewayId);
        let mut site_names = BTreeMap::new();
        for (gn, g) in &f.gateways {
            for sn in g.sites.keys() {
                site_names.insert(format!("{gn}/{sn}"), ());
            }
        }
        self.names.sites = ids(&site_names, SiteId);
        self.names.services = ids(&f.services, ServiceId);
        self.names.nat_gateways = ids(&f.nat_gateways, NatGatewayId);
        self.names.endpoint_policies = ids(&f.service_endpoint_policies, EndpointPolicyId);
        self.names.workloads = ids(&f.workloads, WorkloadId);
        let empty = BTreeMap::new();
        let zones = f.dns.as_ref().map(|d| &d.private_zones).unwrap_or(&empty);
        self.names.zones = ids(zones, ZoneId);

        let scope = Scope::default().with(&f.subscription, &f.resource_group);
        let vnets = self.vnets(f, &region, &scope);
        let subnets = self.subnets(f);
        let nat_gateways = self.nat_gateways(f);
        let gateways = self.gateways(f);
        let sites = self.sites(f);
        let route_tables = self.route_tables(f);
        let services = self.services(f, &region, &scope);
        let endpoint_policies = self.endpoint_policies(f, &services);
        let workloads = self.workloads(f);
        let mut services = services;
        self.service_settings(f, &mut services, &workloads);
        let asgs = asg_names
            .keys()
            .map(|name| Asg {
                name: name.clone(),
                members: workloads
                    .iter()
                    .enumerate()
                    .filter(|(_, w)| w.asgs.iter().any(|a| self.names.asgs.get(name) == Some(a)))
                    .map(|(i, _)| WorkloadId(i as u32))
                    .collect(),
            })
            .collect();
        let nsgs = self.nsgs(f);
        self.ip_groups = self.lower_ip_groups(f);
        let firewalls = self.firewalls(f);
        let private_endpoints = self.private_endpoints(f);
        let zones = self.zones(f);
        let clients = self.clients(f);
        let dns = self.dns_setup(f, &subnets, &workloads);
        let peerings = self.peerings(f);
        let expectations = self.expectations(f);
        let front_doors = self.front_doors(f, &workloads, &services);

        let mut vnets = vnets;
        self.admin_rules(f, &mut vnets);
        let mut subnets = subnets;
        admin::mark_exempt(&mut subnets, &firewalls, &workloads, &gateways);
        for (i, s) in subnets.iter().enumerate() {
            vnets[s.vnet.ix()].subnets.push(SubnetId(i as u32));
        }
        for (i, g) in gateways.iter().enumerate() {
            // A gateway whose VNet did not resolve (an error already reported) points nowhere;
            // with no VNet at all its placeholder id would be out of range (found by fuzzing).
            if let Some(v) = vnets.get_mut(g.vnet.ix()) {
                v.gateway = Some(GatewayId(i as u32));
            }
        }
        for (i, pe) in private_endpoints.iter().enumerate() {
            services[pe.service.ix()]
                .private_endpoints
                .push(PeId(i as u32));
        }

        Some(Design {
            name: f.name.clone(),
            description: f.description.clone().unwrap_or_default(),
            region,
            vnets,
            subnets,
            peerings,
            nsgs,
            asgs,
            route_tables,
            gateways,
            sites,
            firewalls,
            nat_gateways,
            endpoint_policies,
            workloads,
            services,
            front_doors,
            private_endpoints,
            zones,
            dns,
            clients,
            expectations,
            tags: self.tags.clone(),
            file: file.into_owned(),
            derived: Default::default(),
        })
    }
}

/// The id `r` names in `map`, or an error in `diags` with a "did you mean" (what
/// [`Builder::resolve`] does, for callers holding a borrow of the builder's name tables).
pub(super) fn resolve_in<T: Copy>(
    diags: &mut Diagnostics,
    r: &Spanned<String>,
    map: &BTreeMap<String, T>,
    what: &str,
) -> Option<T> {
    if let Some(id) = map.get(&r.value) {
        return Some(*id);
    }
    let diag = diags.error(
        r.span(),
        "reference",
        format!("no {what} named `{}`", r.value),
    );
    match did_you_mean(&r.value, map.keys().map(String::as_str)) {
        Some(s) => diag.help(format!("did you mean `{s}`?")),
        None if map.is_empty() => diag.help(format!("declare the {what} first")),
        None => diag.help(format!(
            "known: {}",
            map.keys().take(12).cloned().collect::<Vec<_>>().join(", ")
        )),
    };
    None
}

/// The protocol of a rule; `None` is Any.
pub(crate) fn protocol(p: Option<RuleProtocol>) -> Option<Protocol> {
    match p.unwrap_or(RuleProtocol::Any) {
        RuleProtocol::Any => None,
        RuleProtocol::Tcp => Some(Protocol::Tcp),
        RuleProtocol::Udp => Some(Protocol::Udp),
        RuleProtocol::Icmp => Some(Protocol::Icmp),
        RuleProtocol::Esp => Some(Protocol::Esp),
        RuleProtocol::Ah => Some(Protocol::Ah),
    }
}

pub(crate) fn ports(p: Option<&OneOrMany<Spanned<Port>>>) -> PortSet {
    match p {
        None => PortSet::any(),
        Some(list) if list.is_empty() => PortSet::any(),
        Some(list) => PortSet::from_ranges(list.0.iter().map(|p| p.value.0).collect()),
    }
}

/// The six default rules of one direction (A3).
fn default_rules(dir: Direction) -> Vec<NsgRule> {
    let rule = |name: &str, priority, source, destination, access| NsgRule {
        name: name.to_string(),
        priority,
        direction: dir,
        access,
        protocol: None,
        source,
        source_ports: PortSet::any(),
        destination,
        destination_ports: PortSet::any(),
        is_default: true,
        span: Span::default(),
    };
    use AddrEntry::*;
    match dir {
        Direction::Inbound => vec![
            rule(
                "AllowVNetInBound",
                65000,
                vec![VirtualNetwork],
                vec![VirtualNetwork],
                Access::Allow,
            ),
            rule(
                "AllowAzureLoadBalancerInBound",
                65001,
                vec![Tag("AzureLoadBalancer".into())],
                vec![Any],
                Access::Allow,
            ),
            rule("DenyAllInBound", 65500, vec![Any], vec![Any], Access::Deny),
        ],
        Direction::Outbound => vec![
            rule(
                "AllowVnetOutBound",
                65000,
                vec![VirtualNetwork],
                vec![VirtualNetwork],
                Access::Allow,
            ),
            rule(
                "AllowInternetOutBound",
                65001,
                vec![Any],
                vec![Tag("Internet".into())],
                Access::Allow,
            ),
            rule("DenyAllOutBound", 65500, vec![Any], vec![Any], Access::Deny),
        ],
    }
}

/// A small stable hash (FNV-1a) for deterministic synthetic addresses.
pub(crate) fn fnv(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}
