//! The page and its edge: the initial state (this tab's working copy or the first bundled
//! scenario), saving to the browser's storage ([`crate::autosave`]), keyboard undo/redo, other tabs' changes, timing
//! each analysis with `performance.now()`, and reading opened files.
//! Rendering is delegated to [`crate::components`]; the logic is in [`crate::state`].

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use crate::analysis::Analysis;
use crate::components::{
    ConfirmBar, DesignPanel, Diagram, Matrix, SourcePanel, Toolbar, Verdicts, WhatIfPanel,
};
use crate::state::{Action, Editor, Results, State};
use crate::{autosave, share, storage};

/// `performance.now()`: milliseconds since the page started.
pub fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        // The pure `State::reduce`, timed when it produced a new analysis.
        let before = Rc::clone(&self.analysis);
        let start = now();
        let mut next = Rc::unwrap_or_clone(self).reduce(action);
        if !Rc::ptr_eq(&before, &next.analysis) {
            next.analysis_ms = Some(now() - start);
            retire(before);
        }
        if let Some((name, text)) = next.to_store.take() {
            storage::keep(&name, &text);
        }
        Rc::new(next)
    }
}

/// Analyses replaced by newer ones, and the idle callback that frees them.
#[derive(Default)]
struct Retired {
    analyses: Vec<Rc<Analysis>>,
    free: Option<Closure<dyn FnMut()>>,
}

thread_local! {
    static RETIRED: RefCell<Retired> = RefCell::default();
}

/// Frees `old`, an analysis a new one replaced, once the browser is idle (after the new verdicts
/// are painted): freeing a large design takes time (T2's: ~15 ms) that is no part of showing
/// the new verdicts. Without an idle callback it is freed as usual.
fn retire(old: Rc<Analysis>) {
    let Some(w) = web_sys::window() else { return };
    let asked = RETIRED.with_borrow_mut(|r| {
        r.analyses.push(old);
        if r.analyses.len() > 1 {
            return true;
        }
        let free = r.free.get_or_insert_with(|| {
            Closure::<dyn FnMut()>::new(move || {
                let old = RETIRED.with_borrow_mut(|r| std::mem::take(&mut r.analyses));
                drop(old);
            })
        });
        w.request_idle_callback(free.as_ref().unchecked_ref())
            .is_ok()
    });
    if !asked {
        let old = RETIRED.with_borrow_mut(|r| std::mem::take(&mut r.analyses));
        drop(old);
    }
}

/// How long the typing must pause before a provisional analysis is made exact (ms).
const REFRESH_AFTER_MS: i32 = 1_000;

/// Runs `f` once after `ms` milliseconds: the timer's id and the closure (kept alive until the
/// timer is cleared or has run).
fn after(ms: i32, f: impl FnOnce() + 'static) -> Option<(i32, Closure<dyn FnMut()>)> {
    let mut f = Some(f);
    let closure = Closure::<dyn FnMut()>::new(move || {
        if let Some(f) = f.take() {
            f();
        }
    });
    let id = web_sys::window()?
        .set_timeout_with_callback_and_timeout_and_arguments_0(closure.as_ref().unchecked_ref(), ms)
        .ok()?;
    Some((id, closure))
}

/// Reads a picked or dropped file as text and dispatches [`Action::Open`].
pub fn read_file(file: web_sys::File, dispatch: Callback<Action>) {
    let name = file.name();
    let Ok(reader) = web_sys::FileReader::new() else {
        return;
    };
    let r = reader.clone();
    let onload = Closure::once_into_js(move || match r.result().ok().and_then(|v| v.as_string()) {
        Some(text) => dispatch.emit(Action::Open(name, text)),
        None => dispatch.emit(Action::OpenFailed(format!("could not read {name} as text"))),
    });
    reader.set_onload(Some(onload.unchecked_ref()));
    let _ = reader.read_as_text(&file);
}

