//! Issue #12, pinned decisions P14–P17 and forwarded traffic on replies: routed replies,
//! `internet` as the outside world, regions and NVA SNAT, each on a small design written from
//! Microsoft's text (quoted at each case; sources in docs/semantics.md).

use super::{assert_allowed, flow};
use vnetlab_core::model::Design;
use vnetlab_core::net::Protocol::Tcp;
use vnetlab_core::trace::{Step, Verdict};
use vnetlab_tests::design;

/// A spoke whose route table sends 0.0.0.0/0 to the hub's VPN gateway (forced tunnelling), a
/// web VM with a public IP and an NSG open to HTTPS, a public-IP compute cluster, and an
/// on-premises client. `extra_routes` are added to the spoke's route table.
fn forced_tunnelling(extra_routes: &str) -> Design {
    design(
        "forced-tunnelling.yaml",
        &format!(
            r#"
version: 1
name: forced-tunnelling
vnets:
  hub:
    address_space: [10.40.0.0/16]
    subnets:
      GatewaySubnet: {{ prefix: 10.40.0.0/27 }}
  spoke:
    address_space: [10.41.0.0/16]
    subnets:
      web: {{ prefix: 10.41.1.0/24, nsg: open, route_table: to-onprem }}
      training: {{ prefix: 10.41.2.0/24, nsg: open, route_table: to-onprem }}
peerings:
  - {{ between: [hub, spoke], allow_gateway_transit: true, use_remote_gateways: true }}
gateways:
  vpn: {{ vnet: hub, kind: vpn, sites: {{ hq: {{ prefixes: [192.168.0.0/20, 203.0.113.0/24] }} }} }}
route_tables:
  to-onprem:
    routes:
      - {{ name: default-to-onprem, prefix: 0.0.0.0/0, next_hop: virtual_network_gateway }}
{extra_routes}
nsgs:
  open:
    rules:
      - {{ name: https-in, priority: 100, direction: inbound, access: allow, protocol: tcp, source: Internet, destination: "*", destination_ports: [443] }}
      - {{ name: aml-in, priority: 110, direction: inbound, access: allow, protocol: tcp, source: AzureMachineLearning, destination: "*", destination_ports: [44224] }}
workloads:
  web: {{ kind: vm, subnet: spoke/web, public_ip: standard }}
  trainer: {{ kind: compute_cluster, subnet: spoke/training, public_ip: standard }}
clients:
  hq-admin: {{ kind: on_prem, site: vpn/hq, ip: 192.168.1.10 }}
  hq-public: {{ kind: on_prem, site: vpn/hq, ip: 203.0.113.10 }}
"#
        ),
    )
}

fn reply_lost(t: &vnetlab_core::trace::Trace) -> bool {
    matches!(&t.verdict, Verdict::Dropped { reason } if reason.contains("reply"))
        && t.hops
            .last()
            .is_some_and(|h| h.step == Step::Return && !h.ok)
}

/// P15 / Microsoft, "Configure forced tunneling": "You're no longer able to directly access
/// resources in the subnet from the Internet" — the request arrives, the reply follows the
/// default route into the gateway, which has no route to the internet source.
#[test]
fn p15_forced_tunnelling_loses_the_reply_of_an_internet_flow_to_a_public_ip() {
    let d = forced_tunnelling("");
    let t = flow(&d, "internet", "web", Tcp, 443);
    assert_allowed(&t, false);
    assert!(reply_lost(&t), "{}", vnetlab_core::render::trace(&t));
    assert!(
        t.hops.iter().any(|h| h.step == Step::NsgInbound && h.ok),
        "the request itself is admitted: {}",
        vnetlab_core::render::trace(&t)
    );
}

/// P15 with Azure ML (E1): "If you use forced tunneling … add a user-defined route … for the
/// AzureMachineLearning service tag with next hop Internet" — without it the 44224 reply goes
/// into the gateway; with it, it goes back to Azure ML.
#[test]
fn p15_azure_ml_44224_to_a_public_ip_compute_needs_its_internet_route() {
    let t = flow(
        &forced_tunnelling(""),
        "service:AzureMachineLearning",
        "trainer",
        Tcp,
        44224,
    );
    assert_allowed(&t, false);
    assert!(reply_lost(&t), "{}", vnetlab_core::render::trace(&t));
    let fixed = forced_tunnelling(
        "      - { name: aml-direct, prefix: AzureMachineLearning, next_hop: internet }",
    );
    assert_allowed(
        &flow(
            &fixed,
            "service:AzureMachineLearning",
            "trainer",
            Tcp,
            44224,
        ),
        true,
    );
}

