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

#[test]
fn a_plan_links_unknown_ids_through_the_configuration_references() {
    let dir = format!("{DIR}/modules");
    let name = format!("{dir}/plan.json");
    let text = std::fs::read_to_string(root().join(&name)).expect("plan");
    let imported = import("", &[(name.clone(), text)], &Options::default());
    pin("modules-plan", &imported);
    assert_equivalent(&imported, &format!("{dir}/equivalent.yaml"));
    // The same design as the configuration read statically.
    let (dir, fs) = config("modules");
    let from_hcl = import(&dir, &fs, &Options::default());
    let routes = |i: &Imported| {
        format::to_yaml(&TopologyFile {
            name: String::new(),
            ..i.design.clone()
        })
    };
    assert_eq!(
        routes(&imported).contains("next_hop_ip: 10.100.0.4"),
        routes(&from_hcl).contains("next_hop_ip: 10.100.0.4")
    );
    assert_eq!(
        imported.design.workloads.keys().collect::<Vec<_>>(),
        from_hcl.design.workloads.keys().collect::<Vec<_>>()
    );
}

/// Imports `files` (name, text) from an in-memory configuration and returns the errors.
fn errors(files: &[(&str, &str)], opts: &Options) -> Vec<String> {
    let inputs: Vec<Input> = files
        .iter()
        .map(|(name, text)| Input { name, text })
        .collect();
    match import_terraform("cfg", &inputs, opts) {
        Ok(_) => Vec::new(),
        Err(diags) => diags
            .iter()
            .map(|d| format!("{}:{}:{}: {}", d.file, d.span.line, d.span.col, d.message))
            .collect(),
    }
}

#[test]
fn bad_input_is_a_located_error() {
    let e = errors(
        &[(
            "cfg/main.tf",
            "resource \"azurerm_subnet\" \"a\" {\n  name = \n}\n",
        )],
        &Options::default(),
    );
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].starts_with("cfg/main.tf:2:10: HCL syntax: invalid expression"),
        "{e:?}"
    );
    let e = errors(
        &[(
            "cfg/variables.tf",
            "\nvariable \"cidr\" {\n  type = string\n}\n",
        )],
        &Options::default(),
    );
    assert_eq!(
        e,
        ["cfg/variables.tf:2:1: variable `cidr` has no value and no default"]
    );
    let e = errors(
        &[(
            "cfg/main.tf",
            "module \"m\" {\n  source = \"./nowhere\"\n}\n",
        )],
        &Options::default(),
    );
    assert_eq!(
        e,
        [
            "cfg/main.tf:1:1: module source `./nowhere` (directory `nowhere`) has no .tf files among those read"
        ]
    );
    let e = errors(
        &[
            (
                "cfg/main.tf",
                "module \"m\" {\n  source = \"./m\"\n  nope = 1\n}\n",
            ),
            ("cfg/m/main.tf", ""),
        ],
        &Options::default(),
    );
    assert_eq!(
        e,
        ["cfg/main.tf:1:1: module `m` has no variable `nope` (directory `m`)"]
    );
    let e = errors(
        &[
            ("cfg/main.tf", "module \"m\" {\n  source = \"./m\"\n}\n"),
            (
                "cfg/m/main.tf",
                "module \"again\" {\n  source = \"../m\"\n  count  = 3\n}\n",
            ),
        ],
        &Options::default(),
    );
    assert_eq!(
        e,
        ["cfg/m/main.tf:1:1: modules nest deeper than 16: does `../m` call itself?"]
    );
    let e = errors(
        &[("cfg/main.tf", "resource \"azurerm_subnet\" {\n}\n")],
        &Options::default(),
    );
    assert_eq!(
        e,
        ["cfg/main.tf:1:1: a `resource` block takes 2 label(s), this one has 1"]
    );
    let opts = Options {
        var_files: vec![],
        vars: vec![("nope".into(), "1".into())],
    };
    let e = errors(&[("cfg/main.tf", "")], &opts);
    assert_eq!(
        e,
        ["cfg/main.tf:1:1: --var nope: the configuration declares no variable `nope`"]
    );
    let e = errors(
        &[(
            "plan.json",
            "{\"format_version\": \"1.2\",\n  \"planned_values\": [}",
        )],
        &Options::default(),
    );
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with("plan.json:2:22: JSON syntax"), "{e:?}");
    let e = errors(
        &[(
            "state.json",
            "{\"format_version\": \"1.0\", \"values\": {}}",
        )],
        &Options::default(),
    );
    assert_eq!(
        e,
        ["state.json:1:1: the plan has no planned_values.root_module"]
    );
}

