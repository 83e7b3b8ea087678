//! The JavaScript parts the app calls, from `dist/vendor.js` (`web/js/vendor.mjs`, bundled by
//! `web/build.sh`): ELK's layout and the CodeMirror editor. When the bundle did not load, the
//! calls fail softly and the app keeps what it has (the grid layout, a plain text area).

use wasm_bindgen::prelude::*;

use crate::text::Change;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = vnetlabJs, js_name = layout)]
    fn elk_layout(graph: &str, done: &JsValue) -> Result<(), JsValue>;
}

/// Asks ELK to lay out `graph` (see [`crate::elk::graph`]); `done` gets the geometry as text, or
/// the error. Returns false when the layout engine is not there.
pub fn layout(graph: &str, done: impl FnOnce(Result<String, String>) + 'static) -> bool {
    let callback = Closure::once_into_js(move |result: Option<String>, error: Option<String>| {
        done(result.ok_or_else(|| error.unwrap_or_else(|| "no layout".into())));
    });
    elk_layout(graph, &callback).is_ok()
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["vnetlabJs", "editor"], js_name = create)]
    fn editor_create(
        parent: &web_sys::Element,
        text: &str,
        on_change: &JsValue,
        label: &str,
    ) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["vnetlabJs", "editor"], js_name = text)]
    fn editor_text(view: &JsValue) -> Result<String, JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["vnetlabJs", "editor"], js_name = setText)]
    fn editor_set_text(view: &JsValue, text: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["vnetlabJs", "editor"], js_name = diagnostics)]
    fn editor_diagnostics(view: &JsValue, list: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = ["vnetlabJs", "editor"], js_name = goto)]
    fn editor_goto(view: &JsValue, line: u32) -> Result<(), JsValue>;
}

/// The source editor (CodeMirror 6), kept by the source view.
pub struct Editor {
    view: JsValue,
    // Called by the editor on every change the user makes; kept as long as the editor.
    _on_change: Closure<dyn Fn(EditorChange)>,
}

#[wasm_bindgen]
extern "C" {
    /// A change the editor reports: `{from, to, insert, before, after}` (see
    /// `web/js/editor.mjs` and [`Change`]).
    pub type EditorChange;
    #[wasm_bindgen(method, getter)]
    fn from(this: &EditorChange) -> f64;
    #[wasm_bindgen(method, getter)]
    fn to(this: &EditorChange) -> f64;
    #[wasm_bindgen(method, getter)]
    fn insert(this: &EditorChange) -> String;
    #[wasm_bindgen(method, getter)]
    fn before(this: &EditorChange) -> f64;
    #[wasm_bindgen(method, getter)]
    fn after(this: &EditorChange) -> f64;
}

impl EditorChange {
    /// As a [`Change`] (positions are whole numbers below 2⁵³ in JavaScript).
    fn change(&self) -> Change {
        let at = |x: f64| x as usize;
        Change {
            from: at(self.from()),
            to: at(self.to()),
            insert: self.insert(),
            before: at(self.before()),
            after: at(self.after()),
        }
    }
}

impl Editor {
    /// Creates the editor in `parent` with `text`; `on_change` hears the user's changes (as
    /// changes, not whole texts: see [`crate::text`]). `None` when the editor's code is not
    /// loaded.
    pub fn create(
        parent: &web_sys::Element,
        text: &str,
        label: &str,
        on_change: impl Fn(Change) + 'static,
    ) -> Option<Self> {
        let on_change =
            Closure::<dyn Fn(EditorChange)>::new(move |c: EditorChange| on_change(c.change()));
        let view = editor_create(parent, text, on_change.as_ref(), label).ok()?;
        Some(Self {
            view,
            _on_change: on_change,
        })
    }

    /// The editor's whole text.
    pub fn text(&self) -> Option<String> {
        editor_text(&self.view).ok()
    }

    /// Shows `text` (undo, a form's change, another design), keeping the cursor where it can.
    pub fn set_text(&self, text: &str) {
        let _ = editor_set_text(&self.view, text);
    }

    /// Marks the diagnostics (JSON text, see `web/js/editor.mjs`).
    pub fn diagnostics(&self, list: &str) {
        let _ = editor_diagnostics(&self.view, list);
    }

    /// Selects line `line` (1-based), scrolls to it and focuses the editor.
    pub fn goto(&self, line: u32) {
        let _ = editor_goto(&self.view, line);
    }
}
