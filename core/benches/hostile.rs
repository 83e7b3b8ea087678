//! The loader on hostile shapes (issue #20): many anchors with and without aliases, millions
//! of errors, big valid files — each at two sizes, so the time per byte shows the growth is
//! linear. Run: `cargo bench -p vnetlab-core --bench hostile` (results in docs/performance.md).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use vnetlab_core::generate::hostile::{Shape, hostile};
use vnetlab_core::model::BuildOptions;

fn loading(c: &mut Criterion) {
    let mut g = c.benchmark_group("load_hostile");
    g.sample_size(10);
    for (name, shape) in Shape::ALL {
        for mb in [1usize, 4] {
            let text = hostile(shape, mb << 20);
            g.throughput(Throughput::Bytes(text.len() as u64));
            g.bench_with_input(BenchmarkId::new(name, format!("{mb}MB")), &text, |b, t| {
                b.iter(|| {
                    vnetlab_core::load("h.yaml", black_box(t.as_bytes()), &BuildOptions::default())
                })
            });
        }
    }
    g.finish();
}

criterion_group!(hostile_inputs, loading);
criterion_main!(hostile_inputs);
