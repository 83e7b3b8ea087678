//! Address allocation: explicit addresses are checked (inside the subnet, not reserved, not
//! taken twice); the rest take the first free usable addresses, in a fixed order, so the same
//! file always gives the same addresses.

use super::*;
use crate::diag::Diagnostics;
use std::collections::BTreeSet;

/// Usable addresses of a subnet: all but the first four and the last (G).
pub fn usable(prefix: Ipv4Net) -> (u32, u32) {
    let lo = u32::from(prefix.network());
    let hi = u32::from(prefix.broadcast());
    (lo.saturating_add(4), hi.saturating_sub(1))
}

/// How many addresses of `prefix` a subnet can give out: all but Azure's five reserved (the
/// network address, .1–.3 and the broadcast address); none for a /30 or longer.
pub fn usable_count(prefix: Ipv4Net) -> u64 {
    (1u64 << (32 - u32::from(prefix.prefix_len()))).saturating_sub(5)
}

/// The longest prefix length Azure allows for a subnet (/29: 8 addresses, 3 usable).
pub const SMALLEST_SUBNET: u8 = 29;

/// The shortest prefix length Azure allows for a subnet (/2).
pub const LARGEST_SUBNET: u8 = 2;

/// The longest prefix length (from [`LARGEST_SUBNET`] to [`SMALLEST_SUBNET`]) whose subnet has
/// `need` usable addresses, or `None` when no Azure subnet is that large.
pub fn fitting_prefix(need: u64) -> Option<u8> {
    (LARGEST_SUBNET..=SMALLEST_SUBNET).rev().find(|&len| {
        usable_count(Ipv4Net::new(std::net::Ipv4Addr::UNSPECIFIED, len).expect("len ≤ 32")) >= need
    })
}

/// `n` addresses, in words: a count past any IPv4 subnet's size reads "more than 2^32".
pub fn address_count(n: u64) -> String {
    if n > 1 << 32 {
        "more than 4294967296 (2^32)".to_string()
    } else {
        n.to_string()
    }
}

/// The advice for a subnet that needs the prefix [`fitting_prefix`] found.
pub fn resize_advice(len: Option<u8>) -> String {
    match len {
        Some(len) => format!("make the subnet a /{len} or larger"),
        None => "no Azure subnet (a /2 at most) is that large; split the workloads".to_string(),
    }
}

/// A subnet's free addresses: its usable range in each prefix, taken in order (S11).
struct Pool {
    taken: BTreeSet<u32>,
    ranges: Vec<(u32, u32)>,
    range: usize,
    next: u32,
}

/// Takes the next `n` free addresses as ranges, prefix after prefix (in time and memory by the
/// number of addresses taken before, not by `n`: an AKS cluster may need millions); `false`
/// when the subnet ran out first.
fn take_run(pool: &mut Pool, mut n: u64, out: &mut Vec<(u32, u32)>) -> bool {
    while n > 0 {
        let Some(&(lo, hi)) = pool.ranges.get(pool.range) else {
            return false;
        };
        pool.next = pool.next.max(lo);
        if pool.next > hi {
            pool.range += 1;
            continue;
        }
        if pool.taken.contains(&pool.next) {
            pool.next += 1;
            continue;
        }
        // The free run from `next` to the next taken address (or `hi`).
        let end = pool
            .taken
            .range(pool.next..=hi)
            .next()
            .map_or(hi, |&t| t - 1);
        let len = u64::from(end - pool.next) + 1;
        let take = len.min(n);
        let last = pool.next + (take - 1) as u32;
        out.push((pool.next, last));
        n -= take;
        if last == hi {
            pool.range += 1;
        } else {
            pool.next = last + 1;
        }
    }
    true
}

