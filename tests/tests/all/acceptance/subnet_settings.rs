//! Subnets of issue #22 beyond S1–S10: several prefixes (S11), subnet peering (S12) and what
//! delegations forbid and require (S13), each on a small design written from Microsoft's text
//! (quoted at each case; sources in docs/semantics.md).

use super::{assert_allowed, flow};
use vnetlab_core::model::{BuildOptions, Design};
use vnetlab_core::net::Protocol::Tcp;
use vnetlab_core::reach::matrix::{MatrixBy, matrix, matrix_by_tracing};
use vnetlab_tests::{design, errors};

/// The warnings of a valid design, rendered without source lines.
fn warnings(text: &str) -> Vec<String> {
    let loaded = vnetlab_core::load("t.yaml", text.as_bytes(), &BuildOptions::default());
    assert!(loaded.design.is_some(), "{:?}", loaded.diagnostics);
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == vnetlab_core::diag::Severity::Warning)
        .map(|d| format!("{}:{} {}: {}", d.span.line, d.span.col, d.code, d.message))
        .collect()
}

/// The set engine and tracing give the same subnet matrix.
fn engines_agree(d: &Design) {
    let ports = [(Tcp, 22), (Tcp, 443)];
    let fast = matrix(d, MatrixBy::Subnet, &ports);
    let slow = matrix_by_tracing(d, MatrixBy::Subnet, &ports);
    let n = slow.names.len();
    for s in 0..n {
        for t in 0..n {
            for (p, want) in slow.reaches(s, t).iter().enumerate() {
                assert_eq!(
                    fast.cell(s, t, p),
                    *want,
                    "{} → {} on {:?}",
                    slow.names[s],
                    slow.names[t],
                    ports[p]
                );
            }
        }
    }
}

const MULTI: &str = r#"
version: 1
name: multi-prefix
region: eastus
vnets:
  app-vnet:
    address_space: [10.70.0.0/16]
    subnets:
      app: { prefixes: [10.70.1.0/29, 10.70.9.0/28], nsg: app-nsg }
      data: { prefix: 10.70.2.0/24 }
nsgs:
  app-nsg:
    rules:
      - { name: ssh-from-data, priority: 100, direction: inbound, access: allow, protocol: tcp, source: 10.70.2.0/24, destination: "*", destination_ports: [22] }
      - { name: deny-vnet, priority: 200, direction: inbound, access: deny, protocol: any, source: VirtualNetwork, destination: VirtualNetwork, destination_ports: ["*"] }
workloads:
  vm1: { kind: vm, subnet: app-vnet/app }
  vm2: { kind: vm, subnet: app-vnet/app }
  vm3: { kind: vm, subnet: app-vnet/app }
  vm4: { kind: vm, subnet: app-vnet/app }
  db: { kind: vm, subnet: app-vnet/data }
"#;

/// "If the first subnet is full, additional virtual machines … can spill over to the new address
/// space prefix within the same subnet" ("Create multiple prefixes for a subnet"): a /29 has
/// three usable addresses, so the fourth VM takes the second prefix's first usable address
/// (five reserved in each prefix, S11), and it is in the subnet: the subnet's NSG guards it.
#[test]
fn a_subnet_with_several_prefixes_holds_the_addresses_of_each() {
    let d = design("multi.yaml", MULTI);
    let ip = |n: &str| d.workloads.iter().find(|w| w.name == n).unwrap().ip;
    assert_eq!(ip("vm3").to_string(), "10.70.1.6");
    assert_eq!(ip("vm4").to_string(), "10.70.9.4");
    let app = d.subnet_containing(ip("vm4")).unwrap();
    assert_eq!(d.subnets[app.ix()].name, "app-vnet/app");
    assert_allowed(&flow(&d, "db", "vm4", Tcp, 22), true);
    let t = flow(&d, "db", "vm4", Tcp, 443);
    assert_allowed(&t, false);
    assert!(
        vnetlab_core::render::trace(&t).contains("deny-vnet"),
        "{}",
        vnetlab_core::render::trace(&t)
    );
    // The subnet as a destination set covers both prefixes.
    assert_allowed(&flow(&d, "db", "app-vnet/app", Tcp, 22), true);
    engines_agree(&d);
}

