//! What Azure fixes per service kind: subresources (private-link group ids), the public FQDNs of
//! each with the `privatelink` name public DNS points them to once a private endpoint exists, and
//! the service tag of the public endpoint (azure-semantics C2, C3, WE-DNS-3).

use crate::format::ServiceKind;

/// One subresource of a service kind.
#[derive(Clone, Copy, Debug)]
pub struct Subresource {
    /// Group id, e.g. `blob`.
    pub group: &'static str,
    /// (public FQDN, privatelink FQDN) templates: `{name}` and `{region}` are replaced, and a
    /// leading `*` stands for any one label, carried over to the privatelink name. The first pair
    /// is the subresource's main name.
    pub names: &'static [(&'static str, &'static str)],
}

impl Subresource {
    /// The private DNS zones this subresource's private endpoint registers in.
    pub fn zones(&self) -> Vec<&'static str> {
        let mut v: Vec<&'static str> = self.names.iter().map(|(_, p)| zone_of(p)).collect();
        v.dedup();
        v
    }
}

/// The zone part of a privatelink name: from `privatelink.` on.
pub fn zone_of(privatelink_name: &str) -> &str {
    privatelink_name
        .find("privatelink.")
        .map(|i| &privatelink_name[i..])
        .unwrap_or(privatelink_name)
}

macro_rules! s {
    ($group:expr, $names:expr $(,)?) => {
        Subresource {
            group: $group,
            names: $names,
        }
    };
}

/// The subresources of a service kind (the first is the default).
pub fn subresources(kind: ServiceKind) -> &'static [Subresource] {
    use ServiceKind::*;
    match kind {
        Storage => &[
            s!(
                "blob",
                &[(
                    "{name}.blob.core.windows.net",
                    "{name}.privatelink.blob.core.windows.net"
                )]
            ),
            s!(
                "file",
                &[(
                    "{name}.file.core.windows.net",
                    "{name}.privatelink.file.core.windows.net"
                )]
            ),
            s!(
                "queue",
                &[(
                    "{name}.queue.core.windows.net",
                    "{name}.privatelink.queue.core.windows.net"
                )]
            ),
            s!(
                "table",
                &[(
                    "{name}.table.core.windows.net",
                    "{name}.privatelink.table.core.windows.net"
                )]
            ),
            s!(
                "dfs",
                &[(
                    "{name}.dfs.core.windows.net",
                    "{name}.privatelink.dfs.core.windows.net"
                )]
            ),
        ],
        KeyVault => &[s!(
            "vault",
            &[(
                "{name}.vault.azure.net",
                "{name}.privatelink.vaultcore.azure.net"
            )]
        )],
        ContainerRegistry => &[s!(
            "registry",
            &[
                ("{name}.azurecr.io", "{name}.privatelink.azurecr.io"),
                (
                    "{name}.{region}.data.azurecr.io",
                    "{name}.{region}.data.privatelink.azurecr.io"
                ),
            ],
        )],
        MlWorkspace => &[s!(
            "amlworkspace",
            &[
                (
                    "{name}.workspace.{region}.api.azureml.ms",
                    "{name}.workspace.{region}.privatelink.api.azureml.ms"
                ),
                (
                    "{name}.workspace.{region}.cert.api.azureml.ms",
                    "{name}.workspace.{region}.cert.privatelink.api.azureml.ms",
                ),
                (
                    "ml-{name}-{region}.{region}.notebooks.azure.net",
                    "ml-{name}-{region}.{region}.privatelink.notebooks.azure.net",
                ),
                (
                    "*.{region}.inference.ml.azure.com",
                    "*.{name}.inference.{region}.privatelink.api.azureml.ms"
                ),
            ],
        )],
        MlRegistry => &[s!(
            "amlregistry",
            &[(
                "{name}.{region}.api.azureml.ms",
                "{name}.{region}.privatelink.api.azureml.ms"
            )]
        )],
        AiServices => &[s!(
            "account",
            &[
                (
                    "{name}.cognitiveservices.azure.com",
                    "{name}.privatelink.cognitiveservices.azure.com"
                ),
                (
                    "{name}.openai.azure.com",
                    "{name}.privatelink.openai.azure.com"
                ),
                (
                    "{name}.services.ai.azure.com",
                    "{name}.privatelink.services.ai.azure.com"
                ),
            ],
        )],
        AiSearch => &[s!(
            "searchService",
            &[(
                "{name}.search.windows.net",
                "{name}.privatelink.search.windows.net"
            )]
        )],
        AppInsights => &[s!(
            "azuremonitor",
            &[(
                "{name}.applicationinsights.azure.com",
                "{name}.privatelink.monitor.azure.com"
            )],
        )],
        Sql => &[s!(
            "sqlServer",
            &[(
                "{name}.database.windows.net",
                "{name}.privatelink.database.windows.net"
            )]
        )],
        CosmosDb => &[s!(
            "Sql",
            &[(
                "{name}.documents.azure.com",
                "{name}.privatelink.documents.azure.com"
            )]
        )],
    }
}

