//! vnetlab in the browser: a yew app compiled to `wasm32-unknown-unknown` that runs vnetlab-core
//! itself, so its answers are exactly the command line's. Nothing leaves the machine.
//!
//! - [`state`]: all logic (a plain `State` and a pure `reduce`), natively unit-tested, using
//!   [`analysis`] (what core says about the design), [`forms`] (editing the records with core's
//!   validation), [`layout`] (the diagram's boxes and SVG; [`elk`] their layered layout by ELK, called through
//!   [`js`]) and [`export`] (download links).
//! - [`app`] and [`components`]: yew components that render the state and dispatch actions;
//!   [`text`]: the source editor's changes applied to the app's text.
//! - [`history`]: undo and redo over every change; [`share`]: links carrying the design.
//! - [`storage`]: best-effort persistence: the working copy per tab, named designs shared;
//!   [`autosave`]: what is typed saved once the typing pauses, never lost.
//!
//! Build with `web/build.sh`, serve with `web/serve.sh`, test end to end with `.ci/web.sh`.

pub mod analysis;
pub mod app;
pub mod autosave;
pub mod bench;
pub mod components;
pub mod elk;
pub mod export;
pub mod forms;
pub mod history;
pub mod js;
pub mod layout;
pub mod share;
pub mod state;
pub mod storage;
pub mod text;

/// The designs of `topologies/*.yaml`, bundled at compile time by `build.rs`.
pub mod scenarios {
    include!(concat!(env!("OUT_DIR"), "/scenarios.rs"));
}
