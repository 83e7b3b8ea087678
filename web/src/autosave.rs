//! Saving the working copy without slowing the typing: writing a multi-megabyte design to the
//! browser's storage takes longer than analysing a keystroke (T2's 4 MB: ~50 ms per write, four
//! writes per save), so what is typed is saved once the typing pauses ([`SAVE_AFTER_MS`]), and
//! every other change (a design opened, kept, undone, changed by a form) at once. Nothing is
//! lost: a pending save is written before the page goes away or is hidden (`pagehide`,
//! `visibilitychange`), whatever the wait.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::storage;

/// How long the typing must pause before what was typed is saved (ms).
pub const SAVE_AFTER_MS: i32 = 1_000;

/// The save waiting for the typing to pause: (name, text), and its timer.
#[derive(Default)]
struct Pending {
    save: Option<(String, Rc<str>)>,
    timer: Option<(i32, Closure<dyn FnMut()>)>,
}

thread_local! {
    static PENDING: RefCell<Pending> = RefCell::default();
}

/// Saves (name, text) now, or when `typed`, once the typing pauses; a newer save replaces a
/// pending one.
pub fn save(name: &str, text: &Rc<str>, typed: bool) {
    if !typed {
        cancel();
        storage::save(name, text);
        return;
    }
    let Some(w) = web_sys::window() else {
        return storage::save(name, text);
    };
    PENDING.with_borrow_mut(|p| {
        if let Some((id, _)) = p.timer.take() {
            w.clear_timeout_with_handle(id);
        }
        p.save = Some((name.to_string(), Rc::clone(text)));
        let closure = Closure::<dyn FnMut()>::new(flush);
        match w.set_timeout_with_callback_and_timeout_and_arguments_0(
            closure.as_ref().unchecked_ref(),
            SAVE_AFTER_MS,
        ) {
            Ok(id) => p.timer = Some((id, closure)),
            // No timer: save at once rather than risk it.
            Err(_) => {
                if let Some((name, text)) = p.save.take() {
                    storage::save(&name, &text);
                }
            }
        }
    });
}

/// Writes the pending save, if any, now.
pub fn flush() {
    // Taken out before writing; the timer's closure may be the one running this: wasm-bindgen
    // frees a closure dropped while it runs only once it has returned.
    let (save, timer) = PENDING.with_borrow_mut(|p| (p.save.take(), p.timer.take()));
    if let Some((name, text)) = save {
        storage::save(&name, &text);
    }
    if let (Some((id, _closure)), Some(w)) = (timer, web_sys::window()) {
        w.clear_timeout_with_handle(id);
    }
}

/// Drops the pending save (a newer one is written at once).
fn cancel() {
    let timer = PENDING.with_borrow_mut(|p| {
        p.save = None;
        p.timer.take()
    });
    if let (Some((id, _closure)), Some(w)) = (timer, web_sys::window()) {
        w.clear_timeout_with_handle(id);
    }
}

/// Writes a pending save before the page is hidden or goes away; the returned closure stops
/// listening (and flushes).
pub fn listen() -> impl FnOnce() {
    let window = web_sys::window();
    let on_hide = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| flush());
    let on_visibility = Closure::<dyn Fn(web_sys::Event)>::new(move |_: web_sys::Event| {
        let hidden = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.hidden());
        if hidden {
            flush();
        }
    });
    if let Some(w) = &window {
        let _ = w.add_event_listener_with_callback("pagehide", on_hide.as_ref().unchecked_ref());
        let _ = w.add_event_listener_with_callback(
            "visibilitychange",
            on_visibility.as_ref().unchecked_ref(),
        );
    }
    move || {
        if let Some(w) = &window {
            let _ =
                w.remove_event_listener_with_callback("pagehide", on_hide.as_ref().unchecked_ref());
            let _ = w.remove_event_listener_with_callback(
                "visibilitychange",
                on_visibility.as_ref().unchecked_ref(),
            );
        }
        flush();
    }
}