/// Finds a subresource by group id (case-insensitive).
pub fn subresource(kind: ServiceKind, group: &str) -> Option<&'static Subresource> {
    subresources(kind)
        .iter()
        .find(|s| s.group.eq_ignore_ascii_case(group))
}

/// The service tag of the kind's public endpoint.
pub fn public_tag(kind: ServiceKind) -> &'static str {
    use ServiceKind::*;
    match kind {
        Storage => "Storage",
        KeyVault => "AzureKeyVault",
        ContainerRegistry => "AzureContainerRegistry",
        MlWorkspace | MlRegistry => "AzureMachineLearning",
        AiServices => "CognitiveServicesManagement",
        AiSearch => "AzureCognitiveSearch",
        AppInsights => "AzureMonitor",
        Sql => "Sql",
        CosmosDb => "AzureCosmosDB",
    }
}

/// The Azure resource type of a service kind (resource instance rules name it, S22).
pub fn resource_type(kind: ServiceKind) -> &'static str {
    use ServiceKind::*;
    match kind {
        Storage => "Microsoft.Storage/storageAccounts",
        KeyVault => "Microsoft.KeyVault/vaults",
        ContainerRegistry => "Microsoft.ContainerRegistry/registries",
        MlWorkspace => "Microsoft.MachineLearningServices/workspaces",
        MlRegistry => "Microsoft.MachineLearningServices/registries",
        AiServices => "Microsoft.CognitiveServices/accounts",
        AiSearch => "Microsoft.Search/searchServices",
        AppInsights => "Microsoft.Insights/components",
        Sql => "Microsoft.Sql/servers",
        CosmosDb => "Microsoft.DocumentDB/databaseAccounts",
    }
}

/// The service endpoint that carries traffic to this kind's public endpoint.
pub fn service_endpoint(kind: ServiceKind) -> Option<&'static str> {
    use ServiceKind::*;
    match kind {
        Storage => Some("Microsoft.Storage"),
        KeyVault => Some("Microsoft.KeyVault"),
        ContainerRegistry => Some("Microsoft.ContainerRegistry"),
        Sql => Some("Microsoft.Sql"),
        CosmosDb => Some("Microsoft.AzureCosmosDB"),
        AiServices => Some("Microsoft.CognitiveServices"),
        _ => None,
    }
}

/// Fills a name template.
pub fn fill(template: &str, name: &str, region: &str) -> String {
    template
        .replace("{name}", name)
        .replace("{region}", region)
        .to_ascii_lowercase()
}

