//! The edits of Azure Firewall rules and FortiGate policies: remove a rule of a rule collection,
//! flip a network or application collection's action (Azure Firewall's action belongs to the
//! collection, allow or deny, and applies to all its rules; a DNAT collection's action is the
//! translation — <https://learn.microsoft.com/azure/firewall/policy-rule-sets>), remove a
//! FortiGate policy, flip its action (accept ↔ deny) or its source NAT. Applied to the file's
//! records here and to a built design in place ([`apply_to_design`]).

use super::{Edit, missing};
use crate::format::{CollectionKind, FirewallDef, FortiAction, FwAction, TopologyFile};
use crate::model::Design;

/// The short description of a firewall edit.
pub(super) fn describe(e: &Edit) -> String {
    match e {
        Edit::RemoveFirewallRule {
            firewall,
            collection,
            rule,
        } => format!("remove firewall rule {firewall}/{collection}/{rule}"),
        Edit::FlipCollectionAction {
            firewall,
            collection,
        } => format!("flip allow/deny of rule collection {firewall}/{collection}"),
        Edit::RemoveFortiPolicy { firewall, policy } => {
            format!("remove FortiGate policy {firewall}/{policy}")
        }
        Edit::FlipFortiPolicyAction { firewall, policy } => {
            format!("flip accept/deny of FortiGate policy {firewall}/{policy}")
        }
        Edit::FlipFortiPolicyNat { firewall, policy } => {
            format!("flip the source NAT of FortiGate policy {firewall}/{policy}")
        }
        e => unreachable!("not a firewall edit: {e:?}"),
    }
}

fn firewall<'f>(f: &'f mut TopologyFile, name: &str) -> Result<&'f mut FirewallDef, String> {
    f.firewalls.get_mut(name).ok_or_else(|| missing(name))
}

fn collection<'f>(
    fw: &'f mut FirewallDef,
    name: &str,
) -> Result<&'f mut crate::format::RuleCollectionDef, String> {
    let (g, c) = name.split_once('/').ok_or_else(|| missing(name))?;
    fw.rule_collection_groups
        .iter_mut()
        .filter(|x| x.name == g)
        .flat_map(|x| x.collections.iter_mut())
        .find(|x| x.name == c)
        .ok_or_else(|| missing(&format!("rule collection {name}")))
}

fn policy<'f>(
    fw: &'f mut FirewallDef,
    name: &str,
) -> Result<&'f mut crate::format::FortiPolicyDef, String> {
    fw.policies
        .iter_mut()
        .find(|p| p.name == name)
        .ok_or_else(|| missing(&format!("policy {name}")))
}

fn flip_action(a: FwAction) -> FwAction {
    match a {
        FwAction::Allow => FwAction::Deny,
        FwAction::Deny => FwAction::Allow,
    }
}

fn flip_forti(a: FortiAction) -> FortiAction {
    match a {
        FortiAction::Accept => FortiAction::Deny,
        FortiAction::Deny => FortiAction::Accept,
    }
}

/// Applies a firewall edit to the records; on error nothing was changed.
pub(super) fn apply_mut(e: &Edit, f: &mut TopologyFile) -> Result<(), String> {
    match e {
        Edit::RemoveFirewallRule {
            firewall: n,
            collection: c,
            rule,
        } => {
            let c = collection(firewall(f, n)?, c)?;
            let before = c.rules.len();
            c.rules.retain(|r| &r.name != rule);
            if c.rules.len() == before {
                return Err(missing(rule));
            }
        }
        Edit::FlipCollectionAction {
            firewall: n,
            collection: c,
        } => {
            let c = collection(firewall(f, n)?, c)?;
            if c.kind == CollectionKind::Dnat {
                return Err(format!(
                    "DNAT collection {} has no action to flip: it translates",
                    c.name
                ));
            }
            // A collection without an action is an error the build reports; it reads as deny.
            c.action = Some(flip_action(c.action.unwrap_or(FwAction::Deny)));
        }
        Edit::RemoveFortiPolicy {
            firewall: n,
            policy: p,
        } => {
            let fw = firewall(f, n)?;
            let before = fw.policies.len();
            fw.policies.retain(|x| &x.name != p);
            if fw.policies.len() == before {
                return Err(missing(&format!("policy {p}")));
            }
        }
        Edit::FlipFortiPolicyAction {
            firewall: n,
            policy: p,
        } => {
            let p = policy(firewall(f, n)?, p)?;
            p.action = flip_forti(p.action);
        }
        Edit::FlipFortiPolicyNat {
            firewall: n,
            policy: p,
        } => {
            let p = policy(firewall(f, n)?, p)?;
            p.nat = Some(!p.nat.unwrap_or(false));
        }
        e => unreachable!("not a firewall edit: {e:?}"),
    }
    Ok(())
}

