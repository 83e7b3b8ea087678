//! Worked examples whose answers Microsoft's documentation states (azure-semantics.md):
//! service endpoints, Azure Firewall, Azure ML endpoints and managed networks.

use super::{assert_allowed, flow, nsg_decision};
use vnetlab_core::model::Design;
use vnetlab_core::net::Protocol::{Icmp, Tcp};
use vnetlab_core::trace::{Step, Verdict};
use vnetlab_tests::design;

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
