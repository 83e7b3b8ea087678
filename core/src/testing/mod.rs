//! Testing a design like a library (feature `testing`, guide in docs/testing.md): proptest
//! strategies drawn from a loaded design — flows between sets of endpoints, single edits —
//! assertion helpers whose failure message carries the trace, exhaustive property checks over
//! every packet (sampling only where the symbolic engine cannot decide), and a generator of
//! small random designs for testing the engine itself.

mod assert;
mod edit;
mod failure;
mod property;
mod random_design;
mod strategies;

use assert::flow_verdict;
pub use assert::{
    assert_allowed, assert_denied, expect_allowed, expect_denied, explain, prove, trace_flow,
};
pub use edit::{edited, load_design};
pub use failure::Failure;
pub use property::{Evidence, Expect, Property, SAMPLES, check, check_sampled};
pub use random_design::{random_design_yaml, random_designs};
pub use strategies::{FlowCase, edits, flows};
