//! What-if: switch any rule, route, link or setting off (or flip it) and see which verdicts change.

use yew::prelude::*;

use super::Props;
use crate::state::Action;

/// The what-if panel.
#[function_component(WhatIfPanel)]
pub fn what_if_panel(p: &Props) -> Html {
    let s = &*p.state;
    if s.analysis.design.is_none() {
        return html! { <p class="empty">{ "What-if needs a valid design." }</p> };
    }
    let d = p.dispatch.clone();
    let reset = Callback::from(move |_: MouseEvent| d.emit(Action::ResetWhatIf));
    let d = p.dispatch.clone();
    let apply = Callback::from(move |_: MouseEvent| d.emit(Action::ApplyWhatIf));
    html! {
        <div class="whatif">
            <div class="changes" data-testid="whatif-changes" aria-live="polite">
                { match &s.what_if {
                    None => html! { <p class="hint">{ "Toggle an edit to see what changes." }</p> },
                    Some(w) => html! { <>
                        { for w.errors.iter().map(|e| html! { <p class="error">{ e }</p> }) }
                        if w.changes.is_empty() { <p>{ "No expectation changes." }</p> }
                        <ul>{ for w.changes.iter().map(|c| html! {
                            <li>{ format!("{}: {} → {} — {}", c.name, outcome(c.before), outcome(c.after), c.summary) }</li>
                        }) }</ul>
                    </> },
                } }
                <button type="button" onclick={reset} disabled={s.toggled.is_empty()}>{ "Reset" }</button>
                <button type="button" onclick={apply} disabled={s.toggled.is_empty()}>{ "Apply to design" }</button>
            </div>
            <ul class="edits" aria-label="What-if edits">
            { for s.edits.iter().enumerate().map(|(i, e)| {
                let d = p.dispatch.clone();
                let id = format!("edit-{i}");
                html! { <li>
                    <input type="checkbox" id={id.clone()} checked={s.toggled.contains(&i)} onchange={Callback::from(move |_: Event| d.emit(Action::Toggle(i)))} />
                    <label for={id}>{ e.describe() }</label>
                </li> }
            }) }
            </ul>
        </div>
    }
}

fn outcome(o: Option<vnetlab_core::check::Outcome>) -> String {
    o.map(|o| format!("{o:?}").to_lowercase())
        .unwrap_or_else(|| "—".into())
}
