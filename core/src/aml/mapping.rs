//! How each finding kind relates to what auditors already run: Azure Policy built-ins, PSRule
//! for Azure and checkov. Only ids confirmed in their sources are listed (docs/aml.md says how
//! each was checked); those tools check one resource's attributes, vnetlab checks the path.

use serde::Serialize;

/// A rule of another tool that covers the same concern.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Reference {
    /// `azure-policy`, `psrule` or `checkov`.
    pub tool: &'static str,
    /// The rule's id or, for Azure Policy, its built-in display name.
    pub id: &'static str,
}

const fn r(tool: &'static str, id: &'static str) -> Reference {
    Reference { tool, id }
}

/// The references of a finding kind about a resource of the given kind (`storage`,
/// `key_vault`, `compute_instance`, …, as written in the file; empty when the finding kind is
/// about one resource type only). A reference is listed only when the other tool's rule checks
/// the same type of resource as the finding: a key vault's exposure does not cite storage rules,
/// a jumpbox's does not cite an Azure ML compute rule.
pub fn references(finding: &str, resource: &str) -> Vec<Reference> {
    let compute = matches!(resource, "compute_instance" | "compute_cluster");
    match (finding, resource) {
        ("AML-PUBLIC-WORKSPACE", _) => vec![
            r(
                "azure-policy",
                "Azure Machine Learning Workspaces should disable public network access",
            ),
            r("psrule", "Azure.ML.PublicAccess"),
            r("checkov", "CKV_AZURE_144"),
        ],
        ("AML-PUBLIC-DEPENDENCY", "storage") => vec![
            r("psrule", "Azure.Storage.Firewall"),
            r("checkov", "CKV_AZURE_59"),
            r("checkov", "CKV_AZURE_35"),
        ],
        ("AML-PUBLIC-DEPENDENCY", "key_vault") => vec![r("checkov", "CKV_AZURE_189")],
        ("AML-PUBLIC-DEPENDENCY", "container_registry") => vec![r("checkov", "CKV_AZURE_139")],
        ("AML-INBOUND-INTERNET" | "AML-EXFILTRATION", _) if compute => {
            vec![r("psrule", "Azure.ML.ComputeVnet")]
        }
        ("AML-NSG-ANY-INBOUND", _) => vec![r("psrule", "Azure.NSG.AnyInboundSource")],
        // The PSRule and checkov ids below check an application gateway; none was verified
        // for a Front Door profile or API Management.
        ("AML-INGRESS-NO-WAF" | "AML-WAF-DETECTION", "front_door" | "api_management") => Vec::new(),
        ("AML-INGRESS-NO-WAF", _) => vec![
            r("psrule", "Azure.AppGw.UseWAF"),
            r("psrule", "Azure.AppGw.WAFEnabled"),
            r("checkov", "CKV_AZURE_120"),
        ],
        ("AML-WAF-DETECTION", _) => vec![
            r("psrule", "Azure.AppGw.Prevention"),
            r("psrule", "Azure.AppGwWAF.PreventionMode"),
        ],
        ("AML-AKS-PUBLIC-API", _) => vec![
            r("psrule", "Azure.AKS.AuthorizedIPs"),
            r("checkov", "CKV_AZURE_6"),
            r("checkov", "CKV_AZURE_115"),
        ],
        _ => Vec::new(),
    }
}
