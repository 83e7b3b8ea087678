//! Benchmarks Q1–Q5 of performance.md on the generated workloads T1–T4, each beside its
//! brute-force baseline where one exists. Run: `cargo bench -p vnetlab-core` (results in
//! docs/performance.md).

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;
use vnetlab_core::generate::{MATRIX_PORTS, Workload, benchmark_flow, generate};
use vnetlab_core::model::{BuildOptions, Design, SubnetId};
use vnetlab_core::net::{Flow, PortRange, PortSet, Protocol};
use vnetlab_core::query::EndpointSet;
use vnetlab_core::reach::{Atoms, check_set_with};
use vnetlab_core::trace::{TraceOptions, origin_at_ip, trace_packet};

fn load(w: Workload) -> Design {
    let text = generate(w, 1);
    vnetlab_core::load("bench.yaml", text.as_bytes(), &BuildOptions::default())
        .design
        .expect("generated designs are valid")
}

fn q1_trace(c: &mut Criterion, designs: &[(&str, &Design)]) {
    let mut g = c.benchmark_group("q1_trace_one_flow");
    for (name, d) in designs {
        let f = benchmark_flow(d);
        let origin = origin_at_ip(d, f.src).unwrap();
        g.bench_function(*name, |b| {
            b.iter(|| {
                trace_packet(
                    d,
                    black_box(origin.clone()),
                    black_box(f),
                    TraceOptions::default(),
                )
            })
        });
    }
    g.finish();
}

fn q2_every_packet(c: &mut Criterion, designs: &[(&str, &Design)]) {
    let mut g = c.benchmark_group("q2_every_packet_a_to_b");
    g.sample_size(10);
    for (name, d) in designs {
        let atoms = Atoms::of(d);
        let f = benchmark_flow(d);
        let src = EndpointSet::One(vnetlab_core::query::Endpoint::Ip(f.src));
        let dst = EndpointSet::Prefix(ipnet::Ipv4Net::from(f.dst));
        let all = PortSet::from_ranges(vec![PortRange::ANY]);
        g.bench_function(BenchmarkId::new("symbolic", name), |b| {
            b.iter(|| {
                check_set_with(
                    d,
                    &atoms,
                    &src,
                    &dst,
                    &[Protocol::Tcp, Protocol::Udp],
                    &all,
                    false,
                )
            })
        });
        let origin = origin_at_ip(d, f.src).unwrap();
        g.bench_function(BenchmarkId::new("brute_force_every_port", name), |b| {
            b.iter(|| {
                let mut n = 0u32;
                for proto in [Protocol::Tcp, Protocol::Udp] {
                    for port in 0..=u16::MAX {
                        let t = trace_packet(
                            d,
                            origin.clone(),
                            Flow {
                                protocol: proto,
                                dst_port: port,
                                ..f
                            },
                            TraceOptions::default(),
                        );
                        n += u32::from(t.verdict.allowed());
                    }
                }
                n
            })
        });
    }
    g.finish();
}

/// One trace per (source subnet, destination subnet, port) for the first `rows` source subnets:
/// a sample of the cells, not a proof (the baseline of performance.md).
fn one_trace_per_cell(d: &Design, ports: &[(Protocol, u16)], rows: usize) -> u32 {
    let mut n = 0u32;
    for s in d.subnets.iter().take(rows) {
        for t in &d.subnets {
            let src = std::net::Ipv4Addr::from(u32::from(s.prefix.network()) + 4);
            let dst = std::net::Ipv4Addr::from(u32::from(t.prefix.network()) + 4);
            let Some(o) = origin_at_ip(d, src) else {
                continue;
            };
            for &(protocol, port) in ports {
                let f = Flow {
                    src,
                    dst,
                    protocol,
                    src_port: 50000,
                    dst_port: port,
                };
                n += u32::from(
                    trace_packet(d, o.clone(), f, TraceOptions::default())
                        .verdict
                        .allowed(),
                );
            }
        }
    }
    n
}

