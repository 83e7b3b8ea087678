//! ARM workloads (VMs and their NICs, application gateways, API Management, DNS resolver inbound endpoints, AKS, Azure ML computes) → records.

use super::*;

impl Mapper<'_> {
    pub(super) fn workloads(&mut self) {
        // Virtual machines, through their first NIC.
        for r in self.of_type("microsoft.compute/virtualmachines") {
            self.used.insert(r.key());
            let nics: Vec<String> = pget(&r.body, &["networkProfile"])
                .and_then(|n| n.get("networkInterfaces"))
                .map(|l| l.items().iter().filter_map(ref_id).collect())
                .unwrap_or_default();
            let Some(nic_id) = nics.first().cloned() else {
                self.note(
                    &r,
                    r.at,
                    Outcome::Dropped,
                    "networkProfile",
                    "a VM without a known NIC is left out",
                );
                continue;
            };
            if nics.len() > 1 {
                self.note(
                    &r,
                    r.at,
                    Outcome::Approximated,
                    "networkProfile.networkInterfaces",
                    "several NICs: only the first is modelled",
                );
            }
            let role = r
                .body
                .path(&["tags", "vnetlab-role"])
                .and_then(J::as_str)
                .and_then(WorkloadKind::parse)
                .unwrap_or(WorkloadKind::Vm);
            self.nic_workload(&r, &nic_id, role);
        }
        for r in self.of_type("microsoft.network/bastionhosts") {
            self.used.insert(r.key());
            let cfg = pget(&r.body, &["ipConfigurations"]).and_then(|l| l.items().first().cloned());
            let Some(subnet) = cfg.as_ref().and_then(|c| {
                self.subnet_ref(&r, c.at, pget(c, &["subnet"]), "ipConfigurations.subnet")
            }) else {
                continue;
            };
            let pip = cfg
                .as_ref()
                .and_then(|c| self.public_ip(&r, pget(c, &["publicIPAddress"])));
            let mut w = workload(WorkloadKind::Bastion, subnet);
            w.public_ip = Some(pip.map_or(PublicIpSku::Standard, |p| p.0));
            w.public_ip_address = pip.and_then(|p| p.1).map(|i| sp(Ip(i)));
            let name = self.b.name(Namespace::Endpoint, &r.key(), r.short());
            let s = self.src(&r, r.at);
            self.b.workload(&name, w, &s);
        }
        for r in self.of_type("microsoft.network/applicationgateways") {
            self.app_gateway(&r);
        }
        for r in self.of_type("microsoft.apimanagement/service") {
            self.api_management(&r);
        }
        for r in self.of_type("microsoft.network/dnsresolvers/inboundendpoints") {
            self.resolver_inbound(&r);
        }
        for r in self.of_type("microsoft.containerservice/managedclusters") {
            self.aks(&r);
        }
        for r in self.of_type("microsoft.machinelearningservices/workspaces/computes") {
            self.compute(&r);
        }
        for r in self.of_type("microsoft.network/networkinterfaces") {
            if !self.used.contains(&r.key()) && pget(&r.body, &["privateEndpoint"]).is_none() {
                self.note(
                    &r,
                    r.at,
                    Outcome::Dropped,
                    "networkInterface",
                    "a NIC not attached to an imported VM is left out",
                );
            }
            self.used.insert(r.key());
        }
    }

    pub(super) fn nic_workload(&mut self, vm: &Res, nic_id: &str, kind: WorkloadKind) {
        self.used.insert(nic_id.to_string());
        let Some(nic) = self.by_id.get(nic_id).cloned() else {
            self.note(
                vm,
                vm.at,
                Outcome::Dropped,
                "networkInterfaces",
                format!("NIC `{nic_id}` is not in the input; the VM is left out"),
            );
            return;
        };
        let cfgs = pget(&nic.body, &["ipConfigurations"])
            .map(|l| l.items().to_vec())
            .unwrap_or_default();
        let Some(cfg) = cfgs.first() else { return };
        if cfgs.len() > 1 {
            self.note(
                &nic,
                nic.at,
                Outcome::Approximated,
                "ipConfigurations",
                "several IP configurations: only the first is modelled",
            );
        }
        let Some(subnet) = self.subnet_ref(
            &nic,
            cfg.at,
            pget(cfg, &["subnet"]),
            "ipConfigurations.subnet",
        ) else {
            return;
        };
        let mut w = workload(kind, subnet);
        w.ip = match pget(cfg, &["privateIPAddress"]) {
            Some(j) if j.is_unknown() => None,
            Some(j) => j.as_str().and_then(|s| s.parse().ok()).map(|ip| sp(Ip(ip))),
            None => None,
        };
        if let Some((sku, ip)) = self.public_ip(&nic, pget(cfg, &["publicIPAddress"])) {
            w.public_ip = Some(sku);
            w.public_ip_address = ip.map(|i| sp(Ip(i)));
        }
        w.nsg = pget(&nic.body, &["networkSecurityGroup"])
            .and_then(ref_id)
            .and_then(|id| {
                self.named(
                    &nic,
                    nic.at,
                    Namespace::Nsg,
                    &id,
                    "networkSecurityGroup",
                    "NSG",
                )
            })
            .map(sp);
        w.ip_forwarding = pget(&nic.body, &["enableIPForwarding"])
            .and_then(J::as_bool)
            .filter(|f| *f);
        for a in pget(cfg, &["applicationSecurityGroups"])
            .map(J::items)
            .unwrap_or(&[])
            .to_vec()
        {
            if let Some(x) = self.asg_ref(&nic, &a) {
                w.asgs.push(sp(x.trim_start_matches("asg:").to_string()));
            }
        }
        let name = self.b.name(Namespace::Endpoint, &vm.key(), vm.short());
        let s = self.src(vm, vm.at);
        self.b.workload(&name, w, &s);
    }

    /// An application gateway: an `app_gateway` workload in its subnet (listeners, rules and
    /// WAF are not modelled).
    pub(super) fn app_gateway(&mut self, r: &Res) {
        self.used.insert(r.key());
        let cfg =
            pget(&r.body, &["gatewayIPConfigurations"]).and_then(|l| l.items().first().cloned());
        let Some(subnet) = cfg.as_ref().and_then(|c| {
            self.subnet_ref(
                r,
                c.at,
                pget(c, &["subnet"]),
                "gatewayIPConfigurations.subnet",
            )
        }) else {
            if cfg.is_none() {
                self.note(
                    r,
                    r.at,
                    Outcome::Dropped,
                    "gatewayIPConfigurations",
                    "an application gateway without a subnet is left out",
                );
            }
            return;
        };
        let mut w = workload(WorkloadKind::AppGateway, subnet);
        let frontends = pget(&r.body, &["frontendIPConfigurations"])
            .map(|l| l.items().to_vec())
            .unwrap_or_default();
        for f in &frontends {
            if let Some(ip) = pget(f, &["privateIPAddress"])
                .and_then(J::as_str)
                .and_then(|s| s.parse().ok())
            {
                w.ip = Some(sp(Ip(ip)));
            }
            if pget(f, &["publicIPAddress"]).is_some()
                && let Some((sku, ip)) = self.public_ip(r, pget(f, &["publicIPAddress"]))
            {
                w.public_ip = Some(sku);
                w.public_ip_address = ip.map(|i| sp(Ip(i)));
            }
        }
        self.note(r, r.at, Outcome::Approximated, "applicationGateway", "imported as an app_gateway workload in its subnet: listeners, routing rules, backends and WAF policy are not modelled");
        let name = self.b.name(Namespace::Endpoint, &r.key(), r.short());
        let s = self.src(r, r.at);
        self.b.workload(&name, w, &s);
    }

    /// An API Management instance injected in a VNet (`virtualNetworkType` External or
    /// Internal): an `api_management` workload in its subnet (APIs and backends, the listeners,
    /// are not modelled). One outside every VNet (`None`) is left to the unmodelled note.
    pub(super) fn api_management(&mut self, r: &Res) {
        let mode = pget(&r.body, &["virtualNetworkType"])
            .and_then(J::as_str)
            .unwrap_or("None")
            .to_ascii_lowercase();
        let mode = match mode.as_str() {
            "external" => ApimVnetType::External,
            "internal" => ApimVnetType::Internal,
            _ => return,
        };
        self.used.insert(r.key());
        let Some(subnet) = self.subnet_ref(
            r,
            r.at,
            pget(&r.body, &["virtualNetworkConfiguration"]).and_then(|c| c.get("subnetResourceId")),
            "virtualNetworkConfiguration.subnetResourceId",
        ) else {
            return;
        };
        let mut w = workload(WorkloadKind::ApiManagement, subnet);
        w.virtual_network_type = Some(mode);
        let first = |key: &str| {
            pget(&r.body, &[key])
                .and_then(|l| l.items().first().and_then(J::as_str).map(str::to_string))
                .and_then(|s| s.parse::<Ipv4Addr>().ok())
        };
        w.ip = first("privateIPAddresses").map(|ip| sp(Ip(ip)));
        if mode == ApimVnetType::External {
            match self.public_ip(r, pget(&r.body, &["publicIpAddressId"])) {
                Some((sku, ip)) => {
                    w.public_ip = Some(sku);
                    w.public_ip_address = ip.map(|i| sp(Ip(i)));
                }
                None => {
                    w.public_ip = Some(PublicIpSku::Standard);
                    w.public_ip_address = first("publicIPAddresses").map(|ip| sp(Ip(ip)));
                }
            }
        }
        self.note(r, r.at, Outcome::Approximated, "apiManagement", "imported as an api_management workload in its subnet with its VNet mode: APIs and backends (listeners) are not modelled");
        let name = self.b.name(Namespace::Endpoint, &r.key(), r.short());
        let s = self.src(r, r.at);
        self.b.workload(&name, w, &s);
    }

    /// A DNS private resolver's inbound endpoint: a `dns_server` workload at its address that
    /// forwards to Azure DNS (forwarding rulesets are not modelled).
    pub(super) fn resolver_inbound(&mut self, r: &Res) {
        self.used.insert(r.key());
        if let Some(p) = parent_id(&r.key()) {
            self.used.insert(p);
        }
        let cfg = pget(&r.body, &["ipConfigurations"]).and_then(|l| l.items().first().cloned());
        let Some(subnet) = cfg.as_ref().and_then(|c| {
            self.subnet_ref(r, c.at, pget(c, &["subnet"]), "ipConfigurations.subnet")
        }) else {
            if cfg.is_none() {
                self.note(
                    r,
                    r.at,
                    Outcome::Dropped,
                    "ipConfigurations",
                    "an inbound endpoint without a subnet is left out",
                );
            }
            return;
        };
        let mut w = workload(WorkloadKind::DnsServer, subnet);
        w.ip = cfg
            .as_ref()
            .and_then(|c| pget(c, &["privateIpAddress", "privateIPAddress"]))
            .and_then(J::as_str)
            .and_then(|s| s.parse().ok())
            .map(|ip| sp(Ip(ip)));
        w.forwards_to_azure_dns = Some(true);
        self.note(r, r.at, Outcome::Approximated, "dnsResolvers/inboundEndpoints", "a DNS private resolver's inbound endpoint is imported as a DNS server forwarding to Azure DNS; forwarding rulesets and outbound endpoints are not modelled");
        let name = self.b.name(Namespace::Endpoint, &r.key(), r.short());
        let s = self.src(r, r.at);
        self.b.workload(&name, w, &s);
    }

    pub(super) fn aks(&mut self, r: &Res) {
        self.used.insert(r.key());
        let pool = pget(&r.body, &["agentPoolProfiles"]).and_then(|l| l.items().first().cloned());
        let Some(pool) = pool else {
            self.note(
                r,
                r.at,
                Outcome::Dropped,
                "agentPoolProfiles",
                "an AKS cluster without a node pool is left out",
            );
            return;
        };
        let Some(subnet) = self.subnet_ref(
            r,
            pool.at,
            pool.get("vnetSubnetID"),
            "agentPoolProfiles.vnetSubnetID",
        ) else {
            return;
        };
        let mut w = workload(WorkloadKind::Aks, subnet);
        w.node_count = pool
            .get("count")
            .and_then(J::as_int)
            .map(|n| sp(n.clamp(0, u32::MAX as i64) as u32));
        w.max_nodes = pool
            .get("maxCount")
            .and_then(J::as_int)
            .map(|n| sp(n.clamp(0, u32::MAX as i64) as u32));
        w.max_pods = pool
            .get("maxPods")
            .and_then(J::as_int)
            .map(|n| n.clamp(0, u32::MAX as i64) as u32);
        let np = pget(&r.body, &["networkProfile"]);
        let plugin = np
            .and_then(|n| n.get("networkPlugin"))
            .and_then(J::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        let mode = np
            .and_then(|n| n.get("networkPluginMode"))
            .and_then(J::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        w.network_plugin = match (plugin.as_str(), mode.as_str()) {
            ("azure", "overlay") => Some(NetworkPlugin::AzureCniOverlay),
            ("azure", _) => Some(NetworkPlugin::AzureCni),
            ("kubenet", _) => Some(NetworkPlugin::Kubenet),
            _ => None,
        };
        let api = pget(&r.body, &["apiServerAccessProfile"]);
        w.private_cluster = api
            .and_then(|a| a.get("enablePrivateCluster"))
            .and_then(J::as_bool);
        for range in api
            .and_then(|a| a.get("authorizedIPRanges"))
            .map(J::items)
            .unwrap_or_default()
        {
            match range.as_str().and_then(aks_range) {
                Some(net) => w.authorized_ip_ranges.push(sp(Cidr(net))),
                None => self.note(r, range.at, Outcome::Dropped, "apiServerAccessProfile.authorizedIPRanges", "an authorized range that is not an address or a prefix without host bits is left out"),
            }
        }
        if let Some(t) = np.and_then(|n| n.get("outboundType")) {
            let kind = match t.as_str().map(str::to_ascii_lowercase).as_deref() {
                Some("loadbalancer") => Some(AksOutboundType::LoadBalancer),
                Some("userdefinedrouting") => Some(AksOutboundType::UserDefinedRouting),
                Some("managednatgateway") => Some(AksOutboundType::ManagedNatGateway),
                Some("userassignednatgateway") => Some(AksOutboundType::UserAssignedNatGateway),
                _ => None,
            };
            match kind {
                Some(k) => w.outbound_type = Some(k),
                None => self.note(
                    r,
                    t.at,
                    Outcome::Dropped,
                    "networkProfile.outboundType",
                    "an outbound type vnetlab does not know is left out (load_balancer is assumed)",
                ),
            }
        }
        let name = self.b.name(Namespace::Endpoint, &r.key(), r.short());
        let s = self.src(r, r.at);
        self.b.workload(&name, w, &s);
    }

    pub(super) fn compute(&mut self, r: &Res) {
        self.used.insert(r.key());
        let p = props(&r.body);
        let inner = p.get("properties").unwrap_or(p);
        let ctype = p
            .get("computeType")
            .or_else(|| r.body.get("type"))
            .and_then(J::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        let ws_id = parent_id(&r.key()).unwrap_or_default();
        let workspace = self
            .b
            .name_of(Namespace::Endpoint, &ws_id)
            .map(str::to_string);
        let kind = match ctype.as_str() {
            "amlcompute" => WorkloadKind::ComputeCluster,
            "computeinstance" => WorkloadKind::ComputeInstance,
            "aks" | "kubernetes" => {
                // An attached cluster: the AKS resource itself is the workload.
                if let Some(aks) = inner
                    .get("resourceId")
                    .or_else(|| p.get("resourceId"))
                    .and_then(ref_id)
                    && let Some(name) = self
                        .b
                        .name_of(Namespace::Endpoint, &aks)
                        .map(str::to_string)
                    && let Some(w) = self.b.file.workloads.get_mut(&name)
                {
                    w.workspace = workspace.map(sp);
                } else {
                    self.note(r, r.at, Outcome::Dropped, "computeType", "an attached Kubernetes compute whose cluster is not in the input is left out");
                }
                return;
            }
            other => {
                self.note(
                    r,
                    r.at,
                    Outcome::Dropped,
                    "computeType",
                    format!("compute type `{other}` has no counterpart"),
                );
                return;
            }
        };
        let subnet_j = inner
            .get("subnet")
            .or_else(|| r.body.path(&["network_settings", "subnet"]));
        let Some(subnet_j) = subnet_j else {
            self.note(r, r.at, Outcome::Dropped, "subnet", "a compute without a subnet runs in the workspace's managed network, which vnetlab models on the workspace; left out");
            return;
        };
        let Some(subnet) = self.subnet_ref(r, subnet_j.at, Some(subnet_j), "subnet") else {
            return;
        };
        let mut w = workload(kind, subnet);
        w.workspace = workspace.map(sp);
        let public = inner
            .get("enableNodePublicIp")
            .or_else(|| r.body.get("enable_node_public_ip"))
            .and_then(J::as_bool);
        w.public_ip = Some(match public {
            Some(false) => PublicIpSku::None,
            Some(true) => PublicIpSku::Standard,
            None => {
                self.note(
                    r,
                    r.at,
                    Outcome::Approximated,
                    "enableNodePublicIp",
                    "not set: Azure's default is a public IP (true), read as a Standard public IP",
                );
                PublicIpSku::Standard
            }
        });
        // Compute instance `sshSettings.sshPublicAccess`, cluster `remoteLoginPortPublicAccess`
        // (`NotSpecified` closes the port for a compute in a VNet, which every imported one is).
        let ssh = inner
            .path(&["sshSettings", "sshPublicAccess"])
            .or_else(|| inner.get("remoteLoginPortPublicAccess"))
            .and_then(J::as_str);
        w.ssh_public_access = match ssh.map(str::to_ascii_lowercase).as_deref() {
            Some("enabled") => Some(Toggle::Enabled),
            Some("disabled") => Some(Toggle::Disabled),
            _ => None,
        };
        if kind == WorkloadKind::ComputeCluster {
            w.max_nodes = inner
                .path(&["scaleSettings", "maxNodeCount"])
                .or_else(|| r.body.get("max_instances"))
                .and_then(J::as_int)
                .map(|n| sp(n.clamp(0, u32::MAX as i64) as u32));
        }
        let name = self.b.name(Namespace::Endpoint, &r.key(), r.short());
        let s = self.src(r, r.at);
        self.b.workload(&name, w, &s);
    }
}
