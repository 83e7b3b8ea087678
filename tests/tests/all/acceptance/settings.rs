//! The Azure settings of issue #22, each on a small design written from Microsoft's text
//! (quoted at each case; sources and decisions in docs/semantics.md, block "Settings").

use super::{assert_allowed, flow};
use vnetlab_core::model::Design;
use vnetlab_core::net::Protocol::Tcp;
use vnetlab_core::trace::{Step, Verdict};
use vnetlab_tests::{design, errors};

/// A VNet with a NAT gateway on `app` (whose VM also has a public IP), a private subnet
/// `private` (default outbound access off) with a NAT-less VM and a public-IP VM, a subnet
/// `forced` with the NAT gateway and 0.0.0.0/0 to an Azure Firewall, and a storage account in
/// another region whose firewall admits only `allowed_ip`.
fn nat_design(allowed_ip: &str) -> Design {
    design(
        "nat-gateway.yaml",
        &format!(
            r#"
version: 1
name: nat-gateway
region: eastus
vnets:
  app-vnet:
    address_space: [10.60.0.0/16]
    subnets:
      app: {{ prefix: 10.60.1.0/24, nsg: web-in, nat_gateway: egress }}
      private: {{ prefix: 10.60.2.0/24, default_outbound_access: false }}
      forced: {{ prefix: 10.60.3.0/24, nat_gateway: egress, route_table: via-firewall }}
      AzureFirewallSubnet: {{ prefix: 10.60.0.0/26 }}
nat_gateways:
  egress: {{ public_ips: [198.18.0.0, 20.51.7.20] }}
firewalls:
  fw:
    kind: azure_firewall
    subnet: app-vnet/AzureFirewallSubnet
    public_ip: standard
    public_ip_address: 20.51.9.9
    rule_collection_groups:
      - name: egress
        priority: 100
        collections:
          - name: out
            kind: network
            priority: 100
            action: allow
            rules:
              - {{ name: https-out, source: [10.60.0.0/16], destination: ["*"], protocol: tcp, destination_ports: [443] }}
route_tables:
  via-firewall:
    routes:
      - {{ name: default-to-firewall, prefix: 0.0.0.0/0, next_hop: virtual_appliance, next_hop_ip: 10.60.0.4 }}
nsgs:
  web-in:
    rules:
      - {{ name: https-in, priority: 100, direction: inbound, access: allow, protocol: tcp, source: Internet, destination: "*", destination_ports: [443] }}
workloads:
  app-vm: {{ kind: vm, subnet: app-vnet/app, public_ip: standard, public_ip_address: 20.51.1.1 }}
  private-vm: {{ kind: vm, subnet: app-vnet/private }}
  private-pip-vm: {{ kind: vm, subnet: app-vnet/private, public_ip: standard, public_ip_address: 20.51.2.2 }}
  forced-vm: {{ kind: vm, subnet: app-vnet/forced }}
services:
  data:
    kind: storage
    region: westeurope
    default_action: deny
    trusted_services: false
    ip_rules: [{allowed_ip}]
"#
        ),
    )
}

fn leaves_through_nat(t: &vnetlab_core::trace::Trace) -> bool {
    t.hops
        .iter()
        .any(|h| h.at == "egress" && h.step == Step::Route && h.ok)
}

/// "In the presence of other outbound configurations within a virtual network, such as a load
/// balancer or instance-level public IPs (IL PIPs), the NAT gateway takes precedence for
/// outbound connectivity" (Design virtual networks with Azure NAT Gateway): app-vm has a
/// public IP, yet its request reaches the storage account from the NAT gateway's address.
#[test]
fn nat_gateway_takes_precedence_over_the_vms_public_ip() {
    let d = nat_design("20.51.7.20");
    let by_nat = flow(&d, "app-vm", "data:blob", Tcp, 443);
    assert!(
        leaves_through_nat(&by_nat),
        "{}",
        vnetlab_core::render::trace(&by_nat)
    );
    // The NAT gateway's first public IP is 198.18.0.0, not listed: denied.
    assert_allowed(&by_nat, false);
    let d = nat_design("198.18.0.0");
    assert_allowed(&flow(&d, "app-vm", "data:blob", Tcp, 443), true);
    let d = nat_design("20.51.1.1");
    let t = flow(&d, "app-vm", "data:blob", Tcp, 443);
    assert_allowed(&t, false);
}

/// "Inbound originated traffic passes through the instance level public IP directly
/// associated with the virtual machine" — the NAT gateway does not take the VM's inbound.
#[test]
fn nat_gateway_leaves_inbound_through_the_instance_public_ip_working() {
    let d = nat_design("198.18.0.0");
    let t = flow(&d, "internet", "app-vm", Tcp, 443);
    assert_allowed(&t, true);
    assert!(
        !leaves_through_nat(&t),
        "{}",
        vnetlab_core::render::trace(&t)
    );
}

