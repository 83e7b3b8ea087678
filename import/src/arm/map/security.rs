//! ARM application security groups and network security groups (their rules, address and port lists) → records.

use super::*;

impl Mapper<'_> {
    pub(super) fn asgs(&mut self) {
        for r in self.of_type("microsoft.network/applicationsecuritygroups") {
            let name = self.b.name(Namespace::Asg, &r.key(), r.short());
            let s = self.src(&r, r.at);
            self.b.asg(
                &name,
                AsgDef {
                    description: None,
                    pos: Pos::default(),
                },
                &s,
            );
            self.used.insert(r.key());
        }
    }

    pub(super) fn asg_ref(&mut self, r: &Res, j: &J) -> Option<String> {
        let id = ref_id(j)?;
        match self.b.name_of(Namespace::Asg, &id) {
            Some(n) => Some(format!("asg:{n}")),
            None => {
                // Not in the input: declare it by its name (membership comes from NICs).
                let short = id.rsplit('/').next().unwrap_or(&id).to_string();
                let name = self.b.name(Namespace::Asg, &id, &short);
                let s = self.src(r, j.at);
                self.b.asg(
                    &name,
                    AsgDef {
                        description: Some("referenced, not in the input".into()),
                        pos: Pos::default(),
                    },
                    &s,
                );
                Some(format!("asg:{name}"))
            }
        }
    }

    pub(super) fn nsgs(&mut self) {
        for r in self.of_type("microsoft.network/networksecuritygroups") {
            let name = self.b.name(Namespace::Nsg, &r.key(), r.short());
            let mut rules = Vec::new();
            for (rname, body, owner) in self.merged(
                &r,
                &["securityRules"],
                "microsoft.network/networksecuritygroups/securityrules",
            ) {
                if let Some(rule) = self.nsg_rule(&owner, &rname, &body) {
                    rules.push(rule);
                }
            }
            rules.sort_by_key(|x: &NsgRuleDef| (x.direction, x.priority.value));
            let s = self.src(&r, r.at);
            self.b.nsg(
                &name,
                NsgDef {
                    rules,
                    pos: Pos::default(),
                },
                &s,
            );
            self.used.insert(r.key());
        }
    }

    pub(super) fn nsg_rule(&mut self, r: &Res, name: &str, body: &J) -> Option<NsgRuleDef> {
        let subject = format!("securityRules/{name}");
        let priority = self
            .known(r, pget(body, &["priority"]), &subject)?
            .as_int()?;
        let dir = pget(body, &["direction"]).and_then(J::as_str)?;
        let access = pget(body, &["access"]).and_then(J::as_str)?;
        let direction = if dir.eq_ignore_ascii_case("inbound") {
            Direction::Inbound
        } else {
            Direction::Outbound
        };
        let access = if access.eq_ignore_ascii_case("allow") {
            Access::Allow
        } else {
            Access::Deny
        };
        let protocol = pget(body, &["protocol"])
            .and_then(J::as_str)
            .and_then(protocol);
        let source = self.addresses(r, body, "source", &subject);
        let destination = self.addresses(r, body, "destination", &subject);
        let source_ports = self.ports(r, body, "sourcePortRange", &subject);
        let destination_ports = self.ports(r, body, "destinationPortRange", &subject);
        Some(NsgRuleDef {
            name: sp(name.to_string()),
            priority: sp(priority.clamp(0, u32::MAX as i64) as u32),
            direction,
            access,
            protocol,
            source,
            source_ports,
            destination,
            destination_ports,
            description: pget(body, &["description"])
                .and_then(J::as_str)
                .map(str::to_string),
            pos: Pos::default(),
        })
    }

    pub(super) fn addresses(
        &mut self,
        r: &Res,
        body: &J,
        side: &str,
        subject: &str,
    ) -> Option<AddrList> {
        let mut out = Vec::new();
        let one = format!("{side}AddressPrefix");
        let many = format!("{side}AddressPrefixes");
        let asgs = format!("{side}ApplicationSecurityGroups");
        for key in [one.as_str(), many.as_str()] {
            if let Some(j) = self.known(r, pget(body, &[key]), subject) {
                for s in strings(Some(j)) {
                    out.push(sp(self.address(r, j.at, &s, subject)));
                }
            }
        }
        if let Some(list) = pget(body, &[&asgs]) {
            for a in list.items() {
                if let Some(x) = self.asg_ref(r, a) {
                    out.push(sp(x));
                }
            }
        }
        (!out.is_empty()).then_some(OneOrMany(out))
    }

    /// An address entry as vnetlab reads it: a CIDR with host bits set is cut to its network
    /// (Azure does the same), reported.
    pub(super) fn address(&mut self, r: &Res, at: At, s: &str, subject: &str) -> String {
        if let Some((ip, len)) = s.split_once('/')
            && let (Ok(ip), Ok(len)) = (ip.parse::<Ipv4Addr>(), len.parse::<u8>())
            && let Ok(net) = Ipv4Net::new(ip, len)
            && net.trunc().addr() != ip
        {
            let fixed = net.trunc().to_string();
            self.note(
                r,
                at,
                Outcome::Approximated,
                subject,
                format!("`{s}` has host bits set; read as `{fixed}`"),
            );
            return fixed;
        }
        s.to_string()
    }

    pub(super) fn ports(
        &mut self,
        r: &Res,
        body: &J,
        key: &str,
        subject: &str,
    ) -> Option<PortList> {
        let mut out = Vec::new();
        for k in [key.to_string(), format!("{key}s")] {
            if let Some(j) = self.known(r, pget(body, &[&k]), subject) {
                let values: Vec<String> = match &j.v {
                    V::Int(i) => vec![i.to_string()],
                    _ => strings(Some(j)),
                };
                for v in values {
                    match PortRange::parse(v.trim()) {
                        Some(p) => out.push(sp(Port(p))),
                        None => self.note(
                            r,
                            j.at,
                            Outcome::Dropped,
                            subject,
                            format!("`{v}` is not a port or range; left out"),
                        ),
                    }
                }
            }
        }
        (!out.is_empty()).then_some(OneOrMany(out))
    }
}
