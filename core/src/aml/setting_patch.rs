//! Fixes that change a service or workload setting (issue #22, S22–S25): a storage account's
//! resource instance rule for its workspace, a workspace's image build compute, a compute's SSH
//! public access turned off.

use super::flows::RequiredFlow;
use super::patch::Patch;
use crate::format::{ResourceAccessRuleDef, Spanned, Toggle, TopologyFile};
use crate::model::{Design, catalog};

/// A setting a fix changes.
#[derive(Clone, Debug)]
pub enum SettingPatch {
    /// Add a resource instance rule to a storage account.
    ResourceAccess {
        /// The storage account.
        storage: String,
        /// The rule.
        rule: ResourceAccessRuleDef,
    },
    /// Set a workspace's image build compute.
    ImageBuildCompute {
        /// The workspace.
        workspace: String,
        /// The compute cluster.
        compute: String,
    },
    /// Turn a compute's SSH public access off.
    SshDisabled {
        /// The compute.
        workload: String,
    },
    /// Turn a managed online deployment's outbound to public networks off.
    DeploymentEgressDisabled {
        /// The workspace.
        workspace: String,
        /// The endpoint.
        endpoint: String,
        /// The deployment.
        deployment: String,
    },
}

impl SettingPatch {
    /// Applies the change to a file.
    pub fn apply(&self, file: &mut TopologyFile) -> Result<(), String> {
        match self {
            SettingPatch::ResourceAccess { storage, rule } => file
                .services
                .get_mut(storage)
                .ok_or_else(|| format!("no service {storage}"))?
                .resource_access_rules
                .push(rule.clone()),
            SettingPatch::ImageBuildCompute { workspace, compute } => {
                file.services
                    .get_mut(workspace)
                    .ok_or_else(|| format!("no service {workspace}"))?
                    .image_build_compute = Some(Spanned::new(compute.clone()));
            }
            SettingPatch::DeploymentEgressDisabled {
                workspace,
                endpoint,
                deployment,
            } => {
                file.services
                    .get_mut(workspace)
                    .and_then(|w| w.online_endpoints.get_mut(endpoint))
                    .and_then(|e| e.deployments.get_mut(deployment))
                    .ok_or_else(|| format!("no deployment {endpoint}/{deployment} in {workspace}"))?
                    .egress_public_network_access = Some(Toggle::Disabled);
            }
            SettingPatch::SshDisabled { workload } => {
                file.workloads
                    .get_mut(workload)
                    .ok_or_else(|| format!("no workload {workload}"))?
                    .ssh_public_access = Some(Toggle::Disabled);
            }
        }
        Ok(())
    }
}

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
