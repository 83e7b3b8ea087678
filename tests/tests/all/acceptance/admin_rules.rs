//! Azure Virtual Network Manager security admin rules (issue #22, docs/semantics.md S10), each
//! case written from Microsoft's "Security admin rules in Azure Virtual Network Manager" and
//! the AVNM FAQ (quoted at each case).

use super::{assert_allowed, flow};
use vnetlab_core::model::Design;
use vnetlab_core::net::Protocol::{Tcp, Udp};
use vnetlab_core::trace::{Step, Trace, Verdict};
use vnetlab_tests::{design, errors};

/// One VNet with a client subnet and a server subnet whose NSG allows SSH and denies
/// everything else from the client subnet, a private endpoint behind that NSG, an Azure
/// Bastion, and the admin rules given (rule lines of one collection applied to `corp`).
fn admin_design(rules: &str) -> Design {
    design("avnm.yaml", &text(rules))
}

fn text(rules: &str) -> String {
    format!(
        r#"
version: 1
name: avnm
vnets:
  corp:
    address_space: [10.5.0.0/16]
    subnets:
      clients: {{ prefix: 10.5.1.0/24 }}
      servers: {{ prefix: 10.5.2.0/24, nsg: servers, private_endpoint_network_policies: enabled }}
      AzureBastionSubnet: {{ prefix: 10.5.0.0/26 }}
nsgs:
  servers:
    rules:
      - {{ name: ssh-from-clients, priority: 100, direction: inbound, access: allow, protocol: tcp, source: 10.5.1.0/24, destination: "*", destination_ports: [22] }}
      - {{ name: deny-clients, priority: 200, direction: inbound, access: deny, protocol: any, source: 10.5.1.0/24, destination: "*" }}
security_admin_configurations:
  corp-config:
    rule_collections:
      - name: guardrails
        vnets: [corp]
        rules:
{rules}
workloads:
  client: {{ kind: vm, subnet: corp/clients, ip: 10.5.1.4 }}
  server: {{ kind: vm, subnet: corp/servers, ip: 10.5.2.4 }}
  bastion: {{ kind: bastion, subnet: corp/AzureBastionSubnet }}
services:
  files:
    kind: storage
    public_network_access: disabled
    private_endpoints:
      - {{ subnet: corp/servers, ip: 10.5.2.10, group: blob, zones: [privatelink.blob.core.windows.net] }}
dns:
  private_zones:
    privatelink.blob.core.windows.net: {{ links: [corp] }}
"#
    )
}

/// The admin hop of a trace, if an admin rule decided.
fn admin_hop(t: &Trace) -> Option<&vnetlab_core::trace::Hop> {
    t.hops.iter().find(|h| h.step == Step::AdminRule)
}

fn nsg_evaluated(t: &Trace) -> bool {
    t.hops
        .iter()
        .any(|h| matches!(h.step, Step::NsgInbound | Step::NsgOutbound))
}

/// "With a *Deny* rule, the traffic is stopped without being delivered to the destination":
/// the NSG allows SSH from the clients, the admin rule denies it, and the trace names it.
#[test]
fn a_deny_admin_rule_stops_what_the_nsg_allows() {
    let d = admin_design(
        "          - { name: no-ssh, priority: 10, direction: inbound, access: deny, protocol: tcp, destination_ports: [22] }",
    );
    let t = flow(&d, "client", "server", Tcp, 22);
    assert_allowed(&t, false);
    let hop = admin_hop(&t).expect("the admin rule decided");
    assert!(!hop.ok);
    assert!(
        hop.detail.contains("no-ssh of corp-config/guardrails"),
        "{}",
        hop.detail
    );
    assert!(
        matches!(&t.verdict, Verdict::Denied { by } if by.contains("security admin rule no-ssh")),
        "{:?}",
        t.verdict
    );
    assert!(
        !nsg_evaluated(&t),
        "a deny ends the evaluation before the NSGs"
    );
}

/// "If you create an *Allow* rule, it's evaluated first, followed by network security group
/// rules": an admin allow does not open what the NSG denies, nor close what it allows.
#[test]
fn an_allow_admin_rule_hands_the_packet_to_the_nsgs() {
    let d = admin_design(
        "          - { name: allow-clients, priority: 10, direction: inbound, access: allow, protocol: tcp, source: 10.5.1.0/24 }",
    );
    let denied = flow(&d, "client", "server", Tcp, 443);
    assert_allowed(&denied, false);
    assert!(admin_hop(&denied).is_some_and(|h| h.ok));
    assert!(
        matches!(&denied.verdict, Verdict::Denied { by } if by.contains("NSG servers rule deny-clients")),
        "{:?}",
        denied.verdict
    );
    assert_allowed(&flow(&d, "client", "server", Tcp, 22), true);
}

/// "With an *Always Allow* rule, the traffic goes directly to the resource and terminates
/// further (and possibly conflicting) evaluation by NSG rules" — the FAQ's "security scanner
/// to always have inbound connectivity … even if there are NSG rules configured to deny".
#[test]
fn an_always_allow_admin_rule_skips_the_nsgs() {
    let d = admin_design(
        "          - { name: scanner, priority: 10, direction: inbound, access: always_allow, protocol: tcp, source: 10.5.1.4, destination_ports: [443] }",
    );
    let t = flow(&d, "client", "server", Tcp, 443);
    assert_allowed(&t, true);
    assert!(!nsg_evaluated(&t), "{}", vnetlab_core::render::trace(&t));
    // Only what the rule matches: UDP and other ports are the NSG's.
    assert_allowed(&flow(&d, "client", "server", Udp, 443), false);
    assert_allowed(&flow(&d, "client", "server", Tcp, 8443), false);
}