fn q3_matrix(c: &mut Criterion, designs: &[(&str, &Design)]) {
    use vnetlab_core::reach::matrix::{MatrixBy, matrix, matrix_by_tracing};
    let ports: Vec<(Protocol, u16)> = MATRIX_PORTS.map(|p| (Protocol::Tcp, p)).to_vec();
    let mut g = c.benchmark_group("q3_matrix_subnets_16_ports");
    g.sample_size(10);
    for (name, d) in designs {
        g.bench_function(format!("{name}_sets"), |b| {
            b.iter(|| matrix(d, MatrixBy::Subnet, &ports))
        });
        if d.subnets.len() <= 100 {
            g.bench_function(format!("{name}_tracing_every_class"), |b| {
                b.iter(|| matrix_by_tracing(d, MatrixBy::Subnet, &ports))
            });
            g.bench_function(format!("{name}_one_trace_per_cell_and_port"), |b| {
                b.iter(|| one_trace_per_cell(d, &ports, d.subnets.len()))
            });
        } else {
            // Tracing every cell of a large design takes minutes: time 10 source rows and
            // multiply by rows / 10 to compare.
            g.bench_function(format!("{name}_one_trace_per_cell_and_port_10_rows"), |b| {
                b.iter(|| one_trace_per_cell(d, &ports, 10))
            });
        }
    }
    g.finish();
}

fn q4_what_if(c: &mut Criterion, designs: &[(&str, &Design)]) {
    let mut g = c.benchmark_group("q4_one_rule_edit");
    let opts = BuildOptions::default();
    g.sample_size(10);
    for (name, d) in designs {
        let edit = vnetlab_core::whatif::Edit::FlipNsgRuleAccess {
            nsg: "nsg0".into(),
            rule: "r0".into(),
        };
        g.bench_function(BenchmarkId::new("edit_rebuild", name), |b| {
            b.iter(|| {
                let f = edit.apply(&d.file).unwrap();
                vnetlab_core::rebuild("edited", &f, &opts).design.unwrap()
            })
        });
        g.bench_function(BenchmarkId::new("edit_incremental", name), |b| {
            b.iter_custom(|iters| {
                timed_on_copies(d, iters, |copy| {
                    copy.apply_edit(&edit, &opts).unwrap();
                })
            })
        });
        let route_edit = vnetlab_core::whatif::Edit::RemoveRoute {
            route_table: "rt0".into(),
            route: "u1".into(),
        };
        g.bench_function(BenchmarkId::new("route_edit_incremental", name), |b| {
            b.iter_custom(|iters| {
                timed_on_copies(d, iters, |copy| {
                    copy.apply_edit(&route_edit, &opts).unwrap();
                })
            })
        });
        let f = benchmark_flow(d);
        g.bench_function(BenchmarkId::new("edit_incremental_retrace", name), |b| {
            b.iter_custom(|iters| {
                timed_on_copies(d, iters, |copy| {
                    copy.apply_edit(&edit, &opts).unwrap();
                    let o = origin_at_ip(copy, f.src).unwrap();
                    black_box(trace_packet(copy, o, f, TraceOptions::default()).verdict);
                })
            })
        });
        g.bench_function(BenchmarkId::new("edit_rebuild_retrace", name), |b| {
            b.iter(|| {
                let file = edit.apply(&d.file).unwrap();
                let nd = vnetlab_core::rebuild("edited", &file, &opts)
                    .design
                    .unwrap();
                let o = origin_at_ip(&nd, f.src).unwrap();
                trace_packet(&nd, o, f, TraceOptions::default()).verdict
            })
        });
    }
    g.finish();
}

