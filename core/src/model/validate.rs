//! Whole-design checks that need every element resolved: address plans, peerings, gateways,
//! DNS wiring, and the `expect` entries' endpoints. Errors for what Azure would reject,
//! warnings for what is legal but suspicious.

use super::*;
use crate::diag::Diagnostics;

pub(super) fn validate(d: &Design, f: &TopologyFile, diags: &mut Diagnostics) {
    address_plan(d, f, diags);
    peerings(d, diags);
    routes(d, f, diags);
    dns(d, f, diags);
    services(d, diags);
    asgs(d, f, diags);
    identity_groups(d, f, diags);
    expectations(d, diags);
    super::accept::accept(f, diags);
    super::settings::check(d, f, diags);
    super::subnet_rules::check(d, diags);
    super::delegations::check(d, diags);
    super::ingress::check(d, diags);
    super::front_door::check(d, None, diags);
}

/// The whole-design checks that read peering links, run after an edit of `peerings` (which
/// can only remove links or change their flags, so no overlap across a peering appears).
pub(super) fn after_peering_edit(d: &Design, f: &TopologyFile, diags: &mut Diagnostics) {
    peerings(d, diags);
    routes(d, f, diags);
}

/// The whole-design checks that read private endpoints and can fail, run after one is removed:
/// the `expect` entries' endpoints.
pub(super) fn after_endpoint_edit(d: &Design, diags: &mut Diagnostics) {
    expectations(d, diags);
}

impl Design {
    /// The warnings of the whole-design checks, run again on a design changed in place (an
    /// incremental edit): what is legal but suspicious, as loading the edited file would say.
    pub fn warnings(&self, file_name: &str) -> Vec<crate::diag::Diagnostic> {
        let mut diags = Diagnostics::new(file_name);
        validate(self, &self.file, &mut diags);
        diags.finish()
    }
}

/// The checks that do not depend on resolved references (for files with reference errors).
pub(super) fn address_plan_only(d: &Design, f: &TopologyFile, diags: &mut Diagnostics) {
    address_plan(d, f, diags);
}