/// [`match_template`] of the template filled with `name` and `region` ([`fill`]), without
/// building the filled name: the DNS resolver asks it of every service for every name it
/// resolves.
pub fn match_filled<'a>(
    template: &str,
    name: &str,
    region: &str,
    fqdn: &'a str,
) -> Option<&'a str> {
    match template.strip_prefix("*.") {
        Some(rest) => {
            // The `*` label has no dot: it is the name up to its first dot.
            let (head, tail) = fqdn.split_once('.')?;
            (!head.is_empty() && is_filled(tail, rest, name, region)).then_some(head)
        }
        None => is_filled(fqdn, template, name, region).then_some(""),
    }
}

/// Whether `fqdn` is exactly `fill(template, name, region)`.
fn is_filled(fqdn: &str, template: &str, name: &str, region: &str) -> bool {
    if name.contains(['{', '}']) {
        // `fill` would read a placeholder the name brings; rare enough to build it.
        return fill(template, name, region) == fqdn;
    }
    let mut rest = fqdn.as_bytes();
    let mut t = template;
    while !t.is_empty() {
        let (piece, after) = if let Some(a) = t.strip_prefix("{name}") {
            (name, a)
        } else if let Some(a) = t.strip_prefix("{region}") {
            (region, a)
        } else {
            let end = t[1..].find('{').map_or(t.len(), |i| i + 1);
            t.split_at(end)
        };
        // `fill` lower-cases ASCII letters, byte for byte.
        let n = piece.len();
        if rest.len() < n
            || !rest[..n]
                .iter()
                .zip(piece.bytes())
                .all(|(a, b)| *a == b.to_ascii_lowercase())
        {
            return false;
        }
        rest = &rest[n..];
        t = after;
    }
    rest.is_empty()
}

/// Matches `fqdn` against a filled template with an optional leading `*` (one label); returns
/// the label that stood for `*` (empty when there was none).
pub fn match_template<'a>(pattern: &str, fqdn: &'a str) -> Option<&'a str> {
    match pattern.strip_prefix("*.") {
        Some(rest) => {
            let head = fqdn.strip_suffix(rest)?.strip_suffix('.')?;
            (!head.is_empty() && !head.contains('.')).then_some(head)
        }
        None => (pattern == fqdn).then_some(""),
    }
}

/// Whether a service's endpoint answers this protocol and port: PaaS endpoints listen only on
/// their service ports (HTTPS everywhere, HTTP for storage, SMB for files, TDS for SQL, the
/// Cosmos DB gateway ports).
pub fn listens(kind: ServiceKind, group: &str, protocol: crate::net::Protocol, port: u16) -> bool {
    use ServiceKind::*;
    if protocol != crate::net::Protocol::Tcp {
        return false;
    }
    match kind {
        Storage if group.eq_ignore_ascii_case("file") => [443, 445].contains(&port),
        Storage => [80, 443].contains(&port),
        Sql => port == 1433 || (11000..=11999).contains(&port),
        CosmosDb => port == 443 || (10250..=10256).contains(&port),
        _ => port == 443,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `match_filled` answers as `match_template` of the filled template, for every template of
    /// every service, names of each template and near misses.
    #[test]
    fn match_filled_is_match_template_of_fill() {
        let mut checked = 0;
        for &kind in ServiceKind::ALL {
            for sub in subresources(kind) {
                for (public, private) in sub.names {
                    for template in [*public, *private] {
                        for (name, region) in [("MyStore", "westEurope"), ("a{name}b", "eastus")] {
                            let filled = fill(template, name, region);
                            let label = filled.replacen('*', "lbl", 1);
                            for fqdn in [
                                filled.clone(),
                                label.clone(),
                                format!("x.{label}"),
                                label[1..].to_string(),
                                format!("{label}x"),
                                label.to_uppercase(),
                                String::new(),
                                format!(".{}", label.trim_start_matches("lbl.")),
                            ] {
                                assert_eq!(
                                    match_filled(template, name, region, &fqdn),
                                    match_template(&filled, &fqdn),
                                    "{template} {name} {fqdn}"
                                );
                                checked += 1;
                            }
                        }
                    }
                }
            }
        }
        assert!(checked > 100, "{checked}");
    }
}
