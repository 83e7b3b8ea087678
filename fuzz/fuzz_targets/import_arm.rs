//! The ARM importer, bytes → design: any file (a template, a parameters file or resource
//! JSON) gives a design or located errors, never a panic; an imported design loads without a
//! panic (its own validation may still warn).
#![no_main]

use libfuzzer_sys::fuzz_target;
use vnetlab_core::model::BuildOptions;
use vnetlab_import::Input;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let input = Input {
        name: "fuzz.json",
        text: &text,
    };
    match vnetlab_import::arm::import_arm(&[input], None) {
        Ok(imported) => {
            let _ = vnetlab_core::load("imported.yaml", imported.yaml.as_bytes(), &BuildOptions::default());
        }
        Err(diags) => {
            assert!(!diags.is_empty(), "rejected without a reason");
            for d in &diags {
                assert!(d.span.line >= 1 && d.span.col >= 1, "unlocated: {d:?}");
            }
        }
    }
});
