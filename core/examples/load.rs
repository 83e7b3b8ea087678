//! Loads a design (load, validate, build: what `vnetlab_core::load` does, nothing else) and
//! prints how long it took, best of RUNS, with the time of each step, as wall-clock time and
//! as the processor time the process used (from `/proc/self/stat` on Linux; on a shared machine
//! the second is the steadier):
//! `cargo run --release -p vnetlab-core --example load -- FILE [RUNS]`.
//! `scripts/bench-load.sh` prints it beside Python's `json.load` of the same file; the figures
//! are in docs/performance.md ("Load + validate + build"). Exits 1 when the design does not
//! load, 2 on bad usage.

use std::time::{Duration, Instant};
use vnetlab_core::diag::Diagnostics;
use vnetlab_core::format::TopologyFile;
use vnetlab_core::model::{BuildOptions, build_owned};
use vnetlab_core::syntax::{Decode, Decoder, parse, parse_json};

/// The processor time (user and system) this process has used, when the system says
/// (Linux's `/proc/self/stat`, in clock ticks of 10 ms).
fn cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name (in parentheses): state is the first, utime the 12th.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((user + system) * 10))
}

/// A point in time, by the clock and by the processor.
struct Mark(Instant, Option<Duration>);

impl Mark {
    fn now() -> Self {
        Mark(Instant::now(), cpu())
    }

    /// The time since the mark: (wall clock, processor).
    fn elapsed(&self) -> (Duration, Option<Duration>) {
        let cpu = match (self.1, cpu()) {
            (Some(a), Some(b)) => Some(b.saturating_sub(a)),
            _ => None,
        };
        (self.0.elapsed(), cpu)
    }
}

/// The time of each step of one load: (wall clock, processor).
#[derive(Clone, Copy)]
struct Steps {
    read: (Duration, Option<Duration>),
    parse: (Duration, Option<Duration>),
    decode: (Duration, Option<Duration>),
    build: (Duration, Option<Duration>),
}

impl Steps {
    fn all(&self) -> [(Duration, Option<Duration>); 4] {
        [self.read, self.parse, self.decode, self.build]
    }

    fn total(&self) -> Duration {
        self.all().iter().map(|s| s.0).sum()
    }

    fn cpu(&self) -> Option<Duration> {
        self.all().iter().map(|s| s.1).sum()
    }
}

/// One load of `path`, step by step as `format::read` and `load` take them.
fn once(path: &str, opts: &BuildOptions) -> Result<Steps, String> {
    let t = Mark::now();
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
    let read = t.elapsed();
    let t = Mark::now();
    let text = std::str::from_utf8(&bytes).map_err(|e| format!("{path}: {e}"))?;
    let mut diags = Diagnostics::new(path);
    let root = match parse_json(text) {
        Some(root) => root,
        None => parse(text, &mut diags).ok_or_else(|| format!("{path}: does not parse"))?,
    };
    let parse = t.elapsed();
    let t = Mark::now();
    let file = TopologyFile::decode(&root, &mut Decoder { diags: &mut diags });
    drop(root);
    let file = file.ok_or_else(|| format!("{path}: does not decode"))?;
    let decode = t.elapsed();
    let t = Mark::now();
    let design = build_owned(file, opts, &mut diags);
    let build = t.elapsed();
    if design.is_none() {
        return Err(format!("{path}: does not build"));
    }
    Ok(Steps {
        read,
        parse,
        decode,
        build,
    })
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// `TOTAL s (read …, parse …, decode …, build …)` of one clock.
fn line(total: Duration, steps: [Duration; 4]) -> String {
    format!(
        "{:.2} s (read {}, parse {}, decode {}, build {})",
        total.as_secs_f64(),
        ms(steps[0]),
        ms(steps[1]),
        ms(steps[2]),
        ms(steps[3])
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(path), runs) = (args.get(1), args.get(2).map(|r| r.parse::<usize>())) else {
        eprintln!("usage: load FILE [RUNS]");
        std::process::exit(2);
    };
    let runs = match runs {
        None => 1,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("usage: load FILE [RUNS] (RUNS a whole number above 0)");
            std::process::exit(2);
        }
    };
    // The service tags are built once per process by `load` too; they are not the design's.
    let opts = BuildOptions::default();
    let mut best: Option<Steps> = None;
    for _ in 0..runs {
        match once(path, &opts) {
            Ok(s) => {
                // By processor time where known: the wall clock counts other processes' turns.
                let key = |s: &Steps| s.cpu().unwrap_or_else(|| s.total());
                if best.is_none_or(|b| key(&s) < key(&b)) {
                    best = Some(s);
                }
            }
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
    }
    let s = best.expect("at least one run");
    println!("wall {}", line(s.total(), s.all().map(|x| x.0)));
    if let Some(cpu) = s.cpu() {
        let steps = s.all().map(|x| x.1.unwrap_or_default());
        println!("cpu  {}", line(cpu, steps));
    }
}
