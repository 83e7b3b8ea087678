//! Issue #12, pinned decisions P18–P20: what blocks analysis, real service-tag names and ASGs
//! across VNets. Each case quotes the Microsoft text it follows and says which located
//! diagnostics the file gets and whether the design is analysed.

use vnetlab_core::diag::Severity;
use vnetlab_core::model::BuildOptions;

/// One case: (decision, Microsoft's words, file body after the header, the diagnostics
/// expected as `line:col severity code`, whether a design is built and analysed).
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    bool,
);

const HEADER: &str = "version: 1\nname: t\n";

const CASES: &[Case] = &[
    (
        "P18: a /27 AzureBastionSubnet warns and is analysed",
        "\"For Azure Bastion resources deployed on or after November 2, 2021, the minimum \
         AzureBastionSubnet size is /26 or larger (/25, /24, etc.). All Azure Bastion resources \
         deployed in subnets of size /27 prior to this date are unaffected by this change and \
         will continue to work\" (Azure Bastion configuration settings)",
        "vnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      AzureBastionSubnet: { prefix: 10.0.1.0/27 }\n      work: { prefix: 10.0.2.0/24 }\nworkloads:\n  bastion: { kind: bastion, subnet: v/AzureBastionSubnet, public_ip: standard }\n  vm: { kind: vm, subnet: v/work }\n",
        &["7:37 warning subnet-size"],
        true,
    ),
    (
        "P18: a /26 AzureBastionSubnet is quiet",
        "\"Subnet size must be /26 or larger (/25, /24 etc.).\" (Azure Bastion configuration \
         settings)",
        "vnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      AzureBastionSubnet: { prefix: 10.0.1.0/26 }\nworkloads:\n  bastion: { kind: bastion, subnet: v/AzureBastionSubnet, public_ip: standard }\n",
        &[],
        true,
    ),
    (
        "P18: a /27 AzureFirewallSubnet is a deployment rule: a warning, and analysed",
        "Azure Firewall needs a dedicated AzureFirewallSubnet of /26 (Azure Firewall FAQ, \
         \"Why does Azure Firewall need a /26 subnet size?\"); Azure enforces it when the \
         firewall is deployed",
        "vnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      AzureFirewallSubnet: { prefix: 10.0.1.0/27 }\nfirewalls:\n  fw: { kind: azure_firewall, subnet: v/AzureFirewallSubnet }\n",
        &["7:38 warning subnet-size"],
        true,
    ),
    (
        "P18: a private range in a PaaS IP rule is refused by Azure: a warning, no effect",
        "\"IP network rules are only allowed for public IP addresses. IP address ranges reserved \
         for private networks (as defined in RFC 1918) aren't allowed in IP rules.\" (Azure \
         Storage network security, D)",
        "services:\n  st:\n    kind: storage\n    ip_rules: [10.0.0.0/8, 203.0.113.0/24]\n",
        &["6:16 warning ip-rule"],
        true,
    ),
    (
        "P18: several service tags in one NSG rule side are refused by Azure: a warning",
        "\"you can't specify multiple service tags or application groups\" (augmented security \
         rules, Network security groups overview)",
        "nsgs:\n  n:\n    rules:\n      - { name: r, priority: 100, direction: inbound, access: allow, source: [Storage, AzureKeyVault] }\n",
        &["6:79 warning augmented-rule"],
        true,
    ),
    (
        "P18: a service tag as an Azure Firewall source is refused by Azure: a warning",
        "Azure Firewall rules take service tags as destinations (F1)",
        "vnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      AzureFirewallSubnet: { prefix: 10.0.1.0/26 }\nfirewalls:\n  fw:\n    kind: azure_firewall\n    subnet: v/AzureFirewallSubnet\n    rule_collection_groups:\n      - name: g\n        priority: 100\n        collections:\n          - { name: c, kind: network, priority: 100, action: allow, rules: [{ name: r, source: [Storage], destination: ['*'] }] }\n",
        &["16:97 warning firewall-tag"],
        true,
    ),
    (
        "P18: overlapping subnets leave the model undefined: an error, not analysed",
        "\"only a problem that leaves the model undefined (syntax, types, dangling references, \
         overlapping address plans) stops analysis\" (P18)",
        "vnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      a: { prefix: 10.0.0.0/24 }\n      b: { prefix: 10.0.0.128/25 }\n",
        &["8:20 error subnet-overlap"],
        false,
    ),
    (
        "P20: an ASG with network interfaces in two VNets is a located error",
        "\"All network interfaces assigned to an application security group have to exist in the \
         same virtual network that the first network interface assigned to the application \
         security group is in.\" (Application security groups)",
        "vnets:\n  a:\n    address_space: [10.1.0.0/16]\n    subnets:\n      s: { prefix: 10.1.1.0/24 }\n  b:\n    address_space: [10.2.0.0/16]\n    subnets:\n      s: { prefix: 10.2.1.0/24 }\nworkloads:\n  vm1: { kind: vm, subnet: a/s, asgs: [web] }\n  vm2: { kind: vm, subnet: b/s, asgs: [web] }\n",
        &["14:40 error asg-vnet"],
        false,
    ),
    (
        "P20: one rule naming source and destination ASGs of different VNets is a located error",
        "\"If you specify an application security group as the source and destination in a \
         security rule, the network interfaces in both application security groups must exist \
         in the same virtual network.\" (Application security groups)",
        "vnets:\n  a:\n    address_space: [10.1.0.0/16]\n    subnets:\n      s: { prefix: 10.1.1.0/24, nsg: n }\n  b:\n    address_space: [10.2.0.0/16]\n    subnets:\n      s: { prefix: 10.2.1.0/24 }\npeerings:\n  - between: [a, b]\nworkloads:\n  app: { kind: vm, subnet: a/s, asgs: [app] }\n  db: { kind: vm, subnet: b/s, asgs: [db] }\nnsgs:\n  n:\n    rules:\n      - { name: app-to-db, priority: 100, direction: outbound, access: allow, source: 'asg:app', destination: 'asg:db' }\n",
        &["20:9 error asg-vnet"],
        false,
    ),
    (
        "P20: ASGs of one VNet on both sides are valid",
        "\"the network interfaces in both application security groups must exist in the same \
         virtual network\" (Application security groups)",
        "vnets:\n  a:\n    address_space: [10.1.0.0/16]\n    subnets:\n      s: { prefix: 10.1.1.0/24, nsg: n }\n      t: { prefix: 10.1.2.0/24 }\nworkloads:\n  app: { kind: vm, subnet: a/s, asgs: [app] }\n  db: { kind: vm, subnet: a/t, asgs: [db] }\nnsgs:\n  n:\n    rules:\n      - { name: app-to-db, priority: 100, direction: outbound, access: allow, source: 'asg:app', destination: 'asg:db' }\n",
        &[],
        true,
    ),
];