/// "VMs from subnet 2 can only egress and receive response traffic through the NAT gateway.
/// No inbound originated traffic can be received": a NAT gateway's public IP accepts nothing.
#[test]
fn nat_gateway_public_ip_accepts_no_inbound_connection() {
    let d = nat_design("198.18.0.0");
    let t = flow(&d, "internet", "198.18.0.0", Tcp, 443);
    assert_allowed(&t, false);
    assert!(
        matches!(&t.verdict, Verdict::Denied { by } if by.contains("NAT gateway egress")),
        "{}",
        vnetlab_core::render::trace(&t)
    );
    // The `internet` endpoint excludes the design's own addresses (P14).
    assert!(!d.outside_internet().contains("198.18.0.0".parse().unwrap()));
}

/// "If you create a user-defined route (UDR) that sends 0.0.0.0/0 traffic to a virtual
/// appliance as the next hop … all outbound traffic is sent to the virtual appliance instead of
/// through the NAT gateway": forced-vm's request leaves from the firewall's public IP.
#[test]
fn udr_to_a_firewall_bypasses_the_nat_gateway() {
    let d = nat_design("198.18.0.0");
    let t = flow(&d, "forced-vm", "data:blob", Tcp, 443);
    assert!(
        !leaves_through_nat(&t),
        "{}",
        vnetlab_core::render::trace(&t)
    );
    assert_allowed(&t, false);
    let d = nat_design("20.51.9.9");
    assert_allowed(&flow(&d, "forced-vm", "data:blob", Tcp, 443), true);
}

/// Private subnets: "Private subnet prevents the creation of new default outbound IPs for
/// virtual machines in your subnet … explicit outbound method must be enabled in order to reach
/// public endpoints on the Internet and within Microsoft" (Design virtual networks with Azure
/// NAT Gateway); a public IP on the NIC is such a method (Default outbound access in Azure).
#[test]
fn private_subnet_has_no_internet_without_an_explicit_outbound_method() {
    let d = nat_design("198.18.0.0");
    let t = flow(&d, "private-vm", "8.8.8.8", Tcp, 443);
    assert_allowed(&t, false);
    assert!(
        matches!(&t.verdict, Verdict::Dropped { reason } if reason.contains("private subnet")),
        "{}",
        vnetlab_core::render::trace(&t)
    );
    // Public endpoints "within Microsoft" too.
    assert_allowed(&flow(&d, "private-vm", "data:blob", Tcp, 443), false);
    // An instance public IP is explicit outbound connectivity.
    assert_allowed(&flow(&d, "private-pip-vm", "8.8.8.8", Tcp, 443), true);
    // Private traffic is unaffected.
    assert_allowed(&flow(&d, "private-vm", "app-vm", Tcp, 443), true);
    // Default outbound access (the default) still gives egress.
    assert_allowed(&flow(&d, "app-vm", "8.8.8.8", Tcp, 443), true);
}

/// "A NAT gateway can't span multiple virtual networks" and it "can't be associated with a
/// gateway subnet" (NAT gateway resource / FAQ); it needs "at least one public IP address".
/// Azure refuses these at deployment and the model stays defined: located warnings (P18). A
/// private address as a public IP is bad input: an error.
#[test]
fn nat_gateway_association_rules_are_located_warnings() {
    let text = r#"
version: 1
name: bad-nat
vnets:
  a:
    address_space: [10.1.0.0/16]
    subnets:
      s: { prefix: 10.1.1.0/24, nat_gateway: shared }
      GatewaySubnet: { prefix: 10.1.0.0/27, nat_gateway: shared }
  b:
    address_space: [10.2.0.0/16]
    subnets:
      s: { prefix: 10.2.1.0/24, nat_gateway: shared }
      t: { prefix: 10.2.2.0/24, nat_gateway: empty }
nat_gateways:
  shared: { public_ips: [20.1.1.1] }
  empty: { public_ips: [] }
"#;
    let loaded = vnetlab_core::load(
        "t.yaml",
        text.as_bytes(),
        &vnetlab_core::model::BuildOptions::default(),
    );
    let warnings: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| format!("{}:{} {}", d.span.line, d.span.col, d.message))
        .collect();
    let all = warnings.join("\n");
    assert!(loaded.design.is_some(), "{all}");
    assert!(
        all.contains("13:10 NAT gateway `shared` is associated with subnets of two VNets"),
        "{all}"
    );
    assert!(
        all.contains("9:22 a/GatewaySubnet can't have a NAT gateway"),
        "{all}"
    );
    assert!(all.contains("`empty` has no public IP"), "{all}");
    let d = loaded.design.unwrap();
    let t = flow(&d, "10.2.2.10", "8.8.8.8", Tcp, 443);
    assert_allowed(&t, false);
    let errs = errors(&text.replace("[20.1.1.1]", "[10.9.9.9]"));
    assert!(
        errs.iter()
            .any(|e| e.contains("`10.9.9.9` is not a public address")),
        "{errs:?}"
    );
}