/// Outbound rules are evaluated at the source before its NSGs; "a deny rule with a priority of
/// 10 overrides an allow rule with a priority of 20".
#[test]
fn outbound_admin_rules_come_before_the_source_nsgs_in_priority_order() {
    let d = admin_design(
        "          - { name: no-smb-out, priority: 10, direction: outbound, access: deny, protocol: tcp, destination_ports: [445] }\n          - { name: smb-ok, priority: 20, direction: outbound, access: always_allow, protocol: tcp, destination_ports: [445] }\n          - { name: web-out, priority: 30, direction: outbound, access: always_allow, protocol: tcp, destination_ports: [443] }",
    );
    let smb = flow(&d, "client", "203.0.113.5", Tcp, 445);
    assert_allowed(&smb, false);
    assert!(admin_hop(&smb).is_some_and(|h| h.detail.contains("no-smb-out")));
    let web = flow(&d, "client", "203.0.113.5", Tcp, 443);
    assert_allowed(&web, true);
    assert!(admin_hop(&web).is_some_and(|h| h.ok && h.detail.contains("web-out")));
}

/// Equal priorities are not ordered by Microsoft's text: the deny is taken first (the reading
/// that allows less, S10).
#[test]
fn a_priority_tie_is_read_as_the_deny() {
    let d = admin_design(
        "          - { name: open, priority: 10, direction: inbound, access: always_allow, protocol: tcp, destination_ports: [22] }\n          - { name: closed, priority: 10, direction: inbound, access: deny, protocol: tcp, destination_ports: [22] }",
    );
    let t = flow(&d, "client", "server", Tcp, 22);
    assert_allowed(&t, false);
    assert!(admin_hop(&t).is_some_and(|h| h.detail.contains("closed")));
}

/// "Currently, security admin rules don't apply to Azure Private Endpoints": the deny that
/// stops HTTPS to the server does not stop HTTPS to the private endpoint in the same subnet.
#[test]
fn admin_rules_do_not_apply_to_private_endpoints() {
    let rule = "          - { name: no-https, priority: 10, direction: inbound, access: deny, protocol: tcp, destination_ports: [443] }\n          - { name: ssh, priority: 20, direction: inbound, access: allow, protocol: tcp, destination_ports: [22] }";
    let d = admin_design(rule);
    assert_allowed(&flow(&d, "client", "server", Tcp, 443), false);
    // The private endpoint is judged by the subnet NSG (network policies enabled): it denies
    // the clients on 443, but not because of the admin rule.
    let t = flow(&d, "client", "files:blob", Tcp, 443);
    assert!(
        admin_hop(&t).is_none(),
        "{}",
        vnetlab_core::render::trace(&t)
    );
    let relaxed = text(rule).replace(
        "      - { name: deny-clients, priority: 200, direction: inbound, access: deny, protocol: any, source: 10.5.1.0/24, destination: \"*\" }\n",
        "",
    );
    let d = design("avnm.yaml", &relaxed);
    assert_allowed(&flow(&d, "client", "files:blob", Tcp, 443), true);
}

/// "There are some services that don't apply security admin rules at the subnet level …
/// Azure Bastion": a deny-everything-outbound rule does not stop Bastion's sessions.
#[test]
fn azure_bastion_subnets_get_no_admin_rules() {
    let d = admin_design(
        "          - { name: nothing-out, priority: 10, direction: outbound, access: deny }",
    );
    assert_allowed(&flow(&d, "client", "server", Tcp, 22), false);
    let t = flow(&d, "bastion", "server", Tcp, 22);
    assert_allowed(&t, true);
}

/// "Source and destination types: IP addresses … Service Tag": an application security group
/// is an error, as are a priority outside 1..4096 and a collection naming an unknown VNet.
#[test]
fn admin_rules_are_checked_when_loaded() {
    let bad = text(
        "          - { name: a, priority: 0, direction: inbound, access: deny, source: \"asg:web\" }",
    )
    .replace("vnets: [corp]", "vnets: [corp, nowhere]");
    let errs = errors(&bad);
    for want in [
        "priority 0 is outside 1..4096",
        "cannot name an application security group",
        "no VNet named `nowhere`",
    ] {
        assert!(errs.iter().any(|e| e.contains(want)), "{want}: {errs:?}");
    }
    let bad = text("          - { name: a, priority: 5, direction: inbound, access: block }");
    assert!(
        errors(&bad)
            .iter()
            .any(|e| e.contains("`block` is not one of allow | deny | always_allow")),
        "{:?}",
        errors(&bad)
    );
}

/// `vnetlab rules` lists a workload's admin rules before its NSGs, as the tracer applies them;
/// none for a subnet Microsoft exempts (Azure Bastion's).
#[test]
fn effective_rules_list_the_admin_rules_first() {
    let d = admin_design(
        "          - { name: no-ssh, priority: 10, direction: inbound, access: deny, protocol: tcp, destination_ports: [22] }",
    );
    let rows = vnetlab_core::render::rule_rows(&d, d.workload_by_name("server").expect("server"));
    let first = &rows[0];
    assert_eq!(
        (
            first.level.as_str(),
            first.nsg.as_str(),
            first.name.as_str(),
            first.access.as_str()
        ),
        ("security admin", "corp-config/guardrails", "no-ssh", "deny")
    );
    assert!(rows.iter().skip(1).all(|r| r.level != "security admin"));
    let bastion =
        vnetlab_core::render::rule_rows(&d, d.workload_by_name("bastion").expect("bastion"));
    assert!(
        bastion.iter().all(|r| r.level != "security admin"),
        "{bastion:?}"
    );
}
