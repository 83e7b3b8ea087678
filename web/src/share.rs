//! Share links: the design (its file name and text) deflated and written base64url in the URL
//! fragment (`#design=…`), which browsers never send to a server. Opening such a link opens the
//! design (asking first when the current one has unsaved changes). Pure and native-tested.

use miniz_oxide::deflate::compress_to_vec;
use miniz_oxide::inflate::decompress_to_vec_with_limit;

/// The fragment's prefix.
pub const PREFIX: &str = "#design=";

/// The largest design a link may unpack to (a guard against hostile links), in bytes.
pub const MAX_BYTES: usize = 16 << 20;

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(ALPHABET[(n >> (18 - 6 * i)) as usize & 63] as char);
        }
    }
    out
}

fn unbase64url(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u32> = text
        .bytes()
        .map(|c| ALPHABET.iter().position(|&a| a == c).map(|p| p as u32))
        .collect::<Option<_>>()?;
    if digits.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, d)| n | d << (18 - 6 * i));
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

/// The fragment carrying (`name`, `source`).
pub fn encode(name: &str, source: &str) -> String {
    let plain = format!("{name}\n{source}");
    format!(
        "{PREFIX}{}",
        base64url(&compress_to_vec(plain.as_bytes(), 9))
    )
}

/// The (name, source) a fragment carries; `None` when it is not a share link, an error when
/// it is one that cannot be read.
pub fn decode(fragment: &str) -> Option<Result<(String, String), String>> {
    let data = fragment.strip_prefix(PREFIX)?;
    let bad = |why: &str| Some(Err(format!("the link's design cannot be read: {why}")));
    let Some(packed) = unbase64url(data) else {
        return bad("it is not base64url (was it cut short?)");
    };
    let Ok(plain) = decompress_to_vec_with_limit(&packed, MAX_BYTES) else {
        return bad("it is damaged or larger than 16 MB");
    };
    let Ok(plain) = String::from_utf8(plain) else {
        return bad("it is not UTF-8 text");
    };
    match plain.split_once('\n') {
        Some((name, source)) if !name.is_empty() => Some(Ok((name.into(), source.into()))),
        _ => bad("it has no file name"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::SCENARIOS;

    #[test]
    fn every_bundled_design_round_trips_through_a_link_and_is_compressed() {
        for (name, text) in SCENARIOS {
            let link = encode(&format!("{name}.yaml"), text);
            assert!(
                link.len() < text.len(),
                "{name}: {} ≥ {}",
                link.len(),
                text.len()
            );
            assert!(
                link[PREFIX.len()..]
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
            );
            let (n, t) = decode(&link).unwrap().unwrap();
            assert_eq!(
                (n.as_str(), t.as_str()),
                (format!("{name}.yaml").as_str(), *text)
            );
        }
    }

    #[test]
    fn base64url_round_trips_every_length() {
        let bytes: Vec<u8> = (0..=255u8).collect();
        for n in 0..40 {
            assert_eq!(unbase64url(&base64url(&bytes[..n])).unwrap(), &bytes[..n]);
        }
    }

    #[test]
    fn other_fragments_are_ignored_and_damaged_links_are_errors() {
        assert!(decode("").is_none());
        assert!(decode("#top").is_none());
        let link = encode("d.yaml", "version: 1\nname: d\n");
        assert!(decode(&link[..link.len() - 3]).unwrap().is_err());
        assert!(decode("#design=@@@").unwrap().is_err());
        assert!(
            decode(&format!("{PREFIX}{}", base64url(b"not deflate")))
                .unwrap()
                .is_err()
        );
    }
}
