//! Lowering what sits in and around the networks: workloads, PaaS services with their managed
//! networks and private endpoints, private DNS zones, clients and `expect` entries.

use super::*;
use crate::diag::did_you_mean;
use crate::format::{self, Spanned, Toggle};
use std::collections::BTreeMap;

impl Builder<'_, '_> {
    pub(super) fn workloads(&mut self, f: &TopologyFile) -> Vec<Workload> {
        let subnets = self.names.subnets.clone();
        let nsgs = self.names.nsgs.clone();
        let services = self.names.services.clone();
        let mut out = Vec::new();
        for (i, (name, w)) in f.workloads.iter().enumerate() {
            let subnet = self.resolve(&w.subnet, &subnets, "subnet");
            let nsg = w.nsg.as_ref().and_then(|r| self.resolve(r, &nsgs, "NSG"));
            // The computes of a project are its hub's: a project shares the hub's network (A1).
            let workspace = w
                .workspace
                .as_ref()
                .and_then(|r| self.resolve(r, &services, "service"))
                .map(|ws| {
                    f.services
                        .values()
                        .nth(ws.ix())
                        .and_then(|s| s.hub.as_ref())
                        .and_then(|h| services.get(&h.value).copied())
                        .unwrap_or(ws)
                });
            if let (Some(ws), Some(r)) = (workspace, &w.workspace)
                && f.services.values().nth(ws.ix()).map(|s| s.kind)
                    != Some(ServiceKind::MlWorkspace)
            {
                self.d.error(
                    r.span(),
                    "workspace",
                    format!("`{}` is not an ml_workspace", r.value),
                );
            }
            let required = match w.kind {
                WorkloadKind::Bastion => Some("AzureBastionSubnet"),
                WorkloadKind::AppGateway => None,
                _ => None,
            };
            if let (Some(req), Some(_)) = (required, subnet)
                && !w.subnet.value.ends_with(&format!("/{req}"))
            {
                self.d
                    .error(
                        w.subnet.span(),
                        "required-subnet",
                        format!("a bastion must be in a subnet named `{req}`"),
                    )
                    .help(format!("add `{req}` (a /26 or larger) to the VNet"));
            }
            let addresses = match w.kind {
                WorkloadKind::ComputeCluster => {
                    w.max_nodes.as_ref().map_or(1, |n| u64::from(n.value))
                }
                WorkloadKind::Aks => crate::model::aks_addresses(
                    w.node_count.as_ref().map_or(3, |n| n.value),
                    w.network_plugin,
                    w.max_pods,
                ),
                _ => 1,
            };
            let sku = w.public_ip.unwrap_or_default();
            let public_ip = match (sku, &w.public_ip_address) {
                (PublicIpSku::None, Some(a)) => {
                    self.d
                        .error(
                            a.span(),
                            "public-ip",
                            "`public_ip_address` given but `public_ip` is none",
                        )
                        .help("set `public_ip: standard`");
                    None
                }
                (PublicIpSku::None, None) => None,
                (sku, a) => Some((
                    sku,
                    a.as_ref().map(|a| a.value.0).unwrap_or(doc_public_ip(i)),
                )),
            };
            let ingress = self.ingress(name, w);
            out.push(Workload {
                waf: ingress.waf,
                listeners: ingress.listeners,
                api_server: ingress.api_server,
                outbound_type: ingress.outbound_type,
                name: name.clone(),
                tags: w.tags.clone(),
                kind: w.kind,
                subnet: subnet.unwrap_or(SubnetId(0)),
                ip: w
                    .ip
                    .as_ref()
                    .map(|i| i.value.0)
                    .unwrap_or(Ipv4Addr::UNSPECIFIED),
                ips: AddrSet::empty(),
                addresses,
                public_ip,
                nsg,
                asgs: w.asgs.iter().map(|a| self.names.asgs[&a.value]).collect(),
                ip_forwarding: w.ip_forwarding.unwrap_or(false),
                workspace,
                public_network_access: w
                    .public_network_access
                    .map(|t| t == Toggle::Enabled)
                    .unwrap_or(true),
                forwards_to_azure_dns: w.forwards_to_azure_dns.unwrap_or(true),
                package_hosts: w
                    .package_hosts
                    .iter()
                    .map(|h| h.value.to_ascii_lowercase())
                    .collect(),
                network_plugin: w.network_plugin,
                batch_classic: w.node_communication_mode
                    == Some(crate::format::NodeCommunicationMode::Classic),
                ssh_public: w.ssh_public_access == Some(Toggle::Enabled),
                max_nodes: w.max_nodes.as_ref().map(|n| n.value),
                max_pods: w.max_pods,
                span: w.pos.0,
            });
        }
        out
    }

