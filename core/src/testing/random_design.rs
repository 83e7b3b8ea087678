//! Small random designs for testing the engine: VNets, subnets, NSGs, route tables, an
//! IP-forwarding router, peerings, storage accounts (one with a private endpoint), NAT gateways,
//! private subnets, service endpoint policies, security admin rules, subnets with two
//! prefixes and subnet peerings, built from a byte string so proptest shrinks
//! them towards the simplest design (all zeros).

use proptest::prelude::*;

struct Bytes<'a> {
    data: &'a [u8],
    at: usize,
}

impl Bytes<'_> {
    fn next(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }
    fn pick<'s>(&mut self, options: &[&'s str]) -> &'s str {
        options[usize::from(self.next()) % options.len()]
    }
    fn upto(&mut self, n: usize) -> usize {
        usize::from(self.next()) % (n + 1)
    }
    fn flag(&mut self) -> bool {
        self.next() % 2 == 1
    }
}

/// A valid topology (YAML) determined by `data`.
pub fn random_design_yaml(data: &[u8]) -> String {
    let mut b = Bytes { data, at: 0 };
    let n_vnets = 1 + b.upto(2);
    let subnets: Vec<Vec<usize>> = (0..n_vnets).map(|_| (0..1 + b.upto(2)).collect()).collect();
    let n_nsgs = b.upto(3);
    let n_tables = b.upto(2);
    let has_router = b.flag();
    let mut addresses: Vec<String> = vec![
        "\"*\"".into(),
        "VirtualNetwork".into(),
        "Internet".into(),
        "Storage".into(),
    ];
    for (v, subs) in subnets.iter().enumerate() {
        addresses.push(format!("10.{v}.0.0/16"));
        for s in subs {
            addresses.push(format!("10.{v}.{s}.0/24"));
            addresses.push(format!("10.{v}.{s}.4"));
            addresses.push(format!("10.{v}.{s}.128/25"));
            addresses.push(format!("10.{v}.{s}.64/27"));
            addresses.push(format!("10.{v}.{}.4", 100 + s));
        }
    }
    // A NAT gateway's public IP, the source NSGs see from a subnet that uses it.
    addresses.push("20.0.0.1".into());
    let addrs: Vec<&str> = addresses.iter().map(String::as_str).collect();
    // Security admin rules on some VNets (S10), priorities drawn so that ties across
    // collections happen.
    let mut admin = String::new();
    if !b.next().is_multiple_of(4) {
        admin.push_str("security_admin_configurations:\n  avnm:\n    rule_collections:\n");
        for c in 0..1 + b.upto(1) {
            let vnets: Vec<String> = (0..n_vnets)
                .filter(|&v| v == c % n_vnets || b.flag())
                .map(|v| format!("v{v}"))
                .collect();
            admin.push_str(&format!(
                "      - name: c{c}\n        vnets: [{}]\n        rules:\n",
                vnets.join(", ")
            ));
            for r in 0..1 + b.upto(3) {
                admin.push_str(&format!(
                    "          - {{ name: a{r}, priority: {}, direction: {}, access: {}, protocol: {}, source: {}, destination: {}, destination_ports: {} }}\n",
                    10 * (1 + b.upto(3)),
                    b.pick(&["inbound", "outbound"]),
                    b.pick(&["allow", "deny", "always_allow"]),
                    b.pick(&["tcp", "udp", "any", "icmp"]),
                    b.pick(&addrs),
                    b.pick(&addrs),
                    b.pick(&["\"*\"", "22", "443", "\"1000-2000\"", "[80, 443]"]),
                ));
            }
        }
    }
    let mut prefixes: Vec<&str> = addrs[4..].to_vec();
    // An address range (FortiGate address objects and Azure Firewall rules take `a-b`).
    prefixes.push("10.0.0.4-10.0.1.200");
    let mut y = String::from("version: 1\nname: random\nvnets:\n");
    for (v, subs) in subnets.iter().enumerate() {
        y.push_str(&format!(
            "  v{v}:\n    address_space: [10.{v}.0.0/16]\n    subnets:\n"
        ));
        for s in subs {
            // Some subnets have a second prefix, away from the first (S11).
            if b.next() % 4 == 3 {
                y.push_str(&format!(
                    "      s{s}: {{ prefixes: [10.{v}.{s}.0/24, 10.{v}.{}.0/25]",
                    100 + s
                ));
            } else {
                y.push_str(&format!("      s{s}: {{ prefix: 10.{v}.{s}.0/24"));
            }
            if n_nsgs > 0 && b.flag() {
                y.push_str(&format!(", nsg: n{}", b.upto(n_nsgs - 1)));
            }
            if n_tables > 0 && b.flag() {
                y.push_str(&format!(", route_table: t{}", b.upto(n_tables - 1)));
            }
            if b.flag() {
                y.push_str(", service_endpoints: [Microsoft.Storage]");
                if b.flag() {
                    y.push_str(", service_endpoint_policies: [pol]");
                }
            }
            if b.flag() {
                y.push_str(&format!(", nat_gateway: ng{v}"));
            }
            if b.flag() {
                y.push_str(", default_outbound_access: false");
            }
            y.push_str(&format!(
                ", private_endpoint_network_policies: {} }}\n",
                b.pick(&["disabled", "nsg", "route_table", "enabled"])
            ));
        }
    }
    // The policy lists `sp`, one of the two storage accounts every random design has.
    y.push_str("service_endpoint_policies:\n  pol: { storage_accounts: [sp] }\n");
    y.push_str("nat_gateways:\n");
    for v in 0..n_vnets {
        y.push_str(&format!("  ng{v}: {{ public_ips: [20.{v}.0.1] }}\n"));
    }
    if n_vnets > 1 {
        y.push_str("peerings:\n");
        for v in 1..n_vnets {
            if b.flag() || v == 1 {
                let other = b.upto(v - 1);
                // Some peerings peer only some subnets (S12): the first subnet of one VNet,
                // the last of the other.
                let subnets = if b.next() % 3 == 2 {
                    let last = |x: usize| subnets[x].len() - 1;
                    format!(", subnets: {{ v{other}: [s0], v{v}: [s{}] }}", last(v))
                } else {
                    String::new()
                };
                y.push_str(&format!(
                    "  - {{ between: [v{other}, v{v}], allow_forwarded_traffic: {}{subnets} }}\n",
                    b.flag()
                ));
            }
        }
    }
    if n_nsgs > 0 {
        y.push_str("nsgs:\n");
        for n in 0..n_nsgs {
            y.push_str(&format!("  n{n}:\n    rules:\n"));
            for r in 0..b.upto(5) {
                y.push_str(&format!(
                    "      - {{ name: r{r}, priority: {}, direction: {}, access: {}, protocol: {}, source: {}, destination: {}, destination_ports: {} }}\n",
                    100 + 10 * r,
                    b.pick(&["inbound", "outbound"]),
                    b.pick(&["allow", "deny"]),
                    b.pick(&["tcp", "udp", "any", "icmp"]),
                    b.pick(&addrs),
                    b.pick(&addrs),
                    b.pick(&["\"*\"", "22", "443", "\"1000-2000\"", "[80, 443]"]),
                ));
            }
        }
    }
    if n_tables > 0 {
        y.push_str("route_tables:\n");
        for t in 0..n_tables {
            y.push_str(&format!("  t{t}:\n    routes:\n"));
            let mut used: Vec<&str> = Vec::new();
            for r in 0..b.upto(3) {
                let prefix = b.pick(&[
                    "0.0.0.0/0",
                    "10.0.0.0/16",
                    "10.1.0.0/16",
                    "10.0.1.0/24",
                    "10.2.0.0/16",
                    "Storage",
                ]);
                // A route table holds one route per prefix.
                if used.contains(&prefix) {
                    continue;
                }
                used.push(prefix);
                // `virtual_network_gateway` with no gateway, and `vnet_local` or `internet`
                // for another VNet's prefix, lose requests and replies in routing (P15).
                let hop = if has_router {
                    b.pick(&[
                        "none",
                        "internet",
                        "vnet_local",
                        "virtual_appliance",
                        "virtual_network_gateway",
                    ])
                } else {
                    b.pick(&["none", "internet", "vnet_local", "virtual_network_gateway"])
                };
                let ip = if hop == "virtual_appliance" {
                    ", next_hop_ip: 10.0.0.10"
                } else {
                    ""
                };
                y.push_str(&format!(
                    "      - {{ name: u{r}, prefix: {prefix}, next_hop: {hop}{ip} }}\n"
                ));
            }
        }
    }
    // The next hop 10.0.0.10 is an IP-forwarding VM, a stateful or stateless NVA, or a
    // FortiGate with a few policies.
    let router = if has_router { b.upto(3) } else { 0 };
    match router {
        1 | 2 => y.push_str(&format!(
            "firewalls:\n  fw:\n    kind: nva\n    subnet: v0/s0\n    private_ip: 10.0.0.10\n    stateful: {}\n    snat: {}\n",
            router == 2,
            b.flag()
        )),
        3 => {
            y.push_str("firewalls:\n  fw:\n    kind: fortigate\n    subnet: v0/s0\n    private_ip: 10.0.0.10\n    policies:\n");
            for p in 0..b.upto(3) {
                y.push_str(&format!(
                    "      - {{ name: p{p}, source: [{}], destination: [{}], service: [{}], action: {}, nat: {} }}\n",
                    b.pick(&prefixes),
                    b.pick(&prefixes),
                    b.pick(&["\"tcp/443\"", "\"udp/1000-2000\"", "\"*\"", "\"icmp\""]),
                    b.pick(&["accept", "deny"]),
                    b.flag()
                ));
            }
        }
        _ => {}
    }
    y.push_str("workloads:\n");
    if has_router && router == 0 {
        y.push_str("  router: { kind: vm, subnet: v0/s0, ip: 10.0.0.10, ip_forwarding: true }\n");
    }
    for (v, subs) in subnets.iter().enumerate() {
        for s in subs {
            let nic_nsg = if n_nsgs > 0 && b.flag() {
                format!(", nsg: n{}", b.upto(n_nsgs - 1))
            } else {
                String::new()
            };
            y.push_str(&format!(
                "  w{v}{s}: {{ kind: vm, subnet: v{v}/s{s}, ip: 10.{v}.{s}.4, public_ip: {}{nic_nsg} }}\n",
                b.pick(&["none", "standard", "basic"])
            ));
        }
    }
    y.push_str("services:\n  sp: { kind: storage }\n  sq: { kind: storage }\n");
    if b.flag() {
        let v = b.upto(n_vnets - 1);
        y.push_str(&format!(
            "  st:\n    kind: storage\n    public_network_access: {}\n    default_action: {}\n    private_endpoints: [{{ subnet: v{v}/s0, group: blob, zones: [privatelink.blob.core.windows.net] }}]\n",
            b.pick(&["enabled", "disabled"]),
            b.pick(&["allow", "deny"])
        ));
        y.push_str(&format!(
            "dns:\n  private_zones:\n    privatelink.blob.core.windows.net: {{ links: [v{}] }}\n",
            b.upto(n_vnets - 1)
        ));
    }
    y.push_str(&admin);
    y
}

/// Random designs (as YAML), shrinking towards the simplest.
pub fn random_designs() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<u8>(), 0..200).prop_map(|v| random_design_yaml(&v))
}
