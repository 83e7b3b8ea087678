//! The service-level settings of issue #22 (docs/semantics.md S20–S25), each on a small design
//! written from Microsoft's text (quoted at each case).

use super::{assert_allowed, flow};
use vnetlab_core::model::Design;
use vnetlab_core::net::Protocol::Tcp;
use vnetlab_tests::{design, errors};

/// Loads a design and returns its diagnostics with the given code as `line:col message`.
pub(super) fn diagnostics(text: &str, code: &str) -> (Vec<String>, Option<Design>) {
    let loaded = vnetlab_core::load(
        "t.yaml",
        text.as_bytes(),
        &vnetlab_core::model::BuildOptions::default(),
    );
    let v = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d| {
            let help = d
                .help
                .as_deref()
                .map(|h| format!(" ({h})"))
                .unwrap_or_default();
            format!("{}:{} {}{help}", d.span.line, d.span.col, d.message)
        })
        .collect();
    (v, loaded.design)
}

/// A hub with an Azure Firewall and a spoke whose default route goes through it; `rules` are the
/// firewall's rule collections (YAML flow list), `dns` the design's private zones.
fn hub(rules: &str, dns: &str) -> String {
    format!(
        r#"
version: 1
name: fw-settings
region: westeurope
vnets:
  hub:
    address_space: [10.70.0.0/16]
    subnets:
      AzureFirewallSubnet: {{ prefix: 10.70.0.0/26 }}
      web: {{ prefix: 10.70.1.0/24 }}
  spoke:
    address_space: [10.71.0.0/16]
    subnets:
      nodes: {{ prefix: 10.71.1.0/24, route_table: via-fw }}
peerings:
  - {{ between: [hub, spoke], allow_forwarded_traffic: true }}
route_tables:
  via-fw:
    routes:
      - {{ name: default, prefix: 0.0.0.0/0, next_hop: virtual_appliance, next_hop_ip: 10.70.0.4 }}
firewalls:
  fw:
    kind: azure_firewall
    subnet: hub/AzureFirewallSubnet
    public_ip: standard
    public_ip_address: 20.61.0.10
    rule_collection_groups:
      - name: rcg
        priority: 100
        collections: {rules}
workloads:
  node: {{ kind: vm, subnet: spoke/nodes }}
  web: {{ kind: vm, subnet: hub/web, ip: 10.70.1.10 }}
{dns}
"#
    )
}

/// "An FQDN tag represents a group of fully qualified domain names (FQDNs) associated with well
/// known Microsoft services. You can use an FQDN tag in application rules to allow the required
/// outbound network traffic through your firewall" (FQDN tags overview); for AKS, "The FQDN tag
/// contains all the FQDNs listed in outbound network and FQDN rules for AKS clusters".
#[test]
fn an_fqdn_tag_allows_the_names_microsoft_lists_for_it() {
    let rules = r#"[{ name: app, kind: application, priority: 200, action: allow, rules: [{ name: aks, source: [10.71.0.0/16], fqdn_tags: [AzureKubernetesService], protocols: ["https:443"] }] }]"#;
    let d = design("fqdn-tags.yaml", &hub(rules, ""));
    for name in [
        "mcr.microsoft.com",
        "westeurope.data.mcr.microsoft.com",
        "mycluster-1a2b.hcp.westeurope.azmk8s.io",
        "management.azure.com",
    ] {
        let t = flow(&d, "node", name, Tcp, 443);
        assert_allowed(&t, true);
        assert!(
            t.hops
                .iter()
                .any(|h| h.at == "fw" && h.detail.contains("rcg/app/aks")),
            "{}",
            vnetlab_core::render::trace(&t)
        );
    }
    // A name the tag does not stand for, or another port, meets the default deny.
    assert_allowed(&flow(&d, "node", "pypi.org", Tcp, 443), false);
    assert_allowed(&flow(&d, "node", "mcr.microsoft.com", Tcp, 8443), false);
    // Addressed by IP, an application rule sees no name.
    assert_allowed(&flow(&d, "node", "20.1.2.3", Tcp, 443), false);
}

