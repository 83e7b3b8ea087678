//! The commands that look at one element of one design — `trace` (a flow), `routes` (a
//! subnet's effective routes), `rules` (a workload's security rules) — and `generate`, one
//! function each, with their JSON as typed structs (docs/cli-json.md).

use super::{Fatal, load, options, protocol};
use crate::cli::{Common, DesignFormat, Expect, Format, Proto};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;
use vnetlab_core::render::{self, RouteRow, RuleRow};

/// `routes --format json`.
#[derive(Serialize)]
struct RoutesJson<'a> {
    routes: Vec<RouteRow>,
    subnet: &'a str,
}

/// `rules --format json` (`expanded` with `--expand`).
#[derive(Serialize)]
struct RulesJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    expanded: Option<BTreeMap<String, Vec<String>>>,
    rules: Vec<RuleRow>,
    workload: &'a str,
}

/// What `trace` was asked.
pub struct TraceAsk {
    /// Source.
    pub from: String,
    /// Destination.
    pub to: String,
    /// Protocol.
    pub protocol: Proto,
    /// Destination port.
    pub port: u16,
    /// Source port.
    pub source_port: u16,
    /// The verdict expected (exit 1 when it is not the outcome).
    pub expect: Option<Expect>,
}

/// `vnetlab trace`.
pub fn trace(file: &Path, ask: TraceAsk, common: &Common) -> Result<ExitCode, Fatal> {
    let opts = options(common)?;
    let design = load(file, &opts, common)?;
    let q = vnetlab_core::trace::FlowQuery {
        from: ask.from,
        to: ask.to,
        protocol: protocol(ask.protocol),
        port: ask.port,
    };
    let t = vnetlab_core::trace::trace_with_source_port(&design, &q, ask.source_port)
        .map_err(|e| Fatal(e.to_string()))?;
    match common.format {
        Format::Text | Format::Sarif | Format::Junit | Format::Github => out!(
            "{}service tags: {}\n",
            render::trace(&t),
            design.tags.source()
        ),
        Format::Json => outln!("{}", serde_json::to_string_pretty(&t).expect("json")),
    }
    let ok = match ask.expect {
        None => true,
        Some(Expect::Allowed) => t.verdict.allowed(),
        Some(Expect::Denied) => !t.verdict.allowed(),
    };
    Ok(ExitCode::from(if ok { 0 } else { 1 }))
}

/// `vnetlab routes`.
pub fn routes(file: &Path, subnet: &str, common: &Common) -> Result<ExitCode, Fatal> {
    let opts = options(common)?;
    let design = load(file, &opts, common)?;
    let s = design.subnet_by_name(subnet).ok_or_else(|| {
        let known: Vec<&str> = design.subnets.iter().map(|s| s.name.as_str()).collect();
        Fatal(format!(
            "no subnet `{subnet}` (known: {})",
            known.join(", ")
        ))
    })?;
    match common.format {
        Format::Text | Format::Sarif | Format::Junit | Format::Github => out!(
            "{}service tags: {}\n",
            render::routes(&design, s),
            design.tags.source()
        ),
        Format::Json => {
            let v = RoutesJson {
                routes: render::route_rows(&design, s),
                subnet,
            };
            outln!("{}", serde_json::to_string_pretty(&v).expect("json"))
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `vnetlab rules`.
pub fn rules(
    file: &Path,
    workload: &str,
    expand: bool,
    common: &Common,
) -> Result<ExitCode, Fatal> {
    let opts = options(common)?;
    let design = load(file, &opts, common)?;
    let w = design.workload_by_name(workload).ok_or_else(|| {
        let known: Vec<&str> = design.workloads.iter().map(|w| w.name.as_str()).collect();
        Fatal(format!(
            "no workload `{workload}` (known: {})",
            known.join(", ")
        ))
    })?;
    match common.format {
        Format::Text | Format::Sarif | Format::Junit | Format::Github => out!(
            "{}{}service tags: {}\n",
            render::rules(&design, w),
            if expand {
                render::expansions(&design, w)
            } else {
                String::new()
            },
            design.tags.source()
        ),
        Format::Json => {
            let v = RulesJson {
                expanded: expand.then(|| render::expanded_prefixes(&design, w)),
                rules: render::rule_rows(&design, w),
                workload,
            };
            outln!("{}", serde_json::to_string_pretty(&v).expect("json"))
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `vnetlab generate`.
pub fn generate(workload: &str, seed: u64, format: DesignFormat) -> Result<ExitCode, Fatal> {
    let w = vnetlab_core::generate::Workload::parse(workload).ok_or_else(|| {
        Fatal(format!(
            "unknown workload `{workload}`; use t1, t2, t3 or t4"
        ))
    })?;
    let yaml = vnetlab_core::generate::generate(w, seed);
    if format == DesignFormat::Json {
        let mut diags = vnetlab_core::diag::Diagnostics::new("generated.yaml");
        let file = vnetlab_core::format::read(yaml.as_bytes(), &mut diags)
            .expect("generated designs are valid");
        out!("{}", vnetlab_core::format::to_json(&file));
    } else {
        out!("{}", yaml);
    }
    Ok(ExitCode::SUCCESS)
}
