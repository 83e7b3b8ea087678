//! Q4b for NSG rule edits (issue #14): how long the live matrix ([`LiveMatrix::apply_edit`])
//! takes to follow one rule edit of a generated design, over many different rules. Each edit is
//! applied, timed, and undone (the undo is not timed), in several rounds; p50 / p90 / p99 / max
//! are printed over every run, by the wall clock and by the processor. The processor time of a
//! run is its wall time less the time the thread waited for a processor meanwhile (the run
//! delay Linux counts in `/proc/thread-self/schedstat` each time it is given the processor
//! again), so that on a machine shared with other processes it leaves out their turns. With
//! `session`, the same edits are also applied to a live [`Session`] (matrix, expectations,
//! audit, diff).
//!
//! Run: `cargo run --release -p vnetlab-core --example rule_edits -- T3 [N] [flip|remove]
//! [reps=R] [fresh] [session]` (N different edits spread over the design's list, 200 unless
//! told; flips unless told; R rounds, 3 unless told; `fresh`: each flip on a live matrix just
//! started, as each removal is, since a removed rule comes back only by starting again).

use std::time::{Duration, Instant};
use vnetlab_core::generate::{MATRIX_PORTS, Workload, generate};
use vnetlab_core::model::{BuildOptions, Design};
use vnetlab_core::net::Protocol;
use vnetlab_core::reach::live::LiveMatrix;
use vnetlab_core::session::Session;
use vnetlab_core::whatif::{Edit, single_edits};

/// How long this thread has waited for a processor so far (Linux's schedstat run delay), when
/// the system says.
fn waited() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().nth(1)?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// One timed call: the wall clock, and the processor time when the system says how long the
/// thread waited (the wall clock less the waits, less what reading them costs).
#[derive(Clone, Copy)]
struct Timing {
    wall: Duration,
    proc: Option<Duration>,
}

/// Times one call; `reading` is what reading the run delay twice costs (see [`reading_cost`]).
fn timed<T>(reading: Duration, f: impl FnOnce() -> T) -> (T, Timing) {
    // The waits counted between the two readings all lie between `t0` and the end.
    let t0 = Instant::now();
    let w0 = waited();
    let t1 = Instant::now();
    let r = f();
    let wall = t1.elapsed();
    let w1 = waited();
    let outer = t0.elapsed();
    let proc = match (w0, w1) {
        (Some(a), Some(b)) => Some(outer.saturating_sub(b - a).saturating_sub(reading)),
        _ => None,
    };
    (r, Timing { wall, proc })
}

/// The median cost of the readings around an empty call.
fn reading_cost() -> Duration {
    let mut t: Vec<Duration> = (0..101)
        .map(|_| {
            let (_, t) = timed(Duration::ZERO, || ());
            t.proc.unwrap_or_default()
        })
        .collect();
    t.sort();
    t[t.len() / 2]
}

/// p50 / p90 / p99 / max of some durations, as text.
fn spread(mut t: Vec<Duration>) -> String {
    if t.is_empty() {
        return "none".into();
    }
    t.sort();
    let at = |q: usize| t[(t.len() * q / 100).min(t.len() - 1)];
    format!(
        "p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        at(50).as_secs_f64() * 1e3,
        at(90).as_secs_f64() * 1e3,
        at(99).as_secs_f64() * 1e3,
        t[t.len() - 1].as_secs_f64() * 1e3
    )
}

/// Prints the spread of some runs by the wall clock and by the processor.
fn report(what: &str, runs: &[Timing]) {
    let procs: Vec<Duration> = runs.iter().filter_map(|t| t.proc).collect();
    eprintln!("{what}, {} runs", runs.len());
    eprintln!(
        "  wall       {}",
        spread(runs.iter().map(|t| t.wall).collect())
    );
    eprintln!("  processor  {}", spread(procs));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (name, w) = match args.get(1).map(String::as_str) {
        Some("T1") => ("T1", Workload::T1),
        Some("T2") => ("T2", Workload::T2),
        _ => ("T3", Workload::T3),
    };
    let n: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(200);
    let remove = args.iter().any(|a| a == "remove");
    let session = args.iter().any(|a| a == "session");
    // Every edit on a live matrix just started (as removals always are).
    let fresh = args.iter().any(|a| a == "fresh");
    let reps: usize = args
        .iter()
        .find_map(|a| a.strip_prefix("reps=")?.parse().ok())
        .unwrap_or(3);
    let opts = BuildOptions::default();
    let ports: Vec<(Protocol, u16)> = MATRIX_PORTS.map(|p| (Protocol::Tcp, p)).to_vec();
    let text = generate(w, 1);
    let base: Design = vnetlab_core::load("rule_edits.yaml", text.as_bytes(), &opts)
        .design
        .expect("generated designs are valid");
    let all: Vec<Edit> = single_edits(&base.file)
        .into_iter()
        .filter(|e| match e {
            Edit::FlipNsgRuleAccess { .. } => !remove,
            Edit::RemoveNsgRule { .. } => remove,
            _ => false,
        })
        .collect();
    let step = all.len().div_ceil(n).max(1);
    let edits: Vec<&Edit> = all.iter().step_by(step).take(n).collect();
    let reading = reading_cost();
    eprintln!(
        "{name}: {} {} of {}, {reps} rounds; reading the run delay costs {:.1} µs (taken off)",
        edits.len(),
        if remove {
            "rule removals"
        } else {
            "rule flips"
        },
        all.len(),
        reading.as_secs_f64() * 1e6
    );

    let (mut live, t) = timed(reading, || LiveMatrix::new(&base, &ports));
    eprintln!(
        "live matrix started: wall {:?}, processor {:?}",
        t.wall, t.proc
    );
    let mut d = base.clone();
    let (mut runs, mut slow, mut rows) = (Vec::new(), Vec::new(), 0usize);
    for round in 0..reps {
        for e in &edits {
            let (r, t) = timed(reading, || live.apply_edit(&mut d, e, &opts));
            let Ok(u) = r else { continue };
            rows += u.rows_recomputed;
            runs.push(t);
            slow.push((t.proc.unwrap_or(t.wall), round, e));
            // Undo: a flip flips back; a removed rule comes back only by starting again.
            if remove || fresh {
                d = base.clone();
                live = LiveMatrix::new(&d, &ports);
            } else {
                live.apply_edit(&mut d, e, &opts)
                    .expect("a flip flips back");
            }
        }
    }
    report(
        &format!(
            "LiveMatrix::apply_edit ({:.1} rows recomputed on average)",
            rows as f64 / runs.len().max(1) as f64
        ),
        &runs,
    );
    slow.sort_by_key(|s| std::cmp::Reverse(s.0));
    for (t, round, e) in slow.iter().take(5) {
        eprintln!(
            "  slow: {:.3} ms (processor) in round {round}: {e}",
            t.as_secs_f64() * 1e3
        );
    }

    if session {
        let (mut s, t) = timed(reading, || {
            Session::new("rule_edits.yaml", base.clone(), &ports, opts.clone())
        });
        eprintln!("session started: wall {:?}, processor {:?}", t.wall, t.proc);
        let mut runs = Vec::new();
        for e in &edits {
            let (r, t) = timed(reading, || s.apply((*e).clone()));
            if r.is_err() {
                continue;
            }
            runs.push(t);
            s.undo();
        }
        report("Session::apply", &runs);
    }
}
