//! The required-flow catalog: every flow Azure ML needs, derived from the workspaces, their
//! dependent services, computes and inference targets (azure-semantics E1–E7, docs/aml.md),
//! each traced to a works / broken verdict.

use super::fix::{self, Fix};
use crate::format::{ClientKind, FortiAction, PeState, ServiceKind, WorkloadKind};
use crate::model::{Design, ServiceId, WorkloadId};
use crate::net::Protocol;
use crate::query::{Side, parse_endpoint};
use crate::trace::{Touch, Trace, TraceOptions, is_aml_compute, origin_of, trace_from};
use serde::Serialize;

/// Which part of Azure ML a flow serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Training job submission: the client uploads and submits (E7 steps 1–2).
    Submission,
    /// Azure ML / Batch reaching the compute (E7 step 3, E1, E3).
    ComputeInbound,
    /// The compute reading its workspace and dependencies (E7 step 4).
    ComputeDependencies,
    /// The compute's outbound service-tag requirements (E2).
    ComputeOutbound,
    /// Package hosts the design says training installs from (E2).
    Packages,
    /// Scoring and deployment of inference targets (E5, E6).
    Inference,
    /// Private DNS of every private endpoint the workspace needs, from every VNet using it (C3).
    Dns,
}

impl Stage {
    /// A short heading.
    pub fn title(self) -> &'static str {
        match self {
            Stage::Submission => "training job submission",
            Stage::ComputeInbound => "Azure ML reaching the compute",
            Stage::ComputeDependencies => "compute to workspace and dependencies",
            Stage::ComputeOutbound => "compute outbound requirements",
            Stage::Packages => "package hosts",
            Stage::Inference => "inference",
            Stage::Dns => "private DNS",
        }
    }
}

/// One flow Azure ML needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequiredFlow {
    /// Stable id: `STAGE:FROM->TO:PORT`.
    pub id: String,
    /// Which part of Azure ML it serves.
    pub stage: Stage,
    /// Why Azure ML needs it.
    pub purpose: String,
    /// Source (a name `vnetlab trace --from` accepts).
    pub from: String,
    /// Destination (a name `vnetlab trace --to` accepts).
    pub to: String,
    /// Protocol.
    pub protocol: Protocol,
    /// Destination port.
    pub port: u16,
    /// The documentation it comes from (azure-semantics section).
    pub source: &'static str,
}

/// A required flow with its verdict.
#[derive(Clone, Debug, Serialize)]
pub struct FlowResult {
    /// The flow.
    pub flow: RequiredFlow,
    /// Whether it works.
    pub works: bool,
    /// One line: the verdict, or why a DNS check failed.
    pub verdict: String,
    /// The evidence.
    pub trace: Option<Trace>,
    /// For a broken flow, the smallest change found that makes it work.
    pub fix: Option<Fix>,
}

/// Workload kinds that are Azure ML computes or inference targets.
pub fn is_ml_target(k: WorkloadKind) -> bool {
    is_aml_compute(k) || matches!(k, WorkloadKind::Aks | WorkloadKind::OnlineEndpoint)
}

/// Names of the clients that use the workspaces: jumpboxes, on-premises clients and named
/// internet clients; `internet` itself when there is none and a workspace is public.
///
/// When the design admits users by identity (a FortiGate policy that accepts named `groups`,
/// F4), it says who its ML users are: on-premises and internet clients count only if they are
/// members of one of those groups (a client outside them is meant to be refused). A group no
/// client holds (a typo such as `ml-engineerz`, which loading warns about) says nothing about
/// who the users are, so it never drops a client's required flows from the audit.
pub fn ml_clients(d: &Design) -> Vec<String> {
    let admitted: Vec<&str> = d
        .firewalls
        .iter()
        .flat_map(|f| &f.policies)
        .filter(|p| p.action == FortiAction::Accept)
        .flat_map(|p| p.groups.iter().map(String::as_str))
        .filter(|g| d.clients.iter().any(|c| c.groups.iter().any(|h| h == g)))
        .collect();
    let mut v: Vec<String> = d
        .workloads
        .iter()
        .filter(|w| w.kind == WorkloadKind::Jumpbox)
        .map(|w| w.name.clone())
        .collect();
    v.extend(
        d.clients
            .iter()
            .skip(1)
            .filter(|c| matches!(c.kind, ClientKind::OnPrem | ClientKind::Internet))
            .filter(|c| {
                admitted.is_empty() || c.groups.iter().any(|g| admitted.contains(&g.as_str()))
            })
            .map(|c| c.name.clone()),
    );
    if v.is_empty()
        && d.services
            .iter()
            .any(|s| s.kind == ServiceKind::MlWorkspace && s.public_network_access)
    {
        v.push("internet".into());
    }
    v
}

