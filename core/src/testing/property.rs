//! Reachability properties over endpoint sets, checked for every packet with the symbolic
//! engine, and by sampling concrete flows only where the engine cannot decide.

use super::strategies::{FlowCase, flows};
use super::{Failure, flow_verdict};
use crate::check::{Outcome, check_one};
use crate::format::ExpectedVerdict;
use crate::model::{Design, Expectation};
use crate::net::{PortRange, PortSet, Protocol};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestError, TestRng, TestRunner};

/// What a [`Property`] demands of the packets between its two sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Every packet is delivered (and its reply returns).
    Reaches,
    /// No packet is delivered.
    Isolated,
}

/// A reachability property: every packet from one endpoint set to another, over a protocol (or
/// all of them) and a port range, is delivered — or none is. The sets are written as
/// `vnetlab trace` and `expect` entries take them: a workload, a subnet `VNET/SUBNET`, a VNet
/// `VNET/*`, a CIDR, `internet`, a service `NAME:GROUP`, a tag `service:TAG`, a name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    /// Source set.
    pub from: String,
    /// Destination set.
    pub to: String,
    /// One protocol, or `None` for all of them.
    pub protocol: Option<Protocol>,
    /// Destination ports, inclusive.
    pub ports: (u16, u16),
    /// Delivered or not.
    pub expect: Expect,
}

impl Property {
    /// Every packet from `from` to `to` is delivered (TCP on every port until narrowed with
    /// [`Property::protocol`] and [`Property::ports`] / [`Property::port`]).
    pub fn reaches(from: &str, to: &str) -> Self {
        Self {
            from: from.into(),
            to: to.into(),
            protocol: Some(Protocol::Tcp),
            ports: (PortRange::ANY.lo, PortRange::ANY.hi),
            expect: Expect::Reaches,
        }
    }

    /// No packet from `from` to `to` is delivered, on any protocol or port.
    pub fn isolated(from: &str, to: &str) -> Self {
        Self {
            from: from.into(),
            to: to.into(),
            protocol: None,
            ports: (PortRange::ANY.lo, PortRange::ANY.hi),
            expect: Expect::Isolated,
        }
    }

    /// Narrows the property to one protocol (`None`: all of them).
    pub fn protocol(mut self, protocol: Option<Protocol>) -> Self {
        self.protocol = protocol;
        self
    }

    /// Narrows the property to destination ports `lo..=hi`.
    pub fn ports(mut self, lo: u16, hi: u16) -> Self {
        self.ports = (lo, hi);
        self
    }

    /// Narrows the property to one destination port.
    pub fn port(self, port: u16) -> Self {
        self.ports(port, port)
    }

    fn protocols(&self) -> Vec<Protocol> {
        self.protocol
            .map_or_else(|| Protocol::ALL.to_vec(), |p| vec![p])
    }
}

impl std::fmt::Display for Property {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verb = match self.expect {
            Expect::Reaches => "reaches",
            Expect::Isolated => "does not reach",
        };
        let proto = self
            .protocol
            .map_or_else(|| "any protocol".to_string(), |p| p.to_string());
        let ports = if self.ports.0 == self.ports.1 {
            format!("port {}", self.ports.0)
        } else {
            format!("ports {}-{}", self.ports.0, self.ports.1)
        };
        write!(f, "{} {verb} {} ({proto}, {ports})", self.from, self.to)
    }
}

/// How a property was shown to hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// Every packet class was checked by the symbolic engine: a proof.
    Proven {
        /// Packet classes checked.
        classes: u64,
    },
    /// The sets were too large for the exhaustive budget; this many sampled flows held.
    Sampled {
        /// Flows checked.
        cases: u32,
    },
}

/// Flows sampled when the symbolic engine cannot decide a property.
pub const SAMPLES: u32 = 512;

/// Checks a property over every packet with the symbolic engine. Only when the sets have more
/// packet classes than the exhaustive budget does it fall back to [`SAMPLES`] flows drawn by
/// [`flows`] (deterministically seeded, shrunk to a minimal counterexample). A failure names the
/// counterexample packet classes (or the minimal flow) and carries the trace of the first.
pub fn check(d: &Design, p: &Property) -> Result<Evidence, Failure> {
    let want = p.expect == Expect::Reaches;
    let e = Expectation {
        name: p.to_string(),
        from: p.from.clone(),
        to: p.to.clone(),
        protocol: p.protocol,
        ports: PortSet::from_ranges(vec![PortRange {
            lo: p.ports.0,
            hi: p.ports.1,
        }]),
        verdict: if want {
            ExpectedVerdict::Allowed
        } else {
            ExpectedVerdict::Denied
        },
        via: Vec::new(),
        span: Default::default(),
    };
    let r = check_one(d, &e);
    match r.outcome {
        Outcome::Holds => Ok(Evidence::Proven { classes: r.classes }),
        Outcome::Undecided => check_sampled(d, p),
        Outcome::Fails => {
            let mut msg = format!("{p}: does not hold: {}\n", r.summary);
            msg.push_str(&crate::render::evidence(&r, "  ", false));
            if let Some(t) = &r.trace {
                msg.push_str(&crate::render::trace(t));
            }
            Err(Failure::new(msg))
        }
    }
}

/// Checks a property on [`SAMPLES`] concrete flows drawn by [`flows`] (deterministically seeded),
/// shrinking a failure to a minimal flow, printed with its trace. [`check`] falls back to this
/// when the symbolic engine cannot decide; call it directly only to compare the two.
pub fn check_sampled(d: &Design, p: &Property) -> Result<Evidence, Failure> {
    let want = p.expect == Expect::Reaches;
    let config = Config {
        cases: SAMPLES,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new_with_rng(
        config.clone(),
        TestRng::deterministic_rng(RngAlgorithm::ChaCha),
    );
    let strategy = flows(d, &p.from, &p.to, &p.protocols(), p.ports);
    let result = runner.run(&strategy, |f: FlowCase| match flow_verdict(d, &f, want) {
        Ok(_) => Ok(()),
        Err(e) => Err(TestCaseError::fail(e.to_string())),
    });
    match result {
        Ok(()) => Ok(Evidence::Sampled {
            cases: config.cases,
        }),
        Err(TestError::Fail(reason, f)) => Err(Failure::new(format!(
            "{p}: does not hold (sampled; too many packet classes to prove)\n  minimal counterexample: {f}\n{reason}"
        ))),
        Err(TestError::Abort(reason)) => {
            Err(Failure::new(format!("{p}: sampling aborted: {reason}")))
        }
    }
}