/// Opens the design a share link carries in the URL fragment (asking first if the working copy
/// has unsaved changes), then removes the fragment so a reload does not open it again.
fn open_shared(dispatch: &Callback<Action>) {
    let Some(w) = web_sys::window() else { return };
    let location = w.location();
    let Some(shared) = location.hash().ok().as_deref().and_then(share::decode) else {
        return;
    };
    match shared {
        Ok((name, text)) => dispatch.emit(Action::Open(name, text)),
        Err(why) => dispatch.emit(Action::Notice(why)),
    }
    let here = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&here));
    }
}

/// Listens on the window for undo (Ctrl+Z, ⌘Z) and redo (Ctrl+Shift+Z, Ctrl+Y), and for
/// other tabs changing the designs kept in this browser; the returned closure stops listening.
fn listen(dispatch: Callback<Action>) -> impl FnOnce() {
    let window = web_sys::window();
    let d = dispatch.clone();
    let keydown = Closure::<dyn Fn(KeyboardEvent)>::new(move |e: KeyboardEvent| {
        if !(e.ctrl_key() || e.meta_key()) || e.alt_key() {
            return;
        }
        let action = match (e.key().to_lowercase().as_str(), e.shift_key()) {
            ("z", false) => Action::Undo,
            ("z", true) | ("y", false) => Action::Redo,
            _ => return,
        };
        e.prevent_default();
        d.emit(action);
    });
    let storage = Closure::<dyn Fn(web_sys::StorageEvent)>::new(move |e: web_sys::StorageEvent| {
        if e.key()
            .is_none_or(|k| k.starts_with(storage::DESIGN_PREFIX))
        {
            dispatch.emit(Action::Designs(storage::designs()));
        }
    });
    if let Some(w) = &window {
        let _ = w.add_event_listener_with_callback("keydown", keydown.as_ref().unchecked_ref());
        let _ = w.add_event_listener_with_callback("storage", storage.as_ref().unchecked_ref());
    }
    move || {
        if let Some(w) = &window {
            let _ =
                w.remove_event_listener_with_callback("keydown", keydown.as_ref().unchecked_ref());
            let _ =
                w.remove_event_listener_with_callback("storage", storage.as_ref().unchecked_ref());
        }
    }
}

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let first_ms = use_mut_ref(|| 0.0);
    let state = {
        let first_ms = first_ms.clone();
        use_reducer(move || {
            let start = now();
            let query = web_sys::window()
                .and_then(|w| w.location().search().ok())
                .unwrap_or_default();
            let mut s = match (State::generated(&query), storage::load()) {
                (Some(generated), _) => generated,
                (None, Some((name, source))) => {
                    let kept = storage::design(&name);
                    State::restored(name, source, kept.as_deref())
                }
                (None, None) => State::first_scenario(),
            };
            s.designs = storage::designs();
            let end = now();
            *first_ms.borrow_mut() = end;
            State {
                analysis_ms: Some(end - start),
                ..s
            }
        })
    };
    {
        // Every new text comes with a new analysis: its address stands for the text (a large
        // text is not copied and compared at every render).
        // What is typed is saved once the typing pauses, anything else at once (`autosave`).
        let key = (Rc::as_ptr(&state.analysis) as usize, state.name.clone());
        let state = state.clone();
        use_effect_with(key, move |_| {
            autosave::save(&state.name, &state.source, state.typed)
        });
    }
    let dispatch: Callback<Action> = {
        let state = state.clone();
        Callback::from(move |a| state.dispatch(a))
    };
    {
        // A provisional analysis (verdicts exact, positions perhaps not) is made exact by a
        // full analysis once the typing pauses; a new keystroke before then restarts the wait.
        let key = (
            Rc::as_ptr(&state.analysis) as usize,
            state.analysis.provisional,
        );
        let dispatch = dispatch.clone();
        use_effect_with(key, move |&(_, provisional)| {
            let timer = provisional
                .then(|| after(REFRESH_AFTER_MS, move || dispatch.emit(Action::Refresh)))
                .flatten();
            move || {
                if let (Some((id, _closure)), Some(w)) = (timer, web_sys::window()) {
                    w.clear_timeout_with_handle(id);
                }
            }
        });
    }
    {
        let dispatch = dispatch.clone();
        use_effect_with((), move |_| {
            open_shared(&dispatch);
            let stop = listen(dispatch);
            let stop_saving = autosave::listen();
            move || {
                stop();
                stop_saving();
            }
        });
    }
    let ondragover = Callback::from(|e: DragEvent| e.prevent_default());
    let ondrop = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(file) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                read_file(file, dispatch.clone());
            }
        })
    };
    let s: &State = &state;
    let editor_tab = |e: Editor, label: &str| {
        let d = dispatch.clone();
        html! { <button type="button" role="tab" aria-selected={(s.editor == e).to_string()} onclick={move |_| d.emit(Action::ShowEditor(e))}>{ label.to_string() }</button> }
    };
    let results_tab = |r: Results, label: &str| {
        let d = dispatch.clone();
        html! { <button type="button" role="tab" aria-selected={(s.results == r).to_string()} onclick={move |_| d.emit(Action::ShowResults(r))}>{ label.to_string() }</button> }
    };
    let ms = s.analysis_ms.map(|m| format!("{m:.1}")).unwrap_or_default();
    html! {
        <main {ondragover} {ondrop} data-analysis-ms={ms.clone()} data-analysis-path={s.analysis.path.as_str()} data-provisional={s.analysis.provisional.to_string()} data-first-analysis-ms={format!("{:.1}", *first_ms.borrow())}>
            <Toolbar state={state.clone()} dispatch={dispatch.clone()} />
            <ConfirmBar state={state.clone()} dispatch={dispatch.clone()} />
            <div class="panes">
                <section class="pane editor" aria-label="Editor">
                    <div role="tablist" class="tabs">
                        { editor_tab(Editor::Source, "Source") }
                        { editor_tab(Editor::Design, "Design") }
                        { editor_tab(Editor::WhatIf, "What-if") }
                    </div>
                    { match s.editor {
                        Editor::Source => html! { <SourcePanel state={state.clone()} dispatch={dispatch.clone()} /> },
                        Editor::Design => html! { <DesignPanel state={state.clone()} dispatch={dispatch.clone()} /> },
                        Editor::WhatIf => html! { <WhatIfPanel state={state.clone()} dispatch={dispatch.clone()} /> },
                    } }
                </section>
                <section class="pane diagram" aria-label="Diagram">
                    <Diagram state={state.clone()} dispatch={dispatch.clone()} />
                </section>
                <section class="pane results" aria-label="Analysis">
                    <div role="tablist" class="tabs">
                        { results_tab(Results::Verdicts, "Verdicts") }
                        { results_tab(Results::Matrix, "Matrix") }
                    </div>
                    { match s.results {
                        Results::Verdicts => html! { <Verdicts state={state.clone()} dispatch={dispatch.clone()} /> },
                        Results::Matrix => html! { <Matrix state={state.clone()} /> },
                    } }
                </section>
            </div>
            <footer class="status" data-testid="status" aria-live="polite">
                <span data-testid="summary">{ for s.analysis.status().iter().enumerate().map(|(i, part)| html! { <>
                    if i > 0 { { " · " } }
                    <span class={classes!("part", part.bad.then_some("bad"))} data-testid={format!("status-{}", part.key)}>{ &part.text }</span>
                </> }) }</span>
                { for s.notice.as_ref().map(|n| html! { <span class="notice" data-testid="notice">{ n }</span> }) }
                <span class="timing">{ format!("analysed in {ms} ms · runs offline, nothing leaves this machine") }</span>
            </footer>
        </main>
    }
}
