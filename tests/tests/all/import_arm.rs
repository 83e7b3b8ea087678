//! The ARM importer (issue 16): an estate export and a template, each imported and compared with
//! its hand-written equivalent (same expectations hold, same audit); the report of what was
//! dropped, approximated or unknown; source comments; the deployment context; located errors
//! for bad input and no panic on mangled input.

use proptest::prelude::*;
use vnetlab_core::diag::Diagnostic;
use vnetlab_core::format::TopologyFile;
use vnetlab_core::model::{BuildOptions, Design};
use vnetlab_import::arm::{Options, expand_template, hash, import_arm, import_arm_with};
use vnetlab_import::{Imported, Input, Outcome};
use vnetlab_tests::{design_file, root};

const DIR: &str = "tests/fixtures/import/arm";

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

fn estate_files() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(root().join(DIR).join("estate"))
        .expect("estate fixtures")
        .filter_map(|e| e.ok())
        .map(|e| format!("{DIR}/estate/{}", e.file_name().to_string_lossy()))
        .collect();
    v.sort();
    v
}

fn import_files(
    files: &[String],
    params: Option<&str>,
    opts: &Options,
) -> Result<Imported, Vec<Diagnostic>> {
    let texts: Vec<String> = files.iter().map(|f| read(f)).collect();
    let inputs: Vec<Input> = files
        .iter()
        .zip(&texts)
        .map(|(n, t)| Input { name: n, text: t })
        .collect();
    let ptext = params.map(read);
    let pin = params
        .zip(ptext.as_deref())
        .map(|(n, t)| Input { name: n, text: t });
    import_arm_with(&inputs, pin.as_ref(), opts)
}

fn template_import(opts: &Options) -> Imported {
    import_files(
        &[format!("{DIR}/template/ml-spoke.json")],
        Some(&format!("{DIR}/template/ml-spoke.parameters.json")),
        opts,
    )
    .unwrap_or_else(|e| panic!("template import failed: {e:#?}"))
}

