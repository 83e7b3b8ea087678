//! The loader, bytes → design: any input gives a design or located errors, never a panic;
//! a design that loads is checked and its diagnostics are all located.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vnetlab_core::model::BuildOptions;

fuzz_target!(|data: &[u8]| {
    let loaded = vnetlab_core::load("fuzz.yaml", data, &BuildOptions::default());
    for d in &loaded.diagnostics {
        assert!(d.span.line >= 1 && d.span.col >= 1, "unlocated: {d:?}");
    }
    if loaded.design.is_none() {
        assert!(!loaded.diagnostics.is_empty(), "rejected without a reason");
    }
});
