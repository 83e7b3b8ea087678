//! Sketching without YAML: forms that add, edit and delete elements of the file records
//! ([`TopologyFile`]). A form's fields are written as a small YAML fragment, one field a line,
//! and decoded by the core's own decoder; the edited records are then validated by
//! [`vnetlab_core::rebuild`]. So a form reports exactly the command line's messages, each next
//! to the field it is about. Pure and native-tested.

use std::collections::BTreeMap;
use vnetlab_core::diag::{Diagnostic, Diagnostics, Severity};
use vnetlab_core::format::*;
use vnetlab_core::model::BuildOptions;
use vnetlab_core::syntax::{Decode, Decoder, parse};

/// What a form adds or edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormKind {
    /// A VNet.
    Vnet,
    /// A subnet of a VNet.
    Subnet,
    /// A workload.
    Workload,
    /// A PaaS service.
    Service,
    /// A private endpoint of a service.
    PrivateEndpoint,
    /// An NSG.
    Nsg,
    /// A rule of an NSG.
    NsgRule,
    /// A route table.
    RouteTable,
    /// A route of a route table.
    Route,
    /// A peering.
    Peering,
    /// A private DNS zone with its VNet links.
    Zone,
    /// An expectation: a flow that must be allowed or denied.
    Expectation,
    /// An application security group.
    Asg,
    /// Azure Firewall, FortiGate or another NVA (its rules are kept when it is edited).
    Firewall,
    /// A VPN or ExpressRoute gateway.
    Gateway,
    /// An on-premises site behind a gateway.
    Site,
    /// A client outside the designed networks (internet, on-premises, Azure service).
    Client,
    /// An Azure Front Door profile (its origins are kept when it is edited).
    FrontDoor,
    /// An origin of a Front Door profile.
    FrontDoorOrigin,
}

impl FormKind {
    /// Every kind, in the order the "Add" buttons show them.
    pub const ALL: &'static [FormKind] = &[
        FormKind::Vnet,
        FormKind::Subnet,
        FormKind::Workload,
        FormKind::Service,
        FormKind::PrivateEndpoint,
        FormKind::Nsg,
        FormKind::NsgRule,
        FormKind::RouteTable,
        FormKind::Route,
        FormKind::Peering,
        FormKind::Zone,
        FormKind::Asg,
        FormKind::Firewall,
        FormKind::Gateway,
        FormKind::Site,
        FormKind::Client,
        FormKind::FrontDoor,
        FormKind::FrontDoorOrigin,
        FormKind::Expectation,
    ];

    /// The element's name in messages and buttons.
    pub fn label(self) -> &'static str {
        match self {
            FormKind::Vnet => "VNet",
            FormKind::Subnet => "subnet",
            FormKind::Workload => "workload",
            FormKind::Service => "service",
            FormKind::PrivateEndpoint => "private endpoint",
            FormKind::Nsg => "NSG",
            FormKind::NsgRule => "NSG rule",
            FormKind::RouteTable => "route table",
            FormKind::Route => "route",
            FormKind::Peering => "peering",
            FormKind::Zone => "DNS zone",
            FormKind::Expectation => "expectation",
            FormKind::Asg => "ASG",
            FormKind::Firewall => "firewall",
            FormKind::Gateway => "gateway",
            FormKind::Site => "site",
            FormKind::Client => "client",
            FormKind::FrontDoor => "Front Door",
            FormKind::FrontDoorOrigin => "Front Door origin",
        }
    }
}

/// How a field goes into the records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The element's name (its key in the file).
    Name,
    /// The element it belongs to (VNet of a subnet, NSG of a rule…).
    Parent,
    /// A value written as `key: value`.
    Value,
    /// A comma-separated list written as `key: [a, b]`.
    List,
}

/// One field of a form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// The file's key for it (`prefix`, `destination_ports`).
    pub key: &'static str,
    /// What the user sees.
    pub label: &'static str,
    /// How it goes into the records.
    pub role: Role,
    /// The text typed.
    pub value: String,
    /// Allowed values for a select (empty: free text). `""` first means optional.
    pub choices: Vec<String>,
    /// The choices are suggestions: any text is accepted too (an IP, a CIDR, an FQDN).
    pub open: bool,
    /// The problems found with it, the command line's messages.
    pub errors: Vec<String>,
}

/// Identifies an existing element (for editing and deleting).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// Its kind.
    pub kind: FormKind,
    /// Its parent's name (VNet, NSG, route table, service), empty for top-level elements.
    pub parent: String,
    /// Its name (or index for peerings and private endpoints).
    pub name: String,
}

