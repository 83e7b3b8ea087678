//! Issue #14's one element vocabulary: every hop of every trace names, as data, an element the
//! design holds and — for the decisions a rule, route or policy makes — the element that
//! decided, which the design holds too and which agrees with the hop's own explanation.

use vnetlab_core::model::{Design, ElementRef};
use vnetlab_core::net::Protocol;
use vnetlab_core::trace::{FlowQuery, Hop, Step, Trace, trace};
use vnetlab_tests::{design_file, topology_files};

/// The flows of a design: its single-flow expectations, and every workload to every other
/// workload and service on HTTPS and SSH (allowed and denied ones alike).
fn flows(d: &Design) -> Vec<FlowQuery> {
    let mut out = Vec::new();
    for e in &d.expectations {
        let port = e.ports.ranges().first().map_or(443, |r| r.lo);
        out.push(FlowQuery {
            from: e.from.clone(),
            to: e.to.clone(),
            protocol: e.protocol.unwrap_or(Protocol::Tcp),
            port,
        });
    }
    let names: Vec<String> = d.workloads.iter().map(|w| w.name.clone()).collect();
    let services: Vec<String> = d.services.iter().map(|s| s.name.clone()).collect();
    for from in &names {
        for to in names.iter().chain(&services) {
            if from == to {
                continue;
            }
            for port in [443, 22] {
                out.push(FlowQuery {
                    from: from.clone(),
                    to: to.clone(),
                    protocol: Protocol::Tcp,
                    port,
                });
            }
        }
    }
    out
}

/// What is wrong with one hop's elements, if anything.
fn check_hop(d: &Design, h: &Hop) -> Option<String> {
    if !h.element.exists_in(d) {
        return Some(format!("element {} is not in the design", h.element.id()));
    }
    if let Some(by) = &h.decided_by
        && !by.exists_in(d)
    {
        return Some(format!("decided_by {} is not in the design", by.id()));
    }
    let by = h.decided_by.as_ref();
    let fits = match h.step {
        // An NSG hop's rule is the one the explanation names.
        Step::NsgInbound | Step::NsgOutbound if h.at.contains(" (") => matches!(
            by,
            Some(ElementRef::NsgRule { nsg, rule })
                if h.at.starts_with(nsg.as_str()) && h.detail.contains(rule.as_str())
        ),
        // A route chosen from the effective routes is a user or system route, at the subnet.
        Step::Route if h.detail.contains(" matches ") => {
            matches!(
                by,
                Some(ElementRef::Route { .. } | ElementRef::SystemRoute { .. })
            ) && matches!(&h.element, ElementRef::Subnet(s) if *s == h.at)
        }
        // A firewall decides by a rule, a policy or a setting of its own.
        Step::Firewall => by.is_some_and(|b| {
            matches!(
                b.owner(),
                ElementRef::Firewall(_)
                    | ElementRef::FirewallRule { .. }
                    | ElementRef::FirewallPolicy { .. }
                    | ElementRef::Workload(_)
                    | ElementRef::Service(_)
            )
        }),
        // The service firewall: the private endpoint or a setting of the service or endpoint;
        // nothing listening on the port is no element's decision.
        Step::ServiceFirewall
            if h.detail.contains("does not listen") || h.detail.contains("(TCP 443) only") =>
        {
            by.is_none()
        }
        Step::ServiceFirewall => by.is_some(),
        Step::Peering => matches!(&h.element, ElementRef::Peering { .. }),
        _ => true,
    };
    (!fits).then(|| {
        format!(
            "{:?} hop at {} ({}) decided by {:?}",
            h.step,
            h.element.id(),
            h.detail,
            by.map(ElementRef::id)
        )
    })
}

