//! Workloads (VMs through their NIC, Bastion, AKS, Azure ML computes), PaaS services (storage,
//! key vault, container registry, Application Insights, Azure ML workspace) with their network
//! rules, private endpoints with DNS zone groups, private DNS zones, A records and VNet links.

use super::{Attrs, Mapper, record};
use crate::emit::Namespace;
use crate::report::{Outcome, Source};
use crate::terraform::Instance;
use serde_json::{Value as J, json};
use vnetlab_core::format::{PrivateEndpointDef, PrivateZoneDef, ServiceDef, Spanned, WorkloadDef};

/// Services first (workloads name their workspace), then workloads, endpoints and DNS.
pub fn map(m: &mut Mapper) {
    services(m);
    workloads(m);
    private_endpoints(m);
    dns(m);
}

fn public_access(a: Attrs) -> Option<&'static str> {
    a.b("public_network_access_enabled")
        .map(|e| if e { "enabled" } else { "disabled" })
}

fn add_service(m: &mut Mapper, inst: &Instance, def: J) -> Option<String> {
    let name = m.name_for(Namespace::Endpoint, inst);
    match record::<ServiceDef>(def) {
        Ok(d) => {
            m.b.service(&name, d, &inst.source);
            m.register("service", inst, &name);
            Some(name)
        }
        Err(e) => {
            m.note(
                &inst.source,
                Outcome::Dropped,
                &inst.rtype,
                format!("left out: {e}"),
            );
            None
        }
    }
}

/// IP rules as CIDRs (a bare address is its /32).
fn cidrs(list: Vec<String>) -> Vec<String> {
    list.into_iter()
        .map(|s| {
            if s.contains('/') {
                s
            } else {
                format!("{s}/32")
            }
        })
        .collect()
}

/// The `network_rules`/`network_acls` block of storage and key vault.
fn acl(m: &mut Mapper, src: &Source, def: &mut J, acl: Attrs, subject: &str) {
    if let Some(d) = acl.s("default_action") {
        def["default_action"] = json!(d.to_ascii_lowercase());
    }
    let bypass = acl.strs("bypass");
    if !bypass.is_empty() {
        def["trusted_services"] = json!(bypass.iter().any(|b| b == "AzureServices"));
    }
    let ips = cidrs(acl.strs("ip_rules"));
    if !ips.is_empty() {
        def["ip_rules"] = json!(ips);
    }
    let mut rules = Vec::new();
    for id in acl.strs("virtual_network_subnet_ids") {
        if let Some(s) = m.lookup(
            "subnet",
            &id,
            src,
            &format!("{subject}.virtual_network_subnet_ids"),
        ) {
            rules.push(s);
        }
    }
    if !rules.is_empty() {
        def["virtual_network_rules"] = json!(rules);
    }
    let mut access = Vec::new();
    for pla in acl.blocks("private_link_access") {
        let Some(id) = pla.s("endpoint_resource_id") else {
            continue;
        };
        // A configuration reference (`tf://TYPE.NAME`) names its resource type by the azurerm
        // type; an Azure id by its provider segment.
        let (ty, resource) = match id.strip_prefix("tf://") {
            Some(addr) => {
                let rtype = addr
                    .split('.')
                    .find(|p| p.starts_with("azurerm_"))
                    .unwrap_or("");
                let ty = match rtype {
                    "azurerm_machine_learning_workspace" => {
                        Some("Microsoft.MachineLearningServices/workspaces")
                    }
                    "azurerm_search_service" => Some("Microsoft.Search/searchServices"),
                    "azurerm_cognitive_account" | "azurerm_ai_services" => {
                        Some("Microsoft.CognitiveServices/accounts")
                    }
                    _ => None,
                };
                let name = m.lookup("service", id, src, "private_link_access");
                (ty.map(str::to_string), name)
            }
            None => {
                let lower = id.to_ascii_lowercase();
                let ty = lower.find("/providers/").and_then(|i| {
                    let mut parts = id[i + "/providers/".len()..].split('/');
                    Some(format!("{}/{}", parts.next()?, parts.next()?))
                });
                (ty, Some(id.to_string()))
            }
        };
        match (ty, resource) {
            (Some(ty), Some(resource)) => {
                access.push(json!({ "resource_type": ty, "resource": resource }));
            }
            _ => m.note(
                src,
                Outcome::Dropped,
                "private_link_access",
                format!("`{id}`: its resource type or instance is not known; the rule is left out"),
            ),
        }
    }
    if !access.is_empty() {
        def["resource_access_rules"] = json!(access);
    }
}

