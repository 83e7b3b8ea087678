//! `vnetlab audit`: loads a design, runs vnetlab-core's Azure ML audit, applies the design's
//! waivers (`accept:`) on the given day, prints the report in the chosen format and picks the
//! exit code.

use crate::cli::{Common, FailOn, Format};
use crate::report::{self, FileRun};
use std::path::Path;
use std::process::ExitCode;
use vnetlab_core::aml::{self, Severity, waivers};
use vnetlab_core::format::Date;
use vnetlab_core::model::BuildOptions;

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

/// `--today`, or today's date in UTC from the system clock.
pub fn today(given: Option<&str>) -> Result<Date, String> {
    if let Some(text) = given {
        return Date::parse(text)
            .ok_or_else(|| format!("--today `{text}` is not a date (write YYYY-MM-DD)"));
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| format!("the system clock is before 1970: {e}"))?
        .as_secs();
    Ok(civil(secs / 86_400))
}

/// The calendar date `days` after 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil(days: u64) -> Date {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
    Date { year, month, day }
}

/// What `audit` was asked for.
#[derive(Clone, Copy, Debug)]
pub struct Ask {
    /// The lowest severity that fails.
    pub fail_on: FailOn,
    /// Print every trace.
    pub verbose: bool,
    /// Text: print nothing unless the audit fails.
    pub quiet: bool,
    /// The date waivers are compared with.
    pub today: Date,
}

/// Audits the design in `path`, prints the report, and returns 2 when the file is invalid, 1
/// when a required flow is broken or a finding not accepted by a waiver is at or above
/// `fail_on`, 0 otherwise.
pub fn run(path: &Path, opts: &BuildOptions, ask: Ask, common: &Common) -> ExitCode {
    let Ask {
        fail_on,
        verbose,
        quiet,
        today,
    } = ask;
    let name = crate::name(path);
    let (design, bytes) = match crate::load_text(path, opts, common) {
        Ok((design, _, bytes)) => (design, bytes),
        Err(crate::Fatal(msg)) => {
            eprintln!("vnetlab: {msg}");
            return ExitCode::from(2);
        }
    };
    let mut audit = aml::audit(&design);
    let waived = waivers::apply(&design.file.accept, &mut audit.findings, today);
    let at = severity(fail_on);
    let fails = audit.fails_with(at, &waived);
    match common.format {
        Format::Text => {
            if !quiet || fails {
                let mut shown = audit.clone();
                let accepted: Vec<usize> = waived.accepted.iter().map(|(f, _)| *f).collect();
                shown.findings = audit
                    .findings
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !accepted.contains(i))
                    .map(|(_, f)| f.clone())
                    .collect();
                out!("{}", aml::render::audit(&shown, verbose));
                out!("{}", waivers_text(&audit, &waived));
            }
            for &u in &waived.unused {
                let w = &waived.waivers[u];
                eprintln!(
                    "{name}:{}:{}: warning[waiver-unused]: the waiver for {} on {} accepts no finding\n  = help: {}",
                    w.line,
                    w.col,
                    w.finding,
                    w.resource,
                    w.help
                        .as_deref()
                        .unwrap_or("remove it, or correct its `finding` or `resource`")
                );
            }
        }
        Format::Json => {
            let mut v = serde_json::json!(audit);
            for (f, w) in &waived.accepted {
                v["findings"][*f]["accepted_by"] = serde_json::json!(w);
            }
            v["waivers"] = serde_json::json!(waived);
            outln!("{}", serde_json::to_string_pretty(&v).expect("json"));
        }
        Format::Sarif | Format::Junit | Format::Github => {
            let runs = [FileRun {
                audit: Some((audit, at, waived)),
                records: Some(design.file),
                text: Some(String::from_utf8_lossy(&bytes).into_owned()),
                ..FileRun::invalid(name, Vec::new())
            }];
            match common.format {
                Format::Sarif => out!("{}", report::sarif::render(&runs)),
                Format::Junit => out!("{}", report::junit::render(&runs, "audit")),
                _ => out!("{}", report::github::render(&runs)),
            }
        }
    }
    ExitCode::from(u8::from(fails))
}

/// The waivers section of the text report.
fn waivers_text(audit: &aml::AuditReport, w: &waivers::WaiverReport) -> String {
    if w.waivers.is_empty() {
        return String::new();
    }
    let mut out = format!("\nwaivers (on {})\n", w.today);
    for (f, i) in &w.accepted {
        let (finding, waiver) = (&audit.findings[*f], &w.waivers[*i]);
        out.push_str(&format!(
            "  accepted {} {} ({}): {} — owner {}, until {}\n",
            finding.id,
            finding.resources.join(", "),
            finding.severity,
            waiver.justification,
            waiver.owner,
            waiver.expires
        ));
    }
    for (i, _) in &w.expired {
        let waiver = &w.waivers[*i];
        out.push_str(&format!(
            "  EXPIRED  {} {} on {} (owner {}): it accepts nothing now\n",
            waiver.finding, waiver.resource, waiver.expires, waiver.owner
        ));
    }
    for i in &w.unused {
        let waiver = &w.waivers[*i];
        out.push_str(&format!(
            "  unused   {} {}: {}\n",
            waiver.finding,
            waiver.resource,
            waiver.help.as_deref().unwrap_or("no such finding")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn civil_dates() {
        assert_eq!(super::civil(0).to_string(), "1970-01-01");
        assert_eq!(super::civil(19_782).to_string(), "2024-02-29");
        assert_eq!(super::civil(20_454).to_string(), "2026-01-01");
    }
}
