//! Azure Front Door and API Management on the ingress path (docs/semantics.md I8–I11): the
//! tracer passes through them (both legs), and what Azure refuses is a located error or warning.

use vnetlab_core::diag::Severity;
use vnetlab_core::model::BuildOptions;
use vnetlab_core::trace::FlowQuery;
use vnetlab_tests::design;

const BASE: &str = r#"version: 1
name: t
vnets:
  v:
    address_space: [10.0.0.0/16]
    subnets:
      app: { prefix: 10.0.1.0/24, nsg: app-nsg }
      apim: { prefix: 10.0.2.0/24, nsg: apim-nsg }
nsgs:
  app-nsg:
    rules:
      - { name: fd-in, priority: 100, direction: inbound, access: allow, protocol: tcp, source: AzureFrontDoor.Backend, destination: "*", destination_ports: [443] }
  apim-nsg:
    rules:
      - { name: mgmt, priority: 100, direction: inbound, access: allow, protocol: tcp, source: ApiManagement, destination: VirtualNetwork, destination_ports: [3443] }
      - { name: lb, priority: 110, direction: inbound, access: allow, protocol: tcp, source: AzureLoadBalancer, destination: VirtualNetwork, destination_ports: [6390] }
      - { name: clients, priority: 120, direction: inbound, access: allow, protocol: tcp, source: Internet, destination: VirtualNetwork, destination_ports: [443] }
workloads:
  web: { kind: vm, subnet: v/app, public_ip: standard }
  inner: { kind: vm, subnet: v/app }
  gw: { kind: api_management, virtual_network_type: external, public_ip: standard, subnet: v/apim, listeners: [{ port: 443, backends: [inner] }] }
services:
  st: { kind: storage, public_network_access: disabled }
front_doors:
  pub: { origins: [{ host: web }] }
  pl: { sku: premium, origins: [{ host: inner, private_link: true }] }
  blob: { sku: premium, origins: [{ host: st, private_link: true }] }
  blobpub: { origins: [{ host: st }] }
"#;

/// A replacement in the base text: (from, to); `("", "")` keeps it.
type Edit = (&'static str, &'static str);

/// One traced flow: (what, edit, from, to, port, delivered, a hop text it shows).
type TraceCase = (
    &'static str,
    Edit,
    &'static str,
    &'static str,
    u16,
    bool,
    &'static str,
);

const TRACES: &[TraceCase] = &[
    (
        "a public origin restricted to AzureFrontDoor.Backend",
        ("", ""),
        "internet",
        "pub",
        443,
        true,
        "ends the connection on TCP 443",
    ),
    (
        "Front Door answers HTTP and HTTPS only",
        ("", ""),
        "internet",
        "pub",
        8080,
        false,
        "TCP 80 and 443 only",
    ),
    (
        "the internet has no direct path to the origin",
        ("", ""),
        "internet",
        "web",
        443,
        false,
        "DenyAllInBound",
    ),
    (
        "a Private Link origin entered from the NAT address",
        ("", ""),
        "internet",
        "pl",
        443,
        true,
        "over Private Link",
    ),
    (
        "a private storage account over Front Door's Private Link",
        ("", ""),
        "internet",
        "blob",
        443,
        true,
        "Front Door blob manages",
    ),
    (
        "a private storage account is not a public origin",
        ("", ""),
        "internet",
        "blobpub",
        443,
        false,
        "st",
    ),
    (
        "API Management in external mode proxies the internet",
        ("", ""),
        "internet",
        "gw",
        443,
        true,
        "API Management has no WAF",
    ),
    (
        "API Management in internal mode has no public frontend",
        (
            "virtual_network_type: external, public_ip: standard",
            "virtual_network_type: internal",
        ),
        "internet",
        "gw",
        443,
        false,
        "private",
    ),
    (
        "API Management in internal mode answers in the VNet",
        (
            "virtual_network_type: external, public_ip: standard",
            "virtual_network_type: internal",
        ),
        "web",
        "gw",
        443,
        true,
        "API Management has no WAF",
    ),
];