/// Allocates the addresses of `d`, whose records (`d.file`) say which were written.
pub(super) fn allocate(d: &mut Design, diags: &mut Diagnostics) {
    let f = &d.file;
    // Explicit addresses, where the records write them.
    let explicit_fw: Vec<(usize, Span)> = f
        .firewalls
        .values()
        .enumerate()
        .filter_map(|(i, fw)| fw.private_ip.as_ref().map(|ip| (i, ip.span())))
        .collect();
    let explicit_wl: Vec<(usize, Span)> = f
        .workloads
        .values()
        .enumerate()
        .filter_map(|(i, w)| w.ip.as_ref().map(|ip| (i, ip.span())))
        .collect();
    let pe_spans: Vec<Option<Span>> = f
        .services
        .values()
        .flat_map(|s| {
            s.private_endpoints
                .iter()
                .map(|p| p.ip.as_ref().map(|ip| ip.span()))
        })
        .collect();
    let mut pools: Vec<Pool> = d
        .subnets
        .iter()
        .map(|s| {
            let ranges = s.usable_ranges();
            Pool {
                taken: BTreeSet::new(),
                next: ranges.first().map_or(0, |r| r.0),
                ranges,
                range: 0,
            }
        })
        .collect();
    let claim = |pools: &mut Vec<Pool>,
                 d: &Design,
                 subnet: SubnetId,
                 ip: Ipv4Addr,
                 who: &str,
                 span: Span,
                 diags: &mut Diagnostics| {
        let s = &d.subnets[subnet.ix()];
        let v = u32::from(ip);
        let Some(prefix) = s.prefix_of(ip) else {
            let (lo, hi) = usable(s.prefix);
            diags
                .error(
                    span,
                    "ip",
                    format!(
                        "{who}: {ip} is outside its subnet {} ({})",
                        s.name,
                        s.prefixes_text()
                    ),
                )
                .help(format!(
                    "choose an address from {} to {}",
                    Ipv4Addr::from(lo),
                    Ipv4Addr::from(hi)
                ));
            return;
        };
        let (lo, hi) = usable(prefix);
        if v < lo || v > hi {
            diags
                .error(
                    span,
                    "ip",
                    format!(
                        "{who}: {ip} is one of the 5 addresses Azure reserves in {} ({prefix})",
                        s.name
                    ),
                )
                .help(format!(
                    "the first four and the last address are reserved; usable: {} to {}",
                    Ipv4Addr::from(lo),
                    Ipv4Addr::from(hi)
                ));
        } else if !pools[subnet.ix()].taken.insert(v) {
            diags.error(
                span,
                "ip",
                format!("{who}: {ip} is already taken in {}", s.name),
            );
        }
    };
    // Explicit addresses first.
    for (i, span) in &explicit_fw {
        let (subnet, ip, name) = (
            d.firewalls[*i].subnet,
            d.firewalls[*i].ip,
            d.firewalls[*i].name.clone(),
        );
        claim(
            &mut pools,
            d,
            subnet,
            ip,
            &format!("firewall `{name}`"),
            *span,
            diags,
        );
    }
    for (i, span) in &explicit_wl {
        let (subnet, ip, name) = (
            d.workloads[*i].subnet,
            d.workloads[*i].ip,
            d.workloads[*i].name.clone(),
        );
        claim(
            &mut pools,
            d,
            subnet,
            ip,
            &format!("workload `{name}`"),
            *span,
            diags,
        );
    }
    for (i, span) in pe_spans.iter().enumerate() {
        if let Some(span) = span {
            let (subnet, ip, name) = (
                d.private_endpoints[i].subnet,
                d.private_endpoints[i].ip,
                d.private_endpoints[i].name.clone(),
            );
            claim(
                &mut pools,
                d,
                subnet,
                ip,
                &format!("private endpoint `{name}`"),
                *span,
                diags,
            );
        }
    }
    // DNS private resolvers' inbound endpoints have their address written.
    let inbound: Vec<(SubnetId, Ipv4Addr, String, Span)> = d
        .dns
        .resolvers
        .iter()
        .flat_map(|r| {
            r.inbound.iter().map(|(s, ip)| {
                (
                    *s,
                    *ip,
                    format!("inbound endpoint of resolver `{}`", r.name),
                    r.span,
                )
            })
        })
        .collect();
    for (subnet, ip, who, span) in inbound {
        claim(&mut pools, d, subnet, ip, &who, span, diags);
    }
    if diags.has_errors() {
        return;
    }
    let next_free = |pools: &mut Vec<Pool>, subnet: SubnetId, _: &Design| -> Option<Ipv4Addr> {
        let mut one = Vec::new();
        take_run(&mut pools[subnet.ix()], 1, &mut one).then(|| Ipv4Addr::from(one[0].0))
    };
    let mut full: BTreeSet<SubnetId> = BTreeSet::new();
    for i in 0..d.gateways.len() {
        let s = d.gateways[i].subnet;
        match next_free(&mut pools, s, d) {
            Some(ip) => d.gateways[i].ip = ip,
            None => {
                full.insert(s);
            }
        }
    }
    for i in 0..d.firewalls.len() {
        if d.firewalls[i].ip.is_unspecified() {
            let s = d.firewalls[i].subnet;
            match next_free(&mut pools, s, d) {
                Some(ip) => d.firewalls[i].ip = ip,
                None => {
                    full.insert(s);
                }
            }
        }
    }
    for i in 0..d.workloads.len() {
        let s = d.workloads[i].subnet;
        let extra = d.workloads[i].addresses.saturating_sub(1);
        if d.workloads[i].ip.is_unspecified() {
            match next_free(&mut pools, s, d) {
                Some(ip) => d.workloads[i].ip = ip,
                None => {
                    full.insert(s);
                }
            }
        }
        let first = u32::from(d.workloads[i].ip);
        let mut ips = vec![(first, first)];
        if !take_run(&mut pools[s.ix()], extra, &mut ips) {
            full.insert(s);
        }
        d.workloads[i].ips = AddrSet::from_ranges(ips);
    }
    for i in 0..d.private_endpoints.len() {
        if d.private_endpoints[i].ip.is_unspecified() {
            let s = d.private_endpoints[i].subnet;
            match next_free(&mut pools, s, d) {
                Some(ip) => d.private_endpoints[i].ip = ip,
                None => {
                    full.insert(s);
                }
            }
        }
    }
    for s in full {
        report_full(d, s, diags);
    }
}

