//! Engine properties over the bundled designs, drawn with the same strategies the testing guide
//! gives platform teams (`flows`, `edits`): the exhaustive proof and concrete traces agree, on
//! the design and after any single edit.

use proptest::prelude::*;
use vnetlab_core::model::{BuildOptions, Design};
use vnetlab_core::net::Protocol;
use vnetlab_core::testing::{
    Evidence, Property, check, check_sampled, edited, edits, expect_denied, flows, load_design,
};

fn bundled(name: &str) -> Design {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../topologies")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    load_design(name, &bytes, &BuildOptions::default()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// If the symbolic engine proves a destination isolated from the internet after an edit,
    /// every sampled flow to it is denied by the tracer (and the proof is a proof, not a sample).
    #[test]
    fn a_proof_of_isolation_agrees_with_sampled_traces_after_any_edit(
        edit in edits(&bundled("aml-private-endpoints.yaml")),
        flow in flows(&bundled("aml-private-endpoints.yaml"), "internet", "ml/*", &[Protocol::Tcp, Protocol::Udp], (0, 65535)),
    ) {
        let d = edited(&bundled("aml-private-endpoints.yaml"), &edit, &BuildOptions::default())?;
        let proof = check(&d, &Property::isolated("internet", &flow.to));
        if let Ok(evidence) = proof {
            prop_assert!(matches!(evidence, Evidence::Proven { .. }), "{evidence:?}");
            expect_denied(&d, &flow).map_err(|e| e.context(format!("after `{edit}`, proven isolated, yet")))?;
        }
    }

    /// Every single edit of every bundled design yields a valid design (what-if never produces
    /// a file `vnetlab check` would reject).
    #[test]
    fn every_single_edit_of_a_bundled_design_is_valid(
        (name, edit) in prop_oneof![
            Just("aml-private-endpoints.yaml"), Just("hub-spoke-firewall.yaml"), Just("aml-hub-spoke-firewall.yaml"),
        ].prop_flat_map(|n| (Just(n), edits(&bundled(n))))
    ) {
        edited(&bundled(name), &edit, &BuildOptions::default())?;
    }
}

/// The sampling fallback finds a hole wide enough to sample and shrinks it to one flow (the
/// first internet address, the lowest port) with its trace; the proof finds it too.
#[test]
fn sampling_shrinks_to_the_minimal_flow_and_the_proof_agrees() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/design-tests/designs/broken.yaml");
    let broken = load_design(
        "broken.yaml",
        &std::fs::read(path).unwrap(),
        &BuildOptions::default(),
    )
    .unwrap();
    let p = Property::isolated("internet", "ml/*")
        .protocol(Some(Protocol::Tcp))
        .ports(1, 65535);
    let sampled = check_sampled(&broken, &p).unwrap_err().to_string();
    assert!(
        sampled.contains("minimal counterexample: 1.0.0.0 → analyst-vm tcp/1\n"),
        "{sampled}"
    );
    assert!(
        sampled.contains("allowed inbound by allow-vendor-remote-access"),
        "{sampled}"
    );
    let proved = check(&broken, &Property::isolated("internet", "analyst-vm"))
        .unwrap_err()
        .to_string();
    assert!(proved.contains("counterexample: "), "{proved}");
    let good = bundled("aml-private-endpoints.yaml");
    assert_eq!(
        check_sampled(&good, &p),
        Ok(Evidence::Sampled {
            cases: vnetlab_core::testing::SAMPLES
        })
    );
    assert!(matches!(check(&good, &p), Ok(Evidence::Proven { .. })));
}