/// P15: the reply to an on-premises source goes back through the gateway; one routed to the
/// `Internet` next hop is lost (here a UDR sends the site's public range to Internet).
#[test]
fn p15_a_reply_to_on_premises_routed_to_the_internet_is_lost() {
    assert_allowed(
        &flow(&forced_tunnelling(""), "hq-admin", "web", Tcp, 443),
        true,
    );
    assert_allowed(
        &flow(&forced_tunnelling(""), "hq-public", "web", Tcp, 443),
        true,
    );
    let d = forced_tunnelling(
        "      - { name: site-range-out, prefix: 203.0.113.0/24, next_hop: internet }",
    );
    let t = flow(&d, "hq-public", "web", Tcp, 443);
    assert_allowed(&t, false);
    assert!(reply_lost(&t), "{}", vnetlab_core::render::trace(&t));
}

/// P14: `internet` is the outside world. 168.63.129.16 is in both the `Internet` and the
/// `VirtualNetwork` tags (A7) and matches AllowVNetInBound; the design's own public IPs are
/// answered by its own NSGs. Neither belongs to "the internet".
#[test]
fn p14_internet_excludes_the_azure_host_and_the_designs_public_addresses() {
    let d = forced_tunnelling("");
    let internet = vnetlab_core::reach::addresses(&d, &vnetlab_core::query::EndpointSet::Internet)
        .expect("a set");
    assert!(!internet.contains("168.63.129.16".parse().unwrap()));
    assert!(!internet.contains("169.254.169.254".parse().unwrap()));
    for w in &d.workloads {
        if let Some((_, ip)) = w.public_ip {
            assert!(!internet.contains(ip), "{} {ip}", w.name);
        }
    }
    assert!(!internet.contains(vnetlab_core::tags::DEFAULT_OUTBOUND_IP));
    assert!(internet.contains("198.51.100.1".parse().unwrap()));
    assert!(internet.contains("8.8.8.8".parse().unwrap()));
    // The web VM's internet traffic is tunnelled on-premises and lost: proven for every outside
    // host, which no longer fails on the Azure host address (always reachable, P11).
    let proven = vnetlab_core::testing::prove(&d, "web", "internet", Some(Tcp), (1, 65535), false);
    assert!(proven.is_ok(), "{proven:?}");
}

/// A storage account with IP rules, and VMs in `vm_region` (with a public IP) and in the
/// account's region with a service endpoint in a `se_region` VNet.
fn storage_by_region(vm_region: &str, se_region: &str, endpoint: &str) -> Design {
    design(
        "storage-regions.yaml",
        &format!(
            r#"
version: 1
name: storage-regions
region: eastus
vnets:
  apps:
    region: {vm_region}
    address_space: [10.1.0.0/16]
    subnets:
      vms: {{ prefix: 10.1.1.0/24 }}
  data:
    region: {se_region}
    address_space: [10.2.0.0/16]
    subnets:
      jobs: {{ prefix: 10.2.1.0/24, service_endpoints: [{endpoint}] }}
workloads:
  app-vm: {{ kind: vm, subnet: apps/vms, public_ip: standard, public_ip_address: 20.1.2.3 }}
  job-vm: {{ kind: vm, subnet: data/jobs }}
services:
  datastore:
    kind: storage
    region: eastus
    default_action: deny
    ip_rules: [20.1.2.3/32]
    virtual_network_rules: [data/jobs]
  secrets:
    kind: key_vault
    region: eastus
    default_action: deny
    virtual_network_rules: [data/jobs]
"#
        ),
    )
}

/// P16 / D2: "IP network rules have no effect on requests that originate from the same Azure
/// region as the storage account. Use Virtual network rules to allow same-region requests."
#[test]
fn p16_storage_ip_rules_do_not_admit_a_same_region_source() {
    let same = flow(
        &storage_by_region("eastus", "eastus", "Microsoft.Storage"),
        "app-vm",
        "datastore:blob",
        Tcp,
        443,
    );
    assert_allowed(&same, false);
    assert!(
        same.hops
            .iter()
            .any(|h| h.step == Step::ServiceFirewall && h.detail.contains("own region")),
        "{}",
        vnetlab_core::render::trace(&same)
    );
    let other = flow(
        &storage_by_region("westeurope", "eastus", "Microsoft.Storage"),
        "app-vm",
        "datastore:blob",
        Tcp,
        443,
    );
    assert_allowed(&other, true);
}

