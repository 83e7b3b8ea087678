//! How long [`LiveMatrix::apply_edit`] alone takes per edit kind (Q4b's matrix part, issue #14)
//! on a generated design, with the rows it recomputed and the cells that changed: for each kind
//! the apps offer, up to N edits spread over its list are applied one at a time to a live matrix
//! and undone (the undo — the edit's inverse, or the design and matrix put back — is not timed).
//! Prints one line per kind: p50 / p99 wall time, processor time of the timed part, rows
//! recomputed (mean) and changed cells (mean).
//!
//! Run: `cargo run --release -p vnetlab-core --example live_matrix -- T2 [N [KIND [chain]]]`
//! (N is 20 unless told; KIND one kind only; `chain`: the edits follow one another, nothing put
//! back — for a profiler).

use std::time::{Duration, Instant};
use vnetlab_core::generate::{MATRIX_PORTS, Workload, generate};
use vnetlab_core::model::{BuildOptions, Design};
use vnetlab_core::net::Protocol;
use vnetlab_core::reach::live::LiveMatrix;
use vnetlab_core::whatif::{Edit, single_edits};

fn kind(e: &Edit) -> &'static str {
    match e {
        Edit::RemoveNsgRule { .. } => "remove_nsg_rule",
        Edit::FlipNsgRuleAccess { .. } => "flip_nsg_rule",
        Edit::RemoveRoute { .. } => "remove_route",
        Edit::DetachRouteTable { .. } => "detach_route_table",
        Edit::DetachSubnetNsg { .. } => "detach_subnet_nsg",
        Edit::RemoveServiceEndpoint { .. } => "remove_service_endpoint",
        Edit::RemovePeering { .. } => "remove_peering",
        Edit::FlipPeeringFlag { .. } => "flip_peering_flag",
        Edit::RemoveZoneLink { .. } => "remove_zone_link",
        Edit::RemovePrivateEndpoint { .. } => "remove_private_endpoint",
        Edit::FlipPublicNetworkAccess { .. } => "flip_public_network_access",
        Edit::FlipDefaultAction { .. } => "flip_default_action",
        _ => "other",
    }
}

/// Processor time of this thread so far, from `/proc/thread-self/schedstat` (nanoseconds on
/// the processor; zero where the file does not exist).
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
    let ns = stat
        .split_whitespace()
        .next()
        .and_then(|x| x.parse().ok())
        .unwrap_or(0);
    Duration::from_nanos(ns)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let w = match args.get(1).map(String::as_str) {
        Some("T1") => Workload::T1,
        Some("T3") => Workload::T3,
        _ => Workload::T2,
    };
    let per_kind: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(20);
    // Only this kind; with `chain`, the edits follow one another (nothing put back: for a
    // profiler, which then sees the updates alone).
    let only: Option<&str> = args.get(3).map(String::as_str);
    let chain = args.get(4).is_some_and(|a| a == "chain");
    let opts = BuildOptions::default();
    let text = generate(w, 1);
    let d: Design = vnetlab_core::load("live.yaml", text.as_bytes(), &opts)
        .design
        .expect("generated designs are valid");
    let ports: Vec<(Protocol, u16)> = MATRIX_PORTS.map(|p| (Protocol::Tcp, p)).to_vec();
    let mut edits = single_edits(&d.file);
    edits.extend(
        d.file
            .services
            .keys()
            .map(|service| Edit::FlipDefaultAction {
                service: service.clone(),
            }),
    );
    let start = Instant::now();
    let fresh = LiveMatrix::new(&d, &ports);
    eprintln!(
        "{} subnets; live matrix started in {:?}",
        d.subnets.len(),
        start.elapsed()
    );
    let mut kinds: Vec<&'static str> = edits.iter().map(kind).collect();
    kinds.sort_unstable();
    kinds.dedup();
    let mut live = fresh;
    let mut design = d.clone();
    for k in kinds.into_iter().filter(|k| only.is_none_or(|o| o == *k)) {
        let of_kind: Vec<&Edit> = edits.iter().filter(|e| kind(e) == k).collect();
        let step = (of_kind.len() / per_kind).max(1);
        let (mut times, mut rows, mut cells, mut on_cpu) = (Vec::new(), 0, 0, Duration::ZERO);
        for e in of_kind.iter().step_by(step).take(per_kind) {
            let c0 = cpu();
            let t0 = Instant::now();
            let r = live.apply_edit(&mut design, e, &opts);
            let t = t0.elapsed();
            on_cpu += cpu().saturating_sub(c0);
            let Ok(u) = r else { continue };
            times.push(t);
            rows += u.rows_recomputed;
            cells += u.cells.len();
            if !chain {
                // Put back: a fresh copy of the design and the matrix of it (not timed).
                design = d.clone();
                live = LiveMatrix::new(&design, &ports);
            }
        }
        if times.is_empty() {
            continue;
        }
        times.sort();
        let n = times.len();
        println!(
            "{k}: {n} edits, p50 {:.3} ms, p99 {:.3} ms, on CPU {:.1} ms in all ({:.1} ms wall), rows {:.1}, changed cells {:.1}",
            times[n / 2].as_secs_f64() * 1e3,
            times[(n * 99 / 100).min(n - 1)].as_secs_f64() * 1e3,
            on_cpu.as_secs_f64() * 1e3,
            times.iter().sum::<Duration>().as_secs_f64() * 1e3,
            rows as f64 / n as f64,
            cells as f64 / n as f64,
        );
    }
}
