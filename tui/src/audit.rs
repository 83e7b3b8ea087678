//! `vnetlab audit`: prints what vnetlab-core's Azure ML audit computed and picks the exit code.

use crate::cli::{FailOn, Format};
use std::process::ExitCode;
use vnetlab_core::aml::{self, Severity};
use vnetlab_core::model::Design;

/// The severity a `--fail-on` value stands for.
fn severity(f: FailOn) -> Severity {
    match f {
        FailOn::Info => Severity::Info,
        FailOn::Low => Severity::Low,
        FailOn::Medium => Severity::Medium,
        FailOn::High => Severity::High,
        FailOn::Critical => Severity::Critical,
    }
}

/// Audits a design, prints the report, and returns 1 when a required flow is broken or a
/// finding is at or above `fail_on`, 0 otherwise.
pub fn run(design: &Design, fail_on: FailOn, verbose: bool, format: Format) -> ExitCode {
    let report = aml::audit(design);
    match format {
        Format::Text => out!("{}", aml::render::audit(&report, verbose)),
        Format::Json => outln!("{}", serde_json::to_string_pretty(&report).expect("json")),
    }
    ExitCode::from(if report.fails(severity(fail_on)) {
        1
    } else {
        0
    })
}
