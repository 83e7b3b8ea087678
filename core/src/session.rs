//! The live session: a design kept analysed edit by edit, with undo. The terminal app, the
//! browser app and `check --faults` use it. Each edit ([`Edit`]) is applied to the built
//! design in place ([`Design::apply_edit`]) and gives its [`DesignDiff`] — matrix cells,
//! expectations, required Azure ML flows, findings — while recomputing only what it touches:
//! the matrix rows it can change ([`LiveMatrix`]) and the expectations whose traces read
//! something it changes ([`check::recheck_touching_owned`]), and the same for the Azure ML
//! audit's flows and routing loops, with its rule lint linted again only where an edit changes
//! it ([`LiveAudit`]).
//!
//! What an edit reports equals [`crate::diff::diff`] of the design before and after, and the
//! design it leaves says exactly what loading the edited file says (tests compare both). An edit
//! that makes the design invalid keeps the edited records and their diagnostics; the analyses
//! come back with the next edit (or undo) that makes it valid again.

use crate::aml::AuditReport;
use crate::aml::live::LiveAudit;
use crate::check::{self, CheckReport};
use crate::diag::Diagnostic;
use crate::diff::{CellChange, DesignDiff};
use crate::format::TopologyFile;
use crate::model::{BuildOptions, Design};
use crate::net::Protocol;
use crate::reach::live::LiveMatrix;
use crate::reach::matrix::Matrix;
use crate::whatif::{Edit, expectation_changes};

/// A design, its edits (with undo) and, while it is valid, its analyses kept up to date.
///
/// ```
/// use vnetlab_core::session::Session;
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
/// let mut session = Session::new("two.yaml", design, &[(Protocol::Tcp, 22)], opts);
/// let flip = Edit::FlipNsgRuleAccess { nsg: "b-nsg".into(), rule: "no-ssh".into() };
/// let diff = session.apply(flip).unwrap().expect("the edited design is valid");
/// let reached: Vec<_> = diff.newly_reaches.iter().map(|c| (c.from.as_str(), c.to.as_str())).collect();
/// // The NSG guards b against its own subnet too.
/// assert_eq!(reached, [("v/a", "v/b"), ("v/b", "v/b")]);
/// session.undo();
/// assert!(session.edits().is_empty());
/// ```
pub struct Session {
    name: String,
    opts: BuildOptions,
    ports: Vec<(Protocol, u16)>,
    base: Design,
    edits: Vec<Edit>,
    /// Per edit, for a flip of a service's setting, the settings as the file wrote them before.
    settings: Vec<Option<Settings>>,
    current: Current,
}

/// A service's public network access and default action as the file writes them (unset, or
/// set), before a flip of one of them. Flipping again gives the design back, but writes the
/// setting out: undo writes it back as it was (an unset setting and its default build the same
/// design).
struct Settings {
    service: String,
    public_network_access: Option<crate::format::Toggle>,
    default_action: Option<crate::format::DefaultAction>,
}

/// The design after the edits.
enum Current {
    Valid(Box<Live>),
    Invalid {
        file: Box<TopologyFile>,
        diagnostics: Vec<Diagnostic>,
    },
}

/// A valid design and its analyses.
struct Live {
    design: Design,
    report: CheckReport,
    audit: LiveAudit,
    matrix: LiveMatrix,
}

impl Live {
    fn new(design: Design, ports: &[(Protocol, u16)]) -> Self {
        Self {
            report: crate::check(&design),
            audit: LiveAudit::new(&design),
            matrix: LiveMatrix::new(&design, ports),
            design,
        }
    }

    /// Applies an edit in place; on error (the element does not exist, or the edited design
    /// would be invalid) nothing changed.
    fn apply(&mut self, edit: &Edit, opts: &BuildOptions) -> Result<DesignDiff, String> {
        let touches = edit.touches(&self.design);
        let update = self.matrix.apply_edit(&mut self.design, edit, opts)?;
        // The results kept move to the report after; what comparing outcomes needs stays.
        let outcomes = self.report.outcomes();
        let report = std::mem::replace(&mut self.report, outcomes);
        let after = check::recheck_touching_owned(report, &self.design, touches.as_deref());
        let before = std::mem::replace(&mut self.report, after);
        let audit_before = self.audit.update(&self.design, edit, touches.as_deref());
        let mut diff = DesignDiff {
            expectations: expectation_changes(&before, &self.report),
            ..DesignDiff::default()
        };
        diff.add_audit_changes(&audit_before, self.audit.report());
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
        Ok(diff)
    }
}

impl Session {
    /// Starts from a valid design (named `name`, the file it came from), analysed with a
    /// subnet matrix over `ports`.
    pub fn new(name: &str, design: Design, ports: &[(Protocol, u16)], opts: BuildOptions) -> Self {
        Self {
            name: name.to_string(),
            opts,
            ports: ports.to_vec(),
            base: design.clone(),
            edits: Vec::new(),
            settings: Vec::new(),
            current: Current::Valid(Box::new(Live::new(design, ports))),
        }
    }

    /// Applies an edit and says what it changed: `Some(diff)` when the design was valid and
    /// stays valid; `None` when the edited design is invalid (see [`Session::diagnostics`]) or
    /// was invalid before the edit (there is nothing to compare with; [`Session::design`] says
    /// whether it is valid now). An edit that does not fit the current records (the element is
    /// gone) changes nothing and is an error.
    pub fn apply(&mut self, e: Edit) -> Result<Option<DesignDiff>, String> {
        let settings = self.settings_before(&e);
        let diff = self.step(&e)?;
        self.edits.push(e);
        self.settings.push(settings);
        Ok(diff)
    }

