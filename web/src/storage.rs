//! The browser's `localStorage`, so the editor keeps its text across reloads.
//! Every failure (no window, storage disabled, quota) is ignored: persistence
//! is a convenience, never a reason to break the page.

/// The `localStorage` key holding the editor's text.
pub const SOURCE_KEY: &str = "vnetlab.source";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The saved editor text, if any.
pub fn load_source() -> Option<String> {
    local_storage()?.get_item(SOURCE_KEY).ok()?
}

/// Save the editor text (best effort).
pub fn save_source(source: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(SOURCE_KEY, source);
    }
}