    pub(super) fn services(
        &mut self,
        f: &TopologyFile,
        region: &str,
        scope: &Scope,
    ) -> Vec<Service> {
        let services = self.names.services.clone();
        let subnets = self.names.subnets.clone();
        let mut out = Vec::new();
        for (name, s) in &f.services {
            let region = s
                .region
                .clone()
                .map(|r| r.to_ascii_lowercase())
                .unwrap_or_else(|| region.to_string());
            let dep = |b: &mut Self, r: &Option<Spanned<String>>, want: ServiceKind| {
                let id = r
                    .as_ref()
                    .and_then(|r| b.resolve(r, &services, "service"))?;
                let kind = f.services.values().nth(id.ix()).map(|s| s.kind);
                if kind != Some(want) {
                    let r = r.as_ref().expect("resolved");
                    b.d.error(
                        r.span(),
                        "dependency",
                        format!(
                            "`{}` is a {}, not a {want}",
                            r.value,
                            kind.map(|k| k.as_str()).unwrap_or("?")
                        ),
                    );
                }
                Some(id)
            };
            let storage = dep(self, &s.storage, ServiceKind::Storage);
            let key_vault = dep(self, &s.key_vault, ServiceKind::KeyVault);
            let container_registry =
                dep(self, &s.container_registry, ServiceKind::ContainerRegistry);
            let application_insights = dep(self, &s.application_insights, ServiceKind::AppInsights);
            let ai_services = dep(self, &s.ai_services, ServiceKind::AiServices);
            let search = dep(self, &s.search, ServiceKind::AiSearch);
            let hub = dep(self, &s.hub, ServiceKind::MlWorkspace);
            let labeling_storage = dep(self, &s.labeling_storage, ServiceKind::Storage);
            if let (Some(h), Some(r)) = (hub, &s.hub) {
                self.project_checks(f, name, s, h, r);
            }
            if s.kind != ServiceKind::MlWorkspace {
                for (key, present) in [
                    ("storage", s.storage.is_some()),
                    ("key_vault", s.key_vault.is_some()),
                    ("container_registry", s.container_registry.is_some()),
                    ("managed_network", s.managed_network.is_some()),
                    ("hub", s.hub.is_some()),
                    ("ai_services", s.ai_services.is_some()),
                    ("search", s.search.is_some()),
                    ("studio", s.studio.is_some()),
                    ("ml_assisted_labeling", s.ml_assisted_labeling.is_some()),
                    ("labeling_storage", s.labeling_storage.is_some()),
                ] {
                    if present {
                        self.d.error(
                            s.pos.0,
                            "service-key",
                            format!(
                                "`{key}` is only for ml_workspace services, and `{name}` is a {}",
                                s.kind
                            ),
                        );
                    }
                }
            }
            let mut ip_rules = AddrSet::empty();
            for r in &s.ip_rules {
                let net = r.value.net;
                let set = AddrSet::from_net(net);
                let non_public = crate::tags::non_public();
                // P18: Azure refuses private ranges in IP rules when the rule is saved (D2); the
                // model stays defined, so this warns and the private part matches nothing.
                if non_public.intersects(&set) {
                    self.d
                        .warning(r.span(), "ip-rule", format!("IP rule `{}` is a private or reserved range; Azure refuses such IP rules, so vnetlab gives its private part no effect", net))
                        .help("PaaS IP rules accept only public internet addresses (D2); use virtual network rules or a private endpoint for private sources");
                }
                ip_rules = ip_rules.union(&set.difference(&non_public));
            }
            let vnet_rules = s
                .virtual_network_rules
                .iter()
                .filter_map(|r| self.resolve(r, &subnets, "subnet"))
                .collect();
            let tag = catalog::public_tag(s.kind);
            let public_ip = self
                .tags
                .regional(tag, &region)
                .and_then(|set| set.nth_wrapping(u64::from(fnv(name)) + 4))
                .unwrap_or(Ipv4Addr::new(192, 0, 2, 250));
            out.push(Service {
                name: name.clone(),
                kind: s.kind,
                region,
                scope: scope.with(&s.subscription, &s.resource_group),
                tags: s.tags.clone(),
                public_network_access: s
                    .public_network_access
                    .map(|t| t == Toggle::Enabled)
                    .unwrap_or(true),
                default_allow: s
                    .default_action
                    .map(|a| a == format::DefaultAction::Allow)
                    .unwrap_or(true),
                ip_rules,
                vnet_rules,
                trusted_services: s.trusted_services.unwrap_or(true),
                storage,
                key_vault,
                container_registry,
                application_insights,
                managed_network: s
                    .managed_network
                    .as_ref()
                    .map(|m| self.managed_network(m, f, &services)),
                hub,
                ai_services,
                search,
                studio: s.studio.unwrap_or(false),
                ml_assisted_labeling: s.ml_assisted_labeling.unwrap_or(false),
                labeling_storage,
                image_build_compute: None,
                resource_access: Vec::new(),
                online_endpoints: s
                    .online_endpoints
                    .iter()
                    .map(|(n, e)| crate::model::OnlineEndpoint {
                        name: n.clone(),
                        public: e.public_network_access != Some(Toggle::Disabled),
                        deployments: e
                            .deployments
                            .iter()
                            .map(|(dn, dd)| {
                                (
                                    dn.clone(),
                                    dd.egress_public_network_access != Some(Toggle::Disabled),
                                )
                            })
                            .collect(),
                    })
                    .collect(),
                private_endpoints: Vec::new(),
                public_ip,
                span: s.pos.0,
            });
        }
        // A project shares its hub's network and connected resources (A1).
        for i in 0..out.len() {
            if let Some(h) = out[i].hub {
                let hub = out[h.ix()].clone();
                let p = &mut out[i];
                p.public_network_access = hub.public_network_access;
                p.storage = hub.storage;
                p.key_vault = hub.key_vault;
                p.container_registry = hub.container_registry;
                p.ai_services = hub.ai_services;
                p.search = hub.search;
            }
        }
        out
    }

