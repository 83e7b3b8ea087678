//! `check --faults 1` beside a plain `check` of the same generated file (issue #13: faults on T2
//! within 20× a check). Both include reading and building the design, as the command line does.
//! Also prints the ratio of one timed run of each, and how many edits were tried and skipped.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use vnetlab_core::generate::{Workload, generate};
use vnetlab_core::model::BuildOptions;

/// `vnetlab check FILE`: load, then prove the expectations.
fn check(text: &str, opts: &BuildOptions) -> vnetlab_core::check::CheckReport {
    let d = vnetlab_core::load("bench.yaml", text.as_bytes(), opts)
        .design
        .expect("generated designs are valid");
    vnetlab_core::check(&d)
}

/// `vnetlab check --faults 1 FILE`: the same, then every single edit that can break one.
fn faults(text: &str, opts: &BuildOptions) -> vnetlab_core::diff::Faults {
    let d = vnetlab_core::load("bench.yaml", text.as_bytes(), opts)
        .design
        .expect("generated designs are valid");
    let report = vnetlab_core::check(&d);
    assert!(report.all_hold(), "the generated expectations hold");
    vnetlab_core::diff::faults(&d, &report, opts, &mut |_, _| {})
}

fn benches(c: &mut Criterion) {
    let opts = BuildOptions::default();
    let mut g = c.benchmark_group("check_faults_1");
    g.sample_size(10);
    let mut workloads = vec![("T1", Workload::T1), ("T2", Workload::T2)];
    if std::env::var_os("VNETLAB_BENCH_T3").is_some() {
        workloads.push(("T3", Workload::T3));
    }
    for (name, w) in workloads {
        let text = generate(w, 1);
        let start = std::time::Instant::now();
        black_box(check(&text, &opts));
        let plain = start.elapsed();
        let start = std::time::Instant::now();
        let f = faults(&text, &opts);
        let with = start.elapsed();
        eprintln!(
            "faults {name}: check {plain:?}, check --faults 1 {with:?} ({:.1}×); {} edits tried, {} skipped, {} break an expectation",
            with.as_secs_f64() / plain.as_secs_f64(),
            f.tried.len(),
            f.skipped,
            f.fragile().count()
        );
        g.bench_function(BenchmarkId::new("check", name), |b| {
            b.iter(|| check(&text, &opts))
        });
        g.bench_function(BenchmarkId::new("check_and_faults", name), |b| {
            b.iter(|| faults(&text, &opts))
        });
    }
    g.finish();
}

criterion_group!(faults_bench, benches);
criterion_main!(faults_bench);