#[test]
fn every_hop_names_the_element_it_happened_at_and_what_decided() {
    let mut problems = Vec::new();
    let (mut hops, mut decided) = (0usize, 0usize);
    for file in topology_files() {
        let d = design_file(&file);
        for q in flows(&d) {
            let Ok(t): Result<Trace, _> = trace(&d, &q) else {
                continue;
            };
            for h in &t.hops {
                hops += 1;
                decided += usize::from(h.decided_by.is_some());
                if let Some(p) = check_hop(&d, h) {
                    problems.push(format!("{file}: {} → {}: {p}", q.from, q.to));
                }
            }
        }
    }
    problems.truncate(20);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        hops > 1000 && decided > hops / 3,
        "too few hops ({hops}, {decided} decided) to say anything"
    );
}

#[test]
fn hop_elements_are_additive_json_ids() {
    let d = design_file("topologies/aml-private-endpoints.yaml");
    let t = trace(
        &d,
        &FlowQuery {
            from: "trainer".into(),
            to: "mlstore:blob".into(),
            protocol: Protocol::Tcp,
            port: 443,
        },
    )
    .expect("a flow");
    let json = serde_json::to_value(&t).expect("serialisable");
    let hops = json["hops"].as_array().expect("hops");
    let nsg = hops
        .iter()
        .find(|h| h["step"] == "nsg_outbound")
        .expect("an NSG hop");
    // The keys a hop always had are still there, with the two new ones.
    for key in ["at", "step", "ok", "detail", "element", "decided_by"] {
        assert!(nsg.get(key).is_some(), "{key} missing from {nsg}");
    }
    assert_eq!(nsg["element"], "subnet:ml/training");
    assert_eq!(nsg["decided_by"], "nsg:training-nsg/rule:AllowVnetOutBound");
    let deliver = hops
        .iter()
        .find(|h| h["step"] == "deliver")
        .expect("delivery");
    assert_eq!(deliver["element"], "service:mlstore");
    assert!(deliver["decided_by"].is_null());
}

#[test]
fn findings_name_their_element_as_data() {
    let mut located = 0;
    for file in topology_files() {
        let d = design_file(&file);
        for f in vnetlab_core::aml::audit(&d).findings {
            let Some(at) = &f.at else { continue };
            let e = f.element().expect("a finding's place is an element");
            assert!(e.exists_in(&d), "{file}: {} {}", f.id, e.id());
            // The text the report shows is the element as users write it.
            assert_eq!(at.element, e.to_string(), "{file}: {}", f.id);
            located += 1;
        }
    }
    assert!(located > 10, "only {located} findings with an element");
}

#[test]
fn outline_items_and_their_edits_name_the_same_elements() {
    let mut edits = 0;
    for file in topology_files() {
        let d = design_file(&file);
        for it in vnetlab_core::outline::outline(&d) {
            let Some(e) = &it.element else {
                assert_eq!(
                    it.target,
                    vnetlab_core::outline::Target::Section,
                    "{file}: {}",
                    it.key
                );
                continue;
            };
            assert!(e.exists_in(&d), "{file}: {} is not in the design", e.id());
            for edit in it.toggle.iter().chain(&it.remove) {
                assert_eq!(&edit.element(&d), e, "{file}: {edit}");
                edits += 1;
            }
        }
    }
    assert!(edits > 50, "only {edits} edits");
}

#[test]
fn matrix_rows_are_elements_of_the_design() {
    use vnetlab_core::reach::matrix::{MatrixBy, matrix};
    let d = design_file("topologies/aml-private-endpoints.yaml");
    for by in [MatrixBy::Subnet, MatrixBy::Workload] {
        let m = matrix(&d, by, &[(Protocol::Tcp, 443)]);
        assert!(!m.names.is_empty());
        for i in 0..m.names.len() {
            let e = m.element(i);
            assert!(e.exists_in(&d), "{}", e.id());
        }
        let (a, b) = m.cell_elements(0, m.names.len() - 1);
        assert_eq!((a, b), (m.element(0), m.element(m.names.len() - 1)));
    }
}
