//! Cases marked `derived` in azure-semantics.md, and the pinned decisions P1–P13.

use super::documented::{we_nsg_1, we_rt_3};
use super::{assert_allowed, flow, nsg_decision};
use vnetlab_core::model::Design;
use vnetlab_core::net::Protocol::Tcp;
use vnetlab_core::trace::{Step, Verdict};
use vnetlab_tests::design;

const ALLOW_80_IN: &str = "{name: allow-80, priority: 100, direction: inbound, access: allow, protocol: tcp, source: Internet, destination: '*', destination_ports: 80}";

#[test]
fn we_nsg_1_in_vm1_b_nsg2_default_rule_denies_after_nsg1_allows() {
    let d = we_nsg_1(ALLOW_80_IN, "", "standard");
    let t = flow(&d, "internet", "VM1", Tcp, 80);
    assert_allowed(&t, false);
    assert!(
        nsg_decision(&t, "NSG1", Step::NsgInbound)
            .unwrap()
            .contains("allow-80")
    );
    assert!(
        nsg_decision(&t, "NSG2", Step::NsgInbound)
            .unwrap()
            .contains("DenyAllInBound")
    );
}

#[test]
fn p1_no_nsg_standard_public_ip_is_closed_basic_is_open() {
    let t = flow(&we_nsg_1("", "", "standard"), "internet", "VM4", Tcp, 80);
    assert!(
        matches!(t.verdict, Verdict::Denied { .. }),
        "{}",
        vnetlab_core::render::trace(&t)
    );
    assert_allowed(
        &flow(&we_nsg_1("", "", "basic"), "internet", "VM4", Tcp, 80),
        true,
    );
}

fn next_hop(d: &Design, subnet: &str, dst: &str) -> String {
    let s = d.subnet_by_name(subnet).unwrap();
    let view = &d.derived.routes[s.ix()];
    let r = &view.routes[view.lookup(dst.parse().unwrap()).unwrap().index];
    r.next_hop.type_name().to_string()
}

#[test]
fn we_rt_3_derived_next_hops() {
    let d = we_rt_3();
    let (s1, s2) = ("Virtual-network-1/Subnet1", "Virtual-network-1/Subnet2");
    assert_eq!(next_hop(&d, s1, "10.0.1.5"), "VirtualAppliance");
    assert_eq!(next_hop(&d, s1, "192.168.1.1"), "VirtualAppliance");
    assert_eq!(next_hop(&d, s2, "10.0.0.5"), "VirtualNetwork");
    assert_eq!(next_hop(&d, s2, "10.1.4.4"), "VNetPeering");
    assert_eq!(next_hop(&d, s2, "10.10.3.3"), "VirtualNetworkGateway");
    assert_eq!(next_hop(&d, s2, "8.8.8.8"), "Internet");
    assert_eq!(next_hop(&d, s2, "10.50.0.1"), "None");
    assert_eq!(next_hop(&d, s2, "192.168.1.1"), "None");
}

fn pe_design(policies: &str, udr_prefix: &str) -> Design {
    design(
        "p5.yaml",
        &format!(
            r#"
version: 1
name: p5
vnets:
  v:
    address_space: [10.1.0.0/16]
    subnets:
      work: {{ prefix: 10.1.1.0/24, route_table: rt }}
      pe: {{ prefix: 10.1.2.0/24, private_endpoint_network_policies: {policies} }}
      nva: {{ prefix: 10.1.3.0/24 }}
workloads:
  vm: {{ kind: vm, subnet: v/work }}
  router: {{ kind: vm, subnet: v/nva, ip: 10.1.3.4, ip_forwarding: true }}
route_tables:
  rt:
    routes:
      - {{ name: inspect, prefix: {udr_prefix}, next_hop: virtual_appliance, next_hop_ip: 10.1.3.4 }}
services:
  st:
    kind: storage
    public_network_access: disabled
    private_endpoints: [{{ subnet: v/pe, ip: 10.1.2.10, group: blob, zones: [privatelink.blob.core.windows.net] }}]
dns:
  private_zones:
    privatelink.blob.core.windows.net: {{ links: [v] }}
"#
        ),
    )
}

