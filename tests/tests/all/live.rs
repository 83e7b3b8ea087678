//! The matrix kept up to date edit by edit ([`LiveMatrix`]) equals the matrix of the edited
//! design computed from scratch, and the cells an update reports are exactly the cells that
//! changed: over every single edit of every bundled topology applied one after another, on a
//! generated hub-and-spoke design, and on random designs with random edits.

use proptest::prelude::*;
use vnetlab_core::model::{BuildOptions, Design};
use vnetlab_core::net::Protocol;
use vnetlab_core::reach::live::{CellUpdate, LiveMatrix};
use vnetlab_core::reach::matrix::{Matrix, MatrixBy, matrix};
use vnetlab_core::session::Session;
use vnetlab_core::testing::random_designs;
use vnetlab_core::whatif::{Edit, single_edits};
use vnetlab_tests::{design_file, topology_files};

const PORTS: &[(Protocol, u16)] = &[
    (Protocol::Tcp, 22),
    (Protocol::Udp, 53),
    (Protocol::Tcp, 443),
    (Protocol::Tcp, 445),
    (Protocol::Tcp, 1500),
    (Protocol::Tcp, 5001),
    (Protocol::Icmp, 0),
];

/// Every cell that differs between two matrices of the same subnets.
fn changed(before: &Matrix, after: &Matrix) -> Vec<CellUpdate> {
    let n = after.names.len();
    let mut out = Vec::new();
    for row in 0..n {
        for column in 0..n {
            for port in 0..PORTS.len() {
                let (b, a) = (
                    before.cell(row, column, port),
                    after.cell(row, column, port),
                );
                if a != b {
                    out.push(CellUpdate {
                        row,
                        column,
                        port,
                        before: b,
                        after: a,
                    });
                }
            }
        }
    }
    out
}

/// What following the edits in order showed: rows recomputed by rule edits, and rows the
/// matrix has times the number of rule edits (what recomputing everything would have cost).
#[derive(Default)]
struct Followed {
    rule_rows: usize,
    rule_rows_if_full: usize,
    /// Per edit kind, the fewest rows and columns one of its edits recomputed (rows +
    /// columns), and the subnets the design has.
    least: std::collections::BTreeMap<String, (usize, usize)>,
}

/// Applies the edits one after another to one live matrix, comparing it after each with the
/// matrix of the edited design from scratch. Edits the design refuses are skipped.
fn follow(mut d: Design, edits: &[Edit]) -> Result<Followed, String> {
    let opts = BuildOptions::default();
    let mut live = LiveMatrix::new(&d, PORTS);
    let mut seen = Followed::default();
    for e in edits {
        let before = live.matrix().clone();
        let Ok(update) = live.apply_edit(&mut d, e, &opts) else {
            continue;
        };
        let want = matrix(&d, MatrixBy::Subnet, PORTS);
        if want.names != live.matrix().names {
            return Err(format!("after {e}: the subnets differ"));
        }
        let expected = changed(&before, &want);
        let got = changed(&before, live.matrix());
        if got != expected {
            let first = got
                .iter()
                .zip(&expected)
                .find(|(g, w)| g != w)
                .map(|(g, w)| format!("live {g:?}, from scratch {w:?}"))
                .unwrap_or_else(|| {
                    format!("{} cells live, {} from scratch", got.len(), expected.len())
                });
            return Err(format!("after {e}: the live matrix differs: {first}"));
        }
        if update.cells != expected {
            return Err(format!(
                "after {e}: the update reports {} changed cells, {} changed",
                update.cells.len(),
                expected.len()
            ));
        }
        if matches!(
            e,
            Edit::RemoveNsgRule { .. } | Edit::FlipNsgRuleAccess { .. }
        ) {
            seen.rule_rows += update.rows_recomputed;
            seen.rule_rows_if_full += d.subnets.len();
        }
        let work = update.rows_recomputed + update.columns_recomputed;
        let least = seen
            .least
            .entry(kind(e))
            .or_insert((usize::MAX, d.subnets.len()));
        least.0 = least.0.min(work);
    }
    Ok(seen)
}

/// A random design and the single edits `picks` choose of it, in order (`None`: it has none).
fn random_case(yaml: &str, picks: &[proptest::sample::Index]) -> Option<(Design, Vec<Edit>)> {
    let l = vnetlab_core::load("random.yaml", yaml.as_bytes(), &BuildOptions::default());
    let d = l
        .design
        .unwrap_or_else(|| panic!("generated design is invalid:\n{yaml}"));
    let all = single_edits(&d.file);
    if all.is_empty() {
        return None;
    }
    let edits = picks
        .iter()
        .map(|i| all[i.index(all.len())].clone())
        .collect();
    Some((d, edits))
}