    /// A project (`hub:` set) names a hub that is no project itself and sets nothing the hub
    /// decides: its network, private endpoints and connected resources are the hub's (A1).
    fn project_checks(
        &mut self,
        f: &TopologyFile,
        name: &str,
        s: &format::ServiceDef,
        hub: ServiceId,
        r: &Spanned<String>,
    ) {
        if f.services
            .values()
            .nth(hub.ix())
            .is_some_and(|h| h.hub.is_some())
        {
            self.d
                .error(
                    r.span(),
                    "hub",
                    format!(
                        "`{}` is itself a project; a hub cannot be a project",
                        r.value
                    ),
                )
                .help("name the hub workspace, the one without `hub:`");
        }
        for (key, present) in [
            ("storage", s.storage.is_some()),
            ("key_vault", s.key_vault.is_some()),
            ("container_registry", s.container_registry.is_some()),
            ("managed_network", s.managed_network.is_some()),
            ("private_endpoints", !s.private_endpoints.is_empty()),
            ("public_network_access", s.public_network_access.is_some()),
            ("ai_services", s.ai_services.is_some()),
            ("search", s.search.is_some()),
        ] {
            if present {
                self.d
                    .error(
                        s.pos.0,
                        "project-key",
                        format!("`{name}` is a project of hub `{}`: `{key}` is the hub's and cannot be set on the project", r.value),
                    )
                    .help(format!("set `{key}` on `{}`", r.value));
            }
        }
    }

