//! Lowering the inference ingress settings of workloads: an application gateway's WAF mode and
//! listeners (a reverse proxy to backend pools), an AKS cluster's API server access and
//! outbound type (docs/semantics.md I1–I6).

use super::*;
use crate::format::{ApimVnetType, Frontend, WorkloadDef};

/// A workload's ingress settings, as the model holds them.
pub(super) struct Ingress {
    pub(super) waf: WafMode,
    pub(super) listeners: Vec<Listener>,
    pub(super) api_server: ApiServer,
    pub(super) outbound_type: crate::format::AksOutboundType,
}

impl Builder<'_, '_> {
    /// The ingress settings of workload `name`, with an error for each setting its kind does
    /// not have and each listener that names nothing.
    pub(super) fn ingress(&mut self, name: &str, w: &WorkloadDef) -> Ingress {
        let gateway = w.kind == WorkloadKind::AppGateway;
        let apim = w.kind == WorkloadKind::ApiManagement;
        let aks = w.kind == WorkloadKind::Aks;
        for (key, present, ok, kind) in [
            ("waf", w.waf.is_some(), gateway, "app_gateway"),
            (
                "listeners",
                !w.listeners.is_empty(),
                gateway || apim,
                "app_gateway and api_management",
            ),
            (
                "virtual_network_type",
                w.virtual_network_type.is_some(),
                apim,
                "api_management",
            ),
            ("private_cluster", w.private_cluster.is_some(), aks, "aks"),
            (
                "authorized_ip_ranges",
                !w.authorized_ip_ranges.is_empty(),
                aks,
                "aks",
            ),
            ("outbound_type", w.outbound_type.is_some(), aks, "aks"),
        ] {
            if present && !ok {
                self.d
                    .error(
                        w.pos.0,
                        "workload-key",
                        format!(
                            "`{key}` is only for {kind} workloads, and `{name}` is a {}",
                            w.kind
                        ),
                    )
                    .help(format!("remove `{key}`"));
            }
        }
        let internal = apim && self.apim_mode(name, w) == Some(ApimVnetType::Internal);
        // The name table of every workload is made once (`Names::workloads`), not per workload:
        // that made loading T3's 5,000 workloads quadratic.
        let names = std::mem::take(&mut self.names.workloads);
        let mut listeners = Vec::new();
        let mut ports = std::collections::BTreeSet::new();
        for l in &w.listeners {
            let port = l.port.value;
            if internal && l.frontend == Some(Frontend::Public) {
                self.d
                    .error(
                        l.pos.0,
                        "listener",
                        format!("`{name}` is in internal mode: its gateway has no public frontend"),
                    )
                    .help("set `virtual_network_type: external`, or `frontend: private`");
            }
            if port == 0 {
                self.d
                    .error(l.port.span(), "listener", "a listener's port is 1 to 65535")
                    .help("use the port clients connect to, e.g. 443");
            }
            let public = match l.frontend {
                Some(Frontend::Public) => {
                    if w.public_ip.unwrap_or_default() == PublicIpSku::None {
                        self.d
                            .error(l.pos.0, "listener", format!("listener on port {port} uses the public frontend, but `{name}` has no public IP"))
                            .help("set `public_ip: standard` on the gateway, or `frontend: private`");
                    }
                    true
                }
                Some(Frontend::Private) => false,
                None => !internal && w.public_ip.unwrap_or_default() != PublicIpSku::None,
            };
            if !ports.insert((port, public)) {
                self.d
                    .error(
                        l.port.span(),
                        "listener",
                        format!("two listeners of `{name}` use port {port} on the same frontend"),
                    )
                    .help("give each listener of a frontend its own port");
            }
            let mut backends = Vec::new();
            for b in &l.backends {
                if let Some(ip) = crate::net::parse_ipv4(&b.value) {
                    backends.push(Backend::Ip(ip));
                } else if b.value == name {
                    self.d.error(
                        b.span(),
                        "listener",
                        format!("`{name}` cannot be its own backend"),
                    );
                } else if let Some(id) = self.resolve(b, &names, "workload") {
                    backends.push(Backend::Workload(id));
                }
            }
            if l.backends.is_empty() {
                self.d
                    .error(
                        l.pos.0,
                        "listener",
                        format!("listener on port {port} of `{name}` has an empty backend pool"),
                    )
                    .help("name the workloads or addresses it forwards to in `backends`");
            }
            let backend_port = l.backend_port.as_ref().map_or(port, |p| p.value);
            if backend_port == 0 {
                self.d.error(
                    l.backend_port.as_ref().map_or(l.pos.0, |p| p.span()),
                    "listener",
                    "a backend port is 1 to 65535",
                );
            }
            listeners.push(Listener {
                port,
                public,
                backends,
                backend_port,
            });
        }
        let api_server = match (w.private_cluster, w.authorized_ip_ranges.is_empty()) {
            (Some(true), empty) => {
                if !empty {
                    self.d
                        .warning(w.authorized_ip_ranges[0].span(), "api-server", format!("`{name}` is a private cluster: authorized IP ranges apply only to a public API server"))
                        .help("remove `authorized_ip_ranges`");
                }
                ApiServer::Private
            }
            (_, true) => ApiServer::Public,
            (_, false) => {
                ApiServer::Authorized(w.authorized_ip_ranges.iter().map(|c| c.value.0).collect())
            }
        };
        self.names.workloads = names;
        Ingress {
            waf: w.waf.unwrap_or_default(),
            listeners,
            api_server,
            outbound_type: w.outbound_type.unwrap_or_default(),
        }
    }
}

impl Builder<'_, '_> {
    /// An API Management instance's VNet mode, with an error when it is missing (I11): an
    /// instance in a subnet is injected in `external` or `internal` mode, and the two expose
    /// different things. External mode's public frontend needs a public IP.
    fn apim_mode(&mut self, name: &str, w: &WorkloadDef) -> Option<ApimVnetType> {
        match w.virtual_network_type {
            None => {
                self.d
                    .error(w.pos.0, "api-management", format!("API Management `{name}` is in a subnet but says neither `virtual_network_type: external` nor `internal`"))
                    .help("external: its gateway is public and in the VNet; internal: reached only at its private address");
                None
            }
            Some(ApimVnetType::External)
                if w.public_ip.unwrap_or_default() == PublicIpSku::None =>
            {
                self.d
                    .error(
                        w.pos.0,
                        "api-management",
                        format!(
                            "API Management `{name}` is in external mode, which needs a public IP"
                        ),
                    )
                    .help("set `public_ip: standard`");
                Some(ApimVnetType::External)
            }
            m => m,
        }
    }
}
