//! Microsoft's documented placement limits, exfiltration to Azure itself and ownership
//! (issue #15): for each finding kind, a design where it fires and its fixed twin where it does
//! not, both written from Microsoft's text (quoted in core/src/aml/limits.rs and
//! azure_egress.rs).

use vnetlab_core::aml;
use vnetlab_tests::design;

/// A hub with the workspace's private endpoint, a data VNet, and the workloads and services
/// given; `extra` holds more top-level YAML (peerings, tags).
fn estate(vnets: &str, workloads: &str, services: &str, extra: &str) -> String {
    format!(
        r#"
version: 1
name: estate
region: eastus
vnets:
  ml:
    address_space: [10.1.0.0/16]
    subnets:
      training: {{ prefix: 10.1.1.0/24 }}
      endpoints: {{ prefix: 10.1.2.0/24 }}
      inference: {{ prefix: 10.1.4.0/22 }}
{vnets}
workloads:
{workloads}
services:
  mlws:
    kind: ml_workspace
    public_network_access: disabled
    storage: mlstore
    key_vault: mlkv
    container_registry: mlacr
    private_endpoints:
      - {{ subnet: ml/endpoints, group: amlworkspace, zones: [privatelink.api.azureml.ms] }}
  mlkv:
    kind: key_vault
    public_network_access: disabled
    private_endpoints:
      - {{ subnet: ml/endpoints, group: vault, zones: [privatelink.vaultcore.azure.net] }}
{services}
dns:
  private_zones:
    privatelink.api.azureml.ms: {{ links: [ml] }}
    privatelink.vaultcore.azure.net: {{ links: [ml] }}
    privatelink.blob.core.windows.net: {{ links: [ml] }}
    privatelink.azurecr.io: {{ links: [ml] }}
{extra}
"#
    )
}

const STORE_IN_ML: &str = "  mlstore:\n    kind: storage\n    public_network_access: disabled\n    private_endpoints:\n      - { subnet: ml/endpoints, group: blob, zones: [privatelink.blob.core.windows.net] }\n";
const STORE_IN_DATA: &str = "  mlstore:\n    kind: storage\n    public_network_access: disabled\n    private_endpoints:\n      - { subnet: data/pe, group: blob, zones: [privatelink.blob.core.windows.net] }\n";
const ACR_PE: &str = "  mlacr:\n    kind: container_registry\n    public_network_access: disabled\n    private_endpoints:\n      - { subnet: ml/endpoints, group: registry, zones: [privatelink.azurecr.io] }\n";
const ACR_SE: &str = "  mlacr:\n    kind: container_registry\n    default_action: deny\n    virtual_network_rules: [ml/training]\n";
const DATA_VNET: &str =
    "  data:\n    address_space: [10.9.0.0/16]\n    subnets:\n      pe: { prefix: 10.9.1.0/24 }\n";
const CLUSTER: &str =
    "  trainer: { kind: compute_cluster, subnet: ml/training, workspace: mlws }\n";

