//! The terminal app's tests, one binary: whole screens rendered with ratatui's `TestBackend`
//! after scripted key sequences, compared with the snapshots in `tui/tests/snapshots/`
//! (`UPDATE_SNAPSHOTS=1 cargo test -p vnetlab` rewrites them), and the key map.

mod edits;
mod harness;
mod keys;
mod matrix;
mod screens;