/// The audit's fix for Azure ML's required outbound flows lost in a private subnet is the
/// explicit outbound method Microsoft recommends ("NAT gateway is the recommended approach to
/// have explicit outbound connectivity"), verified by re-tracing.
#[test]
fn the_audit_fixes_a_private_subnets_lost_egress_with_a_nat_gateway() {
    let d = design(
        "private-aml.yaml",
        r#"
version: 1
name: private-aml
vnets:
  ml:
    address_space: [10.70.0.0/16]
    subnets:
      training: { prefix: 10.70.1.0/24, default_outbound_access: false }
workloads:
  trainer: { kind: compute_cluster, subnet: ml/training, workspace: ws }
services:
  ws: { kind: ml_workspace, storage: st, key_vault: kv, container_registry: acr }
  st: { kind: storage }
  kv: { kind: key_vault }
  acr: { kind: container_registry }
"#,
    );
    let report = vnetlab_core::aml::audit(&d);
    let lost: Vec<_> = report
        .flows
        .iter()
        .filter(|f| f.verdict.contains("private subnet"))
        .collect();
    assert!(!lost.is_empty(), "{:#?}", report.flows);
    for f in lost {
        let fix = f.fix.as_ref().expect("a fix");
        assert!(fix.verified, "{}", fix.change);
        assert!(
            fix.change.starts_with(
                "add NAT gateway ml-nat (a public IP) and associate subnet ml/training"
            ),
            "{}: {}",
            f.flow.id,
            fix.change
        );
    }
}

/// A subnet with the storage service endpoint and a service endpoint policy listing `ours`;
/// `theirs` is another account in the same region, `far` one in a region the endpoint does
/// not cover. `policy` is the subnet's extra settings.
fn policy_design(policy: &str) -> Design {
    design(
        "endpoint-policy.yaml",
        &format!(
            r#"
version: 1
name: endpoint-policy
region: eastus
vnets:
  app-vnet:
    address_space: [10.80.0.0/16]
    subnets:
      apps: {{ prefix: 10.80.1.0/24, service_endpoints: [Microsoft.Storage]{policy} }}
service_endpoint_policies:
  only-ours: {{ storage_accounts: [ours] }}
workloads:
  app-vm: {{ kind: vm, subnet: app-vnet/apps }}
services:
  ours: {{ kind: storage, default_action: deny, virtual_network_rules: [app-vnet/apps] }}
  theirs: {{ kind: storage }}
  far: {{ kind: storage, region: australiaeast }}
"#
        ),
    )
}

/// "By default, if no policies are attached to a subnet with endpoints, you can access all
/// resources in the service. Once a policy is configured on that subnet, only the resources
/// specified in the policy can be accessed … Access to all other resources, for the specific
/// service, will be denied" (Virtual network service endpoint policies for Azure Storage).
#[test]
fn service_endpoint_policy_allows_only_the_listed_storage_accounts() {
    let open = policy_design("");
    assert_allowed(&flow(&open, "app-vm", "theirs:blob", Tcp, 443), true);
    let d = policy_design(", service_endpoint_policies: [only-ours]");
    assert_allowed(&flow(&d, "app-vm", "ours:blob", Tcp, 443), true);
    let t = flow(&d, "app-vm", "theirs:blob", Tcp, 443);
    assert_allowed(&t, false);
    assert!(
        matches!(&t.verdict, Verdict::Denied { by } if by.contains("service endpoint policy")),
        "{}",
        vnetlab_core::render::trace(&t)
    );
    // Any other address of the regional storage service: an account outside the design.
    let storage = d
        .tags
        .regional("Storage", "eastus")
        .expect("Storage.eastus");
    let other = (0..64)
        .filter_map(|k| storage.nth_wrapping(k))
        .find(|ip| d.services.iter().all(|s| s.public_ip != *ip))
        .expect("an address");
    assert_allowed(&flow(&open, "app-vm", &other.to_string(), Tcp, 443), true);
    assert_allowed(&flow(&d, "app-vm", &other.to_string(), Tcp, 443), false);
}

/// "You can filter traffic to Azure service resources in the regions where service endpoint is
/// configured. Access to service resources in other regions will be allowed, by default."
#[test]
fn service_endpoint_policy_does_not_filter_other_regions() {
    let d = policy_design(", service_endpoint_policies: [only-ours]");
    let t = flow(&d, "app-vm", "far:blob", Tcp, 443);
    assert_allowed(&t, true);
}

