//! The top bar: new design, bundled scenarios, open a file, export YAML / JSON / SVG.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::Props;
use crate::export::{data_url, file_name};
use crate::scenarios::SCENARIOS;
use crate::state::Action;

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
    let current = s.name.strip_suffix(".yaml").unwrap_or("");
    let (yaml, json) = match &s.analysis.file {
        Some(f) => (
            vnetlab_core::format::to_yaml(f),
            vnetlab_core::format::to_json(f),
        ),
        None => (s.source.clone(), String::new()),
    };
    html! {
        <header class="toolbar">
            <h1>{ "vnetlab" }</h1>
            <span class="design-name" data-testid="design-name">{ &s.name }</span>
            <button type="button" onclick={on_new}>{ "New" }</button>
            <label>{ "Scenario " }
                <select data-testid="scenario" onchange={on_scenario}>
                    <option value="" selected={!SCENARIOS.iter().any(|(n, _)| *n == current)}>{ "— bundled designs —" }</option>
                    { for SCENARIOS.iter().map(|(n, _)| html! { <option value={*n} selected={*n == current}>{ *n }</option> }) }
                </select>
            </label>
            <label class="file">{ "Open… " }
                <input type="file" data-testid="open-file" accept=".yaml,.yml,.json" onchange={on_file} />
            </label>
            <span class="exports">{ "Export: " }
                <a data-testid="export-yaml" href={data_url("application/yaml", &yaml)} download={file_name(&s.name, "yaml")}>{ "YAML" }</a>
                if !json.is_empty() {
                    <a data-testid="export-json" href={data_url("application/json", &json)} download={file_name(&s.name, "json")}>{ "JSON" }</a>
                }
            </span>
        </header>
    }
}