/// Q4b: one NSG rule edit → the updated matrix (16 ports), expectations, audit and their diff,
/// with the live [`Session`](vnetlab_core::session::Session), beside the same from scratch (rebuild, then `diff` of two full matrices).
/// The edit is the first rule flip in file order that changes some cell. Also prints the p50 and
/// p99 of 200 different rule flips (each applied and undone), which criterion does not report.
fn q4b_edit_and_diff(c: &mut Criterion, designs: &[(&str, &Design)]) {
    use vnetlab_core::diff::diff;
    use vnetlab_core::session::Session;
    use vnetlab_core::whatif::Edit;
    let ports: Vec<(Protocol, u16)> = MATRIX_PORTS.map(|p| (Protocol::Tcp, p)).to_vec();
    let opts = BuildOptions::default();
    let mut g = c.benchmark_group("q4b_rule_edit_matrix_and_diff");
    g.sample_size(10);
    for (name, d) in designs {
        let mut live = Session::new("generated.yaml", (*d).clone(), &ports, opts.clone());
        let flips: Vec<Edit> = vnetlab_core::whatif::single_edits(&d.file)
            .into_iter()
            .filter(|e| matches!(e, Edit::FlipNsgRuleAccess { .. }))
            .collect();
        let edit = flips
            .iter()
            .find(|e| {
                let diff = live
                    .apply((*e).clone())
                    .expect("a rule flip applies")
                    .expect("valid");
                let changed = !diff.newly_reaches.is_empty() || !diff.no_longer_reaches.is_empty();
                live.apply((*e).clone()).expect("a rule flip applies");
                changed
            })
            .unwrap_or(&flips[0])
            .clone();
        let mut times: Vec<Duration> = flips
            .iter()
            .step_by((flips.len() / 200).max(1))
            .take(200)
            .map(|e| {
                let start = std::time::Instant::now();
                black_box(live.apply(e.clone()).expect("a rule flip applies"));
                let t = start.elapsed();
                live.apply(e.clone()).expect("a rule flip applies");
                t
            })
            .collect();
        times.sort();
        eprintln!(
            "q4b {name}: {} rule flips, p50 {:?}, p99 {:?}",
            times.len(),
            times[times.len() / 2],
            times[times.len() * 99 / 100]
        );
        // Each iteration flips the rule: the design alternates between two states.
        g.bench_function(BenchmarkId::new("live_design", name), |b| {
            b.iter(|| black_box(live.apply(edit.clone()).expect("a rule flip applies")))
        });
        g.bench_function(
            BenchmarkId::new("rebuild_and_diff_from_scratch", name),
            |b| {
                b.iter(|| {
                    let file = edit.apply(&d.file).unwrap();
                    let after = vnetlab_core::rebuild("edited", &file, &opts)
                        .design
                        .unwrap();
                    black_box(diff(d, &after, &ports))
                })
            },
        );
    }
    g.finish();
}

/// Times `f` on a fresh copy of the design per iteration; copying and dropping are not timed.
fn timed_on_copies(d: &Design, iters: u64, f: impl Fn(&mut Design)) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        let mut copy = d.clone();
        let start = std::time::Instant::now();
        f(&mut copy);
        total += start.elapsed();
        drop(copy);
    }
    total
}

fn q5_lint(c: &mut Criterion) {
    let d = load(Workload::T4);
    let mut g = c.benchmark_group("q5_audit_1000_rule_nsg");
    g.sample_size(10);
    g.bench_function("T4_audit_including_rule_lint", |b| {
        b.iter(|| vnetlab_core::aml::audit(&d))
    });
    g.bench_function("T4_rule_lint_only", |b| {
        b.iter(|| vnetlab_core::aml::findings::RuleLint::of(&d))
    });
    g.finish();
}

/// The network-wide loop search: the forwarding graph of every forwarder and its cycles over
/// every destination.
fn q6_loops(c: &mut Criterion, designs: &[(&str, &Design)]) {
    let mut g = c.benchmark_group("q6_routing_loop_search");
    g.sample_size(10);
    for (name, d) in designs {
        g.bench_function(*name, |b| {
            b.iter(|| vnetlab_core::reach::forwarding::routing_loops(d))
        });
    }
    g.finish();
}

