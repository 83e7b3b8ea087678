//! Text rendering of an audit, shared by the command line, the terminal app and the browser.

use super::AuditReport;
use super::flows::Stage;
use std::fmt::Write;

/// The audit as text; `verbose` adds every trace.
pub fn audit(r: &AuditReport, verbose: bool) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "audit {}", r.design);
    let _ = writeln!(
        o,
        "\nrequired flows ({} works, {} broken)",
        r.flows.len() - r.broken(),
        r.broken()
    );
    let mut stage: Option<Stage> = None;
    for f in &r.flows {
        if stage != Some(f.flow.stage) {
            stage = Some(f.flow.stage);
            let _ = writeln!(o, "  {}:", f.flow.stage.title());
        }
        let _ = writeln!(
            o,
            "    {} {} → {} {}/{}: {}",
            if f.works { "works " } else { "BROKEN" },
            f.flow.from,
            f.flow.to,
            f.flow.protocol,
            f.flow.port,
            f.verdict
        );
        if !f.works {
            let _ = writeln!(o, "           why: {}", f.flow.purpose);
            match &f.fix {
                Some(x) => {
                    let _ = writeln!(
                        o,
                        "           fix: {}{}",
                        x.change,
                        if x.verified {
                            " (verified by re-tracing)"
                        } else {
                            ""
                        }
                    );
                }
                None => {
                    let _ = writeln!(o, "           fix: no single change found");
                }
            }
        }
        if let Some(t) = f.trace.as_ref().filter(|_| verbose || !f.works) {
            for line in crate::render::trace(t).lines() {
                let _ = writeln!(o, "           | {line}");
            }
        }
    }
    let _ = writeln!(o, "\nfindings ({})", r.findings.len());
    for f in &r.findings {
        let _ = writeln!(o, "  [{}] {} {}", f.severity, f.id, f.title);
        let _ = writeln!(o, "      resources: {}", f.resources.join(", "));
        match (&f.witness, &f.at) {
            (Some(w), _) => {
                let _ = writeln!(o, "      witness: {w}");
            }
            (None, Some(at)) => {
                let _ = writeln!(o, "      at: {}, line {}", at.element, at.line);
            }
            (None, None) => {}
        }
        let _ = writeln!(o, "      remediation: {}", f.remediation);
        if !f.references.is_empty() {
            let refs: Vec<String> = f
                .references
                .iter()
                .map(|x| format!("{}: {}", x.tool, x.id))
                .collect();
            let _ = writeln!(o, "      see also: {}", refs.join("; "));
        }
        if !f.controls.is_empty() {
            let _ = writeln!(
                o,
                "      controls: {}",
                super::compliance::render(&f.controls)
            );
        }
        if verbose && let Some(t) = &f.trace {
            for line in crate::render::trace(t).lines() {
                let _ = writeln!(o, "      | {line}");
            }
        }
    }
    let g = &r.governance;
    let _ = writeln!(o, "\ngovernance");
    let _ = writeln!(
        o,
        "  workspaces with public access disabled: {}/{}",
        g.workspaces_public_access_disabled, g.workspaces
    );
    let _ = writeln!(
        o,
        "  computes and endpoints with a public IP or ingress: {}/{}",
        g.computes_with_public_ip, g.computes
    );
    let _ = writeln!(
        o,
        "  dependent services without a private endpoint: {}/{}",
        g.dependent_services_without_private_endpoint, g.dependent_services
    );
    let sev: Vec<String> = g
        .findings_by_severity
        .iter()
        .rev()
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    let _ = writeln!(o, "  findings by severity: {}", sev.join(", "));
    o
}
