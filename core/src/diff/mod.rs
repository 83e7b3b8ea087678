//! What a change does: between two versions of a design, which subnet pairs newly reach each
//! other (or no longer do) on which ports — on chosen ports, or over every packet
//! ([`diff_every_packet`], `exhaustive.rs`) — and which expectations changed outcome.

use crate::aml::AuditReport;
use crate::model::Design;
use crate::net::Protocol;
use crate::reach::matrix::{MatrixBy, Reach, matrix};
use crate::whatif::{ExpectChange, expectation_changes};
use serde::Serialize;

pub mod exhaustive;
mod faults;
mod narrow;
pub mod parties;
pub mod scope;
mod wiring;
pub use exhaustive::ReachChange;
pub use faults::{Fault, Faults, faults};

/// One cell that changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CellChange {
    /// Source subnet.
    pub from: String,
    /// Destination subnet.
    pub to: String,
    /// Protocol.
    pub protocol: Protocol,
    /// Port.
    pub port: u16,
    /// Before.
    pub before: Reach,
    /// After.
    pub after: Reach,
}

/// The difference between two designs.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DesignDiff {
    /// Cells that reach more after the change.
    pub newly_reaches: Vec<CellChange>,
    /// Cells that reach less after the change.
    pub no_longer_reaches: Vec<CellChange>,
    /// Expectations whose outcome changed.
    pub expectations: Vec<ExpectChange>,
    /// Azure ML findings raised only after the change (`ID: title`).
    pub new_findings: Vec<String>,
    /// Azure ML findings raised only before the change.
    pub resolved_findings: Vec<String>,
    /// Required Azure ML flows that broke (`from → to proto/port`).
    pub broken_flows: Vec<String>,
    /// Required Azure ML flows that were repaired.
    pub repaired_flows: Vec<String>,
    /// Subnets only in the first design.
    pub removed_subnets: Vec<String>,
    /// Subnets only in the second design.
    pub added_subnets: Vec<String>,
    /// Every change over every packet, between every subnet both designs have
    /// ([`diff_every_packet`]; empty from [`diff`], which compares chosen ports).
    pub reach_changes: Vec<ReachChange>,
}

impl DesignDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.newly_reaches.is_empty()
            && self.no_longer_reaches.is_empty()
            && self.expectations.is_empty()
            && self.new_findings.is_empty()
            && self.resolved_findings.is_empty()
            && self.broken_flows.is_empty()
            && self.repaired_flows.is_empty()
            && self.removed_subnets.is_empty()
            && self.added_subnets.is_empty()
            && self.reach_changes.is_empty()
    }

    /// Files a changed cell under what it became.
    pub(crate) fn add_cell(&mut self, c: CellChange) {
        if c.after.rank() > c.before.rank() {
            self.newly_reaches.push(c);
        } else {
            self.no_longer_reaches.push(c);
        }
    }

    /// Adds the findings and required flows that differ between two Azure ML audits.
    pub(crate) fn add_audit_changes(&mut self, before: &AuditReport, after: &AuditReport) {
        let finding = |f: &crate::aml::findings::Finding| format!("{}: {}", f.id, f.title);
        let (fa, fb): (Vec<String>, Vec<String>) = (
            before.findings.iter().map(finding).collect(),
            after.findings.iter().map(finding).collect(),
        );
        self.new_findings = fb.iter().filter(|f| !fa.contains(f)).cloned().collect();
        self.resolved_findings = fa.iter().filter(|f| !fb.contains(f)).cloned().collect();
        let flow = |f: &crate::aml::flows::FlowResult| {
            (
                format!(
                    "{} → {} {}/{}",
                    f.flow.from, f.flow.to, f.flow.protocol, f.flow.port
                ),
                f.works,
            )
        };
        let wa: Vec<(String, bool)> = before.flows.iter().map(flow).collect();
        for (name, works) in after.flows.iter().map(flow) {
            match wa.iter().find(|(n, _)| *n == name) {
                Some((_, true)) if !works => self.broken_flows.push(name),
                Some((_, false)) if works => self.repaired_flows.push(name),
                None if !works => self.broken_flows.push(name),
                _ => {}
            }
        }
    }

    /// The diff as text.
    pub fn render(&self) -> String {
        if self.is_empty() {
            return "no difference in reachability or expectations\n".into();
        }
        let mut out = String::new();
        let rank = |r: Reach| match r {
            Reach::None => "none",
            Reach::Partial => "some",
            Reach::All => "all",
        };
        for (title, cells) in [
            ("newly reaches", &self.newly_reaches),
            ("no longer reaches", &self.no_longer_reaches),
        ] {
            for c in cells {
                out.push_str(&format!(
                    "{title}: {} → {} {}/{} ({} → {})\n",
                    c.from,
                    c.to,
                    c.protocol,
                    c.port,
                    rank(c.before),
                    rank(c.after)
                ));
            }
        }
        for e in &self.expectations {
            let o = |o: Option<crate::check::Outcome>| {
                o.map(|o| format!("{o:?}").to_lowercase())
                    .unwrap_or_else(|| "absent".into())
            };
            out.push_str(&format!(
                "expectation {}: {} → {} ({})\n",
                e.name,
                o(e.before),
                o(e.after),
                e.summary
            ));
        }
        for (title, items) in [
            ("new finding", &self.new_findings),
            ("resolved finding", &self.resolved_findings),
            ("required flow broken", &self.broken_flows),
            ("required flow repaired", &self.repaired_flows),
        ] {
            for i in items {
                out.push_str(&format!("{title}: {i}\n"));
            }
        }
        for c in &self.reach_changes {
            out.push_str(&c.line());
            out.push('\n');
            for (when, t) in [("before", &c.before_trace), ("after", &c.after_trace)] {
                if let Some(t) = t {
                    out.push_str(&format!("  {when}: {} — {}\n", t.flow, t.verdict));
                }
            }
        }
        for s in &self.added_subnets {
            out.push_str(&format!("subnet added: {s}\n"));
        }
        for s in &self.removed_subnets {
            out.push_str(&format!("subnet removed: {s}\n"));
        }
        out
    }
}

