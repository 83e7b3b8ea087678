//! Diagnostics as a person sees them on a terminal: colour only when wanted (`--color`,
//! `NO_COLOR`), secondary labels where a duplicate was first defined, near-miss suggestions,
//! plain-language hints for YAML structure errors, a cap on how many are drawn, long lines cut
//! around the column, end-of-file errors on the last line, and files with lone CR line breaks.

use super::ci::tmp;
use super::{code, root, stderr};
use std::process::{Command, Output};

fn check_with(file: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vnetlab"));
    c.arg("check").args(args).arg(file).current_dir(root());
    for var in ["NO_COLOR", "CLICOLOR_FORCE", "CLICOLOR"] {
        c.env_remove(var);
    }
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("runs")
}

/// `check`s a file holding `text`; returns (exit code, stderr).
fn check_text(name: &str, text: &[u8]) -> (i32, String) {
    let file = tmp(name);
    std::fs::write(&file, text).unwrap();
    let o = check_with(file.to_str().unwrap(), &[], &[]);
    (code(&o), stderr(&o))
}

const BAD: &str = "tests/bad/unknown-key.yaml";

#[test]
fn colour_follows_the_flag_and_no_color() {
    let esc = |o: &Output| stderr(o).contains('\u{1b}');
    assert!(!esc(&check_with(BAD, &[], &[])), "not a terminal: plain");
    assert!(esc(&check_with(BAD, &["--color", "always"], &[])));
    assert!(!esc(&check_with(
        BAD,
        &["--color", "never"],
        &[("CLICOLOR_FORCE", "1")]
    )));
    assert!(esc(&check_with(BAD, &[], &[("CLICOLOR_FORCE", "1")])));
    assert!(
        !esc(&check_with(
            BAD,
            &[],
            &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
        )),
        "NO_COLOR wins over a forced auto"
    );
    let plain = stderr(&check_with(BAD, &["--color", "never"], &[]));
    assert!(
        plain.contains(
            "tests/bad/unknown-key.yaml:5:5: error[unknown-key]: unknown key `adress_space` in vnet\n  |\n5 |     adress_space: [10.1.0.0/16]\n  |     ^^^^^^^^^^^^\n  |\n  = help: did you mean `address_space`?\n"
        ),
        "{plain}"
    );
}

#[test]
fn duplicates_point_back_at_the_first_definition() {
    let o = check_with("tests/bad/semantic-problems.yaml", &[], &[]);
    let err = stderr(&o);
    assert!(
        err.contains(
            "12 |       - { name: b, priority: 200, direction: inbound, access: allow }\n   |                              --- priority 200 first used here by `b`\n13 |       - { name: c, priority: 200, direction: inbound, access: deny }\n   |                              ^^^\n"
        ),
        "{err}"
    );
    let (c, err) = check_text(
        "overlap.yaml",
        b"version: 1\nname: x\nvnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets:\n      a: {prefix: 10.0.0.0/24}\n      b: {prefix: 10.0.0.0/23}\n",
    );
    assert_eq!(c, 2);
    assert!(err.contains("8:19: error[subnet-overlap]: subnet v/b (10.0.0.0/23) overlaps sibling v/a (10.0.0.0/24)"), "{err}");
    assert!(
        err.contains("--------- v/a (10.0.0.0/24) first defined here"),
        "{err}"
    );
    // The JSON diagnostics carry the same secondary location.
    let file = tmp("overlap.yaml");
    let o = check_with(file.to_str().unwrap(), &["--format", "json"], &[]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let related = &v["files"][0]["diagnostics"][0]["related"][0];
    assert_eq!(
        (related["line"].as_u64(), related["col"].as_u64()),
        (Some(7), Some(19))
    );
}

#[test]
fn near_misses_and_yaml_structure_errors_get_a_plain_hint() {
    let (_, err) = check_text(
        "deny.yaml",
        b"version: 1\nname: x\nvnets:\n  v:\n    address_space: [10.0.0.0/16]\n    subnets: {a: {prefix: 10.0.1.0/24}}\nexpect:\n  - {name: e, from: v/a, to: internet, port: 22, verdict: deny}\n",
    );
    assert!(
        err.contains("`deny` is not one of allowed | denied"),
        "{err}"
    );
    assert!(err.contains("help: did you mean `denied`?"), "{err}");
    let (_, err) = check_text(
        "flow.yaml",
        b"version: 1\nname: x\nvnets:\n  v: {address_space: [10.0.0.0/16]\n  w: {}\n",
    );
    assert!(err.contains("error[syntax]"), "{err}");
    assert!(
        err.contains("mapping or `[ … ]` list opened on an earlier line is not closed"),
        "{err}"
    );
    let (_, err) = check_text(
        "flow-inline.yaml",
        b"version: 1\nname: x\nvnets: {v: {address_space: [10.0.0.0/16]}\n",
    );
    assert!(err.contains("error[syntax]"), "{err}");
    assert!(
        err.contains("help: a `{ … }` mapping is not closed"),
        "{err}"
    );
    let (_, err) = check_text(
        "indent.yaml",
        b"version: 1\nname: x\nvnets:\n  v:\n    address_space: [10.0.0.0/16]\n   subnets: {}\n",
    );
    assert!(
        err.contains("indent every key of one mapping by the same number of spaces"),
        "{err}"
    );
}

#[test]
fn many_diagnostics_are_capped_with_a_count() {
    let mut text = String::from("version: 1\nname: x\nvnets:\n");
    for i in 0..45 {
        text.push_str(&format!("  v{i}: {{address_space: [10.{i}.0.1/16]}}\n"));
    }
    let (c, err) = check_text("many.yaml", text.as_bytes());
    assert_eq!(c, 2);
    assert_eq!(err.matches("error[cidr]").count(), 20, "{err}");
    assert!(
        err.contains("… and 25 more diagnostic(s) not shown"),
        "{err}"
    );
    assert!(err.contains("45 error(s); nothing was analysed"), "{err}");
}

#[test]
fn a_very_long_line_is_cut_around_the_column() {
    let text = format!(
        "version: 1\nname: x\nvnets: {{v: {{description: \"{}\", address_space: [10.0.0.1/16]}}}}\n",
        "x".repeat(400_000)
    );
    let (c, err) = check_text("long.yaml", text.as_bytes());
    assert_eq!(c, 2);
    assert!(err.len() < 2_000, "{} bytes of diagnostics", err.len());
    assert!(err.contains("…"), "{err}");
}

#[test]
fn end_of_file_errors_point_at_the_last_line_and_lone_cr_files_get_a_snippet() {
    let (_, err) = check_text(
        "eof.yaml",
        b"version: 1\nname: x\nvnets:\n  v:\n    address_space: [10.0.0.0/16\n",
    );
    assert!(err.contains("eof.yaml:5:32: error[syntax]"), "{err}");
    assert!(
        err.contains("5 |     address_space: [10.0.0.0/16\n"),
        "{err}"
    );
    assert!(err.contains("list is not closed"), "{err}");
    let (_, err) = check_text(
        "cr.yaml",
        b"version: 1\rname: x\rvnets:\r  v:\r    adress_space: [10.0.0.0/16]\r",
    );
    assert!(err.contains("cr.yaml:5:5: error[unknown-key]"), "{err}");
    assert!(
        err.contains("5 |     adress_space: [10.0.0.0/16]\n"),
        "{err}"
    );
}