    pub(super) fn managed_network(
        &mut self,
        m: &format::ManagedNetworkDef,
        f: &TopologyFile,
        services: &BTreeMap<String, ServiceId>,
    ) -> ManagedNetwork {
        use crate::format::OutboundRuleKind as K;
        let isolation = m.isolation.unwrap_or_default();
        let mut outbound_rules = Vec::new();
        for r in &m.outbound_rules {
            if r.kind != K::PrivateEndpoint && isolation != Isolation::AllowOnlyApprovedOutbound {
                self.d
                    .error(r.pos.0, "outbound-rule", format!("outbound rule `{}`: service-tag and FQDN rules are only valid with allow_only_approved_outbound (E4)", r.name))
                    .help("remove the rule, or set `isolation: allow_only_approved_outbound`");
            }
            let target = match r.kind {
                K::PrivateEndpoint => {
                    let Some(sref) = &r.service else {
                        self.d.error(
                            r.pos.0,
                            "missing-key",
                            format!("private_endpoint rule `{}` needs `service`", r.name),
                        );
                        continue;
                    };
                    let Some(sid) = self.resolve(sref, services, "service") else {
                        continue;
                    };
                    let kind = f.services[&sref.value].kind;
                    let group = match &r.subresource {
                        None => catalog::subresources(kind)[0].group.to_string(),
                        Some(g) => match catalog::subresource(kind, g) {
                            Some(sub) => sub.group.to_string(),
                            None => {
                                self.d.error(
                                    r.pos.0,
                                    "pe-group",
                                    format!("a {kind} has no subresource `{g}`"),
                                );
                                continue;
                            }
                        },
                    };
                    OutboundTarget::PrivateEndpoint {
                        service: sid,
                        group,
                    }
                }
                K::ServiceTag => {
                    let Some(t) = &r.service_tag else {
                        self.d.error(
                            r.pos.0,
                            "missing-key",
                            format!("service_tag rule `{}` needs `service_tag`", r.name),
                        );
                        continue;
                    };
                    let Some(tag) = self.tags.canonical(&t.value).map(str::to_string) else {
                        self.d.error(
                            t.span(),
                            "service-tag",
                            format!("unknown service tag `{}`", t.value),
                        );
                        continue;
                    };
                    OutboundTarget::ServiceTag {
                        tag,
                        protocol: protocol(r.protocol),
                        ports: ports(r.port_ranges.as_ref()),
                    }
                }
                K::Fqdn => {
                    let Some(dst) = &r.destination else {
                        self.d.error(
                            r.pos.0,
                            "missing-key",
                            format!("fqdn rule `{}` needs `destination`", r.name),
                        );
                        continue;
                    };
                    let fqdn = dst.value.trim().to_ascii_lowercase();
                    if fqdn.ends_with(".core.windows.net") {
                        self.d
                            .error(dst.span(), "outbound-rule", format!("FQDN rule `{}` targets a storage account; with allow_only_approved_outbound storage needs a private endpoint rule (E4)", r.name))
                            .help("use `kind: private_endpoint` with the storage service");
                    }
                    OutboundTarget::Fqdn { fqdn }
                }
            };
            outbound_rules.push(OutboundRule {
                name: r.name.clone(),
                target,
            });
        }
        ManagedNetwork {
            isolation,
            outbound_rules,
        }
    }