/// P16 / D1: `Microsoft.Storage` reaches storage in the subnet's region and its paired region
/// (East US's pair is West US: Microsoft's region pairs); a non-paired region goes over the
/// public endpoint, where the virtual network rule does not apply; `Microsoft.Storage.Global`
/// reaches every region.
#[test]
fn p16_storage_service_endpoints_cover_the_paired_region() {
    let paired = flow(
        &storage_by_region("eastus", "westus", "Microsoft.Storage"),
        "job-vm",
        "datastore:blob",
        Tcp,
        443,
    );
    assert_allowed(&paired, true);
    let far = flow(
        &storage_by_region("eastus", "westeurope", "Microsoft.Storage"),
        "job-vm",
        "datastore:blob",
        Tcp,
        443,
    );
    assert_allowed(&far, false);
    let global = flow(
        &storage_by_region("eastus", "westeurope", "Microsoft.Storage.Global"),
        "job-vm",
        "datastore:blob",
        Tcp,
        443,
    );
    assert_allowed(&global, true);
}

/// P16 / D1: "For all other services, you can secure Azure service resources to virtual
/// networks in any region" — a Key Vault service endpoint is not limited to the VNet's region.
#[test]
fn p16_key_vault_service_endpoints_reach_every_region() {
    let d = design(
        "kv-regions.yaml",
        r#"
version: 1
name: kv-regions
vnets:
  data:
    region: westeurope
    address_space: [10.2.0.0/16]
    subnets:
      jobs: { prefix: 10.2.1.0/24, service_endpoints: [Microsoft.KeyVault] }
workloads:
  job-vm: { kind: vm, subnet: data/jobs }
services:
  secrets:
    kind: key_vault
    region: eastus
    default_action: deny
    virtual_network_rules: [data/jobs]
"#,
    );
    assert_allowed(&flow(&d, "job-vm", "secrets:vault", Tcp, 443), true);
}

/// A spoke whose internet egress goes through a FortiGate in the hub; `nat` on its policy.
fn fortigate_egress(nat: bool) -> Design {
    design(
        "fortigate-egress.yaml",
        &format!(
            r#"
version: 1
name: fortigate-egress
vnets:
  hub:
    address_space: [10.50.0.0/16]
    subnets:
      external: {{ prefix: 10.50.0.0/24 }}
  spoke:
    address_space: [10.51.0.0/16]
    subnets:
      apps: {{ prefix: 10.51.1.0/24, route_table: via-fgt }}
peerings:
  - {{ between: [hub, spoke], allow_forwarded_traffic: true }}
route_tables:
  via-fgt:
    routes:
      - {{ name: default, prefix: 0.0.0.0/0, next_hop: virtual_appliance, next_hop_ip: 10.50.0.4 }}
firewalls:
  fgt:
    kind: fortigate
    subnet: hub/external
    private_ip: 10.50.0.4
    public_ip: standard
    policies:
      - {{ name: apps-out, source: [spoke/apps], destination: [all], service: ["tcp/443"], action: accept, nat: {nat} }}
workloads:
  app: {{ kind: vm, subnet: spoke/apps }}
"#
        ),
    )
}

/// P17: FortiOS `set nat enable` — the packet leaves with the FortiGate's address, so the reply
/// comes back to it; without NAT the internet answers the private source directly, and the
/// stateful FortiGate never sees the reply (P10).
#[test]
fn p17_fortigate_nat_makes_internet_egress_work() {
    let t = flow(&fortigate_egress(true), "app", "internet", Tcp, 443);
    assert_allowed(&t, true);
    assert!(
        t.hops
            .iter()
            .any(|h| h.step == Step::Firewall && h.detail.contains("nat"))
    );
    let t = flow(&fortigate_egress(false), "app", "internet", Tcp, 443);
    assert!(
        matches!(&t.verdict, Verdict::Dropped { reason } if reason.contains("asymmetric")),
        "{}",
        vnetlab_core::render::trace(&t)
    );
}

/// P17 in the audit: a training cluster whose egress goes through a FortiGate policy without
/// NAT breaks its required flows as asymmetric; the fix is `nat: true` on that policy (never
/// taking the FortiGate off the path), verified by re-tracing.
#[test]
fn p17_the_audit_fixes_an_asymmetric_fortigate_path_with_nat() {
    let d = design("fgt-aml.yaml", FGT_AML);
    let report = vnetlab_core::aml::audit(&d);
    let asymmetric: Vec<_> = report
        .flows
        .iter()
        .filter(|f| f.verdict.contains("asymmetric"))
        .collect();
    assert!(!asymmetric.is_empty(), "{:#?}", report.flows);
    for f in asymmetric {
        let fix = f.fix.as_ref().expect("a fix");
        assert!(fix.verified, "{}", fix.change);
        assert!(
            fix.change
                .starts_with("enable NAT on FortiGate fgt policy ml-out"),
            "{}: {}",
            f.flow.id,
            fix.change
        );
    }
}

