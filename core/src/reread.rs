//! A design's text changed: what the change does to its records, and the analysis of the new
//! text from the old one when the change is one the edits express. The browser studio reads its
//! source again at every keystroke (issue #19); a comment or layout change leaves the records as
//! they were ([`Reread::Same`]: nothing to analyse), and a rule of an NSG changed, added or
//! removed is applied to the analysed design in place ([`Design::apply_edit`]), its expectations
//! checked again where they read that NSG ([`check::recheck_touching`]) and the Azure ML audit
//! made again with only that NSG's rules linted again. Anything else ([`Reread::Other`]) is for a
//! full analysis.
//!
//! What [`reread`] gives equals loading the new text: the same expectation outcomes and the same
//! audit (`tests/tests/all/reread.rs` compares them on random rule edits of every topology). An
//! expectation the change does not touch keeps its evidence from before (as in the live
//! session).

use crate::aml::AuditReport;
use crate::aml::findings::RuleLint;
use crate::check::{self, CheckReport};
use crate::format::{NsgDef, NsgRuleDef, TopologyFile};
use crate::model::{BuildOptions, Design, NsgId};
use crate::trace::Touch;
use crate::whatif::Edit;

/// What new records change from old ones.
#[derive(Clone, Debug, PartialEq)]
pub enum RecordChange {
    /// Nothing: the records are equal (a comment, blank lines, quoting or layout changed).
    Same,
    /// These edits, applied in order, turn the old records into the new ones.
    Edits(Vec<Edit>),
    /// Something no edit expresses changed.
    Other,
}

/// The edits from `old` to `new` records: the NSG rules replaced, added or removed when only
/// NSGs' rules differ (the same NSGs), [`RecordChange::Same`] when nothing does, else
/// [`RecordChange::Other`]. Positions are not compared.
pub fn record_edits(old: &TopologyFile, new: &TopologyFile) -> RecordChange {
    // Every field named, so a field added to the format is compared here too.
    let TopologyFile {
        version,
        name,
        description,
        region,
        subscription,
        resource_group,
        vnets,
        peerings,
        nsgs,
        security_admin_configurations,
        asgs,
        route_tables,
        gateways,
        firewalls,
        nat_gateways,
        ip_groups,
        service_endpoint_policies,
        workloads,
        services,
        dns,
        clients,
        expect,
        accept,
        pos: _,
    } = old;
    let rest_same = *version == new.version
        && *name == new.name
        && *description == new.description
        && *region == new.region
        && *subscription == new.subscription
        && *resource_group == new.resource_group
        && *vnets == new.vnets
        && *peerings == new.peerings
        && *security_admin_configurations == new.security_admin_configurations
        && *asgs == new.asgs
        && *route_tables == new.route_tables
        && *gateways == new.gateways
        && *firewalls == new.firewalls
        && *nat_gateways == new.nat_gateways
        && *ip_groups == new.ip_groups
        && *service_endpoint_policies == new.service_endpoint_policies
        && *workloads == new.workloads
        && *services == new.services
        && *dns == new.dns
        && *clients == new.clients
        && *expect == new.expect
        && *accept == new.accept;
    if !rest_same || !nsgs.keys().eq(new.nsgs.keys()) {
        return RecordChange::Other;
    }
    let mut edits = Vec::new();
    for ((nsg, o), n) in nsgs.iter().zip(new.nsgs.values()) {
        let NsgDef { rules, pos: _ } = o;
        if rules != &n.rules && !rule_edits(nsg, rules, &n.rules, &mut edits) {
            return RecordChange::Other;
        }
    }
    if edits.is_empty() {
        RecordChange::Same
    } else {
        RecordChange::Edits(edits)
    }
}

