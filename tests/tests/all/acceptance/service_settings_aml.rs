//! The Azure ML and storage settings of issue #22 (docs/semantics.md S22–S25): resource instance
//! rules, compute SSH public access and the image build compute, each written from Microsoft's
//! text (quoted at each case).

use super::service_settings::diagnostics;
use super::{assert_allowed, flow};
use vnetlab_core::aml::setting_patch::SettingPatch;
use vnetlab_core::model::Design;
use vnetlab_core::net::Protocol::Tcp;
use vnetlab_tests::{design, errors};

/// A private workspace whose default storage `st` has public access disabled and no trusted
/// services exception; `rules` are its resource instance rules. `other` is a second workspace.
fn instance_design(storage_extra: &str) -> String {
    format!(
        r#"
version: 1
name: resource-instance
region: westeurope
vnets:
  ml:
    address_space: [10.80.0.0/16]
    subnets:
      endpoints: {{ prefix: 10.80.1.0/24 }}
services:
  ws:
    kind: ml_workspace
    public_network_access: disabled
    storage: st
    private_endpoints: [{{ subnet: ml/endpoints, group: amlworkspace }}]
  other: {{ kind: ml_workspace }}
  st:
    kind: storage
    public_network_access: disabled
    trusted_services: false
    private_endpoints: [{{ subnet: ml/endpoints, group: blob }}]
{storage_extra}
"#
    )
}

/// "Resource instance rules … identify the resource by its resource ID and verify its managed
/// identity" and "access from trusted services … resource instances … will remain in effect"
/// with public network access disabled (Grant access from Azure resource instances; D2): the
/// named workspace's identity reaches the account, another workspace's does not.
#[test]
fn a_resource_instance_rule_admits_that_instance_only() {
    let rule = "    resource_access_rules:\n      - { resource_type: Microsoft.MachineLearningServices/workspaces, resource: ws }";
    let d = design("instance.yaml", &instance_design(rule));
    let t = flow(&d, "identity:ws", "st:blob", Tcp, 443);
    assert_allowed(&t, true);
    assert!(
        t.hops
            .iter()
            .any(|h| h.at == "st" && h.detail.contains("resource instance rule")),
        "{}",
        vnetlab_core::render::trace(&t)
    );
    assert_allowed(&flow(&d, "identity:other", "st:blob", Tcp, 443), false);
    // Without the rule and without trusted services, the workspace is refused.
    let d = design("instance.yaml", &instance_design(""));
    assert_allowed(&flow(&d, "identity:ws", "st:blob", Tcp, 443), false);
    // With trusted services, an Azure ML workspace calling with its managed identity is
    // admitted ("Trusted access based on a managed identity").
    let d = design(
        "instance.yaml",
        &instance_design("").replace("trusted_services: false", "trusted_services: true"),
    );
    assert_allowed(&flow(&d, "identity:ws", "st:blob", Tcp, 443), true);
    // A raw address inside AzureMachineLearning is no identity.
    assert_allowed(&flow(&d, "internet", "st:blob", Tcp, 443), false);
}

/// The audit requires the workspace's identity to reach its storage when the account is behind
/// network rules, and fixes it with a resource instance rule for the workspace, verified.
#[test]
fn the_audit_fixes_the_workspace_identity_with_a_resource_instance_rule() {
    let d = design("instance.yaml", &instance_design(""));
    let report = vnetlab_core::aml::audit(&d);
    let f = report
        .flows
        .iter()
        .find(|f| f.flow.from == "identity:ws")
        .expect("the identity flow is required");
    assert!(!f.works, "{}", f.verdict);
    let fix = f.fix.as_ref().expect("a fix");
    assert!(fix.verified, "{}", fix.change);
    assert_eq!(
        fix.change,
        "add a resource instance rule to storage account st for Microsoft.MachineLearningServices/workspaces ws (S22)"
    );
    let rule = "    resource_access_rules:\n      - { resource_type: Microsoft.MachineLearningServices/workspaces, resource: ws }";
    let d = design("instance.yaml", &instance_design(rule));
    let report = vnetlab_core::aml::audit(&d);
    assert!(
        report
            .flows
            .iter()
            .any(|f| f.flow.from == "identity:ws" && f.works)
    );
}