#[test]
fn only_the_root_and_the_modules_it_calls_are_read() {
    let files = [
        (
            "cfg/main.tf",
            "module \"net\" {\n  source = \"./modules/net\"\n}\n",
        ),
        (
            "cfg/modules/net/main.tf",
            "resource \"azurerm_virtual_network\" \"v\" {\n  name          = \"v\"\n  address_space = [\"10.0.0.0/16\"]\n}\n",
        ),
        ("cfg/examples/broken/main.tf", "this is { not HCL"),
    ];
    let inputs: Vec<Input> = files
        .iter()
        .map(|(name, text)| Input { name, text })
        .collect();
    let i = import_terraform("cfg", &inputs, &Options::default()).expect("the example is not read");
    assert!(i.design.vnets.contains_key("v"));
}

#[test]
fn evaluation_problems_are_reported_not_fatal() {
    let main = r#"
locals {
  a = local.b
  b = local.a
}
resource "azurerm_virtual_network" "v" {
  name          = "v"
  address_space = ["10.0.0.0/16"]
  dns_servers   = [local.a]
  subnet {
    name             = "s"
    address_prefixes = [cidrsubnet("10.0.0.0/16", 8, try(local.missing, 3))]
  }
  subnet {
    name             = can(local.a) ? "unreachable" : "t"
    address_prefixes = [cidrsubnet("10.0.0.0/16", 8, 4)]
  }
}
resource "azurerm_nat_gateway" "n" {
  name = "n"
}
"#;
    let inputs = [Input {
        name: "cfg/main.tf",
        text: main,
    }];
    let imported = import_terraform("cfg", &inputs, &Options::default()).expect("imports");
    let v = &imported.design.vnets["v"];
    assert!(v.dns_servers.is_empty(), "the cyclic local is left out");
    let subnets: Vec<String> = v
        .subnets
        .iter()
        .map(|(n, s)| format!("{n} {}", s.all_prefixes()[0]))
        .collect();
    assert_eq!(subnets, ["s 10.0.3.0/24", "t 10.0.4.0/24"]);
    let report = imported.report.to_text();
    assert!(
        report.contains("cfg/main.tf:19:1: dropped: azurerm_nat_gateway: no counterpart"),
        "{report}"
    );
    assert!(
        report.contains("cfg/main.tf:3:3: unknown until deploy: local.a: cannot be evaluated"),
        "{report}"
    );
}

/// The importer never panics: every prefix of every fixture (cut at many places) imports or
/// gives located errors.
#[test]
fn truncated_inputs_never_panic() {
    let mut all = files(DIR);
    all.retain(|(n, _)| !n.ends_with("equivalent.yaml"));
    for (name, text) in &all {
        let cuts = (0..text.len())
            .step_by(97.max(text.len() / 60))
            .chain([text.len()]);
        for cut in cuts {
            if !text.is_char_boundary(cut) {
                continue;
            }
            let input = Input {
                name,
                text: &text[..cut],
            };
            let root_dir = name.rsplit_once('/').map_or("", |(d, _)| d);
            let r = import_terraform(root_dir, &[input], &Options::default());
            if let Err(diags) = r {
                assert!(
                    diags.iter().all(|d| d.span.line >= 1 && d.file == *name),
                    "{name}@{cut}: {diags:?}"
                );
            }
        }
    }
}

