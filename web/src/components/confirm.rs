//! The question asked before work would be lost (replacing a design with unsaved changes, or
//! overwriting a design kept in the browser): replace, or keep what is there. Also the question
//! a delete asks when other elements refer to the element: remove them too, re-point them to
//! another element of its kind, or cancel.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::Props;
use crate::state::{Action, Deleting};

/// The confirmation bar, shown only while a replacement waits.
#[function_component(ConfirmBar)]
pub fn confirm_bar(p: &Props) -> Html {
    let s = &*p.state;
    if let Some(d) = &s.deleting {
        return deleting(d, &p.dispatch);
    }
    let Some(r) = &s.confirm else {
        // An empty slot keeps the page's grid rows in place.
        return html! { <div class="confirm-slot"></div> };
    };
    let (d1, d2) = (p.dispatch.clone(), p.dispatch.clone());
    html! {
        <div class="confirm" role="alertdialog" aria-label="Confirm" data-testid="confirm">
            <span>{ r.question(&s.name) }</span>
            <button type="button" onclick={move |_| d1.emit(Action::Confirm)}>{ "Replace" }</button>
            <button type="button" onclick={move |_| d2.emit(Action::Dismiss)}>{ "Cancel" }</button>
        </div>
    }
}

/// The delete question: what refers to the element, and what to do with it.
fn deleting(d: &Deleting, dispatch: &Callback<Action>) -> Html {
    let (d1, d2, d3) = (dispatch.clone(), dispatch.clone(), dispatch.clone());
    let repoint = Callback::from(move |e: Event| {
        let sel: HtmlSelectElement = e.target_unchecked_into();
        if !sel.value().is_empty() {
            d2.emit(Action::DeleteRepointing(sel.value()));
        }
    });
    html! {
        <div class="confirm" role="alertdialog" aria-label="Delete" data-testid="delete-confirm">
            <span>{ format!("{} element(s) refer to {} {}: {}", d.referrers.len(), d.target.kind.label(), d.target.name, d.referrers.join("; ")) }</span>
            <button type="button" onclick={move |_| d1.emit(Action::DeleteWithReferrers)}>{ "Delete them too" }</button>
            if !d.alternatives.is_empty() {
                <label>{ "Re-point them to " }
                    <select data-testid="repoint" onchange={repoint}>
                        <option value="" selected=true>{ "—" }</option>
                        { for d.alternatives.iter().map(|a| html! { <option value={a.clone()}>{ a }</option> }) }
                    </select>
                </label>
            }
            <button type="button" onclick={move |_| d3.emit(Action::Dismiss)}>{ "Cancel" }</button>
        </div>
    }
}