struct Cat<'d> {
    d: &'d Design,
    out: Vec<RequiredFlow>,
}

impl Cat<'_> {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        stage: Stage,
        purpose: impl Into<String>,
        from: &str,
        to: &str,
        protocol: Protocol,
        port: u16,
        source: &'static str,
    ) {
        let id = format!(
            "{}:{from}->{to}:{}/{port}",
            format!("{stage:?}").to_ascii_lowercase(),
            protocol
        );
        if self.out.iter().any(|f| f.id == id) {
            return;
        }
        self.out.push(RequiredFlow {
            id,
            stage,
            purpose: purpose.into(),
            from: from.into(),
            to: to.into(),
            protocol,
            port,
            source,
        });
    }

    fn svc(&self, s: Option<ServiceId>) -> Option<String> {
        s.map(|s| self.d.services[s.ix()].name.clone())
    }

    /// The workspace's dependencies with the subresource and port a compute uses.
    fn deps(&self, ws: ServiceId) -> Vec<(String, &'static str, u16, &'static str)> {
        let s = &self.d.services[ws.ix()];
        let mut v = Vec::new();
        if let Some(k) = self.svc(s.key_vault) {
            v.push((k, "vault", 443, "read secrets (E7 step 4)"));
        }
        if let Some(st) = self.svc(s.storage) {
            v.push((
                st.clone(),
                "blob",
                443,
                "read training data, write outputs (E7 step 4)",
            ));
            v.push((
                st,
                "file",
                445,
                "mount the default file share (SMB 445, E2)",
            ));
        }
        if let Some(r) = self.svc(s.container_registry) {
            v.push((r, "registry", 443, "pull training images (E7 step 4)"));
        }
        if let Some(a) = self.svc(s.ai_services) {
            v.push((
                a,
                "account",
                443,
                "call the hub's connected Azure AI services models (A2)",
            ));
        }
        if let Some(q) = self.svc(s.search) {
            v.push((
                q,
                "searchService",
                443,
                "query the hub's connected Azure AI Search index (A2)",
            ));
        }
        v.push((
            s.name.clone(),
            "amlworkspace",
            443,
            "report to the workspace (E7 step 4)",
        ));
        v
    }
}

