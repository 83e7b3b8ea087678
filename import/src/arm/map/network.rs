//! ARM VNets, subnets, route tables, peerings, public IPs and gateways → records.

use super::*;

impl Mapper<'_> {
    pub(super) fn route_tables(&mut self) {
        for r in self.of_type("microsoft.network/routetables") {
            let name = self.b.name(Namespace::RouteTable, &r.key(), r.short());
            let mut routes = Vec::new();
            for (rname, body, owner) in
                self.merged(&r, &["routes"], "microsoft.network/routetables/routes")
            {
                let subject = format!("routes/{rname}");
                let Some(prefix) = self
                    .known(&owner, pget(&body, &["addressPrefix"]), &subject)
                    .and_then(J::as_str)
                    .map(str::to_string)
                else {
                    continue;
                };
                let hop = pget(&body, &["nextHopType"])
                    .and_then(J::as_str)
                    .unwrap_or("");
                let next_hop = match hop.to_ascii_lowercase().as_str() {
                    "virtualappliance" => NextHopType::VirtualAppliance,
                    "virtualnetworkgateway" => NextHopType::VirtualNetworkGateway,
                    "vnetlocal" => NextHopType::VnetLocal,
                    "internet" => NextHopType::Internet,
                    "none" => NextHopType::None,
                    other => {
                        self.note(
                            &owner,
                            body.at,
                            Outcome::Dropped,
                            &subject,
                            format!("next hop type `{other}` is not known; route left out"),
                        );
                        continue;
                    }
                };
                let next_hop_ip = self
                    .known(&owner, pget(&body, &["nextHopIpAddress"]), &subject)
                    .and_then(J::as_str)
                    .and_then(|s| s.parse().ok())
                    .map(|ip| sp(Ip(ip)));
                if next_hop == NextHopType::VirtualAppliance && next_hop_ip.is_none() {
                    self.note(
                        &owner,
                        body.at,
                        Outcome::Dropped,
                        &subject,
                        "a virtual appliance route without a known next hop address is left out",
                    );
                    continue;
                }
                let prefix = self.address(&owner, body.at, &prefix, &subject);
                routes.push(RouteDef {
                    name: sp(rname),
                    prefix: sp(prefix),
                    next_hop,
                    next_hop_ip,
                    pos: Pos::default(),
                });
            }
            let propagate = pget(&r.body, &["disableBgpRoutePropagation"])
                .and_then(J::as_bool)
                .map(|d| !d)
                .filter(|p| !p);
            let s = self.src(&r, r.at);
            self.b.route_table(
                &name,
                RouteTableDef {
                    propagate_gateway_routes: propagate,
                    routes,
                    pos: Pos::default(),
                },
                &s,
            );
            self.used.insert(r.key());
        }
    }

    pub(super) fn vnets(&mut self) {
        for r in self.of_type("microsoft.network/virtualnetworks") {
            let name = self.b.name(Namespace::Vnet, &r.key(), r.short());
            let mut space = Vec::new();
            if let Some(j) = self.known(&r, pget(&r.body, &["addressSpace"]), "addressSpace") {
                for s in strings(j.get("addressPrefixes")) {
                    match s.parse::<Ipv4Net>() {
                        Ok(n) => space.push(sp(Cidr(n.trunc()))),
                        Err(_) => self.note(
                            &r,
                            j.at,
                            Outcome::Dropped,
                            "addressSpace",
                            format!("`{s}` is not an IPv4 prefix (IPv6 is not modelled)"),
                        ),
                    }
                }
            }
            if space.is_empty() {
                self.note(
                    &r,
                    r.at,
                    Outcome::Dropped,
                    "addressSpace",
                    "the VNet has no known address space; left out with its subnets",
                );
                continue;
            }
            let dns_servers = pget(&r.body, &["dhcpOptions"])
                .map(|d| strings(d.get("dnsServers")))
                .unwrap_or_default()
                .into_iter()
                .filter_map(|s| s.parse().ok().map(|ip| sp(Ip(ip))))
                .collect();
            let s = self.src(&r, r.at);
            let region = self.region_of(&r);
            self.b.vnet(
                &name,
                VnetDef {
                    address_space: space,
                    dns_servers,
                    region,
                    subscription: None,
                    resource_group: None,
                    tags: BTreeMap::new(),
                    subnets: BTreeMap::new(),
                    pos: Pos::default(),
                },
                &s,
            );
            for (sname, body, owner) in self.merged(
                &r,
                &["subnets"],
                "microsoft.network/virtualnetworks/subnets",
            ) {
                self.subnet(&r, &name, &sname, &body, &owner);
            }
            if pget(&r.body, &["ddosProtectionPlan"]).is_some() {
                self.note(
                    &r,
                    r.at,
                    Outcome::Dropped,
                    "ddosProtectionPlan",
                    "DDoS protection has no counterpart",
                );
            }
            self.used.insert(r.key());
        }
    }

    pub(super) fn subnet(
        &mut self,
        vnet: &Res,
        vnet_name: &str,
        name: &str,
        body: &J,
        owner: &Res,
    ) {
        let subject = format!("subnets/{name}");
        let id = body
            .get("id")
            .and_then(J::as_str)
            .map(str::to_ascii_lowercase)
            .unwrap_or_else(|| format!("{}/subnets/{}", vnet.key(), name.to_ascii_lowercase()));
        let mut prefixes: Vec<String> = Vec::new();
        for k in ["addressPrefix", "addressPrefixes"] {
            if let Some(j) = self.known(owner, pget(body, &[k]), &subject) {
                prefixes.extend(strings(Some(j)));
            }
        }
        let nets: Vec<Ipv4Net> = prefixes.iter().filter_map(|p| p.parse().ok()).collect();
        let Some(first) = nets.first().copied() else {
            self.note(
                owner,
                body.at,
                Outcome::Dropped,
                &subject,
                "the subnet has no known IPv4 prefix; left out",
            );
            return;
        };
        let nsg = pget(body, &["networkSecurityGroup"])
            .and_then(ref_id)
            .and_then(|id| self.named(owner, body.at, Namespace::Nsg, &id, &subject, "NSG"));
        let route_table = pget(body, &["routeTable"]).and_then(ref_id).and_then(|id| {
            self.named(
                owner,
                body.at,
                Namespace::RouteTable,
                &id,
                &subject,
                "route table",
            )
        });
        let service_endpoints = pget(body, &["serviceEndpoints"])
            .map(|l| {
                l.items()
                    .iter()
                    .filter_map(|e| {
                        e.get("service")
                            .and_then(J::as_str)
                            .map(|s| sp(s.to_string()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let pe_policies = pget(body, &["privateEndpointNetworkPolicies"])
            .and_then(J::as_str)
            .and_then(|p| match p.to_ascii_lowercase().as_str() {
                "disabled" => Some(PeNetworkPolicies::Disabled),
                "enabled" => Some(PeNetworkPolicies::Enabled),
                "networksecuritygroupenabled" => Some(PeNetworkPolicies::Nsg),
                "routetableenabled" => Some(PeNetworkPolicies::RouteTable),
                _ => None,
            })
            .filter(|p| *p != PeNetworkPolicies::Disabled);
        // Delegations (S5, S13): each entry's `serviceName`.
        let delegations: Vec<Spanned<String>> = pget(body, &["delegations"])
            .map(|l| {
                l.items()
                    .iter()
                    .filter_map(|e| {
                        pget(e, &["serviceName"])
                            .and_then(J::as_str)
                            .map(|s| sp(s.to_string()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (key, what) in [
            (
                "serviceEndpointPolicies",
                "service endpoint policies (the storage exfiltration control)",
            ),
            (
                "natGateway",
                "NAT gateway (changes the subnet's outbound address)",
            ),
        ] {
            if let Some(j) = pget(body, &[key])
                && !(matches!(&j.v, V::Arr(a) if a.is_empty()))
            {
                self.note(
                    owner,
                    j.at,
                    Outcome::Dropped,
                    &format!("{subject}.{key}"),
                    format!("{what} has no counterpart"),
                );
            }
        }
        let default_outbound_access = pget(body, &["defaultOutboundAccess"])
            .and_then(J::as_bool)
            .filter(|b| !b)
            .map(|_| false);
        let s = self.src(owner, body.at);
        let ok = self.b.subnet(
            vnet_name,
            name,
            SubnetDef {
                // Several `addressPrefixes` are the subnet's `prefixes` (S11).
                prefix: (nets.len() == 1).then(|| sp(Cidr(first.trunc()))),
                prefixes: if nets.len() > 1 {
                    nets.iter().map(|n| sp(Cidr(n.trunc()))).collect()
                } else {
                    Vec::new()
                },
                nsg: nsg.map(sp),
                route_table: route_table.map(sp),
                service_endpoints,
                private_endpoint_network_policies: pe_policies,
                nat_gateway: None,
                default_outbound_access,
                service_endpoint_policies: Vec::new(),
                delegations,
                pos: Pos::default(),
            },
            &s,
        );
        if ok {
            self.subnets
                .insert(id.clone(), format!("{vnet_name}/{name}"));
            self.subnet_prefix.insert(id, first.trunc());
        }
    }

    pub(super) fn peerings(&mut self) {
        for r in self.of_type("microsoft.network/virtualnetworks") {
            let Some(from) = self
                .b
                .name_of(Namespace::Vnet, &r.key())
                .map(str::to_string)
            else {
                continue;
            };
            for (pname, body, owner) in self.merged(
                &r,
                &["virtualNetworkPeerings"],
                "microsoft.network/virtualnetworks/virtualnetworkpeerings",
            ) {
                let subject = format!("virtualNetworkPeerings/{pname}");
                let Some(to) = self.vnet_ref(
                    &owner,
                    body.at,
                    pget(&body, &["remoteVirtualNetwork"]),
                    &subject,
                ) else {
                    continue;
                };
                // Subnet peering (S12): the link's local and remote subnet names.
                let mut subnets = BTreeMap::new();
                if pget(&body, &["peerCompleteVnets"]).and_then(J::as_bool) == Some(false) {
                    let names = |k: &str| -> Vec<Spanned<String>> {
                        strings(pget(&body, &[k])).into_iter().map(sp).collect()
                    };
                    subnets.insert(from.clone(), names("localSubnetNames"));
                    subnets.insert(to.clone(), names("remoteSubnetNames"));
                }
                let flag = |k: &str| pget(&body, &[k]).and_then(J::as_bool);
                let s = self.src(&owner, body.at);
                self.b.peering(
                    PeeringDef {
                        between: None,
                        from: Some(sp(from.clone())),
                        to: Some(sp(to)),
                        allow_forwarded_traffic: flag("allowForwardedTraffic"),
                        allow_virtual_network_access: flag("allowVirtualNetworkAccess"),
                        allow_gateway_transit: flag("allowGatewayTransit"),
                        use_remote_gateways: flag("useRemoteGateways"),
                        subnets,
                        pos: Pos::default(),
                    },
                    &s,
                );
            }
        }
    }

    /// SKU and address of a public IP referenced by id.
    pub(super) fn public_ip(
        &mut self,
        r: &Res,
        j: Option<&J>,
    ) -> Option<(PublicIpSku, Option<Ipv4Addr>)> {
        let id = ref_id(j?)?;
        self.used.insert(id.clone());
        let Some(pip) = self.by_id.get(&id).cloned() else {
            self.note(
                r,
                j?.at,
                Outcome::Approximated,
                "publicIPAddress",
                format!("public IP `{id}` is not in the input: read as a Standard SKU address"),
            );
            return Some((PublicIpSku::Standard, None));
        };
        let sku = pip.body.path(&["sku", "name"]).and_then(J::as_str).map_or(
            PublicIpSku::Standard,
            |s| {
                if s.eq_ignore_ascii_case("basic") {
                    PublicIpSku::Basic
                } else {
                    PublicIpSku::Standard
                }
            },
        );
        let ip = pget(&pip.body, &["ipAddress"])
            .and_then(J::as_str)
            .and_then(|s| s.parse().ok());
        Some((sku, ip))
    }

    pub(super) fn gateways(&mut self) {
        let connections = self.of_type("microsoft.network/connections");
        for r in self.of_type("microsoft.network/virtualnetworkgateways") {
            let cfg = pget(&r.body, &["ipConfigurations"]).and_then(|l| l.items().first().cloned());
            let Some(subnet) = cfg
                .as_ref()
                .and_then(|c| pget(c, &["subnet"]).and_then(ref_id))
            else {
                self.note(
                    &r,
                    r.at,
                    Outcome::Dropped,
                    "ipConfigurations",
                    "the gateway's subnet is not known; left out",
                );
                continue;
            };
            let Some(vnet) = self
                .subnets
                .get(&subnet)
                .and_then(|s| s.split('/').next())
                .map(str::to_string)
            else {
                self.note(
                    &r,
                    r.at,
                    Outcome::Dropped,
                    "ipConfigurations.subnet",
                    format!("its subnet `{subnet}` is not in the input; left out"),
                );
                continue;
            };
            let kind = match pget(&r.body, &["gatewayType"]).and_then(J::as_str) {
                Some(t) if t.eq_ignore_ascii_case("expressroute") => GatewayKind::ExpressRoute,
                _ => GatewayKind::Vpn,
            };
            let mut sites = BTreeMap::new();
            for c in &connections {
                if pget(&c.body, &["virtualNetworkGateway1"]).and_then(ref_id) != Some(r.key()) {
                    continue;
                }
                self.used.insert(c.key());
                let Some(lid) = pget(&c.body, &["localNetworkGateway2"]).and_then(ref_id) else {
                    self.note(c, c.at, Outcome::Dropped, "connection", "a connection without a local network gateway (ExpressRoute circuit, VNet-to-VNet): the routes it learns are not known");
                    continue;
                };
                let Some(lgw) = self.by_id.get(&lid).cloned() else {
                    self.note(
                        c,
                        c.at,
                        Outcome::Dropped,
                        "localNetworkGateway2",
                        format!("local network gateway `{lid}` is not in the input"),
                    );
                    continue;
                };
                self.used.insert(lid);
                let prefixes: Vec<Spanned<Cidr>> = pget(&lgw.body, &["localNetworkAddressSpace"])
                    .map(|s| strings(s.get("addressPrefixes")))
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|p| p.parse::<Ipv4Net>().ok().map(|n| sp(Cidr(n.trunc()))))
                    .collect();
                if pget(&lgw.body, &["bgpSettings"]).is_some() {
                    self.note(&lgw, lgw.at, Outcome::Approximated, "bgpSettings", "BGP-learned prefixes are not known offline; only the local address space is advertised");
                }
                sites.insert(
                    crate::emit::clean_name(lgw.short()),
                    SiteDef {
                        prefixes,
                        pos: Pos::default(),
                    },
                );
            }
            let name = self.b.name(Namespace::Gateway, &r.key(), r.short());
            let s = self.src(&r, r.at);
            self.b.gateway(
                &name,
                GatewayDef {
                    vnet: sp(vnet),
                    kind: Some(kind).filter(|k| *k != GatewayKind::Vpn),
                    sites,
                    pos: Pos::default(),
                },
                &s,
            );
            self.used.insert(r.key());
        }
    }
}
