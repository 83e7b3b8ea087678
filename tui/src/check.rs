//! `vnetlab check`: validates each file, proves its expectations (and, with `--faults 1`, tries
//! every single edit), and writes one report for all files in the chosen format. Text streams
//! file by file; JSON is always one document `{"files": [...]}`, whatever the files.

use crate::cli::{Common, Format};
use crate::report::{self, FileRun};
use crate::{diagnostics, reach};
use std::path::PathBuf;
use std::process::ExitCode;
use vnetlab_core::check::{CheckReport, Outcome};
use vnetlab_core::diag::Severity;
use vnetlab_core::model::BuildOptions;
use vnetlab_core::render;

/// What `check` was asked for besides proving expectations.
#[derive(Clone, Copy, Debug)]
pub struct Ask {
    /// Print the traces of expectations that hold.
    pub verbose: bool,
    /// Try every single edit (`--faults 1`).
    pub faults: bool,
    /// A single edit that breaks an expectation fails the run (`--fail-on-fault`).
    pub fail_on_fault: bool,
    /// A file without expectations fails.
    pub require_expectations: bool,
    /// Text: print only what failed.
    pub quiet: bool,
}

/// Checks `files`; exit 2 when a file is invalid, 1 when an expectation fails (or a file has
/// none and they are required, or with `--fail-on-fault` a single edit breaks one), 0
/// otherwise.
pub fn run(files: &[PathBuf], ask: Ask, opts: &BuildOptions, common: &Common) -> ExitCode {
    let text = common.format == Format::Text;
    let (mut invalid, mut failed) = (false, false);
    let mut runs = Vec::new();
    for path in files {
        let name = crate::name(path);
        let bytes = match crate::read(path) {
            Ok(b) => b,
            Err(crate::Fatal(message)) => {
                invalid = true;
                if text {
                    eprintln!("vnetlab: {message}");
                }
                runs.push(FileRun::unreadable(name, message));
                continue;
            }
        };
        let loaded = vnetlab_core::load(&name, &bytes, opts);
        if text {
            diagnostics::eprint(&loaded.diagnostics, &bytes, common.color);
        }
        let Some(design) = loaded.design else {
            invalid = true;
            if text {
                let errors = loaded
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .count();
                eprintln!("vnetlab: {name}: {errors} error(s); nothing was analysed");
            }
            runs.push(FileRun::invalid(name, loaded.diagnostics));
            continue;
        };
        let report = vnetlab_core::check(&design);
        let empty = report.results.is_empty();
        failed |= !report.all_hold() || (empty && ask.require_expectations);
        if text {
            if empty {
                outln!(
                    "check {name}: no expectations: nothing was checked (add `expect` entries; --require-expectations makes this fail)"
                );
            } else if !ask.quiet {
                out!("{}", render::check(&report, ask.verbose));
            } else if !report.all_hold() {
                let mut failing = report.clone();
                failing.results.retain(|r| r.outcome != Outcome::Holds);
                out!("{}", render::check(&failing, ask.verbose));
            }
        }
        // With no expectation that holds, no single edit can break one: nothing is tried.
        let holding = report.results.iter().any(|r| r.outcome == Outcome::Holds);
        let faults = ask.faults.then(|| {
            let mut progress = reach::Progress::new(&design.name);
            vnetlab_core::diff::faults(&design, &report, opts, &mut |done, total| {
                progress.show(done, total)
            })
        });
        if let Some(faults) = &faults {
            let fragile = faults.fragile().next().is_some();
            failed |= fragile && ask.fail_on_fault;
            if text && empty {
                outln!(
                    "fault tolerance of {}: no expectations, so nothing can break; nothing tried",
                    design.name
                );
            } else if text && !holding {
                outln!(
                    "fault tolerance of {}: no expectation holds, so no single edit can break one; nothing tried",
                    design.name
                );
            } else if text && (fragile || !ask.quiet) {
                out!("{}", reach::faults_text(&design.name, faults));
            }
        }
        runs.push(FileRun {
            file: name,
            diagnostics: loaded.diagnostics,
            records: Some(design.file),
            check: Some(report),
            faults: faults.map(|f| f.tried),
            fail_on_fault: ask.fail_on_fault,
            audit: None,
            require_expectations: ask.require_expectations,
            text: Some(String::from_utf8_lossy(&bytes).into_owned()),
        });
    }
    match common.format {
        Format::Text => {}
        Format::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&json_document(&runs)).expect("json")
        ),
        Format::Sarif => out!("{}", report::sarif::render(&runs)),
        Format::Junit => out!("{}", report::junit::render(&runs, "check")),
        Format::Github => out!("{}", report::github::render(&runs)),
    }
    ExitCode::from(if invalid {
        2
    } else if failed {
        1
    } else {
        0
    })
}

/// `{"files": [{"file", "valid", "diagnostics", "report"?, "faults"?}]}` (docs/cli-json.md).
fn json_document(runs: &[FileRun]) -> crate::json::Files<'_, &CheckReport> {
    crate::json::Files {
        files: runs
            .iter()
            .map(|r| crate::json::CheckEntry {
                diagnostics: &r.diagnostics,
                faults: r.faults.as_deref(),
                file: &r.file,
                report: r.check.as_ref(),
                valid: r.check.is_some(),
            })
            .collect(),
        portfolio: None,
    }
}