/// The services of type `resource`, of kind `kind`, whose network ACL is the nested block
/// `acl_block` (a storage account's `network_rules`, a key vault's `network_acls`).
fn with_acl(m: &mut Mapper, resource: &str, kind: &str, acl_block: &str) {
    for inst in m.take(resource) {
        let a = Attrs(&inst.attrs);
        let mut def = json!({ "kind": kind });
        if let Some(p) = public_access(a) {
            def["public_network_access"] = json!(p);
        }
        if let Some(n) = a.block(acl_block) {
            acl(m, &inst.source, &mut def, n, acl_block);
        }
        add_service(m, inst, def);
    }
}

fn services(m: &mut Mapper) {
    with_acl(m, "azurerm_storage_account", "storage", "network_rules");
    for inst in m.take("azurerm_storage_account_network_rules") {
        let a = Attrs(&inst.attrs);
        let Some(sa) = a
            .s("storage_account_id")
            .and_then(|id| m.lookup("service", id, &inst.source, "storage_account_id"))
        else {
            continue;
        };
        let mut def = json!({});
        acl(
            m,
            &inst.source,
            &mut def,
            a,
            "azurerm_storage_account_network_rules",
        );
        let Some(svc) = m.b.file.services.get_mut(&sa) else {
            continue;
        };
        if let Some(d) = def["default_action"].as_str() {
            svc.default_action = vnetlab_core::format::DefaultAction::parse(d);
        }
        if let Some(t) = def["trusted_services"].as_bool() {
            svc.trusted_services = Some(t);
        }
        if let Ok(r) = record::<ServiceDef>(
            json!({ "kind": "storage", "ip_rules": def["ip_rules"].as_array().cloned().unwrap_or_default(), "virtual_network_rules": def["virtual_network_rules"].as_array().cloned().unwrap_or_default() }),
        ) {
            svc.ip_rules.extend(r.ip_rules);
            svc.virtual_network_rules.extend(r.virtual_network_rules);
        }
        m.b.note_more(&["services", &sa], &inst.source);
    }
    with_acl(m, "azurerm_key_vault", "key_vault", "network_acls");
    for inst in m.take("azurerm_container_registry") {
        let a = Attrs(&inst.attrs);
        let mut def = json!({ "kind": "container_registry" });
        if let Some(p) = public_access(a) {
            def["public_network_access"] = json!(p);
        }
        if let Some(n) = a.block("network_rule_set") {
            if let Some(d) = n.s("default_action") {
                def["default_action"] = json!(d.to_ascii_lowercase());
            }
            let ips: Vec<String> = n
                .blocks("ip_rule")
                .into_iter()
                .filter_map(|r| r.s("ip_range").map(str::to_string))
                .collect();
            if !ips.is_empty() {
                def["ip_rules"] = json!(cidrs(ips));
            }
        }
        if let Some(b) = a.s("network_rule_bypass_option") {
            def["trusted_services"] = json!(b == "AzureServices");
        }
        add_service(m, inst, def);
    }
    for inst in m.take("azurerm_application_insights") {
        let a = Attrs(&inst.attrs);
        let mut def = json!({ "kind": "app_insights" });
        if a.b("internet_ingestion_enabled") == Some(false) {
            m.note(
                &inst.source,
                Outcome::Dropped,
                "internet_ingestion_enabled",
                "public ingestion settings have no counterpart",
            );
        }
        if let Some(q) = a.b("internet_query_enabled") {
            def["public_network_access"] = json!(if q { "enabled" } else { "disabled" });
        }
        add_service(m, inst, def);
    }
    for inst in m.take("azurerm_machine_learning_workspace") {
        let a = Attrs(&inst.attrs);
        let mut def = json!({ "kind": "ml_workspace" });
        if let Some(p) = public_access(a) {
            def["public_network_access"] = json!(p);
        }
        for (tf, key) in [
            ("storage_account_id", "storage"),
            ("key_vault_id", "key_vault"),
            ("container_registry_id", "container_registry"),
            ("application_insights_id", "application_insights"),
        ] {
            if let Some(id) = a.s(tf)
                && let Some(s) = m.lookup("service", id, &inst.source, tf)
            {
                def[key] = json!(s);
            }
        }
        if let Some(mn) = a.block("managed_network") {
            let iso = match mn.s("isolation_mode") {
                Some("AllowInternetOutbound") => "allow_internet_outbound",
                Some("AllowOnlyApprovedOutbound") => "allow_only_approved_outbound",
                _ => "disabled",
            };
            def["managed_network"] = json!({ "isolation": iso });
        }
        if let Some(c) = a.s("image_build_compute_name") {
            let ws = m.name_for(Namespace::Endpoint, inst);
            m.pending_image_build
                .push((ws, c.to_string(), inst.source.clone()));
        }
        add_service(m, inst, def);
    }
    outbound_rules(m);
}

