//! Download links for exports (YAML, JSON, SVG) as `data:` URLs, so saving a design needs no
//! server and no script: the browser downloads the link's content under the given name.

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