fn report_full(d: &Design, s: SubnetId, diags: &mut Diagnostics) {
    let subnet = &d.subnets[s.ix()];
    let capacity = subnet.usable_count();
    let mut needs: Vec<String> = Vec::new();
    let mut total = 0u64;
    for w in d.workloads.iter().filter(|w| w.subnet == s) {
        total = total.saturating_add(w.addresses);
        needs.push(format!(
            "{} `{}` needs {}",
            w.kind,
            w.name,
            address_count(w.addresses)
        ));
    }
    let others = d.firewalls.iter().filter(|f| f.subnet == s).count()
        + d.gateways.iter().filter(|g| g.subnet == s).count()
        + d.private_endpoints.iter().filter(|p| p.subnet == s).count();
    total = total.saturating_add(others as u64);
    if others > 0 {
        needs.push(format!(
            "{others} firewall/gateway/private endpoint address(es)"
        ));
    }
    let len = fitting_prefix(total);
    diags
        .error(
            subnet.span,
            "subnet-capacity",
            format!(
                "subnet {} ({}) has {capacity} usable addresses but {} are needed: {}",
                subnet.name,
                subnet.prefixes_text(),
                address_count(total),
                needs.join("; ")
            ),
        )
        .help(format!(
            "{} (Azure reserves 5 addresses per subnet), or lower max_nodes",
            resize_advice(len)
        ));
}

/// Registers each private endpoint's A records in the zones it names (its DNS zone group).
pub(super) fn register_pe_records(d: &mut Design, diags: &mut Diagnostics) {
    register_pe_records_in(d, None, diags);
}

/// [`register_pe_records`] into the given zones only (`None`: every zone).
pub(super) fn register_pe_records_in(
    d: &mut Design,
    only: Option<&[ZoneId]>,
    diags: &mut Diagnostics,
) {
    for pi in 0..d.private_endpoints.len() {
        if only.is_some_and(|z| !d.private_endpoints[pi].zones.iter().any(|x| z.contains(x))) {
            continue;
        }
        let pe = d.private_endpoints[pi].clone();
        let svc = &d.services[pe.service.ix()];
        let Some(sub) = catalog::subresource(svc.kind, &pe.group) else {
            continue;
        };
        for z in &pe.zones {
            if only.is_some_and(|o| !o.contains(z)) {
                continue;
            }
            let zone_name = d.zones[z.ix()].name.clone();
            for (_, private) in sub.names {
                if !catalog::zone_of(private).eq_ignore_ascii_case(&zone_name) {
                    continue;
                }
                let full = catalog::fill(private, &svc.name, &svc.region);
                let rel = full[..full.len() - zone_name.len() - 1].to_string();
                let zone = &mut d.zones[z.ix()];
                if let Some(old) = zone.records.insert(rel.clone(), pe.ip)
                    && old != pe.ip
                {
                    diags.warning(svc.span, "zone-record", format!(
                            "private endpoint `{}` overwrites the A record `{rel}` in zone `{zone_name}` ({old} → {}); the first endpoint's clients lose it (C3)",
                            pe.name, pe.ip));
                }
            }
        }
    }
}

/// Addresses an AKS cluster of `nodes` nodes takes from its subnet: one node more for upgrades
/// (surge), and with Azure CNI (not Overlay, not kubenet) `max_pods` per node besides (110 by
/// default). In `u64`, saturating: `u32::MAX` nodes of `u32::MAX` pods is more than any
/// subnet holds, and stays so.
pub fn aks_addresses(
    nodes: u32,
    plugin: Option<crate::format::NetworkPlugin>,
    max_pods: Option<u32>,
) -> u64 {
    let nodes = u64::from(nodes) + 1;
    match plugin.unwrap_or(crate::format::NetworkPlugin::AzureCniOverlay) {
        crate::format::NetworkPlugin::AzureCni => {
            nodes.saturating_mul(1 + u64::from(max_pods.unwrap_or(110)))
        }
        crate::format::NetworkPlugin::Kubenet | crate::format::NetworkPlugin::AzureCniOverlay => {
            nodes
        }
    }
}
