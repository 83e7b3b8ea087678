//! The outline's firewall section: each Azure Firewall with its rule collections in processing
//! order (a network or application collection flips allow ↔ deny) and their rules (each can
//! be removed), and each FortiGate with its policies in list order (flip accept ↔ deny,
//! remove; an accepting policy's source NAT flips).

use super::{Item, Target};
use crate::format::{FortiAction, FwAction};
use crate::model::{Design, ElementRef, FirewallId};
use crate::whatif::Edit;

/// Appends the firewall section (nothing when no firewall has rules or policies).
pub(super) fn firewalls(d: &Design, out: &mut Vec<Item>) {
    let with_rules: Vec<usize> = (0..d.firewalls.len())
        .filter(|&i| !d.firewalls[i].collections.is_empty() || !d.firewalls[i].policies.is_empty())
        .collect();
    if with_rules.is_empty() {
        return;
    }
    out.push(Item::new(
        "section:firewall-rules".into(),
        0,
        "Firewall rules".into(),
        Target::Section,
    ));
    for i in with_rules {
        let fw = &d.firewalls[i];
        let t = Target::Firewall(FirewallId(i as u32));
        let key = format!("firewall-rules:{}", fw.name);
        out.push(
            Item::new(key, 1, format!("{} ({})", fw.name, fw.kind), t.clone())
                .element(ElementRef::Firewall(fw.name.clone())),
        );
        for c in &fw.collections {
            let ckey = format!("firewall:{}/collection:{}", fw.name, c.name);
            let action = match (c.kind, c.action) {
                (crate::format::CollectionKind::Dnat, _) => "dnat ",
                (_, FwAction::Allow) => "allow",
                (_, FwAction::Deny) => "deny ",
            };
            let mut item = Item::new(
                ckey.clone(),
                2,
                format!(
                    "{} {}/{} {action} {}",
                    c.kind, c.group_priority, c.priority, c.name
                ),
                t.clone(),
            )
            .element(
                ElementRef::Firewall(fw.name.clone()).setting(format!("collection:{}", c.name)),
            );
            if c.kind != crate::format::CollectionKind::Dnat {
                item = item.toggle(Edit::FlipCollectionAction {
                    firewall: fw.name.clone(),
                    collection: c.name.clone(),
                });
            }
            out.push(item);
            for r in &c.rules {
                out.push(
                    Item::new(
                        format!("{ckey}/rule:{}", r.name),
                        3,
                        format!("rule {}", r.name),
                        t.clone(),
                    )
                    .element(ElementRef::FirewallRule {
                        firewall: fw.name.clone(),
                        collection: c.name.clone(),
                        rule: r.name.clone(),
                    })
                    .remove(Edit::RemoveFirewallRule {
                        firewall: fw.name.clone(),
                        collection: c.name.clone(),
                        rule: r.name.clone(),
                    }),
                );
            }
        }
        for (k, p) in fw.policies.iter().enumerate() {
            let (firewall, policy) = (fw.name.clone(), p.name.clone());
            let pkey = format!("firewall:{firewall}/policy:{policy}");
            let action = match p.action {
                FortiAction::Accept => "accept",
                FortiAction::Deny => "deny  ",
            };
            let element = ElementRef::FirewallPolicy {
                firewall: firewall.clone(),
                policy: policy.clone(),
            };
            out.push(
                Item::new(
                    pkey.clone(),
                    2,
                    format!("policy {} {action} {policy}", k + 1),
                    t.clone(),
                )
                .element(element.clone())
                .toggle(Edit::FlipFortiPolicyAction {
                    firewall: firewall.clone(),
                    policy: policy.clone(),
                })
                .remove(Edit::RemoveFortiPolicy {
                    firewall: firewall.clone(),
                    policy: policy.clone(),
                }),
            );
            if p.action == FortiAction::Accept {
                out.push(
                    Item::new(
                        format!("{pkey}/nat"),
                        3,
                        format!("nat: {}", super::on_off(p.nat)),
                        t.clone(),
                    )
                    .element(element.setting("nat"))
                    .toggle(Edit::FlipFortiPolicyNat { firewall, policy }),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::outline::outline;
    use crate::whatif::Edit;

    const DESIGN: &str = r#"
version: 1
name: fw
vnets:
  hub:
    address_space: [10.50.0.0/16]
    subnets:
      AzureFirewallSubnet: { prefix: 10.50.0.0/26 }
      external: { prefix: 10.50.1.0/24 }
firewalls:
  afw:
    kind: azure_firewall
    subnet: hub/AzureFirewallSubnet
    rule_collection_groups:
      - name: g
        priority: 100
        collections:
          - name: out
            kind: network
            priority: 100
            action: allow
            rules:
              - { name: web, source: [10.0.0.0/8], destination: ["*"], protocol: tcp, destination_ports: "443" }
          - name: pub
            kind: dnat
            priority: 200
            rules:
              - { name: ssh-in, source: ["*"], destination: [203.0.113.10], protocol: tcp, destination_ports: "22", translated_address: 10.50.1.4, translated_port: 22 }
  fgt:
    kind: fortigate
    subnet: hub/external
    policies:
      - { name: p1, source: [all], destination: [all], service: ["tcp/443"], action: accept }
      - { name: p2, source: [all], destination: [all], service: ["*"], action: deny }
"#;

    #[test]
    fn firewalls_list_their_collections_rules_and_policies_with_their_edits() {
        let l = crate::load("fw.yaml", DESIGN.as_bytes(), &Default::default());
        let d = l.design.unwrap_or_else(|| panic!("{:?}", l.diagnostics));
        let items = outline(&d);
        let at = |key: &str| {
            items
                .iter()
                .find(|i| i.key == key)
                .unwrap_or_else(|| panic!("no {key}"))
        };
        let out = at("firewall:afw/collection:g/out");
        assert_eq!(out.label, "network 100/100 allow g/out");
        assert_eq!(
            out.toggle,
            Some(Edit::FlipCollectionAction {
                firewall: "afw".into(),
                collection: "g/out".into()
            })
        );
        // A DNAT collection translates: no action to flip, but its rules can go.
        let dnat = at("firewall:afw/collection:g/pub");
        assert_eq!(dnat.toggle, None);
        assert!(
            at("firewall:afw/collection:g/pub/rule:ssh-in")
                .remove
                .is_some()
        );
        assert_eq!(
            at("firewall:afw/collection:g/out/rule:web").element,
            Some(crate::model::ElementRef::FirewallRule {
                firewall: "afw".into(),
                collection: "g/out".into(),
                rule: "web".into()
            })
        );
        let p1 = at("firewall:fgt/policy:p1");
        assert_eq!(p1.label, "policy 1 accept p1");
        assert!(p1.toggle.is_some() && p1.remove.is_some());
        assert_eq!(at("firewall:fgt/policy:p1/nat").label, "nat: no");
        // A deny policy translates nothing.
        assert!(!items.iter().any(|i| i.key == "firewall:fgt/policy:p2/nat"));
        // Every edit offered applies, and each element it names exists.
        for e in items.iter().flat_map(|i| i.toggle.iter().chain(&i.remove)) {
            assert!(e.apply(&d.file).is_ok(), "{e:?}");
            assert!(e.element(&d).owner().exists_in(&d), "{e:?}");
        }
    }
}
