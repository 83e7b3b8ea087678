//! Assertions on designs, with the trace in the failure message: panicking ones for plain
//! tests, and ones returning a [`Failure`] for `proptest!` bodies (where `?` lets proptest
//! shrink quietly and print the message of the minimal flow only).

use crate::check::Outcome;
use crate::format::ExpectedVerdict;
use crate::model::{Design, Expectation};
use crate::net::{PortRange, PortSet, Protocol};
use crate::trace::{FlowQuery, Trace, trace};

use super::{Failure, FlowCase};

fn run(d: &Design, from: &str, to: &str, protocol: Protocol, port: u16) -> Trace {
    let q = FlowQuery {
        from: from.into(),
        to: to.into(),
        protocol,
        port,
    };
    trace(d, &q).unwrap_or_else(|e| panic!("cannot trace {from} → {to}: {e}"))
}

/// Panics, with the trace, unless the flow is delivered and its reply returns.
#[track_caller]
pub fn assert_allowed(d: &Design, from: &str, to: &str, protocol: Protocol, port: u16) -> Trace {
    let t = run(d, from, to, protocol, port);
    assert!(
        t.verdict.allowed(),
        "expected {from} → {to} {protocol}/{port} to be allowed, but it is {}\n{}",
        t.verdict,
        crate::render::trace(&t)
    );
    t
}

/// Panics, with the trace, if the flow is delivered.
#[track_caller]
pub fn assert_denied(d: &Design, from: &str, to: &str, protocol: Protocol, port: u16) -> Trace {
    let t = run(d, from, to, protocol, port);
    assert!(
        !t.verdict.allowed(),
        "expected {from} → {to} {protocol}/{port} to be denied, but it is delivered\n{}",
        crate::render::trace(&t)
    );
    t
}

/// The trace of one flow, as `vnetlab trace` shows it; fails if an endpoint is unknown.
pub fn trace_flow(d: &Design, f: &FlowCase) -> Result<Trace, Failure> {
    let q = FlowQuery {
        from: f.from.clone(),
        to: f.to.clone(),
        protocol: f.protocol,
        port: f.port,
    };
    trace(d, &q).map_err(|e| Failure::new(format!("cannot trace {f}: {e}")))
}

/// The rendered trace of one flow (or why it cannot be traced): what to print next to a
/// counterexample.
pub fn explain(d: &Design, f: &FlowCase) -> String {
    match trace_flow(d, f) {
        Ok(t) => crate::render::trace(&t),
        Err(e) => e.to_string(),
    }
}

pub(super) fn flow_verdict(d: &Design, f: &FlowCase, want_allowed: bool) -> Result<Trace, Failure> {
    let t = trace_flow(d, f)?;
    if t.verdict.allowed() == want_allowed {
        return Ok(t);
    }
    let (want, got) = if want_allowed {
        ("allowed", t.verdict.to_string())
    } else {
        ("denied", "delivered".to_string())
    };
    Err(Failure::new(format!(
        "expected {f} to be {want}, but it is {got}\n{}",
        crate::render::trace(&t)
    )))
}

/// `Ok` with the trace if the flow is delivered and its reply returns; otherwise a [`Failure`]
/// with the trace. For `proptest!` bodies: `expect_allowed(&d, &flow)?;`.
pub fn expect_allowed(d: &Design, f: &FlowCase) -> Result<Trace, Failure> {
    flow_verdict(d, f, true)
}

/// `Ok` with the trace if the flow is not delivered; otherwise a [`Failure`] with the trace.
/// For `proptest!` bodies: `expect_denied(&d, &flow)?;`.
pub fn expect_denied(d: &Design, f: &FlowCase) -> Result<Trace, Failure> {
    flow_verdict(d, f, false)
}

/// Proves a property over every packet between two endpoint sets (workloads, subnets, `VNET/*`,
/// CIDRs, `internet`, …) with the symbolic engine. Returns `Err` with the counterexample classes
/// and the first one's trace when it does not hold.
pub fn prove(
    d: &Design,
    from: &str,
    to: &str,
    protocol: Option<Protocol>,
    ports: (u16, u16),
    allowed: bool,
) -> Result<u64, String> {
    let e = Expectation {
        name: format!("{from} → {to}"),
        from: from.into(),
        to: to.into(),
        protocol,
        ports: PortSet::from_ranges(vec![PortRange {
            lo: ports.0,
            hi: ports.1,
        }]),
        verdict: if allowed {
            ExpectedVerdict::Allowed
        } else {
            ExpectedVerdict::Denied
        },
        via: Vec::new(),
        span: Default::default(),
    };
    let r = crate::check::check_one(d, &e);
    match r.outcome {
        Outcome::Holds => Ok(r.classes),
        _ => {
            let mut msg = format!("{} ({} expected): {}\n", e.name, e.verdict, r.summary);
            msg.push_str(&crate::render::evidence(&r, "  ", false));
            if let Some(t) = &r.trace {
                msg.push_str(&crate::render::trace(t));
            }
            Err(msg)
        }
    }
}