/// Five addresses are reserved in each prefix: the second prefix's .1 cannot be given out.
#[test]
fn each_prefix_keeps_its_five_reserved_addresses() {
    let text = MULTI.replace(
        "vm4: { kind: vm, subnet: app-vnet/app }",
        "vm4: { kind: vm, subnet: app-vnet/app, ip: 10.70.9.1 }",
    );
    let e = errors(&text);
    assert!(
        e.iter().any(|m| m.contains(
            "10.70.9.1 is one of the 5 addresses Azure reserves in app-vnet/app (10.70.9.0/28)"
        )),
        "{e:?}"
    );
}

#[test]
fn prefix_and_prefixes_are_checked() {
    let with = |subnet: &str| {
        MULTI.replace(
            "app: { prefixes: [10.70.1.0/29, 10.70.9.0/28], nsg: app-nsg }",
            subnet,
        )
    };
    let both = errors(&with(
        "app: { prefix: 10.70.1.0/24, prefixes: [10.70.9.0/28] }",
    ));
    assert!(
        both.iter().any(|m| m
            .contains("subnet-prefixes: subnet `app-vnet/app` has both `prefix` and `prefixes`")),
        "{both:?}"
    );
    let neither = errors(&with("app: { nsg: app-nsg }"));
    assert!(
        neither
            .iter()
            .any(|m| m
                .contains("missing-key: the subnet `app-vnet/app` needs `prefix` (or `prefixes`)")),
        "{neither:?}"
    );
    let outside = errors(&with("app: { prefixes: [10.70.1.0/24, 10.71.0.0/24] }"));
    assert!(
        outside.iter().any(|m| m.contains(
            "subnet app-vnet/app (10.71.0.0/24) is outside VNet `app-vnet`'s address space"
        )),
        "{outside:?}"
    );
    let own = errors(&with("app: { prefixes: [10.70.1.0/24, 10.70.1.128/25] }"));
    assert!(
        own.iter().any(|m| m.contains("overlaps its own prefix")),
        "{own:?}"
    );
    let sibling = errors(&with("app: { prefixes: [10.70.1.0/24, 10.70.2.128/25] }"));
    assert!(
        sibling.iter().any(|m| m.contains(
            "subnet app-vnet/data (10.70.2.0/24) overlaps sibling app-vnet/app (10.70.2.128/25)"
        )),
        "{sibling:?}"
    );
    let empty = errors(&with("app: { prefixes: [] }"));
    assert!(!empty.is_empty());
}

/// "The feature only supports virtual machines and virtual machine scale sets … Any delegated
/// subnet can't use this feature" — Azure refuses these at deployment: warnings (P18).
#[test]
fn several_prefixes_are_for_virtual_machines_in_undelegated_subnets() {
    let text = MULTI
        .replace(
            "app: { prefixes: [10.70.1.0/29, 10.70.9.0/28], nsg: app-nsg }",
            "app: { prefixes: [10.70.1.0/29, 10.70.9.0/28], nsg: app-nsg }\n      web: { prefixes: [10.70.3.0/24, 10.70.4.0/24], delegations: [Microsoft.Web/serverFarms] }\n      pe: { prefixes: [10.70.5.0/24, 10.70.6.0/24] }",
        )
        .replace(
            "  db: { kind: vm, subnet: app-vnet/data }",
            "  db: { kind: vm, subnet: app-vnet/data }\nservices:\n  st:\n    kind: storage\n    private_endpoints:\n      - { subnet: app-vnet/pe, group: blob }",
        );
    let w = warnings(&text);
    assert!(
        w.iter().any(|m| m.contains(
            "subnet app-vnet/web is delegated to Microsoft.Web/serverFarms and has 2 prefixes"
        )),
        "{w:?}"
    );
    assert!(w.iter().any(|m| m.contains("subnet app-vnet/pe has 2 prefixes, which Azure supports only for virtual machines and scale sets, but holds private endpoint")), "{w:?}");
    assert!(!w.iter().any(|m| m.contains("app-vnet/app")), "{w:?}");
}

/// Microsoft's example ("How to configure subnet peering"): vnet-1 (subnet-1, subnet-2) and
/// vnet-2 (subnet-3, subnet-4), "we want to connect only subnet-1 from vnet-1 and subnet-3
/// from vnet-2".
const SUBNET_PEERING: &str = r#"
version: 1
name: subnet-peering
region: eastus
vnets:
  vnet-1:
    address_space: [10.0.0.0/16]
    subnets:
      subnet-1: { prefix: 10.0.1.0/24 }
      subnet-2: { prefix: 10.0.2.0/24 }
  vnet-2:
    address_space: [10.1.0.0/16]
    subnets:
      subnet-3: { prefix: 10.1.1.0/24, nsg: vnet-only }
      subnet-4: { prefix: 10.1.2.0/24 }
