//! DNS as enterprises run it (issue #15 point 5, semantics A3): Azure DNS Private Resolver
//! inbound endpoints, forwarding rulesets linked to VNets, and DNS servers with host records and
//! conditional forwarders, against Microsoft's "Azure DNS Private Resolver endpoints and
//! rulesets" and "Private resolver architecture".

use std::net::Ipv4Addr;
use vnetlab_core::eval::dns::{resolve, resolver_at, resolver_for_vnet};
use vnetlab_core::model::Design;
use vnetlab_tests::{design, errors};

/// A hub with a resolver (inbound 10.20.1.4), the privatelink blob zone linked to the hub, a
/// spoke; `rulesets` and `servers` are YAML under `dns:`, `workloads` top-level YAML.
fn estate(rulesets: &str, servers: &str, workloads: &str) -> Design {
    design(
        "dns",
        &format!(
            r#"
version: 1
name: dns
vnets:
  hub:
    address_space: [10.20.0.0/16]
    subnets:
      dns-in: {{ prefix: 10.20.1.0/28 }}
      dns-out: {{ prefix: 10.20.1.16/28 }}
      vms: {{ prefix: 10.20.2.0/24 }}
  spoke:
    address_space: [10.21.0.0/16]
    subnets:
      endpoints: {{ prefix: 10.21.2.0/24 }}
peerings:
  - between: [hub, spoke]
services:
  st:
    kind: storage
    public_network_access: disabled
    private_endpoints:
      - {{ subnet: spoke/endpoints, ip: 10.21.2.4, group: blob, zones: [privatelink.blob.core.windows.net] }}
{workloads}
dns:
  private_zones:
    privatelink.blob.core.windows.net: {{ links: [hub] }}
  resolvers:
    r:
      vnet: hub
      inbound_endpoints: [{{ subnet: hub/dns-in, ip: 10.20.1.4 }}]
      outbound_endpoints: [hub/dns-out]
{rulesets}
{servers}
"#
        ),
    )
}

const BLOB: &str = "st.blob.core.windows.net";
const PE: Ipv4Addr = Ipv4Addr::new(10, 21, 2, 4);

fn vnet(d: &Design, name: &str) -> vnetlab_core::model::VnetId {
    d.vnet_by_name(name).expect("vnet")
}

#[test]
fn the_inbound_endpoint_answers_with_its_vnets_private_zones() {
    // "DNS queries sent to the inbound endpoint are resolved using Azure DNS. Private DNS zones
    // that are linked to the virtual network where the inbound endpoint is provisioned are
    // resolved by the inbound endpoint."
    let d = estate("", "", "");
    let (r, why) = resolver_at(&d, Ipv4Addr::new(10, 20, 1, 4), "an on-premises client");
    assert!(why.contains("inbound endpoint"), "{why}");
    assert_eq!(resolve(&d, BLOB, r).address, Ok(PE));
    // The spoke, linked to nothing, resolves the public address.
    let (spoke, _) = resolver_for_vnet(&d, vnet(&d, "spoke"));
    assert_ne!(resolve(&d, BLOB, spoke).address, Ok(PE));
}

#[test]
fn a_spoke_linked_to_a_ruleset_resolves_through_the_inbound_endpoint() {
    // "the spoke vnet doesn't need to be linked to the private DNS zone … the forwarding
    // ruleset rule for the private zone sends queries to the hub vnet's inbound endpoint."
    let rules = "  forwarding_rulesets:\n    rs:\n      resolver: r\n      links: [spoke]\n      rules:\n        - { domain: blob.core.windows.net., targets: [10.20.1.4] }\n";
    let d = estate(rules, "", "");
    let (spoke, _) = resolver_for_vnet(&d, vnet(&d, "spoke"));
    let a = resolve(&d, BLOB, spoke);
    assert_eq!(a.address, Ok(PE), "{:?}", a.steps);
    assert!(a.steps.iter().any(|s| s.contains("forwarding ruleset rs")));
    // A disabled rule is ignored.
    let d = estate(
        &rules.replace(
            "targets: [10.20.1.4] }",
            "targets: [10.20.1.4], enabled: false }",
        ),
        "",
        "",
    );
    let (spoke, _) = resolver_for_vnet(&d, vnet(&d, "spoke"));
    assert_ne!(resolve(&d, BLOB, spoke).address, Ok(PE));
}

