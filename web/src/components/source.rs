//! The source view: the design's YAML, editable, a gutter of line numbers that stays aligned
//! with the text (errors marked), and every diagnostic (rendered exactly as the command line
//! renders it) with a button that puts the cursor on its line.

use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::Props;
use crate::state::Action;
use vnetlab_core::diag::Severity;

/// The height of one line of the editor, in px (`font: 12px/1.5`).
const LINE_PX: i32 = 18;

/// Selects line `line` (1-based) of the editor, scrolls it into view and focuses it.
fn jump_to(source: &str, line: u32) {
    let Some(t) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("source"))
        .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok())
    else {
        return;
    };
    let utf16 = |s: &str| s.encode_utf16().count() as u32;
    let lines: Vec<&str> = source.split('\n').collect();
    let at = (line.max(1) as usize - 1).min(lines.len().saturating_sub(1));
    let start: u32 = lines[..at].iter().map(|l| utf16(l) + 1).sum();
    let end = start + lines.get(at).map_or(0, |l| utf16(l));
    let _ = t.focus();
    let _ = t.set_selection_range(start, end);
    t.set_scroll_top((at as i32 * LINE_PX - 3 * LINE_PX).max(0));
}

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
                    html! { <span class={class}>{ n }</span> }
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
                    let (line, source) = (d.span.line, s.source.clone());
                    let onclick = Callback::from(move |_: MouseEvent| jump_to(&source, line));
                    html! { <li class={class} data-line={line.to_string()}>
                        <button type="button" class="jump" {onclick}>{ format!("Go to line {line}") }</button>
                        <pre>{ d.render(Some(&s.source)) }</pre>
                    </li> }
                }) }
            </ul>
        </div>
    }
}