/// (finding, Microsoft's words, the design where it fires, the fixed twin).
fn cases() -> Vec<(&'static str, &'static str, String, String)> {
    let peered = "peerings:\n  - { between: [ml, data] }\n";
    vec![
        (
            "AML-WS-STORAGE-VNET",
            "The workspace and default storage account must be in the same VNet.",
            estate(
                DATA_VNET,
                CLUSTER,
                &format!("{STORE_IN_DATA}{ACR_PE}"),
                peered,
            ),
            estate(
                DATA_VNET,
                CLUSTER,
                &format!("{STORE_IN_ML}{ACR_PE}"),
                peered,
            ),
        ),
        (
            "AML-DEPENDENCY-VNET",
            "one of the private endpoints must be in the same virtual network as the following dependency services: … Container Registry",
            estate(
                DATA_VNET,
                CLUSTER,
                &format!("{STORE_IN_ML}{}", ACR_PE.replace("ml/endpoints", "data/pe")),
                "",
            ),
            estate(
                DATA_VNET,
                CLUSTER,
                &format!("{STORE_IN_ML}{}", ACR_PE.replace("ml/endpoints", "data/pe")),
                peered,
            ),
        ),
        (
            "AML-COMPUTE-PLACEMENT",
            "Azure Compute Instance and Azure Compute Clusters must be in the same VNet, region, and subscription as the workspace.",
            estate(
                "  west:\n    region: westus\n    address_space: [10.5.0.0/16]\n    subnets:\n      ci: { prefix: 10.5.1.0/24 }\n",
                "  notebook: { kind: compute_instance, subnet: west/ci, workspace: mlws }\n",
                &format!("{STORE_IN_ML}{ACR_PE}"),
                "peerings:\n  - { between: [ml, west] }\n",
            ),
            estate(
                "",
                "  notebook: { kind: compute_instance, subnet: ml/training, workspace: mlws }\n",
                &format!("{STORE_IN_ML}{ACR_PE}"),
                "",
            ),
        ),
        (
            "AML-COMPUTE-PLACEMENT",
            "… must be in the same VNet, region, and subscription as the workspace (another subscription)",
            estate(
                "  sandbox:\n    subscription: sandbox-sub\n    address_space: [10.6.0.0/16]\n    subnets:\n      jobs: { prefix: 10.6.1.0/24 }\n",
                "  trainer: { kind: compute_cluster, subnet: sandbox/jobs, workspace: mlws }\n",
                &format!("{STORE_IN_ML}{ACR_PE}"),
                "peerings:\n  - { between: [ml, sandbox] }\n",
            ),
            estate(
                "  sandbox:\n    address_space: [10.6.0.0/16]\n    subnets:\n      jobs: { prefix: 10.6.1.0/24 }\n",
                "  trainer: { kind: compute_cluster, subnet: sandbox/jobs, workspace: mlws }\n",
                &format!("{STORE_IN_ML}{ACR_PE}"),
                "peerings:\n  - { between: [ml, sandbox] }\n",
            ),
        ),
        (
            "AML-AKS-DEPENDENCIES",
            "If your AKS cluster is behind of a VNet, your workspace and its associated resources (storage, key vault, Azure Container Registry) must have private endpoints or service endpoints in the same or peered VNet as AKS cluster's VNet.",
            estate(
                "  aksnet:\n    address_space: [10.7.0.0/16]\n    subnets:\n      aks: { prefix: 10.7.0.0/22 }\n",
                "  scoring: { kind: aks, subnet: aksnet/aks, network_plugin: azure_cni_overlay, workspace: mlws }\n",
                &format!("{STORE_IN_ML}{ACR_PE}"),
                "",
            ),
            estate(
                "  aksnet:\n    address_space: [10.7.0.0/16]\n    subnets:\n      aks: { prefix: 10.7.0.0/22 }\n",
                "  scoring: { kind: aks, subnet: aksnet/aks, network_plugin: azure_cni_overlay, workspace: mlws }\n",
                &format!("{STORE_IN_ML}{ACR_PE}"),
                "peerings:\n  - { between: [ml, aksnet] }\n",
            ),
        ),
        (
            "AML-ACR-SERVICE-ENDPOINT",
            "For Azure Container Services, use a private endpoint.",
            estate("", CLUSTER, &format!("{STORE_IN_ML}{ACR_SE}"), ""),
            estate("", CLUSTER, &format!("{STORE_IN_ML}{ACR_PE}"), ""),
        ),
        (
            "AML-NO-OWNER",
            "Ownership: ML resources carry an owner tag (FinOps / compliance checklist).",
            estate(
                "",
                "  trainer: { kind: compute_cluster, subnet: ml/training, workspace: mlws, tags: { cost-center: '42' } }\n",
                &format!("{STORE_IN_ML}{ACR_PE}"),
                "",
            ),
            tagged_everywhere(),
        ),
    ]
}

/// The plain estate with an owner on every Azure ML resource.
fn tagged_everywhere() -> String {
    let owner = ", tags: { owner: ml-platform }";
    estate(
        "",
        &format!(
            "  trainer: {{ kind: compute_cluster, subnet: ml/training, workspace: mlws{owner} }}\n"
        ),
        &format!("{STORE_IN_ML}{ACR_PE}"),
        "",
    )
    .replace(
        "    kind: ml_workspace\n",
        "    kind: ml_workspace\n    tags: { owner: ml-platform }\n",
    )
    .replace(
        "    kind: key_vault\n",
        "    kind: key_vault\n    tags: { owner: ml-platform }\n",
    )
    .replace(
        "    kind: storage\n",
        "    kind: storage\n    tags: { owner: ml-platform }\n",
    )
    .replace(
        "    kind: container_registry\n",
        "    kind: container_registry\n    tags: { owner: ml-platform }\n",
    )
}

#[test]
fn each_limit_fires_on_its_design_and_not_on_the_fixed_twin() {
    for (id, quote, broken, fixed) in cases() {
        let fires = aml::audit(&design(&format!("{id} (broken)"), &broken));
        let found: Vec<_> = fires.findings.iter().filter(|f| f.id == id).collect();
        assert!(
            !found.is_empty(),
            "{id} ({quote}) does not fire:\n{:#?}",
            fires.findings
        );
        for f in &found {
            assert!(
                f.at.as_ref().is_some_and(|a| a.line > 0),
                "{id} names no element with its line: {:?}",
                f.resources
            );
        }
        let clean = aml::audit(&design(&format!("{id} (fixed)"), &fixed));
        assert!(
            !clean.findings.iter().any(|f| f.id == id),
            "{id} fires on the fixed twin: {:#?}",
            clean.findings
        );
    }
}

