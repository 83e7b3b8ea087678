//! Issue #12 point 9: the audit agrees with the trace. Each case says what Microsoft documents
//! (or which pinned decision holds) and checks the audit against tracing the same design.

use std::collections::BTreeSet;
use vnetlab_core::aml::{self, AuditReport, fix::Patch};
use vnetlab_core::diag::Severity;
use vnetlab_core::model::{BuildOptions, Design};
use vnetlab_core::trace::Step;
use vnetlab_tests::{design, root, topology_files};

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).expect("bundled file")
}

fn broken(r: &AuditReport) -> usize {
    r.flows.iter().filter(|f| !f.works).count()
}

/// An AKS inference cluster with a Standard public IP, and the NSG of its subnet.
fn aks_with_public_ip(inbound_rule: &str) -> Design {
    design(
        "aks.yaml",
        &format!(
            r#"
version: 1
name: aks-public-ip
vnets:
  ml:
    address_space: [10.1.0.0/16]
    subnets:
      inference: {{ prefix: 10.1.4.0/22, nsg: inference-nsg }}
nsgs:
  inference-nsg:
    rules: [{inbound_rule}]
workloads:
  scoring-aks: {{ kind: aks, subnet: ml/inference, public_ip: standard, workspace: mlws }}
services:
  mlws: {{ kind: ml_workspace }}
"#
        ),
    )
}

/// AML-INFERENCE-PUBLIC follows the trace: Microsoft's Standard public IP is "closed to inbound
/// traffic" unless a network security group allows it (A4, P1), so an AKS public IP that no
/// rule opens is not a public scoring endpoint; one that a rule opens is, with the trace as
/// its witness.
#[test]
fn inference_public_only_where_the_trace_delivers() {
    // (inbound rule of the subnet NSG, whether the internet is traced delivered on 443)
    const CASES: &[(&str, bool)] = &[
        ("", false),
        (
            "{ name: vnet-only, priority: 100, direction: inbound, access: allow, protocol: tcp, source: VirtualNetwork, destination_ports: 443 }",
            false,
        ),
        (
            "{ name: scoring, priority: 100, direction: inbound, access: allow, protocol: tcp, source: Internet, destination_ports: 443 }",
            true,
        ),
    ];
    for &(rule, open) in CASES {
        let d = aks_with_public_ip(rule);
        let t = super::flow(
            &d,
            "internet",
            "scoring-aks",
            vnetlab_core::net::Protocol::Tcp,
            443,
        );
        assert_eq!(t.verdict.allowed(), open, "{rule}");
        let r = aml::audit(&d);
        let f = r.findings.iter().find(|f| f.id == "AML-INFERENCE-PUBLIC");
        assert_eq!(f.is_some(), open, "{rule}: {:?}", r.findings);
        if let Some(f) = f {
            assert_eq!(f.witness.as_deref(), Some("internet → scoring-aks tcp/443"));
            assert!(f.trace.as_ref().is_some_and(|t| t.verdict.allowed()));
        }
    }
}

