//! Service tags (pinned decision P9): named address sets. Built in are small synthetic ranges
//! that keep Azure's hierarchy (regional tags inside global ones, every Azure tag inside
//! `AzureCloud`, `AzureCloud` inside `Internet`); Microsoft's published JSON can replace them.

mod published;

pub use published::ReadTags;

use crate::net::AddrSet;
use ipnet::Ipv4Net;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::sync::Arc;

/// The address of the Azure host: DNS, health probes, WireServer.
pub const AZURE_HOST_IP: Ipv4Addr = Ipv4Addr::new(168, 63, 129, 16);

/// The instance metadata service's link-local address, reachable only from inside Azure.
pub const AZURE_METADATA_IP: Ipv4Addr = Ipv4Addr::new(169, 254, 169, 254);

/// The address vnetlab gives default outbound access (a documentation address, RFC 5737).
pub const DEFAULT_OUTBOUND_IP: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 254);

/// Where a set of service tags came from.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum TagSource {
    /// The built-in synthetic ranges.
    BuiltIn,
    /// A Microsoft service-tags file, by its `changeNumber` and `cloud`.
    Published {
        /// The file's change number.
        change_number: u64,
        /// The cloud it describes.
        cloud: String,
    },
}

impl std::fmt::Display for TagSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TagSource::BuiltIn => f.write_str("built-in synthetic service-tag ranges (not Microsoft's; load real ones with --service-tags)"),
            TagSource::Published { change_number, cloud } => {
                write!(f, "Microsoft service tags, cloud {cloud}, changeNumber {change_number}")
            }
        }
    }
}

/// A database of service tags, looked up case-insensitively.
#[derive(Clone, Debug)]
pub struct ServiceTags {
    source: TagSource,
    /// lower-case name → (canonical name, addresses); shared, as every design holds its tags.
    tags: Arc<BTreeMap<String, (String, AddrSet)>>,
}

/// The regions whose regional tags get a /20 in the built-in ranges, in the order of their
/// blocks; every other region gets a /24 (see [`ServiceTags::builtin`]).
pub const BUILTIN_REGIONS: [&str; 8] = [
    "eastus",
    "eastus2",
    "westus",
    "westus2",
    "centralus",
    "northeurope",
    "westeurope",
    "uksouth",
];

/// Every tag name of Microsoft's published file (P19), grouped by base name; the format is
/// described at the top of the file.
pub const PUBLISHED_NAMES: &str = include_str!("../data/service-tag-names.txt");

/// Tags with a fixed block: (name, second octet inside 20.0.0.0/8). Other names take the free
/// octets in name order, so these blocks stay where answers already cite them.
const FIXED: &[(&str, u8)] = &[
    ("AzureActiveDirectory", 20),
    ("AzureResourceManager", 21),
    ("AzureFrontDoor.Frontend", 22),
    ("AzureFrontDoor.FirstParty", 23),
    ("AzureFrontDoor.Backend", 24),
    ("AzureMachineLearning", 40),
    ("BatchNodeManagement", 41),
    ("AzureMachineLearningInference", 42),
    ("Storage", 60),
    ("MicrosoftContainerRegistry", 61),
    ("AzureContainerRegistry", 62),
    ("AzureKeyVault", 63),
    ("AzureMonitor", 64),
    ("AzureCognitiveSearch", 65),
    ("CognitiveServicesManagement", 66),
    ("Sql", 67),
    ("AzureCosmosDB", 68),
    ("EventHub", 69),
];

/// The second octet of `AzureCloud.<region>` blocks for regions no regional tag covers.
const LONE_REGION_OCTET: u8 = 1;

/// One line of [`PUBLISHED_NAMES`]: a base name, whether it is a tag itself, and the suffixes
/// of its dotted forms.
pub struct NameGroup<'a> {
    /// The base name (`Storage`).
    pub base: &'a str,
    /// Whether the base itself is a tag (`AzureFrontDoor` is not).
    pub is_tag: bool,
    /// The suffixes of its dotted forms (`EastUS`, `Core`).
    pub suffixes: Vec<&'a str>,
}