#[test]
fn p5_private_endpoint_route_yields_to_a_udr_only_with_route_table_policies_and_a_long_enough_prefix()
 {
    assert_eq!(
        next_hop(&pe_design("disabled", "10.1.0.0/16"), "v/work", "10.1.2.10"),
        "InterfaceEndpoint"
    );
    assert_eq!(
        next_hop(
            &pe_design("route_table", "10.1.0.0/16"),
            "v/work",
            "10.1.2.10"
        ),
        "VirtualAppliance"
    );
    assert_eq!(
        next_hop(&pe_design("enabled", "10.1.2.0/24"), "v/work", "10.1.2.10"),
        "VirtualAppliance"
    );
    assert_eq!(
        next_hop(
            &pe_design("route_table", "0.0.0.0/0"),
            "v/work",
            "10.1.2.10"
        ),
        "InterfaceEndpoint"
    );
    assert_eq!(
        next_hop(&pe_design("nsg", "10.1.0.0/16"), "v/work", "10.1.2.10"),
        "InterfaceEndpoint"
    );
}

fn hub_spoke(forwarded: bool, rules: &str, fw_route_on_web: bool) -> Design {
    let web_rt = if fw_route_on_web {
        ", route_table: rt"
    } else {
        ""
    };
    design(
        "hub.yaml",
        &format!(
            r#"
version: 1
name: hub
vnets:
  hub:
    address_space: [10.0.0.0/16]
    subnets:
      AzureFirewallSubnet: {{ prefix: 10.0.0.0/26 }}
  a:
    address_space: [10.1.0.0/16]
    subnets:
      work: {{ prefix: 10.1.1.0/24, route_table: rt }}
      pe: {{ prefix: 10.1.2.0/24 }}
  b:
    address_space: [10.2.0.0/16]
    subnets:
      web: {{ prefix: 10.2.1.0/24{web_rt}, nsg: web-nsg }}
peerings:
  - {{ between: [hub, a], allow_forwarded_traffic: {forwarded} }}
  - {{ between: [hub, b], allow_forwarded_traffic: {forwarded} }}
nsgs:
  web-nsg:
    rules:
      - {{ name: allow-https-in, priority: 100, direction: inbound, access: allow, protocol: tcp, source: Internet, destination: "*", destination_ports: 443 }}
      - {{ name: allow-spoke-a, priority: 110, direction: inbound, access: allow, protocol: tcp, source: 10.1.0.0/16, destination: "*", destination_ports: 443 }}
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
      - name: g
        priority: 100
        collections:
{rules}
workloads:
  vm: {{ kind: vm, subnet: a/work }}
  web: {{ kind: vm, subnet: b/web, public_ip: standard }}
services:
  st:
    kind: storage
    public_network_access: disabled
    private_endpoints: [{{ subnet: a/pe, group: blob, zones: [privatelink.blob.core.windows.net] }}]
dns:
  private_zones:
    privatelink.blob.core.windows.net: {{ links: [a, hub] }}
"#
        ),
    )
}

const ALLOW_ALL_NETWORK: &str = "          - { name: net, kind: network, priority: 100, action: allow, rules: [{ name: any, source: ['*'], destination: ['*'], protocol: any }] }";

#[test]
fn p13_forwarded_traffic_needs_the_receiving_peering_to_allow_it() {
    let t = flow(
        &hub_spoke(false, ALLOW_ALL_NETWORK, true),
        "vm",
        "web",
        Tcp,
        443,
    );
    assert!(
        matches!(&t.verdict, Verdict::Dropped { reason } if reason.contains("forwarded")),
        "{}",
        vnetlab_core::render::trace(&t)
    );
    assert_allowed(
        &flow(
            &hub_spoke(true, ALLOW_ALL_NETWORK, true),
            "vm",
            "web",
            Tcp,
            443,
        ),
        true,
    );
}

#[test]
fn p10_inbound_to_a_public_ip_behind_a_default_route_to_the_firewall_is_asymmetric() {
    let d = hub_spoke(true, ALLOW_ALL_NETWORK, true);
    let t = flow(&d, "internet", "web", Tcp, 443);
    assert!(
        matches!(&t.verdict, Verdict::Dropped { reason } if reason.contains("asymmetric")),
        "{}",
        vnetlab_core::render::trace(&t)
    );
    let d = hub_spoke(true, ALLOW_ALL_NETWORK, false);
    assert_allowed(&flow(&d, "internet", "web", Tcp, 443), true);
}