/// `azurerm_machine_learning_workspace_network_outbound_rule_*` into the workspace's managed
/// network.
fn outbound_rules(m: &mut Mapper) {
    for (rtype, kind) in [
        (
            "azurerm_machine_learning_workspace_network_outbound_rule_fqdn",
            "fqdn",
        ),
        (
            "azurerm_machine_learning_workspace_network_outbound_rule_private_endpoint",
            "private_endpoint",
        ),
        (
            "azurerm_machine_learning_workspace_network_outbound_rule_service_tag",
            "service_tag",
        ),
    ] {
        for inst in m.take(rtype) {
            let a = Attrs(&inst.attrs);
            let Some(ws) = a
                .s("workspace_id")
                .and_then(|id| m.lookup("service", id, &inst.source, "workspace_id"))
            else {
                continue;
            };
            let mut v = json!({ "name": a.s("name").unwrap_or("rule"), "kind": kind });
            match kind {
                "fqdn" => v["destination"] = json!(a.s("destination_fqdn")),
                "private_endpoint" => {
                    let Some(t) = a.s("service_resource_id").and_then(|id| {
                        m.lookup("service", id, &inst.source, "service_resource_id")
                    }) else {
                        continue;
                    };
                    v["service"] = json!(t);
                    v["subresource"] = json!(a.s("sub_resource_target"));
                }
                _ => {
                    v["service_tag"] = json!(a.s("service_tag"));
                    v["protocol"] = json!(
                        a.s("protocol")
                            .unwrap_or("*")
                            .replace('*', "any")
                            .to_ascii_lowercase()
                    );
                    v["port_ranges"] = json!(a.s("port_ranges").unwrap_or("*"));
                }
            }
            let rule = match record::<vnetlab_core::format::OutboundRuleDef>(v) {
                Ok(r) => r,
                Err(e) => {
                    m.note(
                        &inst.source,
                        Outcome::Dropped,
                        rtype,
                        format!("left out: {e}"),
                    );
                    continue;
                }
            };
            match m
                .b
                .file
                .services
                .get_mut(&ws)
                .and_then(|s| s.managed_network.as_mut())
            {
                Some(mn) => {
                    mn.outbound_rules.push(rule);
                    m.b.note_more(&["services", &ws], &inst.source);
                }
                None => m.note(
                    &inst.source,
                    Outcome::Dropped,
                    rtype,
                    "the workspace has no managed_network block; left out",
                ),
            }
        }
    }
}

/// Each workspace's `image_build_compute_name`, now that the computes are mapped: the compute
/// cluster of that Azure name, or a dropped note when the configuration has none.
pub(super) fn image_build_computes(m: &mut Mapper) {
    for (ws, compute, src) in std::mem::take(&mut m.pending_image_build) {
        let found = m
            .by_name
            .get(&("workload", compute.to_ascii_lowercase()))
            .cloned();
        match (found, m.b.file.services.get_mut(&ws)) {
            (Some(w), Some(def)) => def.image_build_compute = Some(Spanned::new(w)),
            _ => m.note(
                &src,
                Outcome::Dropped,
                "image_build_compute_name",
                format!("`{compute}` names no compute cluster of the configuration; left out"),
            ),
        }
    }
}

fn add_workload(m: &mut Mapper, inst: &Instance, name: &str, def: J) -> bool {
    match record::<WorkloadDef>(def) {
        Ok(d) => {
            m.b.workload(name, d, &inst.source);
            m.register("workload", inst, name);
            true
        }
        Err(e) => {
            m.note(
                &inst.source,
                Outcome::Dropped,
                &inst.rtype,
                format!("left out: {e}"),
            );
            false
        }
    }
}

fn pip_sku(m: &Mapper, id: &str) -> (&'static str, Option<String>) {
    match m.resolve(id) {
        Some(p) => {
            let a = Attrs(&p.attrs);
            let sku = if a.s("sku") == Some("Basic") {
                "basic"
            } else {
                "standard"
            };
            (sku, a.s("ip_address").map(str::to_string))
        }
        None => ("standard", None),
    }
}