#[test]
fn azure_ml_workspace_with_private_endpoints_a_compute_cluster_and_aks() {
    let (dir, fs) = config("aml");
    let imported = import(&dir, &fs, &Options::default());
    pin("aml", &imported);
    assert_equivalent(&imported, &format!("{dir}/equivalent.yaml"));
    // terraform.tfvars is loaded automatically: 20 nodes, not the default 4.
    let trainer = &imported.design.workloads["trainer"];
    assert_eq!(trainer.max_nodes.as_ref().map(|n| n.value), Some(20));
    // The inference cluster attaches AKS to the workspace.
    let aks = &imported.design.workloads["scoring-aks"];
    assert_eq!(
        aks.workspace.as_ref().map(|w| w.value.as_str()),
        Some("mlws")
    );
    // image_build_compute_name names the cluster by its Azure name (semantics S25).
    assert_eq!(
        imported.design.services["mlws"]
            .image_build_compute
            .as_ref()
            .map(|c| c.value.as_str()),
        Some("trainer")
    );
    assert!(
        !imported
            .report
            .to_text()
            .contains("image_build_compute_name")
    );
}

#[test]
fn count_splats_for_expressions_and_conditionals() {
    let main = r#"
variable "n" {
  type    = number
  default = 2
}
locals {
  names = [for i in range(var.n) : format("s%d", i)]
}
resource "azurerm_virtual_network" "v" {
  name          = "v"
  address_space = ["10.0.0.0/16"]
}
resource "azurerm_subnet" "s" {
  count                = var.n
  name                 = local.names[count.index]
  virtual_network_name = azurerm_virtual_network.v.name
  address_prefixes     = [cidrsubnet(azurerm_virtual_network.v.address_space[0], 8, count.index)]
}
resource "azurerm_route_table" "rt" {
  name = "rt"
  dynamic "route" {
    for_each = azurerm_subnet.s[*].address_prefixes[0]
    content {
      name           = "to-${route.key}"
      address_prefix = route.value
      next_hop_type  = "None"
    }
  }
}
resource "azurerm_subnet_route_table_association" "a" {
  for_each       = { for s in azurerm_subnet.s : s.name => s.id if s.name != "s0" }
  subnet_id      = each.value
  route_table_id = azurerm_route_table.rt.id
}
resource "azurerm_network_security_group" "nsg" {
  name = var.n > 1 ? "many" : "one"
}
"#;
    let inputs = [Input {
        name: "cfg/main.tf",
        text: main,
    }];
    let i = import_terraform("cfg", &inputs, &Options::default()).expect("imports");
    let v = &i.design.vnets["v"];
    let subnets: Vec<String> = v
        .subnets
        .iter()
        .map(|(n, s)| {
            format!(
                "{n} {} {:?}",
                s.all_prefixes()[0],
                s.route_table.as_ref().map(|r| r.value.as_str())
            )
        })
        .collect();
    assert_eq!(
        subnets,
        ["s0 10.0.0.0/24 None", "s1 10.0.1.0/24 Some(\"rt\")"]
    );
    let routes: Vec<String> = i.design.route_tables["rt"]
        .routes
        .iter()
        .map(|r| format!("{} {}", r.name.value, r.prefix.value))
        .collect();
    assert_eq!(routes, ["to-0 10.0.0.0/24", "to-1 10.0.1.0/24"]);
    assert!(i.design.nsgs.contains_key("many"));
    let opts = Options {
        var_files: vec![],
        vars: vec![("n".into(), "1".into())],
    };
    let i = import_terraform("cfg", &inputs, &opts).expect("imports");
    assert_eq!(i.design.vnets["v"].subnets.len(), 1);
    assert!(i.design.nsgs.contains_key("one"));
}

