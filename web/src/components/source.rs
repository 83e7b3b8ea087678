//! The source view: the design's YAML, editable, with every diagnostic at its line (rendered
//! exactly as the command line renders it).

use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::Props;
use crate::state::Action;
use vnetlab_core::diag::Severity;

/// The source editor and its diagnostics.
#[function_component(SourcePanel)]
pub fn source_panel(p: &Props) -> Html {
    let s = &*p.state;
    let d = p.dispatch.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        let t: HtmlTextAreaElement = e.target_unchecked_into();
        d.emit(Action::SetSource(t.value()));
    });
    let error_lines: Vec<u32> = s.analysis.diagnostics.iter().map(|d| d.span.line).collect();
    let lines = s.source.lines().count().max(1);
    html! {
        <div class="source">
            <label for="source">{ "Topology source (YAML or JSON)" }</label>
            <div class="code">
                <pre class="gutter" aria-hidden="true">{ for (1..=lines as u32).map(|n| {
                    let class = if error_lines.contains(&n) { "bad" } else { "" };
                    html! { <span class={class}>{ format!("{n}\n") }</span> }
                }) }</pre>
                <textarea id="source" data-testid="source" spellcheck="false" wrap="off"
                    aria-describedby="diagnostics" value={s.source.clone()} {oninput}
                    onscroll={Callback::from(|e: Event| {
                        let t: HtmlTextAreaElement = e.target_unchecked_into();
                        if let Some(g) = t.previous_element_sibling() { g.set_scroll_top(t.scroll_top()); }
                    })} />
            </div>
            <ul id="diagnostics" class="diagnostics" data-testid="diagnostics" aria-label="Diagnostics">
                { for s.analysis.diagnostics.iter().map(|d| {
                    let class = if d.severity == Severity::Error { "error" } else { "warning" };
                    html! { <li class={class} data-line={d.span.line.to_string()}><pre>{ d.render(Some(&s.source)) }</pre></li> }
                }) }
            </ul>
        </div>
    }
}