/// The published names: the region aliases of the `@` line (suffix → region) and the groups.
pub fn published_names() -> (BTreeMap<String, String>, Vec<NameGroup<'static>>) {
    let mut aliases = BTreeMap::new();
    let mut groups = Vec::new();
    for line in PUBLISHED_NAMES.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut words = line.split_whitespace();
        let head = words.next().expect("a non-empty line has a word");
        if head == "@" {
            for w in words {
                let (suffix, region) = w.split_once('=').expect("`@` entries are SUFFIX=region");
                aliases.insert(suffix.to_ascii_lowercase(), region.to_string());
            }
            continue;
        }
        let (base, is_tag) = match head.strip_prefix('(').and_then(|h| h.strip_suffix(')')) {
            Some(b) => (b, false),
            None => (head, true),
        };
        groups.push(NameGroup {
            base,
            is_tag,
            suffixes: words.collect(),
        });
    }
    (aliases, groups)
}

fn net(a: u8, b: u8, c: u8, len: u8) -> Ipv4Net {
    Ipv4Net::new(Ipv4Addr::new(a, b, c, 0), len).expect("valid prefix")
}

/// Addresses that are never on the public internet.
pub fn non_public() -> AddrSet {
    AddrSet::from_nets(
        [
            "0.0.0.0/8",
            "10.0.0.0/8",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "224.0.0.0/4",
            "240.0.0.0/4",
        ]
        .iter()
        .map(|s| s.parse().expect("valid prefix")),
    )
}

impl ServiceTags {
    /// Whether two databases hold the same tags with the same addresses (a shared table
    /// compares by pointer).
    pub fn same_as(&self, other: &ServiceTags) -> bool {
        self.source == other.source
            && (Arc::ptr_eq(&self.tags, &other.tags) || self.tags == other.tags)
    }

    /// The built-in synthetic tags: every name of Microsoft's published file (P19), each with a
    /// synthetic block in Azure's hierarchy (P9). A base tag is a /16 of 20.0.0.0/8
    /// (`AzureCloud`); its regional forms are a /20 (the [`BUILTIN_REGIONS`]) or a /24 inside it;
    /// its other parts (`AzureMonitor.Core`) a /24 at the top of it; `AzureCloud.<region>` is
    /// the union of the region's blocks.
    pub fn builtin() -> Self {
        // A pure function of the checked-in names, worked out once: every design holds its
        // tags, and the table of 2,601 names is not free to build (an immutable memo, not state
        // an answer depends on).
        static BUILTIN: std::sync::OnceLock<ServiceTags> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(Self::build_builtin).clone()
    }

