//! The top bar: undo/redo, new design, bundled scenarios, designs kept in this browser (keep
//! and open), open a file, export YAML / JSON / SVG.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::Props;
use crate::export::{file_name, on_export};
use crate::scenarios::SCENARIOS;
use crate::state::Action;
use crate::{share, storage};

/// The top bar.
#[function_component(Toolbar)]
pub fn toolbar(p: &Props) -> Html {
    let s = &*p.state;
    let d = p.dispatch.clone();
    let on_new = Callback::from(move |_: MouseEvent| d.emit(Action::New));
    let d = p.dispatch.clone();
    let on_scenario = Callback::from(move |e: Event| {
        let sel: HtmlSelectElement = e.target_unchecked_into();
        if !sel.value().is_empty() {
            d.emit(Action::LoadScenario(sel.value()));
        }
    });
    let d = p.dispatch.clone();
    let on_file = Callback::from(move |e: Event| {
        let input: HtmlInputElement = e.target_unchecked_into();
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            crate::app::read_file(file, d.clone());
        }
        input.set_value("");
    });
    let (d1, d2) = (p.dispatch.clone(), p.dispatch.clone());
    let on_undo = Callback::from(move |_: MouseEvent| d1.emit(Action::Undo));
    let on_redo = Callback::from(move |_: MouseEvent| d2.emit(Action::Redo));
    let keep_name = use_node_ref();
    let d = p.dispatch.clone();
    let on_keep = {
        let keep_name = keep_name.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(i) = keep_name.cast::<HtmlInputElement>() {
                d.emit(Action::Keep(i.value()));
            }
        })
    };
    let d = p.dispatch.clone();
    let on_kept = Callback::from(move |e: Event| {
        let sel: HtmlSelectElement = e.target_unchecked_into();
        let name = sel.value();
        sel.set_value("");
        match storage::design(&name) {
            Some(text) => d.emit(Action::Open(name, text)),
            None if !name.is_empty() => d.emit(Action::OpenFailed(format!(
                "{name} is no longer kept in this browser"
            ))),
            None => {}
        }
    });
    let on_share = {
        let (d, name, source) = (p.dispatch.clone(), s.name.clone(), s.source.clone());
        Callback::from(move |_: MouseEvent| {
            let link = share::encode(&name, &source);
            if let Some(w) = web_sys::window() {
                let _ = w.location().set_hash(&link[1..]);
                d.emit(Action::Notice(format!(
                    "the address bar now holds a link to {name} ({} characters; the design travels in the link, nothing is uploaded)",
                    link.len()
                )));
            }
        })
    };
    let current = s.name.strip_suffix(".yaml").unwrap_or("");
    let on_yaml = {
        let (a, source) = (s.analysis.clone(), s.source.clone());
        on_export("application/yaml", move || match a.records() {
            Some(f) => vnetlab_core::format::to_yaml(f),
            None => source.to_string(),
        })
    };
    let on_json = {
        let a = s.analysis.clone();
        on_export("application/json", move || {
            a.records()
                .map(vnetlab_core::format::to_json)
                .unwrap_or_default()
        })
    };
    html! {
        <header class="toolbar">
            <h1>{ "vnetlab" }</h1>
            <span class="design-name" data-testid="design-name">{ &s.name }</span>
            <button type="button" data-testid="undo" title="Undo (Ctrl+Z)" disabled={!s.history.can_undo()} onclick={on_undo}>{ "Undo" }</button>
            <button type="button" data-testid="redo" title="Redo (Ctrl+Shift+Z)" disabled={!s.history.can_redo()} onclick={on_redo}>{ "Redo" }</button>
            if s.unsaved() { <span class="unsaved" data-testid="unsaved" title="not kept in this browser yet">{ "● unsaved" }</span> }
            <button type="button" onclick={on_new}>{ "New" }</button>
            <label>{ "Scenario " }
                <select data-testid="scenario" onchange={on_scenario}>
                    <option value="" selected={!SCENARIOS.iter().any(|(n, _)| *n == current)}>{ "— bundled designs —" }</option>
                    { for SCENARIOS.iter().map(|(n, _)| html! { <option value={*n} selected={*n == current}>{ *n }</option> }) }
                </select>
            </label>
            <span class="keep">
                <input ref={keep_name} data-testid="keep-name" aria-label="Name to keep the design under" value={s.name.clone()} />
                <button type="button" data-testid="keep" onclick={on_keep}>{ "Keep in browser" }</button>
            </span>
            <label>{ "Kept " }
                <select data-testid="kept" onchange={on_kept}>
                    <option value="" selected=true>{ format!("— {} kept —", s.designs.len()) }</option>
                    { for s.designs.iter().map(|n| html! { <option value={n.clone()}>{ n }</option> }) }
                </select>
            </label>
            <label class="file">{ "Open… " }
                <input type="file" data-testid="open-file" accept=".yaml,.yml,.json" onchange={on_file} />
            </label>
            <button type="button" data-testid="share" title="Put a link carrying this design in the address bar" onclick={on_share}>{ "Share link" }</button>
            <span class="exports">{ "Export: " }
                <a data-testid="export-yaml" href="#" onclick={on_yaml} download={file_name(&s.name, "yaml")}>{ "YAML" }</a>
                if s.analysis.records().is_some() {
                    <a data-testid="export-json" href="#" onclick={on_json} download={file_name(&s.name, "json")}>{ "JSON" }</a>
                }
            </span>
        </header>
    }
}