    pub(super) fn private_endpoints(&mut self, f: &TopologyFile) -> Vec<PrivateEndpoint> {
        let subnets = self.names.subnets.clone();
        let zones = self.names.zones.clone();
        let mut out = Vec::new();
        for (sname, s) in &f.services {
            for (i, pe) in s.private_endpoints.iter().enumerate() {
                let subnet = self.resolve(&pe.subnet, &subnets, "subnet");
                let sub = catalog::subresource(s.kind, &pe.group.value);
                let group = match sub {
                    Some(sub) => sub.group.to_string(),
                    None => {
                        let groups: Vec<&str> = catalog::subresources(s.kind)
                            .iter()
                            .map(|g| g.group)
                            .collect();
                        let diag = self.d.error(
                            pe.group.span(),
                            "pe-group",
                            format!("a {} has no subresource `{}`", s.kind, pe.group.value),
                        );
                        match did_you_mean(&pe.group.value, groups.iter().copied()) {
                            Some(g) => diag.help(format!("did you mean `{g}`?")),
                            None => diag.help(format!("its subresources: {}", groups.join(", "))),
                        };
                        pe.group.value.clone()
                    }
                };
                let mut zone_ids = Vec::new();
                for z in &pe.zones {
                    if let Some(sub) = sub {
                        let expected = sub.zones();
                        if !expected.iter().any(|e| e.eq_ignore_ascii_case(&z.value)) {
                            self.d
                                .error(
                                    z.span(),
                                    "pe-zone",
                                    format!(
                                        "zone `{}` does not serve the `{}` subresource of a {}",
                                        z.value, sub.group, s.kind
                                    ),
                                )
                                .help(format!("use {}", expected.join(" or ")));
                            continue;
                        }
                    }
                    if let Some(id) =
                        self.resolve(z, &zones, "private DNS zone (under dns.private_zones)")
                    {
                        zone_ids.push(id);
                    }
                }
                let count = s
                    .private_endpoints
                    .iter()
                    .filter(|p| p.group.value.eq_ignore_ascii_case(&pe.group.value))
                    .count();
                let name = if count > 1 {
                    format!("{sname}/{group}#{}", i + 1)
                } else {
                    format!("{sname}/{group}")
                };
                out.push(PrivateEndpoint {
                    name,
                    service: self.names.services[sname],
                    subnet: subnet.unwrap_or(SubnetId(0)),
                    ip: pe
                        .ip
                        .as_ref()
                        .map(|i| i.value.0)
                        .unwrap_or(Ipv4Addr::UNSPECIFIED),
                    group,
                    zones: zone_ids,
                    state: pe.state.unwrap_or_default(),
                });
            }
        }
        out
    }

    pub(super) fn zones(&mut self, f: &TopologyFile) -> Vec<PrivateZone> {
        let vnets = self.names.vnets.clone();
        let mut out = Vec::new();
        if let Some(dns) = &f.dns {
            for (name, z) in &dns.private_zones {
                let mut links = Vec::new();
                for l in &z.links {
                    if let Some(v) = self.resolve(l, &vnets, "VNet") {
                        if links.contains(&v) {
                            self.d.error(
                                l.span(),
                                "duplicate-link",
                                format!("VNet `{}` is linked twice to zone `{name}`", l.value),
                            );
                        }
                        links.push(v);
                    }
                }
                let mut link_policies = BTreeMap::new();
                let mut registration = Vec::new();
                for (vn, l) in &z.link_settings {
                    let Some(&v) = vnets.get(vn) else {
                        self.d
                            .error(
                                l.pos.0,
                                "reference",
                                format!("no VNet named `{vn}` (link settings of zone `{name}`)"),
                            )
                            .help("`link_settings` are keyed by the name of a linked VNet");
                        continue;
                    };
                    if let Some(p) = l.resolution_policy {
                        link_policies.insert(v, p);
                    }
                    if l.registration_enabled == Some(true) {
                        registration.push(v);
                    }
                }
                out.push(PrivateZone {
                    name: name.to_ascii_lowercase(),
                    link_policies,
                    registration,
                    auto_records: BTreeMap::new(),
                    links,
                    records: z
                        .records
                        .iter()
                        .map(|(k, v)| (k.to_ascii_lowercase(), v.value.0))
                        .collect(),
                    resolution_policy: z.resolution_policy.unwrap_or_default(),
                });
            }
        }
        out
    }