/// "You can only apply service endpoint policy on a subnet if service endpoints are configured
/// for the Azure services listed in the policy": without the endpoint it filters nothing, and
/// the design says so; a policy lists storage accounts only.
#[test]
fn service_endpoint_policy_needs_the_storage_endpoint_and_lists_storage_accounts() {
    let text = r#"
version: 1
name: policy-no-endpoint
vnets:
  v:
    address_space: [10.81.0.0/16]
    subnets:
      s: { prefix: 10.81.1.0/24, service_endpoint_policies: [p] }
service_endpoint_policies:
  p: { storage_accounts: [st] }
services:
  st: { kind: storage }
"#;
    let loaded = vnetlab_core::load(
        "t.yaml",
        text.as_bytes(),
        &vnetlab_core::model::BuildOptions::default(),
    );
    assert!(loaded.design.is_some());
    assert!(
        loaded
            .diagnostics
            .iter()
            .any(|d| d.code == "service-endpoint-policy" && d.message.contains("filters nothing")),
        "{:?}",
        loaded.diagnostics
    );
    let errs = errors(&text.replace("kind: storage", "kind: key_vault"));
    assert!(
        errs.iter().any(|e| e.contains("not a storage account")),
        "{errs:?}"
    );
}

/// An Azure ML compute whose NSG denies the internet except the service tags Azure ML needs
/// (E2, `Storage` among them) and whose subnet has the storage service endpoint. `policy` is
/// the subnet's extra settings.
fn aml_endpoint(policy: &str) -> Design {
    design(
        "aml-endpoint-policy.yaml",
        &format!(
            r#"
version: 1
name: aml-endpoint-policy
vnets:
  ml:
    address_space: [10.90.0.0/16]
    subnets:
      training: {{ prefix: 10.90.1.0/24, nsg: egress, service_endpoints: [Microsoft.Storage]{policy} }}
nsgs:
  egress:
    rules:
      - {{ name: t0, priority: 100, direction: outbound, access: allow, protocol: tcp, source: VirtualNetwork, destination: AzureMachineLearning, destination_ports: ["*"] }}
      - {{ name: t1, priority: 110, direction: outbound, access: allow, protocol: tcp, source: VirtualNetwork, destination: AzureActiveDirectory, destination_ports: ["*"] }}
      - {{ name: t2, priority: 120, direction: outbound, access: allow, protocol: tcp, source: VirtualNetwork, destination: AzureResourceManager, destination_ports: ["*"] }}
      - {{ name: t3, priority: 130, direction: outbound, access: allow, protocol: tcp, source: VirtualNetwork, destination: Storage, destination_ports: ["*"] }}
      - {{ name: t4, priority: 140, direction: outbound, access: allow, protocol: tcp, source: VirtualNetwork, destination: AzureKeyVault, destination_ports: ["*"] }}
      - {{ name: t5, priority: 150, direction: outbound, access: allow, protocol: tcp, source: VirtualNetwork, destination: AzureContainerRegistry, destination_ports: ["*"] }}
      - {{ name: t6, priority: 160, direction: outbound, access: allow, protocol: tcp, source: VirtualNetwork, destination: MicrosoftContainerRegistry, destination_ports: ["*"] }}
      - {{ name: t7, priority: 170, direction: outbound, access: allow, protocol: tcp, source: VirtualNetwork, destination: AzureMonitor, destination_ports: ["*"] }}
      - {{ name: t8, priority: 180, direction: outbound, access: allow, protocol: tcp, source: VirtualNetwork, destination: AzureFrontDoor.FirstParty, destination_ports: ["*"] }}
      - {{ name: no-internet, priority: 4000, direction: outbound, access: deny, source: "*", destination: Internet }}
service_endpoint_policies:
  workspace-only: {{ storage_accounts: [st] }}
workloads:
  trainer: {{ kind: compute_cluster, subnet: ml/training, workspace: ws }}
services:
  ws: {{ kind: ml_workspace, storage: st, key_vault: kv, container_registry: acr }}
  st: {{ kind: storage }}
  kv: {{ kind: key_vault }}
  acr: {{ kind: container_registry }}
"#
        ),
    )
}

