//! Worked examples whose answers Microsoft's documentation states (azure-semantics.md): NSGs
//! and routing.

use super::{assert_allowed, flow, nsg_decision};
use vnetlab_core::model::Design;
use vnetlab_core::net::Protocol::Tcp;
use vnetlab_core::trace::Step;
use vnetlab_tests::design;

/// WE-NSG-1: VM1 (Subnet1 with NSG1, NIC NSG2), VM2 (Subnet1, no NIC NSG), VM3 (Subnet2 without
/// NSG, NIC NSG2), VM4 (Subnet3, no NSG). `nsg1`/`nsg2` are extra rule lines.
pub fn we_nsg_1(nsg1: &str, nsg2: &str, sku: &str) -> Design {
    let text = format!(
        r#"
version: 1
name: we-nsg-1
vnets:
  vnet:
    address_space: [10.0.0.0/16]
    subnets:
      Subnet1: {{ prefix: 10.0.1.0/24, nsg: NSG1 }}
      Subnet2: {{ prefix: 10.0.2.0/24 }}
      Subnet3: {{ prefix: 10.0.3.0/24 }}
nsgs:
  NSG1:
    rules: [{nsg1}]
  NSG2:
    rules: [{nsg2}]
workloads:
  VM1: {{ kind: vm, subnet: vnet/Subnet1, nsg: NSG2, public_ip: {sku} }}
  VM2: {{ kind: vm, subnet: vnet/Subnet1, public_ip: {sku} }}
  VM3: {{ kind: vm, subnet: vnet/Subnet2, nsg: NSG2, public_ip: {sku} }}
  VM4: {{ kind: vm, subnet: vnet/Subnet3, public_ip: {sku} }}
"#
    );
    design("we-nsg-1.yaml", &text)
}

const ALLOW_80_IN: &str = "{name: allow-80, priority: 100, direction: inbound, access: allow, protocol: tcp, source: Internet, destination: '*', destination_ports: 80}";
const DENY_80_OUT: &str = "{name: deny-80, priority: 100, direction: outbound, access: deny, protocol: tcp, source: '*', destination: Internet, destination_ports: 80}";
const DENY_ALL: &str = "{name: deny-all-in, priority: 100, direction: inbound, access: deny, protocol: any}, {name: deny-all-out, priority: 100, direction: outbound, access: deny, protocol: any}";

#[test]
fn we_nsg_1_in_vm1_a_nsg1_default_deny_stops_before_nsg2() {
    let d = we_nsg_1("", ALLOW_80_IN, "standard");
    let t = flow(&d, "internet", "VM1", Tcp, 80);
    assert_allowed(&t, false);
    assert!(
        nsg_decision(&t, "NSG1", Step::NsgInbound)
            .unwrap()
            .contains("DenyAllInBound")
    );
    assert_eq!(
        nsg_decision(&t, "NSG2", Step::NsgInbound),
        None,
        "NSG2 must not be evaluated"
    );
}

#[test]
fn we_nsg_1_in_vm1_c_both_nsgs_allow() {
    let d = we_nsg_1(ALLOW_80_IN, ALLOW_80_IN, "standard");
    assert_allowed(&flow(&d, "internet", "VM1", Tcp, 80), true);
}

#[test]
fn we_nsg_1_in_vm2_follows_nsg1() {
    for (nsg1, allowed) in [("", false), (ALLOW_80_IN, true)] {
        let d = we_nsg_1(nsg1, "", "standard");
        assert_allowed(&flow(&d, "internet", "VM2", Tcp, 80), allowed);
    }
}

#[test]
fn we_nsg_1_in_vm3_follows_nsg2() {
    for (nsg2, allowed) in [("", false), (ALLOW_80_IN, true)] {
        let d = we_nsg_1("", nsg2, "standard");
        assert_allowed(&flow(&d, "internet", "VM3", Tcp, 80), allowed);
    }
}

#[test]
fn we_nsg_1_out_vm1_a_allowed_by_allow_internet_outbound_in_both() {
    let d = we_nsg_1("", "", "standard");
    let t = flow(&d, "VM1", "203.0.113.80", Tcp, 80);
    assert_allowed(&t, true);
    assert!(
        nsg_decision(&t, "NSG2", Step::NsgOutbound)
            .unwrap()
            .contains("AllowInternetOutBound")
    );
    assert!(
        nsg_decision(&t, "NSG1", Step::NsgOutbound)
            .unwrap()
            .contains("AllowInternetOutBound")
    );
    let nic = t
        .hops
        .iter()
        .position(|h| h.at.starts_with("NSG2 "))
        .unwrap();
    let subnet = t
        .hops
        .iter()
        .position(|h| h.at.starts_with("NSG1 "))
        .unwrap();
    assert!(
        nic < subnet,
        "outbound: NIC NSG first, then subnet NSG (A4)"
    );
}