peerings:
  - between: [vnet-1, vnet-2]
    subnets:
      vnet-1: [subnet-1]
      vnet-2: [subnet-3]
nsgs:
  vnet-only:
    rules:
      - { name: vnet-in, priority: 100, direction: inbound, access: allow, protocol: tcp, source: VirtualNetwork, destination: "*", destination_ports: [22] }
      - { name: deny-rest, priority: 200, direction: inbound, access: deny, protocol: any, source: "*", destination: "*", destination_ports: ["*"] }
workloads:
  vm1: { kind: vm, subnet: vnet-1/subnet-1 }
  vm2: { kind: vm, subnet: vnet-1/subnet-2 }
  vm3: { kind: vm, subnet: vnet-2/subnet-3 }
  vm4: { kind: vm, subnet: vnet-2/subnet-4 }
"#;

/// The peered subnets reach each other; a subnet outside the remote list has no route (the
/// link exchanges only the peered subnets' prefixes).
#[test]
fn subnet_peering_connects_only_the_listed_subnets() {
    let d = design("subnet-peering.yaml", SUBNET_PEERING);
    assert_allowed(&flow(&d, "vm1", "vm3", Tcp, 22), true);
    assert_allowed(&flow(&d, "vm3", "vm1", Tcp, 22), true);
    let t = flow(&d, "vm1", "vm4", Tcp, 22);
    assert_allowed(&t, false);
    let text = vnetlab_core::render::trace(&t);
    assert!(
        text.contains("10.1.2.4 matches 10.0.0.0/8 → None"),
        "{text}"
    );
    // The routes: the peered subnet's prefix only, not vnet-2's address space.
    let s1 = d
        .subnets
        .iter()
        .position(|s| s.name == "vnet-1/subnet-1")
        .unwrap();
    let peering: Vec<String> = d.derived.routes[s1]
        .routes
        .iter()
        .filter(|r| r.next_hop.type_name() == "VNetPeering")
        .map(|r| r.prefix.to_string())
        .collect();
    assert_eq!(peering, ["10.1.1.0/24"]);
    engines_agree(&d);
}

/// "Forward route from non-peered subnet to peered subnet exists … meaning the nonpeered
/// subnets can send packet to destination node in the peered subnet, although the packet is
/// dropped and doesn't reach the virtual machine."
#[test]
fn a_non_peered_subnet_has_the_route_but_its_packets_are_dropped() {
    let d = design("subnet-peering.yaml", SUBNET_PEERING);
    let s2 = d
        .subnets
        .iter()
        .position(|s| s.name == "vnet-1/subnet-2")
        .unwrap();
    assert!(
        d.derived.routes[s2]
            .routes
            .iter()
            .any(|r| r.next_hop.type_name() == "VNetPeering"
                && r.prefix.to_string() == "10.1.1.0/24")
    );
    let t = flow(&d, "vm2", "vm3", Tcp, 22);
    assert_allowed(&t, false);
    let text = vnetlab_core::render::trace(&t);
    assert!(
        text.contains(
            "subnet vnet-1/subnet-2 is not one of the subnets the peering vnet-1 → vnet-2 peers"
        ),
        "{text}"
    );
    assert_allowed(&flow(&d, "vm4", "vm1", Tcp, 22), false);
}

/// `VirtualNetwork` covers the peered address space (ARM `remoteAddressSpace`, "the address
/// space peered with the remote virtual network"): the peered subnet's prefix, not the rest
/// of the remote VNet.
#[test]
fn virtual_network_covers_only_the_peered_subnets() {
    let d = design("subnet-peering.yaml", SUBNET_PEERING);
    let v2 = d.vnets.iter().position(|v| v.name == "vnet-2").unwrap();
    let vn = &d.derived.virtual_network[v2];
    assert!(vn.contains("10.0.1.4".parse().unwrap()));
    assert!(!vn.contains("10.0.2.4".parse().unwrap()));
}

