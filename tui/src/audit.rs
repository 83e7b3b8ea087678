//! `vnetlab audit`: loads a design (or many, with the portfolio over them), runs vnetlab-core's Azure ML audit, applies the design's
//! waivers (`accept:`) on the given day, prints the report in the chosen format and picks the
//! exit code.

use crate::cli::{Common, FailOn, Format};
use crate::report::{self, FileRun};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use vnetlab_core::aml::{self, Severity, portfolio::Portfolio, waivers};
use vnetlab_core::diag::Severity as DiagSeverity;
use vnetlab_core::format::Date;
use vnetlab_core::model::{BuildOptions, Design};

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

/// Audits the designs `args` name (files, directories, globs: `designs::expand`). One file
/// given as such is reported alone; otherwise every design's report is followed by the
/// portfolio over all of them. Exit 2 when a file is invalid, 1 when a required flow is broken
/// or a finding not accepted by a waiver is at or above `fail_on`, 0 otherwise.
pub fn run(args: &[PathBuf], opts: &BuildOptions, ask: Ask, common: &Common) -> ExitCode {
    let files = match crate::designs::expand(args) {
        Ok(files) => files,
        Err(crate::Fatal(msg)) => {
            eprintln!("vnetlab: {msg}");
            return ExitCode::from(2);
        }
    };
    if files.len() == 1 && args.len() == 1 && files[0] == args[0] {
        one(&files[0], opts, ask, common)
    } else {
        many(&files, opts, ask, common)
    }
}

/// One design's audit with its waivers applied.
struct Audited {
    audit: aml::AuditReport,
    waived: waivers::WaiverReport,
    fails: bool,
}

/// Runs the audit on a loaded design and applies its waivers.
fn audited(design: &Design, ask: Ask) -> Audited {
    let mut audit = aml::audit(design);
    let waived = waivers::apply(&design.file.accept, &mut audit.findings, ask.today);
    let fails = audit.fails_with(severity(ask.fail_on), &waived);
    Audited {
        audit,
        waived,
        fails,
    }
}

/// The text report of one design: the audit without the accepted findings, then the waivers.
fn text(a: &Audited, verbose: bool) -> String {
    let shown = open_findings(a);
    format!(
        "{}{}",
        aml::render::audit(&shown, verbose),
        waivers_text(&a.audit, &a.waived)
    )
}