#[test]
fn we_nsg_1_out_vm1_b_nsg2_denies_and_nsg1_is_never_evaluated() {
    let d = we_nsg_1("", DENY_80_OUT, "standard");
    let t = flow(&d, "VM1", "203.0.113.80", Tcp, 80);
    assert_allowed(&t, false);
    assert_eq!(nsg_decision(&t, "NSG1", Step::NsgOutbound), None);
}

#[test]
fn we_nsg_1_out_vm1_c_nsg1_deny_is_enough() {
    let d = we_nsg_1(DENY_80_OUT, "", "standard");
    assert_allowed(&flow(&d, "VM1", "203.0.113.80", Tcp, 80), false);
}

#[test]
fn we_nsg_1_out_vm2_follows_nsg1_and_vm3_follows_nsg2() {
    assert_allowed(
        &flow(
            &we_nsg_1(DENY_80_OUT, "", "standard"),
            "VM2",
            "203.0.113.80",
            Tcp,
            80,
        ),
        false,
    );
    assert_allowed(
        &flow(
            &we_nsg_1("", "", "standard"),
            "VM2",
            "203.0.113.80",
            Tcp,
            80,
        ),
        true,
    );
    assert_allowed(
        &flow(
            &we_nsg_1("", DENY_80_OUT, "standard"),
            "VM3",
            "203.0.113.80",
            Tcp,
            80,
        ),
        false,
    );
    assert_allowed(
        &flow(
            &we_nsg_1("", "", "standard"),
            "VM3",
            "203.0.113.80",
            Tcp,
            80,
        ),
        true,
    );
}

#[test]
fn we_nsg_1_out_vm4_all_traffic_allowed() {
    assert_allowed(
        &flow(
            &we_nsg_1("", "", "standard"),
            "VM4",
            "203.0.113.80",
            Tcp,
            80,
        ),
        true,
    );
}

#[test]
fn we_nsg_1_intra_subnet_allowed_by_default_and_denied_by_deny_all() {
    assert_allowed(
        &flow(&we_nsg_1("", "", "standard"), "VM1", "VM2", Tcp, 3389),
        true,
    );
    assert_allowed(
        &flow(&we_nsg_1(DENY_ALL, "", "standard"), "VM1", "VM2", Tcp, 3389),
        false,
    );
}

fn we_nsg_3() -> Design {
    design(
        "we-nsg-3.yaml",
        r#"
version: 1
name: we-nsg-3
vnets:
  myVirtualNetwork:
    address_space: [10.0.0.0/16]
    subnets:
      mySubnet: { prefix: 10.0.0.0/24, nsg: myNsg }
nsgs:
  myNsg:
    rules:
      - { name: Allow-Web-All, priority: 100, direction: inbound, access: allow, protocol: tcp, source: "*", destination: "asg:myAsgWebServers", destination_ports: [80, 443] }
      - { name: Allow-RDP-All, priority: 110, direction: inbound, access: allow, protocol: tcp, source: "*", destination: "asg:myAsgMgmtServers", destination_ports: 3389 }
workloads:
  myVmWeb: { kind: vm, subnet: myVirtualNetwork/mySubnet, asgs: [myAsgWebServers], public_ip: standard }
  myVmMgmt: { kind: vm, subnet: myVirtualNetwork/mySubnet, asgs: [myAsgMgmtServers], public_ip: standard }
"#,
    )
}

#[test]
fn we_nsg_3_asg_rules_apply_only_to_members() {
    let d = we_nsg_3();
    // (from, to, port, allowed, the rule that decides in myNsg)
    let cases = [
        ("internet", "myVmMgmt", 3389, true, "Allow-RDP-All"),
        ("myVmMgmt", "myVmWeb", 3389, true, "AllowVNetInBound"),
        ("internet", "myVmWeb", 3389, false, "DenyAllInBound"),
        ("internet", "myVmWeb", 80, true, "Allow-Web-All"),
    ];
    for (from, to, port, allowed, rule) in cases {
        let t = flow(&d, from, to, Tcp, port);
        assert_allowed(&t, allowed);
        let decided = nsg_decision(&t, "myNsg", Step::NsgInbound).unwrap();
        assert!(decided.contains(rule), "{from} → {to}:{port}: {decided}");
    }
}