/// Every flow the design's Azure ML workspaces need, in a stable order.
pub fn catalog(d: &Design) -> Vec<RequiredFlow> {
    let mut c = Cat { d, out: Vec::new() };
    let clients = ml_clients(d);
    let region =
        |w: &crate::model::Workload| d.vnets[d.subnets[w.subnet.ix()].vnet.ix()].region.clone();
    for (si, s) in d.services.iter().enumerate() {
        // A project's flows are its hub's (A1).
        if s.kind != ServiceKind::MlWorkspace || s.hub.is_some() {
            continue;
        }
        let ws = ServiceId(si as u32);
        for cl in &clients {
            if let Some(st) = c.svc(s.storage) {
                c.add(
                    Stage::Submission,
                    "the client uploads training scripts and data to storage (E7 step 1)",
                    cl,
                    &format!("{st}:blob"),
                    Protocol::Tcp,
                    443,
                    "E7",
                );
            }
            c.add(
                Stage::Submission,
                "the client submits the training job to the workspace (E7 step 2)",
                cl,
                &format!("{}:amlworkspace", s.name),
                Protocol::Tcp,
                443,
                "E7",
            );
        }
        // The studio's data features read the default storage through the workspace's managed
        // identity: behind network rules the account must admit it, by the trusted-services
        // exception or a resource instance rule (S22).
        if let Some(st) = s.storage.map(|x| &d.services[x.ix()])
            && (!st.public_network_access || !st.default_allow)
        {
            c.add(
                Stage::Submission,
                "the workspace's managed identity reads the default storage for the studio (data preview, AutoML, designer; trusted services or a resource instance rule, S22)",
                &format!("identity:{}", s.name),
                &format!("{}:blob", st.name),
                Protocol::Tcp,
                443,
                "S22",
            );
        }
        // Managed online endpoints (S24): each deployment pulls its image and model and talks
        // to the workspace; an endpoint without public access is scored through the workspace's
        // private endpoint.
        for ep in &s.online_endpoints {
            for (dep, _) in &ep.deployments {
                let from = format!("deployment:{}/{dep}", ep.name);
                for (svc, group, why) in [
                    (
                        c.svc(s.container_registry),
                        "registry",
                        "pull the model's image",
                    ),
                    (c.svc(s.storage), "blob", "download the model"),
                    (
                        Some(s.name.clone()),
                        "amlworkspace",
                        "talk to the workspace",
                    ),
                ] {
                    if let Some(svc) = svc {
                        c.add(
                            Stage::Inference,
                            format!("managed online deployment {}/{dep}: {why} (S24)", ep.name),
                            &from,
                            &format!("{svc}:{group}"),
                            Protocol::Tcp,
                            443,
                            "S24",
                        );
                    }
                }
            }
            if !ep.public {
                for cl in &clients {
                    c.add(Stage::Inference, format!("scoring managed online endpoint {} through the workspace private endpoint (public ingress disabled, S24)", ep.name), cl, &format!("{}:amlworkspace", s.name), Protocol::Tcp, 443, "S24");
                }
            }
        }
        let members: Vec<(WorkloadId, &crate::model::Workload)> = d
            .workloads
            .iter()
            .enumerate()
            .filter(|(_, w)| w.workspace == Some(ws))
            .map(|(i, w)| (WorkloadId(i as u32), w))
            .collect();
        // Computes in the workspace's managed VNet (E4): their dependencies and the required
        // service tags, through the managed network's outbound decision.
        let managed = s
            .managed_network
            .as_ref()
            .is_some_and(|m| m.isolation != crate::format::Isolation::Disabled);
        if managed {
            let from = format!("managed:{}", s.name);
            let deps = [
                (
                    c.svc(s.storage),
                    "blob",
                    443,
                    "reads and writes training data",
                ),
                (c.svc(s.storage), "file", 445, "mounts the file share"),
                (c.svc(s.key_vault), "vault", 443, "reads secrets"),
                (c.svc(s.container_registry), "registry", 443, "pulls images"),
                (
                    Some(s.name.clone()),
                    "amlworkspace",
                    443,
                    "talks to its workspace",
                ),
            ];
            for (svc, group, port, what) in deps {
                if let Some(svc) = svc {
                    c.add(
                        Stage::ComputeDependencies,
                        format!("a compute in the managed VNet {what} (E4, E7 step 4)"),
                        &from,
                        &format!("{svc}:{group}"),
                        Protocol::Tcp,
                        port,
                        "E4",
                    );
                }
            }
            for tag in [
                "AzureMachineLearning",
                "AzureActiveDirectory",
                "AzureResourceManager",
                "MicrosoftContainerRegistry",
            ] {
                c.add(
                    Stage::ComputeOutbound,
                    format!(
                        "a compute in the managed VNet reaches {tag} (a required outbound rule, E4)"
                    ),
                    &from,
                    &format!("service:{tag}"),
                    Protocol::Tcp,
                    443,
                    "E4",
                );
            }
        }
        for (_, w) in &members {
            if is_aml_compute(w.kind) {
                let how = if w.public_ip.is_some() {
                    "Azure ML submits the job to the compute's public load balancer: TCP 44224 from AzureMachineLearning (E1, P7)"
                } else {
                    "Azure ML submits the job through the compute's private link service (no public IP, E3)"
                };
                c.add(
                    Stage::ComputeInbound,
                    how,
                    "service:AzureMachineLearning",
                    &w.name,
                    Protocol::Tcp,
                    44224,
                    "E1/E3/E7",
                );
                if w.batch_classic && w.public_ip.is_some() {
                    c.add(Stage::ComputeInbound, "classic Batch node communication: TCP 29876-29877 from BatchNodeManagement (P7, opted in)", "service:BatchNodeManagement", &w.name, Protocol::Tcp, 29876, "E1/P7");
                }
                for (svc, group, port, why) in c.deps(ws) {
                    c.add(
                        Stage::ComputeDependencies,
                        why,
                        &w.name,
                        &format!("{svc}:{group}"),
                        Protocol::Tcp,
                        port,
                        "E7/E2",
                    );
                }
                let r = region(w);
                let tags: [(&str, Protocol, u16, &str); 8] = [
                    (
                        "AzureActiveDirectory",
                        Protocol::Tcp,
                        443,
                        "authenticate with Microsoft Entra ID (E2)",
                    ),
                    (
                        "AzureMachineLearning",
                        Protocol::Tcp,
                        443,
                        "Azure ML service (E2)",
                    ),
                    (
                        "AzureMachineLearning",
                        Protocol::Udp,
                        5831,
                        "compute create/update/delete (E2)",
                    ),
                    (
                        "AzureResourceManager",
                        Protocol::Tcp,
                        443,
                        "Azure Resource Manager (E2)",
                    ),
                    (
                        "Storage.{r}",
                        Protocol::Tcp,
                        443,
                        "regional storage used by the service (E2)",
                    ),
                    (
                        "AzureFrontDoor.Frontend",
                        Protocol::Tcp,
                        443,
                        "Azure Front Door (E2)",
                    ),
                    (
                        "MicrosoftContainerRegistry.{r}",
                        Protocol::Tcp,
                        443,
                        "Microsoft Container Registry base images (E2)",
                    ),
                    (
                        "BatchNodeManagement.{r}",
                        Protocol::Tcp,
                        443,
                        "Azure Batch node management (E2)",
                    ),
                ];
                for (tag, proto, port, why) in tags {
                    let tag = tag.replace("{r}", &r);
                    if proto == Protocol::Udp && w.kind != WorkloadKind::ComputeInstance {
                        continue;
                    }
                    c.add(
                        Stage::ComputeOutbound,
                        why,
                        &w.name,
                        &format!("service:{tag}"),
                        proto,
                        port,
                        "E2",
                    );
                }
                for h in &w.package_hosts {
                    c.add(
                        Stage::Packages,
                        "install training packages (E2 package hosts)",
                        &w.name,
                        h,
                        Protocol::Tcp,
                        443,
                        "E2",
                    );
                }
            }
            if w.kind == WorkloadKind::Aks {
                let s = &d.services[ws.ix()];
                for (svc, group, why) in [
                    (
                        c.svc(s.container_registry),
                        "registry",
                        "pull the model image (E6)",
                    ),
                    (c.svc(s.storage), "blob", "download the model (E6)"),
                    (
                        Some(s.name.clone()),
                        "amlworkspace",
                        "talk to the workspace (E6)",
                    ),
                ] {
                    if let Some(svc) = svc {
                        c.add(
                            Stage::Inference,
                            why,
                            &w.name,
                            &format!("{svc}:{group}"),
                            Protocol::Tcp,
                            443,
                            "E6",
                        );
                    }
                }
                c.add(
                    Stage::Inference,
                    "pull system images from mcr.microsoft.com (E6)",
                    &w.name,
                    &format!("service:MicrosoftContainerRegistry.{}", region(w)),
                    Protocol::Tcp,
                    443,
                    "E6",
                );
                for cl in &clients {
                    c.add(Stage::Inference, "the scoring client calls the AKS inference endpoint (internal load balancer, E6)", cl, &w.name, Protocol::Tcp, 443, "E6");
                }
            }
            if w.kind == WorkloadKind::OnlineEndpoint && !w.public_network_access {
                for cl in &clients {
                    c.add(Stage::Inference, format!("scoring {} through the workspace private endpoint (public ingress disabled, E5)", w.name), cl, &format!("{}:amlworkspace", s.name), Protocol::Tcp, 443, "E5");
                }
            }
        }
        // DNS: every private endpoint of the workspace family, from every VNet that uses it.
        let mut users: Vec<&crate::model::Workload> = members.iter().map(|(_, w)| *w).collect();
        users.extend(
            d.workloads
                .iter()
                .filter(|w| w.kind == WorkloadKind::Jumpbox),
        );
        // On-premises ML users resolve through their own DNS server (A3).
        let mut askers: Vec<(String, String)> = Vec::new();
        let mut vnets_seen = Vec::new();
        for u in users {
            let v = d.subnets[u.subnet.ix()].vnet;
            if vnets_seen.contains(&v) {
                continue;
            }
            vnets_seen.push(v);
            askers.push((
                u.name.clone(),
                format!("from VNet {}", d.vnets[v.ix()].name),
            ));
        }
        for c in d
            .clients
            .iter()
            .filter(|c| c.kind == ClientKind::OnPrem && clients.contains(&c.name))
        {
            let how = match c.dns_server {
                Some(ip) => format!("on-premises, through DNS server {ip}"),
                None => "on-premises, with no DNS server in the design".to_string(),
            };
            askers.push((c.name.clone(), how));
        }
        for (asker, whence) in askers {
            for sid in [
                Some(ws),
                s.storage,
                s.key_vault,
                s.container_registry,
                s.ai_services,
                s.search,
            ]
            .into_iter()
            .flatten()
            {
                let svc = &d.services[sid.ix()];
                let mut groups: Vec<&str> = svc
                    .private_endpoints
                    .iter()
                    .map(|p| &d.private_endpoints[p.ix()])
                    .filter(|p| p.state == PeState::Approved)
                    .map(|p| p.group.as_str())
                    .collect();
                groups.sort();
                groups.dedup();
                for g in groups {
                    c.add(
                        Stage::Dns,
                        format!(
                            "{asker} resolves {}:{g} to its private endpoint {whence} (C3)",
                            svc.name,
                        ),
                        &asker,
                        &format!("{}:{g}", svc.name),
                        Protocol::Tcp,
                        443,
                        "C3",
                    );
                }
            }
        }
    }
    c.out.sort_by_key(|f| f.stage);
    c.out
}

