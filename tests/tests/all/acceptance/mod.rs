//! The worked examples of azure-semantics.md as acceptance tests. `documented` holds the cases
//! whose answer Microsoft's documentation states; `derived` holds the cases marked `derived`
//! there and the pinned decisions (P1–P13) that follow from the documents.

mod admin_rules;
mod audit_fidelity;
mod derived;
mod documented;
mod documented_services;
mod fidelity;
mod ingress;
mod routing;
mod service_settings;
mod service_settings_aml;
mod settings;
mod subnet_settings;

use vnetlab_core::model::Design;
use vnetlab_core::net::Protocol;
use vnetlab_core::trace::{FlowQuery, Step, Trace};

/// Traces a flow by name.
pub fn flow(d: &Design, from: &str, to: &str, protocol: Protocol, port: u16) -> Trace {
    vnetlab_core::trace(
        d,
        &FlowQuery {
            from: from.into(),
            to: to.into(),
            protocol,
            port,
        },
    )
    .expect("valid query")
}

/// The NSG rule that decided in `step` at the NSG named `nsg`, if that NSG was evaluated.
pub fn nsg_decision(t: &Trace, nsg: &str, step: Step) -> Option<String> {
    t.hops
        .iter()
        .find(|h| h.step == step && h.at.starts_with(&format!("{nsg} ")))
        .map(|h| h.detail.clone())
}

/// Asserts a verdict, printing the trace on failure.
#[track_caller]
pub fn assert_allowed(t: &Trace, allowed: bool) {
    assert_eq!(
        t.verdict.allowed(),
        allowed,
        "{}",
        vnetlab_core::render::trace(t)
    );
}
