//! The Azure ML audit kept up to date edit by edit (the live session's, `session.rs`), the way
//! expectations are (`check::recheck_touching`): each part records what it read, and an edit
//! recomputes only the parts that read something it changes ([`Edit::touches`]).
//!
//! - Required flows: the catalog is derived again (cheap) and, when it is the same, a flow
//!   that worked keeps its result unless its trace read something the edit touches. A broken
//!   flow is always evaluated again: its fix search rebuilds edited copies of the whole design.
//!   The flows kept all work, so they took no part in the fix plan, which is built again from
//!   the broken ones in order exactly as from scratch.
//! - The rule lint (findings about rules alone) is linted again for the NSG an edit changes,
//!   every NSG when it changes where they apply or what `VirtualNetwork` holds, the firewalls
//!   when it changes one of their rules, everything for a patch; it is shared, not copied.
//! - Routing loops read effective routes alone: they are kept across edits that change no
//!   route (rules, NSG attachments, service settings, zone links) and none of what their
//!   witness traces read.
//! - The other findings and the governance figures read settings across the design (public
//!   network access, default actions, dependent services); they are derived again after every
//!   edit.
//!
//! The result equals [`super::audit`] of the edited design (`tests/tests/all/live.rs` compares
//! them after every edit).

use super::findings::{self, Finding, RuleLint};
use super::flows::{self, FlowResult};
use super::{AuditReport, fix};
use crate::model::{Design, NsgId};
use crate::trace::Touch;
use crate::whatif::Edit;

/// An audit, and what its parts read.
#[derive(Clone, Debug)]
pub struct LiveAudit {
    report: AuditReport,
    /// What each required flow's verdict read, in the order of `report.flows`.
    flow_touches: Vec<Vec<Touch>>,
    lint: RuleLint,
    /// The routing-loop findings, before they are located.
    loops: Vec<Finding>,
    /// What their witness traces read.
    loop_touches: Vec<Touch>,
}

impl LiveAudit {
    /// Audits a design from scratch, recording what each part read.
    pub fn new(d: &Design) -> Self {
        let lint = RuleLint::of(d);
        let mut loop_touches = Vec::new();
        let loops = super::loops::routing_loops(d, Some(&mut loop_touches));
        let mut plan = fix::Plan::new(d);
        let (flows, flow_touches): (Vec<FlowResult>, Vec<Vec<Touch>>) = flows::catalog(d)
            .into_iter()
            .map(|f| flows::evaluate_with(d, f, &mut plan, true))
            .unzip();
        let findings = findings::assemble(d, &flows, &lint, &loops);
        Self {
            report: super::report(d, flows, findings),
            flow_touches,
            lint,
            loops,
            loop_touches,
        }
    }

    /// The audit.
    pub fn report(&self) -> &AuditReport {
        &self.report
    }

    /// Brings the audit up to `d`, the design after `edit`; `touches` is what the edit changes
    /// ([`Edit::touches`] of the design before it; `None`: anything). Returns the audit before,
    /// its flows without their traces and fixes (what comparing verdicts needs).
    pub fn update(&mut self, d: &Design, edit: &Edit, touches: Option<&[Touch]>) -> AuditReport {
        self.relint(d, edit);
        let touched = |read: &[Touch]| touches.is_none_or(|t| read.iter().any(|x| t.contains(x)));
        if changes_routes(edit) || touched(&self.loop_touches) {
            self.loop_touches.clear();
            self.loops = super::loops::routing_loops(d, Some(&mut self.loop_touches));
        }
        let before_flows: Vec<FlowResult> = self
            .report
            .flows
            .iter()
            .map(|f| FlowResult {
                flow: f.flow.clone(),
                works: f.works,
                verdict: f.verdict.clone(),
                trace: None,
                fix: None,
            })
            .collect();
        let catalog = flows::catalog(d);
        let same = catalog.len() == self.report.flows.len()
            && catalog
                .iter()
                .zip(&self.report.flows)
                .all(|(a, b)| *a == b.flow);
        let mut old: Vec<Option<FlowResult>> = std::mem::take(&mut self.report.flows)
            .into_iter()
            .map(Some)
            .collect();
        let mut old_touches = std::mem::take(&mut self.flow_touches);
        let mut plan = fix::Plan::new(d);
        let mut flows = Vec::with_capacity(catalog.len());
        for (i, f) in catalog.into_iter().enumerate() {
            // `same`: the lists have one length.
            let keep =
                same && old[i].as_ref().is_some_and(|r| r.works) && !touched(&old_touches[i]);
            let (r, read) = if keep {
                let r = old[i].take().expect("kept flows were there");
                (r, std::mem::take(&mut old_touches[i]))
            } else {
                flows::evaluate_with(d, f, &mut plan, true)
            };
            flows.push(r);
            self.flow_touches.push(read);
        }
        let findings = findings::assemble(d, &flows, &self.lint, &self.loops);
        let after = super::report(d, flows, findings);
        let before = std::mem::replace(&mut self.report, after);
        AuditReport {
            flows: before_flows,
            ..before
        }
    }

    /// The rule lint after `edit`.
    fn relint(&mut self, d: &Design, edit: &Edit) {
        match edit {
            Edit::RemoveNsgRule { nsg, .. }
            | Edit::FlipNsgRuleAccess { nsg, .. }
            | Edit::ReplaceNsgRule { nsg, .. }
            | Edit::AddNsgRule { nsg, .. } => {
                if let Some(i) = d.nsgs.iter().position(|n| &n.name == nsg) {
                    self.lint.relint_nsg(d, NsgId(i as u32));
                }
            }
            // Where an NSG applies and what `VirtualNetwork` holds are read by the lint.
            Edit::DetachSubnetNsg { .. }
            | Edit::RemovePeering { .. }
            | Edit::FlipPeeringFlag { .. } => self.lint.relint_nsgs(d),
            Edit::RemoveFirewallRule { .. }
            | Edit::FlipCollectionAction { .. }
            | Edit::RemoveFortiPolicy { .. }
            | Edit::FlipFortiPolicyAction { .. }
            | Edit::FlipFortiPolicyNat { .. } => self.lint.relint_firewalls(d),
            // An addition can change anything the lint reads.
            Edit::Patch { .. } => self.lint = RuleLint::of(d),
            _ => {}
        }
    }
}

/// Whether an edit can change a subnet's effective routes (what the routing-loop search reads);
/// the kinds listed change rules, NSG attachments, service settings or DNS only.
fn changes_routes(edit: &Edit) -> bool {
    !matches!(
        edit,
        Edit::RemoveNsgRule { .. }
            | Edit::FlipNsgRuleAccess { .. }
            | Edit::ReplaceNsgRule { .. }
            | Edit::AddNsgRule { .. }
            | Edit::DetachSubnetNsg { .. }
            | Edit::FlipPublicNetworkAccess { .. }
            | Edit::FlipDefaultAction { .. }
            | Edit::RemoveZoneLink { .. }
    )
}