/// The imported YAML loads; with the hand-written design's expectations added, every one holds
/// exactly as in the hand-written design; the Azure ML audits are equal.
fn assert_equivalent(imported: &Imported, expected_rel: &str) {
    let opts = BuildOptions::default();
    let loaded = vnetlab_core::load("imported.yaml", imported.yaml.as_bytes(), &opts);
    let a: Design = loaded.design.unwrap_or_else(|| {
        panic!(
            "the imported design does not load:\n{}\n{}",
            loaded
                .diagnostics
                .iter()
                .map(|d| d.render(Some(&imported.yaml)))
                .collect::<String>(),
            imported.yaml
        )
    });
    let b = design_file(expected_rel);
    let mut diags = vnetlab_core::diag::Diagnostics::new(expected_rel);
    let expected: TopologyFile =
        vnetlab_core::format::read(read(expected_rel).as_bytes(), &mut diags)
            .expect("expected design reads");
    let mut with_expect = imported.design.clone();
    with_expect.expect = expected.expect.clone();
    let a_checked = vnetlab_core::rebuild("imported.yaml", &with_expect, &opts)
        .design
        .expect("imported design with expectations builds");
    let ra = vnetlab_core::check(&a_checked);
    let rb = vnetlab_core::check(&b);
    assert!(rb.all_hold(), "the hand-written design's expectations hold");
    let verdicts = |r: &vnetlab_core::check::CheckReport| {
        r.results
            .iter()
            .map(|x| {
                (
                    x.name.clone(),
                    x.outcome == vnetlab_core::check::Outcome::Holds,
                    x.summary.clone(),
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        verdicts(&ra),
        verdicts(&rb),
        "expectations differ between imported and hand-written"
    );
    assert!(!ra.results.is_empty());
    // Findings locate their element in their own file (`at`): lines differ between the two.
    let audit = |d: &Design| {
        let mut v = serde_json::to_value(vnetlab_core::aml::audit(d)).expect("audit serializes");
        v.as_object_mut().expect("object").remove("design");
        for f in v["findings"].as_array_mut().expect("findings") {
            f.as_object_mut().expect("finding").remove("at");
        }
        v
    };
    assert_eq!(audit(&a), audit(&b), "the audits differ");
}

#[test]
fn estate_export_checks_and_audits_as_its_hand_written_equivalent() {
    let imported =
        import_files(&estate_files(), None, &Options::default()).expect("estate imports");
    assert_equivalent(&imported, &format!("{DIR}/hub-spoke-aml.expected.yaml"));
}

#[test]
fn estate_report_lists_what_has_no_counterpart_with_its_place() {
    let imported =
        import_files(&estate_files(), None, &Options::default()).expect("estate imports");
    let text = imported.report.to_text();
    assert!(
        text.contains(&format!(
            "{DIR}/estate/resource-list.json:10:3: dropped: microsoft.network/natgateways:"
        )),
        "{text}"
    );
    assert!(text.contains(&format!("{DIR}/estate/resource-list.json:2:3: dropped: microsoft.operationalinsights/workspaces:")), "{text}");
    // The workspace endpoint's two addresses are one in vnetlab.
    assert!(
        text.contains(
            "approximated: customDnsConfigs: the endpoint has 2 addresses (10.1.2.5, 10.1.2.12)"
        ),
        "{text}"
    );
    assert_eq!(
        imported.report.count(Outcome::UnknownUntilDeploy),
        0,
        "{text}"
    );
    let json = imported.report.to_json();
    assert_eq!(json["dropped"], 2);
    assert_eq!(
        json["items"][0]["source"]["file"],
        format!("{DIR}/estate/private-endpoints-rest.json")
    );
}

#[test]
fn every_element_names_its_source_resource_and_place() {
    let imported =
        import_files(&estate_files(), None, &Options::default()).expect("estate imports");
    let y = &imported.yaml;
    let hub = "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/hub";
    assert!(
        y.contains(&format!(
            "  # source: {hub} ({DIR}/estate/vnets.json:2:3)\n  hub:\n"
        )),
        "{y}"
    );
    assert!(
        y.contains(&format!(
            "      # source: {hub} ({DIR}/estate/vnets.json:13:7)\n      AzureFirewallSubnet:\n"
        )),
        "{y}"
    );
    assert!(y.contains("workspaces/mlws/computes/trainer ("), "{y}");
    let d = &imported.design;
    let elements = d.vnets.len()
        + d.vnets.values().map(|v| v.subnets.len()).sum::<usize>()
        + d.peerings.len()
        + d.nsgs.len()
        + d.route_tables.len()
        + d.firewalls.len()
        + d.workloads.len()
        + d.services.len()
        + d.services
            .values()
            .map(|s| s.private_endpoints.len())
            .sum::<usize>()
        + d.dns.as_ref().map_or(0, |z| z.private_zones.len());
    assert_eq!(
        y.matches("# source: /subscriptions/").count(),
        elements,
        "{y}"
    );
}

#[test]
fn every_mapped_resource_type_checks_and_audits_as_its_hand_written_equivalent() {
    let files = vec![
        format!("{DIR}/coverage/graph.json"),
        format!("{DIR}/coverage/resources-rest.json"),
    ];
    let opts = Options {
        design_name: Some("coverage".into()),
        ..Options::default()
    };
    let imported = import_files(&files, None, &opts).expect("coverage imports");
    // The hand-written design also has an on-premises client for its expectations.
    let mut diags = vnetlab_core::diag::Diagnostics::new("x");
    let expected = vnetlab_core::format::read(
        read(&format!("{DIR}/coverage/coverage.expected.yaml")).as_bytes(),
        &mut diags,
    )
    .expect("reads");
    let mut with_client = imported.clone();
    with_client.design.clients = expected.clients.clone();
    with_client.yaml = vnetlab_core::format::to_yaml(&with_client.design);
    assert_equivalent(
        &with_client,
        &format!("{DIR}/coverage/coverage.expected.yaml"),
    );
    let text = imported.report.to_text();
    let g = format!("{DIR}/coverage/graph.json");
    let r = format!("{DIR}/coverage/resources-rest.json");
    for want in [
        format!("{g}:122:29: dropped: subnets/compute.natGateway:"),
        format!("{g}:287:5: dropped: intrusionDetection:"),
        format!("{g}:404:15: approximated: ruleCollectionGroups/spoke/spoke-out/dns: 2 protocols"),
        format!(
            "{g}:412:19: approximated: ruleCollectionGroups/spoke/spoke-out/dns: IP group `spokes` expanded inline"
        ),
        format!("{g}:517:5: approximated: applicationGateway: imported as an app_gateway workload"),
        format!("{g}:592:5: approximated: dnsResolvers/inboundEndpoints:"),
        format!("{r}:333:3: approximated: virtualNetworkLinks.resolutionPolicy:"),
    ] {
        assert!(text.contains(&want), "missing `{want}` in:\n{text}");
    }
    assert_eq!(imported.report.items.len(), 8, "{text}");
}

#[test]
fn template_with_nested_deployments_and_loops_checks_and_audits_as_its_hand_written_equivalent() {
    let imported = template_import(&Options::default());
    assert_equivalent(&imported, &format!("{DIR}/template/ml-spoke.expected.yaml"));
}

#[test]
fn template_values_known_only_at_deployment_are_reported_where_they_are_used() {
    let imported = template_import(&Options::default());
    let text = imported.report.to_text();
    let t = format!("{DIR}/template/ml-spoke.json");
    // The spoke's DNS server is the firewall's runtime address, read back through the nested
    // deployment's output: unknown, left out, reported at the VNet's dnsServers.
    assert!(
        text.contains(&format!(
            "{t}:210:26: unknown until deploy: properties.dhcpOptions.dnsServers[0]:"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{t}:114:19: unknown until deploy: privateIPAddress: Azure assigns it at deployment"
        )),
        "{text}"
    );
    // The backup storage's condition is false: not deployed, not imported.
    assert_eq!(imported.design.services.len(), 3);
}

#[test]
fn generated_names_follow_the_deployment_context() {
    let default = template_import(&Options::default());
    let rg = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/vnetlab-rg";
    let name = format!("mlprodst{}", hash::unique_string(&[rg]));
    assert!(
        default.design.services.contains_key(&name),
        "{:?}",
        default.design.services.keys()
    );
    let real = Options {
        subscription_id: "0b1f6471-1bf0-4dda-aec3-111122223333".into(),
        resource_group: "rg-ml".into(),
        ..Options::default()
    };
    let imported = template_import(&real);
    let rg = "/subscriptions/0b1f6471-1bf0-4dda-aec3-111122223333/resourceGroups/rg-ml";
    let name = format!("mlprodst{}", hash::unique_string(&[rg]));
    assert!(
        imported.design.services.contains_key(&name),
        "{:?}",
        imported.design.services.keys()
    );
}

#[test]
fn template_functions_evaluate_as_azure_documents_them() {
    let t = read(&format!("{DIR}/template/ml-spoke.json"));
    let p = read(&format!("{DIR}/template/ml-spoke.parameters.json"));
    // Every function the issue lists is used by the fixture (and evaluated: the import reads
    // every resource and output).
    for f in [
        "concat(",
        "format(",
        "resourceId(",
        "subscriptionResourceId(",
        "tenantResourceId(",
        "reference(",
        "parameters(",
        "variables(",
        "toLower(",
        "toUpper(",
        "uniqueString(",
        "guid(",
        "substring(",
        "replace(",
        "split(",
        "length(",
        "if(",
        "union(",
        "createObject(",
        "createArray(",
        "contains(",
        "empty(",
        "coalesce(",
        "string(",
        "int(",
        "last(",
        "first(",
        "take(",
        "skip(",
        "range(",
        "resourceGroup()",
        "subscription()",
        "deployment()",
        "environment()",
        "copyIndex(",
    ] {
        assert!(t.contains(f), "the template fixture does not use {f}");
    }
    let e = expand_template(
        &Input {
            name: "t.json",
            text: &t,
        },
        Some(&Input {
            name: "p.json",
            text: &p,
        }),
        &Options::default(),
    )
    .expect("expands");
    let rg = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/vnetlab-rg";
    let kv = e
        .resources
        .iter()
        .find(|r| r.rtype == "Microsoft.KeyVault/vaults")
        .expect("key vault");
    let tags = kv.body.get("tags").expect("tags").to_json();
    assert_eq!(tags["assignment"], hash::guid(&[rg, "kv-reader"]));
    assert_eq!(
        tags["scope"],
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Resources/resourceGroups/vnetlab-rg"
    );
    assert_eq!(
        tags["mg"],
        "/providers/Microsoft.Management/managementGroups/ML-PROD"
    );
    let nsg = e
        .resources
        .iter()
        .find(|r| r.name == "ml-prod-training-nsg")
        .expect("nsg");
    let tags = nsg.body.get("tags").expect("tags").to_json();
    assert_eq!(
        tags,
        serde_json::json!({"env": "prod", "deployedBy": "vnetlab-import", "subnetIndexes": "[0,1]"})
    );
    assert_eq!(
        e.outputs.to_json(),
        serde_json::json!({"storageName": format!("mlprodst{}", hash::unique_string(&[rg])), "subnetCount": 2})
    );
    // The false condition: the backup account is not deployed.
    assert!(!e.resources.iter().any(|r| r.name.ends_with("bak")));
    // Property copy: two subnets; resource copy: two endpoints and two zones with two links each.
    let count = |ty: &str| e.resources.iter().filter(|r| r.rtype == ty).count();
    assert_eq!(count("Microsoft.Network/privateEndpoints"), 2);
    assert_eq!(
        count("Microsoft.Network/privateDnsZones/virtualNetworkLinks"),
        4
    );
}

/// Imports one in-memory file; the first diagnostic as `line:col message`.
fn first_error(text: &str) -> String {
    let input = Input {
        name: "bad.json",
        text,
    };
    match import_arm(&[input], None) {
        Ok(_) => panic!("imported although bad:\n{text}"),
        Err(d) => {
            assert_eq!(d[0].file, "bad.json");
            format!("{}:{} {}", d[0].span.line, d[0].span.col, d[0].message)
        }
    }
}

const T: &str = r#"{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#", "contentVersion": "1.0.0.0","#;

#[test]
fn bad_input_gets_a_located_error() {
    let cases: &[(&str, &str)] = &[
        ("{\n  \"id\": [1,\n}", "3:1 malformed"),
        (
            "{\"foo\": 1}",
            "1:1 this JSON is not ARM JSON vnetlab reads",
        ),
        (
            "\"just a string\"",
            "1:1 this file is not a JSON object or array",
        ),
        (
            "[{\"name\": \"x\"}]",
            "1:2 this item is not an Azure resource: it has no `id`",
        ),
        (
            "[{\"id\": \"/x\", \"type\": \"y\"}]",
            "1:2 `/x` is not a resource id",
        ),
    ];
    for (text, want) in cases {
        let got = first_error(text);
        assert!(got.starts_with(want), "{text}: got {got}, want {want}");
    }
    let template_cases: &[(&str, &str)] = &[
        (
            "\n\"resources\": [{\"type\": \"Microsoft.Network/virtualNetworks\", \"name\": \"[fooBar('x')]\"}]}",
            "2:71 unknown template function `fooBar`",
        ),
        (
            "\n\"parameters\": {\"p\": {\"type\": \"string\"}}, \"resources\": []}",
            "2:21 parameter `p` has no value and no default",
        ),
        (
            "\n\"resources\": [{\"type\": \"Microsoft.Network/virtualNetworks\", \"name\": \"[concat('a']\"}]}",
            "2:81 expected `,` or `)`",
        ),
        (
            "\n\"resources\": [{\"type\": \"Microsoft.Network/virtualNetworks\", \"name\": \"[variables('nope')]\"}]}",
            "2:71 the template has no variable `nope`",
        ),
        (
            "\n\"variables\": {\"a\": \"[variables('a')]\"}, \"resources\": [{\"type\": \"T/x\", \"name\": \"[variables('a')]\"}]}",
            "2:22 variable `a` refers to itself",
        ),
        (
            "\n\"resources\": [{\"copy\": {\"name\": \"c\", \"count\": 100000}, \"type\": \"T/x\", \"name\": \"n\"}]}",
            "2:47 a `copy` count must be an integer from 0 to 800",
        ),
    ];
    for (rest, want) in template_cases {
        let text = format!("{T}{rest}");
        let got = first_error(&text);
        assert!(got.starts_with(want), "{text}: got {got}, want {want}");
    }
}

#[test]
fn long_chains_of_variables_are_an_error_not_a_stack_overflow() {
    let vars: Vec<String> = (0..5000)
        .map(|i| format!("\"v{i}\": \"[variables('v{}')]\"", i + 1))
        .chain(std::iter::once("\"v5000\": \"x\"".to_string()))
        .collect();
    let text = format!(
        "{T}\n\"variables\": {{{}}}, \"resources\": [{{\"type\": \"T/x\", \"name\": \"[variables('v0')]\"}}]}}",
        vars.join(", ")
    );
    let got = first_error(&text);
    assert!(got.contains("refer to one another in a chain"), "{got}");
    // A short chain is fine.
    let text = format!(
        "{T}\n\"variables\": {{\"a\": \"[variables('b')]\", \"b\": \"[concat('x', variables('c'))]\", \"c\": \"y\"}}, \"resources\": [{{\"type\": \"Microsoft.Network/networkSecurityGroups\", \"name\": \"[variables('a')]\"}}]}}"
    );
    let i = import_arm(
        &[Input {
            name: "t.json",
            text: &text,
        }],
        None,
    )
    .expect("imports");
    assert!(i.design.nsgs.contains_key("xy"));
}

#[test]
fn symbolic_resources_existing_resources_and_outer_scope_deployments() {
    let text = format!(
        r#"{T}
"languageVersion": "2.0",
"parameters": {{"prefix": {{"type": "string", "defaultValue": "app"}}}},
"resources": {{
  "other": {{"existing": true, "type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01", "name": "shared"}},
  "vnet": {{"type": "Microsoft.Network/virtualNetworks", "apiVersion": "2023-09-01", "name": "[format('{{0}}-vnet', parameters('prefix'))]",
    "properties": {{"addressSpace": {{"addressPrefixes": ["10.5.0.0/16"]}},
      "dhcpOptions": {{"dnsServers": ["[reference('other').dhcpOptions.dnsServers[0]]"]}},
      "subnets": [{{"name": "a", "properties": {{"addressPrefix": "10.5.1.0/24"}}}}]}}}},
  "outer": {{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01", "name": "outer",
    "properties": {{"mode": "Incremental", "template": {{"contentVersion": "1.0.0.0", "resources": [
      {{"type": "Microsoft.Network/networkSecurityGroups", "apiVersion": "2023-09-01", "name": "[concat(parameters('prefix'), '-nsg')]",
        "properties": {{"securityRules": []}}}}]}}}}}}
}}}}"#
    );
    let i = import_arm(
        &[Input {
            name: "t.json",
            text: &text,
        }],
        None,
    )
    .unwrap_or_else(|e| panic!("{e:#?}"));
    assert!(i.design.vnets.contains_key("app-vnet"));
    assert!(i.design.vnets["app-vnet"].dns_servers.is_empty());
    assert!(
        i.design.nsgs.contains_key("app-nsg"),
        "outer scope sees the parent's parameters"
    );
    let text = i.report.to_text();
    assert!(
        text.contains("reads an existing resource this template does not deploy"),
        "{text}"
    );
}

#[test]
fn child_resources_without_their_parent_are_reported() {
    let text = r#"[{"id": "/subscriptions/s/resourceGroups/g/providers/Microsoft.Network/virtualNetworks/v/subnets/a",
  "name": "a", "type": "Microsoft.Network/virtualNetworks/subnets", "addressPrefix": "10.0.0.0/24"}]"#;
    let i = import_arm(
        &[Input {
            name: "subnets.json",
            text,
        }],
        None,
    )
    .expect("imports");
    assert!(i.design.vnets.is_empty());
    let report = i.report.to_text();
    assert!(
        report.starts_with("subnets.json:1:2: dropped: microsoft.network/virtualnetworks/subnets: its parent resource `/subscriptions/s/resourcegroups/g/providers/microsoft.network/virtualnetworks/v` is not in the input"),
        "{report}"
    );
}