    fn build_builtin() -> Self {
        let mut tags = Self {
            source: TagSource::BuiltIn,
            tags: Arc::default(),
        };
        let (aliases, groups) = published_names();
        let cloud: Vec<String> = groups
            .iter()
            .find(|g| g.base == "AzureCloud")
            .map(|g| g.suffixes.iter().map(|s| s.to_ascii_lowercase()).collect())
            .unwrap_or_default();
        let region_of = |suffix: &str| -> Option<String> {
            let key = suffix.to_ascii_lowercase();
            aliases
                .get(&key)
                .cloned()
                .or_else(|| cloud.contains(&key).then_some(key))
        };
        // Regional suffixes outside BUILTIN_REGIONS, in one order for every tag.
        let mut others: Vec<String> = groups
            .iter()
            .filter(|g| g.base != "AzureCloud")
            .flat_map(|g| g.suffixes.iter())
            .filter(|s| region_of(s).is_some())
            .map(|s| s.to_ascii_lowercase())
            .filter(|k| !BUILTIN_REGIONS.contains(&k.as_str()))
            .collect();
        others.sort();
        others.dedup();
        let fixed = |name: &str| {
            FIXED
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|&(_, o)| o)
        };
        let mut free = (2..=255u8).filter(|o| !FIXED.iter().any(|&(_, f)| f == *o));
        let mut by_region: BTreeMap<String, Vec<Ipv4Net>> = BTreeMap::new();
        for g in groups.iter().filter(|g| g.base != "AzureCloud") {
            let needs_own = g.is_tag
                || g.suffixes
                    .iter()
                    .any(|s| fixed(&format!("{}.{s}", g.base)).is_none());
            let octet = match fixed(g.base) {
                Some(o) => Some(o),
                None if needs_own => Some(free.next().expect("fewer tags than octets")),
                None => None,
            };
            if let (Some(o), true) = (octet, g.is_tag) {
                tags.insert(g.base, AddrSet::from_net(net(20, o, 0, 16)));
            }
            let mut parts = 0u8;
            for suffix in &g.suffixes {
                let name = format!("{}.{suffix}", g.base);
                if let Some(o) = fixed(&name) {
                    tags.insert(&name, AddrSet::from_net(net(20, o, 0, 16)));
                    continue;
                }
                let o = octet.expect("a base with parts of its own has a block");
                let key = suffix.to_ascii_lowercase();
                let block = match region_of(suffix) {
                    Some(region) => {
                        let block = match BUILTIN_REGIONS.iter().position(|r| *r == key) {
                            Some(i) => net(20, o, (i as u8) * 16, 20),
                            None => {
                                let j = others.binary_search(&key).expect("collected above");
                                net(20, o, 128 + j as u8, 24)
                            }
                        };
                        by_region.entry(region).or_default().push(block);
                        block
                    }
                    None => {
                        parts += 1;
                        net(20, o, 255 - (parts - 1), 24)
                    }
                };
                tags.insert(&name, AddrSet::from_net(block));
            }
        }
        tags.insert("AzureCloud", AddrSet::from_net(net(20, 0, 0, 8)));
        if let Some(g) = groups.iter().find(|g| g.base == "AzureCloud") {
            for (i, suffix) in g.suffixes.iter().enumerate() {
                let blocks = by_region
                    .remove(&suffix.to_ascii_lowercase())
                    .unwrap_or_else(|| vec![net(20, LONE_REGION_OCTET, i as u8, 24)]);
                tags.insert(&format!("AzureCloud.{suffix}"), AddrSet::from_nets(blocks));
            }
        }
        tags.add_fixed();
        tags
    }

    /// Reads Microsoft's published service-tags JSON; `Err` with the first error when it has
    /// any (see [`ServiceTags::read_published`] for every diagnostic, located).
    pub fn from_published_json(text: &str) -> Result<Self, String> {
        let read = Self::read_published("service tags", text);
        match read.tags {
            Some(t) => Ok(t),
            None => Err(read
                .diagnostics
                .iter()
                .find(|d| d.severity == crate::diag::Severity::Error)
                .map_or_else(
                    || "not a service-tags file".to_string(),
                    |d| format!("{}:{}: {}", d.span.line, d.span.col, d.message),
                )),
        }
    }

    fn add_fixed(&mut self) {
        let host = AddrSet::from_addr(AZURE_HOST_IP);
        self.insert("Internet", non_public().complement());
        for name in ["AzureLoadBalancer", "AzurePlatformDNS", "AzurePlatformLKM"] {
            self.insert(name, host.clone());
        }
        self.insert(
            "AzurePlatformIMDS",
            AddrSet::from_addr(Ipv4Addr::new(169, 254, 169, 254)),
        );
    }

    fn insert(&mut self, name: &str, set: AddrSet) {
        Arc::make_mut(&mut self.tags)
            .entry(name.to_ascii_lowercase())
            .or_insert_with(|| (name.to_string(), set));
    }

    /// Where these tags came from.
    pub fn source(&self) -> &TagSource {
        &self.source
    }

    /// The addresses of a tag (case-insensitive); `None` when unknown. `VirtualNetwork` is not
    /// here: it depends on the VNet and is resolved by the model.
    pub fn get(&self, name: &str) -> Option<&AddrSet> {
        self.tags.get(&name.to_ascii_lowercase()).map(|(_, s)| s)
    }

    /// The canonical spelling of a tag.
    pub fn canonical(&self, name: &str) -> Option<&str> {
        self.tags
            .get(&name.to_ascii_lowercase())
            .map(|(n, _)| n.as_str())
    }

    /// The tag's regional subset when it exists, else the tag itself.
    pub fn regional(&self, name: &str, region: &str) -> Option<&AddrSet> {
        self.get(&format!("{name}.{region}"))
            .or_else(|| self.get(name))
    }

    /// All tag names, sorted case-insensitively.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.tags.values().map(|(n, _)| n.as_str())
    }

    /// The most specific tags containing `ip` (smallest first), for explanations.
    pub fn tags_containing(&self, ip: Ipv4Addr) -> Vec<&str> {
        let mut v: Vec<(&str, u64)> = self
            .tags
            .values()
            .filter(|(_, s)| s.contains(ip))
            .map(|(n, s)| (n.as_str(), s.len()))
            .collect();
        v.sort_by_key(|&(n, len)| (len, n));
        v.into_iter().map(|(n, _)| n).collect()
    }
}

