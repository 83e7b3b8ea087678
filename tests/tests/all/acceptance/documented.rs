//! Worked examples whose answers Microsoft's documentation states (azure-semantics.md).

use super::{assert_allowed, flow, nsg_decision};
use vnetlab_core::model::Design;
use vnetlab_core::net::Protocol::{Icmp, Tcp};
use vnetlab_core::trace::{Step, Verdict};
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
    let t = flow(&d, "internet", "myVmMgmt", Tcp, 3389);
    assert_allowed(&t, true);
    assert!(
        nsg_decision(&t, "myNsg", Step::NsgInbound)
            .unwrap()
            .contains("Allow-RDP-All")
    );
    let t = flow(&d, "myVmMgmt", "myVmWeb", Tcp, 3389);
    assert_allowed(&t, true);
    assert!(
        nsg_decision(&t, "myNsg", Step::NsgInbound)
            .unwrap()
            .contains("AllowVNetInBound")
    );
    let t = flow(&d, "internet", "myVmWeb", Tcp, 3389);
    assert_allowed(&t, false);
    assert!(
        nsg_decision(&t, "myNsg", Step::NsgInbound)
            .unwrap()
            .contains("DenyAllInBound")
    );
    let t = flow(&d, "internet", "myVmWeb", Tcp, 80);
    assert_allowed(&t, true);
    assert!(
        nsg_decision(&t, "myNsg", Step::NsgInbound)
            .unwrap()
            .contains("Allow-Web-All")
    );
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

fn we_se_1() -> Design {
    design(
        "we-se-1.yaml",
        r#"
version: 1
name: we-se-1
vnets:
  myVirtualNetwork:
    address_space: [10.0.0.0/16]
    subnets:
      Public: { prefix: 10.0.0.0/24 }
      Private: { prefix: 10.0.1.0/24, service_endpoints: [Microsoft.Storage], nsg: myNsgPrivate }
nsgs:
  myNsgPrivate:
    rules:
      - { name: Allow-Storage-All, priority: 100, direction: outbound, access: allow, protocol: any, source: VirtualNetwork, destination: Storage }
      - { name: Deny-Internet-All, priority: 110, direction: outbound, access: deny, protocol: any, source: VirtualNetwork, destination: Internet }
      - { name: Allow-RDP-All, priority: 120, direction: inbound, access: allow, protocol: any, source: "*", destination: VirtualNetwork, destination_ports: 3389 }
services:
  mystorage:
    kind: storage
    default_action: deny
    virtual_network_rules: [myVirtualNetwork/Private]
workloads:
  myVmPublic: { kind: vm, subnet: myVirtualNetwork/Public, public_ip: standard }
  myVmPrivate: { kind: vm, subnet: myVirtualNetwork/Private, public_ip: standard }
"#,
    )
}

#[test]
fn we_se_1_service_endpoint_and_storage_firewall() {
    let d = we_se_1();
    let t = flow(&d, "myVmPrivate", "mystorage:file", Tcp, 445);
    assert_allowed(&t, true);
    assert!(
        t.hops
            .iter()
            .any(|h| h.detail.contains("VirtualNetworkServiceEndpoint")),
        "{}",
        vnetlab_core::render::trace(&t)
    );
    let t = flow(&d, "myVmPrivate", "bing.com", Icmp, 0);
    assert_allowed(&t, false);
    assert!(
        nsg_decision(&t, "myNsgPrivate", Step::NsgOutbound)
            .unwrap()
            .contains("Deny-Internet-All")
    );
    let t = flow(&d, "myVmPublic", "mystorage:file", Tcp, 445);
    assert_allowed(&t, false);
    assert_eq!(
        t.verdict,
        Verdict::Denied {
            by: "service firewall of mystorage".into()
        }
    );
    let t = flow(&d, "internet", "mystorage:file", Tcp, 443);
    assert_eq!(
        t.verdict,
        Verdict::Denied {
            by: "service firewall of mystorage".into()
        }
    );
}

