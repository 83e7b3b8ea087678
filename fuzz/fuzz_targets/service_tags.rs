//! The service-tags reader: any text gives tags or located errors, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vnetlab_core::tags::ServiceTags;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let read = ServiceTags::read_published("tags.json", text);
    if read.tags.is_none() {
        assert!(!read.diagnostics.is_empty(), "rejected without a reason");
    }
});
