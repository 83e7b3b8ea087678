//! Properties of the engine over random designs and flows, each against a simple reference.

use proptest::prelude::*;
use std::net::Ipv4Addr;
use vnetlab_core::eval::nsg;
use vnetlab_core::format::{Access, Direction};
use vnetlab_core::model::{AddrEntry, BuildOptions, Design, NsgId, SubnetId, VnetId};
use vnetlab_core::net::{AddrSet, Flow, PortRange, PortSet, Protocol};
use vnetlab_core::query::{Endpoint, EndpointSet};
use vnetlab_core::reach::atoms::AddrAtoms;
use vnetlab_core::testing::{random_design_yaml, random_designs};
use vnetlab_core::trace::{TraceOptions, origin_at_ip, trace_packet};

fn load(yaml: &str) -> Design {
    let l = vnetlab_core::load("random.yaml", yaml.as_bytes(), &BuildOptions::default());
    l.design
        .unwrap_or_else(|| panic!("generated design is invalid:\n{yaml}\n{:#?}", l.diagnostics))
}

fn arb_ip() -> impl Strategy<Value = Ipv4Addr> {
    prop_oneof![
        (0u8..3, 0u8..3, any::<u8>()).prop_map(|(a, b, c)| Ipv4Addr::new(10, a, b, c)),
        any::<u32>().prop_map(Ipv4Addr::from),
        Just(Ipv4Addr::new(168, 63, 129, 16)),
        (0u8..16, any::<u8>()).prop_map(|(b, c)| Ipv4Addr::new(20, 60, b, c)),
    ]
}

fn arb_flow() -> impl Strategy<Value = Flow> {
    (
        arb_ip(),
        arb_ip(),
        prop_oneof![
            Just(Protocol::Tcp),
            Just(Protocol::Udp),
            Just(Protocol::Icmp)
        ],
        any::<u16>(),
        prop_oneof![Just(22u16), Just(443), Just(1500), any::<u16>()],
    )
        .prop_map(|(src, dst, protocol, sp, dp)| {
            let (src_port, dst_port) = if protocol.has_ports() {
                (sp, dp)
            } else {
                (0, 0)
            };
            Flow {
                src,
                dst,
                protocol,
                src_port,
                dst_port,
            }
        })
}