/// The edits turning `old` rules into `new` ones: the unequal middle (after the common first
/// and last rules) pairs rules by place; extra new rules are added, extra old ones removed (by
/// name, first, so the places of the others hold). False when an old name appears twice (a
/// removal by name would take both).
fn rule_edits(nsg: &str, old: &[NsgRuleDef], new: &[NsgRuleDef], out: &mut Vec<Edit>) -> bool {
    let head = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let tail = old[head..]
        .iter()
        .rev()
        .zip(new[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (o, n) = (&old[head..old.len() - tail], &new[head..new.len() - tail]);
    let paired = o.len().min(n.len());
    for gone in &o[paired..] {
        if old
            .iter()
            .filter(|r| r.name.value == gone.name.value)
            .count()
            != 1
        {
            return false;
        }
        out.push(Edit::RemoveNsgRule {
            nsg: nsg.to_string(),
            rule: gone.name.value.clone(),
        });
    }
    for (i, (a, b)) in o.iter().zip(n).enumerate() {
        if a != b {
            out.push(Edit::ReplaceNsgRule {
                nsg: nsg.to_string(),
                index: head + i,
                rule: Box::new(b.clone()),
            });
        }
    }
    for (i, added) in n.iter().enumerate().skip(paired) {
        out.push(Edit::AddNsgRule {
            nsg: nsg.to_string(),
            index: head + i,
            rule: Box::new(added.clone()),
        });
    }
    true
}

/// An analysed design: its expectations' report, its audit and the audit's rule lint.
#[derive(Clone, Debug)]
pub struct Analysed {
    /// The design.
    pub design: Design,
    /// Its expectations' outcomes.
    pub report: CheckReport,
    /// Its Azure ML audit.
    pub audit: AuditReport,
    /// The rule lint the audit holds, kept to lint only an edited NSG again.
    pub lint: RuleLint,
}

impl Analysed {
    /// Analyses a valid design in full.
    pub fn new(design: Design) -> Self {
        let lint = RuleLint::of(&design);
        Self {
            report: crate::check(&design),
            audit: crate::aml::audit_with(&design, lint.clone()),
            lint,
            design,
        }
    }
}

/// An analysis [`reread`] starts from (the parts of an [`Analysed`], wherever they are kept).
#[derive(Clone, Copy, Debug)]
pub struct Before<'a> {
    /// The design.
    pub design: &'a Design,
    /// Its expectations' outcomes.
    pub report: &'a CheckReport,
    /// Its rule lint.
    pub lint: &'a RuleLint,
}

impl Analysed {
    /// This analysis as the start of a [`reread`].
    pub fn before(&self) -> Before<'_> {
        Before {
            design: &self.design,
            report: &self.report,
            lint: &self.lint,
        }
    }
}

/// What the new records of a changed text make of an analysed design.
#[derive(Debug)]
pub enum Reread {
    /// The records did not change: the analysis stands.
    Same,
    /// The records changed by `edits`, applied in place: the new analysis (its design holds the
    /// new records, with their new positions).
    Patched {
        /// The design, report, audit and lint of the new records.
        analysed: Box<Analysed>,
        /// What changed.
        edits: Vec<Edit>,
    },
    /// A change no edit expresses, or an edit that leaves the design invalid or with problems
    /// to report: analyse the new text in full.
    Other,
}

/// The analysis of `new` records from the analysis of the records they were read from (see the
/// module's text). `Patched` only when the change is NSG rules and the edited design has no
/// problem to report (no error, no warning: its diagnostics are those of the design before,
/// which the caller knows had none, or it takes the full analysis).
pub fn reread(before: Before<'_>, new: &TopologyFile, opts: &BuildOptions) -> Reread {
    let edits = match record_edits(&before.design.file, new) {
        RecordChange::Same => return Reread::Same,
        RecordChange::Other => return Reread::Other,
        RecordChange::Edits(edits) => edits,
    };
    let mut design = before.design.clone();
    let mut nsgs: Vec<NsgId> = Vec::new();
    for e in &edits {
        let (Edit::RemoveNsgRule { nsg, .. }
        | Edit::ReplaceNsgRule { nsg, .. }
        | Edit::AddNsgRule { nsg, .. }) = e
        else {
            return Reread::Other;
        };
        let Some(i) = design.nsgs.iter().position(|n| &n.name == nsg) else {
            return Reread::Other;
        };
        if design.apply_edit(e, opts).is_err() {
            return Reread::Other;
        }
        nsgs.push(NsgId(i as u32));
    }
    nsgs.sort_unstable();
    nsgs.dedup();
    // The edited NSGs lowered from the new records carry their positions; the build's
    // warnings of those rules, and the whole-design checks, must have nothing to say.
    design.file = new.clone();
    for &id in &nsgs {
        let mut diags = crate::diag::Diagnostics::new("edited");
        let name = design.nsgs[id.ix()].name.clone();
        match crate::model::relower_nsg(&design, &name, opts, &mut diags) {
            Some(n) if diags.finish().is_empty() => design.nsgs[id.ix()] = n,
            _ => return Reread::Other,
        }
    }
    if !design.warnings("edited").is_empty() {
        return Reread::Other;
    }
    let touches: Vec<Touch> = nsgs.iter().map(|&n| Touch::Nsg(n)).collect();
    let report = check::recheck_touching(&before.report, &design, Some(&touches));
    let mut lint = before.lint.clone();
    for &id in &nsgs {
        lint.relint_nsg(&design, id);
    }
    let audit = crate::aml::audit_with(&design, lint.clone());
    Reread::Patched {
        analysed: Box::new(Analysed {
            design,
            report,
            audit,
            lint,
        }),
        edits,
    }
}
