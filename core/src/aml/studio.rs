//! Microsoft's documented limits of Azure ML studio and ML-assisted data labeling with storage
//! behind a virtual network (issue #15 point 1): informational findings, reported only when the
//! design says the workspace uses them (`studio`, `ml_assisted_labeling`; semantics A4).

use super::Severity;
use super::findings::{Finding, finding};
use crate::format::ServiceKind;
use crate::model::{Design, ServiceId};

/// Whether a storage account is behind a virtual network: public access disabled, or its
/// firewall denying by default (reachable through private endpoints, service endpoints or IP
/// rules only).
fn behind_vnet(d: &Design, s: ServiceId) -> bool {
    let s = &d.services[s.ix()];
    !s.public_network_access || !s.default_allow
}

/// AML-STUDIO-STORAGE-VNET and AML-LABELING-DEFAULT-STORAGE.
pub(super) fn all(d: &Design, v: &mut Vec<Finding>) {
    for ws in d
        .services
        .iter()
        .filter(|s| s.kind == ServiceKind::MlWorkspace)
    {
        let Some(st) = ws.storage.filter(|st| behind_vnet(d, *st)) else {
            continue;
        };
        let store = &d.services[st.ix()];
        if ws.studio {
            let mut remediation = format!(
                "grant the workspace's managed identity ({}) the Reader role on each private endpoint of {} and use managed identity authentication for its datastores; open the studio from inside the VNet (allow outbound AzureFrontDoor.Frontend)",
                ws.name, store.name
            );
            if !store.ip_rules.is_empty() {
                remediation.push_str(&format!(
                    "; the IP firewall rules of {} are not supported by the studio (use the SDK or CLI, or reach it over the VNet)",
                    store.name
                ));
            }
            v.push(finding(
                "AML-STUDIO-STORAGE-VNET",
                Severity::Info,
                format!(
                    "studio features of workspace {} (data preview, designer, AutoML, labeling) are disabled until its managed identity can read storage {}, which is behind a virtual network",
                    ws.name, store.name
                ),
                vec![store.name.clone(), ws.name.clone()],
                &remediation,
            ));
        }
        let labeling = ws.labeling_storage.unwrap_or(st);
        if ws.ml_assisted_labeling && labeling == st {
            v.push(finding(
                "AML-LABELING-DEFAULT-STORAGE",
                Severity::Info,
                format!(
                    "ML-assisted data labeling of workspace {} uses its default storage {}, which is behind a virtual network: Microsoft does not support this",
                    ws.name, store.name
                ),
                vec![store.name.clone(), ws.name.clone()],
                "keep the labeling data in a non-default storage account (`labeling_storage`), which may itself be behind the virtual network",
            ));
        }
    }
}