/// Applies a firewall edit to a built design in place: the records, then the lowered firewall
/// (its collections keep their processing order, its policies their list order). On error the
/// design is unchanged.
pub(crate) fn apply_to_design(e: &Edit, d: &mut Design) -> Result<(), String> {
    let name = match e {
        Edit::RemoveFirewallRule { firewall, .. }
        | Edit::FlipCollectionAction { firewall, .. }
        | Edit::RemoveFortiPolicy { firewall, .. }
        | Edit::FlipFortiPolicyAction { firewall, .. }
        | Edit::FlipFortiPolicyNat { firewall, .. } => firewall,
        e => unreachable!("not a firewall edit: {e:?}"),
    };
    let id = d
        .firewall_by_name(name)
        .ok_or_else(|| format!("no firewall {name}"))?;
    e.apply_mut(&mut d.file)?;
    let fw = &mut d.firewalls[id.ix()];
    match e {
        Edit::RemoveFirewallRule {
            collection, rule, ..
        } => {
            for c in fw.collections.iter_mut().filter(|c| &c.name == collection) {
                c.rules.retain(|r| &r.name != rule);
            }
        }
        Edit::FlipCollectionAction { collection, .. } => {
            for c in fw.collections.iter_mut().filter(|c| &c.name == collection) {
                c.action = flip_action(c.action);
            }
        }
        Edit::RemoveFortiPolicy { policy, .. } => fw.policies.retain(|p| &p.name != policy),
        Edit::FlipFortiPolicyAction { policy, .. } | Edit::FlipFortiPolicyNat { policy, .. } => {
            for p in fw.policies.iter_mut().filter(|p| &p.name == policy) {
                if matches!(e, Edit::FlipFortiPolicyAction { .. }) {
                    p.action = flip_forti(p.action);
                } else {
                    p.nat = !p.nat;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// The edits a rule collection offers: flip its action (network and application
/// collections).
pub(crate) fn collection_edits(
    firewall: &str,
    group: &str,
    c: &crate::format::RuleCollectionDef,
) -> Option<Edit> {
    (c.kind != CollectionKind::Dnat).then(|| Edit::FlipCollectionAction {
        firewall: firewall.to_string(),
        collection: format!("{group}/{}", c.name),
    })
}

/// Every single firewall edit of the records: each rule removed, each network or application
/// collection's action flipped, each FortiGate policy removed and its action flipped, and the
/// source NAT of each accepting policy flipped (FortiOS offers `nat` on accept policies).
pub(super) fn single_edits(f: &TopologyFile, out: &mut Vec<Edit>) {
    for (name, fw) in &f.firewalls {
        for g in &fw.rule_collection_groups {
            for c in &g.collections {
                let collection = format!("{}/{}", g.name, c.name);
                out.extend(collection_edits(name, &g.name, c));
                for r in &c.rules {
                    out.push(Edit::RemoveFirewallRule {
                        firewall: name.clone(),
                        collection: collection.clone(),
                        rule: r.name.clone(),
                    });
                }
            }
        }
        for p in &fw.policies {
            let (firewall, policy) = (name.clone(), p.name.clone());
            out.push(Edit::RemoveFortiPolicy {
                firewall: firewall.clone(),
                policy: policy.clone(),
            });
            out.push(Edit::FlipFortiPolicyAction {
                firewall: firewall.clone(),
                policy: policy.clone(),
            });
            if p.action == FortiAction::Accept {
                out.push(Edit::FlipFortiPolicyNat { firewall, policy });
            }
        }
    }
}
