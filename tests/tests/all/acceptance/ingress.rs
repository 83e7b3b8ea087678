//! The inference ingress path (issue #15 point 3; docs/semantics.md I1–I7): an application
//! gateway ends the client's connection at its listener and opens a new one to its backend pool
//! (both legs traced), answers nothing else, and the AKS settings Azure refuses are warnings.

use super::{assert_allowed, flow};
use vnetlab_core::model::Design;
use vnetlab_core::net::Protocol::{Tcp, Udp};
use vnetlab_core::trace::{Step, Verdict};
use vnetlab_tests::{design, errors};

/// A gateway in its own subnet with a public listener on 443 to `api` and a private listener on
/// 8443 to `api`'s port 8080; `api`'s subnet NSG admits 443 and 8080 only from `admit`.
fn gateway(admit: &str, extra: &str) -> Design {
    design(
        "gw",
        &format!(
            r#"
version: 1
name: gw
vnets:
  v:
    address_space: [10.1.0.0/16]
    subnets:
      appgw: {{ prefix: 10.1.8.0/24 }}
      app: {{ prefix: 10.1.1.0/24, nsg: app-nsg }}
      other: {{ prefix: 10.1.2.0/24 }}
nsgs:
  app-nsg:
    rules:
      - {{ name: from-gateway, priority: 100, direction: inbound, access: allow, protocol: tcp, source: {admit}, destination: "*", destination_ports: [443, 8080] }}
      - {{ name: deny-vnet, priority: 200, direction: inbound, access: deny, protocol: any, source: VirtualNetwork, destination: "*" }}
workloads:
  appgw:
    kind: app_gateway
    subnet: v/appgw
    ip: 10.1.8.10
    public_ip: standard
    public_ip_address: 20.50.60.70
    waf: prevention
    listeners:
      - {{ port: 443, backends: [api] }}
      - {{ port: 8443, frontend: private, backends: [api], backend_port: 8080 }}
  api: {{ kind: vm, subnet: v/app, ip: 10.1.1.4 }}
  client: {{ kind: vm, subnet: v/other, ip: 10.1.2.4 }}
{extra}"#
        ),
    )
}

/// "The backend server sees the gateway's private IP address as the source": the second leg
/// starts at the gateway, so an NSG admitting the gateway's subnet (and not the internet) lets
/// the internet's request through the listener, and the hops show both legs.
#[test]
fn a_listener_ends_the_connection_and_the_gateway_opens_one_to_its_backend() {
    let d = gateway("10.1.8.0/24", "");
    let t = flow(&d, "internet", "appgw", Tcp, 443);
    assert_allowed(&t, true);
    let proxy = t
        .hops
        .iter()
        .position(|h| h.step == Step::Proxy)
        .expect("a proxy hop");
    assert!(
        t.hops[proxy].detail.contains("prevention mode"),
        "{:?}",
        t.hops[proxy]
    );
    // The second leg: the gateway subnet's route and the backend's NSG admitting the gateway.
    let leg: Vec<&str> = t.hops[proxy + 1..].iter().map(|h| h.at.as_str()).collect();
    assert!(leg.iter().any(|a| a.starts_with("app-nsg")), "{leg:?}");
    assert!(
        t.hops[proxy + 1..]
            .iter()
            .any(|h| h.step == Step::Deliver && h.at == "api"),
        "{leg:?}"
    );
    assert_eq!(t.path, ["v/appgw", "appgw", "v/app"]);
    // The internet itself is not admitted: the backend has no public address anyway, and the
    // NSG would deny the internet's source.
    assert_allowed(&flow(&d, "internet", "api", Tcp, 443), false);
}

/// The second leg is decided like any flow: an NSG that admits only the internet denies the
/// gateway, and the request fails at the backend's NSG (the gateway would answer 502).
#[test]
fn the_second_leg_is_decided_by_the_backends_nsg() {
    let d = gateway("Internet", "");
    let t = flow(&d, "internet", "appgw", Tcp, 443);
    assert_allowed(&t, false);
    assert!(
        matches!(&t.verdict, Verdict::Denied { by } if by.contains("app-nsg")),
        "{:?}",
        t.verdict
    );
    assert!(t.hops.iter().any(|h| h.step == Step::Proxy && !h.ok));
}

/// A gateway answers its listeners only: another port or protocol is denied at the gateway; a
/// private listener answers on the private frontend, with its backend port.
#[test]
fn a_gateway_answers_only_its_listeners_on_their_frontends() {
    let d = gateway("10.1.8.0/24", "");
    for (proto, port) in [(Tcp, 80), (Udp, 443), (Tcp, 8443)] {
        let t = flow(&d, "internet", "appgw", proto, port);
        assert_allowed(&t, false);
        assert!(
            matches!(&t.verdict, Verdict::Denied { by } if by.contains("no listener")),
            "{proto} {port}: {:?}",
            t.verdict
        );
    }
    let t = flow(&d, "client", "appgw", Tcp, 8443);
    assert_allowed(&t, true);
    assert!(t.hops.iter().any(|h| h.detail.contains("on port 8080")));
    // The public listener is not on the private frontend.
    assert_allowed(&flow(&d, "client", "appgw", Tcp, 443), false);
}

