//! Structure-aware: a bundled design, as JSON, mutated value by value (the input's bytes pick
//! the design, the places and the new values: numbers at their limits, addresses and ports at
//! their edges, names of other elements, empty and duplicated lists, removed keys), then
//! loaded, checked and audited. Random bytes rarely make a valid design; this keeps the
//! mutants close to real ones, so the analyses run on odd but valid designs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use std::sync::LazyLock;
use vnetlab_core::model::BuildOptions;

const DESIGNS: &[&str] = &[
    include_str!("../../topologies/aml-hub-spoke-firewall.yaml"),
    include_str!("../../topologies/aml-private-aks.yaml"),
    include_str!("../../topologies/aml-fortigate-identity.yaml"),
    include_str!("../../topologies/hybrid-dns-gateway.yaml"),
    include_str!("../../topologies/aml-managed-vnet-approved.yaml"),
];

/// Each bundled design as JSON, and every string in it (the names mutations draw on).
static BASES: LazyLock<Vec<(Value, Vec<String>)>> = LazyLock::new(|| {
    DESIGNS
        .iter()
        .map(|text| {
            let d = vnetlab_core::load("t.yaml", text.as_bytes(), &BuildOptions::default())
                .design
                .expect("the bundled design loads");
            let v: Value = serde_json::from_str(&vnetlab_core::format::to_json(&d.file))
                .expect("printed JSON parses");
            let mut strings = Vec::new();
            collect(&v, &mut strings);
            (v, strings)
        })
        .collect()
});

fn collect(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            out.push(k.clone());
            collect(x, out)
        }),
        _ => {}
    }
}

const EDGES: &[&str] = &[
    "*", "", "0.0.0.0/0", "10.0.0.0/8", "10.0.0.0/30", "10.0.0.0/32", "255.255.255.255",
    "168.63.129.16", "0", "65535", "0-65535", "Internet", "VirtualNetwork", "AzureCloud",
    "internet", "any", "none", "deny", "allow", "inbound", "outbound",
];
const NUMBERS: &[u64] = &[0, 1, 99, 100, 4096, 4097, 65535, 65536, u32::MAX as u64, u64::MAX];

/// Walks to the `k`-th node (pre-order, wrapping) and mutates it by `op`.
fn mutate(v: &mut Value, k: &mut usize, op: u8, arg: u8, strings: &[String]) -> bool {
    if *k == 0 {
        let pick = |i: u8, n: usize| usize::from(i) % n.max(1);
        match (op % 8, &mut *v) {
            (0, Value::Array(a)) => a.clear(),
            (1, Value::Array(a)) if !a.is_empty() => {
                let x = a[pick(arg, a.len())].clone();
                a.push(x)
            }
            (2, Value::Array(a)) if !a.is_empty() => {
                a.remove(pick(arg, a.len()));
            }
            (3, Value::Object(m)) if !m.is_empty() => {
                let key = m.keys().nth(pick(arg, m.len())).cloned().expect("in range");
                m.remove(&key);
            }
            (4, _) => *v = Value::String(strings[pick(arg, strings.len())].clone()),
            (5, _) => *v = Value::String(EDGES[pick(arg, EDGES.len())].to_string()),
            (6, _) => *v = Value::from(NUMBERS[pick(arg, NUMBERS.len())]),
            (_, Value::Number(_)) => *v = Value::from(u64::from(arg) * 31),
            _ => *v = Value::Null,
        }
        return true;
    }
    *k -= 1;
    match v {
        Value::Array(a) => a.iter_mut().any(|x| mutate(x, k, op, arg, strings)),
        Value::Object(m) => m.values_mut().any(|x| mutate(x, k, op, arg, strings)),
        _ => false,
    }
}

fn size(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(size).sum(),
        Value::Object(m) => m.values().map(size).sum(),
        _ => 0,
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else { return };
    let (base, strings) = &BASES[usize::from(which) % BASES.len()];
    let mut v = base.clone();
    for chunk in rest.chunks_exact(4).take(16) {
        let n = size(&v);
        let mut k = usize::from(u16::from_le_bytes([chunk[0], chunk[1]])) % n;
        mutate(&mut v, &mut k, chunk[2], chunk[3], strings);
    }
    let text = serde_json::to_string(&v).expect("serializes");
    let loaded = vnetlab_core::load("m.json", text.as_bytes(), &BuildOptions::default());
    if let Some(d) = loaded.design {
        let _ = vnetlab_core::check(&d);
        let _ = vnetlab_core::aml::audit(&d);
    }
});
