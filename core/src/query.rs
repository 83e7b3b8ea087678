//! What users name as a flow's source or destination: workloads, clients, `internet`,
//! `service:TAG`, `SERVICE:SUBRESOURCE`, FQDNs, subnets, VNets and addresses.

use crate::diag::did_you_mean;
use crate::model::{
    ClientId, Design, FirewallId, ServiceId, SubnetId, VnetId, WorkloadId, catalog,
};
use crate::net::{parse_ipv4, parse_ipv4_net};
use ipnet::Ipv4Net;
use std::net::Ipv4Addr;

/// Which end of a flow is being named.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The source.
    Source,
    /// The destination.
    Destination,
}

/// A name that does not denote anything in the design.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError {
    /// What is wrong.
    pub message: String,
    /// A fix, where one is obvious.
    pub help: Option<String>,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(h) = &self.help {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

/// One endpoint of a single flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// A workload.
    Workload(WorkloadId),
    /// A client (the built-in `internet` is client 0).
    Client(ClientId),
    /// An Azure service origin (`service:TAG`) or a tag's address as destination.
    ServiceTag(String),
    /// A PaaS service's subresource, reached by its FQDN.
    Service(ServiceId, &'static str),
    /// A name to resolve.
    Fqdn(String),
    /// An address.
    Ip(Ipv4Addr),
    /// A firewall (its private address, or its public one from outside).
    Firewall(FirewallId),
    /// A host in a subnet (its first usable address, unless a workload holds it).
    Subnet(SubnetId),
    /// A compute in an Azure ML workspace's managed virtual network (`managed:WORKSPACE`).
    Managed(ServiceId),
    /// A service's own requests, made with its managed identity from Microsoft's network
    /// (`identity:SERVICE`, S22).
    Identity(ServiceId),
    /// A deployment of a workspace's managed online endpoint
    /// (`deployment:ENDPOINT/DEPLOYMENT`, S24): the workspace, endpoint and deployment indexes.
    Deployment(ServiceId, usize, usize),
}

impl Endpoint {
    /// The element of the design the endpoint names (a name to resolve is a [`ElementRef::DnsName`],
    /// an address the element holding it).
    pub fn element(&self, d: &Design) -> crate::model::ElementRef {
        use crate::model::ElementRef;
        match self {
            Endpoint::Workload(w) => ElementRef::workload(d, *w),
            Endpoint::Firewall(f) => ElementRef::firewall(d, *f),
            Endpoint::Client(c) => ElementRef::client(d, *c),
            Endpoint::Managed(ws) | Endpoint::Service(ws, _) | Endpoint::Identity(ws) => {
                ElementRef::service(d, *ws)
            }
            Endpoint::Deployment(ws, _, _) => {
                ElementRef::service(d, *ws).setting("online_endpoints")
            }
            Endpoint::ServiceTag(t) => ElementRef::ServiceTag(t.clone()),
            Endpoint::Subnet(s) => ElementRef::subnet(d, *s),
            Endpoint::Ip(ip) => ElementRef::at_address(d, *ip),
            Endpoint::Fqdn(n) => ElementRef::DnsName(n.clone()),
        }
    }
}

/// A set of endpoints, for expectations that speak of many packets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndpointSet {
    /// Exactly one endpoint.
    One(Endpoint),
    /// Every address of a subnet.
    Subnet(SubnetId),
    /// Every address of a VNet (`VNET/*`).
    Vnet(VnetId),
    /// Every address of a prefix.
    Prefix(Ipv4Net),
    /// Every public address (`internet`).
    Internet,
}

fn err(message: String, help: Option<String>) -> QueryError {
    QueryError { message, help }
}