fn workloads(m: &mut Mapper) {
    // NICs: what a VM's workload is made of.
    let nics = m.take("azurerm_network_interface");
    let nic_nsgs: Vec<(String, String, Source)> = m
        .take("azurerm_network_interface_security_group_association")
        .into_iter()
        .filter_map(|i| {
            let a = Attrs(&i.attrs);
            Some((
                a.s("network_interface_id")?.to_ascii_lowercase(),
                a.s("network_security_group_id")?.to_string(),
                i.source.clone(),
            ))
        })
        .collect();
    let nic_asgs: Vec<(String, String, Source)> = m
        .take("azurerm_network_interface_application_security_group_association")
        .into_iter()
        .filter_map(|i| {
            let a = Attrs(&i.attrs);
            Some((
                a.s("network_interface_id")?.to_ascii_lowercase(),
                a.s("application_security_group_id")?.to_string(),
                i.source.clone(),
            ))
        })
        .collect();
    let mut used = vec![false; nics.len()];
    let mut vms = m.take("azurerm_linux_virtual_machine");
    vms.extend(m.take("azurerm_windows_virtual_machine"));
    vms.extend(m.take("azurerm_virtual_machine"));
    for vm in vms {
        let a = Attrs(&vm.attrs);
        let ids = a.strs("network_interface_ids");
        let Some(first) = ids.first() else {
            m.note(
                &vm.source,
                Outcome::Dropped,
                &vm.rtype,
                "no network interface; left out",
            );
            continue;
        };
        if ids.len() > 1 {
            m.note(
                &vm.source,
                Outcome::Approximated,
                "network_interface_ids",
                "only the first NIC is kept",
            );
        }
        let Some(k) = nics.iter().position(|n| {
            Attrs(&n.attrs)
                .s("id")
                .is_some_and(|i| i.eq_ignore_ascii_case(first))
        }) else {
            m.note(
                &vm.source,
                Outcome::Dropped,
                "network_interface_ids",
                format!("`{first}` names no NIC of the configuration; the VM is left out"),
            );
            continue;
        };
        used[k] = true;
        let nic = nics[k];
        let na = Attrs(&nic.attrs);
        let cfgs = na.blocks("ip_configuration");
        if cfgs.len() > 1 {
            m.note(
                &nic.source,
                Outcome::Approximated,
                "ip_configuration",
                "only the first IP configuration is kept",
            );
        }
        let Some(cfg) = cfgs.first() else {
            m.note(
                &nic.source,
                Outcome::Dropped,
                &vm.rtype,
                "no ip_configuration on the NIC; left out",
            );
            continue;
        };
        let Some(subnet) = cfg
            .s("subnet_id")
            .and_then(|id| m.lookup("subnet", id, &nic.source, "ip_configuration.subnet_id"))
        else {
            continue;
        };
        let tags = a.block("tags");
        let kind = tags.and_then(|t| t.s("vnetlab-role")).unwrap_or("vm");
        if tags.and_then(|t| t.s("vnetlab-role")).is_none() {
            m.note(&vm.source, Outcome::Approximated, "role", "Terraform does not say what a VM is for: kind `vm` (tag it `vnetlab-role = \"jumpbox\"` or `\"dns_server\"` to choose)");
        }
        let mut def = json!({ "kind": kind, "subnet": subnet });
        if cfg.s("private_ip_address_allocation") == Some("Static")
            && let Some(ip) = cfg.s("private_ip_address")
        {
            def["ip"] = json!(ip);
        }
        if let Some(pip) = cfg.s("public_ip_address_id") {
            let (sku, addr) = pip_sku(m, pip);
            def["public_ip"] = json!(sku);
            if let Some(addr) = addr {
                def["public_ip_address"] = json!(addr);
            }
        }
        if na
            .b("ip_forwarding_enabled")
            .or(na.b("enable_ip_forwarding"))
            == Some(true)
        {
            def["ip_forwarding"] = json!(true);
        }
        let nic_id = na.s("id").unwrap_or("").to_ascii_lowercase();
        if let Some((_, nsg, src)) = nic_nsgs.iter().find(|(n, _, _)| *n == nic_id)
            && let Some(nsg) = m.lookup("NSG", nsg, src, "network_security_group_id")
        {
            def["nsg"] = json!(nsg);
        }
        let mut asgs = Vec::new();
        for (_, asg, src) in nic_asgs.iter().filter(|(n, _, _)| *n == nic_id) {
            if let Some(a) = m.lookup("ASG", asg, src, "application_security_group_id") {
                asgs.push(a);
            }
        }
        for id in cfg.strs("application_security_group_ids") {
            if let Some(a) = m.lookup("ASG", &id, &nic.source, "application_security_group_ids") {
                asgs.push(a);
            }
        }
        if !asgs.is_empty() {
            def["asgs"] = json!(asgs);
        }
        let name = m.name_for(Namespace::Endpoint, vm);
        if add_workload(m, vm, &name, def) {
            m.b.note_more(&["workloads", &name], &nic.source);
        }
    }
    for (nic, used) in nics.iter().zip(used) {
        if !used {
            m.note(
                &nic.source,
                Outcome::Dropped,
                "azurerm_network_interface",
                "no VM of the configuration uses it; left out",
            );
        }
    }
    for inst in m.take("azurerm_bastion_host") {
        let a = Attrs(&inst.attrs);
        let Some(cfg) = a.block("ip_configuration") else {
            m.note(
                &inst.source,
                Outcome::Dropped,
                &inst.rtype,
                "no ip_configuration; left out",
            );
            continue;
        };
        let Some(subnet) = cfg
            .s("subnet_id")
            .and_then(|id| m.lookup("subnet", id, &inst.source, "ip_configuration.subnet_id"))
        else {
            continue;
        };
        let mut def = json!({ "kind": "bastion", "subnet": subnet, "public_ip": "standard" });
        if let Some(addr) = cfg.s("public_ip_address_id").and_then(|p| pip_sku(m, p).1) {
            def["public_ip_address"] = json!(addr);
        }
        let name = m.name_for(Namespace::Endpoint, inst);
        add_workload(m, inst, &name, def);
    }
    for inst in m.take("azurerm_application_gateway") {
        let a = Attrs(&inst.attrs);
        let Some(subnet) = a
            .block("gateway_ip_configuration")
            .and_then(|c| c.s("subnet_id"))
            .and_then(|id| {
                m.lookup(
                    "subnet",
                    id,
                    &inst.source,
                    "gateway_ip_configuration.subnet_id",
                )
            })
        else {
            m.note(
                &inst.source,
                Outcome::Dropped,
                &inst.rtype,
                "an application gateway without a known subnet is left out",
            );
            continue;
        };
        let mut def = json!({ "kind": "app_gateway", "subnet": subnet });
        for f in a.blocks("frontend_ip_configuration") {
            if let Some(ip) = f.s("private_ip_address") {
                def["ip"] = json!(ip);
            }
            if let Some(pip) = f.s("public_ip_address_id") {
                let (sku, addr) = pip_sku(m, pip);
                def["public_ip"] = json!(sku);
                if let Some(addr) = addr {
                    def["public_ip_address"] = json!(addr);
                }
            }
        }
        m.note(&inst.source, Outcome::Approximated, "azurerm_application_gateway", "imported as an app_gateway workload in its subnet: listeners, routing rules, backends and WAF policy are not modelled");
        let name = m.name_for(Namespace::Endpoint, inst);
        add_workload(m, inst, &name, def);
    }
    for inst in m.take("azurerm_api_management") {
        let a = Attrs(&inst.attrs);
        let mode = match a
            .s("virtual_network_type")
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("external") => "external",
            Some("internal") => "internal",
            _ => {
                m.note(&inst.source, Outcome::Dropped, &inst.rtype, "an API Management instance outside every VNet (virtual_network_type None) is not a design element; left out");
                continue;
            }
        };
        let Some(subnet) = a
            .block("virtual_network_configuration")
            .and_then(|c| c.s("subnet_id"))
            .and_then(|id| {
                m.lookup(
                    "subnet",
                    id,
                    &inst.source,
                    "virtual_network_configuration.subnet_id",
                )
            })
        else {
            m.note(
                &inst.source,
                Outcome::Dropped,
                &inst.rtype,
                "an API Management instance without a known subnet is left out",
            );
            continue;
        };
        let mut def =
            json!({ "kind": "api_management", "subnet": subnet, "virtual_network_type": mode });
        if mode == "external" {
            def["public_ip"] = json!("standard");
            if let Some(addr) = a.s("public_ip_address_id").and_then(|p| pip_sku(m, p).1) {
                def["public_ip_address"] = json!(addr);
            }
        }
        m.note(&inst.source, Outcome::Approximated, "azurerm_api_management", "imported as an api_management workload in its subnet with its VNet mode: APIs and backends (listeners) are not modelled");
        let name = m.name_for(Namespace::Endpoint, inst);
        add_workload(m, inst, &name, def);
    }
    for inst in m.take("azurerm_private_dns_resolver_inbound_endpoint") {
        let a = Attrs(&inst.attrs);
        let cfg = a.block("ip_configurations");
        let Some(subnet) = cfg
            .and_then(|c| c.s("subnet_id"))
            .and_then(|id| m.lookup("subnet", id, &inst.source, "ip_configurations.subnet_id"))
        else {
            m.note(
                &inst.source,
                Outcome::Dropped,
                &inst.rtype,
                "an inbound endpoint without a known subnet is left out",
            );
            continue;
        };
        let mut def =
            json!({ "kind": "dns_server", "subnet": subnet, "forwards_to_azure_dns": true });
        if let Some(ip) = cfg.and_then(|c| c.s("private_ip_address")) {
            def["ip"] = json!(ip);
        }
        m.note(&inst.source, Outcome::Approximated, "azurerm_private_dns_resolver_inbound_endpoint", "a DNS private resolver's inbound endpoint is imported as a DNS server forwarding to Azure DNS; forwarding rulesets and outbound endpoints are not modelled");
        let name = m.name_for(Namespace::Endpoint, inst);
        add_workload(m, inst, &name, def);
    }
    // Inference clusters attach an AKS cluster to a workspace.
    let attach: Vec<(String, String, Source)> = m
        .insts
        .iter()
        .filter(|i| i.rtype == "azurerm_machine_learning_inference_cluster")
        .filter_map(|i| {
            let a = Attrs(&i.attrs);
            Some((
                a.s("kubernetes_cluster_id")?.to_ascii_lowercase(),
                a.s("machine_learning_workspace_id")?.to_string(),
                i.source.clone(),
            ))
        })
        .collect();
    for inst in m.take("azurerm_kubernetes_cluster") {
        let a = Attrs(&inst.attrs);
        let Some(pool) = a.block("default_node_pool") else {
            m.note(
                &inst.source,
                Outcome::Dropped,
                &inst.rtype,
                "no default_node_pool; left out",
            );
            continue;
        };
        let Some(subnet) = pool.s("vnet_subnet_id").and_then(|id| {
            m.lookup(
                "subnet",
                id,
                &inst.source,
                "default_node_pool.vnet_subnet_id",
            )
        }) else {
            m.note(
                &inst.source,
                Outcome::Dropped,
                "azurerm_kubernetes_cluster",
                "no default_node_pool.vnet_subnet_id (a managed VNet has no counterpart); left out",
            );
            continue;
        };
        let mut def = json!({ "kind": "aks", "subnet": subnet });
        if let Some(n) = pool.n("node_count").or(pool.n("min_count")) {
            def["node_count"] = json!(n);
        }
        if let Some(n) = pool.n("max_count") {
            def["max_nodes"] = json!(n);
        }
        if let Some(n) = pool.n("max_pods") {
            def["max_pods"] = json!(n);
        }
        if let Some(np) = a.block("network_profile") {
            let plugin = match (np.s("network_plugin"), np.s("network_plugin_mode")) {
                (Some("azure"), Some("overlay")) => Some("azure_cni_overlay"),
                (Some("azure"), _) => Some("azure_cni"),
                (Some("kubenet"), _) => Some("kubenet"),
                (Some(other), _) => {
                    m.note(
                        &inst.source,
                        Outcome::Dropped,
                        "network_profile.network_plugin",
                        format!("`{other}` has no counterpart; the default is kept"),
                    );
                    None
                }
                _ => None,
            };
            if let Some(p) = plugin {
                def["network_plugin"] = json!(p);
            }
            if np.present("outbound_type") {
                match np.s("outbound_type") {
                    Some("loadBalancer") => def["outbound_type"] = json!("load_balancer"),
                    Some("userDefinedRouting") => {
                        def["outbound_type"] = json!("user_defined_routing")
                    }
                    Some("managedNATGateway") => def["outbound_type"] = json!("managed_nat_gateway"),
                    Some("userAssignedNATGateway") => {
                        def["outbound_type"] = json!("user_assigned_nat_gateway")
                    }
                    _ => m.note(
                        &inst.source,
                        Outcome::Dropped,
                        "network_profile.outbound_type",
                        "an outbound type vnetlab does not know is left out (load_balancer is assumed)",
                    ),
                }
            }
        }
        if let Some(p) = a.b("private_cluster_enabled") {
            def["private_cluster"] = json!(p);
        }
        // `api_server_access_profile.authorized_ip_ranges` (azurerm 3.x and later) or the older
        // top-level `api_server_authorized_ip_ranges`.
        let mut ranges = a
            .block("api_server_access_profile")
            .map(|p| p.strs("authorized_ip_ranges"))
            .unwrap_or_default();
        ranges.extend(a.strs("api_server_authorized_ip_ranges"));
        let mut kept = Vec::new();
        for r in ranges {
            let t = r.trim();
            let net = t
                .parse::<std::net::Ipv4Addr>()
                .ok()
                .and_then(|ip| ipnet::Ipv4Net::new(ip, 32).ok())
                .or_else(|| t.parse::<ipnet::Ipv4Net>().ok().filter(|n| n.trunc() == *n));
            match net {
                Some(n) => kept.push(n.to_string()),
                None => m.note(
                    &inst.source,
                    Outcome::Dropped,
                    "api_server_access_profile.authorized_ip_ranges",
                    format!("`{t}` is not an address or a prefix without host bits; left out"),
                ),
            }
        }
        if !kept.is_empty() {
            def["authorized_ip_ranges"] = json!(kept);
        }
        let id = a.s("id").unwrap_or("").to_ascii_lowercase();
        if let Some((_, ws, src)) = attach.iter().find(|(k, _, _)| *k == id)
            && let Some(ws) = m.lookup("service", ws, src, "machine_learning_workspace_id")
        {
            def["workspace"] = json!(ws);
        }
        let name = m.name_for(Namespace::Endpoint, inst);
        add_workload(m, inst, &name, def);
        if a.present("default_node_pool")
            && m.insts
                .iter()
                .any(|i| i.rtype == "azurerm_kubernetes_cluster_node_pool")
        {
            m.note(
                &inst.source,
                Outcome::Approximated,
                "default_node_pool",
                "only the default node pool is modelled",
            );
        }
    }
    for (rtype, kind) in [
        (
            "azurerm_machine_learning_compute_cluster",
            "compute_cluster",
        ),
        (
            "azurerm_machine_learning_compute_instance",
            "compute_instance",
        ),
    ] {
        for inst in m.take(rtype) {
            let a = Attrs(&inst.attrs);
            let Some(sid) = a.s("subnet_resource_id") else {
                m.note(&inst.source, Outcome::Dropped, rtype, "no subnet_resource_id: the compute runs in the workspace's managed network, which the design models through the workspace's managed_network; left out");
                continue;
            };
            let Some(subnet) = m.lookup("subnet", sid, &inst.source, "subnet_resource_id") else {
                continue;
            };
            let mut def = json!({ "kind": kind, "subnet": subnet });
            if let Some(ws) = a.s("machine_learning_workspace_id").and_then(|id| {
                m.lookup("service", id, &inst.source, "machine_learning_workspace_id")
            }) {
                def["workspace"] = json!(ws);
            }
            if let Some(n) = a
                .block("scale_settings")
                .and_then(|s| s.n("max_node_count"))
            {
                def["max_nodes"] = json!(n);
            }
            // azurerm: node_public_ip_enabled defaults to true (3.x: no argument, always public).
            let public = a.b("node_public_ip_enabled").unwrap_or(true);
            if a.b("node_public_ip_enabled").is_none() {
                m.note(
                    &inst.source,
                    Outcome::Approximated,
                    "node_public_ip_enabled",
                    "not set: the provider's default, a public IP per node",
                );
            }
            if public {
                def["public_ip"] = json!("standard");
            }
            if let Some(ssh) = a.b("ssh_public_access_enabled") {
                def["ssh_public_access"] = json!(if ssh { "enabled" } else { "disabled" });
            }
            let name = m.name_for(Namespace::Endpoint, inst);
            add_workload(m, inst, &name, def);
        }
    }
}