/// Tokens that make HCL and JSON take unusual paths when dropped into a file.
const TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "\"",
    "${",
    "%{",
    "*",
    "-",
    "+",
    "/",
    "%",
    "0",
    "9223372036854775807",
    "=",
    ",",
    "\n",
    ".",
    "[*]",
    "count.index",
    "each.key",
    "local.",
    "var.",
    "module.",
    "try(",
    "cidrsubnet(",
    "null",
    "for x in",
    "?",
    ":",
    "<<EOT\n",
    "~}",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]

    /// Mangled fixtures (a token written over a random place of a random file, the rest of the
    /// configuration intact) import or give located errors; they never panic.
    #[test]
    fn mangled_configurations_never_panic(file in 0usize..64, at in 0usize..20_000, token in 0usize..TOKENS.len(), cut in 0usize..4) {
        let mut all = files(DIR);
        all.retain(|(n, _)| n.ends_with(".tf") || n.ends_with(".tfvars") || n.ends_with(".json"));
        let i = file % all.len();
        let (name, text) = all[i].clone();
        let mut at = at % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + cut).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        let mangled = format!("{}{}{}", &text[..at], TOKENS[token], &text[end..]);
        if name.ends_with(".json") {
            let r = import_terraform("", &[Input { name: &name, text: &mangled }], &Options::default());
            if let Err(d) = r {
                proptest::prop_assert!(d.iter().all(|d| d.file == name && d.span.line >= 1));
            }
        } else {
            let dir = name.split('/').take(5).collect::<Vec<_>>().join("/");
            let config: Vec<(String, String)> = all
                .iter()
                .filter(|(n, _)| n.starts_with(&format!("{dir}/")) && !n.ends_with(".json"))
                .map(|(n, t)| (n.clone(), if *n == name { mangled.clone() } else { t.clone() }))
                .collect();
            let inputs: Vec<Input> = config.iter().map(|(n, t)| Input { name: n, text: t }).collect();
            if let Err(d) = import_terraform(&dir, &inputs, &Options::default()) {
                proptest::prop_assert!(d.iter().all(|d| d.span.line >= 1 && config.iter().any(|(n, _)| *n == d.file)), "{:?}", d);
            }
        }
    }
}

#[test]
fn application_gateways_and_dns_resolver_inbound_endpoints_become_workloads() {
    let main = r#"
resource "azurerm_virtual_network" "v" {
  name          = "hub"
  address_space = ["10.0.0.0/16"]
  subnet {
    name             = "appgw"
    address_prefixes = ["10.0.1.0/24"]
  }
  subnet {
    name             = "dns-in"
    address_prefixes = ["10.0.2.0/28"]
  }
}
locals {
  subnets = { for s in azurerm_virtual_network.v.subnet : s.name => s.id }
}
resource "azurerm_public_ip" "agw" {
  name = "pip-agw"
  sku  = "Standard"
}
resource "azurerm_application_gateway" "agw" {
  name = "agw"
  gateway_ip_configuration {
    name      = "gw"
    subnet_id = local.subnets["appgw"]
  }
  frontend_ip_configuration {
    name                 = "public"
    public_ip_address_id = azurerm_public_ip.agw.id
  }
  frontend_ip_configuration {
    name                          = "private"
    subnet_id                     = local.subnets["appgw"]
    private_ip_address            = "10.0.1.10"
    private_ip_address_allocation = "Static"
  }
}
resource "azurerm_private_dns_resolver" "r" {
  name               = "resolver"
  virtual_network_id = azurerm_virtual_network.v.id
}
resource "azurerm_private_dns_resolver_inbound_endpoint" "in" {
  name                    = "resolver-in"
  private_dns_resolver_id = azurerm_private_dns_resolver.r.id
  ip_configurations {
    private_ip_allocation_method = "Static"
    private_ip_address           = "10.0.2.4"
    subnet_id                    = local.subnets["dns-in"]
  }
}
"#;
    let inputs = [Input {
        name: "cfg/main.tf",
        text: main,
    }];
    let i = import_terraform("cfg", &inputs, &Options::default()).expect("imports");
    let agw = &i.design.workloads["agw"];
    assert_eq!(agw.subnet.value, "hub/appgw");
    assert_eq!(
        agw.ip.as_ref().map(|ip| ip.value.0.to_string()),
        Some("10.0.1.10".into())
    );
    assert_eq!(
        agw.public_ip,
        Some(vnetlab_core::format::PublicIpSku::Standard)
    );
    let dns = &i.design.workloads["resolver-in"];
    assert_eq!(dns.kind, vnetlab_core::format::WorkloadKind::DnsServer);
    assert_eq!(dns.forwards_to_azure_dns, Some(true));
    assert_eq!(
        dns.ip.as_ref().map(|ip| ip.value.0.to_string()),
        Some("10.0.2.4".into())
    );
    let report = i.report.to_text();
    assert!(
        !report.contains("azurerm_private_dns_resolver:"),
        "{report}"
    );
    let d = design("imported.yaml", &i.yaml);
    assert_eq!(d.workloads.len(), 2);
}

