//! Waivers (`accept:` in a design): findings that were reviewed and accepted until a date.
//! Pure: the caller passes today's date. A waiver accepts every finding of its kind that names
//! its element; an expired waiver accepts nothing and is itself a finding; a waiver that accepts
//! nothing is reported as unused (a warning: the finding it was written for is gone, or the
//! waiver names the wrong kind or element).

use super::Severity;
use super::findings::Finding;
use crate::diag::Span;
use crate::format::{AcceptDef, Date};
use serde::Serialize;

/// The id of the finding an expired waiver becomes.
pub const EXPIRED: &str = "VNETLAB-WAIVER-EXPIRED";

/// A waiver as reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Waiver {
    /// The finding kind it accepts.
    pub finding: String,
    /// The element it accepts it for.
    pub resource: String,
    /// Why.
    pub justification: String,
    /// Who owns the exception.
    pub owner: String,
    /// Its last day.
    pub expires: String,
    /// Where it is written.
    pub line: u32,
    /// Column of its first key.
    pub col: u32,
    /// For an unused waiver: why it matches nothing, and the likely fix.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

/// What a design's waivers did to its findings.
#[derive(Clone, Debug, Default, Serialize)]
pub struct WaiverReport {
    /// The date the waivers were compared with.
    pub today: String,
    /// For each finding accepted, its index in the audit's findings and the waiver's index in
    /// [`Self::waivers`].
    pub accepted: Vec<(usize, usize)>,
    /// Every waiver, in file order.
    pub waivers: Vec<Waiver>,
    /// Expired waivers: (waiver index, index of the finding it became in the audit's findings).
    pub expired: Vec<(usize, usize)>,
    /// Indices of waivers that are in force but accept no finding.
    pub unused: Vec<usize>,
}

impl WaiverReport {
    /// The waiver accepting finding `i`, if any.
    pub fn accepting(&self, i: usize) -> Option<&Waiver> {
        self.accepted
            .iter()
            .find(|(f, _)| *f == i)
            .map(|(_, w)| &self.waivers[*w])
    }
}

fn waiver(a: &AcceptDef) -> Waiver {
    let Span { line, col } = a.pos.0;
    Waiver {
        finding: a.finding.value.clone(),
        resource: a.resource.value.clone(),
        justification: a.justification.clone(),
        owner: a.owner.clone(),
        expires: a.expires.value.to_string(),
        line,
        col,
        help: None,
    }
}

/// Why waiver `a` accepts none of `findings`.
fn unused_help(a: &AcceptDef, findings: &[Finding]) -> String {
    let (kind, resource) = (&a.finding.value, &a.resource.value);
    if super::kinds::kind(kind).is_none() {
        let ids = super::kinds::KINDS.iter().map(|k| k.id);
        return match crate::diag::did_you_mean(kind, ids) {
            Some(id) => format!("there is no finding kind `{kind}`; did you mean `{id}`?"),
            None => format!("there is no finding kind `{kind}` (docs/aml.md lists them)"),
        };
    }
    let named: Vec<&str> = findings
        .iter()
        .filter(|f| f.id == *kind)
        .flat_map(|f| f.resources.iter().map(String::as_str))
        .collect();
    match crate::diag::did_you_mean(resource, named.iter().copied()) {
        Some(r) => format!("no {kind} finding names `{resource}`; did you mean `{r}`?"),
        None if named.is_empty() => {
            format!("the design has no {kind} finding: remove the waiver")
        }
        None => format!(
            "no {kind} finding names `{resource}` (they name {}): remove or correct the waiver",
            named.join(", ")
        ),
    }
}