    /// For a flip of a service's setting (not a project's), the service's settings as the file
    /// writes them now.
    fn settings_before(&self, e: &Edit) -> Option<Settings> {
        let (Edit::FlipPublicNetworkAccess { service } | Edit::FlipDefaultAction { service }) = e
        else {
            return None;
        };
        let s = self.file().services.get(service)?;
        // A project takes its hub's settings when built: flipping its own is undone by replaying.
        if s.hub.is_some() {
            return None;
        }
        Some(Settings {
            service: service.clone(),
            public_network_access: s.public_network_access,
            default_action: s.default_action,
        })
    }

    /// Writes a service's settings back as the file had them; false when the design is not
    /// valid (the settings are then not written).
    fn restore(&mut self, settings: Option<&Settings>) -> bool {
        let Some(s) = settings else { return true };
        let Current::Valid(live) = &mut self.current else {
            return false;
        };
        if let Some(def) = live.design.file.services.get_mut(&s.service) {
            def.public_network_access = s.public_network_access;
            def.default_action = s.default_action;
        }
        true
    }

    fn step(&mut self, e: &Edit) -> Result<Option<DesignDiff>, String> {
        let next = match &mut self.current {
            Current::Valid(live) => match live.apply(e, &self.opts) {
                Ok(diff) => return Ok(Some(diff)),
                // The element is missing (nothing changed), or the edited design is invalid.
                Err(_) => e.apply(&live.design.file)?,
            },
            Current::Invalid { file, .. } => e.apply(file)?,
        };
        let loaded = crate::rebuild(&self.name, &next, &self.opts);
        self.current = match loaded.design {
            Some(d) => Current::Valid(Box::new(Live::new(d, &self.ports))),
            None => Current::Invalid {
                file: Box::new(next),
                diagnostics: loaded.diagnostics,
            },
        };
        Ok(None)
    }

    /// Undoes the last edit. Flipping an NSG rule's access, a rule collection's action, a
    /// FortiGate policy's action or a service's public network access or default action undoes
    /// itself, incrementally (a service's setting is then written back as the file had it, unset
    /// or set); any other edit is undone by analysing the base design again and applying the
    /// others.
    pub fn undo(&mut self) -> Option<Edit> {
        let e = self.edits.pop()?;
        let settings = self.settings.pop().flatten();
        if (settings.is_some()
            || matches!(
                e,
                Edit::FlipNsgRuleAccess { .. }
                    | Edit::FlipCollectionAction { .. }
                    | Edit::FlipFortiPolicyAction { .. }
            ))
            && matches!(self.current, Current::Valid(_))
            && self.step(&e).is_ok()
            && self.restore(settings.as_ref())
        {
            return Some(e);
        }
        self.current = Current::Valid(Box::new(Live::new(self.base.clone(), &self.ports)));
        self.settings.clear();
        for e in std::mem::take(&mut self.edits) {
            let settings = self.settings_before(&e);
            if self.step(&e).is_ok() {
                self.edits.push(e);
                self.settings.push(settings);
            }
        }
        Some(e)
    }

    /// Brings the session to exactly `edits` (a list the caller keeps, such as the browser's
    /// switched-on what-if edits): the edits it shares as a prefix with the session's are kept,
    /// the others undone, and the rest applied in order. Returns the edits that did not fit,
    /// with why (they are not applied).
    pub fn set_edits(&mut self, edits: &[Edit]) -> Vec<(Edit, String)> {
        let kept = self
            .edits
            .iter()
            .zip(edits)
            .take_while(|(a, b)| a == b)
            .count();
        while self.edits.len() > kept {
            self.undo();
        }
        let mut refused = Vec::new();
        for e in &edits[kept..] {
            if let Err(why) = self.apply(e.clone()) {
                refused.push((e.clone(), why));
            }
        }
        refused
    }

    /// Drops every edit.
    pub fn reset(&mut self) {
        if !self.edits.is_empty() {
            self.edits.clear();
            self.settings.clear();
            self.current = Current::Valid(Box::new(Live::new(self.base.clone(), &self.ports)));
        }
    }

    /// The edits applied, oldest first.
    pub fn edits(&self) -> &[Edit] {
        &self.edits
    }

    /// The design the session started from.
    pub fn base(&self) -> &Design {
        &self.base
    }

    /// The current records.
    pub fn file(&self) -> &TopologyFile {
        match &self.current {
            Current::Valid(live) => &live.design.file,
            Current::Invalid { file, .. } => file,
        }
    }

    /// The current design; `None` when an edit made it invalid.
    pub fn design(&self) -> Option<&Design> {
        self.live().map(|l| &l.design)
    }

    /// Its expectations' outcomes. An expectation the edits did not touch keeps its evidence
    /// (class count, counterexamples) from when it was last checked.
    pub fn report(&self) -> Option<&CheckReport> {
        self.live().map(|l| &l.report)
    }

    /// Its Azure ML audit (required flows and findings).
    pub fn audit(&self) -> Option<&AuditReport> {
        self.live().map(|l| l.audit.report())
    }

    /// Its subnet matrix over the session's ports.
    pub fn matrix(&self) -> Option<&Matrix> {
        self.live().map(|l| l.matrix.matrix())
    }

    /// The warnings the whole-design checks give the current design; or, when an edit made it
    /// invalid, every problem.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match &self.current {
            Current::Valid(live) => live.design.warnings(&self.name),
            Current::Invalid { diagnostics, .. } => diagnostics.clone(),
        }
    }

    fn live(&self) -> Option<&Live> {
        match &self.current {
            Current::Valid(live) => Some(live),
            Current::Invalid { .. } => None,
        }
    }
}