/// An open form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Form {
    /// What it adds or edits.
    pub kind: FormKind,
    /// Its fields, in display order.
    pub fields: Vec<Field>,
    /// The element being edited (`None`: adding).
    pub editing: Option<Target>,
    /// Problems not tied to one field.
    pub errors: Vec<String>,
    /// Values of the edited record that the form does not show, kept as they were:
    /// (key, text, is a list).
    pub extra: Vec<(String, String, bool)>,
}

fn opt(values: impl IntoIterator<Item = String>) -> Vec<String> {
    std::iter::once(String::new()).chain(values).collect()
}

fn all<T: Copy + std::fmt::Display>(v: &[T]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn subnets(f: &TopologyFile) -> Vec<String> {
    f.vnets
        .iter()
        .flat_map(|(v, vn)| vn.subnets.keys().map(move |s| format!("{v}/{s}")))
        .collect()
}

/// Every on-premises site as `GATEWAY/SITE`.
fn sites(f: &TopologyFile) -> Vec<String> {
    f.gateways
        .iter()
        .flat_map(|(g, gw)| gw.sites.keys().map(move |s| format!("{g}/{s}")))
        .collect()
}

/// What a flow can start from: workloads, clients, the internet and subnets.
fn sources(f: &TopologyFile) -> Vec<String> {
    let mut out: Vec<String> = f.workloads.keys().cloned().collect();
    out.extend(f.clients.keys().cloned());
    out.push("internet".into());
    out.extend(subnets(f));
    out.extend(f.vnets.keys().map(|v| format!("{v}/*")));
    out
}

/// What a Front Door origin can be: workloads and storage accounts (or an address typed in).
fn origin_hosts(f: &TopologyFile) -> Vec<String> {
    let mut out: Vec<String> = f.workloads.keys().cloned().collect();
    out.extend(
        f.services
            .iter()
            .filter(|(_, s)| s.kind == ServiceKind::Storage)
            .map(|(n, _)| n.clone()),
    );
    out
}

/// What a flow can go to: workloads, each service's sub-resources (`SERVICE:GROUP`, from its
/// private endpoints, else the service itself), subnets and the internet.
fn destinations(f: &TopologyFile) -> Vec<String> {
    let mut out: Vec<String> = f.workloads.keys().cloned().collect();
    for (name, svc) in &f.services {
        let groups: std::collections::BTreeSet<&str> = svc
            .private_endpoints
            .iter()
            .map(|pe| pe.group.value.as_str())
            .collect();
        if groups.is_empty() {
            out.push(name.clone());
        }
        out.extend(groups.into_iter().map(|g| format!("{name}:{g}")));
    }
    out.extend(f.front_doors.keys().cloned());
    out.extend(subnets(f));
    out.extend(f.vnets.keys().map(|v| format!("{v}/*")));
    out.push("internet".into());
    out
}

impl Form {
    /// An empty form for adding a `kind`, with choices taken from `file`.
    pub fn new(kind: FormKind, file: &TopologyFile) -> Self {
        let field = |key, label, role, choices: Vec<String>| Field {
            key,
            label,
            role,
            value: choices
                .iter()
                .find(|c| !c.is_empty())
                .filter(|_| role == Role::Parent || !choices[0].is_empty())
                .cloned()
                .unwrap_or_default(),
            choices,
            open: false,
            errors: vec![],
        };
        let suggest = |key, label, choices: Vec<String>| Field {
            open: true,
            value: String::new(),
            ..field(key, label, Role::Value, choices)
        };
        let text = |key, label, role| field(key, label, role, vec![]);
        let vnets: Vec<String> = file.vnets.keys().cloned().collect();
        let nsgs: Vec<String> = file.nsgs.keys().cloned().collect();
        let tables: Vec<String> = file.route_tables.keys().cloned().collect();
        let services: Vec<String> = file.services.keys().cloned().collect();
        let workloads: Vec<String> = file.workloads.keys().cloned().collect();
        let yes_no = || opt(["true".to_string(), "false".to_string()]);
        let gateways: Vec<String> = file.gateways.keys().cloned().collect();
        let fields = match kind {
            FormKind::Vnet => vec![
                text("name", "Name", Role::Name),
                text("address_space", "Address space", Role::List),
                text("dns_servers", "DNS servers", Role::List),
            ],
            FormKind::Subnet => vec![
                field("vnet", "VNet", Role::Parent, vnets),
                text("name", "Name", Role::Name),
                text("prefix", "Prefix", Role::Value),
                text(
                    "prefixes",
                    "Prefixes (several, instead of Prefix)",
                    Role::List,
                ),
                field("nsg", "NSG", Role::Value, opt(nsgs)),
                field("route_table", "Route table", Role::Value, opt(tables)),
                text("service_endpoints", "Service endpoints", Role::List),
                text("delegations", "Delegations", Role::List),
            ],
            FormKind::Workload => vec![
                text("name", "Name", Role::Name),
                field("kind", "Kind", Role::Value, all(WorkloadKind::ALL)),
                field("subnet", "Subnet", Role::Value, subnets(file)),
                text("ip", "Private IP", Role::Value),
                field("nsg", "NIC NSG", Role::Value, opt(nsgs.clone())),
                text("asgs", "ASGs", Role::List),
                field(
                    "workspace",
                    "Workspace (compute)",
                    Role::Value,
                    opt(services.clone()),
                ),
                text("max_nodes", "Max nodes (cluster)", Role::Value),
                text("node_count", "Node count (AKS)", Role::Value),
                text("max_pods", "Max pods per node (AKS)", Role::Value),
                field(
                    "network_plugin",
                    "Network plugin (AKS)",
                    Role::Value,
                    opt(all(NetworkPlugin::ALL)),
                ),
                field(
                    "public_ip",
                    "Public IP",
                    Role::Value,
                    opt(all(PublicIpSku::ALL)),
                ),
                text("public_ip_address", "Public IP address", Role::Value),
                field("ip_forwarding", "IP forwarding", Role::Value, yes_no()),
                field(
                    "public_network_access",
                    "Public network access (compute)",
                    Role::Value,
                    opt(all(Toggle::ALL)),
                ),
                field(
                    "ssh_public_access",
                    "SSH public access (compute)",
                    Role::Value,
                    opt(all(Toggle::ALL)),
                ),
                field(
                    "private_cluster",
                    "Private cluster (AKS)",
                    Role::Value,
                    yes_no(),
                ),
                text(
                    "authorized_ip_ranges",
                    "API server authorized IP ranges (AKS)",
                    Role::List,
                ),
                field(
                    "outbound_type",
                    "Outbound type (AKS)",
                    Role::Value,
                    opt(all(AksOutboundType::ALL)),
                ),
                field(
                    "waf",
                    "WAF mode (application gateway)",
                    Role::Value,
                    opt(all(WafMode::ALL)),
                ),
                field(
                    "virtual_network_type",
                    "VNet mode (API Management)",
                    Role::Value,
                    opt(all(ApimVnetType::ALL)),
                ),
            ],
            FormKind::Service => vec![
                text("name", "Name", Role::Name),
                field("kind", "Kind", Role::Value, all(ServiceKind::ALL)),
                field(
                    "public_network_access",
                    "Public network access",
                    Role::Value,
                    opt(all(Toggle::ALL)),
                ),
                field(
                    "default_action",
                    "Default action",
                    Role::Value,
                    opt(all(DefaultAction::ALL)),
                ),
                field(
                    "storage",
                    "Storage (workspace)",
                    Role::Value,
                    opt(services.clone()),
                ),
                field(
                    "key_vault",
                    "Key vault (workspace)",
                    Role::Value,
                    opt(services.clone()),
                ),
                field(
                    "container_registry",
                    "Container registry (workspace)",
                    Role::Value,
                    opt(services.clone()),
                ),
                field(
                    "application_insights",
                    "Application Insights (workspace)",
                    Role::Value,
                    opt(services.clone()),
                ),
                field(
                    "image_build_compute",
                    "Image build compute (workspace)",
                    Role::Value,
                    opt(workloads),
                ),
                field(
                    "hub",
                    "AI Foundry hub (project)",
                    Role::Value,
                    opt(services.clone()),
                ),
                field(
                    "ai_services",
                    "AI services (hub)",
                    Role::Value,
                    opt(services.clone()),
                ),
                field(
                    "search",
                    "AI Search (hub)",
                    Role::Value,
                    opt(services.clone()),
                ),
                field("studio", "Studio in use (workspace)", Role::Value, yes_no()),
                field(
                    "ml_assisted_labeling",
                    "ML-assisted labeling (workspace)",
                    Role::Value,
                    yes_no(),
                ),
                field(
                    "labeling_storage",
                    "Labeling storage (workspace)",
                    Role::Value,
                    opt(services.clone()),
                ),
            ],
            FormKind::PrivateEndpoint => vec![
                field("service", "Service", Role::Parent, services),
                field("subnet", "Subnet", Role::Value, subnets(file)),
                text("group", "Subresource (group)", Role::Value),
                text("ip", "Private IP", Role::Value),
                text("zones", "DNS zones", Role::List),
            ],
            FormKind::Nsg => vec![text("name", "Name", Role::Name)],
            FormKind::NsgRule => vec![
                field("nsg", "NSG", Role::Parent, nsgs),
                text("name", "Name", Role::Value),
                text("priority", "Priority", Role::Value),
                field("direction", "Direction", Role::Value, all(Direction::ALL)),
                field("access", "Access", Role::Value, all(Access::ALL)),
                field(
                    "protocol",
                    "Protocol",
                    Role::Value,
                    opt(all(RuleProtocol::ALL)),
                ),
                text("source", "Source", Role::List),
                text("destination", "Destination", Role::List),
                text("destination_ports", "Destination ports", Role::List),
            ],
            FormKind::RouteTable => vec![
                text("name", "Name", Role::Name),
                field(
                    "propagate_gateway_routes",
                    "Propagate gateway routes",
                    Role::Value,
                    yes_no(),
                ),
            ],
            FormKind::Route => vec![
                field("route_table", "Route table", Role::Parent, tables),
                text("name", "Name", Role::Value),
                text("prefix", "Prefix", Role::Value),
                field("next_hop", "Next hop", Role::Value, all(NextHopType::ALL)),
                text("next_hop_ip", "Next hop IP", Role::Value),
            ],
            FormKind::Peering => vec![
                text("between", "Between (two VNets)", Role::List),
                field(
                    "allow_forwarded_traffic",
                    "Allow forwarded traffic",
                    Role::Value,
                    yes_no(),
                ),
                field(
                    "allow_gateway_transit",
                    "Allow gateway transit",
                    Role::Value,
                    yes_no(),
                ),
                field(
                    "use_remote_gateways",
                    "Use remote gateways",
                    Role::Value,
                    yes_no(),
                ),
                text(
                    "subnets",
                    "Peered subnets (VNET/SUBNET; empty: the whole VNets)",
                    Role::List,
                ),
            ],
            FormKind::Zone => vec![
                text("name", "Zone name", Role::Name),
                text("links", "Linked VNets", Role::List),
            ],
            FormKind::Asg => vec![
                text("name", "Name", Role::Name),
                text("description", "Description", Role::Value),
            ],
            FormKind::Firewall => vec![
                text("name", "Name", Role::Name),
                field("kind", "Kind", Role::Value, all(FirewallKind::ALL)),
                field("subnet", "Subnet", Role::Value, subnets(file)),
                text("private_ip", "Private IP", Role::Value),
                field("dns_proxy", "DNS proxy", Role::Value, yes_no()),
                field("snat", "SNAT", Role::Value, yes_no()),
            ],
            FormKind::Gateway => vec![
                text("name", "Name", Role::Name),
                field("vnet", "VNet", Role::Value, vnets.clone()),
                field("kind", "Kind", Role::Value, opt(all(GatewayKind::ALL))),
            ],
            FormKind::Site => vec![
                field("gateway", "Gateway", Role::Parent, gateways),
                text("name", "Name", Role::Name),
                text("prefixes", "Prefixes", Role::List),
            ],
            FormKind::Client => vec![
                text("name", "Name", Role::Name),
                field("kind", "Kind", Role::Value, all(ClientKind::ALL)),
                field("site", "Site", Role::Value, opt(sites(file))),
                text("ip", "IP", Role::Value),
                text("dns_server", "DNS server", Role::Value),
                text("groups", "Identity groups", Role::List),
                text("service_tag", "Service tag", Role::Value),
            ],
            FormKind::FrontDoor => vec![
                text("name", "Name", Role::Name),
                field("sku", "Tier", Role::Value, opt(all(FrontDoorSku::ALL))),
                field(
                    "waf",
                    "WAF policy mode",
                    Role::Value,
                    opt(all(WafMode::ALL)),
                ),
            ],
            FormKind::FrontDoorOrigin => vec![
                field(
                    "front_door",
                    "Front Door",
                    Role::Parent,
                    file.front_doors.keys().cloned().collect(),
                ),
                suggest(
                    "host",
                    "Origin (workload, storage account or IP)",
                    origin_hosts(file),
                ),
                field(
                    "private_link",
                    "Private Link (premium)",
                    Role::Value,
                    yes_no(),
                ),
                text("https_port", "HTTPS port", Role::Value),
            ],
            FormKind::Expectation => vec![
                text("name", "Intent", Role::Value),
                suggest("from", "From", sources(file)),
                suggest("to", "To", destinations(file)),
                field(
                    "protocol",
                    "Protocol",
                    Role::Value,
                    opt(all(RuleProtocol::ALL)),
                ),
                text("port", "Port", Role::Value),
                text("ports", "Ports (or *)", Role::List),
                field("verdict", "Verdict", Role::Value, all(ExpectedVerdict::ALL)),
                text("via", "Via (subnets or firewalls)", Role::List),
            ],
        };
        Form {
            kind,
            fields,
            editing: None,
            errors: vec![],
            extra: vec![],
        }
    }

    /// A form prefilled with an existing element, for editing it.
    pub fn edit(target: &Target, file: &TopologyFile) -> Option<Self> {
        let mut form = Form::new(target.kind, file);
        let values = current_values(target, file)?;
        for f in &mut form.fields {
            f.value = match f.role {
                Role::Name => target.name.clone(),
                Role::Parent => target.parent.clone(),
                _ => values
                    .get(f.key)
                    .map(|(v, _)| v.clone())
                    .unwrap_or_default(),
            };
        }
        // A subnet peering's lists, as `VNET/SUBNET` items (S12).
        if target.kind == FormKind::Peering
            && let Some(p) = target
                .name
                .parse::<usize>()
                .ok()
                .and_then(|i| file.peerings.get(i))
        {
            let items: Vec<String> = p
                .subnets
                .iter()
                .flat_map(|(v, l)| l.iter().map(move |s| format!("{v}/{}", s.value)))
                .collect();
            form.set("subnets", items.join(", "));
        }
        // A value the pickers do not offer (an IP, an FQDN…) stays selectable as it is.
        for f in &mut form.fields {
            if !f.open && !f.choices.is_empty() && !f.choices.contains(&f.value) {
                f.choices.push(f.value.clone());
            }
        }
        form.extra = values
            .into_iter()
            .filter(|(k, (v, _))| !v.is_empty() && !form.fields.iter().any(|f| f.key == k))
            .map(|(k, (v, list))| (k, v, list))
            .collect();
        form.editing = Some(target.clone());
        Some(form)
    }

    /// Sets a field's text (clearing its errors).
    pub fn set(&mut self, key: &str, value: String) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.key == key) {
            f.value = value;
            f.errors.clear();
        }
    }

    /// A field's text.
    pub fn value(&self, key: &str) -> &str {
        self.fields
            .iter()
            .find(|f| f.key == key)
            .map(|f| f.value.trim())
            .unwrap_or("")
    }

    /// Whether any field or the form has an error.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || self.fields.iter().any(|f| !f.errors.is_empty())
    }

    /// The YAML fragment of the record's own fields, with the field each line comes from.
    fn fragment(&self) -> (String, Vec<Option<usize>>) {
        let (mut text, mut lines) = (String::new(), Vec::new());
        for (i, f) in self.fields.iter().enumerate() {
            let v = f.value.trim();
            if v.is_empty() || matches!(f.role, Role::Name | Role::Parent) || self.own_syntax(f.key)
            {
                continue;
            }
            text.push_str(&format!(
                "{}: {}\n",
                f.key,
                yaml_value(v, f.role == Role::List)
            ));
            lines.push(Some(i));
        }
        for (k, v, list) in &self.extra {
            text.push_str(&format!("{k}: {}\n", yaml_value(v, *list)));
            lines.push(None);
        }
        if text.is_empty() {
            text.push_str("{}\n");
        }
        (text, lines)
    }

    /// A field written in the records in a shape of its own (a subnet peering's `VNET/SUBNET`
    /// list is the peering's `subnets` map), handled by `submit` rather than the fragment.
    fn own_syntax(&self, key: &str) -> bool {
        self.kind == FormKind::Peering && key == "subnets"
    }

    /// The peering's `subnets` map from the field's `VNET/SUBNET` list (S12).
    fn peered_subnets(&mut self) -> BTreeMap<String, Vec<Spanned<String>>> {
        let mut map: BTreeMap<String, Vec<Spanned<String>>> = BTreeMap::new();
        let items: Vec<String> = self
            .value("subnets")
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        for item in items {
            match item.split_once('/') {
                Some((v, s)) if !v.is_empty() && !s.is_empty() => map
                    .entry(v.to_string())
                    .or_default()
                    .push(Spanned::new(s.to_string())),
                _ => self.set_error(
                    "subnets",
                    &format!("`{item}` is not VNET/SUBNET (help: name each peered subnet with its VNet, e.g. `hub/shared`)"),
                ),
            }
        }
        map
    }

    /// Decodes the fragment into a record, putting each diagnostic on its field.
    fn decode<T: Decode>(&mut self) -> Option<T> {
        let (text, lines) = self.fragment();
        let mut diags = Diagnostics::new("form");
        let node = parse(&text, &mut diags);
        let rec = node.and_then(|n| T::decode(&n, &mut Decoder { diags: &mut diags }));
        for d in diags.finish() {
            let by_key = self
                .fields
                .iter()
                .position(|f| d.message.contains(&format!("`{}`", f.key)));
            let at = by_key.or_else(|| {
                lines
                    .get(d.span.line.saturating_sub(1) as usize)
                    .copied()
                    .flatten()
            });
            self.report(at, &d);
        }
        if self.has_errors() { None } else { rec }
    }

    fn report(&mut self, field: Option<usize>, d: &Diagnostic) {
        let msg = match &d.help {
            Some(h) => format!("{} (help: {h})", d.message),
            None => d.message.clone(),
        };
        match field {
            Some(i) => self.fields[i].errors.push(msg),
            None => self.errors.push(msg),
        }
    }

    /// Applies the form to `file`: the edited records, or the form with its errors.
    pub fn submit(mut self, file: &TopologyFile) -> Result<TopologyFile, Box<Form>> {
        for f in &mut self.fields {
            f.errors.clear();
        }
        self.errors.clear();
        let mut out = file.clone();
        if let Some(t) = &self.editing {
            out = delete(&out, t);
        }
        let name = self.value("name").to_string();
        let parent = self
            .fields
            .iter()
            .find(|f| f.role == Role::Parent)
            .map(|f| f.value.trim().to_string());
        if self.fields.iter().any(|f| f.role == Role::Name) && name.is_empty() {
            self.set_error("name", "a name is required");
        }
        if parent.as_deref() == Some("") {
            let key = self
                .fields
                .iter()
                .find(|f| f.role == Role::Parent)
                .map(|f| f.key)
                .unwrap_or("");
            self.set_error(key, &format!("choose the {key} first"));
        }
        let parent = parent.unwrap_or_default();
        let taken = |exists: bool, this: &mut Form| {
            if exists {
                this.set_error(
                    "name",
                    &format!("a {} named `{name}` already exists", this.kind.label()),
                );
            }
        };
        match self.kind {
            FormKind::Vnet => {
                taken(out.vnets.contains_key(&name), &mut self);
                if let Some(mut r) = self.decode::<VnetDef>() {
                    if let Some(old) = self.editing.as_ref().and_then(|t| file.vnets.get(&t.name)) {
                        r.subnets = old.subnets.clone();
                        // Kept: the form does not show where it lives or its tags.
                        r.region = old.region.clone();
                        r.subscription = old.subscription.clone();
                        r.resource_group = old.resource_group.clone();
                        r.tags = old.tags.clone();
                    }
                    out.vnets.insert(name.clone(), r);
                }
            }
            FormKind::Subnet => {
                let exists = out
                    .vnets
                    .get(&parent)
                    .is_some_and(|v| v.subnets.contains_key(&name));
                taken(exists, &mut self);
                if let (Some(r), Some(v)) = (self.decode::<SubnetDef>(), out.vnets.get_mut(&parent))
                {
                    v.subnets.insert(name.clone(), r);
                }
            }
            FormKind::Workload => {
                taken(out.workloads.contains_key(&name), &mut self);
                if let Some(mut r) = self.decode::<WorkloadDef>() {
                    // Kept: the form does not show the tags.
                    if let Some(old) = self
                        .editing
                        .as_ref()
                        .and_then(|t| file.workloads.get(&t.name))
                    {
                        r.tags = old.tags.clone();
                        // Kept: an application gateway's listeners and a DNS server's records
                        // and forwarders (the form does not show them).
                        r.listeners = old.listeners.clone();
                        r.records = old.records.clone();
                        r.forwarders = old.forwarders.clone();
                    }
                    out.workloads.insert(name.clone(), r);
                }
            }
            FormKind::Service => {
                taken(out.services.contains_key(&name), &mut self);
                if let Some(mut r) = self.decode::<ServiceDef>() {
                    if let Some(old) = self
                        .editing
                        .as_ref()
                        .and_then(|t| file.services.get(&t.name))
                    {
                        let keep = old.clone();
                        r.private_endpoints = keep.private_endpoints;
                        r.managed_network = keep.managed_network;
                        r.ip_rules = keep.ip_rules;
                        r.virtual_network_rules = keep.virtual_network_rules;
                        r.region = keep.region;
                        r.subscription = keep.subscription;
                        r.resource_group = keep.resource_group;
                        r.tags = keep.tags;
                        // Kept: lists of records the form does not show (S22, S24).
                        r.resource_access_rules = keep.resource_access_rules;
                        r.online_endpoints = keep.online_endpoints;
                    }
                    out.services.insert(name.clone(), r);
                }
            }
            FormKind::PrivateEndpoint => {
                if let (Some(r), Some(s)) = (
                    self.decode::<PrivateEndpointDef>(),
                    out.services.get_mut(&parent),
                ) {
                    let at = self
                        .editing
                        .as_ref()
                        .and_then(|t| t.name.parse::<usize>().ok())
                        .unwrap_or(s.private_endpoints.len());
                    s.private_endpoints
                        .insert(at.min(s.private_endpoints.len()), r);
                }
            }
            FormKind::Nsg => {
                taken(out.nsgs.contains_key(&name), &mut self);
                let rules = self
                    .editing
                    .as_ref()
                    .and_then(|t| file.nsgs.get(&t.name))
                    .map(|n| n.rules.clone())
                    .unwrap_or_default();
                if !self.has_errors() {
                    out.nsgs.insert(
                        name.clone(),
                        NsgDef {
                            rules,
                            pos: Pos::default(),
                        },
                    );
                }
            }
            FormKind::NsgRule => {
                let exists = out
                    .nsgs
                    .get(&parent)
                    .is_some_and(|n| n.rules.iter().any(|r| r.name.value == name));
                taken(exists, &mut self);
                let at = self.original_index(
                    file.nsgs
                        .get(&parent)
                        .map(|n| n.rules.iter().map(|r| &r.name.value).collect()),
                );
                if let (Some(r), Some(n)) = (self.decode::<NsgRuleDef>(), out.nsgs.get_mut(&parent))
                {
                    n.rules
                        .insert(at.unwrap_or(n.rules.len()).min(n.rules.len()), r);
                }
            }
            FormKind::RouteTable => {
                taken(out.route_tables.contains_key(&name), &mut self);
                if let Some(mut r) = self.decode::<RouteTableDef>() {
                    if let Some(old) = self
                        .editing
                        .as_ref()
                        .and_then(|t| file.route_tables.get(&t.name))
                    {
                        r.routes = old.routes.clone();
                    }
                    out.route_tables.insert(name.clone(), r);
                }
            }
            FormKind::Route => {
                let exists = out
                    .route_tables
                    .get(&parent)
                    .is_some_and(|t| t.routes.iter().any(|r| r.name.value == name));
                taken(exists, &mut self);
                let at = self.original_index(
                    file.route_tables
                        .get(&parent)
                        .map(|t| t.routes.iter().map(|r| &r.name.value).collect()),
                );
                if let (Some(r), Some(t)) =
                    (self.decode::<RouteDef>(), out.route_tables.get_mut(&parent))
                {
                    t.routes
                        .insert(at.unwrap_or(t.routes.len()).min(t.routes.len()), r);
                }
            }
            FormKind::Peering => {
                let subnets = self.peered_subnets();
                if let Some(mut r) = self.decode::<PeeringDef>() {
                    r.subnets = subnets;
                    let at = self
                        .editing
                        .as_ref()
                        .and_then(|t| t.name.parse::<usize>().ok())
                        .unwrap_or(out.peerings.len());
                    out.peerings.insert(at.min(out.peerings.len()), r);
                }
            }
            FormKind::Asg => {
                taken(out.asgs.contains_key(&name), &mut self);
                if let Some(r) = self.decode::<AsgDef>() {
                    out.asgs.insert(name.clone(), r);
                }
            }
            FormKind::Firewall => {
                taken(out.firewalls.contains_key(&name), &mut self);
                if let Some(mut r) = self.decode::<FirewallDef>() {
                    if let Some(old) = self
                        .editing
                        .as_ref()
                        .and_then(|t| file.firewalls.get(&t.name))
                    {
                        r.rule_collection_groups = old.rule_collection_groups.clone();
                        r.policies = old.policies.clone();
                    }
                    out.firewalls.insert(name.clone(), r);
                }
            }
            FormKind::Gateway => {
                taken(out.gateways.contains_key(&name), &mut self);
                if let Some(mut r) = self.decode::<GatewayDef>() {
                    if let Some(old) = self
                        .editing
                        .as_ref()
                        .and_then(|t| file.gateways.get(&t.name))
                    {
                        r.sites = old.sites.clone();
                    }
                    out.gateways.insert(name.clone(), r);
                }
            }
            FormKind::Site => {
                let exists = out
                    .gateways
                    .get(&parent)
                    .is_some_and(|g| g.sites.contains_key(&name));
                taken(exists, &mut self);
                if let (Some(r), Some(g)) =
                    (self.decode::<SiteDef>(), out.gateways.get_mut(&parent))
                {
                    g.sites.insert(name.clone(), r);
                }
            }
            FormKind::Client => {
                taken(out.clients.contains_key(&name), &mut self);
                if let Some(r) = self.decode::<ClientDef>() {
                    out.clients.insert(name.clone(), r);
                }
            }
            FormKind::FrontDoor => {
                taken(out.front_doors.contains_key(&name), &mut self);
                if let Some(mut r) = self.decode::<FrontDoorDef>() {
                    if let Some(old) = self
                        .editing
                        .as_ref()
                        .and_then(|t| file.front_doors.get(&t.name))
                    {
                        r.origins = old.origins.clone();
                    }
                    out.front_doors.insert(name.clone(), r);
                }
            }
            FormKind::FrontDoorOrigin => {
                if let (Some(r), Some(fd)) = (
                    self.decode::<FrontDoorOriginDef>(),
                    out.front_doors.get_mut(&parent),
                ) {
                    let at = self
                        .editing
                        .as_ref()
                        .and_then(|t| t.name.parse::<usize>().ok())
                        .unwrap_or(fd.origins.len());
                    fd.origins.insert(at.min(fd.origins.len()), r);
                }
            }
            FormKind::Expectation => {
                if name.is_empty() {
                    self.set_error("name", "say what the flow is for");
                }
                if let Some(r) = self.decode::<ExpectDef>() {
                    let at = self
                        .editing
                        .as_ref()
                        .and_then(|t| t.name.parse::<usize>().ok())
                        .unwrap_or(out.expect.len());
                    out.expect.insert(at.min(out.expect.len()), r);
                }
            }
            FormKind::Zone => {
                let zones = out.dns.get_or_insert_with(empty_dns);
                let exists = zones.private_zones.contains_key(&name);
                taken(exists, &mut self);
                if let Some(mut r) = self.decode::<PrivateZoneDef>() {
                    if let Some(old) = self
                        .editing
                        .as_ref()
                        .and_then(|t| file.dns.as_ref()?.private_zones.get(&t.name))
                    {
                        r.records = old.records.clone();
                        r.resolution_policy = old.resolution_policy;
                    }
                    out.dns
                        .get_or_insert_with(empty_dns)
                        .private_zones
                        .insert(name.clone(), r);
                }
            }
        }
        if self.has_errors() {
            return Err(Box::new(self));
        }
        self.validate(file, &out)?;
        Ok(out)
    }

    /// Rebuilds the edited records; errors that were not there before are this form's.
    fn validate(mut self, before: &TopologyFile, after: &TopologyFile) -> Result<(), Box<Form>> {
        let opts = BuildOptions::default();
        let old: Vec<(&str, String)> = vnetlab_core::rebuild("form", before, &opts)
            .diagnostics
            .into_iter()
            .map(|d| (d.code, d.message))
            .collect();
        for d in vnetlab_core::rebuild("form", after, &opts).diagnostics {
            if d.severity != Severity::Error
                || old.iter().any(|(c, m)| *c == d.code && *m == d.message)
            {
                continue;
            }
            // The field whose value the message quotes; the longest such value wins.
            let at = (0..self.fields.len())
                .filter(|&i| {
                    let f = &self.fields[i];
                    let v = f.value.trim();
                    !v.is_empty()
                        && (d.message.contains(v)
                            || v.split(',')
                                .any(|x| !x.trim().is_empty() && d.message.contains(x.trim())))
                })
                .max_by_key(|&i| {
                    (
                        self.fields[i].role != Role::Name,
                        self.fields[i].value.trim().len(),
                    )
                });
            let at = at.or_else(|| {
                self.fields
                    .iter()
                    .position(|f| d.code.contains(f.key) || d.message.contains(f.key))
            });
            self.report(at, &d);
        }
        if self.has_errors() {
            Err(Box::new(self))
        } else {
            Ok(())
        }
    }

    /// Where the edited element was among its siblings' names.
    fn original_index(&self, names: Option<Vec<&String>>) -> Option<usize> {
        let t = self.editing.as_ref()?;
        names?.iter().position(|n| **n == t.name)
    }

    fn set_error(&mut self, key: &str, msg: &str) {
        match self.fields.iter_mut().find(|f| f.key == key) {
            Some(f) => f.errors.push(msg.to_string()),
            None => self.errors.push(msg.to_string()),
        }
    }
}

