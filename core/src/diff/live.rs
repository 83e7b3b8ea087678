//! A design kept analysed across edits: each edit gives its [`DesignDiff`] while recomputing
//! only what it touches — the matrix rows a rule edit can change ([`LiveMatrix`]) and the
//! expectations whose traces read something the edit changes ([`check::recheck_touching`]).
//! The Azure ML audit traces its flows again, but keeps the findings about rules alone except
//! for the NSG an edit changes. What it reports equals [`super::diff`] of the design before and
//! after; a test compares the two.

use super::{CellChange, DesignDiff};
use crate::aml::AuditReport;
use crate::aml::findings::RuleLint;
use crate::check::{self, CheckReport};
use crate::model::{BuildOptions, Design};
use crate::net::Protocol;
use crate::reach::live::LiveMatrix;
use crate::reach::matrix::Matrix;
use crate::whatif::{Edit, expectation_changes};

/// A design, its expectations' results, its Azure ML audit and its subnet matrix, kept up to
/// date edit by edit.
///
/// ```
/// use vnetlab_core::diff::LiveDesign;
/// use vnetlab_core::model::BuildOptions;
/// use vnetlab_core::net::Protocol;
/// use vnetlab_core::whatif::Edit;
///
/// let yaml = r#"
/// version: 1
/// name: two-subnets
/// vnets:
///   v:
///     address_space: [10.1.0.0/16]
///     subnets:
///       a: { prefix: 10.1.1.0/24 }
///       b: { prefix: 10.1.2.0/24, nsg: b-nsg }
/// nsgs:
///   b-nsg:
///     rules:
///       - { name: no-ssh, priority: 100, direction: inbound, access: deny, protocol: tcp, source: "*", destination: "*", destination_ports: "22" }
/// "#;
/// let opts = BuildOptions::default();
/// let design = vnetlab_core::load("two.yaml", yaml.as_bytes(), &opts).design.unwrap();
/// let mut live = LiveDesign::new(design, &[(Protocol::Tcp, 22)], opts);
/// let flip = Edit::FlipNsgRuleAccess { nsg: "b-nsg".into(), rule: "no-ssh".into() };
/// let diff = live.apply(&flip).unwrap();
/// let reached: Vec<_> = diff.newly_reaches.iter().map(|c| (c.from.as_str(), c.to.as_str())).collect();
/// // The NSG guards b against its own subnet too.
/// assert_eq!(reached, [("v/a", "v/b"), ("v/b", "v/b")]);
/// ```
pub struct LiveDesign {
    design: Design,
    opts: BuildOptions,
    report: CheckReport,
    audit: AuditReport,
    lint: RuleLint,
    matrix: LiveMatrix,
}

impl LiveDesign {
    /// Analyses `design`, with a matrix over `ports`.
    pub fn new(design: Design, ports: &[(Protocol, u16)], opts: BuildOptions) -> Self {
        let lint = RuleLint::of(&design);
        Self {
            report: crate::check(&design),
            audit: crate::aml::audit_with(&design, lint.clone()),
            lint,
            matrix: LiveMatrix::new(&design, ports),
            design,
            opts,
        }
    }

    /// The design as edited so far.
    pub fn design(&self) -> &Design {
        &self.design
    }

    /// Its subnet matrix.
    pub fn matrix(&self) -> &Matrix {
        self.matrix.matrix()
    }

    /// Its expectations' outcomes. An expectation the last edits did not touch keeps its
    /// evidence (class count, counterexamples) from when it was last checked.
    pub fn report(&self) -> &CheckReport {
        &self.report
    }

    /// Applies an edit in place and says what it changed. An edit the design refuses (the
    /// element does not exist, or the edited design would be invalid) changes nothing.
    pub fn apply(&mut self, edit: &Edit) -> Result<DesignDiff, String> {
        let touches = edit.touches(&self.design);
        let update = self.matrix.apply_edit(&mut self.design, edit, &self.opts)?;
        let report = check::recheck_touching(&self.report, &self.design, touches.as_deref());
        match edit {
            Edit::RemoveNsgRule { nsg, .. } | Edit::FlipNsgRuleAccess { nsg, .. } => {
                if let Some(i) = self.design.nsgs.iter().position(|n| &n.name == nsg) {
                    self.lint
                        .relint_nsg(&self.design, crate::model::NsgId(i as u32));
                }
            }
            // Where an NSG applies and what `VirtualNetwork` holds are read by the lint.
            Edit::DetachSubnetNsg { .. }
            | Edit::RemovePeering { .. }
            | Edit::FlipPeeringFlag { .. } => self.lint.relint_nsgs(&self.design),
            _ => {}
        }
        let audit = crate::aml::audit_with(&self.design, self.lint.clone());
        let mut diff = DesignDiff {
            expectations: expectation_changes(&self.report, &report),
            ..DesignDiff::default()
        };
        diff.add_audit_changes(&self.audit, &audit);
        let m = self.matrix.matrix();
        for c in update.cells {
            let (protocol, port) = m.ports[c.port];
            diff.add_cell(CellChange {
                from: m.names[c.row].clone(),
                to: m.names[c.column].clone(),
                protocol,
                port,
                before: c.before,
                after: c.after,
            });
        }
        (self.report, self.audit) = (report, audit);
        Ok(diff)
    }
}
