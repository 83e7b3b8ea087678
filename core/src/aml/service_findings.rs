//! Findings about the service-level settings of issue #22: a compute's SSH open to the internet
//! (AML-SSH-PUBLIC, S23) and a private registry with no image build compute
//! (AML-IMAGE-BUILD-COMPUTE, S25).

use super::Severity;
use super::findings::{Finding, finding, trace, with_witness};
use crate::format::{ServiceKind, WorkloadKind};
use crate::model::Design;
use crate::net::Protocol;

/// Both findings, in a stable order.
pub(super) fn all(d: &Design, v: &mut Vec<Finding>) {
    ssh_public(d, v);
    image_build_compute(d, v);
}

/// AML-SSH-PUBLIC: a compute with SSH public access whose port 22 the internet reaches (the
/// witness trace): the NSG Azure ML creates opens it to any source. Disabling SSH public access
/// closes it ("Disabled - Indicates that the public ssh port is closed").
fn ssh_public(d: &Design, v: &mut Vec<Finding>) {
    for w in d.workloads.iter().filter(|w| w.ssh_public) {
        let Some(t) =
            trace(d, "internet", &w.name, Protocol::Tcp, 22).filter(|t| t.verdict.allowed())
        else {
            continue;
        };
        v.push(with_witness(
            finding(
                "AML-SSH-PUBLIC",
                Severity::High,
                format!("SSH (TCP 22) on {} {} is open to the internet", w.kind, w.name),
                vec![w.name.clone()],
                &format!(
                    "set ssh_public_access: disabled on {} and reach it from inside the network (a jumpbox or Azure Bastion)",
                    w.name
                ),
            ),
            t,
        ));
    }
}

/// Whether a registry is behind the network: public access disabled, or public access limited
/// to its network rules (default action deny).
fn registry_private(d: &Design, ws: &crate::model::Service) -> Option<String> {
    let r = &d.services[ws.container_registry?.ix()];
    (!r.public_network_access || !r.default_allow).then(|| r.name.clone())
}

/// AML-IMAGE-BUILD-COMPUTE: "If your Azure Container Registry is behind the virtual network,
/// Azure Machine Learning can't use it to directly build Docker images. Instead, configure the
/// workspace to use a compute cluster to build images" — a workspace whose registry is private
/// and that names no image build compute.
fn image_build_compute(d: &Design, v: &mut Vec<Finding>) {
    for (i, ws) in d.services.iter().enumerate() {
        // An AI Foundry project builds its images as its hub is configured (A1: a project shares
        // its hub's network and registry).
        let hub_sets = ws
            .hub
            .is_some_and(|h| d.services[h.ix()].image_build_compute.is_some());
        if ws.kind != ServiceKind::MlWorkspace || ws.image_build_compute.is_some() || hub_sets {
            continue;
        }
        // A managed virtual network builds images on serverless compute inside it when no
        // compute is named ("How to use a managed network": image builds with a private
        // registry).
        if ws
            .managed_network
            .as_ref()
            .is_some_and(|m| m.isolation != crate::format::Isolation::Disabled)
        {
            continue;
        }
        let Some(registry) = registry_private(d, ws) else {
            continue;
        };
        let cluster = d.workloads.iter().find(|w| {
            w.kind == WorkloadKind::ComputeCluster
                && w.workspace == Some(crate::model::ServiceId(i as u32))
        });
        let fix = match cluster {
            Some(c) => format!(
                "set image_build_compute: {} on workspace {} (a compute cluster of the workspace builds the images)",
                c.name, ws.name
            ),
            None => format!(
                "add a compute cluster to workspace {} in the VNet and name it in image_build_compute",
                ws.name
            ),
        };
        v.push(finding(
            "AML-IMAGE-BUILD-COMPUTE",
            Severity::Medium,
            format!(
                "workspace {} cannot build Docker images: its registry {registry} is behind the network and no image build compute is set",
                ws.name
            ),
            vec![ws.name.clone(), registry],
            &fix,
        ));
    }
}
