//! `expect` entries: each is proven for its single flow (a trace) or for every packet of its
//! sets (atoms), and reported with its evidence.

use crate::format::ExpectedVerdict;
use crate::model::{Design, Expectation};
use crate::net::Protocol;
use crate::query::{Endpoint, EndpointSet, Side, parse_set};
use crate::reach::Counterexample;
use crate::trace::{Trace, TraceOptions, origin_of, trace_from};
use serde::Serialize;

/// How an expectation came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// It holds.
    Holds,
    /// It does not hold.
    Fails,
    /// It could not be decided (too many packet classes).
    Undecided,
}

/// The result of one `expect` entry.
#[derive(Clone, Debug, Serialize)]
pub struct ExpectResult {
    /// Its name.
    pub name: String,
    /// Source as written.
    pub from: String,
    /// Destination as written.
    pub to: String,
    /// What was wanted.
    pub expected: ExpectedVerdict,
    /// The outcome.
    pub outcome: Outcome,
    /// One line of explanation.
    pub summary: String,
    /// Packet classes checked (1 for a single flow).
    pub classes: u64,
    /// Classes with the unwanted verdict.
    pub counterexamples: Vec<Counterexample>,
    /// The evidence: the flow's trace, or a counterexample's.
    pub trace: Option<Trace>,
    /// Line of the entry in its file.
    pub line: u32,
    /// What the traces behind the outcome read (see [`crate::trace::Touch`]).
    #[serde(skip)]
    pub touched: Vec<crate::trace::Touch>,
}

/// Every expectation of a design.
#[derive(Clone, Debug, Serialize)]
pub struct CheckReport {
    /// The design's name.
    pub design: String,
    /// Which service-tag ranges were used.
    pub service_tags: String,
    /// The results, in file order.
    pub results: Vec<ExpectResult>,
}

impl CheckReport {
    /// Whether every expectation holds.
    pub fn all_hold(&self) -> bool {
        self.held() == self.results.len()
    }

    /// How many expectations hold.
    pub fn held(&self) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome == Outcome::Holds)
            .count()
    }
}

/// Checks every expectation.
pub fn check(d: &Design) -> CheckReport {
    CheckReport {
        design: d.name.clone(),
        service_tags: d.tags.source().to_string(),
        results: d.expectations.iter().map(|e| check_one(d, e)).collect(),
    }
}

