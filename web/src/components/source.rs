//! The source view: the design's YAML in CodeMirror 6 (highlighting, line numbers, the
//! diagnostics as inline markers and gutter marks), and every diagnostic (rendered exactly as
//! the command line renders it) with a button that puts the cursor on its line. Without the
//! editor's code (`dist/vendor.js` not loaded) it is a plain text area.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::Props;
use crate::js::Editor;
use crate::state::Action;
use crate::text;
use vnetlab_core::diag::{Diagnostic, Severity};

/// The diagnostics as the editor's markers want them (see `web/js/editor.mjs`).
fn markers(diagnostics: &[Diagnostic]) -> String {
    let list: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            serde_json::json!({
                "line": d.span.line,
                "column": d.span.col,
                "severity": if d.severity == Severity::Error { "error" } else { "warning" },
                "message": match &d.help {
                    Some(h) => format!("{} ({h})", d.message),
                    None => d.message.clone(),
                },
            })
        })
        .collect();
    serde_json::Value::Array(list).to_string()
}

/// The source editor and its diagnostics.
#[function_component(SourcePanel)]
pub fn source_panel(p: &Props) -> Html {
    let s = &*p.state;
    let host = use_node_ref();
    let editor: Rc<RefCell<Option<Editor>>> = use_mut_ref(|| None);
    // The text the editor holds, and whether it is known to be ASCII: a change the editor
    // reports is applied to it (see `crate::text`).
    let held: Rc<RefCell<(Rc<str>, bool)>> =
        use_mut_ref(|| (Rc::clone(&s.source), s.source.is_ascii()));
    let plain = use_state(|| false);
    {
        let (host, editor, plain) = (host.clone(), editor.clone(), plain.clone());
        let (d, held) = (p.dispatch.clone(), held.clone());
        let text = Rc::clone(&s.source);
        use_effect_with((), move |_| {
            let ed = editor.clone();
            let created = host.cast::<web_sys::Element>().and_then(|el| {
                Editor::create(
                    &el,
                    &text,
                    "Topology source (YAML or JSON)",
                    move |change| {
                        let next = {
                            let (text, ascii) = &*held.borrow();
                            text::apply_known(text, *ascii, &change)
                        };
                        // The change does not fit (it should): the editor's whole text.
                        let next = next.or_else(|| {
                            let whole = ed.borrow().as_ref().and_then(Editor::text)?;
                            let ascii = whole.is_ascii();
                            Some((whole, ascii))
                        });
                        if let Some((next, ascii)) = next {
                            let next: Rc<str> = next.into();
                            *held.borrow_mut() = (Rc::clone(&next), ascii);
                            d.emit(Action::SetSource(next));
                        }
                    },
                )
            });
            match created {
                Some(e) => *editor.borrow_mut() = Some(e),
                None => plain.set(true),
            }
            move || drop(editor.borrow_mut().take())
        });
    }
    // A new text is a new allocation: its address stands for it (comparing or copying a large
    // text at every render would cost more than the rest). What was typed is in the editor
    // already; any other new text (undo, a form, another design) is shown.
    let version = Rc::as_ptr(&s.analysis) as usize;
    {
        let (editor, state, held) = (editor.clone(), p.state.clone(), held.clone());
        use_effect_with(Rc::as_ptr(&s.source) as *const u8 as usize, move |_| {
            if !state.typed
                && let Some(e) = editor.borrow().as_ref()
            {
                e.set_text(&state.source);
                *held.borrow_mut() = (Rc::clone(&state.source), state.source.is_ascii());
            }
        });
    }
    {
        let editor = editor.clone();
        // After the text: markers are placed on the text they belong to.
        use_effect_with(
            (version, markers(&s.analysis.diagnostics)),
            move |(_, list)| {
                if let Some(e) = editor.borrow().as_ref() {
                    e.diagnostics(list);
                }
            },
        );
    }
    let d = p.dispatch.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        let t: HtmlTextAreaElement = e.target_unchecked_into();
        d.emit(Action::SetSource(t.value().into()));
    });
    html! {
        <div class="source">
            <label id="source-label">{ "Topology source (YAML or JSON)" }</label>
            if *plain {
                <textarea id="source" class="code plain" data-testid="source" spellcheck="false" wrap="off"
                    aria-labelledby="source-label" aria-describedby="diagnostics" value={s.source.clone()} {oninput} />
            } else {
                <div id="source" class="code" data-testid="source" ref={host} aria-describedby="diagnostics"></div>
            }
            <ul id="diagnostics" class="diagnostics" data-testid="diagnostics" aria-label="Diagnostics">
                { for s.analysis.diagnostics.iter().map(|d| {
                    let class = if d.severity == Severity::Error { "error" } else { "warning" };
                    let line = d.span.line;
                    let editor = editor.clone();
                    let onclick = Callback::from(move |_: MouseEvent| {
                        if let Some(e) = editor.borrow().as_ref() {
                            e.goto(line);
                        } else if let Some(t) = web_sys::window()
                            .and_then(|w| w.document())
                            .and_then(|doc| doc.get_element_by_id("source"))
                            .and_then(|el| el.dyn_into::<HtmlTextAreaElement>().ok())
                        {
                            let _ = t.focus();
                        }
                    });
                    html! { <li class={class} data-line={line.to_string()}>
                        <button type="button" class="jump" {onclick}>{ format!("Go to line {line}") }</button>
                        <pre>{ d.render(Some(&s.source)) }</pre>
                    </li> }
                }) }
            </ul>
        </div>
    }
}