#[test]
fn the_tracer_passes_through_front_door_and_api_management() {
    let mut problems = Vec::new();
    for (what, (from_text, to_text), from, to, port, delivered, shows) in TRACES {
        let text = if from_text.is_empty() {
            BASE.to_string()
        } else {
            assert!(BASE.contains(from_text), "{what}");
            BASE.replace(from_text, to_text)
        };
        let d = design("t.yaml", &text);
        let q = FlowQuery {
            from: from.to_string(),
            to: to.to_string(),
            protocol: vnetlab_core::net::Protocol::Tcp,
            port: *port,
        };
        let t = vnetlab_core::trace::trace(&d, &q).expect("names resolve");
        let shown = t
            .hops
            .iter()
            .any(|h| h.detail.contains(shows) || h.at.contains(shows));
        if t.verdict.allowed() != *delivered || !shown {
            problems.push(format!(
                "{what}: expected delivered={delivered} showing `{shows}`, got {}:\n{}",
                t.verdict,
                t.hops
                    .iter()
                    .map(|h| format!("  {} {}", h.at, h.detail))
                    .collect::<Vec<_>>()
                    .join("\n")
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn front_door_hops_name_the_profile_and_the_setting_that_decided() {
    let d = design("t.yaml", BASE);
    let q = FlowQuery {
        from: "internet".into(),
        to: "pl".into(),
        protocol: vnetlab_core::net::Protocol::Tcp,
        port: 443,
    };
    let t = vnetlab_core::trace::trace(&d, &q).unwrap();
    let ids: Vec<String> = t
        .hops
        .iter()
        .filter_map(|h| h.decided_by.as_ref().map(|e| e.id()))
        .collect();
    assert!(
        ids.contains(&"front-door:pl/setting:waf".to_string()),
        "{ids:?}"
    );
    assert!(
        ids.contains(&"front-door:pl/setting:private_link".to_string()),
        "{ids:?}"
    );
}

/// One diagnostic: (what, edit, severity, expected code, text in the message).
type DiagCase = (&'static str, Edit, Severity, &'static str, &'static str);

const DIAGNOSTICS: &[DiagCase] = &[
    (
        "Private Link needs premium",
        (
            "pub: { origins: [{ host: web }] }",
            "pub: { origins: [{ host: web, private_link: true }] }",
        ),
        Severity::Error,
        "front-door",
        "only Front Door Premium",
    ),
    (
        "a Private Link origin is not an address",
        (
            "{ host: inner, private_link: true }",
            "{ host: 20.1.2.3, private_link: true }",
        ),
        Severity::Error,
        "front-door",
        "not an address",
    ),
    (
        "a Private Link origin is a vm or aks",
        (
            "{ host: inner, private_link: true }",
            "{ host: gw, private_link: true }",
        ),
        Severity::Error,
        "front-door",
        "api_management",
    ),
    (
        "an unknown origin gets a suggestion",
        ("{ host: web }", "{ host: wbe }"),
        Severity::Error,
        "reference",
        "wbe",
    ),
    (
        "a profile without origins forwards nothing",
        ("blobpub: { origins: [{ host: st }] }", "blobpub: {}"),
        Severity::Warning,
        "front-door",
        "no origin",
    ),
    (
        "API Management says its VNet mode",
        ("virtual_network_type: external, ", ""),
        Severity::Error,
        "api-management",
        "virtual_network_type",
    ),
    (
        "external mode needs a public IP",
        (
            "virtual_network_type: external, public_ip: standard",
            "virtual_network_type: external",
        ),
        Severity::Error,
        "api-management",
        "public IP",
    ),
    (
        "internal mode has no public listener",
        (
            "listeners: [{ port: 443, backends: [inner] }]",
            "listeners: [{ port: 443, frontend: public, backends: [inner] }]",
        ),
        Severity::Error,
        "listener",
        "internal mode",
    ),
    (
        "the VNet mode is API Management's only",
        (
            "web: { kind: vm,",
            "web: { kind: vm, virtual_network_type: internal,",
        ),
        Severity::Error,
        "workload-key",
        "virtual_network_type",
    ),
    (
        "the management endpoint must be allowed",
        ("source: ApiManagement", "source: AzureCloud.westus"),
        Severity::Warning,
        "apim-nsg",
        "3443",
    ),
    (
        "the infrastructure load balancer must be allowed",
        (
            "{ name: lb, priority: 110, direction: inbound, access: allow",
            "{ name: lb, priority: 110, direction: inbound, access: deny",
        ),
        Severity::Warning,
        "apim-nsg",
        "6390",
    ),
    (
        "an API Management subnet needs an NSG",
        (
            "apim: { prefix: 10.0.2.0/24, nsg: apim-nsg }",
            "apim: { prefix: 10.0.2.0/24 }",
        ),
        Severity::Warning,
        "apim-nsg",
        "no NSG",
    ),
];

#[test]
fn what_azure_refuses_is_located() {
    let mut problems = Vec::new();
    // The base design itself is clean.
    let clean = vnetlab_core::load("t.yaml", BASE.as_bytes(), &BuildOptions::default());
    assert!(clean.diagnostics.is_empty(), "{:?}", clean.diagnostics);
    for (what, (from, to), severity, code, text) in DIAGNOSTICS {
        assert!(BASE.contains(from), "{what}: `{from}` is not in the base");
        let bad = BASE.replacen(from, to, 1);
        // A public listener is an error in internal mode only.
        let bad = if *code == "listener" {
            bad.replace(
                "virtual_network_type: external, public_ip: standard",
                "virtual_network_type: internal",
            )
        } else {
            bad
        };
        let loaded = vnetlab_core::load("t.yaml", bad.as_bytes(), &BuildOptions::default());
        let hit = loaded.diagnostics.iter().any(|d| {
            d.severity == *severity
                && d.code == *code
                && d.message.contains(text)
                && d.span.line > 0
        });
        if !hit {
            problems.push(format!(
                "{what}: expected {severity:?} {code} mentioning `{text}`, got {:?}",
                loaded
                    .diagnostics
                    .iter()
                    .map(|d| format!("{:?} {} {}", d.severity, d.code, d.message))
                    .collect::<Vec<_>>()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
