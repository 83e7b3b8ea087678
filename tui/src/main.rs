//! `vnetlab`: the command line. Thin glue: parse arguments, read files, call vnetlab-core,
//! print its results. Exit 0 success, 1 an expectation or check failed, 2 bad input or usage.

#[macro_use]
mod out;
mod audit;
mod cli;
mod reach;

use clap::Parser;
use cli::{Cli, Command, Common, Expect, Format, Proto};
use serde_json::json;
use std::path::Path;
use std::process::ExitCode;
use vnetlab_core::model::{BuildOptions, Design};
use vnetlab_core::net::Protocol;
use vnetlab_core::tags::ServiceTags;
use vnetlab_core::{diag::Severity, render};

/// A failure that ends the command with exit code 2.
struct Fatal(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match run(cli.command) {
        Ok(code) => code,
        Err(Fatal(msg)) => {
            eprintln!("vnetlab: {msg}");
            ExitCode::from(2)
        }
    };
    // Output lost to a write error (a full disk) is bad output, not a success.
    if out::failed() {
        ExitCode::from(2)
    } else {
        code
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Fatal> {
    std::fs::read(path).map_err(|e| Fatal(format!("cannot read {}: {e}", path.display())))
}

fn options(common: &Common) -> Result<BuildOptions, Fatal> {
    let tags = match &common.service_tags {
        None => ServiceTags::builtin(),
        Some(p) => {
            let bytes = read(p)?;
            let name = p.display().to_string();
            let text = std::str::from_utf8(&bytes)
                .map_err(|e| Fatal(format!("{name}: not UTF-8 text ({e})")))?;
            let read = ServiceTags::read_published(&name, text);
            for d in &read.diagnostics {
                eprint!("{}", d.render(Some(text)));
            }
            read.tags.ok_or_else(|| {
                let errors = read
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                Fatal(format!("{name}: {errors} error(s) in the service tags"))
            })?
        }
    };
    Ok(BuildOptions { tags })
}

/// Loads one design; prints its diagnostics to stderr. `Err` when it has errors.
fn load(
    path: &Path,
    opts: &BuildOptions,
    format: Format,
) -> Result<(Design, Vec<serde_json::Value>), Fatal> {
    let bytes = read(path)?;
    let name = path.display().to_string();
    let loaded = vnetlab_core::load(&name, &bytes, opts);
    let source = String::from_utf8_lossy(&bytes);
    if format == Format::Text {
        for d in &loaded.diagnostics {
            eprint!("{}", d.render(Some(&source)));
        }
    }
    let diags: Vec<serde_json::Value> = loaded.diagnostics.iter().map(|d| json!(d)).collect();
    match loaded.design {
        Some(d) => Ok((d, diags)),
        None => {
            let errors = loaded
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error && d.code != "too-many-problems")
                .count();
            // Past the collection cap the last diagnostic counts the rest.
            let more = if loaded
                .diagnostics
                .last()
                .is_some_and(|d| d.code == "too-many-problems")
            {
                "more than "
            } else {
                ""
            };
            if format == Format::Json {
                outln!(
                    "{}",
                    json!({"file": name, "valid": false, "diagnostics": diags})
                );
            }
            Err(Fatal(format!(
                "{name}: {more}{errors} error(s); nothing was analysed"
            )))
        }
    }
}

fn protocol(p: Proto) -> Protocol {
    match p {
        Proto::Tcp => Protocol::Tcp,
        Proto::Udp => Protocol::Udp,
        Proto::Icmp => Protocol::Icmp,
        Proto::Esp => Protocol::Esp,
        Proto::Ah => Protocol::Ah,
    }
}

fn run(cmd: Command) -> Result<ExitCode, Fatal> {
    match cmd {
        Command::Check {
            files,
            verbose,
            faults,
            common,
        } => {
            let opts = options(&common)?;
            let mut failed = false;
            let mut invalid = false;
            let mut reports = Vec::new();
            for f in &files {
                match load(f, &opts, common.format) {
                    Ok((design, diags)) => {
                        let report = vnetlab_core::check(&design);
                        failed |= !report.all_hold();
                        match common.format {
                            Format::Text => out!("{}", render::check(&report, verbose)),
                            Format::Json => reports.push(json!({"file": f.display().to_string(), "valid": true, "diagnostics": diags, "report": report})),
                        }
                        if faults.is_some() {
                            failed |= reach::faults(&design, &report, &opts, common.format);
                        }
                    }
                    Err(Fatal(msg)) => {
                        invalid = true;
                        if common.format == Format::Text {
                            eprintln!("vnetlab: {msg}");
                        }
                    }
                }
            }
            if common.format == Format::Json && !reports.is_empty() {
                outln!(
                    "{}",
                    serde_json::to_string_pretty(&json!({"files": reports})).expect("json")
                );
            }
            Ok(ExitCode::from(if invalid {
                2
            } else if failed {
                1
            } else {
                0
            }))
        }
        Command::Trace {
            file,
            from,
            to,
            protocol: p,
            port,
            expect,
            common,
        } => {
            let opts = options(&common)?;
            let (design, _) = load(&file, &opts, common.format)?;
            let q = vnetlab_core::trace::FlowQuery {
                from,
                to,
                protocol: protocol(p),
                port,
            };
            let t = vnetlab_core::trace(&design, &q).map_err(|e| Fatal(e.to_string()))?;
            match common.format {
                Format::Text => out!(
                    "{}service tags: {}\n",
                    render::trace(&t),
                    design.tags.source()
                ),
                Format::Json => outln!("{}", serde_json::to_string_pretty(&t).expect("json")),
            }
            let ok = match expect {
                None => true,
                Some(Expect::Allowed) => t.verdict.allowed(),
                Some(Expect::Denied) => !t.verdict.allowed(),
            };
            Ok(ExitCode::from(if ok { 0 } else { 1 }))
        }
        Command::Routes {
            file,
            subnet,
            common,
        } => {
            let opts = options(&common)?;
            let (design, _) = load(&file, &opts, common.format)?;
            let s = design.subnet_by_name(&subnet).ok_or_else(|| {
                let known: Vec<&str> = design.subnets.iter().map(|s| s.name.as_str()).collect();
                Fatal(format!(
                    "no subnet `{subnet}` (known: {})",
                    known.join(", ")
                ))
            })?;
            match common.format {
                Format::Text => out!(
                    "{}service tags: {}\n",
                    render::routes(&design, s),
                    design.tags.source()
                ),
                Format::Json => outln!(
                    "{}",
                    serde_json::to_string_pretty(
                        &json!({"subnet": subnet, "routes": render::route_rows(&design, s)})
                    )
                    .expect("json")
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Rules {
            file,
            workload,
            common,
        } => {
            let opts = options(&common)?;
            let (design, _) = load(&file, &opts, common.format)?;
            let w = design.workload_by_name(&workload).ok_or_else(|| {
                let known: Vec<&str> = design.workloads.iter().map(|w| w.name.as_str()).collect();
                Fatal(format!(
                    "no workload `{workload}` (known: {})",
                    known.join(", ")
                ))
            })?;
            match common.format {
                Format::Text => out!(
                    "{}service tags: {}\n",
                    render::rules(&design, w),
                    design.tags.source()
                ),
                Format::Json => outln!(
                    "{}",
                    serde_json::to_string_pretty(
                        &json!({"workload": workload, "rules": render::rule_rows(&design, w)})
                    )
                    .expect("json")
                ),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            file,
            fail_on,
            verbose,
            common,
        } => {
            let opts = options(&common)?;
            let (design, _) = load(&file, &opts, common.format)?;
            Ok(audit::run(&design, fail_on, verbose, common.format))
        }
        Command::Tui { file, common } => {
            let opts = options(&common)?;
            read(&file)?;
            vnetlab_tui::app::run(&file, opts).map_err(|e| Fatal(format!("terminal: {e}")))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Matrix {
            file,
            ports,
            by,
            common,
        } => {
            let opts = options(&common)?;
            let (design, _) = load(&file, &opts, common.format)?;
            reach::matrix(&design, &ports, by, common.format).map_err(Fatal)
        }
        Command::Diff {
            before,
            after,
            ports,
            fail_on_change,
            common,
        } => {
            let opts = options(&common)?;
            let (a, _) = load(&before, &opts, common.format)?;
            let (b, _) = load(&after, &opts, common.format)?;
            reach::diff(&a, &b, &ports, fail_on_change, common.format).map_err(Fatal)
        }
        Command::Generate {
            workload,
            seed,
            json,
        } => {
            let w = vnetlab_core::generate::Workload::parse(&workload).ok_or_else(|| {
                Fatal(format!(
                    "unknown workload `{workload}`; use t1, t2, t3 or t4"
                ))
            })?;
            let yaml = vnetlab_core::generate::generate(w, seed);
            if json {
                let mut diags = vnetlab_core::diag::Diagnostics::new("generated.yaml");
                let file = vnetlab_core::format::read(yaml.as_bytes(), &mut diags)
                    .expect("generated designs are valid");
                out!("{}", vnetlab_core::format::to_json(&file));
            } else {
                out!("{}", yaml);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema => {
            out!("{}", vnetlab_core::format::json_schema());
            Ok(ExitCode::SUCCESS)
        }
    }
}
