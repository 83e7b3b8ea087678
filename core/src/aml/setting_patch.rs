//! Fixes that change a service or workload setting (issue #22, S22–S25): a storage account's
//! resource instance rule for its workspace, a workspace's image build compute, a compute's SSH
//! public access turned off.

use super::flows::RequiredFlow;
use super::patch::Patch;
use crate::format::{ResourceAccessRuleDef, Spanned};
use crate::model::{Design, catalog};

pub use crate::edit::patch::SettingPatch;

/// The setting fixes of a broken required flow, as (change, patch): a flow from a service's
/// identity to a storage account gets a resource instance rule for that service (S22).
pub(super) fn candidates(d: &Design, f: &RequiredFlow) -> Vec<(String, Patch)> {
    let mut out = Vec::new();
    if let (Some(from), Some((to, _))) = (f.from.strip_prefix("identity:"), f.to.split_once(':'))
        && let (Some(src), Some(dst)) = (d.service_by_name(from), d.service_by_name(to))
        && d.services[dst.ix()].kind == crate::format::ServiceKind::Storage
    {
        let ty = catalog::resource_type(d.services[src.ix()].kind);
        out.push((
            format!("add a resource instance rule to storage account {to} for {ty} {from} (S22)"),
            Patch::Setting(SettingPatch::ResourceAccess {
                storage: to.to_string(),
                rule: ResourceAccessRuleDef {
                    resource_type: Spanned::new(ty.to_string()),
                    resource: Spanned::new(from.to_string()),
                    pos: crate::format::Pos::default(),
                },
            }),
        ));
    }
    // A deployment that cannot reach a workspace resource over the public network reaches it
    // over private endpoints once its outbound to public networks is disabled (S24).
    if let Some((ep, dep)) = f
        .from
        .strip_prefix("deployment:")
        .and_then(|p| p.split_once('/'))
        && let Some(ws) = d.services.iter().find(|s| {
            s.online_endpoints.iter().any(|e| {
                e.name == ep && e.deployments.iter().any(|(n, egress)| n == dep && *egress)
            })
        })
    {
        out.push((
            format!("set egress_public_network_access: disabled on deployment {ep}/{dep} (S24)"),
            Patch::Setting(SettingPatch::DeploymentEgressDisabled {
                workspace: ws.name.clone(),
                endpoint: ep.to_string(),
                deployment: dep.to_string(),
            }),
        ));
    }
    out
}