/// Parses one endpoint.
pub fn parse_endpoint(d: &Design, text: &str, side: Side) -> Result<Endpoint, QueryError> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("internet") {
        return Ok(Endpoint::Client(ClientId(0)));
    }
    if let Some(ws) = t.strip_prefix("managed:") {
        let managed = d.service_by_name(ws).filter(|s| {
            d.services[s.ix()]
                .managed_network
                .as_ref()
                .is_some_and(|m| m.isolation != crate::format::Isolation::Disabled)
        });
        return match (managed, side) {
            (Some(s), Side::Source) => Ok(Endpoint::Managed(s)),
            (Some(_), Side::Destination) => Err(err(format!("`{t}` can only be a source"), None)),
            (None, _) => Err(err(
                format!("`{ws}` is not a workspace with a managed virtual network"),
                Some("`managed:WORKSPACE` names a compute in the managed VNet of a workspace whose managed_network isolation is not disabled".into()),
            )),
        };
    }
    if let Some(path) = t.strip_prefix("deployment:") {
        let found = path.split_once('/').and_then(|(e, dep)| {
            d.services.iter().enumerate().find_map(|(si, s)| {
                let (ei, ep) = s
                    .online_endpoints
                    .iter()
                    .enumerate()
                    .find(|(_, x)| x.name == e)?;
                let di = ep.deployments.iter().position(|(n, _)| n == dep)?;
                Some(Endpoint::Deployment(ServiceId(si as u32), ei, di))
            })
        });
        return match (found, side) {
            (Some(e), Side::Source) => Ok(e),
            (Some(_), Side::Destination) => Err(err(format!("`{t}` can only be a source"), None)),
            (None, _) => Err(err(
                format!("no managed online endpoint deployment `{path}`"),
                Some("`deployment:ENDPOINT/DEPLOYMENT` names a deployment of a workspace's `online_endpoints`".into()),
            )),
        };
    }
    if let Some(name) = t.strip_prefix("identity:") {
        return match (d.service_by_name(name), side) {
            (Some(s), Side::Source) => Ok(Endpoint::Identity(s)),
            (Some(_), Side::Destination) => Err(err(format!("`{t}` can only be a source"), None)),
            (None, _) => Err(err(
                format!("no service named `{name}`"),
                did_you_mean(name, d.services.iter().map(|s| s.name.as_str()))
                    .map(|s| format!("did you mean `identity:{s}`?")),
            )),
        };
    }
    if let Some(tag) = t.strip_prefix("service:") {
        return match d.tags.canonical(tag) {
            Some(c) => Ok(Endpoint::ServiceTag(c.to_string())),
            None => Err(err(
                format!("unknown service tag `{tag}`"),
                did_you_mean(tag, d.tags.names()).map(|s| format!("did you mean `service:{s}`?")),
            )),
        };
    }
    if let Some(w) = d.workload_by_name(t) {
        return Ok(Endpoint::Workload(w));
    }
    if let Some(c) = d.client_by_name(t) {
        return Ok(Endpoint::Client(c));
    }
    if let Some(f) = d.firewall_by_name(t) {
        return Ok(Endpoint::Firewall(f));
    }
    // A Front Door profile is its endpoint's address (I8): a destination only, as Front Door
    // opens connections only to its origins.
    if let Some(f) = d.front_door_by_name(t)
        && side == Side::Destination
    {
        return Ok(Endpoint::Ip(d.front_doors[f.ix()].ip));
    }
    if let Some(s) = d.subnet_by_name(t) {
        return Ok(Endpoint::Subnet(s));
    }
    let (svc, sub) = match t.split_once(':') {
        Some((s, g)) => (s, Some(g)),
        None => (t, None),
    };
    if let Some(sid) = d.service_by_name(svc) {
        if side == Side::Source {
            return Err(err(
                format!("`{t}` is a PaaS service; services do not start flows"),
                Some("name a workload, client or `service:TAG` as source".into()),
            ));
        }
        let kind = d.services[sid.ix()].kind;
        let group = match sub {
            None => catalog::subresources(kind)[0].group,
            Some(g) => match catalog::subresource(kind, g) {
                Some(s) => s.group,
                None => {
                    let groups: Vec<&str> = catalog::subresources(kind)
                        .iter()
                        .map(|s| s.group)
                        .collect();
                    return Err(err(
                        format!("a {kind} has no subresource `{g}`"),
                        Some(format!("use one of: {}", groups.join(", "))),
                    ));
                }
            },
        };
        return Ok(Endpoint::Service(sid, group));
    }
    if let Some(ip) = parse_ipv4(t) {
        return Ok(Endpoint::Ip(ip));
    }
    let looks_like_name = t.contains('.')
        && t.chars().any(|c| c.is_ascii_alphabetic())
        && !t.contains('/')
        && !t.contains(' ');
    if looks_like_name {
        if side == Side::Source {
            return Err(err(
                format!(
                    "`{t}` is a name; a source must be a workload, client, subnet, `service:TAG` or an address"
                ),
                None,
            ));
        }
        return Ok(Endpoint::Fqdn(t.to_ascii_lowercase()));
    }
    let mut names: Vec<&str> = Vec::new();
    names.extend(d.workloads.iter().map(|w| w.name.as_str()));
    names.extend(d.clients.iter().map(|c| c.name.as_str()));
    names.extend(d.services.iter().map(|s| s.name.as_str()));
    names.extend(d.subnets.iter().map(|s| s.name.as_str()));
    names.extend(d.firewalls.iter().map(|f| f.name.as_str()));
    Err(err(
        format!("`{t}` is not a workload, client, service, subnet, address or name in this design"),
        did_you_mean(t, names).map(|s| format!("did you mean `{s}`?")),
    ))
}

/// Parses an endpoint or a set of them.
pub fn parse_set(d: &Design, text: &str, side: Side) -> Result<EndpointSet, QueryError> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("internet") {
        return Ok(EndpointSet::Internet);
    }
    if let Some(vn) = t.strip_suffix("/*") {
        return match d.vnet_by_name(vn) {
            Some(v) => Ok(EndpointSet::Vnet(v)),
            None => Err(err(
                format!("no VNet named `{vn}`"),
                did_you_mean(vn, d.vnets.iter().map(|v| v.name.as_str()))
                    .map(|s| format!("did you mean `{s}/*`?")),
            )),
        };
    }
    if let Some(s) = d.subnet_by_name(t) {
        return Ok(EndpointSet::Subnet(s));
    }
    if t.contains('/') && parse_ipv4(t).is_none() {
        match parse_ipv4_net(t) {
            Ok(n) => return Ok(EndpointSet::Prefix(n)),
            Err(Some(fixed)) => {
                return Err(err(
                    format!("`{t}` has host bits set"),
                    Some(format!("write `{fixed}`")),
                ));
            }
            Err(None) => {}
        }
    }
    parse_endpoint(d, t, side).map(EndpointSet::One)
}
