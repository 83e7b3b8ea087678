//! The azurerm provider's resources mapped to vnetlab's elements (the Terraform column of
//! `/docs/import.md`'s table). References are ids: synthetic tokens from the evaluator, or real
//! Azure ids from a plan; each is resolved to the element it names. Every instance without a
//! counterpart, and every argument dropped or approximated, goes to the report.
//!
//! `network.rs`: VNets, subnets, associations, route tables, peerings, gateways;
//! `security.rs`: NSGs and ASGs; `firewall.rs`: Azure Firewall, policies, IP groups;
//! `resources.rs`: NICs, VMs, Bastion, AKS, Azure ML, PaaS services, private endpoints, DNS.

mod firewall;
mod network;
mod resources;
mod security;

use super::Instance;
use crate::emit::{DesignBuilder, Emitted, Namespace};
use crate::report::{ImportReport, Outcome, Source};
use hcl::{Map, Value};
use std::collections::BTreeMap;
use vnetlab_core::diag::Diagnostics;
use vnetlab_core::syntax::{Decode, Decoder, parse, parse_json};

/// Reads an instance's attributes.
#[derive(Clone, Copy)]
pub struct Attrs<'a>(pub &'a Map<String, Value>);

impl<'a> Attrs<'a> {
    /// A string attribute; an empty string (how plans write an unset argument) is none.
    pub fn s(&self, k: &str) -> Option<&'a str> {
        self.0
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }
    /// A string attribute as an owned string, numbers included.
    pub fn text(&self, k: &str) -> Option<String> {
        match self.0.get(k)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
    /// A bool attribute.
    pub fn b(&self, k: &str) -> Option<bool> {
        match self.0.get(k)? {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" => Some(true),
            Value::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }
    /// A whole-number attribute.
    pub fn n(&self, k: &str) -> Option<u64> {
        match self.0.get(k)? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.parse().ok(),
            _ => None,
        }
    }
    /// A list of strings (a single string counts as a list of one); empty strings, which
    /// plans and providers write for unset arguments, are left out.
    pub fn strs(&self, k: &str) -> Vec<String> {
        let mut v = self.strs_raw(k);
        v.retain(|s| !s.is_empty());
        v
    }

    fn strs_raw(&self, k: &str) -> Vec<String> {
        match self.0.get(k) {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect(),
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Number(n)) => vec![n.to_string()],
            _ => Vec::new(),
        }
    }
    /// Nested blocks (or one object) under `k`.
    pub fn blocks(&self, k: &str) -> Vec<Attrs<'a>> {
        match self.0.get(k) {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| match v {
                    Value::Object(m) => Some(Attrs(m)),
                    _ => None,
                })
                .collect(),
            Some(Value::Object(m)) => vec![Attrs(m)],
            _ => Vec::new(),
        }
    }
    /// The first nested block under `k`.
    pub fn block(&self, k: &str) -> Option<Attrs<'a>> {
        self.blocks(k).into_iter().next()
    }
    /// Whether `k` is set to something other than null, false or empty.
    pub fn present(&self, k: &str) -> bool {
        match self.0.get(k) {
            None | Some(Value::Null) | Some(Value::Bool(false)) => false,
            Some(Value::Array(a)) => !a.is_empty(),
            Some(Value::String(s)) => !s.is_empty(),
            Some(_) => true,
        }
    }
}

/// Decodes a record from the JSON the mapping built, with the format's own checks.
pub fn record<T: Decode>(v: serde_json::Value) -> Result<T, String> {
    let text = v.to_string();
    let mut diags = Diagnostics::new("import");
    // The fast path leaves what YAML reads otherwise (a raw U+2028 or DEL in a value) to the
    // YAML reader, which reads serde_json's output as the same nodes.
    let node = match parse_json(&text) {
        Some(n) => n,
        None => parse(&text, &mut diags).ok_or_else(|| "not an object".to_string())?,
    };
    let mut d = Decoder { diags: &mut diags };
    let r = T::decode(&node, &mut d);
    let msgs: Vec<String> = diags.finish().into_iter().map(|d| d.message).collect();
    match r {
        Some(r) if msgs.is_empty() => Ok(r),
        _ => Err(msgs.join("; ")),
    }
}