/// Resource instance rules are for storage accounts; the type must be the named service's.
#[test]
fn resource_instance_rules_are_checked() {
    let bad = "    resource_access_rules:\n      - { resource_type: Microsoft.Search/searchServices, resource: ws }\n      - { resource_type: workspaces, resource: ws }\n      - { resource_type: Microsoft.MachineLearningServices/workspaces, resource: wss }";
    let all = errors(&instance_design(bad)).join("\n");
    for want in [
        "`ws` is a ml_workspace, whose resource type is `Microsoft.MachineLearningServices/workspaces`, not `Microsoft.Search/searchServices`",
        "`workspaces` is not an Azure resource type",
        "no service named `wss`",
    ] {
        assert!(all.contains(want), "{want}\n{all}");
    }
    // An instance outside the design is written by its resource id.
    let ext = "    resource_access_rules:\n      - { resource_type: Microsoft.Synapse/workspaces, resource: /subscriptions/0/resourceGroups/rg/providers/Microsoft.Synapse/workspaces/syn }";
    let d = design("instance.yaml", &instance_design(ext));
    assert_allowed(&flow(&d, "identity:ws", "st:blob", Tcp, 443), false);
}

fn ssh_design(ssh: &str, subnet_nsg: &str) -> Design {
    design(
        "ssh.yaml",
        &format!(
            r#"
version: 1
name: ssh
vnets:
  ml:
    address_space: [10.81.0.0/16]
    subnets:
      training: {{ prefix: 10.81.1.0/24 {subnet_nsg} }}
nsgs:
  training-nsg:
    rules:
      - {{ name: ssh-from-office, priority: 100, direction: inbound, access: allow, protocol: tcp, source: 20.30.40.0/24, destination: "*", destination_ports: [22] }}
      - {{ name: deny-ssh, priority: 110, direction: inbound, access: deny, protocol: tcp, source: Internet, destination: "*", destination_ports: [22] }}
      - {{ name: aml, priority: 120, direction: inbound, access: allow, protocol: tcp, source: AzureMachineLearning, destination: "*", destination_ports: [44224] }}
workloads:
  ci: {{ kind: compute_instance, subnet: ml/training, workspace: ws, public_ip: standard {ssh} }}
clients:
  office: {{ kind: internet, ip: 20.30.40.7 }}
services:
  ws: {{ kind: ml_workspace }}
"#
        ),
    )
}

/// A compute instance's `sshPublicAccess` / a cluster's `remoteLoginPortPublicAccess`:
/// "Enabled - Indicates that the public ssh port is open", "Disabled - Indicates that the
/// public ssh port is closed". Enabled, the NSG Azure ML creates opens TCP 22 to any source;
/// the subnet NSG, evaluated first (A4), is where the allowed sources are narrowed.
#[test]
fn ssh_public_access_opens_port_22_behind_the_subnet_nsg() {
    let d = ssh_design(", ssh_public_access: enabled", "");
    assert_allowed(&flow(&d, "internet", "ci", Tcp, 22), true);
    assert_allowed(&flow(&d, "internet", "ci", Tcp, 23), false);
    let report = vnetlab_core::aml::audit(&d);
    let f = report
        .findings
        .iter()
        .find(|f| f.id == "AML-SSH-PUBLIC")
        .expect("SSH open to the internet is a finding");
    assert!(f.remediation.contains("ssh_public_access: disabled on ci"));
    // The fix: SSH public access disabled closes the port.
    let mut file = d.file.clone();
    SettingPatch::SshDisabled {
        workload: "ci".into(),
    }
    .apply(&mut file)
    .expect("applies");
    let fixed = vnetlab_core::rebuild("ssh.yaml", &file, &Default::default())
        .design
        .expect("valid");
    assert_allowed(&flow(&fixed, "internet", "ci", Tcp, 22), false);
    assert!(
        !vnetlab_core::aml::audit(&fixed)
            .findings
            .iter()
            .any(|f| f.id == "AML-SSH-PUBLIC")
    );
    // Default disabled.
    assert_allowed(&flow(&ssh_design("", ""), "internet", "ci", Tcp, 22), false);
    // A subnet NSG that admits only the office: the office gets in, the rest of the internet
    // does not, and there is no finding.
    let d = ssh_design(", ssh_public_access: enabled", ", nsg: training-nsg");
    assert_allowed(&flow(&d, "office", "ci", Tcp, 22), true);
    assert_allowed(&flow(&d, "internet", "ci", Tcp, 22), false);
    assert!(
        !vnetlab_core::aml::audit(&d)
            .findings
            .iter()
            .any(|f| f.id == "AML-SSH-PUBLIC")
    );
    let (errs, _) = diagnostics(
        "version: 1\nname: x\nvnets: { v: { address_space: [10.0.0.0/16], subnets: { s: { prefix: 10.0.1.0/24 } } } }\nworkloads:\n  vm: { kind: vm, subnet: v/s, ssh_public_access: enabled }\n",
        "workload-key",
    );
    assert_eq!(errs.len(), 1, "{errs:?}");
}

