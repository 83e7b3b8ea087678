//! `matrix`, `diff` and `check --faults`: every-packet questions over whole designs.

use crate::cli::{By, Format};
use std::process::ExitCode;
use vnetlab_core::diff::Faults;
use vnetlab_core::model::Design;
use vnetlab_core::net::Protocol;
use vnetlab_core::reach::matrix::MatrixBy;

/// Parses `22,443,udp/53`; a list naming no port (`--ports ""`) is a usage error, not an
/// empty answer.
pub fn ports(list: &str) -> Result<Vec<(Protocol, u16)>, String> {
    if list.split(',').all(|s| s.trim().is_empty()) {
        return Err(format!(
            "--ports `{list}` names no port: give one or more, e.g. 443 or 22,443,udp/53"
        ));
    }
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| {
            let (proto, port) = match item.split_once('/') {
                Some((p, n)) => (
                    Protocol::parse(p)
                        .filter(|p| p.has_ports())
                        .ok_or_else(|| format!("`{p}` is not tcp or udp"))?,
                    n,
                ),
                None => (Protocol::Tcp, item),
            };
            let port = port
                .parse::<u16>()
                .map_err(|_| format!("`{item}` is not a port (write 443 or udp/53)"))?;
            Ok((proto, port))
        })
        .collect()
}

/// Prints the matrix.
pub fn matrix(d: &Design, list: &str, by: By, format: Format) -> Result<ExitCode, String> {
    let ports = ports(list)?;
    let by = match by {
        By::Subnet => MatrixBy::Subnet,
        By::Workload => MatrixBy::Workload,
    };
    let m = vnetlab_core::reach::matrix::matrix(d, by, &ports);
    match format {
        Format::Text | Format::Sarif | Format::Junit | Format::Github => {
            for (i, n) in m.names.iter().enumerate() {
                outln!("{:>3}  {n}", i + 1);
            }
            outln!();
            out!("{}", m.render());
        }
        Format::Json => outln!("{}", serde_json::to_string_pretty(&m).expect("json")),
    }
    Ok(ExitCode::SUCCESS)
}

/// Prints what changed between two designs, over every packet; `list` narrows the
/// reachability changes shown to those on its ports.
pub fn diff(
    a: &Design,
    b: &Design,
    list: &str,
    fail_on_change: bool,
    format: Format,
) -> Result<ExitCode, String> {
    // No --ports: every change is shown (the default); a given list must name ports.
    let wanted = if list.is_empty() {
        Vec::new()
    } else {
        ports(list)?
    };
    let mut d = vnetlab_core::diff::diff_every_packet(a, b);
    let changed = !d.is_empty();
    let total = d.reach_changes.len();
    if !wanted.is_empty() {
        d.reach_changes.retain(|c| {
            wanted.iter().any(|&(p, n)| {
                c.touches(
                    p,
                    &vnetlab_core::net::PortSet::from_ranges(vec![
                        vnetlab_core::net::PortRange::single(n),
                    ]),
                )
            })
        });
    }
    let hidden = total - d.reach_changes.len();
    match format {
        Format::Text | Format::Sarif | Format::Junit | Format::Github => {
            if d.is_empty() && changed {
                outln!("no difference on the ports shown");
            } else {
                out!("{}", d.render());
            }
            if hidden > 0 {
                outln!(
                    "({hidden} more reachability changes on other ports, not shown: --ports narrows what is shown)"
                );
            }
        }
        Format::Json => outln!("{}", serde_json::to_string_pretty(&d).expect("json")),
    }
    Ok(ExitCode::from(if fail_on_change && changed {
        1
    } else {
        0
    }))
}

/// The text report of `check --faults 1`: which expectations each single edit breaks.
pub fn faults_text(design: &str, faults: &Faults) -> String {
    let fragile: Vec<_> = faults.fragile().collect();
    let mut out = format!(
        "fault tolerance of {design}: {} single edits tried ({} more skipped: they change nothing a holding expectation reads), {} break an expectation\n",
        faults.tried.len(),
        faults.skipped,
        fragile.len()
    );
    for f in &fragile {
        out.push_str(&format!(
            "  {} breaks: {}\n",
            f.description,
            f.breaks.join("; ")
        ));
    }
    for f in faults.tried.iter().filter(|f| f.invalid.is_some()) {
        out.push_str(&format!(
            "  {} makes the design invalid: {}\n",
            f.description,
            f.invalid.as_deref().unwrap_or("")
        ));
    }
    out
}

/// A progress line for `check --faults 1` on standard error: only when it is a terminal, only
/// once a run has taken a second, at most five times a second, and erased when done.
pub struct Progress {
    design: String,
    tty: bool,
    start: std::time::Instant,
    last: Option<std::time::Instant>,
}

impl Progress {
    /// A progress line for the faults of `design`.
    pub fn new(design: &str) -> Self {
        Self {
            design: design.to_string(),
            tty: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            start: std::time::Instant::now(),
            last: None,
        }
    }

    /// Shows `done` of `total` single edits looked at.
    pub fn show(&mut self, done: usize, total: usize) {
        use std::time::Duration;
        if !self.tty || self.start.elapsed() < Duration::from_secs(1) {
            return;
        }
        if done >= total {
            if self.last.is_some() {
                eprint!("\r\x1b[2K");
            }
            return;
        }
        if self
            .last
            .is_some_and(|t| t.elapsed() < Duration::from_millis(200))
        {
            return;
        }
        self.last = Some(std::time::Instant::now());
        eprint!(
            "\r\x1b[2Kfault tolerance of {}: {done} of {total} single edits looked at",
            self.design
        );
    }
}