/// Microsoft: "Endpoint policies allow you to specify the Azure Storage accounts that are allowed
/// virtual network outbound access and restricts access to all the other storage accounts. This
/// process gives much more granular security control for protecting data exfiltration" — the
/// audit raises the exfiltration the `Storage` tag leaves open over the endpoint, with the
/// policy as its fix; with the policy the finding is gone and the workspace's storage works.
#[test]
fn the_audit_proposes_a_service_endpoint_policy_against_storage_exfiltration() {
    let open = vnetlab_core::aml::audit(&aml_endpoint(""));
    let exfil: Vec<_> = open
        .findings
        .iter()
        .filter(|f| f.id == "AML-EXFILTRATION")
        .collect();
    assert_eq!(exfil.len(), 1, "{:#?}", open.findings);
    assert!(
        exfil[0].title.contains("any storage account")
            && exfil[0].remediation.contains("service endpoint policy"),
        "{:#?}",
        exfil[0]
    );
    let d = aml_endpoint(", service_endpoint_policies: [workspace-only]");
    let fixed = vnetlab_core::aml::audit(&d);
    assert!(
        !fixed.findings.iter().any(|f| f.id == "AML-EXFILTRATION"),
        "{:#?}",
        fixed.findings
    );
    assert_allowed(&flow(&d, "trainer", "st:blob", Tcp, 443), true);
    let storage_required: Vec<_> = fixed
        .flows
        .iter()
        .filter(|f| f.flow.to.starts_with("st:"))
        .collect();
    assert!(!storage_required.is_empty());
    assert!(
        storage_required.iter().all(|f| f.works),
        "{storage_required:#?}"
    );
}

/// Two spokes and the internet through a hub Azure Firewall whose network rule allows
/// everything; the `data` spoke's NSG admits HTTPS only from the firewall's subnet.
/// `ranges` is the firewall's `snat_private_ranges` line.
fn snat_ranges(ranges: &str) -> Design {
    design(
        "snat-ranges.yaml",
        &format!(
            r#"
version: 1
name: snat-ranges
vnets:
  hub:
    address_space: [10.60.0.0/16]
    subnets:
      AzureFirewallSubnet: {{ prefix: 10.60.0.0/26 }}
  apps:
    address_space: [10.61.0.0/16]
    subnets:
      web: {{ prefix: 10.61.1.0/24, route_table: via-fw }}
  data:
    address_space: [10.62.0.0/16]
    subnets:
      db: {{ prefix: 10.62.1.0/24, route_table: via-fw, nsg: from-firewall }}
peerings:
  - {{ between: [hub, apps], allow_forwarded_traffic: true }}
  - {{ between: [hub, data], allow_forwarded_traffic: true }}
route_tables:
  via-fw:
    routes:
      - {{ name: default, prefix: 0.0.0.0/0, next_hop: virtual_appliance, next_hop_ip: 10.60.0.4 }}
nsgs:
  from-firewall:
    rules:
      - {{ name: fw-in, priority: 100, direction: inbound, access: allow, protocol: tcp, source: 10.60.0.0/26, destination: "*", destination_ports: [443] }}
      - {{ name: deny-vnet, priority: 200, direction: inbound, access: deny, source: VirtualNetwork, destination: "*" }}
firewalls:
  fw:
    kind: azure_firewall
    subnet: hub/AzureFirewallSubnet
    private_ip: 10.60.0.4
    public_ip: standard
{ranges}
    rule_collection_groups:
      - name: all
        priority: 100
        collections:
          - name: allow
            kind: network
            priority: 100
            action: allow
            rules:
              - {{ name: any, source: "*", destination: "*", protocol: tcp, destination_ports: "*" }}
workloads:
  web-vm: {{ kind: vm, subnet: apps/web }}
  db-vm: {{ kind: vm, subnet: data/db }}
"#
        ),
    )
}

/// "By default, Azure Firewall doesn't SNAT with Network rules when the destination IP address
/// is in a private IP address range per IANA RFC 1918 or shared address space per IANA RFC
/// 6598" … "To configure the firewall to always SNAT regardless of the destination address, use
/// 255.255.255.255/32 as your private IP address range" … "To configure Azure Firewall to never
/// SNAT … use 0.0.0.0/0 … With this configuration, Azure Firewall can never route traffic
/// directly to the Internet" (Azure Firewall SNAT private IP address ranges).
#[test]
fn azure_firewall_snat_private_ranges_decide_which_destinations_see_the_firewall() {
    // Default and `IANAPrivateRanges`: the database sees web-vm's own address, which its NSG
    // refuses; the internet flow is SNATed and works.
    for ranges in ["", "    snat_private_ranges: [IANAPrivateRanges]"] {
        let d = snat_ranges(ranges);
        assert_allowed(&flow(&d, "web-vm", "db-vm", Tcp, 443), false);
        assert_allowed(&flow(&d, "web-vm", "internet", Tcp, 443), true);
    }
    // Always SNAT: the database sees the firewall's address.
    let d = snat_ranges("    snat_private_ranges: [255.255.255.255/32]");
    let t = flow(&d, "web-vm", "db-vm", Tcp, 443);
    assert_allowed(&t, true);
    assert!(
        t.hops
            .iter()
            .any(|h| h.detail.contains("SNATs to its own address")),
        "{}",
        vnetlab_core::render::trace(&t)
    );
    // Never SNAT: the internet answers web-vm's private address directly, missing the
    // stateful firewall the request crossed.
    let d = snat_ranges("    snat_private_ranges: [0.0.0.0/0]");
    assert_allowed(&flow(&d, "web-vm", "internet", Tcp, 443), false);
    assert_allowed(&flow(&d, "web-vm", "db-vm", Tcp, 443), false);
}