const FGT_AML: &str = r#"
version: 1
name: fgt-aml
vnets:
  hub:
    address_space: [10.50.0.0/16]
    subnets:
      external: { prefix: 10.50.0.0/24 }
  ml:
    address_space: [10.51.0.0/16]
    subnets:
      training: { prefix: 10.51.1.0/24, route_table: via-fgt }
peerings:
  - { between: [hub, ml], allow_forwarded_traffic: true }
route_tables:
  via-fgt:
    routes:
      - { name: default, prefix: 0.0.0.0/0, next_hop: virtual_appliance, next_hop_ip: 10.50.0.4 }
firewalls:
  fgt:
    kind: fortigate
    subnet: hub/external
    private_ip: 10.50.0.4
    public_ip: standard
    policies:
      - { name: ml-out, source: [ml/training], destination: [all], service: ["*"], action: accept }
workloads:
  trainer: { kind: compute_cluster, subnet: ml/training, workspace: ws }
services:
  ws: { kind: ml_workspace, storage: st, key_vault: kv, container_registry: acr }
  st: { kind: storage }
  kv: { kind: key_vault }
  acr: { kind: container_registry }
"#;

/// Hub-and-spoke egress through a hub firewall, the spoke's link to the hub with or without
/// `allow_forwarded_traffic`, and a hub VM that reaches into the spoke through the firewall.
fn hub_firewall(spoke_allows_forwarded: bool) -> Design {
    design(
        "hub-firewall.yaml",
        &format!(
            r#"
version: 1
name: hub-firewall
vnets:
  hub:
    address_space: [10.60.0.0/16]
    subnets:
      AzureFirewallSubnet: {{ prefix: 10.60.0.0/26 }}
      shared: {{ prefix: 10.60.1.0/24, route_table: hub-via-fw }}
  spoke:
    address_space: [10.61.0.0/16]
    subnets:
      apps: {{ prefix: 10.61.1.0/24, route_table: spoke-via-fw }}
peerings:
  - {{ from: hub, to: spoke, allow_forwarded_traffic: true }}
  - {{ from: spoke, to: hub, allow_forwarded_traffic: {spoke_allows_forwarded} }}
route_tables:
  spoke-via-fw:
    routes:
      - {{ name: default, prefix: 0.0.0.0/0, next_hop: virtual_appliance, next_hop_ip: 10.60.0.4 }}
      - {{ name: hub, prefix: 10.60.0.0/16, next_hop: virtual_appliance, next_hop_ip: 10.60.0.4 }}
  hub-via-fw:
    routes:
      - {{ name: spoke, prefix: 10.61.0.0/16, next_hop: virtual_appliance, next_hop_ip: 10.60.0.4 }}
firewalls:
  fw:
    kind: azure_firewall
    subnet: hub/AzureFirewallSubnet
    private_ip: 10.60.0.4
    public_ip: standard
    rule_collection_groups:
      - name: egress
        priority: 100
        collections:
          - name: allow
            kind: network
            priority: 100
            action: allow
            rules:
              - {{ name: any, source: "*", destination: "*", protocol: tcp, destination_ports: "*" }}
workloads:
  app: {{ kind: vm, subnet: spoke/apps }}
  shared-vm: {{ kind: vm, subnet: hub/shared }}
"#
        ),
    )
}

/// Forwarded traffic, both directions (docs/semantics.md, "Forwarded traffic on replies"):
/// "Allow … traffic forwarded by a network virtual appliance in the remote virtual network
/// (that didn't originate from the remote virtual network) to flow to this virtual network".
/// A packet the hub firewall forwards into the spoke — a request from a hub VM, or the reply of
/// the spoke's own internet flow, which carries the internet host's address — did not
/// originate in the hub, so the spoke's link must allow forwarded traffic. Without it both are
/// dropped; with it both work.
#[test]
fn forwarded_traffic_is_judged_alike_for_requests_and_replies() {
    for (allows, works) in [(false, false), (true, true)] {
        let d = hub_firewall(allows);
        let request = flow(&d, "shared-vm", "app", Tcp, 443);
        assert_allowed(&request, works);
        let reply = flow(&d, "app", "internet", Tcp, 443);
        assert_allowed(&reply, works);
        if !works {
            assert!(
                matches!(&reply.verdict, Verdict::Dropped { reason } if reason.contains("forwarded")),
                "{}",
                vnetlab_core::render::trace(&reply)
            );
        }
    }
}