/// WE-RT-3: the routing example of "Virtual network traffic routing".
pub fn we_rt_3() -> Design {
    design(
        "we-rt-3.yaml",
        r#"
version: 1
name: we-rt-3
vnets:
  Virtual-network-1:
    address_space: [10.0.0.0/16]
    subnets:
      Subnet1: { prefix: 10.0.0.0/24, route_table: Subnet1-routes, service_endpoints: [Microsoft.Storage] }
      Subnet2: { prefix: 10.0.1.0/24 }
      dmz: { prefix: 10.0.100.0/24 }
      GatewaySubnet: { prefix: 10.0.255.0/27 }
  Virtual-network-2:
    address_space: [10.1.0.0/16, 10.2.0.0/16]
    subnets:
      app: { prefix: 10.1.4.0/24 }
peerings:
  - between: [Virtual-network-1, Virtual-network-2]
gateways:
  vpn:
    vnet: Virtual-network-1
    sites:
      onprem: { prefixes: [10.10.0.0/16] }
workloads:
  nva: { kind: vm, subnet: Virtual-network-1/dmz, ip: 10.0.100.4, ip_forwarding: true }
route_tables:
  Subnet1-routes:
    routes:
      - { name: Within-VNet1, prefix: 10.0.0.0/16, next_hop: virtual_appliance, next_hop_ip: 10.0.100.4 }
      - { name: Within-Subnet1, prefix: 10.0.0.0/24, next_hop: vnet_local }
      - { name: ToVNet2-1-Drop, prefix: 10.1.0.0/16, next_hop: none }
      - { name: ToVNet2-2-Drop, prefix: 10.2.0.0/16, next_hop: none }
      - { name: To-On-Prem, prefix: 10.10.0.0/16, next_hop: virtual_appliance, next_hop_ip: 10.0.100.4 }
      - { name: Default-NVA, prefix: 0.0.0.0/0, next_hop: virtual_appliance, next_hop_ip: 10.0.100.4 }
"#,
    )
}

fn rows(d: &Design, subnet: &str) -> Vec<(String, String, String, String, String)> {
    let s = d.subnet_by_name(subnet).unwrap();
    vnetlab_core::render::route_rows(d, s)
        .into_iter()
        .map(|r| (r.source, r.state, r.prefix, r.next_hop_type, r.next_hop_ip))
        .collect()
}

fn has(
    rows: &[(String, String, String, String, String)],
    source: &str,
    state: &str,
    prefix: &str,
    hop: &str,
) -> bool {
    rows.iter()
        .any(|r| r.0 == source && r.1 == state && r.2 == prefix && r.3 == hop)
}

#[test]
fn we_rt_3_subnet1_effective_routes() {
    let d = we_rt_3();
    let r = rows(&d, "Virtual-network-1/Subnet1");
    let expected = [
        ("Default", "Invalid", "10.0.0.0/16", "VirtualNetwork"),
        ("User", "Active", "10.0.0.0/16", "VirtualAppliance"),
        ("User", "Active", "10.0.0.0/24", "VirtualNetwork"),
        ("Default", "Invalid", "10.1.0.0/16", "VNetPeering"),
        ("Default", "Invalid", "10.2.0.0/16", "VNetPeering"),
        ("User", "Active", "10.1.0.0/16", "None"),
        ("User", "Active", "10.2.0.0/16", "None"),
        (
            "VirtualNetworkGateway",
            "Invalid",
            "10.10.0.0/16",
            "VirtualNetworkGateway",
        ),
        ("User", "Active", "10.10.0.0/16", "VirtualAppliance"),
        ("Default", "Invalid", "0.0.0.0/0", "Internet"),
        ("User", "Active", "0.0.0.0/0", "VirtualAppliance"),
    ];
    for (source, state, prefix, hop) in expected {
        assert!(
            has(&r, source, state, prefix, hop),
            "missing {source} {state} {prefix} {hop} in {r:#?}"
        );
    }
    assert!(
        r.iter()
            .any(|x| x.3 == "VirtualNetworkServiceEndpoint" && x.1 == "Active"),
        "storage service endpoint routes"
    );
    for reserved in ["10.0.0.0/8", "192.168.0.0/16", "100.64.0.0/10"] {
        assert!(
            !r.iter().any(|x| x.2 == reserved),
            "the 0.0.0.0/0 UDR removes the {reserved} None route"
        );
    }
}