fn image_design(registry: &str, ws_extra: &str) -> String {
    format!(
        r#"
version: 1
name: image-build
vnets:
  ml:
    address_space: [10.82.0.0/16]
    subnets:
      training: {{ prefix: 10.82.1.0/24 }}
workloads:
  builder: {{ kind: compute_cluster, subnet: ml/training, workspace: ws }}
  vm: {{ kind: vm, subnet: ml/training }}
services:
  ws: {{ kind: ml_workspace, container_registry: acr {ws_extra} }}
  acr: {{ kind: container_registry {registry} }}
"#
    )
}

/// "If your Azure Container Registry is behind the virtual network, Azure Machine Learning
/// can't use it to directly build Docker images. Instead, configure the workspace to use a
/// compute cluster to build images" (Secure an Azure Machine Learning workspace with virtual
/// networks): a finding until `image_build_compute` names a cluster of the workspace.
#[test]
fn a_private_registry_needs_an_image_build_compute() {
    let audit_ids = |text: &str| -> Vec<String> {
        let d = design("image.yaml", text);
        vnetlab_core::aml::audit(&d)
            .findings
            .iter()
            .filter(|f| f.id == "AML-IMAGE-BUILD-COMPUTE")
            .map(|f| f.remediation.clone())
            .collect()
    };
    let private = image_design(", public_network_access: disabled", "");
    assert_eq!(
        audit_ids(&private),
        vec!["set image_build_compute: builder on workspace ws (a compute cluster of the workspace builds the images)".to_string()]
    );
    assert_eq!(
        audit_ids(&image_design(", default_action: deny", "")),
        audit_ids(&private)
    );
    // A public registry needs none.
    assert!(audit_ids(&image_design("", "")).is_empty());
    // The fix, applied to the file, clears the finding.
    let d = design("image.yaml", &private);
    let mut file = d.file.clone();
    SettingPatch::ImageBuildCompute {
        workspace: "ws".into(),
        compute: "builder".into(),
    }
    .apply(&mut file)
    .expect("applies");
    let yaml = vnetlab_core::format::to_yaml(&file);
    assert!(audit_ids(&yaml).is_empty(), "{yaml}");
    // It must name a compute cluster of the workspace.
    let all = errors(&image_design(
        ", public_network_access: disabled",
        ", image_build_compute: vm",
    ))
    .join("\n");
    assert!(
        all.contains("`vm` is not a compute cluster of workspace `ws`"),
        "{all}"
    );
}

