//! Lowering custom DNS: DNS private resolvers, forwarding rulesets and DNS servers with host
//! records and conditional forwarders (semantics A3).

use super::*;
use crate::format::Ip;
use crate::model::dns::{
    DnsResolver, DnsServer, DnsSetup, Fallback, ForwardingRule, ForwardingRuleset, normalise_domain,
};

impl Builder<'_, '_> {
    pub(super) fn dns_setup(
        &mut self,
        f: &TopologyFile,
        subnets: &[Subnet],
        workloads: &[Workload],
    ) -> DnsSetup {
        let mut out = DnsSetup::default();
        let vnets = self.names.vnets.clone();
        let mut resolver_ids = BTreeMap::new();
        if let Some(dns) = &f.dns {
            for (name, r) in &dns.resolvers {
                let Some(vnet) = self.resolve(&r.vnet, &vnets, "VNet") else {
                    continue;
                };
                let mut inbound = Vec::new();
                for e in &r.inbound_endpoints {
                    let Some(s) = self.endpoint_subnet(f, name, &e.subnet, vnet, subnets) else {
                        continue;
                    };
                    if !subnets[s.ix()].contains(&e.ip.value.0) {
                        self.d
                            .error(
                                e.ip.span(),
                                "inbound-endpoint",
                                format!(
                                    "inbound endpoint {} of resolver `{name}` is outside subnet {} ({})",
                                    e.ip.value.0, e.subnet.value, subnets[s.ix()].prefixes_text()
                                ),
                            )
                            .help("give it an address of its subnet");
                    }
                    inbound.push((s, e.ip.value.0));
                }
                let mut outbound = Vec::new();
                for o in &r.outbound_endpoints {
                    if let Some(s) = self.endpoint_subnet(f, name, o, vnet, subnets) {
                        outbound.push(s);
                    }
                }
                resolver_ids.insert(name.clone(), out.resolvers.len());
                out.resolvers.push(DnsResolver {
                    name: name.clone(),
                    vnet,
                    inbound,
                    outbound,
                    span: r.pos.0,
                });
            }
            for (name, rs) in &dns.forwarding_rulesets {
                if let Some(i) = self.resolve(&rs.resolver, &resolver_ids, "DNS private resolver")
                    && out.resolvers[i].outbound.is_empty()
                {
                    self.d
                        .error(
                            rs.resolver.span(),
                            "ruleset-outbound",
                            format!("ruleset `{name}` needs an outbound endpoint of resolver `{}` to forward through", rs.resolver.value),
                        )
                        .help("add `outbound_endpoints: [VNET/SUBNET]` (a dedicated subnet) to the resolver");
                }
                let links = rs
                    .links
                    .iter()
                    .filter_map(|l| self.resolve(l, &vnets, "VNet"))
                    .collect();
                let rules = rs
                    .rules
                    .iter()
                    .map(|r| ForwardingRule {
                        domain: normalise_domain(&r.domain.value),
                        targets: r.targets.iter().map(|t| t.value.0).collect(),
                        enabled: r.enabled.unwrap_or(true),
                    })
                    .collect();
                out.rulesets.push(ForwardingRuleset {
                    name: name.clone(),
                    links,
                    rules,
                });
            }
            for (name, s) in &dns.servers {
                out.servers.push(server(
                    name,
                    s.ip.value.0,
                    &s.records,
                    &s.forwarders,
                    Fallback::Public,
                ));
            }
        }
        for (i, ((name, w), lowered)) in f.workloads.iter().zip(workloads).enumerate() {
            if w.records.is_empty() && w.forwarders.is_empty() {
                continue;
            }
            if w.kind != WorkloadKind::DnsServer {
                self.d.error(
                    w.pos.0,
                    "dns-records",
                    format!(
                        "`{name}` is a {}: only a dns_server has `records` and `forwarders`",
                        w.kind
                    ),
                );
                continue;
            }
            let fallback = if lowered.forwards_to_azure_dns {
                Fallback::AzureDns(subnets[lowered.subnet.ix()].vnet)
            } else {
                Fallback::Public
            };
            // The workload's address may be allocated later; `ip` is filled in then.
            let mut s = server(name, lowered.ip, &w.records, &w.forwarders, fallback);
            s.workload = Some(WorkloadId(i as u32));
            out.servers.push(s);
        }
        out
    }

    /// An endpoint's subnet: in the resolver's VNet and dedicated to it (Microsoft: "No other
    /// resources can exist in the same subnet with the inbound endpoint").
    fn endpoint_subnet(
        &mut self,
        f: &TopologyFile,
        resolver: &str,
        r: &Spanned<String>,
        vnet: VnetId,
        subnets: &[Subnet],
    ) -> Option<SubnetId> {
        let names = self.names.subnets.clone();
        let s = self.resolve(r, &names, "subnet")?;
        if subnets[s.ix()].vnet != vnet {
            self.d
                .error(
                    r.span(),
                    "resolver-endpoint",
                    format!(
                        "endpoint subnet {} of resolver `{resolver}` is not in the resolver's VNet",
                        r.value
                    ),
                )
                .help("a resolver's endpoints are in subnets of its own VNet");
        }
        let shared = f.workloads.values().any(|w| w.subnet.value == r.value)
            || f.firewalls.values().any(|w| w.subnet.value == r.value)
            || f.services
                .values()
                .flat_map(|s| &s.private_endpoints)
                .any(|p| p.subnet.value == r.value);
        if shared {
            self.d
                .warning(
                    r.span(),
                    "resolver-subnet",
                    format!("subnet {} of resolver `{resolver}` holds other resources; Azure requires a subnet dedicated to the endpoint", r.value),
                )
                .help("move the other resources, or give the endpoint its own subnet (a /28 is enough)");
        }
        Some(s)
    }
}

/// Records and forwarders as written.
type Records = BTreeMap<String, Spanned<Ip>>;
type Forwarders = BTreeMap<String, Vec<Spanned<Ip>>>;

fn server(
    name: &str,
    ip: Ipv4Addr,
    records: &Records,
    forwarders: &Forwarders,
    fallback: Fallback,
) -> DnsServer {
    DnsServer {
        name: name.to_string(),
        ip,
        records: records
            .iter()
            .map(|(n, a)| (normalise_domain(n), a.value.0))
            .collect(),
        forwarders: forwarders
            .iter()
            .map(|(dom, t)| (normalise_domain(dom), t.iter().map(|x| x.value.0).collect()))
            .collect(),
        fallback,
        workload: None,
    }
}
