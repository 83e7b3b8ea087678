//! Lowering the service-level issue #22 settings of firewall rules: FQDN tags in application
//! rules (S20) and DNAT translated to an FQDN (S21).

use super::*;
use crate::format::{CollectionKind, FirewallRuleDef, TopologyFile};
use crate::model::fqdn_tags::{self, FqdnTag};

impl Builder<'_, '_> {
    /// An application rule's FQDN tags, each one Microsoft lists ("FQDN tags overview"). An
    /// unknown tag is an error with the nearest name; a tag whose FQDNs Microsoft does not
    /// publish is a warning: it matches no name here.
    pub(super) fn fqdn_tags(
        &mut self,
        kind: CollectionKind,
        r: &FirewallRuleDef,
    ) -> Vec<&'static FqdnTag> {
        if kind != CollectionKind::Application {
            if let Some(t) = r.fqdn_tags.first() {
                self.d
                    .error(
                        t.span(),
                        "fqdn-tag",
                        format!(
                            "`fqdn_tags` are for application rules, but `{}` is a {kind} rule",
                            r.name
                        ),
                    )
                    .help("move the rule to an application rule collection");
            }
            return Vec::new();
        }
        let mut out = Vec::new();
        for t in &r.fqdn_tags {
            match fqdn_tags::lookup(&t.value) {
                Some(tag) => {
                    if tag.fqdns.is_empty() {
                        self.d
                            .warning(
                                t.span(),
                                "fqdn-tag",
                                format!(
                                    "Microsoft does not publish the FQDNs of tag `{}`: vnetlab matches no name with it (S20)",
                                    tag.name
                                ),
                            )
                            .help("add the names the flows use to `fqdns` to analyse them");
                    }
                    if !out.contains(&tag) {
                        out.push(tag);
                    }
                }
                None => {
                    let names = fqdn_tags::TAGS.iter().map(|t| t.name);
                    let hint = did_you_mean(&t.value, names)
                        .map(|n| format!("did you mean `{n}`?"))
                        .unwrap_or_else(|| {
                            format!(
                                "the FQDN tags are {}",
                                fqdn_tags::TAGS
                                    .iter()
                                    .map(|t| t.name)
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            )
                        });
                    self.d
                        .error(
                            t.span(),
                            "fqdn-tag",
                            format!("`{}` is not an Azure Firewall FQDN tag", t.value),
                        )
                        .help(hint);
                }
            }
        }
        out
    }

    /// A DNAT rule's translated FQDN ("Translated address or FQDN"): a DNS name, not together
    /// with `translated_address`.
    pub(super) fn translated_fqdn(
        &mut self,
        kind: CollectionKind,
        r: &FirewallRuleDef,
    ) -> Option<String> {
        let t = r.translated_fqdn.as_ref()?;
        if kind != CollectionKind::Dnat {
            self.d.error(
                t.span(),
                "translated-fqdn",
                format!(
                    "`translated_fqdn` is for DNAT rules, but `{}` is a {kind} rule",
                    r.name
                ),
            );
            return None;
        }
        if r.translated_address.is_some() {
            self.d
                .error(
                    t.span(),
                    "translated-fqdn",
                    format!(
                        "DNAT rule `{}` has both `translated_address` and `translated_fqdn`",
                        r.name
                    ),
                )
                .help("keep one: Azure Firewall translates to an address or to a name");
            return None;
        }
        let name = t.value.trim().trim_end_matches('.').to_ascii_lowercase();
        let valid = !name.is_empty()
            && name.contains('.')
            && crate::net::parse_ipv4(&name).is_none()
            && name.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        if !valid {
            self.d
                .error(
                    t.span(),
                    "translated-fqdn",
                    format!("`{}` is not a DNS name", t.value),
                )
                .help("write a name such as `app.contoso.internal`, or an address in `translated_address`");
            return None;
        }
        Some(name)
    }
}

