//! The Terraform importer, bytes → design: a configuration file (`main.tf`) or a plan
//! (`plan.json`, when the first byte is odd) gives a design or located errors, never a panic;
//! an imported design loads without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vnetlab_core::model::BuildOptions;
use vnetlab_import::Input;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let name = if first % 2 == 1 { "cfg/plan.json" } else { "cfg/main.tf" };
    let input = Input { name, text: &text };
    let opts = vnetlab_import::terraform::Options::default();
    match vnetlab_import::terraform::import_terraform("cfg", &[input], &opts) {
        Ok(imported) => {
            let _ = vnetlab_core::load("imported.yaml", imported.yaml.as_bytes(), &BuildOptions::default());
        }
        Err(diags) => {
            assert!(!diags.is_empty(), "rejected without a reason");
        }
    }
});
