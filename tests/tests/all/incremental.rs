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
