//! The question asked before work would be lost (replacing a design with unsaved changes, or
//! overwriting a design kept in the browser): replace, or keep what is there.

use yew::prelude::*;

use super::Props;
use crate::state::Action;

/// The confirmation bar, shown only while a replacement waits.
#[function_component(ConfirmBar)]
pub fn confirm_bar(p: &Props) -> Html {
    let s = &*p.state;
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
