//! Whole-design checks of the issue #22 settings that Azure refuses at deployment but that
//! leave the model defined (P18: located warnings, the design is still analysed). Run with the
//! other whole-design checks, so an edited design warns as loading the edited file does.

use super::Design;
use crate::diag::Diagnostics;
use crate::format::TopologyFile;

/// The settings' warnings.
pub(super) fn check(d: &Design, f: &TopologyFile, diags: &mut Diagnostics) {
    endpoint_policies_need_the_storage_endpoint(d, f, diags);
}

/// "You can only apply service endpoint policy on a subnet if service endpoints are configured
/// for the Azure services listed in the policy" (docs/semantics.md S2).
fn endpoint_policies_need_the_storage_endpoint(
    d: &Design,
    f: &TopologyFile,
    diags: &mut Diagnostics,
) {
    for s in &d.subnets {
        if s.endpoint_policies.is_empty()
            || s.service_endpoints
                .iter()
                .any(|e| e.starts_with("Microsoft.Storage"))
        {
            continue;
        }
        let vnet = &d.vnets[s.vnet.ix()].name;
        let Some(first) = f
            .vnets
            .get(vnet)
            .and_then(|v| v.subnets.get(&s.short_name))
            .and_then(|def| def.service_endpoint_policies.first())
        else {
            continue;
        };
        diags
            .warning(first.span(), "service-endpoint-policy", format!("subnet `{}` has a service endpoint policy but no `Microsoft.Storage` service endpoint: Azure does not apply it, and it filters nothing", s.name))
            .help("add `Microsoft.Storage` to the subnet's `service_endpoints`: a policy filters traffic over that endpoint");
    }
}