/// Checks one expectation.
pub fn check_one(d: &Design, e: &Expectation) -> ExpectResult {
    let want = e.verdict == ExpectedVerdict::Allowed;
    let mut r = ExpectResult {
        name: e.name.clone(),
        from: e.from.clone(),
        to: e.to.clone(),
        expected: e.verdict,
        outcome: Outcome::Fails,
        summary: String::new(),
        classes: 0,
        counterexamples: Vec::new(),
        trace: None,
        line: e.span.line,
        touched: Vec::new(),
    };
    let (src, dst) = match (
        parse_set(d, &e.from, Side::Source),
        parse_set(d, &e.to, Side::Destination),
    ) {
        (Ok(s), Ok(t)) => (s, t),
        (Err(err), _) | (_, Err(err)) => {
            r.summary = err.to_string();
            return r;
        }
    };
    let protocols: Vec<Protocol> = match e.protocol {
        Some(p) => vec![p],
        None => Protocol::ALL.to_vec(),
    };
    let single_port =
        e.ports.ranges().len() == 1 && e.ports.ranges()[0].lo == e.ports.ranges()[0].hi;
    let single = matches!((&src, &dst), (EndpointSet::One(_), EndpointSet::One(_)))
        && protocols.len() == 1
        && (single_port || !protocols[0].has_ports());
    if single {
        let (EndpointSet::One(s), EndpointSet::One(t_dst)) = (&src, &dst) else {
            unreachable!()
        };
        let origin = match origin_of(d, s) {
            Ok(o) => o,
            Err(err) => {
                r.summary = err.to_string();
                return r;
            }
        };
        let port = e.ports.ranges().first().map(|p| p.lo).unwrap_or(0);
        // An application gateway in `via` is where the client connects: the flow goes to its
        // listener, and on to `to` as a member of the backend pool (I4).
        let (t_dst, backend) = match proxy_in_via(d, e, t_dst) {
            Ok(Some((gw, ip))) => (gw, Some(ip)),
            Ok(None) => (t_dst.clone(), None),
            Err(msg) => {
                r.summary = msg;
                return r;
            }
        };
        let t = trace_from(
            d,
            origin,
            &t_dst,
            protocols[0],
            port,
            &e.from,
            &e.to,
            TraceOptions {
                record_touches: true,
                backend,
                ..TraceOptions::default()
            },
        );
        let t_dst = &t_dst;
        let t = crate::trace::drop_at_reserved(d, t_dst, t);
        let via_ok = e.via.iter().all(|v| t.path.iter().any(|p| p == v));
        let delivered = t.verdict.allowed();
        r.classes = 1;
        r.outcome = if delivered == want && (via_ok || !want) {
            Outcome::Holds
        } else {
            Outcome::Fails
        };
        r.summary = if delivered && !via_ok && want {
            let missing: Vec<&str> = e
                .via
                .iter()
                .filter(|v| !t.path.contains(v))
                .map(String::as_str)
                .collect();
            format!("delivered, but not via {}", missing.join(", "))
        } else {
            t.verdict.to_string()
        };
        r.touched = t.touched.clone();
        endpoint_touches(&src, &mut r.touched);
        endpoint_touches(&dst, &mut r.touched);
        r.trace = Some(t);
        return r;
    }
    // Through an application gateway in `via`, every packet goes to its listener and on to
    // `to` as a member of its backend pool (I4).
    let (dst, backend) = match &dst {
        EndpointSet::One(t) => match proxy_in_via(d, e, t) {
            Ok(Some((gw, ip))) => (EndpointSet::One(gw), Some(ip)),
            Ok(None) => (dst, None),
            Err(msg) => {
                r.summary = msg;
                return r;
            }
        },
        _ if e.via.iter().any(|v| gateway_named(d, v).is_some()) => {
            r.summary = "through an application gateway in `via`, `to` must be one workload or address of its backend pool".into();
            return r;
        }
        _ => (dst, None),
    };
    let res = crate::reach::check_set_through(
        d,
        &crate::reach::Atoms::of(d),
        &src,
        &dst,
        &protocols,
        &e.ports,
        want,
        backend,
    );
    r.classes = res.classes;
    if let Some(n) = res.too_large {
        r.outcome = Outcome::Undecided;
        r.summary = format!(
            "{n} packet classes exceed the exhaustive budget ({}); narrow the sets",
            crate::reach::BUDGET
        );
        return r;
    }
    let bad = if want {
        res.classes - res.delivered
    } else {
        res.delivered
    };
    r.outcome = if bad == 0 {
        Outcome::Holds
    } else {
        Outcome::Fails
    };
    r.summary = match (want, bad) {
        (true, 0) => format!("all {} packet classes delivered", res.classes),
        (false, 0) => format!("none of {} packet classes delivered", res.classes),
        (true, n) => format!("{n} of {} packet classes not delivered", res.classes),
        (false, n) => format!("{n} of {} packet classes delivered", res.classes),
    };
    r.counterexamples = res.counterexamples;
    r.trace = res.witness;
    r.touched = res.touched;
    endpoint_touches(&src, &mut r.touched);
    endpoint_touches(&dst, &mut r.touched);
    r
}

/// What naming an endpoint of a service reads: which addresses its private endpoints have
/// (a removed or re-addressed private endpoint moves where `SERVICE:GROUP` goes).
fn endpoint_touches(set: &EndpointSet, out: &mut Vec<crate::trace::Touch>) {
    if let EndpointSet::One(e) = set {
        out.extend(endpoint_touch(e));
    }
}

/// [`endpoint_touches`] of one endpoint.
pub(crate) fn endpoint_touch(e: &Endpoint) -> Option<crate::trace::Touch> {
    match e {
        Endpoint::Service(sid, _)
        | Endpoint::Managed(sid)
        | Endpoint::Identity(sid)
        | Endpoint::Deployment(sid, ..) => Some(crate::trace::Touch::ServiceNames(*sid)),
        _ => None,
    }
}

