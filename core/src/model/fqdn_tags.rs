//! Azure Firewall FQDN tags (docs/semantics.md S20): the tag names Microsoft lists in "FQDN tags
//! overview" (learn.microsoft.com/azure/firewall/fqdn-tags) and, for the tags whose names
//! Microsoft publishes, the FQDNs they stand for. "You can't create your own FQDN tags, nor can
//! you specify which FQDNs are included within a tag": a tag whose list Microsoft does not
//! publish matches no name here (a wrong "allowed" is worse than none), and the loader says so.

/// One FQDN tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FqdnTag {
    /// The name as Azure spells it (`AzureKubernetesService`).
    pub name: &'static str,
    /// The FQDNs it stands for, where Microsoft publishes them: exact names, `*.` wildcards
    /// (one or more labels) and `<region>` (one label). Empty: not published.
    pub fqdns: &'static [&'static str],
    /// Where the list comes from.
    pub source: &'static str,
}

const OVERVIEW: &str = "https://learn.microsoft.com/azure/firewall/fqdn-tags";

/// Every FQDN tag of Microsoft's table, in name order.
pub const TAGS: &[FqdnTag] = &[
    FqdnTag {
        name: "AppServiceEnvironment",
        fqdns: &[],
        source: OVERVIEW,
    },
    FqdnTag {
        name: "AzureBackup",
        fqdns: &[],
        source: OVERVIEW,
    },
    FqdnTag {
        name: "AzureHDInsight",
        fqdns: &[],
        source: OVERVIEW,
    },
    // "The FQDN tag contains all the FQDNs listed in outbound network and FQDN rules for AKS
    // clusters": the Azure Global required FQDN / application rules of that article.
    FqdnTag {
        name: "AzureKubernetesService",
        fqdns: &[
            "*.hcp.<region>.azmk8s.io",
            "mcr.microsoft.com",
            "*.data.mcr.microsoft.com",
            "management.azure.com",
            "login.microsoftonline.com",
            "packages.microsoft.com",
            "acs-mirror.azureedge.net",
        ],
        source: "https://learn.microsoft.com/azure/aks/outbound-rules-control-egress",
    },
    FqdnTag {
        name: "citrixHdxPlusForWindows365",
        fqdns: &[],
        source: OVERVIEW,
    },
    FqdnTag {
        name: "MicrosoftActiveProtectionService",
        fqdns: &[],
        source: OVERVIEW,
    },
    FqdnTag {
        name: "MicrosoftIntune",
        fqdns: &[],
        source: OVERVIEW,
    },
    FqdnTag {
        name: "Windows365",
        fqdns: &[],
        source: OVERVIEW,
    },
    FqdnTag {
        name: "WindowsDiagnostics",
        fqdns: &[],
        source: OVERVIEW,
    },
    // "Allow outbound access to Microsoft Update as described in How to Configure a Firewall
    // for Software Updates": the domains that article lists.
    FqdnTag {
        name: "WindowsUpdate",
        fqdns: &[
            "windowsupdate.microsoft.com",
            "*.windowsupdate.microsoft.com",
            "*.update.microsoft.com",
            "*.windowsupdate.com",
            "download.windowsupdate.com",
            "download.microsoft.com",
            "*.download.windowsupdate.com",
            "wustat.windows.com",
            "ntservicepack.microsoft.com",
        ],
        source: "https://learn.microsoft.com/mem/configmgr/sum/get-started/install-a-software-update-point",
    },
    FqdnTag {
        name: "WindowsVirtualDesktop",
        fqdns: &[],
        source: OVERVIEW,
    },
];

/// The tag of that name (Azure compares tag names without regard to case).
pub fn lookup(name: &str) -> Option<&'static FqdnTag> {
    TAGS.iter()
        .find(|t| t.name.eq_ignore_ascii_case(name.trim()))
}

impl FqdnTag {
    /// Whether the tag stands for this name.
    pub fn matches(&self, name: &str) -> bool {
        self.fqdns.iter().any(|p| pattern_matches(p, name))
    }
}

/// A tag pattern against a name, label by label: a leading `*` stands for one or more labels,
/// `<region>` for exactly one.
fn pattern_matches(pattern: &str, name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let p: Vec<&str> = pattern.split('.').collect();
    let n: Vec<&str> = name.split('.').collect();
    let (fixed, wild) = match p.first() {
        Some(&"*") => (&p[1..], true),
        _ => (&p[..], false),
    };
    if n.len() < fixed.len()
        || (!wild && n.len() != fixed.len())
        || (wild && n.len() == fixed.len())
    {
        return false;
    }
    let tail = &n[n.len() - fixed.len()..];
    fixed
        .iter()
        .zip(tail)
        .all(|(p, l)| (*p == "<region>" && !l.is_empty()) || p == l)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_match_the_names_microsoft_lists() {
        let aks = lookup("azurekubernetesservice").expect("known");
        assert!(aks.matches("mcr.microsoft.com"));
        assert!(aks.matches("eastus.data.mcr.microsoft.com"));
        assert!(aks.matches("mycluster-abc.hcp.westeurope.azmk8s.io"));
        assert!(!aks.matches("hcp.westeurope.azmk8s.io"));
        assert!(!aks.matches("evil.example.com"));
        assert!(!aks.matches("data.mcr.microsoft.com"));
        let wu = lookup("WindowsUpdate").expect("known");
        assert!(wu.matches("fe2.update.microsoft.com"));
        assert!(wu.matches("download.windowsupdate.com"));
        assert!(!wu.matches("update.microsoft.com.evil.net"));
        assert!(!lookup("WindowsDiagnostics").expect("known").matches("a.b"));
        assert!(lookup("NoSuchTag").is_none());
    }
}
