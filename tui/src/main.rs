//! `vnetlab`: the command line. Thin glue: parse arguments, read files, call vnetlab-core,
//! print its results. Exit 0 success, 1 an expectation or check failed, 2 bad input or usage.

#[macro_use]
mod out;
mod audit;
mod check;
mod cli;
mod designs;
mod diagnostics;
mod import;
mod inspect;
mod json;
mod reach;
mod report;

use clap::{CommandFactory, Parser, ValueEnum};
use cli::{Cli, Command, Common, Format, Proto, SchemaFormat, Tags};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use vnetlab_core::diag::Severity;
use vnetlab_core::model::{BuildOptions, Design};
use vnetlab_core::net::Protocol;
use vnetlab_core::tags::ServiceTags;

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

/// The name standard input (`-`) goes by in messages.
const STDIN: &str = "<stdin>";

/// Whether `path` is `-`: standard input.
fn is_stdin(path: &Path) -> bool {
    path == Path::new("-")
}

/// How a file is named in messages.
fn name(path: &Path) -> String {
    if is_stdin(path) {
        STDIN.to_string()
    } else {
        path.display().to_string()
    }
}

/// Reads a file, or standard input for `-` (once: a second `-` is bad input).
fn read(path: &Path) -> Result<Vec<u8>, Fatal> {
    static STDIN_READ: AtomicBool = AtomicBool::new(false);
    if is_stdin(path) {
        if STDIN_READ.swap(true, Ordering::Relaxed) {
            return Err(Fatal(
                "standard input (`-`) can be read only once; give the other designs as files"
                    .into(),
            ));
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
            .map_err(|e| Fatal(format!("cannot read standard input: {e}")))?;
        return Ok(bytes);
    }
    std::fs::read(path).map_err(|e| Fatal(format!("cannot read {}: {e}", path.display())))
}

fn options(common: &Common) -> Result<BuildOptions, Fatal> {
    tag_options(&common.service_tags)
}

/// Build options with the built-in service tags, or Microsoft's published ones from a file.
fn tag_options(service_tags: &Option<PathBuf>) -> Result<BuildOptions, Fatal> {
    let tags = match service_tags {
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
fn load(path: &Path, opts: &BuildOptions, common: &Common) -> Result<Design, Fatal> {
    load_text(path, opts, common).map(|(d, _)| d)
}

/// [`load`], also giving the file's bytes.
fn load_text(
    path: &Path,
    opts: &BuildOptions,
    common: &Common,
) -> Result<(Design, Vec<u8>), Fatal> {
    let format = common.format;
    let bytes = read(path)?;
    let name = name(path);
    let loaded = vnetlab_core::load(&name, &bytes, opts);
    if format == Format::Text {
        diagnostics::eprint(&loaded.diagnostics, &bytes, common.color);
    }
    match loaded.design {
        Some(d) => Ok((d, bytes)),
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
                    serde_json::to_string(&json::FileEntry::<()> {
                        diagnostics: &loaded.diagnostics,
                        faults: None,
                        file: &name,
                        report: None,
                        valid: false,
                    })
                    .expect("json")
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

/// The common options of a command, if it has them.
fn common(cmd: &Command) -> Option<(&'static str, &Common)> {
    match cmd {
        Command::Check { common, .. } => Some(("check", common)),
        Command::Audit { common, .. } => Some(("audit", common)),
        Command::Matrix { common, .. } => Some(("matrix", common)),
        Command::Diff { common, .. } => Some(("diff", common)),
        Command::Trace { common, .. } => Some(("trace", common)),
        Command::Routes { common, .. } => Some(("routes", common)),
        Command::Rules { common, .. } => Some(("rules", common)),
        Command::Tui { .. }
        | Command::Generate { .. }
        | Command::Schema { .. }
        | Command::Completions { .. }
        | Command::Man
        | Command::Import(_) => None,
    }
}

fn run(cmd: Command) -> Result<ExitCode, Fatal> {
    if let Some((name, c)) = common(&cmd)
        && c.format.is_report()
        && !matches!(name, "check" | "audit")
    {
        let f = c.format.to_possible_value().expect("a value");
        return Err(Fatal(format!(
            "--format {} is for check and audit; `{name}` writes text or json",
            f.get_name()
        )));
    }
    match cmd {
        Command::Check {
            files,
            verbose,
            faults,
            fail_on_fault,
            require_expectations,
            quiet,
            common,
        } => {
            let opts = options(&common)?;
            let ask = check::Ask {
                verbose,
                faults: faults.is_some(),
                fail_on_fault,
                require_expectations,
                quiet,
            };
            Ok(check::run(&files, ask, &opts, &common))
        }
        Command::Trace {
            file,
            from,
            to,
            protocol,
            port,
            source_port,
            expect,
            common,
        } => {
            let ask = inspect::TraceAsk {
                from,
                to,
                protocol,
                port,
                source_port,
                expect,
            };
            inspect::trace(&file, ask, &common)
        }
        Command::Routes {
            file,
            subnet,
            common,
        } => inspect::routes(&file, &subnet, &common),
        Command::Rules {
            file,
            workload,
            expand,
            common,
        } => inspect::rules(&file, &workload, expand, &common),
        Command::Audit {
            files,
            fail_on,
            verbose,
            today,
            quiet,
            common,
        } => {
            let opts = options(&common)?;
            let today = audit::today(today.as_deref()).map_err(Fatal)?;
            let ask = audit::Ask {
                fail_on,
                verbose,
                quiet,
                today,
            };
            Ok(audit::run(&files, &opts, ask, &common))
        }
        Command::Tui {
            file,
            tags: Tags { service_tags },
        } => {
            let opts = tag_options(&service_tags)?;
            if !is_stdin(&file) {
                read(&file)?;
            }
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
            let design = load(&file, &opts, &common)?;
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
            let a = load(&before, &opts, &common)?;
            let b = load(&after, &opts, &common)?;
            reach::diff(&a, &b, &ports, fail_on_change, common.format).map_err(Fatal)
        }
        Command::Generate {
            workload,
            seed,
            format,
        } => inspect::generate(&workload, seed, format),
        Command::Schema {
            format: SchemaFormat::Json,
        } => {
            out!("{}", vnetlab_core::format::json_schema());
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "vnetlab", &mut script);
            out!("{}", String::from_utf8_lossy(&script));
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .map_err(|e| Fatal(format!("man page: {e}")))?;
            out!("{}", String::from_utf8_lossy(&page));
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(cmd) => import::run(cmd).map_err(Fatal),
    }
}