/// `default_outbound_access_enabled = false` makes a private subnet (docs/semantics.md S1):
/// imported, not dropped, so a flow to a public endpoint without a NAT gateway is lost there.
#[test]
fn a_private_subnet_is_imported_as_one() {
    let main = r#"
resource "azurerm_virtual_network" "v" {
  name                = "v"
  location            = "eastus"
  resource_group_name = "rg"
  address_space       = ["10.9.0.0/16"]
}
resource "azurerm_subnet" "private" {
  name                            = "private"
  resource_group_name             = "rg"
  virtual_network_name            = azurerm_virtual_network.v.name
  address_prefixes                = ["10.9.1.0/24"]
  default_outbound_access_enabled = false
}
resource "azurerm_subnet" "open" {
  name                 = "open"
  resource_group_name  = "rg"
  virtual_network_name = azurerm_virtual_network.v.name
  address_prefixes     = ["10.9.2.0/24"]
}
"#;
    let imported = import(
        "cfg",
        &[("cfg/main.tf".to_string(), main.to_string())],
        &Options::default(),
    );
    let v = &imported.design.vnets["v"];
    assert_eq!(v.subnets["private"].default_outbound_access, Some(false));
    assert_eq!(v.subnets["open"].default_outbound_access, None);
    assert!(
        !imported
            .report
            .to_text()
            .contains("default_outbound_access_enabled"),
        "no longer reported as dropped"
    );
}

