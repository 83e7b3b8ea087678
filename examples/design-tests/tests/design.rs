//! Properties of the ML network design, checked before it is deployed. Each test states one
//! thing the platform team promises; a failure prints the minimal counterexample and its
//! hop-by-hop trace.

use design_tests::design;
use proptest::prelude::*;
use vnetlab_core::check::{Outcome, check};
use vnetlab_core::model::BuildOptions;
use vnetlab_core::net::Protocol;
use vnetlab_core::testing::{Failure, Property, edited, edits, expect_denied, flows};
use vnetlab_core::whatif::single_edits;

/// The `expect` entries written in the design file itself hold (what `vnetlab check` runs).
#[test]
fn the_expectations_in_the_file_hold() -> Result<(), Failure> {
    let report = check(design());
    let failed: Vec<String> = report
        .results
        .iter()
        .filter(|r| r.outcome != Outcome::Holds)
        .map(|r| format!("{} ({} → {}): {}", r.name, r.from, r.to, r.summary))
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Failure::new(failed.join("\n")))
    }
}

/// The flows Azure ML needs: proven one by one (each is a single flow, so this is a trace).
#[test]
fn training_reaches_its_dependencies_over_private_endpoints() -> Result<(), Failure> {
    for (to, port) in [
        ("mlstore:blob", 443),
        ("mlstore:file", 445),
        ("mlkv:vault", 443),
        ("mlacr:registry", 443),
    ] {
        vnetlab_core::testing::check(design(), &Property::reaches("trainer", to).port(port))?;
    }
    vnetlab_core::testing::check(
        design(),
        &Property::reaches("analyst-vm", "mlws:amlworkspace").port(443),
    )?;
    Ok(())
}

/// Isolation, proven over every packet: nothing on the internet reaches the ML VNet's
/// addresses, nor any workload (through a public IP), on any protocol or port.
fn isolated_from_the_internet(d: &vnetlab_core::model::Design) -> Result<(), Failure> {
    vnetlab_core::testing::check(d, &Property::isolated("internet", "ml/*"))?;
    for w in &d.workloads {
        vnetlab_core::testing::check(d, &Property::isolated("internet", &w.name))?;
    }
    Ok(())
}

/// The exhaustive isolation proof on the design as it is.
#[test]
fn nothing_on_the_internet_reaches_the_ml_vnet() -> Result<(), Failure> {
    isolated_from_the_internet(design())
}

/// Defence in depth, exhaustively: no single mistake (one rule removed or flipped, one route,
/// link, endpoint, peering or setting) opens the ML VNet to the internet.
#[test]
fn no_single_edit_opens_the_ml_vnet_to_the_internet() -> Result<(), Failure> {
    let d = design();
    isolated_from_the_internet(d).map_err(|e| e.context("before any edit"))?;
    for edit in single_edits(&d.file) {
        let after = edited(d, &edit, &BuildOptions::default())?;
        isolated_from_the_internet(&after).map_err(|e| e.context(format!("after `{edit}`")))?;
    }
    Ok(())
}

proptest! {
    // No `proptest-regressions` files: a design test is re-run from scratch every time.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    /// The same isolation, sampled: random flows from the internet into the ML VNet (its
    /// addresses and its workloads by name), TCP and UDP, every port. Shrinks to one flow.
    #[test]
    fn sampled_internet_flows_into_the_ml_vnet_are_denied(flow in flows(design(), "internet", "ml/*", &[Protocol::Tcp, Protocol::Udp], (1, 65535))) {
        expect_denied(design(), &flow)?;
    }

    /// Random single edits combined with random internet flows. Shrinks to one edit and one flow.
    #[test]
    fn no_single_edit_lets_an_internet_flow_in(edit in edits(design()), flow in flows(design(), "internet", "ml/*", &[Protocol::Tcp], (1, 65535))) {
        expect_denied(design(), &flow).map_err(|e| e.context("before any edit"))?;
        let after = edited(design(), &edit, &BuildOptions::default())?;
        expect_denied(&after, &flow).map_err(|e| e.context(format!("after `{edit}`")))?;
    }
}
