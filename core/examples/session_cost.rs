//! Where a live session's edit spends its time outside the matrix (Q4b, issue #14): on
//! generated T2, the from-scratch Azure ML audit and its pieces beside one edit of each kind
//! that leaves the matrix unchanged, and NSG rule flips, applied to a `Session` and undone.
//!
//! Run: `cargo run --release -p vnetlab-core --example session_cost -- [T1|T2|T3] [N]` (N edits
//! of each kind, 20 unless told). Prints wall and processor time (the machine is shared).

use std::time::{Duration, Instant};
use vnetlab_core::generate::{MATRIX_PORTS, Workload, generate};
use vnetlab_core::model::BuildOptions;
use vnetlab_core::net::Protocol;
use vnetlab_core::session::Session;
use vnetlab_core::whatif::{Edit, single_edits};

/// Processor time of this process (Linux's `/proc/self/schedstat`, nanoseconds on the CPU);
/// zero when the system does not say.
fn cpu() -> Duration {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .map(Duration::from_nanos)
        .unwrap_or_default()
}

/// Whether an edit is of one kind.
type IsKind = fn(&Edit) -> bool;

fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let (w, c) = (Instant::now(), cpu());
    let r = f();
    eprintln!(
        "{what}: wall {:?}, cpu {:?}",
        w.elapsed(),
        cpu().saturating_sub(c)
    );
    r
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let w = match args.get(1).map(String::as_str) {
        Some("T1") => Workload::T1,
        Some("T3") => Workload::T3,
        _ => Workload::T2,
    };
    let n: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(20);
    let opts = BuildOptions::default();
    let text = generate(w, 1);
    let d = vnetlab_core::load("cost.yaml", text.as_bytes(), &opts)
        .design
        .expect("generated designs are valid");
    let audit = timed("audit from scratch", || vnetlab_core::aml::audit(&d));
    eprintln!(
        "  {} required flows, {} findings",
        audit.flows.len(),
        audit.findings.len()
    );
    let lint = timed("rule lint", || {
        vnetlab_core::aml::findings::RuleLint::of(&d)
    });
    timed("rule lint clone", || lint.clone());
    timed("audit with the lint", || {
        vnetlab_core::aml::audit_with(&d, lint.clone())
    });
    timed("check from scratch", || vnetlab_core::check(&d));
    let mut edits = single_edits(&d.file);
    let services: Vec<String> = d.file.services.keys().cloned().collect();
    edits.extend(
        services
            .into_iter()
            .map(|service| Edit::FlipDefaultAction { service }),
    );
    let ports: Vec<(Protocol, u16)> = MATRIX_PORTS.map(|p| (Protocol::Tcp, p)).to_vec();
    let mut live = timed("session", || {
        Session::new("cost.yaml", d.clone(), &ports, opts.clone())
    });
    let kinds: [(&str, IsKind); 4] = [
        ("flip public network access", |e| {
            matches!(e, Edit::FlipPublicNetworkAccess { .. })
        }),
        ("flip default action", |e| {
            matches!(e, Edit::FlipDefaultAction { .. })
        }),
        ("flip an NSG rule", |e| {
            matches!(e, Edit::FlipNsgRuleAccess { .. })
        }),
        ("remove an NSG rule", |e| {
            matches!(e, Edit::RemoveNsgRule { .. })
        }),
    ];
    for (k, is) in kinds {
        let of_kind: Vec<&Edit> = edits.iter().filter(|e| is(e)).collect();
        let step = (of_kind.len() / n).max(1);
        let mut times = Vec::new();
        for e in of_kind.iter().step_by(step).take(n) {
            let (w, c) = (Instant::now(), cpu());
            let r = live.apply((*e).clone());
            times.push((w.elapsed(), cpu().saturating_sub(c)));
            if r.is_ok() {
                live.undo();
            }
        }
        if times.is_empty() {
            continue;
        }
        times.sort();
        let (p50, p99) = (
            times[times.len() / 2],
            times[(times.len() * 99 / 100).min(times.len() - 1)],
        );
        eprintln!(
            "{k}: {} edits, wall p50 {:?} p99 {:?}; cpu at those {:?} / {:?}",
            times.len(),
            p50.0,
            p99.0,
            p50.1,
            p99.1
        );
    }
}