/// Traces one required flow; for a DNS flow, checks the name resolved to a private endpoint of
/// the service. A broken flow gets its smallest fix, searched after the plan's earlier fixes.
pub fn evaluate(d: &Design, f: RequiredFlow, plan: &mut fix::Plan<'_>) -> FlowResult {
    evaluate_with(d, f, plan, false).0
}

/// [`evaluate`]; with `record`, also what the verdict read (see [`Touch`]): the parts of the
/// design the trace's decisions read, what the names of the services at its ends resolve to,
/// and for a DNS flow the private DNS and its service's names. Empty without `record`.
pub(super) fn evaluate_with(
    d: &Design,
    f: RequiredFlow,
    plan: &mut fix::Plan<'_>,
    record: bool,
) -> (FlowResult, Vec<Touch>) {
    let opts = TraceOptions {
        record_touches: record,
        ..TraceOptions::default()
    };
    let Some(mut t) = run_with(d, &f, opts) else {
        let r = FlowResult {
            verdict: format!("cannot trace {} → {}", f.from, f.to),
            flow: f,
            works: false,
            trace: None,
            fix: None,
        };
        return (r, Vec::new());
    };
    let mut touched = std::mem::take(&mut t.touched);
    if record {
        for (name, side) in [(&f.from, Side::Source), (&f.to, Side::Destination)] {
            if let Ok(e) = parse_endpoint(d, name, side) {
                touched.extend(crate::check::endpoint_touch(&e));
            }
        }
        if f.stage == Stage::Dns {
            touched.push(Touch::Dns);
            let svc = f.to.split(':').next().unwrap_or_default();
            touched.extend(d.service_by_name(svc).map(Touch::ServiceNames));
        }
        touched.sort_unstable();
        touched.dedup();
    }
    let (works, verdict) = judge(d, &f, &t);
    let fix = if works {
        None
    } else {
        fix::search(d, &f, plan)
    };
    let r = FlowResult {
        flow: f,
        works,
        verdict,
        trace: Some(t),
        fix,
    };
    (r, touched)
}