/// The reference: a literal reading of A1–A7 with no precomputed sets.
fn reference_nsg(d: &Design, n: NsgId, dir: Direction, vnet: VnetId, f: &Flow) -> (Access, String) {
    let contains = |e: &AddrEntry, ip: Ipv4Addr| -> bool {
        match e {
            AddrEntry::Any => true,
            AddrEntry::Prefix(p) => p.contains(&ip),
            AddrEntry::Tag(t) => d.tags.get(t).unwrap().contains(ip),
            AddrEntry::VirtualNetwork => {
                let own = d.vnets[vnet.ix()]
                    .address_space
                    .iter()
                    .any(|p| p.contains(&ip));
                // A subnet peering peers only its subnets' prefixes (S12).
                let peered = d.peerings.iter().any(|p| {
                    p.local == vnet
                        && p.connected
                        && p.allow_virtual_network_access
                        && match &p.remote_subnets {
                            None => d.vnets[p.remote.ix()]
                                .address_space
                                .iter()
                                .any(|s| s.contains(&ip)),
                            Some(subs) => subs.iter().any(|s| {
                                d.subnets[s.ix()].prefixes.iter().any(|n| n.contains(&ip))
                            }),
                        }
                });
                own || peered || ip == Ipv4Addr::new(168, 63, 129, 16)
            }
            AddrEntry::Asg(a) => d.asgs[a.ix()]
                .members
                .iter()
                .any(|w| d.workloads[w.ix()].ips.contains(ip)),
        }
    };
    let mut rules: Vec<_> = d.nsgs[n.ix()].rules(dir).to_vec();
    rules.sort_by_key(|r| r.priority);
    for r in rules {
        let proto = r.protocol.is_none_or(|p| p == f.protocol);
        let ports = if f.protocol.has_ports() {
            r.source_ports.contains(f.src_port) && r.destination_ports.contains(f.dst_port)
        } else {
            r.source_ports.is_any() && r.destination_ports.is_any()
        };
        if proto
            && ports
            && r.source.iter().any(|e| contains(e, f.src))
            && r.destination.iter().any(|e| contains(e, f.dst))
        {
            return (r.access, r.name);
        }
    }
    unreachable!("DenyAll matches everything")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn nsg_evaluation_equals_the_reference(yaml in random_designs(), flows in proptest::collection::vec(arb_flow(), 1..8)) {
        let d = load(&yaml);
        for (i, _) in d.nsgs.iter().enumerate() {
            for v in 0..d.vnets.len() {
                for f in &flows {
                    for dir in [Direction::Inbound, Direction::Outbound] {
                        let got = nsg::evaluate(&d, NsgId(i as u32), dir, VnetId(v as u32), f);
                        let rule = &d.nsgs[i].rules(dir)[got.rule];
                        let want = reference_nsg(&d, NsgId(i as u32), dir, VnetId(v as u32), f);
                        prop_assert_eq!((got.access, rule.name.clone()), want, "{} {:?}", f, dir);
                    }
                }
            }
        }
    }

    #[test]
    fn route_lookup_equals_brute_force_longest_prefix_match(yaml in random_designs(), dsts in proptest::collection::vec(arb_ip(), 1..16)) {
        let d = load(&yaml);
        for s in 0..d.subnets.len() {
            let view = &d.derived.routes[s];
            for dst in &dsts {
                let got = view.lookup(*dst).map(|c| c.index);
                let active: Vec<usize> = (0..view.routes.len()).filter(|&i| view.routes[i].active && view.routes[i].prefix.contains(dst)).collect();
                let se = active.iter().copied().find(|&i| view.routes[i].next_hop.type_name() == "VirtualNetworkServiceEndpoint");
                let best_len = active.iter().map(|&i| view.routes[i].prefix.prefix_len()).max();
                let rank = |i: usize| match view.routes[i].source {
                    vnetlab_core::eval::routes::RouteSource::User => 0,
                    vnetlab_core::eval::routes::RouteSource::VirtualNetworkGateway => 1,
                    vnetlab_core::eval::routes::RouteSource::Default => 2,
                };
                let lpm = best_len.and_then(|len| {
                    active.iter().copied().filter(|&i| view.routes[i].prefix.prefix_len() == len).min_by_key(|&i| (rank(i), view.routes[i].tag_rank, view.routes[i].name.clone()))
                });
                let want = se.or(lpm);
                // Gateway routes never beat VNet or peering system routes (checked by the
                // acceptance tests); random designs have no gateways.
                prop_assert_eq!(got.map(|i| view.routes[i].prefix), want.map(|i| view.routes[i].prefix), "subnet {} dst {}", d.subnets[s].name, dst);
                if let (Some(g), Some(w)) = (got, want) {
                    prop_assert_eq!(rank(g), rank(w));
                }
            }
        }
    }

    #[test]
    fn printing_and_loading_again_gives_the_same_design(yaml in random_designs()) {
        let d = load(&yaml);
        for printed in [vnetlab_core::format::to_yaml(&d.file), vnetlab_core::format::to_json(&d.file)] {
            let again = load(&printed);
            prop_assert_eq!(&again.file, &d.file);
        }
    }

    #[test]
    fn results_do_not_depend_on_declaration_order(bytes in proptest::collection::vec(any::<u8>(), 0..160), flows in proptest::collection::vec(arb_flow(), 1..6)) {
        let d = load(&random_design_yaml(&bytes));
        let mut file = d.file.clone();
        for n in file.nsgs.values_mut() { n.rules.reverse(); }
        for t in file.route_tables.values_mut() { t.routes.reverse(); }
        file.peerings.reverse();
        let shuffled = vnetlab_core::rebuild("shuffled", &file, &BuildOptions::default()).design.expect("still valid");
        for f in &flows {
            let (Some(o1), Some(o2)) = (origin_at_ip(&d, f.src), origin_at_ip(&shuffled, f.src)) else { continue };
            let a = trace_packet(&d, o1, *f, TraceOptions::default());
            let b = trace_packet(&shuffled, o2, *f, TraceOptions::default());
            prop_assert_eq!(&a.verdict, &b.verdict, "{}", f);
            prop_assert_eq!(vnetlab_core::render::trace(&a), vnetlab_core::render::trace(&b));
        }
    }

    #[test]
    fn the_tracer_never_panics(yaml in random_designs(), flows in proptest::collection::vec(arb_flow(), 1..12), names in proptest::collection::vec(0usize..64, 1..6)) {
        let d = load(&yaml);
        for f in &flows {
            if let Some(o) = origin_at_ip(&d, f.src) {
                // Without its explanation a trace decides the same (the engine traces classes
                // quietly).
                let full = trace_packet(&d, o.clone(), *f, TraceOptions { record_touches: true, ..TraceOptions::default() });
                let quiet = trace_packet(&d, o, *f, TraceOptions { record_touches: true, quiet: true, ..TraceOptions::default() });
                prop_assert_eq!(&quiet.verdict, &full.verdict);
                prop_assert_eq!(&quiet.path, &full.path);
                prop_assert_eq!(quiet.next_port_class, full.next_port_class);
                prop_assert_eq!(&quiet.touched, &full.touched);
                prop_assert!(quiet.hops.is_empty() && !full.hops.is_empty());
            }
        }
        let mut endpoints: Vec<String> = d.workloads.iter().map(|w| w.name.clone()).collect();
        endpoints.extend(["internet".into(), "st:blob".into(), "service:AzureMachineLearning".into(), "pypi.org".into(), "v0/s0".into()]);
        for (i, n) in names.iter().enumerate() {
            let from = &endpoints[n % endpoints.len()];
            let to = &endpoints[(n + i + 1) % endpoints.len()];
            let _ = vnetlab_core::trace(&d, &vnetlab_core::trace::FlowQuery { from: from.clone(), to: to.clone(), protocol: Protocol::Tcp, port: 443 });
        }
    }

    /// The symbolic engine (one representative per packet class) and concrete traces agree:
    /// any packet gets the verdict of its class's representative.
    #[test]
    fn every_packet_gets_the_verdict_of_its_class(yaml in random_designs(), picks in proptest::collection::vec((any::<u32>(), any::<u32>(), any::<u16>()), 1..48)) {
        let d = load(&yaml);
        let atoms = AddrAtoms::of(&d);
        let port_atoms = vnetlab_core::reach::atoms::PortAtoms::of(&d);
        let src_set = vnetlab_core::reach::addresses(&d, &EndpointSet::Vnet(VnetId(0))).unwrap();
        let dst_set = vnetlab_core::reach::addresses(&d, &EndpointSet::Internet).unwrap()
            .union(&vnetlab_core::reach::addresses(&d, &EndpointSet::Vnet(VnetId((d.vnets.len() - 1) as u32))).unwrap());
        let src_atoms = atoms.split(&src_set);
        let dst_atoms = atoms.split(&dst_set);
        let port_classes = port_atoms.split(&PortSet::from_ranges(vec![PortRange::ANY]));
        for (a, b, p) in picks {
            let (slo, shi) = src_atoms[a as usize % src_atoms.len()];
            let (dlo, dhi) = dst_atoms[b as usize % dst_atoms.len()];
            let (plo, phi) = port_classes[p as usize % port_classes.len()];
            let member = |lo: u32, hi: u32, k: u32| Ipv4Addr::from(lo + k % (hi - lo + 1));
            let packet = Flow { src: member(slo, shi, b), dst: member(dlo, dhi, a), protocol: Protocol::Tcp, src_port: 50000, dst_port: plo + (p % (phi - plo + 1)) };
            let rep = Flow { src: Ipv4Addr::from(slo), dst: Ipv4Addr::from(dlo), protocol: Protocol::Tcp, src_port: 50000, dst_port: plo };
            let t1 = trace_packet(&d, origin_at_ip(&d, packet.src).unwrap(), packet, TraceOptions::default());
            let t2 = trace_packet(&d, origin_at_ip(&d, rep.src).unwrap(), rep, TraceOptions::default());
            prop_assert_eq!(t1.verdict.allowed(), t2.verdict.allowed(), "packet {} vs representative {}\n{}\n{}", packet, rep, vnetlab_core::render::trace(&t1), vnetlab_core::render::trace(&t2));
        }
        let _ = (Endpoint::Subnet(SubnetId(0)), AddrSet::empty());
    }

    /// The lazy destination-port classes agree with concrete traces: any port gets its class's
    /// verdict (including the ports right at and around every class boundary).
    #[test]
    fn every_port_gets_the_verdict_of_its_lazy_class(yaml in random_designs(), pairs in proptest::collection::vec((any::<u32>(), any::<u32>()), 1..4), probes in proptest::collection::vec(any::<u16>(), 16)) {
        let d = load(&yaml);
        let src_set = vnetlab_core::reach::addresses(&d, &EndpointSet::Vnet(VnetId(0))).unwrap();
        let dst_set = vnetlab_core::reach::addresses(&d, &EndpointSet::Internet).unwrap()
            .union(&vnetlab_core::reach::addresses(&d, &EndpointSet::Vnet(VnetId((d.vnets.len() - 1) as u32))).unwrap());
        for (a, b) in pairs {
            let src = src_set.nth_wrapping(u64::from(a)).unwrap();
            let dst = dst_set.nth_wrapping(u64::from(b)).unwrap();
            let origin = origin_at_ip(&d, src).unwrap();
            let classes = vnetlab_core::reach::port_classes(&d, &origin, dst, Protocol::Tcp, TraceOptions::default());
            let mut ports: Vec<u16> = probes.clone();
            // Every boundary any rule of the design has (an independent oracle of the ports
            // where decisions can change).
            for (lo, hi) in vnetlab_core::reach::atoms::PortAtoms::of(&d).split(&PortSet::from_ranges(vec![PortRange::ANY])) {
                ports.extend([lo, hi]);
            }
            for &(lo, hi, _) in &classes {
                ports.extend([lo, hi, lo.saturating_sub(1), hi.saturating_add(1)]);
            }
            for port in ports {
                let class = classes.iter().find(|(lo, hi, _)| *lo <= port && port <= *hi).expect("classes cover every port");
                let f = Flow { src, dst, protocol: Protocol::Tcp, src_port: 50000, dst_port: port };
                let t = trace_packet(&d, origin.clone(), f, TraceOptions::default());
                prop_assert_eq!(t.verdict.allowed(), class.2, "port {} in class {:?}\n{}", port, class, vnetlab_core::render::trace(&t));
            }
        }
    }

    /// An edit applied incrementally gives the same answers as rebuilding the edited design.
    #[test]
    fn incremental_edits_equal_a_rebuild(yaml in random_designs(), pick in any::<usize>()) {
        let d = load(&yaml);
        let edits = vnetlab_core::whatif::single_edits(&d.file);
        prop_assume!(!edits.is_empty());
        let e = &edits[pick % edits.len()];
        let rebuilt = vnetlab_core::rebuild("edited", &e.apply(&d.file).unwrap(), &BuildOptions::default()).design;
        let mut inc = d.clone();
        let applied = inc.apply_edit(e, &BuildOptions::default());
        match rebuilt {
            None => prop_assert!(applied.is_err(), "{e}: the rebuild is invalid but the incremental edit succeeded"),
            Some(r) => {
                prop_assert!(applied.is_ok(), "{e}: {:?}", applied);
                prop_assert_eq!(&inc.file, &r.file);
                for s in 0..r.subnets.len() {
                    let id = vnetlab_core::model::SubnetId(s as u32);
                    prop_assert_eq!(vnetlab_core::render::routes(&inc, id), vnetlab_core::render::routes(&r, id), "{}", e);
                }
                // Every workload to every workload and to an internet host, on the ports the
                // random rules use.
                let mut flows = Vec::new();
                let dsts: Vec<Ipv4Addr> = r.workloads.iter().map(|w| w.ip).chain([Ipv4Addr::new(203, 0, 113, 5)]).collect();
                for src in r.workloads.iter().map(|w| w.ip) {
                    for &dst in &dsts {
                        for protocol in [Protocol::Tcp, Protocol::Udp] {
                            for port in [22, 80, 443, 1500, 3000] {
                                flows.push(Flow { src, dst, protocol, src_port: 50000, dst_port: port });
                            }
                        }
                    }
                }
                for f in &flows {
                    let (Some(o1), Some(o2)) = (origin_at_ip(&inc, f.src), origin_at_ip(&r, f.src)) else { continue };
                    let a = vnetlab_core::render::trace(&trace_packet(&inc, o1, *f, TraceOptions::default()));
                    let b = vnetlab_core::render::trace(&trace_packet(&r, o2, *f, TraceOptions::default()));
                    prop_assert_eq!(a, b, "{}", e);
                }
            }
        }
    }

    /// A what-if session, applying edits in place one after another, ends where loading the
    /// edited file does: same records, routes, traces and warnings; undo goes back a step.
    #[test]
    fn a_session_equals_loading_the_edited_file(yaml in random_designs(), picks in proptest::collection::vec(any::<usize>(), 1..4)) {
        use vnetlab_core::session::Session;
        use vnetlab_core::whatif::single_edits;
        let d = load(&yaml);
        let opts = BuildOptions::default();
        let mut session = Session::new("random.yaml", d.clone(), &[], opts.clone());
        let mut files = vec![d.file.clone()];
        for p in picks {
            let edits = single_edits(session.file());
            if edits.is_empty() {
                break;
            }
            let e = edits[p % edits.len()].clone();
            files.push(e.apply(files.last().unwrap()).unwrap());
            session.apply(e).unwrap();
        }
        let same = |session: &Session, file: &vnetlab_core::format::TopologyFile| -> Result<(), TestCaseError> {
            prop_assert_eq!(session.file(), file);
            let want = vnetlab_core::rebuild("random.yaml", file, &opts);
            let text = |l: &[vnetlab_core::diag::Diagnostic]| l.iter().map(|x| format!("{}: {}", x.code, x.message)).collect::<Vec<_>>();
            prop_assert_eq!(text(&session.diagnostics()), text(&want.diagnostics));
            match (want.design, session.design()) {
                (Some(w), Some(g)) => {
                    for s in 0..w.subnets.len() {
                        let id = SubnetId(s as u32);
                        prop_assert_eq!(vnetlab_core::render::routes(g, id), vnetlab_core::render::routes(&w, id));
                    }
                    for a in &w.workloads {
                        for b in &w.workloads {
                            let f = Flow { src: a.ip, dst: b.ip, protocol: Protocol::Tcp, src_port: 50000, dst_port: 443 };
                            let (Some(o1), Some(o2)) = (origin_at_ip(g, f.src), origin_at_ip(&w, f.src)) else { continue };
                            prop_assert_eq!(
                                vnetlab_core::render::trace(&trace_packet(g, o1, f, TraceOptions::default())),
                                vnetlab_core::render::trace(&trace_packet(&w, o2, f, TraceOptions::default()))
                            );
                        }
                    }
                }
                (None, None) => {}
                (w, g) => prop_assert!(false, "loading gives a design: {}, the session: {}", w.is_some(), g.is_some()),
            }
            Ok(())
        };
        same(&session, files.last().unwrap())?;
        if session.undo().is_some() {
            files.pop();
            same(&session, files.last().unwrap())?;
        }
    }

    /// Whatever the JSON fast path accepts, the YAML reader reads into the same nodes: valid
    /// JSON of random designs with bytes flipped, inserted or cut.
    #[test]
    fn the_json_fast_path_never_reads_differently(yaml in random_designs(), edits in proptest::collection::vec((any::<u32>(), any::<u8>(), 0u8..3), 0..6)) {
        let d = load(&yaml);
        let mut bytes = vnetlab_core::format::to_json(&d.file).into_bytes();
        for (at, byte, op) in edits {
            let i = at as usize % bytes.len().max(1);
            match op {
                0 => bytes[i] = byte,
                1 => bytes.insert(i, byte),
                _ => { bytes.remove(i); }
            }
        }
        let Ok(text) = std::str::from_utf8(&bytes) else { return Ok(()) };
        if let Some(fast) = vnetlab_core::syntax::parse_json(text) {
            let mut diags = vnetlab_core::diag::Diagnostics::new("x.json");
            let slow = vnetlab_core::syntax::parse(text, &mut diags);
            prop_assert_eq!(Some(fast), slow, "{}", text);
        }
    }

    /// Loading never panics, whatever is done to a valid file: bytes flipped, inserted or cut;
    /// and a rejected file always says why.
    #[test]
    fn loading_mutated_files_never_panics(pick in 0usize..64, edits in proptest::collection::vec((any::<u32>(), any::<u8>(), 0u8..3), 1..12)) {
        let mut names: Vec<_> = std::fs::read_dir(vnetlab_tests::root().join("topologies")).unwrap()
            .filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "yaml")).collect();
        names.sort();
        let mut bytes = std::fs::read(&names[pick % names.len()]).unwrap();
        for (at, b, op) in edits {
            let i = at as usize % (bytes.len() + 1);
            match op {
                0 if i < bytes.len() => bytes[i] = b,
                1 => bytes.insert(i, b),
                _ if i < bytes.len() => {
                    bytes.truncate(i.max(1));
                }
                _ => {}
            }
        }
        let loaded = vnetlab_core::load("mutated.yaml", &bytes, &BuildOptions::default());
        if let Some(d) = &loaded.design {
            let _ = vnetlab_core::check(d);
        } else {
            prop_assert!(!loaded.diagnostics.is_empty());
        }
    }
}