/// The service tag behind a service endpoint name such as `Microsoft.Storage`.
pub fn service_endpoint_tag(endpoint: &str) -> Option<&'static str> {
    Some(match endpoint.to_ascii_lowercase().as_str() {
        "microsoft.storage" | "microsoft.storage.global" => "Storage",
        "microsoft.keyvault" => "AzureKeyVault",
        "microsoft.containerregistry" => "AzureContainerRegistry",
        "microsoft.sql" => "Sql",
        "microsoft.azurecosmosdb" => "AzureCosmosDB",
        "microsoft.cognitiveservices" => "CognitiveServicesManagement",
        "microsoft.eventhub" => "EventHub",
        _ => return None,
    })
}

/// Every service endpoint name vnetlab knows.
pub const SERVICE_ENDPOINTS: [&str; 8] = [
    "Microsoft.Storage",
    "Microsoft.Storage.Global",
    "Microsoft.KeyVault",
    "Microsoft.ContainerRegistry",
    "Microsoft.Sql",
    "Microsoft.AzureCosmosDB",
    "Microsoft.CognitiveServices",
    "Microsoft.EventHub",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// Every published name is known, in Azure's hierarchy: a regional or partial form inside
    /// its base, a regional form inside `AzureCloud.<region>`, everything inside `AzureCloud`,
    /// and different base tags apart.
    #[test]
    fn every_published_name_is_built_in_in_the_hierarchy() {
        let t = ServiceTags::builtin();
        let (aliases, groups) = published_names();
        let cloud = t.get("AzureCloud").unwrap();
        let mut count = 0;
        let mut bases: Vec<(&str, &AddrSet)> = Vec::new();
        for g in &groups {
            if g.is_tag {
                let set = t
                    .get(g.base)
                    .unwrap_or_else(|| panic!("{} unknown", g.base));
                assert!(!set.is_empty() && cloud.contains_set(set), "{}", g.base);
                if g.base != "AzureCloud" {
                    bases.push((g.base, set));
                }
                count += 1;
            }
            for s in &g.suffixes {
                let name = format!("{}.{s}", g.base);
                let set = t.get(&name).unwrap_or_else(|| panic!("{name} unknown"));
                assert!(!set.is_empty() && cloud.contains_set(set), "{name}");
                assert_eq!(t.canonical(&name), Some(name.as_str()));
                if let Some(base) = t.get(g.base) {
                    assert!(base.contains_set(set), "{name} is outside {}", g.base);
                }
                let region = aliases
                    .get(&s.to_ascii_lowercase())
                    .cloned()
                    .unwrap_or(s.to_ascii_lowercase());
                if g.base != "AzureCloud"
                    && let Some(r) = t.get(&format!("AzureCloud.{region}"))
                {
                    assert!(r.contains_set(set), "{name} is outside AzureCloud.{region}");
                }
                count += 1;
            }
        }
        assert_eq!(count, 2601, "the file's 2,601 names");
        for (i, (a, x)) in bases.iter().enumerate() {
            for (b, y) in &bases[i + 1..] {
                assert!(!x.intersects(y), "{a} and {b} overlap");
            }
        }
        assert!(t.get("Internet").unwrap().contains_set(cloud));
        assert!(t.get("GatewayManager").is_some() && t.get("AzureMonitor.Core").is_some());
    }

    #[test]
    fn builtin_keeps_the_hierarchy() {
        let t = ServiceTags::builtin();
        let regional = t.get("Storage.EastUS").unwrap();
        assert!(t.get("storage").unwrap().contains_set(regional));
        assert!(
            t.get("AzureCloud")
                .unwrap()
                .contains_set(t.get("Storage").unwrap())
        );
        assert!(
            t.get("Internet")
                .unwrap()
                .contains_set(t.get("AzureCloud").unwrap())
        );
        assert!(
            !t.get("Storage")
                .unwrap()
                .intersects(t.get("AzureKeyVault").unwrap())
        );
    }
}