/// Exfiltration to Azure itself: an NSG that allows the global `Storage` tag lets training
/// reach storage accounts in any region; allowing only the regional tag (Microsoft's required
/// outbound rule, E2) does not.
#[test]
fn the_global_storage_tag_is_an_exfiltration_path() {
    let nsg = |rules: &str| {
        format!(
            "nsgs:\n  training-nsg:\n    rules:\n{rules}      - {{ name: deny-internet, priority: 4000, direction: outbound, access: deny, protocol: any, source: VirtualNetwork, destination: Internet }}\n"
        )
    };
    let allow = |dest: &str| {
        format!(
            "      - {{ name: allow-{}, priority: 110, direction: outbound, access: allow, protocol: tcp, source: VirtualNetwork, destination: {dest}, destination_ports: [443] }}\n",
            dest.to_ascii_lowercase().replace('.', "-")
        )
    };
    let with = |dest: &str| {
        estate("", CLUSTER, &format!("{STORE_IN_ML}{ACR_PE}"), &nsg(dest)).replace(
            "training: { prefix: 10.1.1.0/24 }",
            "training: { prefix: 10.1.1.0/24, nsg: training-nsg }",
        )
    };
    let open = aml::audit(&design("global-storage", &with(&allow("Storage"))));
    let f = open
        .findings
        .iter()
        .find(|f| f.id == "AML-EXFILTRATION-STORAGE")
        .unwrap_or_else(|| panic!("{:#?}", open.findings));
    let witness = f.trace.as_ref().expect("a witness trace");
    assert!(witness.verdict.allowed());
    assert!(!open.findings.iter().any(|f| f.id == "AML-EXFILTRATION"));
    let regional = aml::audit(&design("regional-storage", &with(&allow("Storage.eastus"))));
    assert!(
        !regional
            .findings
            .iter()
            .any(|f| f.id.starts_with("AML-EXFILTRATION")),
        "{:#?}",
        regional.findings
    );
    // Any Azure address but storage: addresses no service the compute needs.
    let deny_storage = "      - { name: deny-storage, priority: 100, direction: outbound, access: deny, protocol: any, source: VirtualNetwork, destination: Storage }\n";
    let azure = aml::audit(&design(
        "azure-cloud",
        &with(&format!("{deny_storage}{}", allow("AzureCloud"))),
    ));
    let ids: Vec<_> = azure.findings.iter().map(|f| f.id).collect();
    assert!(ids.contains(&"AML-EXFILTRATION-AZURE"), "{ids:?}");
    assert!(!ids.contains(&"AML-EXFILTRATION-STORAGE"), "{ids:?}");
}

/// The portfolio over every bundled design adds up each design's governance figures and
/// files each finding under its benchmark controls.
#[test]
fn the_portfolio_adds_up_every_design() {
    let reports: Vec<_> = vnetlab_tests::topology_files()
        .iter()
        .map(|rel| aml::audit(&vnetlab_tests::design_file(rel)))
        .collect();
    let p = aml::portfolio::Portfolio::of(&reports);
    assert_eq!(p.designs as usize, reports.len());
    let sum = |f: fn(&aml::AuditReport) -> u32| reports.iter().map(f).sum::<u32>();
    assert_eq!(p.workspaces, sum(|r| r.governance.workspaces));
    assert_eq!(
        p.workspaces_public_access_disabled,
        sum(|r| r.governance.workspaces_public_access_disabled)
    );
    assert_eq!(
        p.computes_with_public_ip,
        sum(|r| r.governance.computes_with_public_ip)
    );
    assert_eq!(p.broken_required_flows, sum(|r| r.broken() as u32));
    let findings: u32 = p.findings_by_severity.iter().map(|(_, n)| n).sum();
    assert_eq!(findings, sum(|r| r.findings.len() as u32));
    assert!(p.workspaces > 0 && p.private_workspace_percent() < 100);
    let public = p
        .findings_by_control
        .iter()
        .find(|(c, _)| c.id == "MCSB NS-2")
        .map(|(_, n)| *n)
        .unwrap_or(0);
    let ns2 = reports
        .iter()
        .flat_map(|r| &r.findings)
        .filter(|f| {
            aml::portfolio::controls(f.id)
                .iter()
                .any(|c| c.id == "MCSB NS-2")
        })
        .count() as u32;
    assert!(public > 0);
    assert_eq!(public, ns2);
    assert!(
        p.render()
            .contains("workspaces with public access disabled")
    );
}
