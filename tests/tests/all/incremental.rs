//! Re-checking only what an edit touches gives the outcomes checking everything gives: every
//! bundled topology (and broken variant) under every single edit `vnetlab check --faults 1`
//! tries.

use vnetlab_core::check::{Outcome, check};
use vnetlab_core::model::BuildOptions;
use vnetlab_core::whatif::recheck;
use vnetlab_core::whatif::single_edits;
use vnetlab_tests::{design_file, topology_files};

#[test]
fn rechecking_what_an_edit_touches_equals_checking_everything() {
    let opts = BuildOptions::default();
    let (mut edits_tried, mut reused) = (0, 0);
    let mut failures = Vec::new();
    for path in topology_files() {
        let d = design_file(&path);
        let base = check(&d);
        for edit in single_edits(&d.file) {
            let edited = edit.apply(&d.file).unwrap();
            let Some(after) = vnetlab_core::rebuild("edited", &edited, &opts).design else {
                continue;
            };
            edits_tried += 1;
            let full = check(&after);
            let quick = recheck(&d, &base, &after, &edit);
            for (f, q) in full.results.iter().zip(&quick.results) {
                if f.outcome != q.outcome {
                    failures.push(format!(
                        "{path}, {edit}: `{}` is {:?} checked again but {:?} re-used",
                        f.name, f.outcome, q.outcome
                    ));
                }
            }
            if let Some(t) = edit.touches(&d) {
                reused += base
                    .results
                    .iter()
                    .filter(|r| r.outcome != Outcome::Undecided)
                    .filter(|r| !r.touched.iter().any(|x| t.contains(x)))
                    .count();
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The point of it: most expectations are not checked again.
    println!("{edits_tried} edits tried, {reused} results re-used");
    assert!(
        edits_tried > 100 && reused > edits_tried,
        "{edits_tried} edits, {reused} results re-used"
    );
}

/// `check --faults 1` skips the edits that change nothing a holding expectation reads and
/// applies the others in place, undoing each after: what it reports equals trying every single
/// edit on a design rebuilt from the edited records, over every bundled topology.
#[test]
fn faults_report_what_trying_every_edit_from_scratch_reports() {
    let opts = BuildOptions::default();
    let (mut failures, mut skipped, mut fragile) = (Vec::new(), 0, 0);
    for path in topology_files() {
        let d = design_file(&path);
        let base = check(&d);
        let held: Vec<&str> = base
            .results
            .iter()
            .filter(|r| r.outcome == Outcome::Holds)
            .map(|r| r.name.as_str())
            .collect();
        let got = vnetlab_core::diff::faults(&d, &base, &opts, &mut |_, _| {});
        skipped += got.skipped;
        let mut want = Vec::new();
        if !held.is_empty() {
            for edit in single_edits(&d.file) {
                let edited = edit.apply(&d.file).unwrap();
                let breaks: Vec<String> = match vnetlab_core::rebuild("e", &edited, &opts).design {
                    Some(after) => check(&after)
                        .results
                        .into_iter()
                        .filter(|r| r.outcome != Outcome::Holds && held.contains(&r.name.as_str()))
                        .map(|r| r.name)
                        .collect(),
                    None => Vec::new(),
                };
                if !breaks.is_empty() {
                    want.push((edit.describe(), breaks));
                }
            }
        }
        let got: Vec<(String, Vec<String>)> = got
            .fragile()
            .map(|f| (f.description.clone(), f.breaks.clone()))
            .collect();
        fragile += got.len();
        if got != want {
            failures.push(format!("{path}: faults {got:?}\nfrom scratch {want:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Not a comparison of empty answers, and edits were skipped.
    assert!(
        fragile > 10 && skipped > 10,
        "{fragile} fragile, {skipped} skipped"
    );
}

/// The parts of a design that peering edits and private endpoint removals change in place
/// (`model/relink.rs`), written out to compare.
fn links_of(d: &vnetlab_core::model::Design) -> String {
    let routes: Vec<String> = d
        .derived
        .routes
        .iter()
        .map(|v| format!("{:?}", v.routes))
        .collect();
    let pes: Vec<_> = d.services.iter().map(|s| &s.private_endpoints).collect();
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{routes:?}\n{:?}",
        d.peerings, d.private_endpoints, pes, d.zones, d.derived.virtual_network, d.file
    )
}

/// A peering edit or a private endpoint's removal applied in place (when it is: see
/// `Design::edit_links`) gives the design that building the edited records gives (links, endpoints and their addresses and names, zone
/// records, effective routes, `VirtualNetwork`), or is refused exactly when that design is
/// invalid, leaving the design as it was: every such edit of every bundled topology and of a
/// generated hub and spoke design.
#[test]
fn links_edited_in_place_equal_the_rebuilt_design() {
    use vnetlab_core::whatif::Edit;
    let opts = BuildOptions::default();
    let mut designs: Vec<(String, vnetlab_core::model::Design)> = topology_files()
        .into_iter()
        .map(|p| (p.clone(), design_file(&p)))
        .collect();
    let t1 = vnetlab_core::generate::generate(vnetlab_core::generate::Workload::T1, 3);
    designs.push((
        "generated T1".into(),
        vnetlab_core::load("t1.yaml", t1.as_bytes(), &opts)
            .design
            .expect("T1 is valid"),
    ));
    // A subnet peering (S12): its subnets are named, so lowering it again needs them.
    let subnet_peering = r#"
version: 1
name: subnet-peering
vnets:
  vnet-1:
    address_space: [10.0.0.0/16]
    subnets:
      subnet-1: { prefix: 10.0.1.0/24 }
      subnet-2: { prefix: 10.0.2.0/24 }
  vnet-2:
    address_space: [10.1.0.0/16]
    subnets:
      subnet-3: { prefix: 10.1.1.0/24 }
peerings:
  - between: [vnet-1, vnet-2]
    subnets:
      vnet-1: [subnet-1]
      vnet-2: [subnet-3]
"#;
    designs.push((
        "subnet peering".into(),
        vnetlab_core::load("sp.yaml", subnet_peering.as_bytes(), &opts)
            .design
            .expect("the subnet peering design is valid"),
    ));
    let (mut failures, mut tried) = (Vec::new(), 0);
    for (path, d) in designs {
        for edit in single_edits(&d.file).into_iter().filter(|e| {
            matches!(
                e,
                Edit::RemovePeering { .. }
                    | Edit::FlipPeeringFlag { .. }
                    | Edit::RemovePrivateEndpoint { .. }
            )
        }) {
            let rebuilt = vnetlab_core::rebuild("e", &edit.apply(&d.file).unwrap(), &opts).design;
            let mut work = d.clone();
            match (work.edit_links(&edit, &opts), rebuilt) {
                (Ok(Some(saved)), Some(want)) => {
                    tried += 1;
                    if links_of(&work) != links_of(&want) {
                        failures.push(format!("{path}, {edit}: in place differs from rebuilt"));
                    }
                    saved.restore(&mut work);
                    if links_of(&work) != links_of(&d) {
                        failures.push(format!("{path}, {edit}: not put back"));
                    }
                }
                // Not in place (other elements' addresses move): callers rebuild.
                (Ok(None), _) => {}
                (Err(_), None) => {
                    if links_of(&work) != links_of(&d) {
                        failures.push(format!("{path}, {edit}: refused but changed"));
                    }
                }
                (got, want) => failures.push(format!(
                    "{path}, {edit}: in place {}, rebuilt {}",
                    if got.is_ok() { "applied" } else { "refused" },
                    if want.is_some() { "valid" } else { "invalid" }
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(tried > 30, "{tried} edits compared");
}

/// A private endpoint whose explicit address a workload of its subnet skipped: removing it moves
/// the workload, which only a rebuild says — `apply_edit` must rebuild, never report the edit
/// applied while nothing changed.
#[test]
fn removing_an_endpoint_that_moves_other_addresses_rebuilds() {
    use vnetlab_core::whatif::Edit;
    let yaml = r#"
version: 1
name: endpoint-below-a-workload
vnets:
  v:
    address_space: [10.0.0.0/16]
    subnets:
      s: { prefix: 10.0.1.0/24 }
workloads:
  box:
    kind: vm
    subnet: v/s
services:
  st:
    kind: storage
    private_endpoints:
      - { subnet: v/s, ip: 10.0.1.4, group: blob }
"#;
    let opts = BuildOptions::default();
    let d = vnetlab_core::load("e.yaml", yaml.as_bytes(), &opts)
        .design
        .expect("the design is valid");
    let box_ip = |d: &vnetlab_core::model::Design| d.workloads[0].ip;
    assert_eq!(
        box_ip(&d).to_string(),
        "10.0.1.5",
        "the VM skips the endpoint's address"
    );
    let edit = Edit::RemovePrivateEndpoint {
        service: "st".into(),
        index: 0,
    };
    let want = vnetlab_core::rebuild("e", &edit.apply(&d.file).unwrap(), &opts)
        .design
        .expect("valid after the edit");
    let mut work = d.clone();
    work.apply_edit(&edit, &opts).expect("the edit applies");
    assert_eq!(box_ip(&work), box_ip(&want));
    assert_eq!(box_ip(&work).to_string(), "10.0.1.4");
    assert!(work.private_endpoints.is_empty());
}