#[test]
fn validation_follows_p18_and_p20() {
    let mut problems = Vec::new();
    for (what, quote, body, expected, analysed) in CASES {
        let text = format!("{HEADER}{body}");
        let loaded = vnetlab_core::load("t.yaml", text.as_bytes(), &BuildOptions::default());
        let got: Vec<String> = loaded
            .diagnostics
            .iter()
            .map(|d| {
                let sev = match d.severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                format!("{}:{} {sev} {}", d.span.line, d.span.col, d.code)
            })
            .collect();
        if got != *expected || loaded.design.is_some() != *analysed {
            problems.push(format!(
                "{what}\n  Microsoft: {quote}\n  expected {expected:?}, analysed: {analysed}\n  got {got:?}, analysed: {}\n  {:#?}",
                loaded.design.is_some(),
                loaded.diagnostics
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The Bastion warning names the /26 requirement and the analysis goes on: the Bastion still
/// takes HTTPS from the internet (docs/semantics.md, decision 18).
#[test]
fn a_slash_27_bastion_is_analysed_and_the_warning_names_slash_26() {
    let text = format!("{HEADER}{}", CASES[0].2);
    let loaded = vnetlab_core::load("t.yaml", text.as_bytes(), &BuildOptions::default());
    let w = &loaded.diagnostics[0];
    assert!(w.message.contains("/26 or larger"), "{}", w.message);
    assert!(w.help.as_deref().unwrap_or("").contains("/26"));
    let d = loaded.design.expect("analysed");
    let t = super::flow(
        &d,
        "internet",
        "bastion",
        vnetlab_core::net::Protocol::Tcp,
        443,
    );
    super::assert_allowed(&t, true);
}

/// The bundled quickstart layout (a /27 AzureBastionSubnet, Bastion rules naming
/// `GatewayManager`) loads without `--service-tags`, with the one warning about the Bastion
/// subnet, and is analysed.
#[test]
fn the_quickstart_layout_loads_with_one_located_warning() {
    let rel = "topologies/aml-quickstart-bastion27.yaml";
    let text = std::fs::read_to_string(vnetlab_tests::root().join(rel)).expect("bundled");
    let loaded = vnetlab_core::load(rel, text.as_bytes(), &BuildOptions::default());
    let got: Vec<(u32, &str, Severity)> = loaded
        .diagnostics
        .iter()
        .map(|d| (d.span.line, d.code, d.severity))
        .collect();
    let line = text
        .lines()
        .position(|l| l.contains("192.168.250.0/27"))
        .expect("the /27") as u32
        + 1;
    assert_eq!(got, [(line, "subnet-size", Severity::Warning)]);
    assert!(loaded.design.is_some());
}