#[test]
fn b6_network_rule_to_a_private_endpoint_without_snat_is_asymmetric_but_an_application_rule_works()
{
    // The UDR sends the PE's traffic to the firewall only when network policies let it; here the
    // PE is in the same VNet, so the /32 wins and the firewall is bypassed: the flow works.
    let d = hub_spoke(true, ALLOW_ALL_NETWORK, true);
    let t = flow(&d, "vm", "st:blob", Tcp, 443);
    assert_allowed(&t, true);
    assert!(
        !t.path.iter().any(|p| p == "fw"),
        "the /32 route of the private endpoint bypasses the firewall (P5)"
    );
}

#[test]
fn p11_the_azure_host_address_is_not_subject_to_nsgs() {
    let d = we_nsg_1(
        "{name: deny-all-out, priority: 100, direction: outbound, access: deny, protocol: any}",
        "",
        "standard",
    );
    assert_allowed(
        &flow(
            &d,
            "VM2",
            "168.63.129.16",
            vnetlab_core::net::Protocol::Udp,
            53,
        ),
        true,
    );
    assert_allowed(&flow(&d, "VM2", "203.0.113.9", Tcp, 443), false);
}

#[test]
fn we_fw_1_example_4_return_traffic_of_an_allowed_connection_passes_a_reverse_deny() {
    let d = design(
        "we-fw-1-4.yaml",
        r#"
version: 1
name: we-fw-1-4
vnets:
  hub:
    address_space: [10.0.0.0/16]
    subnets:
      AzureFirewallSubnet: { prefix: 10.0.0.0/26, route_table: fw-rt }
      GatewaySubnet: { prefix: 10.0.1.0/27, route_table: gw-rt }
      work: { prefix: 10.0.2.0/24, route_table: work-rt }
gateways:
  vpn: { vnet: hub, sites: { corp: { prefixes: [192.168.0.0/16] } } }
route_tables:
  gw-rt:
    routes: [{ name: to-work, prefix: 10.0.2.0/24, next_hop: virtual_appliance, next_hop_ip: 10.0.0.4 }]
  work-rt:
    routes: [{ name: to-corp, prefix: 192.168.0.0/16, next_hop: virtual_appliance, next_hop_ip: 10.0.0.4 }]
  fw-rt:
    routes: []
firewalls:
  fw:
    kind: azure_firewall
    subnet: hub/AzureFirewallSubnet
    private_ip: 10.0.0.4
    rule_collection_groups:
      - name: g
        priority: 100
        collections:
          - { name: in, kind: network, priority: 100, action: allow, rules: [{ name: onprem-to-vnet, source: [192.168.0.0/16], destination: [10.0.2.0/24], protocol: tcp, destination_ports: ["*"] }] }
          - { name: out, kind: network, priority: 200, action: deny, rules: [{ name: vnet-to-onprem, source: [10.0.2.0/24], destination: [192.168.0.0/16], protocol: any }] }
workloads:
  server: { kind: vm, subnet: hub/work }
clients:
  laptop: { kind: on_prem, site: vpn/corp, ip: 192.168.1.10 }
"#,
    );
    let t = flow(&d, "laptop", "server", Tcp, 443);
    assert_allowed(&t, true);
    assert!(
        t.hops
            .iter()
            .any(|h| h.step == Step::Return && h.ok && h.detail.contains("fw"))
    );
    let t = flow(&d, "server", "laptop", Tcp, 443);
    assert_eq!(
        t.verdict,
        Verdict::Denied {
            by: "firewall fw (g/out/vnet-to-onprem)".into()
        }
    );
}

