//! The query/endpoint parser on a bundled design: any `from`/`to` text (the first line of the
//! input is the source, the rest the destination) parses or gives a query error, and whatever
//! parses traces to a verdict.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;
use vnetlab_core::model::{BuildOptions, Design};
use vnetlab_core::net::Protocol;
use vnetlab_core::query::{Side, parse_endpoint, parse_set};
use vnetlab_core::trace::FlowQuery;

static DESIGN: LazyLock<Design> = LazyLock::new(|| {
    let text = include_str!("../../topologies/aml-hub-spoke-firewall.yaml");
    vnetlab_core::load("t.yaml", text.as_bytes(), &BuildOptions::default())
        .design
        .expect("the bundled design loads")
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (from, to) = text.split_once('\n').unwrap_or((text, "internet"));
    let d = &*DESIGN;
    for side in [Side::Source, Side::Destination] {
        let _ = parse_endpoint(d, from, side);
        let _ = parse_set(d, to, side);
    }
    let port = data.first().map_or(443, |&b| u16::from(b) * 257);
    let q = FlowQuery {
        from: from.to_string(),
        to: to.to_string(),
        protocol: Protocol::Tcp,
        port,
    };
    let _ = vnetlab_core::trace(d, &q);
});