/// Azure's region names as the format writes them: lower case without spaces.
pub fn region(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The mapping's state: the instances, the design being built and the names given so far.
pub struct Mapper<'a> {
    insts: &'a [Instance],
    /// Instance index by id (synthetic token or Azure id, lower case).
    by_id: BTreeMap<String, usize>,
    handled: Vec<bool>,
    /// The design.
    pub b: DesignBuilder,
    /// The report.
    pub report: &'a mut ImportReport,
    /// Element names by kind and id.
    pub names: BTreeMap<(&'static str, String), String>,
    /// Element names by kind and Azure name (lower case), for `*_name` arguments.
    pub by_name: BTreeMap<(&'static str, String), String>,
    /// Inline `subnet { security_group }` to resolve once the NSGs are mapped.
    pub pending_nsgs: Vec<(String, String, Source)>,
    /// A workspace's `image_build_compute_name` to resolve once the computes are mapped:
    /// (workspace element, the compute's Azure name, where it is written).
    pub pending_image_build: Vec<(String, String, Source)>,
}

impl<'a> Mapper<'a> {
    /// The instances of type `rtype`, marking them handled.
    pub fn take(&mut self, rtype: &str) -> Vec<&'a Instance> {
        let insts = self.insts;
        let mut out = Vec::new();
        for (i, inst) in insts.iter().enumerate() {
            if !inst.data && inst.rtype == rtype {
                self.handled[i] = true;
                out.push(inst);
            }
        }
        out
    }

    /// The instance an id names.
    pub fn resolve(&self, id: &str) -> Option<&'a Instance> {
        self.by_id
            .get(&id.to_ascii_lowercase())
            .map(|&i| &self.insts[i])
    }

    /// Registers element `name` of `kind` for instance `inst` (by its id and its Azure name).
    pub fn register(&mut self, kind: &'static str, inst: &Instance, name: &str) {
        if let Some(id) = Attrs(&inst.attrs).s("id") {
            self.names
                .insert((kind, id.to_ascii_lowercase()), name.to_string());
        }
        if let Some(n) = Attrs(&inst.attrs).s("name") {
            self.by_name
                .entry((kind, n.to_ascii_lowercase()))
                .or_insert_with(|| name.to_string());
        }
    }

    /// Registers element `name` of `kind` under an id.
    pub fn register_id(&mut self, kind: &'static str, id: &str, name: &str) {
        self.names
            .insert((kind, id.to_ascii_lowercase()), name.to_string());
    }

    /// The element of `kind` an id names; reports `subject` of `src` when it names none.
    pub fn lookup(
        &mut self,
        kind: &'static str,
        id: &str,
        src: &Source,
        subject: &str,
    ) -> Option<String> {
        if let Some(n) = self.names.get(&(kind, id.to_ascii_lowercase())) {
            return Some(n.clone());
        }
        // An Azure id of a resource outside the configuration: find it by its name.
        if id.starts_with('/')
            && let Some(last) = id.rsplit('/').next()
            && let Some(n) = self.by_name.get(&(kind, last.to_ascii_lowercase()))
        {
            return Some(n.clone());
        }
        self.report.add(
            src,
            Outcome::Dropped,
            subject,
            format!("`{id}` names no {kind} of the configuration; the reference is left out"),
        );
        None
    }

    /// The element of `kind` with Azure name `name`; reports when there is none.
    pub fn lookup_name(
        &mut self,
        kind: &'static str,
        name: &str,
        src: &Source,
        subject: &str,
    ) -> Option<String> {
        if let Some(n) = self.by_name.get(&(kind, name.to_ascii_lowercase())) {
            return Some(n.clone());
        }
        self.report.add(
            src,
            Outcome::Dropped,
            subject,
            format!("no {kind} named `{name}` in the configuration; left out"),
        );
        None
    }

    /// A unique element name for instance `inst`: its `name` argument, else its Terraform name.
    pub fn name_for(&mut self, ns: Namespace, inst: &Instance) -> String {
        let a = Attrs(&inst.attrs);
        let wanted = a.s("name").map(str::to_string).unwrap_or_else(|| {
            inst.address
                .rsplit('.')
                .next()
                .unwrap_or("unnamed")
                .to_string()
        });
        self.b.name(ns, &inst.address, &wanted)
    }

    /// Remembers an inline subnet's NSG id, resolved once the NSGs are mapped.
    pub fn pending_nsg(&mut self, subnet: &str, nsg_id: String, src: Source) {
        self.pending_nsgs.push((subnet.to_string(), nsg_id, src));
    }

    /// Reports an item.
    pub fn note(
        &mut self,
        src: &Source,
        outcome: Outcome,
        subject: &str,
        message: impl Into<String>,
    ) {
        self.report.add(src, outcome, subject, message);
    }

    /// Reports each of `keys` that is set on `a` as dropped, with `why`.
    pub fn drop_args(&mut self, inst: &Instance, a: Attrs, keys: &[(&str, &str)]) {
        for (k, why) in keys {
            if a.present(k) {
                self.report.add(&inst.source, Outcome::Dropped, *k, *why);
            }
        }
    }
}

/// Resource types read for their values by other mappings, with no element of their own.
const SUPPORTING: &[&str] = &[
    "azurerm_resource_group",
    "azurerm_public_ip",
    "azurerm_ip_group",
    "azurerm_machine_learning_inference_cluster",
    "azurerm_private_dns_resolver",
];

/// Maps the instances to a design called `name`.
pub fn map(name: &str, insts: &[Instance], report: &mut ImportReport) -> Emitted {
    let mut by_id = BTreeMap::new();
    for (i, inst) in insts.iter().enumerate() {
        if let Some(id) = Attrs(&inst.attrs).s("id") {
            by_id.entry(id.to_ascii_lowercase()).or_insert(i);
        }
    }
    let mut m = Mapper {
        insts,
        by_id,
        handled: vec![false; insts.len()],
        b: DesignBuilder::new(
            name,
            Some("Imported from Terraform by vnetlab import terraform".into()),
        ),
        report,
        names: BTreeMap::new(),
        by_name: BTreeMap::new(),
        pending_nsgs: Vec::new(),
        pending_image_build: Vec::new(),
    };
    network::map(&mut m);
    security::map(&mut m);
    network::associations(&mut m);
    firewall::map(&mut m);
    resources::map(&mut m);
    resources::image_build_computes(&mut m);
    for (i, inst) in insts.iter().enumerate() {
        if m.handled[i] || SUPPORTING.contains(&inst.rtype.as_str()) {
            continue;
        }
        if inst.data {
            continue;
        }
        let msg = if inst.rtype.starts_with("azurerm_") {
            "no counterpart in vnetlab's format; left out"
        } else {
            "not an azurerm resource; left out"
        };
        m.report
            .add(&inst.source, Outcome::Dropped, &inst.rtype, msg);
    }
    let header = vec![
        format!("Imported from Terraform by `vnetlab import terraform`: {name}."),
        "Each element's `# source:` is the Terraform block it comes from; the report lists what was left out or derived.".to_string(),
    ];
    m.b.finish(&header)
}