/// Bad entries are located errors; the setting is Azure Firewall's.
#[test]
fn snat_private_ranges_are_checked() {
    let text = r#"
version: 1
name: bad-ranges
vnets:
  hub:
    address_space: [10.60.0.0/16]
    subnets:
      AzureFirewallSubnet: { prefix: 10.60.0.0/26 }
      nva: { prefix: 10.60.1.0/24 }
firewalls:
  fw: { kind: azure_firewall, subnet: hub/AzureFirewallSubnet, public_ip: standard, snat_private_ranges: [IANAPrivateRanges, not-a-range] }
  box: { kind: nva, subnet: hub/nva, snat_private_ranges: [10.0.0.0/8] }
"#;
    let errs = errors(text);
    assert!(
        errs.iter()
            .any(|e| e.contains("`not-a-range` is not a CIDR")),
        "{errs:?}"
    );
    assert!(
        errs.iter()
            .any(|e| e.contains("`snat_private_ranges` are for azure_firewall")),
        "{errs:?}"
    );
}

/// Subnet delegation ("What is subnet delegation?"): each service sets its own rules for the
/// subnet, and a delegated subnet "cannot be used with a private endpoint" — a located warning
/// (P18). A delegation names a resource type.
#[test]
fn a_delegated_subnet_cannot_hold_a_private_endpoint() {
    let text = r#"
version: 1
name: delegated
vnets:
  v:
    address_space: [10.5.0.0/16]
    subnets:
      apps: { prefix: 10.5.1.0/24, delegations: [Microsoft.Web/serverFarms] }
      pe: { prefix: 10.5.2.0/24 }
services:
  st:
    kind: storage
    private_endpoints:
      - { subnet: v/apps, group: blob }
      - { subnet: v/pe, group: file }
"#;
    let loaded = vnetlab_core::load(
        "t.yaml",
        text.as_bytes(),
        &vnetlab_core::model::BuildOptions::default(),
    );
    let found: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code == "delegation")
        .map(|d| format!("{}:{} {}", d.span.line, d.span.col, d.message))
        .collect();
    assert!(loaded.design.is_some());
    assert_eq!(
        found,
        vec!["14:19 subnet v/apps is delegated to Microsoft.Web/serverFarms and cannot hold a private endpoint".to_string()]
    );
    let errs = errors(&text.replace("Microsoft.Web/serverFarms", "webapps"));
    assert!(
        errs.iter()
            .any(|e| e.contains("`webapps` is not a service to delegate to")),
        "{errs:?}"
    );
}

/// Two app VMs reaching a database VM through a hub Azure Firewall whose only network rule is
/// `rule`; the IP group `app-servers` holds `10.61.1.4-10.61.1.10`.
fn ip_group_design(rule: &str) -> Design {
    design(
        "ip-groups.yaml",
        &format!(
            r#"
version: 1
name: ip-groups
vnets:
  hub:
    address_space: [10.60.0.0/16]
    subnets:
      AzureFirewallSubnet: {{ prefix: 10.60.0.0/26 }}
  apps:
    address_space: [10.61.0.0/16]
    subnets:
      web: {{ prefix: 10.61.1.0/24, route_table: via-fw }}
  data:
    address_space: [10.62.0.0/16]
    subnets:
      db: {{ prefix: 10.62.1.0/24, route_table: via-fw }}
peerings:
  - {{ between: [hub, apps], allow_forwarded_traffic: true }}
  - {{ between: [hub, data], allow_forwarded_traffic: true }}
route_tables:
  via-fw:
    routes:
      - {{ name: default, prefix: 0.0.0.0/0, next_hop: virtual_appliance, next_hop_ip: 10.60.0.4 }}
ip_groups:
  app-servers: {{ addresses: [10.61.1.4-10.61.1.10] }}
  databases: {{ addresses: [10.62.1.4, 10.62.2.0/24] }}
firewalls:
  fw:
    kind: azure_firewall
    subnet: hub/AzureFirewallSubnet
    private_ip: 10.60.0.4
    public_ip: standard
    rule_collection_groups:
      - name: g
        priority: 100
        collections:
          - name: c
            kind: network
            priority: 100
            action: allow
            rules:
              - {rule}
workloads:
  app-1: {{ kind: vm, subnet: apps/web, ip: 10.61.1.4 }}
  app-2: {{ kind: vm, subnet: apps/web, ip: 10.61.1.20 }}
  db-vm: {{ kind: vm, subnet: data/db, ip: 10.62.1.4 }}
"#
        ),
    )
}