/// Traces a required flow in a design (used again on edited designs by the fix search).
pub fn run(d: &Design, f: &RequiredFlow) -> Option<Trace> {
    run_with(d, f, TraceOptions::default())
}

fn run_with(d: &Design, f: &RequiredFlow, opts: TraceOptions) -> Option<Trace> {
    let src = parse_endpoint(d, &f.from, Side::Source).ok()?;
    let dst = parse_endpoint(d, &f.to, Side::Destination).ok()?;
    let origin = origin_of(d, &src).ok()?;
    Some(trace_from(
        d, origin, &dst, f.protocol, f.port, &f.from, &f.to, opts,
    ))
}

/// Whether a traced required flow works, with a one-line verdict.
pub fn judge(d: &Design, f: &RequiredFlow, t: &Trace) -> (bool, String) {
    if f.stage != Stage::Dns {
        return (t.verdict.allowed(), t.verdict.to_string());
    }
    let svc = f.to.split(':').next().unwrap_or_default();
    let private = d.service_by_name(svc).is_some_and(|s| {
        d.services[s.ix()]
            .private_endpoints
            .iter()
            .any(|p| d.private_endpoints[p.ix()].ip == t.flow.dst)
    });
    if private {
        (true, format!("resolves to private endpoint {}", t.flow.dst))
    } else if matches!(t.verdict, crate::trace::Verdict::Unresolved { .. }) {
        (false, t.verdict.to_string())
    } else {
        (
            false,
            format!(
                "resolves to {}, not to a private endpoint of {svc} (public address)",
                t.flow.dst
            ),
        )
    }
}