/// Port classes against every single port, on a design made for it: overlapping NSG rules that
/// all match the flow's addresses (several before the deciding one), rules that do not, and an
/// Azure Firewall with rules for other sources.
#[test]
fn port_classes_match_every_port_on_overlapping_rules() {
    let d = vnetlab_tests::design(
        "ports.yaml",
        r#"
version: 1
name: ports
vnets:
  hub:
    address_space: [10.0.0.0/16]
    subnets:
      AzureFirewallSubnet: { prefix: 10.0.0.0/26 }
  a:
    address_space: [10.1.0.0/16]
    subnets:
      s: { prefix: 10.1.1.0/24, nsg: n, route_table: rt }
peerings:
  - { between: [hub, a], allow_forwarded_traffic: true }
route_tables:
  rt:
    routes: [{ name: all, prefix: 0.0.0.0/0, next_hop: virtual_appliance, next_hop_ip: 10.0.0.4 }]
nsgs:
  n:
    rules:
      - { name: other-source, priority: 100, direction: outbound, access: allow, protocol: tcp, source: 10.9.0.0/16, destination: "*", destination_ports: "5000-6000" }
      - { name: deny-mid, priority: 110, direction: outbound, access: deny, protocol: tcp, source: "*", destination: Internet, destination_ports: "1000-2000" }
      - { name: deny-ssh, priority: 120, direction: outbound, access: deny, protocol: tcp, source: "*", destination: "*", destination_ports: 22 }
      - { name: allow-some, priority: 130, direction: outbound, access: allow, protocol: tcp, source: VirtualNetwork, destination: "*", destination_ports: ["20-30", "1500-3000"] }
      - { name: deny-high, priority: 140, direction: outbound, access: deny, protocol: any, source: "*", destination: Internet, destination_ports: "40000-50000" }
firewalls:
  fw:
    kind: azure_firewall
    subnet: hub/AzureFirewallSubnet
    private_ip: 10.0.0.4
    public_ip: standard
    rule_collection_groups:
      - name: g
        priority: 100
        collections:
          - { name: other, kind: network, priority: 100, action: deny, rules: [{ name: other-src, source: [10.8.0.0/16], destination: ["*"], protocol: tcp, destination_ports: ["7000-8000"] }] }
          - { name: web, kind: network, priority: 200, action: allow, rules: [{ name: web, source: [10.1.0.0/16], destination: ["*"], protocol: tcp, destination_ports: ["20-30", "2500-45000"] }] }
workloads:
  vm: { kind: vm, subnet: a/s, ip: 10.1.1.4 }
"#,
    );
    let origin = origin_at_ip(&d, Ipv4Addr::new(10, 1, 1, 4)).unwrap();
    let dst = Ipv4Addr::new(203, 0, 113, 9);
    let classes =
        vnetlab_core::reach::port_classes(&d, &origin, dst, Protocol::Tcp, TraceOptions::default());
    let mut delivered_somewhere = false;
    for port in 0..=u16::MAX {
        let class = classes
            .iter()
            .find(|(lo, hi, _)| *lo <= port && port <= *hi)
            .unwrap();
        let f = Flow {
            src: Ipv4Addr::new(10, 1, 1, 4),
            dst,
            protocol: Protocol::Tcp,
            src_port: 50000,
            dst_port: port,
        };
        let t = trace_packet(&d, origin.clone(), f, TraceOptions::default());
        delivered_somewhere |= class.2;
        assert_eq!(
            t.verdict.allowed(),
            class.2,
            "port {port} in class {class:?}\n{}",
            vnetlab_core::render::trace(&t)
        );
    }
    assert!(delivered_somewhere, "the design lets some ports through");
    assert!(
        classes.len() < 40,
        "classes follow the consulted rules only: {}",
        classes.len()
    );
}
