//! ARM PaaS services (with the Azure ML workspace and its managed network), private DNS zones and private endpoints → records.

use super::*;

impl Mapper<'_> {
    pub(super) fn services(&mut self) {
        const KINDS: &[(&str, ServiceKind)] = &[
            ("microsoft.storage/storageaccounts", ServiceKind::Storage),
            ("microsoft.keyvault/vaults", ServiceKind::KeyVault),
            (
                "microsoft.containerregistry/registries",
                ServiceKind::ContainerRegistry,
            ),
            ("microsoft.insights/components", ServiceKind::AppInsights),
            (
                "microsoft.cognitiveservices/accounts",
                ServiceKind::AiServices,
            ),
            ("microsoft.search/searchservices", ServiceKind::AiSearch),
            ("microsoft.sql/servers", ServiceKind::Sql),
            (
                "microsoft.documentdb/databaseaccounts",
                ServiceKind::CosmosDb,
            ),
            (
                "microsoft.machinelearningservices/registries",
                ServiceKind::MlRegistry,
            ),
            (
                "microsoft.machinelearningservices/workspaces",
                ServiceKind::MlWorkspace,
            ),
        ];
        // Workspaces last: they refer to the others.
        for (ty, kind) in KINDS {
            for r in self.of_type(ty) {
                let name = self.b.name(Namespace::Endpoint, &r.key(), r.short());
                let def = self.service(&r, *kind);
                let s = self.src(&r, r.at);
                self.b.service(&name, def, &s);
                self.used.insert(r.key());
            }
        }
    }

    pub(super) fn service(&mut self, r: &Res, kind: ServiceKind) -> ServiceDef {
        let public = self
            .known(r, pget(&r.body, &["publicNetworkAccess", "public_network_access"]), "publicNetworkAccess")
            .and_then(J::as_str)
            .map(|p| {
                let p = p.to_ascii_lowercase();
                if p == "securedbyperimeter" {
                    self.note(r, r.at, Outcome::Approximated, "publicNetworkAccess", "SecuredByPerimeter is read as disabled (a network security perimeter is not modelled)");
                }
                if p == "enabled" { Toggle::Enabled } else { Toggle::Disabled }
            });
        let acls = pget(&r.body, &["networkAcls", "networkRuleSet"]).cloned();
        let mut default_action = None;
        let mut ip_rules = Vec::new();
        let mut vnet_rules = Vec::new();
        let mut access_rules: Vec<ResourceAccessRuleDef> = Vec::new();
        let mut trusted = None;
        if let Some(a) = &acls {
            default_action = a.get("defaultAction").and_then(J::as_str).map(|d| {
                if d.eq_ignore_ascii_case("deny") {
                    DefaultAction::Deny
                } else {
                    DefaultAction::Allow
                }
            });
            for rule in a.get("ipRules").map(J::items).unwrap_or(&[]) {
                let v = rule
                    .get("value")
                    .or_else(|| rule.get("ipAddressOrRange"))
                    .and_then(J::as_str)
                    .unwrap_or("");
                let bare = !v.contains('/');
                let v = if bare {
                    format!("{v}/32")
                } else {
                    v.to_string()
                };
                match v.parse::<Ipv4Net>() {
                    Ok(n) => ip_rules.push(sp(IpOrCidr {
                        net: n.trunc(),
                        bare,
                    })),
                    Err(_) => self.note(
                        r,
                        rule.at,
                        Outcome::Dropped,
                        "ipRules",
                        format!("`{v}` is not an IPv4 prefix"),
                    ),
                }
            }
            for rule in a
                .get("virtualNetworkRules")
                .map(J::items)
                .unwrap_or(&[])
                .to_vec()
            {
                let id = rule
                    .get("id")
                    .or_else(|| rule.get("virtualNetworkResourceId"));
                if let Some(s) = self.subnet_ref(r, rule.at, id, "virtualNetworkRules") {
                    vnet_rules.push(sp(s));
                }
            }
            for rule in a
                .get("resourceAccessRules")
                .map(J::items)
                .unwrap_or(&[])
                .to_vec()
            {
                let raw = rule.get("resourceId").and_then(J::as_str).unwrap_or("");
                let ty = raw.to_ascii_lowercase().find("/providers/").and_then(|i| {
                    let mut parts = raw[i + "/providers/".len()..].split('/');
                    Some(format!("{}/{}", parts.next()?, parts.next()?))
                });
                let Some(ty) = ty else {
                    self.note(
                        r,
                        rule.at,
                        Outcome::Dropped,
                        "networkAcls.resourceAccessRules",
                        format!("resource id `{raw}` names no resource type; left out"),
                    );
                    continue;
                };
                let resource = rule
                    .get("resourceId")
                    .and_then(ref_id)
                    .and_then(|id| self.b.name_of(Namespace::Endpoint, &id).map(str::to_string))
                    .unwrap_or_else(|| raw.to_string());
                access_rules.push(ResourceAccessRuleDef {
                    resource_type: sp(ty),
                    resource: sp(resource),
                    pos: Pos::default(),
                });
            }
            if let Some(bypass) = a.get("bypass").and_then(J::as_str) {
                trusted = Some(bypass.contains("AzureServices"));
            }
        }
        if let Some(b) = pget(&r.body, &["networkRuleBypassOptions"]).and_then(J::as_str) {
            trusted = Some(b.eq_ignore_ascii_case("AzureServices"));
        }
        let mut def = ServiceDef {
            image_build_compute: None,
            online_endpoints: BTreeMap::new(),
            resource_access_rules: std::mem::take(&mut access_rules),
            kind,
            region: self.region_of(r),
            subscription: None,
            resource_group: None,
            tags: BTreeMap::new(),
            public_network_access: public,
            default_action,
            ip_rules,
            virtual_network_rules: vnet_rules,
            trusted_services: trusted.filter(|t| !t),
            storage: None,
            key_vault: None,
            container_registry: None,
            application_insights: None,
            managed_network: None,
            private_endpoints: Vec::new(),
            hub: None,
            ai_services: None,
            search: None,
            studio: None,
            ml_assisted_labeling: None,
            labeling_storage: None,
            pos: Pos::default(),
        };
        if kind == ServiceKind::MlWorkspace {
            let link = |m: &mut Self, keys: &[&str], what: &str| -> Option<Ref> {
                let id = pget(&r.body, keys).and_then(ref_id)?;
                m.named(r, r.at, Namespace::Endpoint, &id, keys[0], what)
                    .map(sp)
            };
            def.storage = link(
                self,
                &["storageAccount", "storage_account"],
                "storage account",
            );
            def.key_vault = link(self, &["keyVault", "key_vault"], "key vault");
            def.container_registry = link(
                self,
                &["containerRegistry", "container_registry"],
                "container registry",
            );
            def.application_insights = link(
                self,
                &["applicationInsights", "application_insights"],
                "Application Insights",
            );
            if let Some(mn) = pget(&r.body, &["managedNetwork", "managed_network"]) {
                let mn = self.managed_network(r, mn);
                if mn.isolation.is_some() || !mn.outbound_rules.is_empty() {
                    def.managed_network = Some(mn);
                }
            }
            def.image_build_compute = pget(&r.body, &["imageBuildCompute", "image_build_compute"])
                .and_then(J::as_str)
                .filter(|c| !c.is_empty())
                .map(|c| sp(c.to_string()));
        }
        def
    }

    pub(super) fn managed_network(&mut self, r: &Res, mn: &J) -> ManagedNetworkDef {
        let mode = mn
            .get("isolationMode")
            .or_else(|| mn.get("isolation_mode"))
            .and_then(J::as_str)
            .unwrap_or("Disabled");
        let isolation = match mode.to_ascii_lowercase().replace('_', "").as_str() {
            "allowinternetoutbound" => Isolation::AllowInternetOutbound,
            "allowonlyapprovedoutbound" => Isolation::AllowOnlyApprovedOutbound,
            _ => Isolation::Disabled,
        };
        let mut outbound_rules = Vec::new();
        let rules: Vec<(String, J)> = match mn
            .get("outboundRules")
            .or_else(|| mn.get("outbound_rules"))
            .map(|j| j.v.clone())
        {
            Some(V::Obj(m)) => m,
            Some(V::Arr(a)) => a
                .into_iter()
                .map(|x| {
                    (
                        x.get("name")
                            .and_then(J::as_str)
                            .unwrap_or("rule")
                            .to_string(),
                        x,
                    )
                })
                .collect(),
            _ => Vec::new(),
        };
        for (name, rule) in rules {
            let ty = rule
                .get("type")
                .and_then(J::as_str)
                .unwrap_or("")
                .to_ascii_lowercase();
            let dest = rule.get("destination");
            let mut o = OutboundRuleDef {
                name: name.clone(),
                kind: OutboundRuleKind::Fqdn,
                service: None,
                subresource: None,
                service_tag: None,
                protocol: None,
                port_ranges: None,
                destination: None,
                pos: Pos::default(),
            };
            match ty.replace('_', "").as_str() {
                "fqdn" => {
                    o.destination = dest.and_then(J::as_str).map(|s| sp(s.to_string()));
                }
                "servicetag" => {
                    o.kind = OutboundRuleKind::ServiceTag;
                    let d = dest.cloned().unwrap_or(J::new(V::Null, rule.at));
                    o.service_tag = d
                        .get("serviceTag")
                        .or_else(|| d.get("service_tag"))
                        .and_then(J::as_str)
                        .map(|s| sp(s.to_string()));
                    o.protocol = d.get("protocol").and_then(J::as_str).and_then(protocol);
                    let ports: Vec<Spanned<Port>> = d
                        .get("portRanges")
                        .or_else(|| d.get("port_ranges"))
                        .and_then(J::as_str)
                        .unwrap_or("*")
                        .split(',')
                        .filter_map(|p| PortRange::parse(p.trim()).map(|x| sp(Port(x))))
                        .collect();
                    o.port_ranges = (!ports.is_empty()).then_some(OneOrMany(ports));
                }
                "privateendpoint" => {
                    o.kind = OutboundRuleKind::PrivateEndpoint;
                    let d = dest.cloned().unwrap_or(J::new(V::Null, rule.at));
                    let target = d
                        .get("serviceResourceId")
                        .or_else(|| d.get("service_resource_id"))
                        .and_then(ref_id);
                    o.service = target
                        .and_then(|id| {
                            self.named(
                                r,
                                rule.at,
                                Namespace::Endpoint,
                                &id,
                                &format!("outboundRules/{name}"),
                                "service",
                            )
                        })
                        .map(sp);
                    if o.service.is_none() {
                        continue;
                    }
                    o.subresource = d
                        .get("subresourceTarget")
                        .or_else(|| d.get("subresource_target"))
                        .and_then(J::as_str)
                        .map(str::to_string);
                }
                other => {
                    self.note(
                        r,
                        rule.at,
                        Outcome::Dropped,
                        &format!("outboundRules/{name}"),
                        format!("outbound rule type `{other}` is not known"),
                    );
                    continue;
                }
            }
            outbound_rules.push(o);
        }
        ManagedNetworkDef {
            isolation: Some(isolation).filter(|i| *i != Isolation::Disabled),
            outbound_rules,
            pos: Pos::default(),
        }
    }

    pub(super) fn private_dns(&mut self) {
        for r in self.of_type("microsoft.network/privatednszones") {
            let zone = r.short().to_ascii_lowercase();
            let mut links = Vec::new();
            let mut policy = None;
            let mut redirect = Vec::new();
            for l in self.kids(&r, "microsoft.network/privatednszones/virtualnetworklinks") {
                self.used.insert(l.key());
                let subject = format!("virtualNetworkLinks/{}", l.short());
                if let Some(v) =
                    self.vnet_ref(&l, l.at, pget(&l.body, &["virtualNetwork"]), &subject)
                {
                    links.push(sp(v));
                }
                if pget(&l.body, &["registrationEnabled"]).and_then(J::as_bool) == Some(true) {
                    self.note(
                        &l,
                        l.at,
                        Outcome::Dropped,
                        "registrationEnabled",
                        "auto-registration of VM records is not modelled",
                    );
                }
                redirect.push(
                    pget(&l.body, &["resolutionPolicy"])
                        .and_then(J::as_str)
                        .is_some_and(|p| p.eq_ignore_ascii_case("NxDomainRedirect")),
                );
            }
            // vnetlab has one policy per zone: the fallback to public resolution only when
            // every link has it (the reading that resolves less), reported when links differ.
            if !redirect.is_empty() && redirect.iter().all(|x| *x) {
                policy = Some(ResolutionPolicy::NxDomainRedirect);
            } else if redirect.iter().any(|x| *x) {
                self.note(
                    &r,
                    r.at,
                    Outcome::Approximated,
                    "virtualNetworkLinks.resolutionPolicy",
                    "some links fall back to public resolution (NxDomainRedirect) and some do not; vnetlab keeps one policy per zone and uses the default (NXDOMAIN) for all",
                );
            }
            let s = self.src(&r, r.at);
            self.b.private_zone(
                &zone,
                PrivateZoneDef {
                    links,
                    records: BTreeMap::new(),
                    resolution_policy: policy,
                    link_settings: BTreeMap::new(),
                    pos: Pos::default(),
                },
                &s,
            );
            self.used.insert(r.key());
        }
    }

    /// A records are read after the private endpoints, whose own records vnetlab registers.
    pub(super) fn a_records(&mut self) {
        for r in self.of_type("microsoft.network/privatednszones/a") {
            self.used.insert(r.key());
            let zone = r.name.split('/').next().unwrap_or("").to_ascii_lowercase();
            let rel = r.short().to_string();
            let ips: Vec<Ipv4Addr> = pget(&r.body, &["aRecords"])
                .map(J::items)
                .unwrap_or(&[])
                .iter()
                .filter_map(|a| a.get("ipv4Address").and_then(J::as_str)?.parse().ok())
                .collect();
            let Some(ip) = ips.first().copied() else {
                continue;
            };
            if ips.iter().all(|i| self.pe_ips.contains(i)) {
                continue;
            }
            if ips.len() > 1 {
                self.note(
                    &r,
                    r.at,
                    Outcome::Approximated,
                    "aRecords",
                    "several addresses: only the first is modelled",
                );
            }
            match self.b.private_zone_mut(&zone) {
                Some(z) => {
                    z.records.insert(rel, sp(Ip(ip)));
                }
                None => self.note(
                    &r,
                    r.at,
                    Outcome::Dropped,
                    "A record",
                    format!("zone `{zone}` is not in the input"),
                ),
            }
        }
    }

    pub(super) fn private_endpoints(&mut self) {
        for r in self.of_type("microsoft.network/privateendpoints") {
            self.used.insert(r.key());
            let Some(subnet) = self.subnet_ref(&r, r.at, pget(&r.body, &["subnet"]), "subnet")
            else {
                continue;
            };
            let (conn, manual) = match pget(&r.body, &["privateLinkServiceConnections"])
                .and_then(|l| l.items().first().cloned())
            {
                Some(c) => (c, false),
                None => match pget(&r.body, &["manualPrivateLinkServiceConnections"])
                    .and_then(|l| l.items().first().cloned())
                {
                    Some(c) => (c, true),
                    None => {
                        self.note(
                            &r,
                            r.at,
                            Outcome::Dropped,
                            "privateLinkServiceConnections",
                            "no connection: left out",
                        );
                        continue;
                    }
                },
            };
            let Some(target) = pget(&conn, &["privateLinkServiceId"]).and_then(ref_id) else {
                continue;
            };
            let Some(service) = self
                .b
                .name_of(Namespace::Endpoint, &target)
                .map(str::to_string)
            else {
                self.note(&r, conn.at, Outcome::Dropped, "privateLinkServiceId", format!("the endpoint's service `{target}` is not in the input (or has no counterpart); left out"));
                continue;
            };
            let group = strings(pget(&conn, &["groupIds"]))
                .into_iter()
                .next()
                .unwrap_or_default();
            let kind = self.b.file.services[&service].kind;
            let Some(sub) = vnetlab_core::model::catalog::subresource(kind, &group) else {
                self.note(
                    &r,
                    conn.at,
                    Outcome::Dropped,
                    "groupIds",
                    format!("subresource `{group}` of a {kind} service is not modelled; the endpoint is left out"),
                );
                continue;
            };
            let group = sub.group.to_string();
            let status = pget(&conn, &["privateLinkServiceConnectionState"])
                .and_then(|s| s.get("status"))
                .and_then(J::as_str)
                .map(str::to_ascii_lowercase);
            let state = match status.as_deref() {
                Some("approved") => None,
                Some("rejected") => Some(PeState::Rejected),
                Some("disconnected") => Some(PeState::Disconnected),
                Some(_) => Some(PeState::Pending),
                None if manual => {
                    self.note(
                        &r,
                        conn.at,
                        Outcome::Approximated,
                        "manualPrivateLinkServiceConnections",
                        "a manual connection is read as pending until its status says approved",
                    );
                    Some(PeState::Pending)
                }
                None => None,
            };
            let ip = self.pe_ip(&r);
            if let Some(ip) = ip {
                self.pe_ips.insert(ip);
            }
            let mut zones = Vec::new();
            for g in self.kids(
                &r,
                "microsoft.network/privateendpoints/privatednszonegroups",
            ) {
                self.used.insert(g.key());
                for c in pget(&g.body, &["privateDnsZoneConfigs"])
                    .map(J::items)
                    .unwrap_or(&[])
                {
                    if let Some(z) = pget(c, &["privateDnsZoneId"]).and_then(ref_id) {
                        let zone = z.rsplit('/').next().unwrap_or("").to_string();
                        if !zones.iter().any(|x: &Spanned<String>| x.value == zone) {
                            zones.push(sp(zone));
                        }
                    }
                }
            }
            let pe = PrivateEndpointDef {
                subnet: sp(subnet),
                ip: ip.map(|i| sp(Ip(i))),
                group: sp(group),
                zones,
                state,
                pos: Pos::default(),
            };
            let s = self.src(&r, r.at);
            if let Some(svc) = self.b.file.services.get_mut(&service) {
                let n = svc.private_endpoints.len();
                svc.private_endpoints.push(pe);
                self.b.note(
                    vec![
                        "services".into(),
                        service.clone(),
                        "private_endpoints".into(),
                        n.to_string(),
                    ],
                    &s,
                );
            }
        }
        self.a_records();
    }

    pub(super) fn pe_ip(&mut self, r: &Res) -> Option<Ipv4Addr> {
        let mut all: Vec<String> = pget(&r.body, &["customDnsConfigs"])
            .map(J::items)
            .unwrap_or(&[])
            .iter()
            .flat_map(|c| strings(c.get("ipAddresses")))
            .collect();
        all.dedup();
        if all.len() > 1 {
            self.note(
                r,
                r.at,
                Outcome::Approximated,
                "customDnsConfigs",
                format!(
                    "the endpoint has {} addresses ({}); vnetlab gives it one, the first, for all its names",
                    all.len(),
                    all.join(", ")
                ),
            );
        }
        let from_dns = all.first().cloned();
        let from_cfg = pget(&r.body, &["ipConfigurations"])
            .and_then(|l| l.items().first().cloned())
            .and_then(|c| {
                pget(&c, &["privateIPAddress"])
                    .and_then(J::as_str)
                    .map(str::to_string)
            });
        let from_nic = pget(&r.body, &["networkInterfaces"])
            .and_then(|l| l.items().first().cloned())
            .and_then(|n| ref_id(&n))
            .and_then(|id| {
                self.used.insert(id.clone());
                let nic = self.by_id.get(&id)?;
                let cfg = pget(&nic.body, &["ipConfigurations"])?
                    .items()
                    .first()?
                    .clone();
                pget(&cfg, &["privateIPAddress"])
                    .and_then(J::as_str)
                    .map(str::to_string)
            });
        from_dns
            .or(from_cfg)
            .or(from_nic)
            .and_then(|s| s.parse().ok())
    }
}