fn firewall_design(rules: &str) -> Design {
    design(
        "we-fw-1.yaml",
        &format!(
            r#"
version: 1
name: we-fw-1
vnets:
  hub:
    address_space: [10.0.0.0/16]
    subnets:
      AzureFirewallSubnet: {{ prefix: 10.0.0.0/26 }}
  spoke:
    address_space: [10.1.0.0/16]
    subnets:
      work: {{ prefix: 10.1.1.0/24, route_table: rt }}
peerings:
  - between: [hub, spoke]
    allow_forwarded_traffic: true
route_tables:
  rt:
    routes:
      - {{ name: all, prefix: 0.0.0.0/0, next_hop: virtual_appliance, next_hop_ip: 10.0.0.4 }}
firewalls:
  fw:
    kind: azure_firewall
    subnet: hub/AzureFirewallSubnet
    private_ip: 10.0.0.4
    public_ip: standard
    rule_collection_groups:
{rules}
workloads:
  vm: {{ kind: vm, subnet: spoke/work }}
"#
        ),
    )
}

#[test]
fn we_fw_1_example_1_network_rules_before_application_rules() {
    let d = firewall_design(
        r#"
      - name: g
        priority: 100
        collections:
          - { name: apps, kind: application, priority: 100, action: deny, rules: [{ name: Deny-google, source: ["*"], fqdns: [google.com], protocols: ["http:80", "https:443"] }] }
          - { name: nets, kind: network, priority: 200, action: allow, rules: [{ name: Allow-web, source: ["*"], destination: ["*"], protocol: tcp, destination_ports: [80, 443] }] }
"#,
    );
    let t = flow(&d, "vm", "google.com", Tcp, 443);
    assert_allowed(&t, true);
    assert!(
        t.hops
            .iter()
            .any(|h| h.step == Step::Firewall && h.detail.contains("Allow-web")),
        "{}",
        vnetlab_core::render::trace(&t)
    );
}

#[test]
fn we_fw_1_example_2_higher_priority_collection_wins() {
    let d = firewall_design(
        r#"
      - name: g
        priority: 100
        collections:
          - { name: Allow-collection, kind: network, priority: 200, action: allow, rules: [{ name: Allow-SSH, source: ["*"], destination: ["*"], protocol: tcp, destination_ports: [22] }] }
          - { name: Deny-collection, kind: network, priority: 100, action: deny, rules: [{ name: Deny-SSH, source: ["*"], destination: ["*"], protocol: tcp, destination_ports: [22] }] }
"#,
    );
    let t = flow(&d, "vm", "203.0.113.22", Tcp, 22);
    assert_eq!(
        t.verdict,
        Verdict::Denied {
            by: "firewall fw (g/Deny-collection/Deny-SSH)".into()
        },
        "{}",
        vnetlab_core::render::trace(&t)
    );
}

#[test]
fn we_fw_1_example_3_processing_order_by_kind_then_group_then_collection() {
    let d = firewall_design(
        r#"
      - { name: BaseRCG1, priority: 200, from_parent_policy: true, collections: [{ name: DNATRC1, kind: dnat, priority: 600 }, { name: DNATRC3, kind: dnat, priority: 610 }, { name: NetworkRC1, kind: network, priority: 800, action: allow }] }
      - { name: BaseRCG2, priority: 300, from_parent_policy: true, collections: [{ name: AppRC2, kind: application, priority: 1200, action: allow }, { name: NetworkRC2, kind: network, priority: 1300, action: allow }] }
      - { name: ChildRCG1, priority: 300, collections: [{ name: ChNetRC1, kind: network, priority: 700, action: allow }, { name: ChAppRC1, kind: application, priority: 900, action: allow }] }
      - { name: ChildRCG2, priority: 650, collections: [{ name: ChNetRC2, kind: network, priority: 1100, action: allow }, { name: ChAppRC2, kind: application, priority: 2000, action: allow }, { name: ChDNATRC3, kind: dnat, priority: 3000 }] }
"#,
    );
    let order: Vec<&str> = d.firewalls[0]
        .collections
        .iter()
        .map(|c| c.name.split('/').nth(1).unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "DNATRC1",
            "DNATRC3",
            "ChDNATRC3",
            "NetworkRC1",
            "NetworkRC2",
            "ChNetRC1",
            "ChNetRC2",
            "AppRC2",
            "ChAppRC1",
            "ChAppRC2"
        ]
    );
}