/// The element a diagram box (`vnet:ml`, `subnet:ml/training`, `workload:trainer`,
/// `firewall:hub-fw`, `gateway:hub-vpn`, `site:hub-vpn/corp`, `service:mlws`) stands for; `None` for private endpoints.
pub fn target_of_node(id: &str) -> Option<Target> {
    let (kind, name) = id.split_once(':')?;
    let top = |kind| {
        Some(Target {
            kind,
            parent: String::new(),
            name: name.to_string(),
        })
    };
    let child = |kind| {
        let (parent, name) = name.split_once('/')?;
        Some(Target {
            kind,
            parent: parent.to_string(),
            name: name.to_string(),
        })
    };
    match kind {
        "vnet" => top(FormKind::Vnet),
        "workload" => top(FormKind::Workload),
        "firewall" => top(FormKind::Firewall),
        "gateway" => top(FormKind::Gateway),
        "service" => top(FormKind::Service),
        "subnet" => child(FormKind::Subnet),
        "site" => child(FormKind::Site),
        "front-door" => top(FormKind::FrontDoor),
        _ => None,
    }
}

mod records;
mod references;
#[cfg(test)]
mod tests;

use records::*;
pub use records::{Item, delete, items};
pub use references::{alternatives, delete_repointing, delete_with_referrers, referrers};
