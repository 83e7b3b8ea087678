//! Applying an audit fix (`f`): the verified smallest fix of the required Azure ML flow
//! selected in the checks list, as an edit of the live session — one of the what-if edits
//! when the fix is a removal, else the fix's [`Patch`] — undone with `u`, written by `w`.

use super::model::{Model, Pane};
use super::rows::{CheckRow, check_rows};
use vnetlab_core::whatif::{Edit, Patch};

/// The edit that applies the fix of the selected required flow, or why there is none.
pub fn selected(m: &Model) -> Result<Edit, String> {
    let on_checks = m.ui.focus == Pane::Checks
        || (m.ui.focus == Pane::Detail && m.ui.detail_from == Pane::Checks);
    let r = m.ready().ok_or("the file has errors")?;
    let row = on_checks
        .then(|| check_rows(m).get(m.ui.checks.selected).cloned())
        .flatten();
    let Some(CheckRow::Flow(i)) = row else {
        return Err(
            "select a broken required flow in the checks list (Tab) to apply its fix".into(),
        );
    };
    let flow = &r.shown().audit.flows[i];
    if flow.works {
        return Err(format!(
            "{} → {} works: nothing to fix",
            flow.flow.from, flow.flow.to
        ));
    }
    let fix = flow
        .fix
        .as_ref()
        .ok_or("the audit found no fix for this flow")?;
    if !fix.verified {
        return Err(format!("{}: not verified, so not applied", fix.change));
    }
    let patch = fix
        .patch
        .clone()
        .ok_or("an earlier flow's fix makes this one work: apply that one")?;
    Ok(match patch {
        Patch::Edit(e) => e,
        p => Edit::Patch {
            change: format!("fix: {}", fix.change),
            patch: Box::new(p),
        },
    })
}