/// `via` naming the gateway addresses the flow to its listener and requires `to` as the pool
/// member, for one flow and for the internet's every packet class.
#[test]
fn via_a_gateway_proves_the_path_through_it() {
    let expect = r#"expect:
  - { name: through the gateway, from: internet, to: api, port: 443, verdict: allowed, via: [appgw] }
  - { name: one client through the gateway, from: client, to: api, port: 8443, verdict: allowed, via: [appgw] }
  - { name: not to another member, from: internet, to: client, port: 443, verdict: denied, via: [appgw] }
  - { name: no direct path, from: internet, to: api, ports: "*", verdict: denied }
"#;
    let d = gateway("10.1.8.0/24", expect);
    let r = vnetlab_core::check(&d);
    assert!(r.all_hold(), "{}", vnetlab_core::render::check(&r, true));
    let d = gateway("Internet", expect);
    let r = vnetlab_core::check(&d);
    assert_eq!(r.held(), 2, "{}", vnetlab_core::render::check(&r, true));
}

/// Listener and AKS keys are checked where they are written.
#[test]
fn ingress_keys_are_validated() {
    let d = |workloads: &str| {
        format!(
            "version: 1\nname: x\nvnets:\n  v:\n    address_space: [10.1.0.0/16]\n    subnets:\n      s: {{ prefix: 10.1.1.0/24 }}\nworkloads:\n{workloads}"
        )
    };
    let errs = errors(&d(
        "  vm1: { kind: vm, subnet: v/s, waf: prevention, private_cluster: true }\n",
    ));
    assert!(
        errs.iter()
            .any(|e| e.contains("`waf` is only for app_gateway")),
        "{errs:?}"
    );
    assert!(
        errs.iter()
            .any(|e| e.contains("`private_cluster` is only for aks")),
        "{errs:?}"
    );
    let errs = errors(&d(
        "  gw: { kind: app_gateway, subnet: v/s, listeners: [{ port: 443, frontend: public, backends: [nope] }, { port: 443, frontend: public, backends: [] }] }\n",
    ));
    assert!(
        errs.iter().any(|e| e.contains("no workload named `nope`")),
        "{errs:?}"
    );
    assert!(
        errs.iter().any(|e| e.contains("has no public IP")),
        "{errs:?}"
    );
    assert!(
        errs.iter()
            .any(|e| e.contains("use port 443 on the same frontend")),
        "{errs:?}"
    );
    assert!(
        errs.iter().any(|e| e.contains("empty backend pool")),
        "{errs:?}"
    );
}

/// Azure refuses these at deployment and the model stays defined (P18): another resource in
/// the gateway's subnet, an NSG closing GatewayManager's ports, and AKS with user-defined
/// routing and no 0.0.0.0/0 route to an appliance.
#[test]
fn ingress_placement_rules_are_located_warnings() {
    let text = r#"
version: 1
name: w
vnets:
  v:
    address_space: [10.1.0.0/16]
    subnets:
      appgw: { prefix: 10.1.8.0/24, nsg: closed }
      aks: { prefix: 10.1.4.0/22 }
nsgs:
  closed:
    rules:
      - { name: https, priority: 100, direction: inbound, access: allow, protocol: tcp, source: Internet, destination: "*", destination_ports: [443] }
workloads:
  appgw: { kind: app_gateway, subnet: v/appgw, listeners: [{ port: 443, backends: [scorer] }] }
  stray: { kind: vm, subnet: v/appgw }
  scorer: { kind: aks, subnet: v/aks, private_cluster: true, outbound_type: user_defined_routing }
"#;
    let loaded = vnetlab_core::load(
        "t.yaml",
        text.as_bytes(),
        &vnetlab_core::model::BuildOptions::default(),
    );
    let all: Vec<String> = loaded
        .diagnostics
        .iter()
        .map(|d| d.message.clone())
        .collect();
    let all = all.join("\n");
    assert!(loaded.design.is_some(), "{all}");
    assert!(all.contains("workload `stray` is in v/appgw"), "{all}");
    assert!(
        all.contains("denies TCP 65200 from GatewayManager"),
        "{all}"
    );
    assert!(all.contains("outbound type user_defined_routing"), "{all}");
    let fixed = text
        .replace("  stray: { kind: vm, subnet: v/appgw }\n", "")
        .replace(
            "      - { name: https,",
            "      - { name: gwm, priority: 101, direction: inbound, access: allow, protocol: tcp, source: GatewayManager, destination: \"*\", destination_ports: [\"65200-65535\"] }\n      - { name: https,",
        )
        .replace("outbound_type: user_defined_routing", "outbound_type: load_balancer");
    let loaded = vnetlab_core::load(
        "t.yaml",
        fixed.as_bytes(),
        &vnetlab_core::model::BuildOptions::default(),
    );
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
}