/// Azure Firewall rules take "IP addresses, IP address ranges (for example
/// 192.168.10.1-192.168.10.10) and CIDRs", and IP groups: "IP Groups … can contain a single IP
/// address, multiple IP addresses, one or more IP address ranges or subnets" used as a rule's
/// source or destination (Azure Firewall IP Groups).
#[test]
fn firewall_rules_take_address_ranges_and_ip_groups() {
    for rule in [
        "{ name: r, source: [10.61.1.4-10.61.1.10], destination: [10.62.1.4], protocol: tcp, destination_ports: [1433] }",
        "{ name: r, source_ip_groups: [app-servers], destination_ip_groups: [databases], protocol: tcp, destination_ports: [1433] }",
    ] {
        let d = ip_group_design(rule);
        assert_allowed(&flow(&d, "app-1", "db-vm", Tcp, 1433), true);
        // 10.61.1.20 is outside the range: the firewall denies by default.
        let t = flow(&d, "app-2", "db-vm", Tcp, 1433);
        assert_allowed(&t, false);
        assert!(
            matches!(&t.verdict, Verdict::Denied { by } if by.contains("firewall fw")),
            "{}",
            vnetlab_core::render::trace(&t)
        );
    }
}

/// An unknown IP group and a reversed range are located errors.
#[test]
fn ip_groups_and_ranges_are_checked() {
    let errs = errors(
        r#"
version: 1
name: bad-groups
vnets:
  hub:
    address_space: [10.60.0.0/16]
    subnets:
      AzureFirewallSubnet: { prefix: 10.60.0.0/26 }
ip_groups:
  app-servers: { addresses: [10.61.1.4-10.61.1.10, nonsense] }
firewalls:
  fw:
    kind: azure_firewall
    subnet: hub/AzureFirewallSubnet
    public_ip: standard
    rule_collection_groups:
      - name: g
        priority: 100
        collections:
          - { name: c, kind: network, priority: 100, action: allow, rules: [{ name: r, source_ip_groups: [app-server], destination: [10.62.1.10-10.62.1.4] }] }
"#,
    );
    let all = errs.join("\n");
    assert!(all.contains("no IP group named `app-server`"), "{all}");
    assert!(
        all.contains("`10.62.1.10-10.62.1.4` starts after it ends"),
        "{all}"
    );
    assert!(
        all.contains("`nonsense` is not an address, CIDR or `a-b` range"),
        "{all}"
    );
}

/// Azure Storage network rules: "Small address ranges using prefix sizes /31 or /32 are not
/// supported. Configure these ranges using individual IP address rules" — a bare address is an
/// IP rule of its own; a /32 or /31 is a located warning with the fix (P18).
#[test]
fn storage_ip_rules_take_single_addresses() {
    let text = r#"
version: 1
name: storage-ips
services:
  st: { kind: storage, region: westeurope, default_action: deny, ip_rules: [203.0.113.7, 198.51.100.0/31, 203.0.113.64/26, 20.9.9.9/32] }
  kv: { kind: key_vault, default_action: deny, ip_rules: [20.9.9.9/32] }
clients:
  partner: { kind: internet, ip: 203.0.113.7 }
  other: { kind: internet, ip: 203.0.113.8 }
"#;
    let loaded = vnetlab_core::load(
        "t.yaml",
        text.as_bytes(),
        &vnetlab_core::model::BuildOptions::default(),
    );
    let warnings: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code == "ip-rule")
        .map(|d| format!("{}:{} {}", d.span.line, d.span.col, d.message))
        .collect();
    assert_eq!(
        warnings,
        vec![
            "5:90 storage account `st`: Azure Storage does not accept the /31 prefix `198.51.100.0/31` in IP rules".to_string(),
            "5:124 storage account `st`: Azure Storage does not accept the /32 prefix `20.9.9.9/32` in IP rules".to_string(),
        ]
    );
    let d = loaded.design.expect("analysed");
    assert_allowed(&flow(&d, "partner", "st:blob", Tcp, 443), true);
    assert_allowed(&flow(&d, "other", "st:blob", Tcp, 443), false);
    // Written back out, a bare address stays bare.
    let yaml = vnetlab_core::format::to_yaml(&d.file);
    assert!(
        yaml.contains("203.0.113.7") && !yaml.contains("203.0.113.7/32"),
        "{yaml}"
    );
}