#[test]
fn the_longest_matching_rule_wins() {
    // "If multiple rules are matched, the longest prefix match is used."
    let rules = "  forwarding_rulesets:\n    rs:\n      resolver: r\n      links: [spoke]\n      rules:\n        - { domain: ., targets: [192.0.2.53] }\n        - { domain: core.windows.net, targets: [10.20.1.4] }\n";
    let d = estate(rules, "", "");
    let (spoke, _) = resolver_for_vnet(&d, vnet(&d, "spoke"));
    assert_eq!(resolve(&d, BLOB, spoke).address, Ok(PE));
}

#[test]
fn a_ruleset_linked_to_the_inbound_endpoints_own_vnet_loops() {
    // "This option requires that the forwarding ruleset does not have a link to the hub VNet,
    // as this can cause loops in DNS resolution": the rule is applied before the hub's zones.
    let rules = "  forwarding_rulesets:\n    rs:\n      resolver: r\n      links: [hub, spoke]\n      rules:\n        - { domain: blob.core.windows.net, targets: [10.20.1.4] }\n";
    let d = estate(rules, "", "");
    let (hub, _) = resolver_for_vnet(&d, vnet(&d, "hub"));
    let a = resolve(&d, BLOB, hub);
    assert!(a.address.is_err(), "{:?}", a);
    assert!(a.steps.iter().any(|s| s.contains("loop")), "{:?}", a.steps);
}

#[test]
fn an_on_premises_server_answers_its_host_records_and_forwards_conditionally() {
    let servers = "  servers:\n    corp:\n      ip: 192.168.1.53\n      records: { git.corp.contoso.com: 192.168.1.80 }\n      forwarders: { blob.core.windows.net: [10.20.1.4] }\n";
    let d = estate("", servers, "");
    let (r, _) = resolver_at(&d, Ipv4Addr::new(192, 168, 1, 53), "laptop");
    assert_eq!(
        resolve(&d, "git.corp.contoso.com", r).address,
        Ok(Ipv4Addr::new(192, 168, 1, 80))
    );
    assert_eq!(resolve(&d, BLOB, r).address, Ok(PE));
    // Without the forwarder the name resolves on public DNS.
    let d = estate(
        "",
        &servers.replace(
            "      forwarders: { blob.core.windows.net: [10.20.1.4] }\n",
            "",
        ),
        "",
    );
    let (r, _) = resolver_at(&d, Ipv4Addr::new(192, 168, 1, 53), "laptop");
    assert_ne!(resolve(&d, BLOB, r).address, Ok(PE));
}

#[test]
fn a_dns_server_workload_holds_host_records_before_forwarding_to_azure_dns() {
    let vm = "workloads:\n  dns1:\n    kind: dns_server\n    subnet: hub/vms\n    ip: 10.20.2.10\n    records: { app.corp.contoso.com: 10.20.2.20 }\n";
    let d = estate("", "", vm);
    let (r, _) = resolver_at(&d, Ipv4Addr::new(10, 20, 2, 10), "vm");
    assert_eq!(
        resolve(&d, "app.corp.contoso.com", r).address,
        Ok(Ipv4Addr::new(10, 20, 2, 20))
    );
    // Other names go to Azure DNS from the hub, which sees the blob zone.
    assert_eq!(resolve(&d, BLOB, r).address, Ok(PE));
}

#[test]
fn bad_resolvers_are_located_errors() {
    let base = "version: 1\nname: t\nvnets:\n  hub:\n    address_space: [10.20.0.0/16]\n    subnets:\n      dns-in: { prefix: 10.20.1.0/28 }\n  other:\n    address_space: [10.30.0.0/16]\n    subnets:\n      s: { prefix: 10.30.1.0/28 }\n";
    let text = format!(
        "{base}dns:\n  resolvers:\n    r:\n      vnet: hub\n      inbound_endpoints: [{{ subnet: hub/dns-in, ip: 10.20.9.4 }}]\n      outbound_endpoints: [other/s]\n  forwarding_rulesets:\n    rs:\n      resolver: r2\n"
    );
    let errs = errors(&text);
    for want in ["inbound-endpoint", "resolver-endpoint", "reference"] {
        assert!(errs.iter().any(|e| e.contains(want)), "{want}: {errs:?}");
    }
    let no_outbound = format!(
        "{base}dns:\n  resolvers:\n    r:\n      vnet: hub\n      inbound_endpoints: [{{ subnet: hub/dns-in, ip: 10.20.1.4 }}]\n  forwarding_rulesets:\n    rs:\n      resolver: r\n"
    );
    assert!(
        errors(&no_outbound)
            .iter()
            .any(|e| e.contains("ruleset-outbound"))
    );
}
