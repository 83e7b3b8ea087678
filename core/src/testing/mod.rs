//! Testing a design like a library (feature `testing`): proptest strategies drawn from a loaded
//! design — flows between sets of endpoints, single edits — assertion helpers whose failure
//! message carries the trace, an exhaustive `prove` that checks every packet, and a generator
//! of small random designs for testing the engine itself.

mod assert;
mod random_design;
mod strategies;

pub use assert::{assert_allowed, assert_denied, prove};
pub use random_design::{random_design_yaml, random_designs};
pub use strategies::{FlowCase, edits, flows};
