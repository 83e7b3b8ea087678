//! ARM Azure Firewalls, their policies, rule collection groups and IP groups → records.

use super::*;

impl Mapper<'_> {
    pub(super) fn ip_group(&mut self, r: &Res, j: &J, subject: &str) -> Vec<String> {
        let Some(id) = ref_id(j) else {
            return Vec::new();
        };
        self.used.insert(id.clone());
        match self.by_id.get(&id).cloned() {
            Some(g) => {
                self.note(
                    r,
                    j.at,
                    Outcome::Approximated,
                    subject,
                    format!("IP group `{}` expanded inline", g.short()),
                );
                strings(pget(&g.body, &["ipAddresses"]))
            }
            None => {
                self.note(
                    r,
                    j.at,
                    Outcome::Dropped,
                    subject,
                    format!("IP group `{id}` is not in the input; its addresses are left out"),
                );
                Vec::new()
            }
        }
    }

    /// Firewall rule addresses: IPs, CIDRs, tags, `*`; ranges `a-b` become the CIDRs that
    /// cover exactly that range; IP groups are expanded.
    pub(super) fn fw_addresses(
        &mut self,
        r: &Res,
        rule: &J,
        key: &str,
        groups: &str,
        subject: &str,
    ) -> Option<AddrList> {
        let mut out = Vec::new();
        let mut raw = strings(pget(rule, &[key]));
        if let Some(gs) = pget(rule, &[groups]) {
            for g in gs.items() {
                raw.extend(self.ip_group(r, g, subject));
            }
        }
        for a in raw {
            match a.split_once('-').and_then(|(x, y)| {
                Some((
                    x.trim().parse::<Ipv4Addr>().ok()?,
                    y.trim().parse::<Ipv4Addr>().ok()?,
                ))
            }) {
                Some((lo, hi)) if lo <= hi => {
                    for n in range_cidrs(lo, hi) {
                        out.push(sp(n.to_string()));
                    }
                }
                _ => out.push(sp(self.address(r, rule.at, &a, subject))),
            }
        }
        (!out.is_empty()).then_some(OneOrMany(out))
    }

    pub(super) fn fw_rule(
        &mut self,
        r: &Res,
        rule: &J,
        kind: CollectionKind,
        subject: &str,
    ) -> Vec<FirewallRuleDef> {
        let name = rule
            .get("name")
            .and_then(J::as_str)
            .unwrap_or("rule")
            .to_string();
        let subject = format!("{subject}/{name}");
        let source = self.fw_addresses(r, rule, "sourceAddresses", "sourceIpGroups", &subject);
        let destination = self.fw_addresses(
            r,
            rule,
            "destinationAddresses",
            "destinationIpGroups",
            &subject,
        );
        let ports: Vec<Spanned<Port>> = strings(pget(rule, &["destinationPorts"]))
            .iter()
            .filter_map(|p| PortRange::parse(p.trim()).map(|x| sp(Port(x))))
            .collect();
        let destination_ports = (!ports.is_empty()).then_some(OneOrMany(ports));
        for key in ["webCategories", "targetUrls"] {
            if !strings(pget(rule, &[key])).is_empty() {
                self.note(
                    r,
                    rule.at,
                    Outcome::Dropped,
                    &format!("{subject}.{key}"),
                    format!("`{key}` has no counterpart; the rule is imported without it"),
                );
            }
        }
        let base = FirewallRuleDef {
            name: name.clone(),
            source,
            destination,
            source_ip_groups: Vec::new(),
            destination_ip_groups: Vec::new(),
            destination_fqdns: strings(pget(rule, &["destinationFqdns"]))
                .into_iter()
                .map(sp)
                .collect(),
            protocol: None,
            destination_ports,
            fqdns: strings(pget(rule, &["targetFqdns"]))
                .into_iter()
                .map(sp)
                .collect(),
            protocols: Vec::new(),
            fqdn_tags: strings(pget(rule, &["fqdnTags"]))
                .into_iter()
                .map(sp)
                .collect(),
            translated_fqdn: pget(rule, &["translatedFqdn"])
                .and_then(J::as_str)
                .filter(|s| !s.is_empty())
                .map(|s| sp(s.to_string())),
            translated_address: pget(rule, &["translatedAddress"])
                .and_then(J::as_str)
                .and_then(|s| s.parse().ok())
                .map(|ip| sp(Ip(ip))),
            translated_port: pget(rule, &["translatedPort"])
                .and_then(J::as_int)
                .and_then(|p| u16::try_from(p).ok()),
            pos: Pos::default(),
        };
        if kind == CollectionKind::Application {
            let mut rule_def = base;
            for p in pget(rule, &["protocols"]).map(J::items).unwrap_or(&[]) {
                let t = p.get("protocolType").and_then(J::as_str).unwrap_or("");
                let port = p.get("port").and_then(J::as_int).unwrap_or(0);
                rule_def
                    .protocols
                    .push(sp(format!("{}:{port}", t.to_ascii_lowercase())));
            }
            return vec![rule_def];
        }
        // Network and DNAT rules: one protocol per vnetlab rule.
        let protos: Vec<String> = {
            let p = strings(pget(rule, &["ipProtocols"]));
            if p.is_empty() {
                strings(pget(rule, &["protocols"]))
            } else {
                p
            }
        };
        let mapped: Vec<Option<RuleProtocol>> = protos.iter().map(|p| protocol(p)).collect();
        if mapped.is_empty() || mapped.contains(&Some(RuleProtocol::Any)) {
            return vec![FirewallRuleDef {
                protocol: Some(RuleProtocol::Any),
                ..base
            }];
        }
        let mapped: Vec<RuleProtocol> = mapped.into_iter().flatten().collect();
        if mapped.len() == 1 {
            return vec![FirewallRuleDef {
                protocol: Some(mapped[0]),
                ..base
            }];
        }
        self.note(
            r,
            rule.at,
            Outcome::Approximated,
            &subject,
            format!(
                "{} protocols: one rule per protocol (`{name}-tcp`, …)",
                mapped.len()
            ),
        );
        mapped
            .into_iter()
            .map(|p| FirewallRuleDef {
                name: format!("{name}-{p}"),
                protocol: Some(p),
                ..base.clone()
            })
            .collect()
    }

    pub(super) fn policy_groups(
        &mut self,
        policy_id: &str,
        from_parent: bool,
        depth: usize,
    ) -> (Vec<RuleCollectionGroupDef>, Option<bool>) {
        let Some(p) = self.by_id.get(policy_id).cloned() else {
            return (Vec::new(), None);
        };
        self.used.insert(p.key());
        let mut groups = Vec::new();
        if depth < 4
            && let Some(base) = pget(&p.body, &["basePolicy"]).and_then(ref_id)
        {
            let (g, _) = self.policy_groups(&base, true, depth + 1);
            groups.extend(g);
        }
        let dns_proxy = pget(&p.body, &["dnsSettings"])
            .and_then(|d| d.get("enableProxy"))
            .and_then(J::as_bool);
        for key in [
            "intrusionDetection",
            "transportSecurity",
            "threatIntelWhitelist",
        ] {
            if pget(&p.body, &[key]).is_some() {
                self.note(
                    &p,
                    p.at,
                    Outcome::Dropped,
                    key,
                    "TLS inspection, IDPS and threat intelligence have no counterpart",
                );
            }
        }
        for g in self.kids(
            &p,
            "microsoft.network/firewallpolicies/rulecollectiongroups",
        ) {
            self.used.insert(g.key());
            let subject = format!("ruleCollectionGroups/{}", g.short());
            let priority = pget(&g.body, &["priority"])
                .and_then(J::as_int)
                .unwrap_or(65000);
            let mut collections = Vec::new();
            for c in pget(&g.body, &["ruleCollections"])
                .map(J::items)
                .unwrap_or(&[])
                .to_vec()
            {
                let cname = c
                    .get("name")
                    .and_then(J::as_str)
                    .unwrap_or("collection")
                    .to_string();
                let ctype = c
                    .get("ruleCollectionType")
                    .and_then(J::as_str)
                    .unwrap_or("");
                let action = c
                    .path(&["action", "type"])
                    .and_then(J::as_str)
                    .unwrap_or("");
                let rules_j = c.get("rules").map(J::items).unwrap_or(&[]).to_vec();
                let kind = if ctype.to_ascii_lowercase().contains("nat") {
                    CollectionKind::Dnat
                } else if rules_j.iter().any(|x| {
                    x.get("ruleType")
                        .and_then(J::as_str)
                        .is_some_and(|t| t.eq_ignore_ascii_case("ApplicationRule"))
                }) {
                    CollectionKind::Application
                } else {
                    CollectionKind::Network
                };
                let mut rules = Vec::new();
                for x in &rules_j {
                    rules.extend(self.fw_rule(&g, x, kind, &format!("{subject}/{cname}")));
                }
                collections.push(RuleCollectionDef {
                    name: cname,
                    kind,
                    priority: sp(c.get("priority").and_then(J::as_int).unwrap_or(65000) as u32),
                    action: (kind != CollectionKind::Dnat).then(|| {
                        if action.eq_ignore_ascii_case("deny") {
                            FwAction::Deny
                        } else {
                            FwAction::Allow
                        }
                    }),
                    rules,
                    pos: Pos::default(),
                });
            }
            groups.push(RuleCollectionGroupDef {
                name: g.short().to_string(),
                priority: sp(priority as u32),
                from_parent_policy: from_parent.then_some(true),
                collections,
                pos: Pos::default(),
            });
        }
        (groups, dns_proxy)
    }

    pub(super) fn firewalls(&mut self) {
        for r in self.of_type("microsoft.network/azurefirewalls") {
            let cfg = pget(&r.body, &["ipConfigurations"]).and_then(|l| l.items().first().cloned());
            let Some(cfg) = cfg else {
                self.note(&r, r.at, Outcome::Dropped, "ipConfigurations", "a firewall without an IP configuration (virtual hub firewalls) is not modelled");
                continue;
            };
            let Some(subnet) = self.subnet_ref(
                &r,
                cfg.at,
                pget(&cfg, &["subnet"]),
                "ipConfigurations.subnet",
            ) else {
                continue;
            };
            let private_ip = match pget(&cfg, &["privateIPAddress"]) {
                Some(j) if !j.is_unknown() => {
                    j.as_str().and_then(|s| s.parse().ok()).map(|ip| sp(Ip(ip)))
                }
                _ => {
                    self.note(&r, cfg.at, Outcome::UnknownUntilDeploy, "privateIPAddress", "Azure assigns it at deployment: derived as the 4th address of AzureFirewallSubnet (vnetlab's first free address)");
                    None
                }
            };
            let (public_ip, public_ip_address) =
                match self.public_ip(&r, pget(&cfg, &["publicIPAddress"])) {
                    Some((sku, ip)) => (Some(sku), ip.map(|i| sp(Ip(i)))),
                    None => (None, None),
                };
            let mut groups = Vec::new();
            let mut dns_proxy = None;
            if let Some(pid) = pget(&r.body, &["firewallPolicy"]).and_then(ref_id) {
                if self.by_id.contains_key(&pid) {
                    let (g, d) = self.policy_groups(&pid, false, 0);
                    groups = g;
                    dns_proxy = d;
                } else {
                    self.note(&r, r.at, Outcome::Dropped, "firewallPolicy", format!("firewall policy `{pid}` is not in the input: no rules imported, so the firewall denies everything"));
                }
            }
            if let Some(g) = self.classic(&r) {
                groups.push(g);
            }
            let name = self.b.name(Namespace::Endpoint, &r.key(), r.short());
            let s = self.src(&r, r.at);
            self.b.firewall(
                &name,
                FirewallDef {
                    kind: FirewallKind::AzureFirewall,
                    subnet: sp(subnet),
                    private_ip,
                    public_ip,
                    public_ip_address,
                    dns_proxy: dns_proxy.filter(|d| *d),
                    stateful: None,
                    snat: None,
                    snat_private_ranges: Vec::new(),
                    rule_collection_groups: groups,
                    policies: Vec::new(),
                    pos: Pos::default(),
                },
                &s,
            );
            self.used.insert(r.key());
        }
    }

    /// Classic rule collections on the firewall itself, as one group.
    pub(super) fn classic(&mut self, r: &Res) -> Option<RuleCollectionGroupDef> {
        let mut collections = Vec::new();
        for (key, kind) in [
            ("natRuleCollections", CollectionKind::Dnat),
            ("networkRuleCollections", CollectionKind::Network),
            ("applicationRuleCollections", CollectionKind::Application),
        ] {
            for c in pget(&r.body, &[key]).map(J::items).unwrap_or(&[]).to_vec() {
                let cname = c
                    .get("name")
                    .and_then(J::as_str)
                    .unwrap_or("collection")
                    .to_string();
                let action = pget(&c, &["action"])
                    .and_then(|a| a.get("type"))
                    .and_then(J::as_str)
                    .unwrap_or("Allow");
                let mut rules = Vec::new();
                for x in pget(&c, &["rules"]).map(J::items).unwrap_or(&[]).to_vec() {
                    rules.extend(self.fw_rule(r, &x, kind, &format!("{key}/{cname}")));
                }
                collections.push(RuleCollectionDef {
                    name: cname,
                    kind,
                    priority: sp(
                        pget(&c, &["priority"]).and_then(J::as_int).unwrap_or(65000) as u32
                    ),
                    action: (kind != CollectionKind::Dnat).then(|| {
                        if action.eq_ignore_ascii_case("deny") {
                            FwAction::Deny
                        } else {
                            FwAction::Allow
                        }
                    }),
                    rules,
                    pos: Pos::default(),
                });
            }
        }
        if collections.is_empty() {
            return None;
        }
        self.note(r, r.at, Outcome::Approximated, "classic rule collections", "classic rules are imported as one rule collection group `classic` (priority 100); Azure processes DNAT, then network, then application collections by priority as vnetlab does");
        Some(RuleCollectionGroupDef {
            name: "classic".into(),
            priority: sp(100),
            from_parent_policy: None,
            collections,
            pos: Pos::default(),
        })
    }
}
