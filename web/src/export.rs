//! Download links for exports (YAML, JSON, SVG) as `data:` URLs, so saving a design needs no
//! server: the browser downloads the link's content under the given name. The content is made
//! when the link is clicked ([`on_export`]).

/// A `data:` URL holding `text` with the given MIME type, percent-encoded.
pub fn data_url(mime: &str, text: &str) -> String {
    let mut out = format!("data:{mime};charset=utf-8,");
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~ ".contains(&b) {
            out.push(if b == b' ' { ' ' } else { b as char });
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out.replace(' ', "%20")
}

/// A click handler for an export link whose content is made only when it is clicked (a large
/// design is not serialised at every render): it sets the clicked link's `href` to the `data:`
/// URL of what `make` returns before the browser follows it.
pub fn on_export(
    mime: &'static str,
    make: impl Fn() -> String + 'static,
) -> yew::Callback<web_sys::MouseEvent> {
    use wasm_bindgen::JsCast;
    yew::Callback::from(move |e: web_sys::MouseEvent| {
        let link = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest("a").ok().flatten());
        if let Some(a) = link {
            let _ = a.set_attribute("href", &data_url(mime, &make()));
        }
    })
}

/// The design's file name with another extension (`hub.yaml` → `hub.json`).
pub fn file_name(name: &str, ext: &str) -> String {
    let stem = name.rsplit_once('.').map(|(s, _)| s).unwrap_or(name);
    let stem = if stem.is_empty() { "design" } else { stem };
    format!("{stem}.{ext}")
}

/// Decodes a URL made by [`data_url`] (used by tests and re-import).
pub fn decode_data_url(url: &str) -> Option<String> {
    let (_, body) = url.split_once(',')?;
    let bytes = body.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_urls_round_trip_any_text() {
        let text = "name: é #1\n  - [a, b]: \"q\" 100%\n";
        let url = data_url("text/yaml", text);
        assert!(url.starts_with("data:text/yaml;charset=utf-8,"));
        assert!(!url.contains(' ') && !url.contains('#') && !url.contains('\n'));
        assert_eq!(decode_data_url(&url).as_deref(), Some(text));
    }

    #[test]
    fn file_names_swap_the_extension() {
        assert_eq!(file_name("hub.yaml", "json"), "hub.json");
        assert_eq!(file_name("untitled", "svg"), "untitled.svg");
    }
}