#[test]
fn what_vnetlab_would_reject_is_left_out_and_reported() {
    let g = "/subscriptions/s/resourceGroups/g/providers";
    let text = format!(
        r#"[
{{"id": "{g}/Microsoft.Network/routeTables/rt", "type": "Microsoft.Network/routeTables",
  "routes": [{{"name": "nva", "addressPrefix": "0.0.0.0/0", "nextHopType": "VirtualAppliance"}}]}},
{{"id": "{g}/Microsoft.Network/virtualNetworks/v", "type": "Microsoft.Network/virtualNetworks",
  "addressSpace": {{"addressPrefixes": ["10.0.0.0/16"]}}, "subnets": [{{"name": "a", "addressPrefix": "10.0.0.0/24"}}]}},
{{"id": "{g}/Microsoft.Storage/storageAccounts/st", "type": "Microsoft.Storage/storageAccounts"}},
{{"id": "{g}/Microsoft.Network/privateEndpoints/pe", "type": "Microsoft.Network/privateEndpoints",
  "subnet": {{"id": "{g}/Microsoft.Network/virtualNetworks/v/subnets/a"}},
  "privateLinkServiceConnections": [{{"name": "c", "privateLinkServiceId": "{g}/Microsoft.Storage/storageAccounts/st", "groupIds": ["web"]}}]}}
]"#
    );
    let i = import_arm(
        &[Input {
            name: "x.json",
            text: &text,
        }],
        None,
    )
    .expect("imports");
    let report = i.report.to_text();
    assert!(
        report.contains(
            "dropped: routes/nva: a virtual appliance route without a known next hop address"
        ),
        "{report}"
    );
    assert!(
        report
            .contains("dropped: groupIds: subresource `web` of a storage service is not modelled"),
        "{report}"
    );
    assert!(i.design.route_tables["rt"].routes.is_empty());
    assert!(i.design.services["st"].private_endpoints.is_empty());
    let loaded = vnetlab_core::load("x.yaml", i.yaml.as_bytes(), &BuildOptions::default());
    assert!(loaded.design.is_some(), "{:?}", loaded.diagnostics);
}

