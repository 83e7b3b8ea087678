//! AML-ROUTING-LOOP: forwarders whose routes send some destinations round for ever (the
//! network-wide loop search of `reach/forwarding.rs`), with the cycle, the routes forming it
//! and a witness trace from the first forwarder's subnet.

use super::Severity;
use super::findings::{Finding, finding, trace_with, with_witness};
use crate::model::Design;
use crate::net::Protocol;
use crate::trace::{Touch, TraceOptions};

/// The routing-loop findings (not yet located); with `touched`, what their witness traces read
/// is added to it (the loops themselves read only effective routes and where forwarders are).
pub(super) fn routing_loops(d: &Design, mut touched: Option<&mut Vec<Touch>>) -> Vec<Finding> {
    let mut v = Vec::new();
    for l in crate::reach::forwarding::routing_loops(d) {
        let mut cycle = l.cycle.clone();
        cycle.push(l.cycle[0].clone());
        let mut f = finding(
            "AML-ROUTING-LOOP",
            Severity::High,
            format!(
                "routing loop for {}: {} ({})",
                l.destinations,
                cycle.join(" → "),
                l.routes.join("; ")
            ),
            l.cycle.clone(),
            "give one of the forwarders a route that leaves the cycle for these destinations (towards the destination, a gateway or the internet), or remove the route that sends them back",
        );
        if let Some(dst) = l.destinations.first() {
            let from = &d.subnets[l.subnet.ix()].name;
            let opts = TraceOptions {
                record_touches: touched.is_some(),
                ..TraceOptions::default()
            };
            if let Some(mut t) = trace_with(d, from, &dst.to_string(), Protocol::Tcp, 443, opts) {
                if let Some(out) = touched.as_deref_mut() {
                    out.append(&mut t.touched);
                }
                f = with_witness(f, t);
            }
        }
        v.push(f);
    }
    v
}