#[test]
fn a_live_matrix_follows_every_single_edit_of_every_bundled_topology() {
    let mut failures = Vec::new();
    for file in topology_files() {
        let d = design_file(&file);
        let edits = single_edits(&d.file);
        // Flips first (they keep the rule for the removal that follows), then the rest.
        let (mut flips, rest): (Vec<Edit>, Vec<Edit>) = edits
            .into_iter()
            .partition(|e| matches!(e, Edit::FlipNsgRuleAccess { .. }));
        flips.extend(rest);
        // The apps also offer flipping a service's default action.
        flips.extend(
            d.file
                .services
                .keys()
                .map(|s| Edit::FlipDefaultAction { service: s.clone() }),
        );
        if let Err(e) = follow(d, &flips) {
            failures.push(format!("{file}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn rule_edits_on_a_hub_and_spoke_design_recompute_few_rows() {
    let yaml = vnetlab_core::generate::generate(vnetlab_core::generate::Workload::T1, 7);
    let d = vnetlab_core::load("t1.yaml", yaml.as_bytes(), &BuildOptions::default())
        .design
        .expect("T1 is valid");
    let edits: Vec<Edit> = single_edits(&d.file)
        .into_iter()
        .filter(|e| {
            matches!(
                e,
                Edit::RemoveNsgRule { .. } | Edit::FlipNsgRuleAccess { .. }
            )
        })
        .step_by(7)
        .collect();
    assert!(edits.len() > 20);
    let seen = follow(d, &edits).unwrap_or_else(|e| panic!("{e}"));
    // Each T1 rule names one /24 source: a rule edit recomputes the rows of that subnet only.
    assert!(
        seen.rule_rows * 10 < seen.rule_rows_if_full,
        "{} rows recomputed, {} if every edit recomputed everything",
        seen.rule_rows,
        seen.rule_rows_if_full
    );
}

/// Each wiring edit kind is followed in place on a hub-and-spoke design: some edit of each
/// kind recomputes a few rows and columns, not the whole matrix (and every one of them gives
/// the matrix from scratch).
#[test]
fn wiring_edits_on_a_hub_and_spoke_design_recompute_few_rows_and_columns() {
    let yaml = vnetlab_core::generate::generate(vnetlab_core::generate::Workload::T1, 7);
    let d = vnetlab_core::load("t1.yaml", yaml.as_bytes(), &BuildOptions::default())
        .design
        .expect("T1 is valid");
    let wiring = [
        "RemoveRoute",
        "DetachRouteTable",
        "DetachSubnetNsg",
        "RemovePeering",
        "FlipPeeringFlag",
        "RemoveZoneLink",
    ];
    let all = single_edits(&d.file);
    // Up to 8 edits of each kind, spread over its list.
    let edits: Vec<Edit> = wiring
        .iter()
        .flat_map(|k| {
            let of_kind: Vec<&Edit> = all.iter().filter(|e| kind(e) == *k).collect();
            let step = (of_kind.len() / 8).max(1);
            of_kind.into_iter().step_by(step).take(8).cloned()
        })
        .collect();
    let seen = follow(d, &edits).unwrap_or_else(|e| panic!("{e}"));
    for k in wiring {
        let (least, subnets) = seen.least.get(k).copied().unwrap_or((usize::MAX, 0));
        assert!(
            least.saturating_mul(4) < subnets,
            "{k}: the cheapest edit recomputed {least} rows and columns of {subnets} subnets \
             (every kind: {:?})",
            seen.least
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn a_live_matrix_follows_random_edits_of_random_designs(
        yaml in random_designs(),
        picks in proptest::collection::vec(any::<proptest::sample::Index>(), 1..6),
    ) {
        let case = random_case(&yaml, &picks);
        prop_assume!(case.is_some());
        let (d, edits) = case.expect("assumed");
        let r = follow(d, &edits);
        prop_assert!(r.is_ok(), "{}\n{}", r.err().unwrap_or_default(), yaml);
    }
}

/// A rule whose source is the internet still changes cells between private subnets: a request
/// to a VM's public IP leaves Azure from a public address and meets the rule on its way back in.
#[test]
fn a_rule_on_translated_sources_recomputes_the_rows_it_reaches() {
    let d = vnetlab_tests::design(
        "public.yaml",
        r#"
version: 1
name: public
vnets:
  v:
    address_space: [10.1.0.0/16]
    subnets:
      a: { prefix: 10.1.1.0/24 }
      b: { prefix: 10.1.2.0/24, nsg: b-nsg }
workloads:
  client: { kind: vm, subnet: v/a }
  web: { kind: vm, subnet: v/b, public_ip: standard }
nsgs:
  b-nsg:
    rules:
      - { name: deny-vnet, priority: 100, direction: inbound, access: deny, protocol: any, source: VirtualNetwork, destination: "*", destination_ports: "*" }
      - { name: web-from-internet, priority: 200, direction: inbound, access: allow, protocol: tcp, source: Internet, destination: "*", destination_ports: "443" }
"#,
    );
    let flip = Edit::FlipNsgRuleAccess {
        nsg: "b-nsg".into(),
        rule: "web-from-internet".into(),
    };
    let mut live = LiveMatrix::new(&d, PORTS);
    let mut edited = d.clone();
    let update = live
        .apply_edit(&mut edited, &flip, &BuildOptions::default())
        .expect("the rule exists");
    assert!(
        !update.cells.is_empty(),
        "flipping the internet rule changes what a reaches of b through b's public IP"
    );
    follow(d, &[flip]).unwrap_or_else(|e| panic!("{e}"));
}

/// Follows the edits with a live [`Session`], requiring after each the diff [`diff`] gives
/// between the design before and after, the outcomes a full check gives and the Azure ML audit
/// from scratch. Returns how many edits changed cells and how many changed an expectation's
/// outcome.
fn follow_design(d: Design, edits: &[Edit]) -> Result<(usize, usize), String> {
    use vnetlab_core::diff::diff;
    let mut live = Session::new("design.yaml", d, PORTS, BuildOptions::default());
    let mut seen = (0, 0);
    for e in edits {
        let Some(before) = live.design().cloned() else {
            return Ok(seen);
        };
        let Ok(got) = live.apply(e.clone()) else {
            continue;
        };
        let Some(got) = got else {
            // The edited design is invalid: undo goes back to the design before.
            live.undo();
            if live.design().map(|d| &d.file) != Some(&before.file) {
                return Err(format!("undoing {e} does not give the design before"));
            }
            continue;
        };
        let now = live.design().ok_or("a diff comes with a valid design")?;
        let want = diff(&before, now, PORTS);
        seen.0 += usize::from(!got.newly_reaches.is_empty() || !got.no_longer_reaches.is_empty());
        seen.1 += usize::from(!got.expectations.is_empty());
        if got.render() != want.render() {
            return Err(format!(
                "after {e}:\nlive:\n{}from scratch:\n{}",
                got.render(),
                want.render()
            ));
        }
        let outcomes = |r: &vnetlab_core::check::CheckReport| {
            r.results
                .iter()
                .map(|x| (x.name.clone(), x.outcome))
                .collect::<Vec<_>>()
        };
        if outcomes(live.report().ok_or("valid")?) != outcomes(&vnetlab_core::check(now)) {
            return Err(format!("after {e}: the expectations' outcomes differ"));
        }
        // The audit kept up to date is the audit from scratch: flows with their traces and
        // fixes, findings, governance figures.
        let json = |a: &vnetlab_core::aml::AuditReport| {
            serde_json::to_string_pretty(a).expect("an audit serializes")
        };
        let (kept, fresh) = (
            json(live.audit().ok_or("valid")?),
            json(&vnetlab_core::aml::audit(now)),
        );
        if kept != fresh {
            let first = kept
                .lines()
                .zip(fresh.lines())
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("live: {a}\nfrom scratch: {b}"))
                .unwrap_or_else(|| "one is longer".into());
            return Err(format!("after {e}: the live audit differs:\n{first}"));
        }
    }
    Ok(seen)
}

/// The kind of an edit (its variant's name).
fn kind(e: &Edit) -> String {
    let text = format!("{e:?}");
    text.split([' ', '{', '('])
        .next()
        .unwrap_or_default()
        .to_string()
}

/// The audit's verified fixes of a design as edits (what the terminal app's `f` applies).
fn fix_edits(d: &Design) -> Vec<Edit> {
    vnetlab_core::aml::audit(d)
        .flows
        .iter()
        .filter_map(|f| {
            f.fix
                .as_ref()
                .filter(|x| x.verified)?
                .patch
                .clone()
                .map(|p| (f, p))
        })
        .map(|(f, patch)| match patch {
            vnetlab_core::whatif::Patch::Edit(e) => e,
            p => Edit::Patch {
                change: f.fix.as_ref().map(|x| x.change.clone()).unwrap_or_default(),
                patch: Box::new(p),
            },
        })
        .collect()
}

#[test]
fn a_live_design_reports_what_diff_reports_after_every_edit_of_every_bundled_topology() {
    let (mut failures, mut seen) = (Vec::new(), (0, 0));
    let mut kinds = std::collections::BTreeSet::new();
    for file in topology_files() {
        let d = design_file(&file);
        // The audit's fixes first (they are made for the design as it is), then every single
        // edit.
        let mut edits = fix_edits(&d);
        edits.extend(single_edits(&d.file));
        kinds.extend(edits.iter().map(kind));
        match follow_design(d, &edits) {
            Ok((cells, expectations)) => seen = (seen.0 + cells, seen.1 + expectations),
            Err(e) => failures.push(format!("{file}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The comparison is not between empty diffs.
    assert!(
        seen.0 > 20 && seen.1 > 20,
        "edits changing cells, expectations: {seen:?}"
    );
    // Every kind of edit the apps offer was followed.
    for k in crate::SINGLE_EDIT_KINDS.iter().copied().chain(["Patch"]) {
        assert!(kinds.contains(k), "{k} never followed: {kinds:?}");
    }
}

/// A firewall's edits undo themselves in place (flips) or by replaying (removals), and each
/// leaves what loading the edited file gives.
#[test]
fn firewall_edits_undo_to_the_design_before() {
    for file in topology_files() {
        let d = design_file(&file);
        let edits: Vec<Edit> = single_edits(&d.file)
            .into_iter()
            .filter(|e| {
                matches!(
                    e,
                    Edit::RemoveFirewallRule { .. }
                        | Edit::FlipCollectionAction { .. }
                        | Edit::RemoveFortiPolicy { .. }
                        | Edit::FlipFortiPolicyAction { .. }
                        | Edit::FlipFortiPolicyNat { .. }
                )
            })
            .collect();
        let mut live = Session::new("d.yaml", d.clone(), PORTS, BuildOptions::default());
        let base = live.matrix().expect("valid").clone();
        for e in edits {
            live.apply(e.clone()).expect("the element exists");
            let now = live.design().expect("still valid");
            let loaded = vnetlab_core::rebuild("d.yaml", &now.file, &BuildOptions::default())
                .design
                .expect("valid");
            let want = matrix(&loaded, MatrixBy::Subnet, PORTS);
            assert_eq!(
                changed(&want, live.matrix().expect("valid")),
                [],
                "{file}: {e}"
            );
            live.undo();
            assert_eq!(live.file(), &d.file, "{file}: undo {e}");
            assert_eq!(
                changed(&base, live.matrix().expect("valid")),
                [],
                "{file}: undo {e}"
            );
        }
    }
}

#[test]
fn a_live_design_lints_the_edited_nsg_again() {
    let d = vnetlab_tests::design(
        "lint.yaml",
        r#"
version: 1
name: lint
vnets:
  v:
    address_space: [10.1.0.0/16]
    subnets:
      a: { prefix: 10.1.1.0/24 }
      b: { prefix: 10.1.2.0/24, nsg: b-nsg }
workloads:
  client: { kind: vm, subnet: v/a }
  web: { kind: vm, subnet: v/b }
nsgs:
  b-nsg:
    rules:
      - { name: web, priority: 100, direction: inbound, access: allow, protocol: tcp, source: VirtualNetwork, destination: "*", destination_ports: "443" }
      - { name: web-again, priority: 200, direction: inbound, access: allow, protocol: tcp, source: VirtualNetwork, destination: "*", destination_ports: "443" }
"#,
    );
    let mut live = Session::new("lint.yaml", d.clone(), PORTS, BuildOptions::default());
    let diff = live
        .apply(Edit::RemoveNsgRule {
            nsg: "b-nsg".into(),
            rule: "web".into(),
        })
        .expect("the rule exists")
        .expect("the edited design is valid");
    assert_eq!(
        diff.resolved_findings,
        [
            "AML-RULE-REDUNDANT: NSG b-nsg inbound rule web-again (priority 200) is redundant: the earlier rule already decides the same (web priority 100)"
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_live_design_reports_what_diff_reports_on_random_designs(
        yaml in random_designs(),
        picks in proptest::collection::vec(any::<proptest::sample::Index>(), 1..5),
    ) {
        let case = random_case(&yaml, &picks);
        prop_assume!(case.is_some());
        let (d, edits) = case.expect("assumed");
        let r = follow_design(d, &edits);
        prop_assert!(r.is_ok(), "{}\n{}", r.err().unwrap_or_default(), yaml);
    }
}

/// The live audit keeps a routing loop's finding across the edits that change no route and
/// finds it again after those that do, and its witness trace follows the NSG rules it crosses:
/// after every single edit the session's audit is the audit from scratch.
#[test]
fn a_live_audit_follows_a_routing_loop_through_every_edit() {
    let d = vnetlab_tests::design(
        "loop.yaml",
        r#"
version: 1
name: loop
vnets:
  hub:
    address_space: [10.0.0.0/16]
    subnets:
      a: { prefix: 10.0.1.0/24, route_table: a-rt, nsg: a-nsg }
      b: { prefix: 10.0.2.0/24, route_table: b-rt }
  spoke:
    address_space: [10.2.0.0/16]
    subnets:
      apps: { prefix: 10.2.5.0/24, nsg: apps-nsg }
peerings:
  - { between: [hub, spoke] }
firewalls:
  nva-a: { kind: nva, subnet: hub/a, private_ip: 10.0.1.4 }
  nva-b: { kind: nva, subnet: hub/b, private_ip: 10.0.2.4 }
workloads:
  web: { kind: vm, subnet: spoke/apps }
services:
  data: { kind: storage, public_network_access: enabled }
nsgs:
  a-nsg:
    rules:
      - { name: no-https-out, priority: 100, direction: outbound, access: deny, protocol: tcp, source: "*", destination: "*", destination_ports: "443" }
  apps-nsg:
    rules:
      - { name: web-in, priority: 100, direction: inbound, access: allow, protocol: tcp, source: VirtualNetwork, destination: "*", destination_ports: "443" }
route_tables:
  a-rt:
    routes:
      - { name: spoke-via-b, prefix: 10.2.0.0/16, next_hop: virtual_appliance, next_hop_ip: 10.0.2.4 }
  b-rt:
    routes:
      - { name: apps-back, prefix: 10.2.5.0/24, next_hop: virtual_appliance, next_hop_ip: 10.0.1.4 }
"#,
    );
    assert!(
        vnetlab_core::aml::audit(&d)
            .findings
            .iter()
            .any(|f| f.id == "AML-ROUTING-LOOP"),
        "the design has a routing loop"
    );
    // Flips first (twice each: the loop's witness crosses a-nsg's rule), then the rest.
    let mut edits: Vec<Edit> = single_edits(&d.file)
        .into_iter()
        .filter(|e| matches!(e, Edit::FlipNsgRuleAccess { .. }))
        .flat_map(|e| [e.clone(), e])
        .collect();
    edits.extend(d.file.services.keys().flat_map(|s| {
        [
            Edit::FlipPublicNetworkAccess { service: s.clone() },
            Edit::FlipDefaultAction { service: s.clone() },
        ]
    }));
    edits.extend(single_edits(&d.file));
    follow_design(d, &edits).unwrap_or_else(|e| panic!("{e}"));
}

/// Flipping a service's public network access or default action undoes itself in place, and
/// writes the setting back as the file had it (unset or set): after the undo the records, the
/// matrix, the outcomes and the audit are the design's before the flips.
#[test]
fn service_setting_flips_undo_to_the_design_before() {
    let json = |a: &vnetlab_core::aml::AuditReport| serde_json::to_string(a).expect("serializes");
    for file in topology_files() {
        let d = design_file(&file);
        let audit = json(&vnetlab_core::aml::audit(&d));
        let mut live = Session::new("d.yaml", d.clone(), PORTS, BuildOptions::default());
        let base = live.matrix().expect("valid").clone();
        for service in d.file.services.keys() {
            for e in [
                Edit::FlipPublicNetworkAccess {
                    service: service.clone(),
                },
                Edit::FlipDefaultAction {
                    service: service.clone(),
                },
            ] {
                // Twice, then undone twice: the second flip writes out what the first set.
                for _ in 0..2 {
                    live.apply(e.clone()).expect("the service exists");
                }
                live.undo();
                live.undo();
                assert_eq!(live.file(), &d.file, "{file}: undo {e}");
                assert_eq!(
                    changed(&base, live.matrix().expect("valid")),
                    [],
                    "{file}: undo {e}"
                );
                assert_eq!(
                    json(live.audit().expect("valid")),
                    audit,
                    "{file}: undo {e}"
                );
            }
        }
    }
}