#[test]
fn comments_are_allowed_and_positions_stay_exact() {
    let text = format!(
        "{T} // the template\n/* resources:\n   none yet */ \"resources\": [{{\"type\": \"T/x\", \"name\": \"[nope('//not a comment')]\"}}]}}"
    );
    let got = first_error(&text);
    assert_eq!(got, "3:56 unknown template function `nope`");
}

#[test]
fn a_parameters_file_must_fit_the_template() {
    let t =
        format!("{T}\n\"parameters\": {{\"p\": {{\"type\": \"string\"}}}}, \"resources\": []}}");
    let p = "{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#\",\n \"parameters\": {\"q\": {\"value\": 1}}}";
    let err = import_arm(
        &[Input {
            name: "t.json",
            text: &t,
        }],
        Some(&Input {
            name: "p.json",
            text: p,
        }),
    )
    .expect_err("unknown parameter");
    assert_eq!((err[0].file.as_str(), err[0].span.line), ("p.json", 2));
    assert!(err[0].message.contains("the template has no parameter `q`"));
    let ok = "{\"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#\", \"parameters\": {\"p\": {\"value\": \"x\"}}}";
    assert!(
        import_arm(
            &[Input {
                name: "t.json",
                text: &t
            }],
            Some(&Input {
                name: "p.json",
                text: ok
            })
        )
        .is_ok()
    );
}