pub use crate::reach::matrix::DEFAULT_PORTS;

/// Compares two designs over the given ports.
pub fn diff(before: &Design, after: &Design, ports: &[(Protocol, u16)]) -> DesignDiff {
    let (ma, mb) = (
        matrix(before, MatrixBy::Subnet, ports),
        matrix(after, MatrixBy::Subnet, ports),
    );
    // Subnets by name in each design (names are unique).
    let index = |m: &crate::reach::matrix::Matrix| -> std::collections::HashMap<String, usize> {
        m.names
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, n)| (n, i))
            .collect()
    };
    let (in_a, in_b) = (index(&ma), index(&mb));
    let mut d = DesignDiff {
        expectations: expectation_changes(&crate::check(before), &crate::check(after)),
        removed_subnets: ma
            .names
            .iter()
            .filter(|n| !in_b.contains_key(*n))
            .cloned()
            .collect(),
        added_subnets: mb
            .names
            .iter()
            .filter(|n| !in_a.contains_key(*n))
            .cloned()
            .collect(),
        ..DesignDiff::default()
    };
    d.add_audit_changes(&crate::aml::audit(before), &crate::aml::audit(after));
    // Each subnet of the first design at its index in the second.
    let at_b: Vec<Option<usize>> = ma.names.iter().map(|n| in_b.get(n).copied()).collect();
    for (i, from) in ma.names.iter().enumerate() {
        let Some(bi) = at_b[i] else {
            continue;
        };
        for (j, to) in ma.names.iter().enumerate() {
            let Some(bj) = at_b[j] else {
                continue;
            };
            for (p, &(protocol, port)) in ports.iter().enumerate() {
                let (x, y) = (ma.cell(i, j, p), mb.cell(bi, bj, p));
                if x == y {
                    continue;
                }
                d.add_cell(CellChange {
                    from: from.clone(),
                    to: to.clone(),
                    protocol,
                    port,
                    before: x,
                    after: y,
                });
            }
        }
    }
    d
}

/// Compares two designs over every packet: the expectations, audits and subnets as [`diff`]
/// does, and every reachability change between the subnets both have, for every
/// protocol and destination port ([`exhaustive::reach_changes`]).
pub fn diff_every_packet(before: &Design, after: &Design) -> DesignDiff {
    DesignDiff {
        reach_changes: exhaustive::reach_changes(before, after),
        ..diff(before, after, &[])
    }
}
