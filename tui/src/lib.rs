//! The `vnetlab` terminal app as a library, so its model, update and view can be tested without a
//! terminal. The binary (`main.rs`) is thin glue over [`app::run`] and the CLI commands.

pub mod app;