#[test]
fn published_unique_string_and_guid_outputs() {
    // uniqueString("test") as Azure computes it (Microsoft's own implementation, published).
    assert_eq!(hash::unique_string(&["test"]), "rbgf3xv4ufgzg");
    assert_eq!(
        hash::guid(&["test"]),
        "d6a5baf1-8b9b-542a-8525-2982f1f98a0c"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever is cut out of or changed in a fixture, the importer answers (a design or located
    /// errors) and never panics.
    #[test]
    fn mangled_input_never_panics(cut in 0usize..20_000, len in 0usize..200, byte in 0u8..128) {
        for rel in [
            format!("{DIR}/template/ml-spoke.json"),
            format!("{DIR}/estate/vnets.json"),
            format!("{DIR}/coverage/graph.json"),
        ] {
            let text = read(&rel);
            let start = cut.min(text.len());
            let end = (start + len).min(text.len());
            let mut bytes = text.into_bytes();
            bytes.splice(start..end, [byte]);
            let mangled = String::from_utf8_lossy(&bytes).into_owned();
            match import_arm(&[Input { name: "m.json", text: &mangled }], None) {
                Ok(i) => {
                    let loaded = vnetlab_core::load("m.yaml", i.yaml.as_bytes(), &BuildOptions::default());
                    // The printed design always reads back as records (it may fail validation,
                    // as any design can).
                    prop_assert!(loaded.diagnostics.iter().all(|d| d.code != "syntax"));
                }
                Err(d) => prop_assert!(!d.is_empty() && d.iter().all(|x| x.span.line >= 1)),
            }
        }
    }
}

/// Several `addressPrefixes` on a subnet become its `prefixes` (S11); a subnet peering
/// (`peerCompleteVnets: false`) keeps its local and remote subnet names (S12).
#[test]
fn several_prefixes_and_subnet_peering_are_mapped() {
    let files = [format!("{DIR}/settings/subnet-settings.json")];
    let i = import_files(&files, None, &Options::default())
        .unwrap_or_else(|e| panic!("import failed: {e:#?}"));
    let front = &i.design.vnets["left"].subnets["front"];
    assert!(front.prefix.is_none());
    let prefixes: Vec<String> = front
        .prefixes
        .iter()
        .map(|p| p.value.0.to_string())
        .collect();
    assert_eq!(prefixes, ["10.20.1.0/24", "10.20.8.0/26"]);
    let subnets: Vec<(String, Vec<String>)> = i.design.peerings[0]
        .subnets
        .iter()
        .map(|(v, l)| (v.clone(), l.iter().map(|s| s.value.clone()).collect()))
        .collect();
    assert_eq!(
        subnets,
        [
            ("left".to_string(), vec!["front".to_string()]),
            ("right".to_string(), vec!["app".to_string()])
        ]
    );
    let back = &i.design.vnets["left"].subnets["back"];
    assert_eq!(back.delegations[0].value, "Microsoft.Web/serverFarms");
    let report = i.report.to_text();
    assert!(!report.contains("prefixes; only"), "{report}");
    assert!(!report.contains("delegation"), "{report}");
    assert!(!report.contains("subnet peering"), "{report}");
    let loaded = vnetlab_core::load("x.yaml", i.yaml.as_bytes(), &BuildOptions::default());
    let d = loaded
        .design
        .unwrap_or_else(|| panic!("{:?}", loaded.diagnostics));
    let t = vnetlab_core::trace(
        &d,
        &vnetlab_core::trace::FlowQuery {
            from: "10.20.8.5".into(),
            to: "10.30.2.5".into(),
            protocol: vnetlab_core::net::Protocol::Tcp,
            port: 22,
        },
    )
    .expect("valid query");
    assert!(!t.verdict.allowed(), "db is not peered");
}

#[test]
fn api_management_in_a_vnet_is_imported_with_its_mode_and_one_outside_is_not() {
    let sub = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers";
    let text = serde_json::json!([
        {
            "id": format!("{sub}/Microsoft.Network/virtualNetworks/v"),
            "name": "v",
            "type": "Microsoft.Network/virtualNetworks",
            "location": "eastus",
            "properties": {
                "addressSpace": { "addressPrefixes": ["10.0.0.0/16"] },
                "subnets": [{ "name": "apim", "properties": { "addressPrefix": "10.0.2.0/24" } }]
            }
        },
        {
            "id": format!("{sub}/Microsoft.ApiManagement/service/inner"),
            "name": "inner",
            "type": "Microsoft.ApiManagement/service",
            "location": "eastus",
            "properties": {
                "virtualNetworkType": "Internal",
                "virtualNetworkConfiguration": {
                    "subnetResourceId": format!("{sub}/Microsoft.Network/virtualNetworks/v/subnets/apim")
                },
                "privateIPAddresses": ["10.0.2.5"]
            }
        },
        {
            "id": format!("{sub}/Microsoft.ApiManagement/service/outside"),
            "name": "outside",
            "type": "Microsoft.ApiManagement/service",
            "location": "eastus",
            "properties": { "virtualNetworkType": "None" }
        }
    ])
    .to_string();
    let imported = import_arm(
        &[Input {
            name: "apim.json",
            text: &text,
        }],
        None,
    )
    .expect("imports");
    let apims: Vec<_> = imported
        .design
        .workloads
        .iter()
        .filter(|(_, w)| w.kind == vnetlab_core::format::WorkloadKind::ApiManagement)
        .collect();
    assert_eq!(apims.len(), 1, "{}", imported.yaml);
    let (_, w) = apims[0];
    assert_eq!(
        w.virtual_network_type,
        Some(vnetlab_core::format::ApimVnetType::Internal)
    );
    assert_eq!(
        w.ip.as_ref().map(|i| i.value.0.to_string()).as_deref(),
        Some("10.0.2.5")
    );
    assert_eq!(w.public_ip, None);
    // It builds (a warning for the subnet without an NSG, which Azure requires with stv2).
    let loaded = vnetlab_core::load("i.yaml", imported.yaml.as_bytes(), &BuildOptions::default());
    assert!(loaded.design.is_some());
    assert!(loaded.diagnostics.iter().any(|d| d.code == "apim-nsg"));
}
