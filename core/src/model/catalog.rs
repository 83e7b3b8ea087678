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

/// [`match_template`] on [`fill`]`(template, name, region)` without building the filled name
/// (name resolution asks it of every service's templates for every name it resolves).
pub fn match_filled<'a>(
    template: &str,
    name: &str,
    region: &str,
    fqdn: &'a str,
) -> Option<&'a str> {
    if name.contains('{') || region.contains('{') {
        // `fill` replaces in turn: a value holding a placeholder is replaced again.
        return match_template(&fill(template, name, region), fqdn);
    }
    // The literal end of the template ends every name it matches: most names are told apart
    // by it alone.
    let tail = match template.rfind('}') {
        Some(i) => &template[i + 1..],
        None => template.strip_prefix("*.").unwrap_or(template),
    };
    let ends = fqdn.len() >= tail.len()
        && fqdn.as_bytes()[fqdn.len() - tail.len()..]
            .iter()
            .zip(tail.bytes())
            .all(|(&a, b)| a == b.to_ascii_lowercase());
    if !ends {
        return None;
    }
    // The filled name's pieces, in order, to be read lowercased.
    let mut pieces: [&str; 16] = [""; 16];
    let mut n = 0;
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        let (value, len) = if rest[i..].starts_with("{name}") {
            (name, 6)
        } else if rest[i..].starts_with("{region}") {
            (region, 8)
        } else {
            (&rest[i..i + 1], 1)
        };
        if n + 2 > pieces.len() {
            return match_template(&fill(template, name, region), fqdn);
        }
        pieces[n] = &rest[..i];
        pieces[n + 1] = value;
        n += 2;
        rest = &rest[i + len..];
    }
    if n + 1 > pieces.len() {
        return match_template(&fill(template, name, region), fqdn);
    }
    pieces[n] = rest;
    n += 1;
    let filled = || {
        pieces[..n]
            .iter()
            .flat_map(|p| p.bytes())
            .map(|b| b.to_ascii_lowercase())
    };
    let len: usize = pieces[..n].iter().map(|p| p.len()).sum();
    let mut head = filled();
    if head.next() == Some(b'*') && head.next() == Some(b'.') {
        // `*.` then the rest: one label, then the rest.
        let tail = len - 2;
        let cut = fqdn.len().checked_sub(tail)?;
        let label = fqdn.get(..cut)?.strip_suffix('.')?;
        let ok = fqdn.as_bytes()[cut..].iter().copied().eq(filled().skip(2));
        (ok && !label.is_empty() && !label.contains('.')).then_some(label)
    } else {
        (len == fqdn.len() && fqdn.bytes().eq(filled())).then_some("")
    }
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

    /// `match_filled` answers what `match_template` answers on the filled name, for every
    /// template of every kind, names in any case and with a placeholder in them, and names
    /// that match, differ by a letter, are one label longer or shorter.
    #[test]
    fn matching_without_filling_is_matching_the_filled_name() {
        let values = [
            ("ws1", "westeurope"),
            ("MyStore", "EastUS"),
            ("a{region}b", "northeurope"),
            ("x", ""),
        ];
        for kind in ServiceKind::ALL {
            for sub in subresources(*kind) {
                for (public, private) in sub.names {
                    for template in [public, private] {
                        for (name, region) in values {
                            let filled = fill(template, name, region);
                            let mut asked = vec![
                                filled.clone(),
                                filled.replace('*', "score"),
                                filled.replace('*', "a.b"),
                                filled.replace('*', ""),
                                format!("x{filled}"),
                                format!("x.{filled}"),
                                filled[1..].to_string(),
                                filled.to_uppercase(),
                                String::new(),
                            ];
                            asked.push(filled.replacen('.', "-", 1));
                            for fqdn in &asked {
                                assert_eq!(
                                    match_filled(template, name, region, fqdn),
                                    match_template(&filled, fqdn),
                                    "{template} with {name}, {region} against {fqdn}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}
