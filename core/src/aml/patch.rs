//! A fix as an edit of the topology file (`Patch`, defined beside the what-if edits it is one
//! of): what the audit proposes, applied to the plan's file (which already holds the audit's
//! earlier fixes) to verify it by re-tracing, and by a user to the design.

pub use crate::edit::patch::{FIX_GROUP, Patch};
