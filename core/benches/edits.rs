//! Q4b per edit kind (issue #14): one edit of each kind the apps offer ([`Edit`]) applied to a
//! live [`Session`] on generated T2 — the updated model, matrix (16 ports), expectations, Azure
//! ML audit and their diff. For every kind, up to 20 different edits of that kind are applied
//! one at a time and undone (the undo is not timed), and their p50 / p99 printed; criterion
//! also measures the kinds that undo themselves (the flips: each iteration flips the same
//! element, so the design alternates between two states). `VNETLAB_BENCH_T3=1` adds T3.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::{Duration, Instant};
use vnetlab_core::generate::{MATRIX_PORTS, Workload, generate};
use vnetlab_core::model::BuildOptions;
use vnetlab_core::net::Protocol;
use vnetlab_core::session::Session;
use vnetlab_core::whatif::{Edit, single_edits};

/// The kind of an edit, as its variant's name.
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
        Edit::RemoveFirewallRule { .. } => "remove_firewall_rule",
        Edit::FlipCollectionAction { .. } => "flip_collection_action",
        Edit::RemoveFortiPolicy { .. } => "remove_forti_policy",
        Edit::FlipFortiPolicyAction { .. } => "flip_forti_policy_action",
        Edit::FlipFortiPolicyNat { .. } => "flip_forti_policy_nat",
        #[allow(unreachable_patterns)]
        _ => "other",
    }
}

/// Whether applying the edit twice gives the design back.
fn undoes_itself(e: &Edit) -> bool {
    matches!(
        e,
        Edit::FlipNsgRuleAccess { .. }
            | Edit::FlipPeeringFlag { .. }
            | Edit::FlipPublicNetworkAccess { .. }
            | Edit::FlipDefaultAction { .. }
    )
}

fn benches(c: &mut Criterion) {
    let opts = BuildOptions::default();
    let ports: Vec<(Protocol, u16)> = MATRIX_PORTS.map(|p| (Protocol::Tcp, p)).to_vec();
    let mut workloads = vec![("T2", Workload::T2)];
    if std::env::var_os("VNETLAB_BENCH_T3").is_some() {
        workloads.push(("T3", Workload::T3));
    }
    let mut g = c.benchmark_group("q4b_edit_kind");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(2));
    for (name, w) in workloads {
        let text = generate(w, 1);
        let d = vnetlab_core::load("bench.yaml", text.as_bytes(), &opts)
            .design
            .expect("generated designs are valid");
        let mut edits = single_edits(&d.file);
        // The generator sets no default action: its flip is offered like the others.
        let services: Vec<String> = d.file.services.keys().cloned().collect();
        edits.extend(
            services
                .into_iter()
                .map(|service| Edit::FlipDefaultAction { service }),
        );
        let mut live = Session::new("generated.yaml", d, &ports, opts.clone());
        let mut kinds: Vec<&'static str> = edits.iter().map(kind).collect();
        kinds.sort_unstable();
        kinds.dedup();
        for k in kinds {
            let of_kind: Vec<&Edit> = edits.iter().filter(|e| kind(e) == k).collect();
            let step = (of_kind.len() / 20).max(1);
            let mut times: Vec<Duration> = Vec::new();
            for e in of_kind.iter().step_by(step).take(20) {
                let start = Instant::now();
                let r = live.apply((*e).clone());
                times.push(start.elapsed());
                if r.is_ok() {
                    live.undo();
                }
            }
            times.sort();
            eprintln!(
                "q4b {name} {k}: {} edits, p50 {:?}, p99 {:?}",
                times.len(),
                times[times.len() / 2],
                times[(times.len() * 99 / 100).min(times.len() - 1)]
            );
            if undoes_itself(of_kind[0]) {
                let e = of_kind[0].clone();
                g.bench_function(BenchmarkId::new(k, name), |b| {
                    b.iter(|| black_box(live.apply(e.clone()).expect("a flip applies")))
                });
                live.reset();
            }
        }
    }
    g.finish();
}

criterion_group!(edits_bench, benches);
criterion_main!(edits_bench);