#[test]
fn we_rt_3_subnet2_effective_routes() {
    let d = we_rt_3();
    let r = rows(&d, "Virtual-network-1/Subnet2");
    for (prefix, hop) in [
        ("10.0.0.0/16", "VirtualNetwork"),
        ("10.1.0.0/16", "VNetPeering"),
        ("10.2.0.0/16", "VNetPeering"),
        ("0.0.0.0/0", "Internet"),
        ("10.0.0.0/8", "None"),
        ("100.64.0.0/10", "None"),
        ("192.168.0.0/16", "None"),
    ] {
        assert!(
            has(&r, "Default", "Active", prefix, hop),
            "missing {prefix} {hop} in {r:#?}"
        );
    }
    assert!(has(
        &r,
        "VirtualNetworkGateway",
        "Active",
        "10.10.0.0/16",
        "VirtualNetworkGateway"
    ));
}

fn next_hop(d: &Design, subnet: &str, dst: &str) -> String {
    let s = d.subnet_by_name(subnet).unwrap();
    let view = &d.derived.routes[s.ix()];
    let c = view.lookup(dst.parse().unwrap()).unwrap();
    let r = &view.routes[c.index];
    match r.next_hop.ip(d) {
        Some(ip) => format!("{} {ip}", r.next_hop.type_name()),
        None => r.next_hop.type_name().to_string(),
    }
}

#[test]
fn we_rt_3_documented_next_hops() {
    let d = we_rt_3();
    let s1 = "Virtual-network-1/Subnet1";
    assert_eq!(next_hop(&d, s1, "10.0.0.5"), "VirtualNetwork");
    assert_eq!(next_hop(&d, s1, "10.1.4.4"), "None");
    assert_eq!(next_hop(&d, s1, "10.2.0.9"), "None");
    assert_eq!(next_hop(&d, s1, "10.10.3.3"), "VirtualAppliance 10.0.100.4");
    assert_eq!(next_hop(&d, s1, "8.8.8.8"), "VirtualAppliance 10.0.100.4");
    let storage = d
        .tags
        .regional("Storage", "eastus")
        .unwrap()
        .first()
        .unwrap()
        .to_string();
    assert_eq!(next_hop(&d, s1, &storage), "VirtualNetworkServiceEndpoint");
}

#[test]
fn we_rt_1_longest_prefix_and_we_rt_2_user_beats_default() {
    let d = design(
        "we-rt-1-2.yaml",
        r#"
version: 1
name: we-rt
vnets:
  v:
    address_space: [10.5.0.0/16]
    subnets:
      s: { prefix: 10.5.1.0/24, route_table: t }
      nva: { prefix: 10.5.2.0/24 }
      GatewaySubnet: { prefix: 10.5.255.0/27 }
gateways:
  gw: { vnet: v, sites: { site: { prefixes: [172.20.0.0/16] } } }
workloads:
  a: { kind: vm, subnet: v/nva, ip: 10.5.2.4, ip_forwarding: true }
  b: { kind: vm, subnet: v/nva, ip: 10.5.2.5, ip_forwarding: true }
route_tables:
  t:
    routes:
      - { name: A, prefix: 10.0.0.0/24, next_hop: virtual_appliance, next_hop_ip: 10.5.2.4 }
      - { name: B, prefix: 10.0.0.0/16, next_hop: virtual_appliance, next_hop_ip: 10.5.2.5 }
      - { name: default-to-vpn, prefix: 0.0.0.0/0, next_hop: virtual_network_gateway }
"#,
    );
    assert_eq!(next_hop(&d, "v/s", "10.0.0.5"), "VirtualAppliance 10.5.2.4");
    assert_eq!(next_hop(&d, "v/s", "10.0.1.5"), "VirtualAppliance 10.5.2.5");
    assert!(next_hop(&d, "v/s", "8.8.8.8").starts_with("VirtualNetworkGateway"));
    assert!(has(
        &rows(&d, "v/s"),
        "Default",
        "Invalid",
        "0.0.0.0/0",
        "Internet"
    ));
}