/// Warns on standard error of each waiver that accepts no finding.
fn warn_unused(name: &str, w: &waivers::WaiverReport) {
    for &u in &w.unused {
        let w = &w.waivers[u];
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

/// One design's audit as JSON (docs/cli-json.md, `audit`).
fn json(a: &Audited) -> crate::json::AuditDocument<'_> {
    crate::json::AuditDocument::new(&a.audit, &a.waived)
}

/// Audits the design in `path` alone.
fn one(path: &Path, opts: &BuildOptions, ask: Ask, common: &Common) -> ExitCode {
    let name = crate::name(path);
    let (design, bytes) = match crate::load_text(path, opts, common) {
        Ok((design, bytes)) => (design, bytes),
        Err(crate::Fatal(msg)) => {
            eprintln!("vnetlab: {msg}");
            return ExitCode::from(2);
        }
    };
    let a = audited(&design, ask);
    let fails = a.fails;
    match common.format {
        Format::Text => {
            if !ask.quiet || fails {
                out!("{}", text(&a, ask.verbose));
            }
            warn_unused(&name, &a.waived);
        }
        Format::Json => {
            outln!("{}", serde_json::to_string_pretty(&json(&a)).expect("json"));
        }
        Format::Sarif | Format::Junit | Format::Github => {
            let runs = [FileRun {
                audit: Some((a.audit, severity(ask.fail_on), a.waived)),
                records: Some(design.file),
                text: Some(String::from_utf8_lossy(&bytes).into_owned()),
                ..FileRun::invalid(name, Vec::new())
            }];
            machine(&runs, common.format);
        }
    }
    ExitCode::from(u8::from(fails))
}

/// Writes a CI report (SARIF, JUnit, GitHub annotations) of these runs.
fn machine(runs: &[FileRun], format: Format) {
    match format {
        Format::Sarif => out!("{}", report::sarif::render(runs)),
        Format::Junit => out!("{}", report::junit::render(runs, "audit")),
        _ => out!("{}", report::github::render(runs)),
    }
}

/// Audits many designs: each design's report, then the portfolio over the valid ones (text);
/// `{"files": [...], "portfolio": {...}}` (JSON); one CI report with a run per file.
fn many(files: &[PathBuf], opts: &BuildOptions, ask: Ask, common: &Common) -> ExitCode {
    let is_text = common.format == Format::Text;
    let (mut invalid, mut failed) = (false, false);
    let mut runs: Vec<(FileRun, Option<Audited>)> = Vec::new();
    for path in files {
        let name = crate::name(path);
        let bytes = match crate::read(path) {
            Ok(b) => b,
            Err(crate::Fatal(message)) => {
                invalid = true;
                if is_text {
                    eprintln!("vnetlab: {message}");
                }
                runs.push((FileRun::unreadable(name, message), None));
                continue;
            }
        };
        let loaded = vnetlab_core::load(&name, &bytes, opts);
        if is_text {
            crate::diagnostics::eprint(&loaded.diagnostics, &bytes, common.color);
        }
        let Some(design) = loaded.design else {
            invalid = true;
            if is_text {
                let errors = loaded
                    .diagnostics
                    .iter()
                    .filter(|d| d.severity == DiagSeverity::Error)
                    .count();
                eprintln!("vnetlab: {name}: {errors} error(s); nothing was analysed");
            }
            runs.push((FileRun::invalid(name, loaded.diagnostics), None));
            continue;
        };
        let a = audited(&design, ask);
        failed |= a.fails;
        let run = FileRun {
            diagnostics: loaded.diagnostics,
            records: Some(design.file),
            ..FileRun::invalid(name, Vec::new())
        };
        runs.push((run, Some(a)));
    }
    let portfolio = Portfolio::of(
        &runs
            .iter()
            .filter_map(|(_, a)| a.as_ref().map(open_findings))
            .collect::<Vec<_>>(),
    );
    match common.format {
        Format::Text => {
            let show_all = !ask.quiet;
            for (run, a) in &runs {
                if let Some(a) = a {
                    if show_all || a.fails {
                        out!("{}\n", text(a, ask.verbose));
                    }
                    warn_unused(&run.file, &a.waived);
                }
            }
            if show_all || failed || invalid {
                out!("{}", portfolio.render());
                let unaudited = runs.iter().filter(|(_, a)| a.is_none()).count();
                if unaudited > 0 {
                    outln!("  invalid designs, not audited: {unaudited}");
                }
            }
        }
        Format::Json => {
            let doc = crate::json::Files {
                files: runs
                    .iter()
                    .map(|(run, a)| crate::json::FileEntry {
                        diagnostics: &run.diagnostics,
                        faults: None,
                        file: &run.file,
                        report: a.as_ref().map(json),
                        valid: a.is_some(),
                    })
                    .collect(),
                portfolio: Some(&portfolio),
            };
            outln!("{}", serde_json::to_string_pretty(&doc).expect("json"));
        }
        Format::Sarif | Format::Junit | Format::Github => {
            let at = severity(ask.fail_on);
            let runs: Vec<FileRun> = runs
                .into_iter()
                .map(|(mut run, a)| {
                    run.audit = a.map(|a| (a.audit, at, a.waived));
                    run
                })
                .collect();
            machine(&runs, common.format);
        }
    }
    ExitCode::from(if invalid {
        2
    } else if failed {
        1
    } else {
        0
    })
}

/// The audit without the findings a waiver accepts: the portfolio counts open findings.
fn open_findings(a: &Audited) -> aml::AuditReport {
    let mut r = a.audit.clone();
    let accepted: Vec<usize> = a.waived.accepted.iter().map(|(f, _)| *f).collect();
    r.findings = r
        .findings
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !accepted.contains(i))
        .map(|(_, f)| f)
        .collect();
    r
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