fn forbidden() -> [(&'static str, Ipv4Net); 5] {
    [
        ("multicast", "224.0.0.0/4".parse().expect("valid")),
        ("broadcast", "255.255.255.255/32".parse().expect("valid")),
        ("loopback", "127.0.0.0/8".parse().expect("valid")),
        ("link-local", "169.254.0.0/16".parse().expect("valid")),
        ("Azure host", "168.63.129.16/32".parse().expect("valid")),
    ]
}

fn overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

fn address_plan(d: &Design, f: &TopologyFile, diags: &mut Diagnostics) {
    for (vi, (vname, vdef)) in f.vnets.iter().enumerate() {
        let spaces = &vdef.address_space;
        if spaces.is_empty() {
            diags.error(
                vdef.pos.0,
                "address-space",
                format!("VNet `{vname}` has no address space"),
            );
        }
        for (i, a) in spaces.iter().enumerate() {
            for (what, bad) in forbidden() {
                if overlaps(&a.value.0, &bad) {
                    diags.error(
                        a.span(),
                        "address-space",
                        format!(
                            "{} overlaps the {what} range {bad}, which Azure forbids in a VNet",
                            a.value.0
                        ),
                    );
                }
            }
            for b in &spaces[..i] {
                if overlaps(&a.value.0, &b.value.0) {
                    diags.error(
                        a.span(),
                        "address-space",
                        format!("{} overlaps {} in the same VNet", a.value.0, b.value.0),
                    );
                }
            }
        }
        let vid = VnetId(vi as u32);
        let subnets: Vec<&Subnet> = d.vnets[vid.ix()]
            .subnets
            .iter()
            .map(|s| &d.subnets[s.ix()])
            .collect();
        // Every prefix of every subnet, each with where it is written (S11).
        let written: Vec<(&Subnet, Ipv4Net, Span)> = subnets
            .iter()
            .flat_map(|s| {
                let spans = prefix_spans(&f.vnets[vname].subnets[&s.short_name]);
                s.prefixes
                    .iter()
                    .zip(spans)
                    .map(move |(p, sp)| (*s, *p, sp))
            })
            .collect();
        for (i, &(s, prefix, span)) in written.iter().enumerate() {
            if !d.vnets[vid.ix()]
                .address_space
                .iter()
                .any(|sp| sp.contains(&prefix.network()) && sp.contains(&prefix.broadcast()))
            {
                let spaces: Vec<String> = d.vnets[vid.ix()]
                    .address_space
                    .iter()
                    .map(|n| n.to_string())
                    .collect();
                diags
                    .error(span, "subnet-range", format!("subnet {} ({prefix}) is outside VNet `{vname}`'s address space {}", s.name, spaces.join(", ")))
                    .help("choose a prefix inside the VNet's address space, or add a range to `address_space`");
            }
            let len = prefix.prefix_len();
            if len > 29 {
                diags
                    .error(
                        span,
                        "subnet-size",
                        format!(
                            "subnet {} is a /{len}; the smallest Azure subnet is a /29",
                            s.name
                        ),
                    )
                    .help("use a /29 or larger (P3)");
            } else if len < 2 {
                diags.error(
                    span,
                    "subnet-size",
                    format!(
                        "subnet {} is a /{len}; the largest Azure subnet is a /2",
                        s.name
                    ),
                );
            }
            // P18: platform sizes Azure enforces when it creates the resource leave the model
            // defined (the addresses are known), so they warn and the design is analysed.
            if s.short_name == "AzureFirewallSubnet" && len > 26 {
                diags
                    .warning(
                        span,
                        "subnet-size",
                        format!("AzureFirewallSubnet is a /{len}; Azure Firewall requires a /26 or larger and refuses to deploy into a smaller one"),
                    )
                    .help("make it a /26 (Azure Firewall needs the addresses to scale)");
            }
            if s.short_name == "AzureBastionSubnet" && len > 26 && len <= 29 {
                diags
                    .warning(
                        span,
                        "subnet-size",
                        format!("AzureBastionSubnet is a /{len}; Azure Bastion requires a /26 or larger for deployments since November 2, 2021 (a /27 Bastion created before keeps working, but cannot use host scaling)"),
                    )
                    .help("make AzureBastionSubnet a /26 or larger");
            }
            if s.short_name == "GatewaySubnet" && len > 27 {
                diags.warning(
                    span,
                    "subnet-size",
                    format!("GatewaySubnet is a /{len}; Microsoft recommends a /27 or larger"),
                );
            }
            for &(o, o_prefix, o_span) in &written[..i] {
                if overlaps(&prefix, &o_prefix) {
                    // Reported at whichever is written later, pointing back at the first.
                    let ((later, lp, at), (first, fp, first_at)) = if o_span < span {
                        ((s, prefix, span), (o, o_prefix, o_span))
                    } else {
                        ((o, o_prefix, o_span), (s, prefix, span))
                    };
                    let (what, help) = if std::ptr::eq(s, o) {
                        (
                            "its own prefix",
                            "the prefixes of one subnet must not overlap",
                        )
                    } else {
                        ("sibling", "subnets of one VNet must not overlap")
                    };
                    diags
                        .error(
                            at,
                            "subnet-overlap",
                            format!(
                                "subnet {} ({lp}) overlaps {what} {} ({fp})",
                                later.name, first.name
                            ),
                        )
                        .help(help)
                        .related(
                            first_at,
                            format!("{} ({fp}) first defined here", first.name),
                        );
                }
            }
        }
    }
    // VNets whose address spaces overlap: fatal across a peering, suspicious otherwise.
    for (i, a) in d.vnets.iter().enumerate() {
        for (j, b) in d.vnets.iter().enumerate().skip(i + 1) {
            let clash = a
                .address_space
                .iter()
                .any(|x| b.address_space.iter().any(|y| overlaps(x, y)));
            if !clash {
                continue;
            }
            let peered = d.peerings.iter().find(|p| {
                (p.local.ix(), p.remote.ix()) == (i, j) || (p.local.ix(), p.remote.ix()) == (j, i)
            });
            match peered {
                Some(p) => {
                    diags
                        .error(p.span, "peering-overlap", format!("VNets `{}` and `{}` have overlapping address spaces and cannot be peered", a.name, b.name))
                        .help("re-address one of them (B7: peering is refused when address spaces overlap)");
                }
                None => {
                    diags.warning(f.vnets[&b.name].pos.0, "vnet-overlap", format!("VNets `{}` and `{}` overlap; they can never be peered or routed to each other", a.name, b.name));
                }
            }
        }
    }
}

fn peerings(d: &Design, diags: &mut Diagnostics) {
    for p in &d.peerings {
        let (l, r) = (&d.vnets[p.local.ix()], &d.vnets[p.remote.ix()]);
        if !p.connected {
            diags
                .warning(p.span, "peering-initiated", format!("peering `{}` → `{}` has no link back; it stays \"Initiated\" and carries no traffic", l.name, r.name))
                .help("add the reverse link, or use `between: [A, B]`");
        }
        if p.use_remote_gateways {
            if l.gateway.is_some() {
                diags.error(
                    p.span,
                    "gateway-transit",
                    format!(
                        "`{}` has its own gateway and cannot use `{}`'s (B7)",
                        l.name, r.name
                    ),
                );
            }
            let transit = d
                .peering(p.remote, p.local)
                .is_some_and(|b| b.allow_gateway_transit);
            if r.gateway.is_none() || !transit {
                diags
                    .error(
                        p.span,
                        "gateway-transit",
                        format!(
                            "`{}` uses `{}`'s gateway, but `{}` {}",
                            l.name,
                            r.name,
                            r.name,
                            if r.gateway.is_none() {
                                "has no gateway"
                            } else {
                                "does not allow gateway transit"
                            }
                        ),
                    )
                    .help("set `allow_gateway_transit: true` on the gateway side of the peering");
            }
        }
    }
    for (i, v) in d.vnets.iter().enumerate() {
        let uses = d
            .peerings
            .iter()
            .filter(|p| p.local.ix() == i && p.use_remote_gateways)
            .count();
        if uses > 1 {
            diags.error(
                d.peerings
                    .iter()
                    .find(|p| p.local.ix() == i)
                    .map(|p| p.span)
                    .unwrap_or_default(),
                "gateway-transit",
                format!(
                    "`{}` uses remote gateways over {uses} peerings; Azure allows one",
                    v.name
                ),
            );
        }
    }
}

fn routes(d: &Design, f: &TopologyFile, diags: &mut Diagnostics) {
    for (ti, (tname, t)) in f.route_tables.iter().enumerate() {
        let attached: Vec<&Subnet> = d
            .subnets
            .iter()
            .filter(|s| s.route_table.map(|r| r.ix()) == Some(ti))
            .collect();
        for (r, rdef) in d.route_tables[ti].routes.iter().zip(&t.routes) {
            if let Some(ip) = r.next_hop_ip {
                let forwards = d.firewalls.iter().any(|fw| fw.ip == ip)
                    || d.workloads.iter().any(|w| w.ip == ip && w.ip_forwarding);
                if !forwards {
                    let who = d.workloads.iter().find(|w| w.ip == ip);
                    let diag = diags.warning(
                        rdef.pos.0,
                        "next-hop",
                        format!(
                            "route `{}` in `{tname}` points at {ip}, {}",
                            r.name,
                            match who {
                                Some(w) => format!(
                                    "workload `{}`, which does not have ip_forwarding",
                                    w.name
                                ),
                                None => "where no firewall or NVA is".into(),
                            }
                        ),
                    );
                    diag.help("traffic on this route is dropped; point it at a firewall's private_ip or enable ip_forwarding");
                }
            }
            if r.next_hop == NextHopType::VirtualNetworkGateway {
                for s in &attached {
                    let gw = d.vnets[s.vnet.ix()].gateway.or_else(|| {
                        d.peerings
                            .iter()
                            .find(|p| p.local == s.vnet && p.use_remote_gateways)
                            .and_then(|p| d.vnets[p.remote.ix()].gateway)
                    });
                    match gw {
                        Some(g) if d.gateways[g.ix()].kind == GatewayKind::ExpressRoute => {
                            diags.error(rdef.pos.0, "next-hop", format!("route `{}`: a user-defined route cannot point at an ExpressRoute gateway (B3)", r.name));
                        }
                        None => {
                            diags.warning(rdef.pos.0, "next-hop", format!("route `{}` goes to a virtual network gateway, but {} has none; traffic is dropped", r.name, s.name));
                        }
                        _ => {}
                    }
                }
            }
            if r.prefixes.iter().any(|p| p.prefix_len() == 0)
                && attached.iter().any(|s| s.short_name == "GatewaySubnet")
            {
                diags.warning(
                    rdef.pos.0,
                    "gateway-subnet-route",
                    format!(
                        "route `{}` sends 0.0.0.0/0 from GatewaySubnet; Microsoft says not to (B5)",
                        r.name
                    ),
                );
            }
        }
    }
}

fn dns(d: &Design, f: &TopologyFile, diags: &mut Diagnostics) {
    for (vname, vdef) in &f.vnets {
        for ip in &vdef.dns_servers {
            let known = d
                .workloads
                .iter()
                .any(|w| w.ip == ip.value.0 && w.kind == WorkloadKind::DnsServer)
                || d.firewalls
                    .iter()
                    .any(|fw| fw.ip == ip.value.0 && fw.dns_proxy)
                || ip.value.0 == crate::tags::AZURE_HOST_IP
                || d.dns.inbound_at(ip.value.0).is_some()
                || d.dns.server_at(ip.value.0).is_some();
            if !known {
                diags
                    .warning(ip.span(), "dns-server", format!("VNet `{vname}` uses DNS server {}, which is not a dns_server workload or a firewall with DNS proxy", ip.value.0))
                    .help("vnetlab treats it as a resolver with no private zones: names resolve to public addresses");
            }
        }
    }
    for pe in &d.private_endpoints {
        let svc = &d.services[pe.service.ix()];
        if pe.zones.is_empty() {
            diags
                .warning(svc.span, "pe-no-zone", format!("private endpoint `{}` registers in no private DNS zone; clients will resolve the public address", pe.name))
                .help("add `zones:` with the subresource's privatelink zone");
        }
        let vnet = d.subnets[pe.subnet.ix()].vnet;
        // Clients in the endpoint's own VNet resolve through that VNet's resolver; the zone must
        // be linked where that resolver runs (C3, C4).
        let resolver = crate::eval::dns::resolver_for_vnet(d, vnet).0.azure_vnet(d);
        // A forwarding ruleset or a DNS server's forwarder may lead the name to a VNet that
        // sees the zone (A3): then the clients do get the private address.
        if resolves_privately(d, pe, vnet) {
            continue;
        }
        for z in &pe.zones {
            let zone = &d.zones[z.ix()];
            if !resolver.is_some_and(|r| zone.links.contains(&r)) {
                diags.warning(
                    svc.span,
                    "zone-not-linked",
                    format!(
                        "clients in VNet `{}` cannot see zone `{}` of private endpoint `{}`: it is not linked where their DNS resolves, so they get the public address",
                        d.vnets[vnet.ix()].name,
                        zone.name,
                        pe.name
                    ),
                );
            }
        }
    }
}

/// Whether the main name of a private endpoint's subresource resolves, from `vnet`, to one of
/// the service's private endpoints.
fn resolves_privately(d: &Design, pe: &super::PrivateEndpoint, vnet: super::VnetId) -> bool {
    let svc = &d.services[pe.service.ix()];
    let Some((public, _)) = catalog::subresource(svc.kind, &pe.group).and_then(|s| s.names.first())
    else {
        return false;
    };
    if public.starts_with('*') {
        return false;
    }
    let name = catalog::fill(public, &svc.name, &svc.region);
    let resolver = crate::eval::dns::resolver_for_vnet(d, vnet).0;
    let answer = crate::eval::dns::resolve(d, &name, resolver);
    answer.address.is_ok_and(|ip| {
        svc.private_endpoints
            .iter()
            .any(|p| d.private_endpoints[p.ix()].ip == ip)
    })
}

fn services(d: &Design, diags: &mut Diagnostics) {
    for s in &d.services {
        for sub in &s.vnet_rules {
            let subnet = &d.subnets[sub.ix()];
            let se = catalog::service_endpoint(s.kind);
            if se.is_none_or(|se| {
                !subnet
                    .service_endpoints
                    .iter()
                    .any(|x| x.eq_ignore_ascii_case(se) || x.starts_with(se))
            }) {
                diags
                    .warning(s.span, "vnet-rule", format!("`{}` allows {} by a virtual network rule, but that subnet has no {} service endpoint; the rule never matches",
                        s.name, subnet.name, se.unwrap_or("matching")))
                    .help(format!("add `service_endpoints: [{}]` to {}", se.unwrap_or("…"), subnet.name));
            }
        }
    }
}

fn expectations(d: &Design, diags: &mut Diagnostics) {
    for e in &d.expectations {
        for (text, side) in [
            (&e.from, crate::query::Side::Source),
            (&e.to, crate::query::Side::Destination),
        ] {
            if let Err(err) = crate::query::parse_set(d, text, side) {
                let diag = diags.error(
                    e.span,
                    "expect-endpoint",
                    format!("expectation `{}`: {}", e.name, err.message),
                );
                if let Some(h) = err.help {
                    diag.help(h);
                }
            }
        }
        for v in &e.via {
            let gateway = d.workloads.iter().any(|w| &w.name == v && w.is_gateway())
                || d.front_door_by_name(v).is_some();
            if d.subnet_by_name(v).is_none() && d.firewall_by_name(v).is_none() && !gateway {
                diags.error(
                    e.span,
                    "expect-via",
                    format!(
                        "expectation `{}`: waypoint `{v}` is neither a subnet, a firewall, an application gateway, API Management nor a Front Door profile",
                        e.name
                    ),
                );
            }
        }
    }
}

/// P20 (A5): "All network interfaces assigned to an application security group have to exist in
/// the same virtual network that the first network interface assigned to the application
/// security group is in", and "If you specify an application security group as the source and
/// destination in a security rule, the network interfaces in both application security groups
/// must exist in the same virtual network."
fn asgs(d: &Design, f: &TopologyFile, diags: &mut Diagnostics) {
    let vnet_of = |w: WorkloadId| d.subnets[d.workloads[w.ix()].subnet.ix()].vnet;
    // Each ASG's VNet: the VNet of its first member (file order is sorted by name).
    let mut home: Vec<Option<VnetId>> = Vec::with_capacity(d.asgs.len());
    for asg in &d.asgs {
        let first = asg.members.first().map(|&w| (w, vnet_of(w)));
        home.push(first.map(|(_, v)| v));
        let Some((first_w, first_v)) = first else {
            continue;
        };
        for &w in &asg.members[1..] {
            let v = vnet_of(w);
            if v == first_v {
                continue;
            }
            let wl = &d.workloads[w.ix()];
            let span = f
                .workloads
                .get(&wl.name)
                .and_then(|def| def.asgs.iter().find(|a| a.value == asg.name))
                .map(|a| a.span())
                .unwrap_or(wl.span);
            diags
                .error(
                    span,
                    "asg-vnet",
                    format!(
                        "ASG `{}` has network interfaces in two VNets: `{}` ({}) is in `{}`, but its first member `{}` is in `{}`; Azure requires every network interface of an ASG to be in the same VNet",
                        asg.name,
                        wl.name,
                        d.subnets[wl.subnet.ix()].name,
                        d.vnets[v.ix()].name,
                        d.workloads[first_w.ix()].name,
                        d.vnets[first_v.ix()].name
                    ),
                )
                .help(format!(
                    "use a separate ASG for the workloads in `{}`",
                    d.vnets[v.ix()].name
                ));
        }
    }
    asg_rules(d, &home, &d.nsgs, diags);
}

/// The whole-design checks that read NSG rules — a rule naming ASGs of two VNets, an
/// application gateway's or API Management's subnet NSG blocking their required ports — for one NSG: after an
/// edit of its rules alone, every other check says what it said before.
pub(crate) fn nsg_rule_checks(d: &Design, nsg: NsgId, diags: &mut Diagnostics) {
    let vnet_of = |w: WorkloadId| d.subnets[d.workloads[w.ix()].subnet.ix()].vnet;
    let home: Vec<Option<VnetId>> = d
        .asgs
        .iter()
        .map(|a| a.members.first().map(|&w| vnet_of(w)))
        .collect();
    asg_rules(d, &home, std::slice::from_ref(&d.nsgs[nsg.ix()]), diags);
    super::ingress::gateway_manager_ports(d, Some(nsg), diags);
    super::front_door::check(d, Some(nsg), diags);
}

/// Rules of `nsgs` naming a source ASG and a destination ASG whose VNets (`home`) differ.
fn asg_rules(d: &Design, home: &[Option<VnetId>], nsgs: &[Nsg], diags: &mut Diagnostics) {
    for nsg in nsgs {
        for r in nsg
            .inbound
            .iter()
            .chain(&nsg.outbound)
            .filter(|r| !r.is_default)
        {
            let side = |entries: &[AddrEntry]| -> Vec<(&str, VnetId)> {
                entries
                    .iter()
                    .filter_map(|e| match e {
                        AddrEntry::Asg(a) => {
                            home[a.ix()].map(|v| (d.asgs[a.ix()].name.as_str(), v))
                        }
                        _ => None,
                    })
                    .collect()
            };
            let (src, dst) = (side(&r.source), side(&r.destination));
            let clash = src
                .iter()
                .find_map(|s| dst.iter().find(|t| t.1 != s.1).map(|t| (s, t)));
            if let Some(((sa, sv), (da, dv))) = clash {
                diags
                    .error(
                        r.span,
                        "asg-vnet",
                        format!(
                            "rule `{}` in NSG `{}` names source ASG `{sa}` (VNet `{}`) and destination ASG `{da}` (VNet `{}`); Azure requires the network interfaces of both ASGs to be in the same VNet",
                            r.name,
                            nsg.name,
                            d.vnets[sv.ix()].name,
                            d.vnets[dv.ix()].name
                        ),
                    )
                    .help("address the other VNet's workloads by prefix, or use ASGs of one VNet on both sides");
            }
        }
    }
}

/// A FortiGate policy that names an identity group no client holds matches no user (F4): most
/// likely a typo, and the policy does nothing.
fn identity_groups(d: &Design, f: &TopologyFile, diags: &mut Diagnostics) {
    let held: Vec<&str> = d
        .clients
        .iter()
        .flat_map(|c| c.groups.iter().map(String::as_str))
        .collect();
    for (fname, fw) in &f.firewalls {
        for p in &fw.policies {
            for g in p
                .groups
                .iter()
                .filter(|g| !held.contains(&g.value.as_str()))
            {
                let diag = diags.warning(
                    g.span(),
                    "policy-group",
                    format!(
                        "policy `{}` of `{fname}` admits group `{}`, which no client holds: the policy matches no user",
                        p.name, g.value
                    ),
                );
                match crate::diag::did_you_mean(&g.value, held.iter().copied()) {
                    Some(h) => diag.help(format!("did you mean `{h}`?")),
                    None => {
                        diag.help("give the clients that should match `groups:` with this group")
                    }
                };
            }
        }
    }
}

/// Where each prefix of a subnet is written (`prefix`, or each item of `prefixes`), in order.
fn prefix_spans(s: &crate::format::SubnetDef) -> Vec<Span> {
    match &s.prefix {
        Some(p) => vec![p.span()],
        None => s.prefixes.iter().map(|p| p.span()).collect(),
    }
}
