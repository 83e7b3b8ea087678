//! The engine's benchmarks (Q1–Q5 and load of `performance.md`) run in the browser, on the
//! WASM build: opening the page with `?bench` in its address runs them on the generated
//! workloads T1, T2 and T4 and shows one line per figure (the e2e test `wasm benchmarks` prints
//! them). Figures only: nothing asserts a time. The same questions as the native criterion
//! benchmarks (`core/benches/engine.rs`), on the same designs (seed 1).
//!
//! The browser's clock is coarse (`performance.now()` is rounded to 100 µs on a page that is
//! not cross-origin isolated), so questions shorter than that are timed in batches and given as
//! a mean; longer ones are timed one by one and given as p50 and p99.

use vnetlab_core::generate::{MATRIX_PORTS, Workload, benchmark_flow, generate};
use vnetlab_core::model::{BuildOptions, Design};
use vnetlab_core::net::{PortRange, PortSet, Protocol};
use vnetlab_core::query::{Endpoint, EndpointSet};
use vnetlab_core::reach::matrix::{MatrixBy, matrix};
use vnetlab_core::reach::{Atoms, check_set_with};
use vnetlab_core::session::Session;
use vnetlab_core::trace::{TraceOptions, origin_at_ip, trace_packet};
use vnetlab_core::whatif::{Edit, single_edits};

/// One measured figure.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// What was measured, e.g. `Q3 matrix subnets × subnets × 16 ports, T2`.
    pub measure: String,
    /// How it is summarised: `mean of N` (batched) or `p50 / p99 of N`.
    pub summary: String,
    /// Milliseconds: the mean, or the p50 and p99.
    pub ms: Vec<f64>,
}

impl Figure {
    /// One line of text: `measure: 1.23 ms / 4.56 ms (summary)`, small figures in µs.
    pub fn line(&self) -> String {
        let ms: Vec<String> = self
            .ms
            .iter()
            .map(|&m| {
                if m < 1.0 {
                    format!("{:.3} µs", m * 1000.0)
                } else {
                    format!("{m:.2} ms")
                }
            })
            .collect();
        format!("{}: {} ({})", self.measure, ms.join(" / "), self.summary)
    }
}

fn load(w: Workload) -> (String, Design) {
    let text = generate(w, 1);
    let d = vnetlab_core::load("bench.yaml", text.as_bytes(), &BuildOptions::default())
        .design
        .expect("generated designs are valid");
    (text, d)
}

/// Times `f` `runs` times one by one, after one untimed run (the browser compiles hot WASM
/// code again, optimised, after its first runs): p50 and p99.
fn each(now: &dyn Fn() -> f64, measure: &str, runs: usize, mut f: impl FnMut()) -> Figure {
    f();
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let start = now();
            f();
            now() - start
        })
        .collect();
    t.sort_by(f64::total_cmp);
    Figure {
        measure: measure.to_string(),
        summary: format!("p50 / p99 of {runs}"),
        ms: vec![t[runs / 2], t[(runs * 99 / 100).min(runs - 1)]],
    }
}

/// Times `runs` calls of `f` together, after `runs / 10` untimed ones: the mean.
fn batch(now: &dyn Fn() -> f64, measure: &str, runs: usize, mut f: impl FnMut()) -> Figure {
    for _ in 0..runs / 10 {
        f();
    }
    let start = now();
    for _ in 0..runs {
        f();
    }
    Figure {
        measure: measure.to_string(),
        summary: format!("mean of {runs}"),
        ms: vec![(now() - start) / runs as f64],
    }
}

/// The workloads of the page: (name, workload, runs of the slow questions).
pub const WORKLOADS: [(&str, Workload, usize); 2] =
    [("T1", Workload::T1, 5), ("T2", Workload::T2, 3)];

