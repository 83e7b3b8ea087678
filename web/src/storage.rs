//! The browser's `localStorage`, so the working design survives a reload. Every failure (no
//! window, storage disabled, quota) is ignored: persistence is a convenience, never a reason to
//! break the page.

/// The key holding the design's text.
pub const SOURCE_KEY: &str = "vnetlab.source";
/// The key holding the design's file name.
pub const NAME_KEY: &str = "vnetlab.name";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The saved (name, text), if any.
pub fn load() -> Option<(String, String)> {
    let s = local_storage()?;
    let source = s.get_item(SOURCE_KEY).ok()??;
    let name = s
        .get_item(NAME_KEY)
        .ok()?
        .unwrap_or_else(|| "untitled.yaml".into());
    Some((name, source))
}

/// Saves the design (best effort).
pub fn save(name: &str, source: &str) {
    if let Some(s) = local_storage() {
        let _ = s.set_item(SOURCE_KEY, source);
        let _ = s.set_item(NAME_KEY, name);
    }
}
