//! vnetlab in the browser: a yew app compiled to `wasm32-unknown-unknown`.
//!
//! - [`state`]: all logic, pure and natively unit-tested.
//! - [`app`]: yew components that render the state.
//! - [`storage`]: best-effort `localStorage` persistence.
//!
//! Build with `web/build.sh`, serve with `web/serve.sh`, test end to end with
//! `.ci/web.sh`.

pub mod app;
pub mod state;
pub mod storage;