/// Applies `accept` to `findings` on `today`: marks the accepted findings, and appends one
/// finding per expired waiver (severity: the highest of the findings it would accept, `low`
/// when it matches none).
pub fn apply(accept: &[AcceptDef], findings: &mut Vec<Finding>, today: Date) -> WaiverReport {
    let mut r = WaiverReport {
        today: today.to_string(),
        waivers: accept.iter().map(waiver).collect(),
        ..WaiverReport::default()
    };
    let matches = |a: &AcceptDef, f: &Finding| {
        f.id == a.finding.value && f.resources.contains(&a.resource.value)
    };
    let mut expired_findings = Vec::new();
    let first_new = findings.len();
    for (w, a) in accept.iter().enumerate() {
        let matched: Vec<usize> = (0..findings.len())
            .filter(|&i| matches(a, &findings[i]))
            .collect();
        if a.expires.value < today {
            r.expired.push((w, first_new + expired_findings.len()));
            let severity = matched
                .iter()
                .map(|&i| findings[i].severity)
                .max()
                .unwrap_or(Severity::Low);
            let f = Finding {
                id: EXPIRED,
                severity,
                title: format!(
                    "the waiver for {} on {} (owner {}) expired on {}",
                    a.finding.value, a.resource.value, a.owner, a.expires.value
                ),
                resources: vec![a.resource.value.clone()],
                witness: None,
                trace: None,
                at: (a.pos.0.line > 0).then(|| super::findings::Located {
                    element: format!("waiver {} {}", a.finding.value, a.resource.value),
                    id: None,
                    line: a.pos.0.line,
                    column: a.pos.0.col,
                }),
                remediation: "review the exception again: fix the finding, or renew the waiver with a new expiry date".to_string(),
                references: Vec::new(),
                controls: Vec::new(),
            };
            expired_findings.push(f);
            continue;
        }
        let unclaimed: Vec<usize> = matched
            .into_iter()
            .filter(|i| !r.accepted.iter().any(|(f, _)| f == i))
            .collect();
        if unclaimed.is_empty() {
            r.unused.push(w);
            r.waivers[w].help = Some(unused_help(a, findings));
        }
        r.accepted.extend(unclaimed.into_iter().map(|i| (i, w)));
    }
    r.accepted.sort_unstable();
    findings.extend(expired_findings);
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{Pos, Spanned};

    fn accept(finding: &str, resource: &str, expires: &str) -> AcceptDef {
        AcceptDef {
            finding: Spanned::new(finding.into()),
            resource: Spanned::new(resource.into()),
            justification: "reviewed".into(),
            owner: "team".into(),
            expires: Spanned::new(Date::parse(expires).unwrap()),
            pos: Pos::default(),
        }
    }

    fn found(id: &'static str, resource: &str) -> Finding {
        Finding {
            id,
            severity: Severity::High,
            title: String::new(),
            resources: vec![resource.into()],
            witness: None,
            trace: None,
            at: None,
            remediation: String::new(),
            references: Vec::new(),
            controls: Vec::new(),
        }
    }

    #[test]
    fn accepts_matching_findings_until_the_expiry_day_inclusive() {
        let today = Date::parse("2026-06-30").unwrap();
        let mut findings = vec![found("A", "x"), found("A", "y"), found("B", "x")];
        let r = apply(&[accept("A", "x", "2026-06-30")], &mut findings, today);
        assert_eq!(r.accepted, vec![(0, 0)]);
        assert!(r.expired.is_empty() && r.unused.is_empty());
        assert_eq!(findings.len(), 3);
    }

    #[test]
    fn an_expired_waiver_is_a_finding_and_accepts_nothing() {
        let today = Date::parse("2026-07-01").unwrap();
        let mut findings = vec![found("A", "x")];
        let r = apply(&[accept("A", "x", "2026-06-30")], &mut findings, today);
        assert!(r.accepted.is_empty());
        assert_eq!(r.expired, vec![(0, 1)]);
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[1].id, EXPIRED);
        assert_eq!(findings[1].severity, Severity::High);
    }

    #[test]
    fn the_expired_waiver_finding_is_a_known_kind() {
        assert!(crate::finding_kinds::kind(EXPIRED).is_some());
    }

    #[test]
    fn a_waiver_matching_nothing_is_unused() {
        let today = Date::parse("2026-01-01").unwrap();
        let mut findings = vec![found("A", "x")];
        let r = apply(&[accept("A", "z", "2027-01-01")], &mut findings, today);
        assert_eq!(r.unused, vec![0]);
        assert!(r.accepted.is_empty());
        assert_eq!(
            r.waivers[0].help.as_deref(),
            Some("there is no finding kind `A` (docs/aml.md lists them)")
        );
        let mut findings = vec![found("AML-EXFILTRATION", "trainer")];
        let r = apply(
            &[
                accept("AML-EXFILTRATON", "trainer", "2027-01-01"),
                accept("AML-EXFILTRATION", "traner", "2027-01-01"),
            ],
            &mut findings,
            today,
        );
        assert_eq!(r.unused, vec![0, 1]);
        assert!(
            r.waivers[0]
                .help
                .as_deref()
                .unwrap()
                .contains("did you mean `AML-EXFILTRATION`?")
        );
        assert!(
            r.waivers[1]
                .help
                .as_deref()
                .unwrap()
                .contains("did you mean `trainer`?")
        );
    }

    #[test]
    fn dates_are_checked() {
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2025-02-29").is_none());
        assert!(Date::parse("2025-13-01").is_none());
        assert!(Date::parse("2025-1-01").is_none());
        assert!(Date::parse("2025-04-31").is_none());
        assert!(Date::parse("2025-12-31") > Date::parse("2025-01-31"));
    }
}