fn private_endpoints(m: &mut Mapper) {
    for inst in m.take("azurerm_private_endpoint") {
        let a = Attrs(&inst.attrs);
        let Some(subnet) = a
            .s("subnet_id")
            .and_then(|id| m.lookup("subnet", id, &inst.source, "subnet_id"))
        else {
            continue;
        };
        let Some(conn) = a.block("private_service_connection") else {
            m.note(
                &inst.source,
                Outcome::Dropped,
                &inst.rtype,
                "no private_service_connection; left out",
            );
            continue;
        };
        let Some(target) = conn.s("private_connection_resource_id").and_then(|id| {
            m.lookup(
                "service",
                id,
                &inst.source,
                "private_service_connection.private_connection_resource_id",
            )
        }) else {
            continue;
        };
        let groups = conn.strs("subresource_names");
        let Some(group) = groups.first() else {
            m.note(
                &inst.source,
                Outcome::Dropped,
                "subresource_names",
                "no subresource; left out",
            );
            continue;
        };
        let mut zones = Vec::new();
        for g in a.blocks("private_dns_zone_group") {
            for id in g.strs("private_dns_zone_ids") {
                match m
                    .resolve(&id)
                    .and_then(|z| Attrs(&z.attrs).s("name").map(str::to_string))
                {
                    Some(z) => zones.push(z),
                    None => match id.rsplit('/').next() {
                        Some(z) if id.starts_with('/') => zones.push(z.to_string()),
                        _ => m.note(
                            &inst.source,
                            Outcome::Dropped,
                            "private_dns_zone_ids",
                            format!("`{id}` names no private DNS zone of the configuration"),
                        ),
                    },
                }
            }
        }
        let Some(kind) = m.b.file.services.get(&target).map(|s| s.kind) else {
            continue;
        };
        let Some(sub) = vnetlab_core::model::catalog::subresource(kind, group) else {
            m.note(
                &inst.source,
                Outcome::Dropped,
                "subresource_names",
                format!("subresource `{group}` of a {kind} service is not modelled; the endpoint is left out"),
            );
            continue;
        };
        let mut def = json!({ "subnet": subnet, "group": sub.group, "zones": zones });
        if conn.b("is_manual_connection") == Some(true) {
            def["state"] = json!("pending");
            m.note(
                &inst.source,
                Outcome::Approximated,
                "is_manual_connection",
                "a manual connection waits for approval: state pending",
            );
        }
        if let Some(ip) = a
            .blocks("ip_configuration")
            .iter()
            .find_map(|c| c.s("private_ip_address"))
        {
            def["ip"] = json!(ip);
        }
        let pe = match record::<PrivateEndpointDef>(def) {
            Ok(pe) => pe,
            Err(e) => {
                m.note(
                    &inst.source,
                    Outcome::Dropped,
                    "azurerm_private_endpoint",
                    format!("left out: {e}"),
                );
                continue;
            }
        };
        if let Some(svc) = m.b.file.services.get_mut(&target) {
            let i = svc.private_endpoints.len().to_string();
            svc.private_endpoints.push(pe);
            m.b.note_more(
                &["services", &target, "private_endpoints", &i],
                &inst.source,
            );
        }
    }
}

