//! The regular expressions of the JSON Schema (ECMA-262, as JSON Schema specifies), as strict
//! as the tool's own parsers: IPv4 addresses and prefixes without leading zeros, prefixes
//! without host bits, ports 0–65535 and ranges whose first port is not above the last.
//! Generated, because written by hand they would not be read, only trusted.

/// A decimal octet, 0–255, no leading zeros.
const OCTET: &str = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";

/// A decimal port, 0–65535, no leading zeros.
const PORT: &str =
    "(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[1-9][0-9]{0,3}|0)";

/// `a.b.c.d`.
pub fn ipv4() -> String {
    format!("^{OCTET}\\.{OCTET}\\.{OCTET}\\.{OCTET}$")
}

/// The octets an octet with `bits` network bits may hold when the rest are host bits (zero).
fn octet_with(bits: u32) -> String {
    match bits {
        0 => "0".to_string(),
        8.. => OCTET.to_string(),
        b => {
            let step = 1u32 << (8 - b);
            let values: Vec<String> = (0..256)
                .step_by(step as usize)
                .map(|v: u32| v.to_string())
                .collect();
            format!("(?:{})", values.join("|"))
        }
    }
}

/// `a.b.c.d/len` with no host bits set: one alternative per length.
pub fn cidr() -> String {
    let alts: Vec<String> = (0..=32u32)
        .map(|len| {
            let octets: Vec<String> = (0..4u32)
                .map(|i| octet_with(len.saturating_sub(8 * i).min(8)))
                .collect();
            format!("{}/{len}", octets.join("\\."))
        })
        .collect();
    format!("^(?:{})$", alts.join("|"))
}

/// `*`, `any` (any case), a port, or `lo-hi` (spaces around `-` allowed) with lo ≤ hi. Equal
/// ports are `(\d+)-\1`; otherwise lo has fewer digits than hi, or as many, a shared prefix
/// (kept equal by a backreference) and then a smaller digit.
pub fn port() -> String {
    let fewer_digits: Vec<String> = (1..5)
        .map(|m| format!("[0-9]{{{m}}} *- *[0-9]{{{},5}}", m + 1))
        .collect();
    let mut smaller_digit = Vec::new();
    for k in 0..5 {
        let tail = if k == 0 {
            String::new()
        } else {
            format!("[0-9]{{{k}}}")
        };
        for x in 0..9 {
            smaller_digit.push(format!("{x}{tail} *- *\\2[{}-9]{tail}", x + 1));
        }
    }
    format!(
        "^(?:\\*|[aA][nN][yY]|{PORT}|(?={PORT} *- *{PORT}$)(?:([0-9]+) *- *\\1|{}|([0-9]*)(?:{})))$",
        fewer_digits.join("|"),
        smaller_digit.join("|")
    )
}