/// Runs every benchmark on `workloads` (then Q5 on T4) with the clock `now` (milliseconds),
/// reporting each figure to `progress` as it is measured, and returns them all.
pub fn run(
    now: &dyn Fn() -> f64,
    workloads: &[(&str, Workload, usize)],
    progress: &mut dyn FnMut(&Figure),
) -> Vec<Figure> {
    let mut out = Vec::new();
    let mut push = |f: Figure| {
        progress(&f);
        out.push(f);
    };
    let opts = BuildOptions::default();
    for &(name, w, runs) in workloads {
        let (text, d) = load(w);
        push(each(
            now,
            &format!("load + validate + build, {name}"),
            runs,
            || {
                let l = vnetlab_core::load("bench.yaml", text.as_bytes(), &opts);
                assert!(l.design.is_some());
            },
        ));
        let f = benchmark_flow(&d);
        let origin = origin_at_ip(&d, f.src).expect("the flow starts in a subnet");
        push(batch(
            now,
            &format!("Q1 one flow traced with explanation, {name}"),
            10_000,
            || {
                let t = trace_packet(&d, origin.clone(), f, TraceOptions::default());
                assert!(!t.hops.is_empty());
            },
        ));
        let atoms = Atoms::of(&d);
        let src = EndpointSet::One(Endpoint::Ip(f.src));
        let dst = EndpointSet::Prefix(f.dst.into());
        let all = PortSet::from_ranges(vec![PortRange::ANY]);
        let protocols = [Protocol::Tcp, Protocol::Udp];
        push(each(
            now,
            &format!("Q2 every packet from A to B, {name}"),
            21,
            || {
                let r = check_set_with(&d, &atoms, &src, &dst, &protocols, &all, false);
                assert!(r.classes > 0);
            },
        ));
        let ports: Vec<(Protocol, u16)> = MATRIX_PORTS.map(|p| (Protocol::Tcp, p)).to_vec();
        push(each(
            now,
            &format!("Q3 matrix subnets × subnets × 16 ports, {name}"),
            runs,
            || {
                let m = matrix(&d, MatrixBy::Subnet, &ports);
                assert_eq!(m.names.len(), d.subnets.len());
            },
        ));
        let flip = Edit::FlipNsgRuleAccess {
            nsg: "nsg0".into(),
            rule: "r0".into(),
        };
        let mut edited = d.clone();
        // Each run flips the rule: the design alternates between two states.
        push(batch(
            now,
            &format!("Q4a one NSG rule edit → updated model, {name}"),
            100_000,
            || {
                edited.apply_edit(&flip, &opts).expect("the rule exists");
            },
        ));
        let flips: Vec<Edit> = single_edits(&d.file)
            .into_iter()
            .filter(|e| matches!(e, Edit::FlipNsgRuleAccess { .. }))
            .collect();
        let step = (flips.len() / 100).max(1);
        let mut live = Session::new("generated.yaml", d, &ports, opts.clone());
        // Each run flips another rule, left flipped: one real edit of the design as the runs
        // before left it.
        let mut k = 0;
        push(each(
            now,
            &format!(
                "Q4b one NSG rule edit → updated matrix (16 ports), expectations, audit and diff, {name}"
            ),
            100.min(flips.len()),
            || {
                let e = &flips[(k * step) % flips.len()];
                k += 1;
                live.apply(e.clone()).expect("a rule flip applies");
            },
        ));
    }
    let (_, t4) = load(Workload::T4);
    push(each(
        now,
        "Q5 audit of a 1,000-rule NSG (T4), rule lint included",
        11,
        || {
            let a = vnetlab_core::aml::audit(&t4);
            assert!(!a.findings.is_empty());
        },
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The benchmarks run natively too (with a counting clock): every figure is there, in
    /// order, with its numbers.
    #[test]
    fn every_benchmark_runs_and_reports_its_figures() {
        let tick = std::cell::Cell::new(0.0);
        let now = || {
            tick.set(tick.get() + 1.0);
            tick.get()
        };
        let mut seen = 0;
        let figures = run(&now, &WORKLOADS[..1], &mut |_| seen += 1);
        assert_eq!(seen, figures.len());
        let names: Vec<&str> = figures
            .iter()
            .map(|f| f.measure.split(',').next().unwrap_or_default())
            .collect();
        assert_eq!(names.iter().filter(|n| n.starts_with("Q1")).count(), 1);
        assert_eq!(names.iter().filter(|n| n.starts_with("Q4b")).count(), 1);
        assert!(names.last().is_some_and(|n| n.starts_with("Q5")));
        assert!(
            figures
                .iter()
                .all(|f| !f.ms.is_empty() && f.ms.iter().all(|m| *m > 0.0))
        );
    }
}