fn dns(m: &mut Mapper) {
    for inst in m.take("azurerm_private_dns_zone") {
        let a = Attrs(&inst.attrs);
        let Some(zone) = a.s("name") else {
            m.note(
                &inst.source,
                Outcome::Dropped,
                &inst.rtype,
                "no zone name; left out",
            );
            continue;
        };
        match record::<PrivateZoneDef>(json!({})) {
            Ok(d) => {
                m.b.private_zone(zone, d, &inst.source);
                m.register("private DNS zone", inst, zone);
            }
            Err(e) => m.note(
                &inst.source,
                Outcome::Dropped,
                "azurerm_private_dns_zone",
                format!("left out: {e}"),
            ),
        }
    }
    for inst in m.take("azurerm_private_dns_zone_virtual_network_link") {
        let a = Attrs(&inst.attrs);
        let Some(zone) = a.s("private_dns_zone_name").and_then(|z| {
            m.lookup_name("private DNS zone", z, &inst.source, "private_dns_zone_name")
        }) else {
            continue;
        };
        let Some(vnet) = a
            .s("virtual_network_id")
            .and_then(|id| m.lookup("vnet", id, &inst.source, "virtual_network_id"))
        else {
            continue;
        };
        if a.b("registration_enabled") == Some(true) {
            m.note(
                &inst.source,
                Outcome::Dropped,
                "registration_enabled",
                "auto-registration of VM records has no counterpart",
            );
        }
        let policy = a.s("resolution_policy").map(|p| {
            if p == "NxDomainRedirect" {
                "nx_domain_redirect"
            } else {
                "default"
            }
        });
        if let Some(z) = m.b.private_zone_mut(&zone) {
            z.links.push(Spanned::new(vnet));
            if let Some(p) = policy.and_then(vnetlab_core::format::ResolutionPolicy::parse) {
                z.resolution_policy = Some(p);
            }
            m.b.note_more(&["dns", "private_zones", &zone], &inst.source);
        }
    }
    for inst in m.take("azurerm_private_dns_a_record") {
        let a = Attrs(&inst.attrs);
        let Some(zone) = a
            .s("zone_name")
            .and_then(|z| m.lookup_name("private DNS zone", z, &inst.source, "zone_name"))
        else {
            continue;
        };
        let records = a.strs("records");
        let (Some(name), Some(ip)) = (a.s("name"), records.first()) else {
            m.note(
                &inst.source,
                Outcome::Dropped,
                &inst.rtype,
                "no record name or address; left out",
            );
            continue;
        };
        if records.len() > 1 {
            m.note(
                &inst.source,
                Outcome::Approximated,
                "records",
                "only the first address of the record set is kept",
            );
        }
        match vnetlab_core::net::parse_ipv4(ip) {
            Some(addr) => {
                if let Some(z) = m.b.private_zone_mut(&zone) {
                    z.records.insert(
                        name.to_string(),
                        Spanned::new(vnetlab_core::format::Ip(addr)),
                    );
                    m.b.note_more(&["dns", "private_zones", &zone], &inst.source);
                }
            }
            None => m.note(
                &inst.source,
                Outcome::Dropped,
                "records",
                format!("`{ip}` is not an IPv4 address"),
            ),
        }
    }
}
