//! What-if over one edit: the edits themselves ([`Edit`], [`single_edits`], [`Patch`], in `edit/`,
//! re-exported here), how expectations changed, and re-checking only what an edit touches.
//! Edits are applied to a built design in place by [`Design::apply_edit`] (`incremental.rs`)
//! and followed by the live session ([`crate::session::Session`]).

use crate::check::{CheckReport, Outcome};
use crate::model::Design;
use serde::Serialize;

pub use crate::edit::{Edit, Patch, PeeringFlag, patch, single_edits};

/// How one expectation changed.
#[derive(Clone, Debug, Serialize)]
pub struct ExpectChange {
    /// The expectation.
    pub name: String,
    /// Outcome before.
    pub before: Option<Outcome>,
    /// Outcome after.
    pub after: Option<Outcome>,
    /// Summary after.
    pub summary: String,
}

/// The expectations whose outcome differs between two reports.
pub fn expectation_changes(before: &CheckReport, after: &CheckReport) -> Vec<ExpectChange> {
    let mut names: Vec<&str> = before
        .results
        .iter()
        .chain(&after.results)
        .map(|r| r.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .filter_map(|n| {
            let b = before.results.iter().find(|r| r.name == n);
            let a = after.results.iter().find(|r| r.name == n);
            let (bo, ao) = (b.map(|r| r.outcome), a.map(|r| r.outcome));
            (bo != ao).then(|| ExpectChange {
                name: n.to_string(),
                before: bo,
                after: ao,
                summary: a.or(b).map(|r| r.summary.clone()).unwrap_or_default(),
            })
        })
        .collect()
}
/// The expectations of `after`, a design one `edit` away from `before_design`, whose report is
/// `before`: only the expectations whose traces read something the edit changes are checked
/// again; the others keep their result (an edit that changes none of the decisions a trace read
/// cannot change the trace). Undecided ones are always checked again (an edit can shrink the
/// question under the budget). Outcomes are those [`crate::check::check`] gives; a kept result keeps its
/// evidence from before the edit (its class count can differ from a fresh check's, as the edit
/// may move class boundaries elsewhere), so `check --faults` uses it and reports show [`crate::check::check`].
pub fn recheck(
    before_design: &Design,
    before: &CheckReport,
    after: &Design,
    edit: &Edit,
) -> CheckReport {
    crate::check::recheck_touching(before, after, edit.touches(before_design).as_deref())
}
