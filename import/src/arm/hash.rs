//! Azure's deterministic name functions, so imported names match a real deployment:
//! `uniqueString` (Microsoft's 64-bit MurmurHash variant over the arguments joined with `-`,
//! 13 characters of lower-case base 32) and `guid` (an RFC 4122 §4.3 name-based UUID, version 5
//! with SHA-1, in ARM's namespace `11fb06fb-712d-4ddd-98c7-e71bbd588830`, over the arguments
//! joined with `-`). Sources and verified outputs: docs/import.md.

/// ARM's namespace for `guid()`.
const ARM_NAMESPACE: [u8; 16] = [
    0x11, 0xfb, 0x06, 0xfb, 0x71, 0x2d, 0x4d, 0xdd, 0x98, 0xc7, 0xe7, 0x1b, 0xbd, 0x58, 0x88, 0x30,
];

/// `uniqueString(args…)`.
pub fn unique_string(args: &[&str]) -> String {
    let joined = args.join("-");
    let mut h = murmur64(joined.as_bytes());
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut out = String::with_capacity(13);
    for _ in 0..13 {
        out.push(ALPHABET[(h >> 59) as usize] as char);
        h <<= 5;
    }
    out
}

/// `guid(args…)`.
pub fn guid(args: &[&str]) -> String {
    let joined = args.join("-");
    let mut sha = sha1_smol::Sha1::new();
    sha.update(&ARM_NAMESPACE);
    sha.update(joined.as_bytes());
    let d = sha.digest().bytes();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Microsoft's 64-bit MurmurHash: two 32-bit MurmurHash3 lanes over 8-byte blocks, seed 0.
fn murmur64(data: &[u8]) -> u64 {
    const C1: u32 = 0x239b_961b;
    const C2: u32 = 0xab0e_9789;
    let le = |s: &[u8]| -> u32 {
        s.iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | (u32::from(b) << (8 * i)))
    };
    let (mut h1, mut h2) = (0u32, 0u32);
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let k1 = le(&c[..4]);
        let k2 = le(&c[4..]);
        h1 ^= k1.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        h1 = h1
            .rotate_left(19)
            .wrapping_add(h2)
            .wrapping_mul(5)
            .wrapping_add(0x561c_cd1b);
        h2 ^= k2.wrapping_mul(C2).rotate_left(17).wrapping_mul(C1);
        h2 = h2
            .rotate_left(13)
            .wrapping_add(h1)
            .wrapping_mul(5)
            .wrapping_add(0x0bca_a747);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        let k1 = le(&tail[..tail.len().min(4)]);
        h1 ^= k1.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2);
        if tail.len() > 4 {
            let k2 = le(&tail[4..]);
            h2 ^= k2.wrapping_mul(C2).rotate_left(17).wrapping_mul(C1);
        }
    }
    let len = data.len() as u32;
    h1 ^= len;
    h2 ^= len;
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    h1 = fmix(h1);
    h2 = fmix(h2);
    h1 = h1.wrapping_add(h2);
    h2 = h2.wrapping_add(h1);
    (u64::from(h2) << 32) | u64::from(h1)
}

fn fmix(mut h: u32) -> u32 {
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_string_matches_published_outputs() {
        // Published outputs of Azure's own implementation (see docs/import.md).
        assert_eq!(unique_string(&["test"]), "rbgf3xv4ufgzg");
        assert_eq!(unique_string(&["test", "test2", "test3"]), "bqgd334z2uj64");
        assert_eq!(unique_string(&["hello", "world"]), "a7wkljktk6wne");
        assert_eq!(unique_string(&["abc"]), "cgtzqvhu4i23s");
        assert_eq!(unique_string(&["foo", "bar", "baz"]), "xzi4ioaxtmth4");
        assert_eq!(
            unique_string(&[
                "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/my-rg"
            ]),
            "bmg7c6xu4tw46"
        );
    }

    #[test]
    fn guid_matches_published_outputs() {
        assert_eq!(guid(&["test"]), "d6a5baf1-8b9b-542a-8525-2982f1f98a0c");
        // Several arguments are joined with `-` (Microsoft's ExpressionBuiltInFunctions:
        // JoinStringParametersWithDash), so this is uuid5(namespace, "test-test2-test3").
        assert_eq!(
            guid(&["test", "test2", "test3"]),
            "43ca56fb-e844-5667-aabf-b316c27c09cc"
        );
        assert_eq!(
            guid(&["test-test2-test3"]),
            guid(&["test", "test2", "test3"])
        );
    }
}
