//! Service tags (pinned decision P9): named address sets. Built in are small synthetic ranges
//! that keep Azure's hierarchy (regional tags inside global ones, every Azure tag inside
//! `AzureCloud`, `AzureCloud` inside `Internet`); Microsoft's published JSON can replace them.

mod published;

pub use published::ReadTags;

use crate::net::AddrSet;
use ipnet::Ipv4Net;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// The address of the Azure host: DNS, health probes, WireServer.
pub const AZURE_HOST_IP: Ipv4Addr = Ipv4Addr::new(168, 63, 129, 16);

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
    /// lower-case name → (canonical name, addresses)
    tags: BTreeMap<String, (String, AddrSet)>,
}

/// The regions the built-in ranges cover, in the order of their synthetic blocks.
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

/// Built-in tags: (name, second octet inside 20.0.0.0/8, regional?).
const BUILTIN: &[(&str, u8, bool)] = &[
    ("AzureActiveDirectory", 20, false),
    ("AzureResourceManager", 21, false),
    ("AzureFrontDoor.Frontend", 22, false),
    ("AzureFrontDoor.FirstParty", 23, false),
    ("AzureFrontDoor.Backend", 24, false),
    ("AzureMachineLearning", 40, true),
    ("BatchNodeManagement", 41, true),
    ("AzureMachineLearningInference", 42, false),
    ("Storage", 60, true),
    ("MicrosoftContainerRegistry", 61, true),
    ("AzureContainerRegistry", 62, true),
    ("AzureKeyVault", 63, true),
    ("AzureMonitor", 64, false),
    ("AzureCognitiveSearch", 65, true),
    ("CognitiveServicesManagement", 66, true),
    ("Sql", 67, true),
    ("AzureCosmosDB", 68, true),
    ("EventHub", 69, true),
];

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
    /// The built-in synthetic tags.
    pub fn builtin() -> Self {
        let mut tags = Self {
            source: TagSource::BuiltIn,
            tags: BTreeMap::new(),
        };
        let mut regional: BTreeMap<&str, Vec<Ipv4Net>> = BTreeMap::new();
        for &(name, octet, is_regional) in BUILTIN {
            tags.insert(name, AddrSet::from_net(net(20, octet, 0, 16)));
            if is_regional {
                for (i, region) in BUILTIN_REGIONS.iter().enumerate() {
                    let block = net(20, octet, (i as u8) * 16, 20);
                    tags.insert(&format!("{name}.{region}"), AddrSet::from_net(block));
                    regional.entry(region).or_default().push(block);
                }
            }
        }
        tags.insert("AzureCloud", AddrSet::from_net(net(20, 0, 0, 8)));
        for (region, blocks) in regional {
            tags.insert(&format!("AzureCloud.{region}"), AddrSet::from_nets(blocks));
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
        self.tags
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
