//! vnetlab's tests, one binary: worked examples from azure-semantics.md (acceptance), golden
//! outputs of the bundled topologies, properties of the engine, and the command line.

mod acceptance;
mod aml;
mod aml_limits;
mod cell;
mod design_props;
mod diff;
mod dns_resolver;
mod elements;
mod example_crate;
mod format_doc;
mod front_door;
mod golden;
mod hardening;
mod import_arm;
mod import_terraform;
mod incremental;
mod layers;
mod live;
mod matrix;
mod props;
mod reread;
mod rewrite;
mod schema;
mod service_tags;
mod validation;

/// The kinds of edit `whatif::single_edits` offers (by variant name): the live-session and
/// rewrite tests check each was exercised.
const SINGLE_EDIT_KINDS: &[&str] = &[
    "RemoveNsgRule",
    "FlipNsgRuleAccess",
    "RemoveRoute",
    "DetachRouteTable",
    "DetachSubnetNsg",
    "RemoveServiceEndpoint",
    "RemovePeering",
    "FlipPeeringFlag",
    "RemoveZoneLink",
    "RemovePrivateEndpoint",
    "FlipPublicNetworkAccess",
    "RemoveFirewallRule",
    "FlipCollectionAction",
    "RemoveFortiPolicy",
    "FlipFortiPolicyAction",
    "FlipFortiPolicyNat",
];