/// Two VNets linked to the private zones `corp.example.com` (with `corp` as its link settings)
/// and `privatelink.blob.core.windows.net` (with `blob`), and a storage account `ext` whose
/// private endpoint lives in a third VNet and registers in no zone of theirs.
fn zone_design(corp: &str, blob: &str) -> Design {
    design(
        "zone-links.yaml",
        &format!(
            r#"
version: 1
name: zone-links
vnets:
  a:
    address_space: [10.10.0.0/16]
    subnets:
      s: {{ prefix: 10.10.1.0/24 }}
  b:
    address_space: [10.20.0.0/16]
    subnets:
      s: {{ prefix: 10.20.1.0/24 }}
  c:
    address_space: [10.30.0.0/16]
    subnets:
      pe: {{ prefix: 10.30.1.0/24 }}
peerings:
  - {{ between: [a, b] }}
workloads:
  a-vm: {{ kind: vm, subnet: a/s }}
  b-vm: {{ kind: vm, subnet: b/s }}
services:
  ext:
    kind: storage
    private_endpoints: [{{ subnet: c/pe, group: blob }}]
dns:
  private_zones:
    corp.example.com:
      links: [a, b]
{corp}
    privatelink.blob.core.windows.net:
      links: [a, b]
{blob}
"#
        ),
    )
}

/// Private DNS per link (Microsoft, "What is a virtual network link?"): the fallback to
/// internet resolution (`resolutionPolicy: NxDomainRedirect`) is a property of the link, and so
/// is auto-registration, which "automatically registers the virtual network's virtual machines'
/// DNS records in the private zone" — other linked VNets resolve them.
#[test]
fn private_zone_links_carry_their_resolution_policy_and_auto_registration() {
    let d = zone_design("", "");
    // ext's name CNAMEs to privatelink, which the linked zone lacks: NXDOMAIN from both VNets.
    assert_allowed(&flow(&d, "a-vm", "ext:blob", Tcp, 443), false);
    assert_allowed(&flow(&d, "b-vm", "ext:blob", Tcp, 443), false);
    // No auto-registration: the VM names do not resolve.
    assert_allowed(&flow(&d, "a-vm", "b-vm.corp.example.com", Tcp, 443), false);

    let d = zone_design(
        "      link_settings:\n        b: { registration_enabled: true }",
        "      link_settings:\n        b: { resolution_policy: nx_domain_redirect }",
    );
    // Only b's link falls back to public DNS.
    let from_a = flow(&d, "a-vm", "ext:blob", Tcp, 443);
    assert_allowed(&from_a, false);
    assert!(
        from_a.hops.iter().any(|h| h.detail.contains("NXDOMAIN")),
        "{}",
        vnetlab_core::render::trace(&from_a)
    );
    let from_b = flow(&d, "b-vm", "ext:blob", Tcp, 443);
    assert_allowed(&from_b, true);
    assert!(
        from_b
            .hops
            .iter()
            .any(|h| h.detail.contains("NxDomainRedirect")),
        "{}",
        vnetlab_core::render::trace(&from_b)
    );
    // b's VMs are registered; a's are not (its link does not register).
    let t = flow(&d, "a-vm", "b-vm.corp.example.com", Tcp, 443);
    assert_allowed(&t, true);
    assert_eq!(
        t.flow.dst,
        d.workloads.iter().find(|w| w.name == "b-vm").unwrap().ip
    );
    assert_allowed(&flow(&d, "b-vm", "a-vm.corp.example.com", Tcp, 443), false);
}

/// Settings for a VNet the zone is not linked to do nothing; auto-registration of one VNet on
/// two zones is refused by Azure ("can be linked to only one private DNS zone when automatic
/// registration … is enabled"): located warnings.
#[test]
fn zone_link_settings_are_checked() {
    let text = r#"
version: 1
name: zone-warnings
vnets:
  a:
    address_space: [10.10.0.0/16]
    subnets:
      s: { prefix: 10.10.1.0/24 }
dns:
  private_zones:
    one.example.com:
      links: [a]
      link_settings:
        a: { registration_enabled: true }
    two.example.com:
      links: []
      link_settings:
        a: { registration_enabled: true }
    three.example.com:
      links: [a]
      link_settings:
        a: { registration_enabled: true }
"#;
    let loaded = vnetlab_core::load(
        "t.yaml",
        text.as_bytes(),
        &vnetlab_core::model::BuildOptions::default(),
    );
    let all: Vec<String> = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code == "zone-link")
        .map(|d| d.message.clone())
        .collect();
    assert!(loaded.design.is_some());
    assert!(
        all.iter().any(|m| m.contains(
            "zone `two.example.com` has settings for VNet `a`, which it is not linked to"
        )),
        "{all:?}"
    );
    assert!(
        all.iter().any(|m| m.contains(
            "VNet `a` has auto-registration on 2 zones (one.example.com, three.example.com)"
        )),
        "{all:?}"
    );
}