impl Builder<'_, '_> {
    /// The settings that refer to workloads and services both: a storage account's resource
    /// instance rules (S22), a workspace's image build compute (S25) and the computes' SSH
    /// public access (S23).
    pub(super) fn service_settings(
        &mut self,
        f: &TopologyFile,
        services: &mut [Service],
        workloads: &[Workload],
    ) {
        use crate::format::{ServiceKind, WorkloadKind};
        let names = self.names.services.clone();
        for (i, (name, s)) in f.services.iter().enumerate() {
            if !s.resource_access_rules.is_empty() && s.kind != ServiceKind::Storage {
                self.d
                    .error(
                        s.resource_access_rules[0].pos.0,
                        "service-key",
                        format!(
                            "`resource_access_rules` are for storage accounts, and `{name}` is a {}",
                            s.kind
                        ),
                    )
                    .help("other services admit Azure services through `trusted_services`");
            }
            let mut rules = Vec::new();
            for r in &s.resource_access_rules {
                let ty = r.resource_type.value.trim();
                let shaped = ty
                    .split_once('/')
                    .is_some_and(|(p, t)| p.starts_with("Microsoft.") && !t.is_empty());
                if !shaped {
                    self.d
                        .error(
                            r.resource_type.span(),
                            "resource-type",
                            format!("`{ty}` is not an Azure resource type"),
                        )
                        .help("e.g. `Microsoft.MachineLearningServices/workspaces`");
                    continue;
                }
                let res = r.resource.value.trim();
                let service = if res.starts_with('/') {
                    // An Azure resource id: the instance is outside the design unless its
                    // last segment names one of the design's services of that type.
                    let last = res.rsplit('/').next().unwrap_or_default();
                    names.get(last).copied().filter(|sid| {
                        crate::model::catalog::resource_type(services[sid.ix()].kind)
                            .eq_ignore_ascii_case(ty)
                    })
                } else {
                    let Some(sid) = self.resolve(&r.resource, &names, "service") else {
                        continue;
                    };
                    let want = crate::model::catalog::resource_type(services[sid.ix()].kind);
                    if !want.eq_ignore_ascii_case(ty) {
                        self.d
                            .error(
                                r.resource_type.span(),
                                "resource-type",
                                format!(
                                    "`{res}` is a {}, whose resource type is `{want}`, not `{ty}`",
                                    services[sid.ix()].kind
                                ),
                            )
                            .help(format!("write `resource_type: {want}`"));
                        continue;
                    }
                    Some(sid)
                };
                rules.push(crate::model::ResourceAccess {
                    resource_type: ty.to_string(),
                    resource: res.to_string(),
                    service,
                });
            }
            services[i].resource_access = rules;
            if !s.online_endpoints.is_empty() && s.kind != ServiceKind::MlWorkspace {
                self.d.error(
                    s.pos.0,
                    "service-key",
                    format!("`online_endpoints` are only for ml_workspace services, and `{name}` is a {}", s.kind),
                );
            }
            if let Some(r) = &s.image_build_compute {
                if s.kind != ServiceKind::MlWorkspace {
                    self.d.error(
                        r.span(),
                        "service-key",
                        format!("`image_build_compute` is only for ml_workspace services, and `{name}` is a {}", s.kind),
                    );
                    continue;
                }
                let found = workloads.iter().position(|w| w.name == r.value);
                match found {
                    Some(wi)
                        if workloads[wi].kind == WorkloadKind::ComputeCluster
                            && workloads[wi].workspace == Some(ServiceId(i as u32)) =>
                    {
                        services[i].image_build_compute = Some(WorkloadId(wi as u32));
                    }
                    Some(_) => {
                        self.d
                            .error(
                                r.span(),
                                "image-build-compute",
                                format!("`{}` is not a compute cluster of workspace `{name}`", r.value),
                            )
                            .help("name a `compute_cluster` workload whose `workspace` is this workspace");
                    }
                    None => {
                        let clusters = workloads
                            .iter()
                            .filter(|w| w.kind == WorkloadKind::ComputeCluster)
                            .map(|w| w.name.as_str());
                        let e = self.d.error(
                            r.span(),
                            "reference",
                            format!("no workload named `{}`", r.value),
                        );
                        if let Some(m) = did_you_mean(&r.value, clusters) {
                            e.help(format!("did you mean `{m}`?"));
                        }
                    }
                }
            }
        }
        for (name, w) in &f.workloads {
            if w.ssh_public_access.is_some()
                && !matches!(
                    w.kind,
                    WorkloadKind::ComputeInstance | WorkloadKind::ComputeCluster
                )
            {
                self.d.error(
                    w.pos.0,
                    "workload-key",
                    format!(
                        "`ssh_public_access` is for compute_instance and compute_cluster, and `{name}` is a {}",
                        w.kind
                    ),
                );
            }
        }
    }
}
