//! The example crate `examples/design-tests` does what docs/testing.md says: its one command
//! passes on the bundled design and fails on the broken copy with a minimal counterexample and
//! its trace.
//!
//! It runs the command itself (`cargo test -p design-tests`, with and without `DESIGN`) rather
//! than calling the example's functions, because what is promised is the command and what
//! proptest prints. Cargo releases the build lock before running tests, so the nested cargo
//! shares the target directory; after the first build it only runs the example's test binary.

use std::process::{Command, Output};

fn run_example(design: Option<&str>) -> Output {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args(["test", "-p", "design-tests"])
        .env_remove("RUST_BACKTRACE")
        .env_remove("DESIGN");
    if let Some(d) = design {
        cmd.env("DESIGN", d);
    }
    cmd.output().expect("cannot run cargo")
}

fn text(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn the_example_crate_passes_on_the_good_design_and_fails_on_the_broken_copy() {
    let good = run_example(None);
    let out = text(&good);
    assert!(
        good.status.success(),
        "the example fails on the bundled design:\n{out}"
    );
    assert!(out.contains("test result: ok. 6 passed"), "{out}");

    let broken = run_example(Some("designs/broken.yaml"));
    let out = text(&broken);
    assert_eq!(
        broken.status.code(),
        Some(101),
        "the example should fail on the broken copy:\n{out}"
    );
    // The sampled test shrinks to one flow — the first internet address, the lowest port —
    // and prints its trace, naming the rule that let it in.
    for want in [
        "minimal failing input: flow = FlowCase {\n    from: \"1.0.0.0\",\n    to: \"analyst-vm\",\n    protocol: Tcp,\n    port: 1,\n}",
        "expected 1.0.0.0 → analyst-vm tcp/1 to be denied, but it is delivered",
        "trace 1.0.0.0 → analyst-vm  (tcp 1.0.0.0:50000 -> 192.0.2.10:1)",
        "allowed inbound by allow-vendor-remote-access (priority 100, allow tcp from Internet to * port *)",
        "verdict: delivered",
        // The exhaustive proof names the packet classes that get through.
        "internet does not reach ml/* (any protocol, ports 0-65535): does not hold:",
        "counterexample: 1.0.0.0/8, 2.0.0.0/7, 4.0.0.0/6, 8.0.0.0/7 → analyst-vm (public IP 192.0.2.10) tcp port 0-52",
        // The edit test reports one edit; the design is already broken before it.
        "minimal failing input: edit = ",
        "before any edit: expected 1.0.0.0 → analyst-vm tcp/1 to be denied",
        "test result: FAILED. 1 passed; 5 failed",
    ] {
        assert!(out.contains(want), "missing `{want}` in:\n{out}");
    }
}