/// "You can't create your own FQDN tags": an unknown tag is an error naming the closest one; a
/// tag whose FQDNs Microsoft does not publish is a warning (it matches no name here); tags are
/// for application rules.
#[test]
fn fqdn_tags_are_checked() {
    let rules = r#"[{ name: app, kind: application, priority: 200, action: allow, rules: [{ name: wu, fqdn_tags: [WindowsUpdates, WindowsDiagnostics] }] }, { name: net, kind: network, priority: 100, action: allow, rules: [{ name: n, destination: ["*"], fqdn_tags: [WindowsUpdate] }] }]"#;
    let (errs, d) = diagnostics(&hub(rules, ""), "fqdn-tag");
    assert!(d.is_none());
    let all = errs.join("\n");
    assert!(
        all.contains("`WindowsUpdates` is not an Azure Firewall FQDN tag")
            && all.contains("did you mean `WindowsUpdate`?"),
        "{all}"
    );
    assert!(
        all.contains("`fqdn_tags` are for application rules, but `n` is a network rule"),
        "{all}"
    );
    let rules = r#"[{ name: app, kind: application, priority: 200, action: allow, rules: [{ name: diag, fqdn_tags: [WindowsDiagnostics] }] }]"#;
    let (warnings, d) = diagnostics(&hub(rules, ""), "fqdn-tag");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("Microsoft does not publish the FQDNs of tag `WindowsDiagnostics`"),
        "{warnings:?}"
    );
    let d = d.expect("a warning keeps the design");
    assert_allowed(
        &flow(&d, "node", "v10.events.data.microsoft.com", Tcp, 443),
        false,
    );
}

fn dnat(zone_links: &str) -> Design {
    let rules = r#"[{ name: inbound, kind: dnat, priority: 100, rules: [{ name: to-web, source: ["*"], destination: [20.61.0.10], protocol: tcp, destination_ports: [8443], translated_fqdn: web.contoso.internal, translated_port: 443 }] }]"#;
    let dns = format!(
        "dns:\n  private_zones:\n    contoso.internal:\n      links: {zone_links}\n      records: {{ web: 10.70.1.10 }}\n"
    );
    design("dnat-fqdn.yaml", &hub(rules, &dns))
}

/// A DNAT rule's "Translated address: The private IP address or FQDN to which the traffic
/// should be routed" (Azure Firewall DNAT rules): the name is resolved by the firewall's DNS
/// (Azure DNS in the firewall's VNet, whose linked private zones apply); a name it cannot
/// resolve sends the packet nowhere.
#[test]
fn dnat_to_an_fqdn_follows_the_firewalls_dns() {
    let d = dnat("[hub]");
    let t = flow(&d, "internet", "20.61.0.10", Tcp, 8443);
    assert_allowed(&t, true);
    assert!(
        t.hops
            .iter()
            .any(|h| h.at == "fw" && h.detail.contains("to 10.70.1.10:443 (web.contoso.internal")),
        "{}",
        vnetlab_core::render::trace(&t)
    );
    assert!(
        t.hops.iter().any(|h| h.at == "web"),
        "{}",
        vnetlab_core::render::trace(&t)
    );
    // The zone is linked to the spoke only: the firewall's VNet does not see the record.
    let d = dnat("[spoke]");
    let t = flow(&d, "internet", "20.61.0.10", Tcp, 8443);
    assert_allowed(&t, false);
    assert!(
        t.hops.iter().any(|h| h.at == "fw"
            && !h.ok
            && h.detail
                .contains("which the firewall's DNS does not resolve")),
        "{}",
        vnetlab_core::render::trace(&t)
    );
}

/// `translated_fqdn` is a DNS name, for DNAT rules, instead of `translated_address`.
#[test]
fn translated_fqdn_is_checked() {
    let rules = r#"[{ name: inbound, kind: dnat, priority: 100, rules: [{ name: both, destination: [20.61.0.10], destination_ports: [80], translated_address: 10.70.1.10, translated_fqdn: web.contoso.internal }, { name: bad, destination: [20.61.0.10], destination_ports: [81], translated_fqdn: "not a name" }] }, { name: net, kind: network, priority: 100, action: allow, rules: [{ name: n, destination: ["*"], translated_fqdn: a.b.c }] }]"#;
    let all = errors(&hub(rules, "")).join("\n");
    for want in [
        "DNAT rule `both` has both `translated_address` and `translated_fqdn`",
        "`not a name` is not a DNS name",
        "`translated_fqdn` is for DNAT rules, but `n` is a network rule",
    ] {
        assert!(all.contains(want), "{want}\n{all}");
    }
}