/// WE-AML-2: a managed online endpoint is scored through its workspace's private endpoint, or
/// publicly only when its own public network access is enabled.
fn we_aml_2(endpoint_public: &str) -> Design {
    design(
        "we-aml-2.yaml",
        &format!(
            r#"
version: 1
name: we-aml-2
vnets:
  ml:
    address_space: [10.1.0.0/16]
    subnets:
      clients: {{ prefix: 10.1.1.0/24 }}
      endpoints: {{ prefix: 10.1.2.0/24 }}
      inference: {{ prefix: 10.1.3.0/24 }}
workloads:
  client-vm: {{ kind: vm, subnet: ml/clients }}
  scorer: {{ kind: online_endpoint, subnet: ml/inference, workspace: mlws, public_network_access: {endpoint_public} }}
services:
  mlws:
    kind: ml_workspace
    public_network_access: disabled
    private_endpoints:
      - {{ subnet: ml/endpoints, group: amlworkspace, zones: [privatelink.api.azureml.ms, privatelink.notebooks.azure.net] }}
dns:
  private_zones:
    privatelink.api.azureml.ms: {{ links: [ml] }}
    privatelink.notebooks.azure.net: {{ links: [ml] }}
"#
        ),
    )
}

#[test]
fn we_aml_2_endpoint_ingress() {
    // endpoint_public_network_access: disabled, client Internet → deny.
    let t = flow(&we_aml_2("disabled"), "internet", "scorer", Tcp, 443);
    assert_eq!(
        t.verdict,
        Verdict::Denied {
            by: "ingress of managed online endpoint scorer".into()
        },
        "{}",
        vnetlab_core::render::trace(&t)
    );
    // endpoint_public_network_access: disabled, client in the VNet with the workspace PE and DNS → allow.
    let t = flow(&we_aml_2("disabled"), "client-vm", "scorer", Tcp, 443);
    assert_allowed(&t, true);
    assert!(
        t.path.iter().any(|p| p == "ml/endpoints"),
        "scoring goes through the workspace's private endpoint"
    );
    // Public ingress enabled: the internet scores even though the workspace is private (WE-AML-1).
    assert_allowed(
        &flow(&we_aml_2("enabled"), "internet", "scorer", Tcp, 443),
        true,
    );
}

/// E4: a managed VNet with allow-only-approved-outbound reaches the workspace's resources over
/// managed private endpoints and only the approved destinations; with internet outbound it
/// reaches anything; service-tag and FQDN rules need approved-only mode.
#[test]
fn e4_managed_network_outbound() {
    let text = std::fs::read_to_string(
        vnetlab_tests::root().join("topologies/aml-managed-vnet-approved.yaml"),
    )
    .unwrap();
    let d = design("managed.yaml", &text);
    assert_allowed(&flow(&d, "managed:mlws", "mlkv:vault", Tcp, 443), true);
    assert_allowed(
        &flow(&d, "managed:mlws", "files.pythonhosted.org", Tcp, 443),
        true,
    );
    assert_allowed(&flow(&d, "managed:mlws", "pypi.org", Tcp, 22), false);
    let t = flow(&d, "managed:mlws", "example.com", Tcp, 443);
    assert_eq!(
        t.verdict,
        Verdict::Denied {
            by: "managed network of mlws".into()
        }
    );
    // The storage account's public IP, addressed directly, is not a managed private endpoint.
    let st = d.services[d.service_by_name("mlstore").unwrap().ix()]
        .public_ip
        .to_string();
    assert_allowed(&flow(&d, "managed:mlws", &st, Tcp, 443), false);

    let open = text.replace(
        "isolation: allow_only_approved_outbound",
        "isolation: allow_internet_outbound",
    );
    let errors = vnetlab_tests::errors(&open);
    assert!(
        errors.iter().any(|e| e.contains("outbound-rule")
            && e.contains("only valid with allow_only_approved_outbound")),
        "{errors:#?}"
    );
    let open: String = open
        .lines()
        .filter(|l| {
            !l.contains("kind: service_tag")
                && !l.contains("kind: fqdn")
                && !l.contains("to: pypi.org")
                && !l.contains("other ports")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let d = design("open.yaml", &open);
    assert_allowed(&flow(&d, "managed:mlws", "example.com", Tcp, 443), true);
}
