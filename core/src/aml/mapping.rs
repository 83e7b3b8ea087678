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

/// The references of a finding kind.
pub fn references(finding: &str) -> Vec<Reference> {
    match finding {
        "AML-PUBLIC-WORKSPACE" => vec![
            r(
                "azure-policy",
                "Azure Machine Learning Workspaces should disable public network access",
            ),
            r("psrule", "Azure.ML.PublicAccess"),
            r("checkov", "CKV_AZURE_144"),
        ],
        // One rule per kind of dependency: storage, key vault, container registry.
        "AML-PUBLIC-DEPENDENCY" => vec![
            r("psrule", "Azure.Storage.Firewall"),
            r("checkov", "CKV_AZURE_59"),
            r("checkov", "CKV_AZURE_35"),
            r("checkov", "CKV_AZURE_189"),
            r("checkov", "CKV_AZURE_139"),
        ],
        "AML-INBOUND-INTERNET" => vec![r("psrule", "Azure.ML.ComputeVnet")],
        "AML-EXFILTRATION" => vec![r("psrule", "Azure.ML.ComputeVnet")],
        "AML-NSG-ANY-INBOUND" => vec![r("psrule", "Azure.NSG.AnyInboundSource")],
        _ => Vec::new(),
    }
}
