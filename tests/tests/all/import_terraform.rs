//! Terraform import, end to end on fixtures written in the style of real azurerm configurations
//! (`tests/fixtures/import/terraform/`): each imported design loads, is pinned in
//! `tests/golden/import/`, and checks and audits as its hand-written equivalent
//! (`equivalent.yaml` beside it): the equivalent's expectations hold on it, the subnet
//! reachability matrices are the same, and so is the Azure ML audit.

use vnetlab_core::format::{self, TopologyFile};
use vnetlab_core::net::Protocol;
use vnetlab_import::terraform::{Options, import_terraform};
use vnetlab_import::{Imported, Input};
use vnetlab_tests::{design, golden, root};

const DIR: &str = "tests/fixtures/import/terraform";

/// Every file of a configuration directory, with names relative to the repository root.
fn files(rel: &str) -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, rel: &str, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).expect("fixture directory") {
            let e = e.expect("entry");
            let name = format!("{rel}/{}", e.file_name().to_string_lossy());
            if e.file_type().expect("type").is_dir() {
                walk(&e.path(), &name, out);
            } else if name.ends_with(".tf") || name.ends_with(".tfvars") || name.ends_with(".json")
            {
                out.push((name, std::fs::read_to_string(e.path()).expect("read")));
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join(rel), rel, &mut out);
    out.sort();
    out
}

fn import(root_dir: &str, files: &[(String, String)], opts: &Options) -> Imported {
    let inputs: Vec<Input> = files
        .iter()
        .map(|(name, text)| Input { name, text })
        .collect();
    match import_terraform(root_dir, &inputs, opts) {
        Ok(i) => i,
        Err(diags) => panic!(
            "{root_dir} does not import:\n{}",
            diags.iter().map(|d| d.render(None)).collect::<String>()
        ),
    }
}

/// The configuration's `.tf` files (and auto-loaded tfvars), without the equivalent or plans.
fn config(name: &str) -> (String, Vec<(String, String)>) {
    let dir = format!("{DIR}/{name}");
    let fs = files(&dir)
        .into_iter()
        .filter(|(n, _)| n.ends_with(".tf") || n.ends_with("terraform.tfvars"))
        .collect();
    (dir, fs)
}

fn read_records(rel: &str) -> TopologyFile {
    let text = std::fs::read_to_string(root().join(rel)).expect("read equivalent");
    let mut diags = vnetlab_core::diag::Diagnostics::new(rel);
    format::read(text.as_bytes(), &mut diags).expect("equivalent reads")
}

/// The imported design checks and audits as the hand-written `equivalent`.
fn assert_equivalent(imported: &Imported, equivalent: &str) {
    let eq_file = read_records(equivalent);
    let eq = design(equivalent, &format::to_yaml(&eq_file));
    assert!(
        !eq_file.expect.is_empty(),
        "{equivalent} states what must hold"
    );
    // The printed design loads (with its source comments), and equals the records.
    let mut diags = vnetlab_core::diag::Diagnostics::new("imported.yaml");
    let back = format::read(imported.yaml.as_bytes(), &mut diags).expect("imported YAML reads");
    assert_eq!(back, imported.design);
    let mut file = imported.design.clone();
    file.name = eq_file.name.clone();
    file.description = eq_file.description.clone();
    file.clients = eq_file.clients.clone();
    file.expect = eq_file.expect.clone();
    let d = design("imported.yaml", &format::to_yaml(&file));
    let report = vnetlab_core::check(&d);
    assert!(
        report.all_hold(),
        "expectations of {equivalent} fail on the import:\n{}",
        vnetlab_core::render::check(&report, false)
    );
    let ports: Vec<(Protocol, u16)> = vnetlab_core::generate::MATRIX_PORTS
        .iter()
        .map(|&p| (Protocol::Tcp, p))
        .collect();
    let diff = vnetlab_core::diff::diff(&eq, &d, &ports);
    assert!(
        diff.is_empty(),
        "the import differs from {equivalent}:\n{}",
        diff.render()
    );
    let a = vnetlab_core::aml::render::audit(&vnetlab_core::aml::audit(&eq), true);
    let b = vnetlab_core::aml::render::audit(&vnetlab_core::aml::audit(&d), true);
    assert_eq!(a, b, "the audits differ");
}

fn pin(name: &str, imported: &Imported) {
    golden(&format!("import/terraform-{name}.yaml"), &imported.yaml);
    golden(
        &format!("import/terraform-{name}.report.txt"),
        &imported.report.to_text(),
    );
}

#[test]
fn hub_and_spoke_with_firewall_and_forced_tunnelling() {
    let (dir, fs) = config("hub-spoke");
    let imported = import(&dir, &fs, &Options::default());
    pin("hub-spoke", &imported);
    assert_equivalent(&imported, &format!("{dir}/equivalent.yaml"));
    // The firewall's private IP is unknown until apply and derived from its subnet.
    let fw = &imported.design.firewalls["hub-fw"];
    assert_eq!(
        fw.private_ip.as_ref().map(|i| i.value.0.to_string()),
        Some("10.0.0.4".into())
    );
    assert!(imported.report.to_text().contains("derived as 10.0.0.4"));
}

#[test]
fn a_module_used_twice_with_for_each() {
    let (dir, fs) = config("modules");
    let imported = import(&dir, &fs, &Options::default());
    pin("modules", &imported);
    assert_equivalent(&imported, &format!("{dir}/equivalent.yaml"));
    // count inside the module instance: two VMs in app1 (static IPs from cidrhost), one in app2.
    let vms: Vec<&String> = imported.design.workloads.keys().collect();
    assert_eq!(vms, ["bas-hub", "vm-app1-01", "vm-app1-02", "vm-app2-01"]);
    // The firewall's derived IP reached the module through a variable.
    let rt = &imported.design.route_tables["rt-app2"];
    assert_eq!(
        rt.routes[0]
            .next_hop_ip
            .as_ref()
            .map(|i| i.value.0.to_string()),
        Some("10.100.0.4".into())
    );
}

#[test]
fn var_files_and_vars_override_the_auto_loaded_tfvars() {
    let (dir, fs) = config("modules");
    let one =
        "spokes = {\n  solo = { cidr = \"10.7.0.0/16\", vm_count = 3, open_ssh = false }\n}\n";
    let opts = Options {
        var_files: vec![Input {
            name: "one.tfvars",
            text: one,
        }],
        vars: vec![("location".into(), "North Europe".into())],
    };
    let imported = import(&dir, &fs, &opts);
    let vnets: Vec<&String> = imported.design.vnets.keys().collect();
    assert_eq!(vnets, ["vnet-hub", "vnet-solo"]);
    assert_eq!(imported.design.region.as_deref(), Some("northeurope"));
    assert_eq!(imported.design.workloads.len(), 4, "Bastion and three VMs");
    // An HCL value for a typed variable.
    let opts = Options {
        var_files: vec![],
        vars: vec![(
            "spokes".into(),
            r#"{ x = { cidr = "10.9.0.0/16", vm_count = 0, open_ssh = true } }"#.into(),
        )],
    };
    let imported = import(&dir, &fs, &opts);
    assert!(imported.design.vnets.contains_key("vnet-x"));
    assert!(
        imported.design.nsgs["nsg-x-workload"]
            .rules
            .iter()
            .any(|r| r.name.value == "allow-ssh-from-bastion")
    );
}
