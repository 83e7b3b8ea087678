//! How long the exhaustive diff takes for single edits of a generated design, one line per
//! edit: a spread over the edit kinds a CI gate sees (NSG rule flips in both directions, a
//! route removed, a route table or an NSG detached, a peering removed).
//!
//! Run: `cargo run --release -p vnetlab-core --example diff_spread -- T2 [N]` (N edits of each
//! kind spread over its list, 3 unless told), optionally with a kind or part of an edit's text.

use std::time::Instant;
use vnetlab_core::diff::exhaustive::reach_changes;
use vnetlab_core::generate::{Workload, generate};
use vnetlab_core::model::{BuildOptions, Design};
use vnetlab_core::whatif::{Edit, single_edits};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let w = match args.get(1).map(String::as_str) {
        Some("T1") => Workload::T1,
        Some("T3") => Workload::T3,
        _ => Workload::T2,
    };
    let per_kind: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(3);
    let only: Option<&str> = args.get(3).map(String::as_str);
    let text = generate(w, 1);
    let opts = BuildOptions::default();
    let d: Design = vnetlab_core::load("spread.yaml", text.as_bytes(), &opts)
        .design
        .expect("generated designs are valid");
    let edits = single_edits(&d.file);
    let kind = |e: &Edit| -> &'static str {
        match e {
            Edit::FlipNsgRuleAccess { nsg, rule } => {
                let out = d.file.nsgs[nsg].rules.iter().any(|r| {
                    r.name.value == *rule
                        && r.direction == vnetlab_core::format::Direction::Outbound
                });
                if out { "flip-outbound" } else { "flip-inbound" }
            }
            Edit::RemoveNsgRule { .. } => "remove-rule",
            Edit::RemoveRoute { .. } => "remove-route",
            Edit::DetachRouteTable { .. } => "detach-route-table",
            Edit::DetachSubnetNsg { .. } => "detach-nsg",
            Edit::RemovePeering { .. } => "remove-peering",
            _ => "other",
        }
    };
    // Per kind, `per_kind` edits spread evenly over the kind's list.
    let mut by_kind: std::collections::BTreeMap<&str, Vec<&Edit>> = Default::default();
    for e in &edits {
        let k = kind(e);
        if k != "other" && only.is_none_or(|o| o == k || e.to_string().contains(o)) {
            by_kind.entry(k).or_default().push(e);
        }
    }
    let picked: Vec<(&str, &Edit)> = by_kind
        .iter()
        .flat_map(|(k, es)| {
            let step = es.len().div_ceil(per_kind).max(1);
            es.iter().step_by(step).map(move |e| (*k, *e))
        })
        .collect();
    let mut worst = std::time::Duration::ZERO;
    for (k, e) in picked {
        let mut after = d.clone();
        if after.apply_edit(e, &opts).is_err() {
            continue;
        }
        let (start, cpu) = (Instant::now(), on_cpu());
        let changes = reach_changes(&d, &after).len();
        let took = start.elapsed();
        let cpu = on_cpu().zip(cpu).map(|(b, a)| b - a);
        let cpu = cpu.map(|c| format!("{c:.3?} on CPU")).unwrap_or_default();
        worst = worst.max(took);
        println!("{k:20} {took:>12.3?} {cpu:>20} {changes:6} changes  {e}");
    }
    println!("slowest: {worst:.3?}");
}

/// How long this thread has run on a CPU (Linux's schedstat; `None` elsewhere): on a loaded
/// machine, closer to the time on an idle one than the elapsed time.
fn on_cpu() -> Option<std::time::Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(std::time::Duration::from_nanos(ns))
}