/// `vnetlab rules --workload` shows every NSG the tracer applies to the workload: with a
/// public-IP compute, the one Azure ML creates ("This NSG allows inbound TCP traffic on port
/// 44224 from the `AzureMachineLearning` service tag", E1).
#[test]
fn effective_rules_list_every_nsg_the_trace_applies() {
    let mut checked = 0;
    for rel in topology_files() {
        let d = vnetlab_tests::design_file(&rel);
        for (i, w) in d.workloads.iter().enumerate() {
            let listed: BTreeSet<String> =
                vnetlab_core::render::rule_rows(&d, vnetlab_core::model::WorkloadId(i as u32))
                    .into_iter()
                    .map(|r| r.nsg)
                    .collect();
            for from in ["service:AzureMachineLearning", "internet"] {
                let Ok(t) = vnetlab_core::trace(
                    &d,
                    &vnetlab_core::trace::FlowQuery {
                        from: from.into(),
                        to: w.name.clone(),
                        protocol: vnetlab_core::net::Protocol::Tcp,
                        port: 44224,
                    },
                ) else {
                    continue;
                };
                for h in t.hops.iter().filter(|h| h.step == Step::NsgInbound) {
                    // The hops that name an NSG: the design's, or the one Azure ML creates.
                    let Some(nsg) = h.at.split(" (").next().filter(|n| {
                        d.nsgs.iter().any(|x| &x.name == n) || n.ends_with("-auto-nsg")
                    }) else {
                        continue;
                    };
                    assert!(
                        listed.contains(nsg),
                        "{rel}: the trace {from} → {} applies {nsg}, rules lists {listed:?}",
                        w.name
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 0, "some trace applies an NSG");
    // The public-IP trainer of aml-public-default: the NSG Azure ML creates is listed.
    let d = vnetlab_tests::design_file("topologies/aml-public-default.yaml");
    let w = d.workload_by_name("trainer").expect("trainer");
    let text = vnetlab_core::render::rules(&d, w);
    assert!(
        text.contains("trainer-auto-nsg") && text.contains("AllowAzureMachineLearning"),
        "{text}"
    );
}

/// Applies every fix of a report in order and audits the result.
fn apply_all(d: &Design, r: &AuditReport) -> (Vec<Patch>, AuditReport) {
    let patches: Vec<Patch> = r
        .flows
        .iter()
        .filter_map(|f| f.fix.as_ref())
        .filter_map(|x| x.patch.clone())
        .collect();
    let mut file = d.file.clone();
    for p in &patches {
        p.apply(&mut file).expect("a fix applies");
    }
    let loaded = vnetlab_core::rebuild(&d.name, &file, &BuildOptions::default());
    let errors: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|x| x.severity == Severity::Error)
        .collect();
    assert!(
        errors.is_empty(),
        "the fixes together are invalid: {errors:#?}"
    );
    (patches, aml::audit(&loaded.design.expect("valid")))
}

/// Several fixes for one NSG compose: distinct rule names, distinct priorities per direction
/// (Azure: "You can't create two security rules with the same priority and direction", and a
/// rule name is "unique ... within the network security group", A1), and the design with all
/// of them applied is valid and every required flow works. With the blocking deny at priority
/// 100 there is no number above it: the fix takes 100 and moves the deny down.
#[test]
fn fixes_compose_and_handle_a_deny_at_priority_100() {
    let strict = read("topologies/broken/aml-nsg-too-strict.yaml");
    let at_100 = strict.replacen(
        "{ name: deny-all-out, priority: 4000",
        "{ name: deny-all-out, priority: 100",
        1,
    );
    assert_ne!(strict, at_100);
    for (what, text) in [("deny at 4000", &strict), ("deny at 100", &at_100)] {
        let d = design("t.yaml", text);
        let r = aml::audit(&d);
        assert!(broken(&r) >= 3, "{what}: several broken flows");
        assert!(
            r.flows
                .iter()
                .filter(|f| !f.works)
                .all(|f| f.fix.as_ref().is_some_and(|x| x.verified)),
            "{what}: every broken flow has a verified fix"
        );
        let (patches, after) = apply_all(&d, &r);
        let mut names = BTreeSet::new();
        let mut prios = BTreeSet::new();
        for p in &patches {
            if let Patch::NsgRule { nsg, rule, .. } = p {
                assert!(
                    names.insert((nsg.clone(), rule.name.value.clone())),
                    "{what}: {p:?}"
                );
                assert!(
                    prios.insert((nsg.clone(), rule.direction, rule.priority.value)),
                    "{what}: {p:?}"
                );
            }
        }
        assert!(names.len() >= 3, "{what}: {patches:?}");
        assert_eq!(
            broken(&after),
            0,
            "{what}: {}",
            aml::render::audit(&after, false)
        );
    }
    let d = design("t.yaml", &at_100);
    let r = aml::audit(&d);
    let first = r.flows.iter().find_map(|f| f.fix.as_ref()).expect("a fix");
    assert!(
        first.change.contains("priority 100")
            && first.change.contains("moving deny-all-out to 101"),
        "{}",
        first.change
    );
}

/// A FortiGate identity policy naming a group no client holds (`ml-engineerz`) is a located
/// warning with the closest group, and the audit is not cleaner for it: the clients it was
/// meant for keep their required flows, now broken (F4: an identity policy matches only
/// authenticated members of its groups).
#[test]
fn a_policy_group_nobody_holds_warns_and_does_not_clean_the_audit() {
    let good = read("topologies/aml-fortigate-identity.yaml");
    let typo = good.replacen("groups: [ml-engineers]\n", "groups: [ml-engineerz]\n", 1);
    assert_ne!(good, typo);
    let loaded = vnetlab_core::load("t.yaml", typo.as_bytes(), &BuildOptions::default());
    let w = loaded
        .diagnostics
        .iter()
        .find(|x| x.code == "policy-group")
        .expect("a warning");
    assert_eq!(w.severity, Severity::Warning);
    let line = typo
        .lines()
        .position(|l| l.contains("ml-engineerz"))
        .expect("the typo") as u32
        + 1;
    assert_eq!(w.span.line, line);
    assert_eq!(w.help.as_deref(), Some("did you mean `ml-engineers`?"));
    let before = aml::audit(&design("good.yaml", &good));
    let after = aml::audit(&loaded.design.expect("analysed"));
    assert!(broken(&after) > broken(&before));
    assert!(after.flows.len() >= before.flows.len());
    assert!(
        after
            .flows
            .iter()
            .any(|f| f.flow.from == "engineer-laptop" && !f.works)
    );
}

/// The resource type each cited rule of another tool checks (docs/aml.md).
fn checks(reference: &str) -> &'static str {
    match reference {
        "Azure.Storage.Firewall" | "CKV_AZURE_59" | "CKV_AZURE_35" => "storage",
        "CKV_AZURE_189" => "key_vault",
        "CKV_AZURE_139" => "container_registry",
        "Azure.ML.ComputeVnet" => "compute",
        "Azure.NSG.AnyInboundSource" => "nsg",
        "Azure.AppGw.UseWAF"
        | "Azure.AppGw.WAFEnabled"
        | "Azure.AppGw.Prevention"
        | "Azure.AppGwWAF.PreventionMode"
        | "CKV_AZURE_120" => "app_gateway",
        "Azure.AKS.AuthorizedIPs" | "CKV_AZURE_6" | "CKV_AZURE_115" => "aks",
        _ => "ml_workspace",
    }
}

/// Every finding of every bundled design carries a witness or names its element and file line,
/// and "see also" cites only rules about the same resource type as that element.
#[test]
fn every_finding_is_located_and_cites_rules_about_its_resource_type() {
    let mut seen = 0;
    for rel in topology_files() {
        let d = vnetlab_tests::design_file(&rel);
        for f in aml::audit(&d).findings {
            assert!(
                f.witness.is_some() || f.at.as_ref().is_some_and(|a| a.line > 0),
                "{rel}: {} has neither a witness nor a location",
                f.id
            );
            let at =
                f.at.as_ref()
                    .unwrap_or_else(|| panic!("{rel}: {} {:?} is not located", f.id, f.resources));
            let (kind, name) = at.element.split_once(' ').expect("KIND NAME");
            let subject = match kind {
                "workload" => {
                    let w = &d.workloads[d.workload_by_name(name).expect("workload").ix()];
                    match w.kind.as_str() {
                        "compute_instance" | "compute_cluster" => "compute",
                        other => other,
                    }
                }
                "service" => d.services[d.service_by_name(name).expect("service").ix()]
                    .kind
                    .as_str(),
                "NSG" => "nsg",
                other => other,
            };
            for r in &f.references {
                assert_eq!(
                    checks(r.id),
                    subject,
                    "{rel}: {} about {} cites {}",
                    f.id,
                    at.element,
                    r.id
                );
                seen += 1;
            }
        }
    }
    assert!(seen > 0);
}