/// The expectations of `after` checked again where they read something an edit touches
/// (`Edit::touches` of the design before it; `None`: anything, so every expectation is checked
/// again); `whatif::recheck` gives `touches` from the edit.
pub fn recheck_touching(
    before: &CheckReport,
    after: &Design,
    touches: Option<&[crate::trace::Touch]>,
) -> CheckReport {
    CheckReport {
        design: after.name.clone(),
        service_tags: after.tags.source().to_string(),
        results: after
            .expectations
            .iter()
            .enumerate()
            .map(|(i, e)| match before.results.get(i) {
                Some(r) if keeps(r, e, touches) => r.clone(),
                _ => check_one(after, e),
            })
            .collect(),
    }
}

/// [`recheck_touching`], taking the report before: a result kept moves into the report after
/// instead of being copied (its trace and counterexamples can be large); the live session uses
/// it after every edit.
pub fn recheck_touching_owned(
    before: CheckReport,
    after: &Design,
    touches: Option<&[crate::trace::Touch]>,
) -> CheckReport {
    let mut before: Vec<Option<ExpectResult>> = before.results.into_iter().map(Some).collect();
    CheckReport {
        design: after.name.clone(),
        service_tags: after.tags.source().to_string(),
        results: after
            .expectations
            .iter()
            .enumerate()
            .map(|(i, e)| match before.get_mut(i) {
                Some(r) if r.as_ref().is_some_and(|r| keeps(r, e, touches)) => {
                    r.take().expect("checked above")
                }
                _ => check_one(after, e),
            })
            .collect(),
    }
}

/// Whether `r`, the result of `e` before an edit touching `touches`, holds after it unchanged:
/// the same expectation, decided, and none of its traces read what the edit touches.
fn keeps(r: &ExpectResult, e: &Expectation, touches: Option<&[crate::trace::Touch]>) -> bool {
    touches.is_some_and(|t| {
        r.name == e.name
            && r.outcome != Outcome::Undecided
            && !r.touched.iter().any(|x| t.contains(x))
    })
}

impl CheckReport {
    /// The report with each result's name, outcome and summary only (no trace, counterexamples
    /// or touches): what comparing outcomes needs, cheap to copy.
    pub fn outcomes(&self) -> CheckReport {
        CheckReport {
            design: self.design.clone(),
            service_tags: self.service_tags.clone(),
            results: self
                .results
                .iter()
                .map(|r| ExpectResult {
                    name: r.name.clone(),
                    from: r.from.clone(),
                    to: r.to.clone(),
                    expected: r.expected,
                    outcome: r.outcome,
                    summary: r.summary.clone(),
                    classes: r.classes,
                    counterexamples: Vec::new(),
                    trace: None,
                    line: r.line,
                    touched: Vec::new(),
                })
                .collect(),
        }
    }
}

/// The reverse proxy named `name`, if one is: an application gateway or API Management (its
/// workload), or a Front Door profile (its endpoint's address).
fn gateway_named(d: &Design, name: &str) -> Option<Endpoint> {
    if let Some(i) = d
        .workloads
        .iter()
        .position(|w| w.name == name && w.is_gateway())
    {
        return Some(Endpoint::Workload(crate::model::WorkloadId(i as u32)));
    }
    d.front_door_by_name(name)
        .map(|f| Endpoint::Ip(d.front_doors[f.ix()].ip))
}

/// The reverse proxy an expectation's `via` names (I4, I10), as the endpoint the client
/// connects to, with the address of `to` as the backend pool member or origin the request must
/// be forwarded to.
fn proxy_in_via(
    d: &Design,
    e: &Expectation,
    to: &Endpoint,
) -> Result<Option<(Endpoint, std::net::Ipv4Addr)>, String> {
    let gateways: Vec<(&String, Endpoint)> = e
        .via
        .iter()
        .filter_map(|v| gateway_named(d, v).map(|g| (v, g)))
        .collect();
    let Some((name, gw)) = gateways.first().cloned() else {
        return Ok(None);
    };
    if gateways.len() > 1 {
        return Err(
            "`via` names more than one gateway or Front Door; name the one the client connects to"
                .into(),
        );
    }
    let ip = match to {
        Endpoint::Workload(w) => d.workloads[w.ix()].ip,
        Endpoint::Ip(ip) => *ip,
        Endpoint::Service(s, _) => d.services[s.ix()].public_ip,
        _ => {
            return Err(format!(
                "through {name}, `to` must be a workload, a service or an address it forwards to"
            ));
        }
    };
    Ok(Some((gw, ip)))
}
