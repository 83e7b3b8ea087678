//! Lowering the service-level issue #22 settings of firewall rules: FQDN tags in application
//! rules (S20) and DNAT translated to an FQDN (S21).

use super::*;
use crate::format::{CollectionKind, FirewallRuleDef};
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