fn dns_design(dns_servers: &str, forwards: bool, links: &str) -> Design {
    design(
        "we-dns-3.yaml",
        &format!(
            r#"
version: 1
name: we-dns-3
vnets:
  v:
    address_space: [10.1.0.0/16]
    dns_servers: [{dns_servers}]
    subnets:
      pe: {{ prefix: 10.1.0.0/24 }}
      work: {{ prefix: 10.1.1.0/24 }}
  dnsvnet:
    address_space: [10.9.0.0/16]
    subnets:
      dns: {{ prefix: 10.9.0.0/24 }}
peerings:
  - between: [v, dnsvnet]
workloads:
  dns1: {{ kind: dns_server, subnet: dnsvnet/dns, ip: 10.9.0.4, forwards_to_azure_dns: {forwards} }}
  client: {{ kind: vm, subnet: v/work }}
services:
  myworkspace:
    kind: ml_workspace
    public_network_access: disabled
    private_endpoints:
      - {{ subnet: v/pe, ip: 10.1.0.5, group: amlworkspace, zones: [privatelink.api.azureml.ms, privatelink.notebooks.azure.net] }}
dns:
  private_zones:
    privatelink.api.azureml.ms: {{ links: [{links}] }}
    privatelink.notebooks.azure.net: {{ links: [{links}] }}
"#
        ),
    )
}

#[test]
fn we_dns_3_workspace_names_resolve_to_the_private_endpoint() {
    use vnetlab_core::eval::dns::{Resolver, resolve};
    let d = dns_design("", true, "v");
    let v = d.vnet_by_name("v").unwrap();
    for name in [
        "myworkspace.workspace.eastus.api.azureml.ms",
        "myworkspace.workspace.eastus.cert.api.azureml.ms",
        "ml-myworkspace-eastus.eastus.notebooks.azure.net",
        "my-endpoint.eastus.inference.ml.azure.com",
    ] {
        let a = resolve(&d, name, Resolver::AzureDns { vnet: v });
        assert_eq!(
            a.address,
            Ok("10.1.0.5".parse().unwrap()),
            "{name}: {:?}",
            a.steps
        );
    }
}

#[test]
fn we_dns_3_failure_cases_give_the_public_address() {
    // Through a custom DNS server in a linked VNet that forwards to Azure DNS: private.
    let t = flow(
        &dns_design("10.9.0.4", true, "dnsvnet"),
        "client",
        "myworkspace:amlworkspace",
        Tcp,
        443,
    );
    assert_eq!(
        t.flow.dst.to_string(),
        "10.1.0.5",
        "{}",
        vnetlab_core::render::trace(&t)
    );
    // The server does not forward to Azure DNS: public.
    let t = flow(
        &dns_design("10.9.0.4", false, "dnsvnet"),
        "client",
        "myworkspace:amlworkspace",
        Tcp,
        443,
    );
    assert_ne!(t.flow.dst.to_string(), "10.1.0.5");
    assert!(!t.verdict.allowed());
    // The zones are not linked to the DNS server's VNet: public.
    let t = flow(
        &dns_design("10.9.0.4", true, "v"),
        "client",
        "myworkspace:amlworkspace",
        Tcp,
        443,
    );
    assert_ne!(t.flow.dst.to_string(), "10.1.0.5");
}

/// A VM reaching another VM's public IP leaves Azure from its own public IP (or the default
/// outbound address, B8) and comes back in from the internet side: an inbound rule from
/// `Internet` matches it, a `VirtualNetwork` one does not.
#[test]
fn hairpin_through_a_public_ip_comes_from_the_internet_side() {
    let d = we_nsg_1(ALLOW_80_IN, ALLOW_80_IN, "standard");
    let vm1 = d.workload_by_name("VM1").unwrap();
    let pip = d.workloads[vm1.ix()].public_ip.unwrap().1.to_string();
    let t = flow(&d, "VM4", &pip, Tcp, 80);
    assert_allowed(&t, true);
    assert!(
        t.hops
            .iter()
            .any(|h| h.detail.contains("the request leaves Azure from")),
        "{}",
        vnetlab_core::render::trace(&t)
    );
    assert!(
        nsg_decision(&t, "NSG1", Step::NsgInbound)
            .unwrap()
            .contains("allow-80")
    );
    // By its private address the same VM is reached inside the VNet.
    assert!(
        nsg_decision(&flow(&d, "VM4", "VM1", Tcp, 80), "NSG1", Step::NsgInbound)
            .unwrap()
            .contains("AllowVNetInBound")
    );
}
