//! vnetlab's tests, one binary: worked examples from azure-semantics.md (acceptance), golden
//! outputs of the bundled topologies, properties of the engine, and the command line.

mod acceptance;
mod aml;
mod design_props;
mod diff;
mod example_crate;
mod golden;
mod incremental;
mod live;
mod matrix;
mod props;
mod schema;
mod validation;