fn endpoint_design(ws_extra: &str) -> Design {
    design(
        "online-endpoint.yaml",
        &format!(
            r#"
version: 1
name: online-endpoint
region: westeurope
vnets:
  ml:
    address_space: [10.83.0.0/16]
    subnets:
      endpoints: {{ prefix: 10.83.1.0/24 }}
workloads:
  jump: {{ kind: jumpbox, subnet: ml/endpoints }}
services:
  ws:
    kind: ml_workspace
    public_network_access: disabled
    storage: st
    container_registry: acr
    private_endpoints: [{{ subnet: ml/endpoints, group: amlworkspace }}]
    online_endpoints:
      scoring:
        public_network_access: disabled
        deployments:
          blue: {{ egress_public_network_access: disabled }}
          green: {{}}
{ws_extra}
  st: {{ kind: storage, public_network_access: disabled }}
  acr: {{ kind: container_registry, public_network_access: disabled }}
"#
        ),
    )
}

/// Managed online endpoints run in Microsoft's network. "You can secure the inbound scoring
/// requests from clients to an online endpoint … you can also secure the outbound
/// communications between a deployment and the Azure resources it uses … Outbound
/// communication with services is handled through private endpoints to those service
/// instances from the deployment" (Network isolation with managed online endpoints, legacy
/// `egress_public_network_access`): disabled, the deployment reaches the workspace's resources
/// over private endpoints and nothing public; enabled, it goes the public way.
#[test]
fn a_deployments_egress_setting_decides_how_it_reaches_the_workspace_resources() {
    let d = endpoint_design("");
    let t = flow(&d, "deployment:scoring/blue", "st:blob", Tcp, 443);
    assert_allowed(&t, true);
    assert!(
        t.hops.iter().any(|h| h
            .detail
            .contains("over a private endpoint Azure ML creates for the deployment")),
        "{}",
        vnetlab_core::render::trace(&t)
    );
    assert_allowed(
        &flow(&d, "deployment:scoring/blue", "acr:registry", Tcp, 443),
        true,
    );
    assert_allowed(
        &flow(&d, "deployment:scoring/blue", "pypi.org", Tcp, 443),
        false,
    );
    // Public egress: the storage account's firewall (public access disabled) refuses it, the
    // internet is open.
    assert_allowed(
        &flow(&d, "deployment:scoring/green", "st:blob", Tcp, 443),
        false,
    );
    assert_allowed(
        &flow(&d, "deployment:scoring/green", "pypi.org", Tcp, 443),
        true,
    );
    // Never into a customer network.
    assert_allowed(
        &flow(&d, "deployment:scoring/green", "jump", Tcp, 22),
        false,
    );
    // The audit requires the deployment's flows and fixes green by disabling its public egress.
    let report = vnetlab_core::aml::audit(&d);
    let broken: Vec<_> = report
        .flows
        .iter()
        .filter(|f| f.flow.from == "deployment:scoring/green" && !f.works)
        .collect();
    assert!(!broken.is_empty(), "{:#?}", report.flows);
    let fix = broken[0].fix.as_ref().expect("a fix");
    assert!(fix.verified, "{}", fix.change);
    assert_eq!(
        fix.change,
        "set egress_public_network_access: disabled on deployment scoring/green (S24)"
    );
    assert!(
        report
            .flows
            .iter()
            .any(|f| f.flow.from == "deployment:scoring/blue" && f.works)
    );
    // Public ingress disabled: clients score through the workspace's private endpoint.
    assert!(
        report.flows.iter().any(|f| f
            .flow
            .purpose
            .contains("scoring managed online endpoint scoring")),
        "{:#?}",
        report.flows
    );
}

/// With the workspace's managed virtual network, "outbound communications from deployments to
/// services are handled through private endpoints from the workspace's managed virtual
/// network": its outbound rules decide, whatever the legacy flag.
#[test]
fn a_managed_network_decides_a_deployments_outbound() {
    let d = endpoint_design(
        "    managed_network: { isolation: allow_only_approved_outbound, outbound_rules: [{ name: st-blob, kind: private_endpoint, service: st, subresource: blob }] }",
    );
    let t = flow(&d, "deployment:scoring/green", "st:blob", Tcp, 443);
    assert_allowed(&t, true);
    assert!(
        t.hops.iter().any(|h| h.at == "managed network of ws"),
        "{}",
        vnetlab_core::render::trace(&t)
    );
    assert_allowed(
        &flow(&d, "deployment:scoring/green", "pypi.org", Tcp, 443),
        false,
    );
}