    pub(super) fn clients(&mut self, f: &TopologyFile) -> Vec<Client> {
        let sites = self.names.sites.clone();
        let mut out = vec![Client {
            name: "internet".into(),
            kind: ClientKind::Internet,
            site: None,
            ip: Ipv4Addr::new(198, 51, 100, 1),
            groups: Vec::new(),
            dns_server: None,
            service_tag: None,
        }];
        for (name, c) in &f.clients {
            if name == "internet" {
                self.d
                    .error(c.pos.0, "reserved-name", "`internet` is a built-in client")
                    .help("choose another name");
                continue;
            }
            let site = c
                .site
                .as_ref()
                .and_then(|s| self.resolve(s, &sites, "site (GATEWAY/SITE)"));
            if c.kind == ClientKind::OnPrem && c.site.is_none() {
                self.d.error(
                    c.pos.0,
                    "missing-key",
                    format!("on-premises client `{name}` needs `site: GATEWAY/SITE`"),
                );
            }
            let service_tag = match (&c.kind, &c.service_tag) {
                (ClientKind::AzureService, Some(t)) => match self.tags.canonical(&t.value) {
                    Some(c) => Some(c.to_string()),
                    None => {
                        self.d.error(
                            t.span(),
                            "service-tag",
                            format!("unknown service tag `{}`", t.value),
                        );
                        None
                    }
                },
                (ClientKind::AzureService, None) => {
                    self.d.error(
                        c.pos.0,
                        "missing-key",
                        format!("Azure service client `{name}` needs `service_tag`"),
                    );
                    None
                }
                _ => None,
            };
            let ip = match (&c.ip, c.kind) {
                (Some(ip), _) => ip.value.0,
                (None, ClientKind::OnPrem) => site
                    .and_then(|s| {
                        f.gateways
                            .values()
                            .flat_map(|g| g.sites.values())
                            .nth(s.ix())
                    })
                    .and_then(|s| s.prefixes.first())
                    .and_then(|p| AddrSet::from_net(p.value.0).nth_wrapping(10))
                    .unwrap_or(Ipv4Addr::UNSPECIFIED),
                (None, ClientKind::AzureService) => service_tag
                    .as_deref()
                    .and_then(|t| self.tags.get(t))
                    .and_then(|s| s.nth_wrapping(4))
                    .unwrap_or(Ipv4Addr::UNSPECIFIED),
                (None, ClientKind::Internet) => {
                    Ipv4Addr::new(198, 51, 100, 2 + (out.len() % 200) as u8)
                }
            };
            if let (Some(site), Some(ipv)) = (site, &c.ip) {
                let inside = f
                    .gateways
                    .values()
                    .flat_map(|g| g.sites.values())
                    .nth(site.ix())
                    .is_some_and(|s| s.prefixes.iter().any(|p| p.value.0.contains(&ipv.value.0)));
                if !inside {
                    self.d.error(
                        ipv.span(),
                        "client-ip",
                        format!(
                            "{} is not inside the prefixes of site `{}`",
                            ipv.value.0,
                            c.site.as_ref().expect("site").value
                        ),
                    );
                }
            }
            out.push(Client {
                name: name.clone(),
                kind: c.kind,
                site,
                ip,
                groups: c.groups.clone(),
                dns_server: c.dns_server.as_ref().map(|d| d.value.0),
                service_tag,
            });
        }
        out
    }

    pub(super) fn expectations(&mut self, f: &TopologyFile) -> Vec<Expectation> {
        let mut out = Vec::new();
        for e in &f.expect {
            let protocol = match e.protocol {
                Some(p) => protocol(Some(p)),
                None => Some(Protocol::Tcp),
            };
            let ports = match (&e.port, &e.ports) {
                (Some(_), Some(_)) => {
                    self.d
                        .error(
                            e.pos.0,
                            "expect",
                            format!("expectation `{}` has both `port` and `ports`", e.name),
                        )
                        .help("keep one");
                    PortSet::any()
                }
                (Some(p), None) => PortSet::from_ranges(vec![p.value.0]),
                (None, Some(ps)) => ports(Some(ps)),
                (None, None) if protocol.is_some_and(Protocol::has_ports) => {
                    self.d
                        .error(
                            e.pos.0,
                            "expect",
                            format!("expectation `{}` needs `port: N` or `ports: …`", e.name),
                        )
                        .help("add `port: 443`, or `ports: \"*\"` for every port");
                    PortSet::any()
                }
                (None, None) => PortSet::any(),
            };
            out.push(Expectation {
                name: e.name.clone(),
                from: e.from.value.clone(),
                to: e.to.value.clone(),
                protocol,
                ports,
                verdict: e.verdict,
                via: e.via.iter().map(|v| v.value.clone()).collect(),
                span: e.pos.0,
            });
        }
        out
    }
}
