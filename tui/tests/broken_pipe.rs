//! `vnetlab … | head`: when the reader closes the pipe early, the command must not panic
//! (`println!` does) and must still exit with its own code.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

fn files(dir: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut v: Vec<String> = std::fs::read_dir(root.join(dir))
        .expect("dir exists")
        .flatten()
        .map(|e| e.path().display().to_string())
        .filter(|p| p.ends_with(".yaml"))
        .collect();
    v.sort();
    v
}

/// Runs vnetlab with `args`, reads a few bytes of its output and closes the pipe.
fn run_closing_early(args: &[String]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vnetlab"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vnetlab runs");
    let mut head = [0u8; 16];
    child
        .stdout
        .take()
        .expect("piped")
        .read_exact(&mut head)
        .expect("some output");
    // The stdout handle is dropped here: the pipe is closed like `head` closes it.
    let out = child.wait_with_output().expect("vnetlab exits");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn repeated(first: &[&str], dir: &str) -> Vec<String> {
    // Far more output than a pipe buffers, so writes happen after the reader has gone.
    let mut args: Vec<String> = first.iter().map(|s| s.to_string()).collect();
    for _ in 0..4 {
        args.extend(files(dir));
    }
    args
}

#[test]
fn a_closed_pipe_is_a_normal_exit_with_the_commands_own_code() {
    let (code, err) = run_closing_early(&repeated(&["check", "-v"], "topologies"));
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(code, Some(0), "every bundled design holds: {err}");

    // A failing design checked after the reader has gone still fails the command.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("topologies/aml-private-aks.yaml"))
        .expect("readable")
        .replace(
            "to: example.com, port: 443, verdict: denied",
            "to: example.com, port: 443, verdict: allowed",
        );
    let failing = std::env::temp_dir().join(format!("vnetlab-pipe-{}.yaml", std::process::id()));
    std::fs::write(&failing, text).expect("temp file");
    let mut args = repeated(&["check", "-v"], "topologies");
    args.push(failing.display().to_string());
    let (code, err) = run_closing_early(&args);
    let _ = std::fs::remove_file(&failing);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(
        code,
        Some(1),
        "the failing expectation still fails the check: {err}"
    );

    let (code, err) = run_closing_early(&["schema".to_string()]);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(code, Some(0));
}
