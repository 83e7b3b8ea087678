//! Azure regions: the cross-region replication pairs Microsoft publishes, which decide how far a
//! `Microsoft.Storage` service endpoint reaches (P16).
//!
//! Source: Microsoft Learn, "Azure region pairs and nonpaired regions"
//! (<https://learn.microsoft.com/azure/reliability/regions-paired>, the table "Azure paired
//! regions", read 2026-12-02). Regions are ARM names (`eastus`). Most pairs are mutual; the
//! one-way pairs the table marks (Brazil South → South Central US, West US 3 → East US, West
//! India → South India, Brazil Southeast → Brazil South) are kept one-way. Sovereign clouds
//! (Azure Government, Azure operated by 21Vianet) are not listed; regions not listed here have
//! no pair.

/// (region, its paired region) as Microsoft's table lists them.
const PAIRS: &[(&str, &str)] = &[
    ("australiacentral", "australiacentral2"),
    ("australiacentral2", "australiacentral"),
    ("australiaeast", "australiasoutheast"),
    ("australiasoutheast", "australiaeast"),
    ("brazilsouth", "southcentralus"),
    ("brazilsoutheast", "brazilsouth"),
    ("canadacentral", "canadaeast"),
    ("canadaeast", "canadacentral"),
    ("centralindia", "southindia"),
    ("centralus", "eastus2"),
    ("eastasia", "southeastasia"),
    ("eastus", "westus"),
    ("eastus2", "centralus"),
    ("francecentral", "francesouth"),
    ("francesouth", "francecentral"),
    ("germanynorth", "germanywestcentral"),
    ("germanywestcentral", "germanynorth"),
    ("japaneast", "japanwest"),
    ("japanwest", "japaneast"),
    ("jioindiacentral", "jioindiawest"),
    ("jioindiawest", "jioindiacentral"),
    ("koreacentral", "koreasouth"),
    ("koreasouth", "koreacentral"),
    ("northcentralus", "southcentralus"),
    ("northeurope", "westeurope"),
    ("norwayeast", "norwaywest"),
    ("norwaywest", "norwayeast"),
    ("southafricanorth", "southafricawest"),
    ("southafricawest", "southafricanorth"),
    ("southcentralus", "northcentralus"),
    ("southeastasia", "eastasia"),
    ("southindia", "centralindia"),
    ("swedencentral", "swedensouth"),
    ("swedensouth", "swedencentral"),
    ("switzerlandnorth", "switzerlandwest"),
    ("switzerlandwest", "switzerlandnorth"),
    ("uaecentral", "uaenorth"),
    ("uaenorth", "uaecentral"),
    ("uksouth", "ukwest"),
    ("ukwest", "uksouth"),
    ("westcentralus", "westus2"),
    ("westeurope", "northeurope"),
    ("westindia", "southindia"),
    ("westus", "eastus"),
    ("westus2", "westcentralus"),
    ("westus3", "eastus"),
];

/// The region Microsoft pairs with `region` (case-insensitive ARM name), if it has one.
pub fn paired(region: &str) -> Option<&'static str> {
    let r = region.to_ascii_lowercase();
    PAIRS
        .binary_search_by(|(a, _)| (*a).cmp(r.as_str()))
        .ok()
        .map(|i| PAIRS[i].1)
}

/// Whether two region names are the same region (ARM names are case-insensitive).
pub fn same(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_names_each_region_once() {
        assert!(PAIRS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn pairs_are_mutual_except_the_one_way_ones_microsoft_marks() {
        let one_way = ["brazilsouth", "brazilsoutheast", "westindia", "westus3"];
        for (a, b) in PAIRS {
            let back = paired(b);
            assert!(
                back == Some(*a) || one_way.contains(a),
                "{a} → {b}, but {b} → {back:?}"
            );
        }
        assert_eq!(paired("EastUS"), Some("westus"));
        assert_eq!(paired("westus3"), Some("eastus"));
        assert_eq!(paired("italynorth"), None);
    }
}