/// `address_prefixes` with several items become the subnet's `prefixes` (S11);
/// `peer_complete_virtual_networks_enabled = false` keeps the peering's subnet names (S12).
#[test]
fn several_prefixes_and_subnet_peering_are_mapped() {
    let main = r#"
resource "azurerm_virtual_network" "left" {
  name          = "left"
  address_space = ["10.20.0.0/16"]
}
resource "azurerm_virtual_network" "right" {
  name          = "right"
  address_space = ["10.30.0.0/16"]
}
resource "azurerm_subnet" "front" {
  name                 = "front"
  virtual_network_name = azurerm_virtual_network.left.name
  address_prefixes     = ["10.20.1.0/24", "10.20.8.0/26"]
}
resource "azurerm_subnet" "app" {
  name                 = "app"
  virtual_network_name = azurerm_virtual_network.right.name
  address_prefixes     = ["10.30.1.0/24"]
}
resource "azurerm_subnet" "db" {
  name                 = "db"
  virtual_network_name = azurerm_virtual_network.right.name
  address_prefixes     = ["10.30.2.0/24"]
  delegation {
    name = "sqlmi"
    service_delegation {
      name = "Microsoft.Sql/managedInstances"
    }
  }
}
resource "azurerm_virtual_network_peering" "lr" {
  name                                   = "left-to-right"
  virtual_network_name                   = azurerm_virtual_network.left.name
  remote_virtual_network_id              = azurerm_virtual_network.right.id
  peer_complete_virtual_networks_enabled = false
  local_subnet_names                     = [azurerm_subnet.front.name]
  remote_subnet_names                    = [azurerm_subnet.app.name]
}
resource "azurerm_virtual_network_peering" "rl" {
  name                                   = "right-to-left"
  virtual_network_name                   = azurerm_virtual_network.right.name
  remote_virtual_network_id              = azurerm_virtual_network.left.id
  peer_complete_virtual_networks_enabled = false
  local_subnet_names                     = ["app"]
  remote_subnet_names                    = ["front"]
}
"#;
    let inputs = [Input {
        name: "cfg/main.tf",
        text: main,
    }];
    let i = import_terraform("cfg", &inputs, &Options::default()).expect("imports");
    let front = &i.design.vnets["left"].subnets["front"];
    assert_eq!(
        front
            .all_prefixes()
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>(),
        ["10.20.1.0/24", "10.20.8.0/26"]
    );
    assert!(front.prefix.is_none());
    let lists: Vec<String> = i
        .design
        .peerings
        .iter()
        .map(|p| {
            p.subnets
                .iter()
                .map(|(v, l)| {
                    format!(
                        "{v}: {}",
                        l.iter()
                            .map(|s| s.value.as_str())
                            .collect::<Vec<_>>()
                            .join(",")
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .collect();
    assert_eq!(
        lists,
        ["left: front; right: app", "left: front; right: app"]
    );
    let db = &i.design.vnets["right"].subnets["db"];
    assert_eq!(db.delegations[0].value, "Microsoft.Sql/managedInstances");
    let report = i.report.to_text();
    assert!(!report.contains("delegation"), "{report}");
    assert!(
        !report.contains("subnet peering has no counterpart"),
        "{report}"
    );
    let d = design("tf.yaml", &i.yaml);
    let t = vnetlab_core::trace(
        &d,
        &vnetlab_core::trace::FlowQuery {
            from: "10.20.8.5".into(),
            to: "10.30.1.5".into(),
            protocol: Protocol::Tcp,
            port: 22,
        },
    )
    .expect("valid query");
    assert!(t.verdict.allowed(), "{}", vnetlab_core::render::trace(&t));
}

#[test]
fn api_management_is_imported_with_its_vnet_mode() {
    let main = r#"
resource "azurerm_virtual_network" "v" {
  name          = "v"
  address_space = ["10.0.0.0/16"]
}
resource "azurerm_subnet" "apim" {
  name                 = "apim"
  virtual_network_name = azurerm_virtual_network.v.name
  address_prefixes     = ["10.0.2.0/24"]
}
resource "azurerm_api_management" "gw" {
  name                 = "gw"
  virtual_network_type = "External"
  virtual_network_configuration {
    subnet_id = azurerm_subnet.apim.id
  }
}
resource "azurerm_api_management" "outside" {
  name = "outside"
}
"#;
    let inputs = [Input {
        name: "cfg/main.tf",
        text: main,
    }];
    let imported = import_terraform("cfg", &inputs, &Options::default()).expect("imports");
    let w = &imported.design.workloads["gw"];
    assert_eq!(w.kind, format::WorkloadKind::ApiManagement);
    assert_eq!(w.virtual_network_type, Some(format::ApimVnetType::External));
    assert_eq!(w.public_ip, Some(format::PublicIpSku::Standard));
    assert_eq!(w.subnet.value, "v/apim");
    assert!(!imported.design.workloads.contains_key("outside"));
    let report = imported.report.to_text();
    assert!(report.contains("virtual_network_type None"), "{report}");
}