/// The exhaustive diff (every shared end, every protocol and port class) of a design and the
/// same design after one NSG rule flip — the first in file order that changes the diff — beside
/// the baseline, timed once: the same diff computing every pair and class (`Scope::everything`,
/// T1 only: on T2 it takes minutes).
fn q7_exhaustive_diff(c: &mut Criterion, designs: &[(&str, &Design)]) {
    use vnetlab_core::diff::exhaustive::{changes_within, port_classes, reach_changes};
    use vnetlab_core::whatif::Edit;
    let opts = BuildOptions::default();
    let mut g = c.benchmark_group("q7_exhaustive_diff");
    g.sample_size(10);
    for (name, d) in designs {
        let flips: Vec<Edit> = vnetlab_core::whatif::single_edits(&d.file)
            .into_iter()
            .filter(|e| matches!(e, Edit::FlipNsgRuleAccess { .. }))
            .collect();
        let edited = |e: &Edit| {
            let mut after = (*d).clone();
            after.apply_edit(e, &opts).expect("a rule flip applies");
            after
        };
        let (flip, after) = flips
            .iter()
            .take(400)
            .map(|e| (e, edited(e)))
            .find(|(_, after)| !reach_changes(d, after).is_empty())
            .unwrap_or_else(|| (&flips[0], edited(&flips[0])));
        let start = std::time::Instant::now();
        let n = reach_changes(d, &after).len();
        let once = start.elapsed();
        let classes = port_classes(d, &after);
        eprintln!(
            "q7 {name}: {} protocol/port classes, {n} changes for {flip:?}, once {once:?}",
            classes.len()
        );
        g.bench_function(*name, |b| b.iter(|| reach_changes(d, &after)));
        if *name == "T1" {
            // The baseline, once (seconds per run: too slow for criterion's ten samples).
            let all = vnetlab_core::diff::scope::Scope::everything(classes.len());
            let start = std::time::Instant::now();
            let m = changes_within(d, &after, &classes, &all).len();
            eprintln!(
                "q7 {name} baseline (every pair and class): {m} changes, once {:?}",
                start.elapsed()
            );
        }
    }
    g.finish();
}

fn load_and_tags(c: &mut Criterion) {
    let mut g = c.benchmark_group("load_validate_build");
    g.sample_size(10);
    for (name, w) in [("T1", Workload::T1), ("T2", Workload::T2)] {
        let text = generate(w, 1);
        g.bench_function(name, |b| {
            b.iter(|| vnetlab_core::load("bench.yaml", text.as_bytes(), &BuildOptions::default()))
        });
    }
    g.finish();
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/data/ServiceTags_Public_20240506.json"
    );
    if let Ok(text) = std::fs::read_to_string(path) {
        let mut g = c.benchmark_group("service_tags");
        g.sample_size(10);
        g.bench_function("load_full_file_76793_prefixes", |b| {
            b.iter(|| vnetlab_core::tags::ServiceTags::from_published_json(&text).unwrap())
        });
        g.finish();
    }
}

fn benches(c: &mut Criterion) {
    let (t1, t2) = (load(Workload::T1), load(Workload::T2));
    load_and_tags(c);
    q1_trace(c, &[("T1", &t1), ("T2", &t2)]);
    q2_every_packet(c, &[("T1", &t1), ("T2", &t2)]);
    q3_matrix(c, &[("T1", &t1), ("T2", &t2)]);
    q4_what_if(c, &[("T1", &t1), ("T2", &t2)]);
    q4b_edit_and_diff(c, &[("T1", &t1), ("T2", &t2)]);
    q5_lint(c);
    q6_loops(c, &[("T1", &t1), ("T2", &t2)]);
    q7_exhaustive_diff(c, &[("T1", &t1), ("T2", &t2)]);
    if std::env::var_os("VNETLAB_BENCH_T3").is_some() {
        let t3 = load(Workload::T3);
        q1_trace(c, &[("T3", &t3)]);
        q2_every_packet(c, &[("T3", &t3)]);
        q3_matrix(c, &[("T3", &t3)]);
        q4b_edit_and_diff(c, &[("T3", &t3)]);
        q6_loops(c, &[("T3", &t3)]);
    }
    let _ = SubnetId(0);
}

criterion_group!(engine, benches);
criterion_main!(engine);
