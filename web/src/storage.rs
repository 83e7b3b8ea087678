//! The browser's storage, so work survives a reload and tabs do not clobber each other:
//! - the working copy is kept per tab in `sessionStorage` (a reload restores this tab's own
//!   design), and mirrored in `localStorage` only to seed a tab opened later;
//! - designs kept by name live in `localStorage` under [`DESIGN_PREFIX`], shared by all tabs,
//!   which hear of each other's changes through the `storage` event.
//!
//! Every failure (no window, storage disabled, quota) is ignored: persistence is a convenience,
//! never a reason to break the page.

/// The key holding the working copy's text.
pub const SOURCE_KEY: &str = "vnetlab.source";
/// The key holding the working copy's file name.
pub const NAME_KEY: &str = "vnetlab.name";
/// The prefix of the keys of designs kept by name (`vnetlab.design.<name>`).
pub const DESIGN_PREFIX: &str = "vnetlab.design.";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn read(s: &web_sys::Storage) -> Option<(String, String)> {
    let source = s.get_item(SOURCE_KEY).ok()??;
    let name = s
        .get_item(NAME_KEY)
        .ok()?
        .unwrap_or_else(|| "untitled.yaml".into());
    Some((name, source))
}

/// This tab's working copy as (name, text), else the latest of any tab, if any.
pub fn load() -> Option<(String, String)> {
    session_storage()
        .as_ref()
        .and_then(read)
        .or_else(|| local_storage().as_ref().and_then(read))
}

/// Saves the working copy (best effort).
pub fn save(name: &str, source: &str) {
    for s in [session_storage(), local_storage()].into_iter().flatten() {
        let _ = s.set_item(SOURCE_KEY, source);
        let _ = s.set_item(NAME_KEY, name);
    }
}

/// The names of the designs kept in this browser, sorted.
pub fn designs() -> Vec<String> {
    let Some(s) = local_storage() else {
        return Vec::new();
    };
    let n = s.length().unwrap_or(0);
    let mut names: Vec<String> = (0..n)
        .filter_map(|i| s.key(i).ok().flatten())
        .filter_map(|k| k.strip_prefix(DESIGN_PREFIX).map(str::to_string))
        .collect();
    names.sort();
    names
}

/// The text of the design kept as `name`.
pub fn design(name: &str) -> Option<String> {
    local_storage()?
        .get_item(&format!("{DESIGN_PREFIX}{name}"))
        .ok()?
}

/// Keeps `source` as the design `name` (best effort).
pub fn keep(name: &str, source: &str) {
    if let Some(s) = local_storage() {
        let _ = s.set_item(&format!("{DESIGN_PREFIX}{name}"), source);
    }
}