#[test]
fn subnet_peering_lists_are_checked() {
    let with = |lists: &str| {
        SUBNET_PEERING.replace(
            "    subnets:\n      vnet-1: [subnet-1]\n      vnet-2: [subnet-3]\n",
            lists,
        )
    };
    let missing = errors(&with("    subnets:\n      vnet-1: [subnet-1]\n"));
    assert!(
        missing
            .iter()
            .any(|m| m.contains("subnet peering lists no subnets of VNet `vnet-2`")),
        "{missing:?}"
    );
    let unknown = errors(&with(
        "    subnets:\n      vnet-1: [subnet-9]\n      vnet-2: [subnet-3]\n",
    ));
    assert!(
        unknown
            .iter()
            .any(|m| m.contains("VNet `vnet-1` has no subnet `subnet-9`")),
        "{unknown:?}"
    );
    let other = errors(&with(
        "    subnets:\n      vnet-1: [subnet-1]\n      vnet-2: [subnet-3]\n      vnet-3: [x]\n",
    ));
    assert!(
        other
            .iter()
            .any(|m| m
                .contains("lists subnets of `vnet-3`, which is not one of the peering's VNets")),
        "{other:?}"
    );
}

const RESOLVER: &str = r#"
version: 1
name: delegations
region: eastus
vnets:
  hub:
    address_space: [10.40.0.0/16]
    subnets:
      dns-in: { prefix: 10.40.1.0/28, delegations: [Microsoft.Network/dnsResolvers] }
      dns-out: { prefix: 10.40.2.0/28 }
      web: { prefix: 10.40.3.0/24, delegations: [Microsoft.Web/serverFarms] }
      sqlmi: { prefix: 10.40.4.0/24, delegations: [Microsoft.Sql/managedInstances] }
      apps: { prefix: 10.40.5.0/24, delegations: [Microsoft.ContainerInstance/containerGroups] }
dns:
  resolvers:
    hub-resolver:
      vnet: hub
      inbound_endpoints: [{ subnet: hub/dns-in, ip: 10.40.1.4 }]
      outbound_endpoints: [hub/dns-out]
workloads:
  app-vm: { kind: vm, subnet: hub/apps }
"#;

/// A delegated subnet is as Microsoft documents it: the resolver's endpoint subnets "can only
/// be delegated to Microsoft.Network/dnsResolvers" (an undelegated one is fine: Microsoft's
/// quickstart creates it so and Azure delegates it with the endpoint); nothing of the design
/// in a subnet dedicated to App Service or SQL Managed Instance; services whose documentation
/// states no such rule (Container Instances) share their subnet.
#[test]
fn delegated_subnets_follow_each_services_documented_rules() {
    assert_eq!(warnings(RESOLVER), Vec::<String>::new());
    let vm_in = |subnet: &str| {
        RESOLVER.replace(
            "  app-vm: { kind: vm, subnet: hub/apps }",
            &format!("  app-vm: {{ kind: vm, subnet: hub/apps }}\n  other: {{ kind: vm, subnet: hub/{subnet} }}"),
        )
    };
    let w = warnings(&vm_in("web"));
    assert!(
        w.iter().any(|m| m.contains("subnet hub/web is delegated to Microsoft.Web/serverFarms but holds vm `other`; Microsoft: \"you must have a dedicated subnet")),
        "{w:?}"
    );
    let w = warnings(&vm_in("sqlmi"));
    assert!(
        w.iter().any(|m| m.contains(
            "subnet hub/sqlmi is delegated to Microsoft.Sql/managedInstances but holds vm `other`"
        )),
        "{w:?}"
    );
    let wrong = RESOLVER.replace(
        "dns-out: { prefix: 10.40.2.0/28 }",
        "dns-out: { prefix: 10.40.2.0/28, delegations: [Microsoft.Web/serverFarms] }",
    );
    let w = warnings(&wrong);
    assert!(
        w.iter().any(|m| m.contains("subnet hub/dns-out holds outbound endpoint of DNS resolver `hub-resolver` but is delegated to Microsoft.Web/serverFarms")),
        "{w:?}"
    );
    let two = RESOLVER.replace(
        "delegations: [Microsoft.Network/dnsResolvers]",
        "delegations: [Microsoft.Network/dnsResolvers, Microsoft.Web/serverFarms]",
    );
    let w = warnings(&two);
    assert!(
        w.iter().any(|m| m.contains("subnet hub/dns-in is delegated to Microsoft.Network/dnsResolvers and to Microsoft.Web/serverFarms")),
        "{w:?}"
    );
}

/// Every row of the delegation table names Microsoft's page and quotes it.
#[test]
fn every_delegation_rule_cites_microsoft() {
    for r in vnetlab_core::model::delegations::DELEGATION_RULES {
        assert!(
            r.source.starts_with("https://learn.microsoft.com/"),
            "{r:?}"
        );
        assert!(!r.quote.is_empty(), "{r:?}");
        assert!(
            vnetlab_core::model::delegations::rule_for(&r.service.to_ascii_lowercase()).is_some()
        );
    }
}
