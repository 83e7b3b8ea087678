//! Tests of the forms.

use super::*;
use crate::scenarios::SCENARIOS;

fn file() -> TopologyFile {
    let text = SCENARIOS
        .iter()
        .find(|(n, _)| *n == "aml-private-endpoints")
        .unwrap()
        .1;
    vnetlab_core::load("t", text.as_bytes(), &Default::default())
        .design
        .unwrap()
        .file
}

fn fill(kind: FormKind, values: &[(&str, &str)]) -> Form {
    let mut form = Form::new(kind, &file());
    for (k, v) in values {
        form.set(k, v.to_string());
    }
    form
}

#[test]
fn adding_a_subnet_puts_it_in_the_vnet() {
    let f = fill(
        FormKind::Subnet,
        &[
            ("vnet", "ml"),
            ("name", "extra"),
            ("prefix", "10.1.9.0/24"),
            ("nsg", "training-nsg"),
        ],
    )
    .submit(&file())
    .unwrap();
    let s = &f.vnets["ml"].subnets["extra"];
    assert_eq!(s.all_prefixes()[0].to_string(), "10.1.9.0/24");
    assert!(
        vnetlab_core::rebuild("t", &f, &Default::default())
            .design
            .is_some()
    );
}

#[test]
fn a_bad_prefix_gets_the_command_lines_message_on_its_field() {
    let form = fill(
        FormKind::Subnet,
        &[("vnet", "ml"), ("name", "extra"), ("prefix", "10.1.9.1/24")],
    )
    .submit(&file())
    .unwrap_err();
    let prefix = form.fields.iter().find(|f| f.key == "prefix").unwrap();
    assert_eq!(prefix.errors.len(), 1, "{form:?}");
    assert!(
        prefix.errors[0].contains("`10.1.9.1/24` has host bits set"),
        "{:?}",
        prefix.errors
    );
    assert!(prefix.errors[0].contains("10.1.9.0/24"));
}

#[test]
fn a_model_error_lands_on_the_field_it_names() {
    let form = fill(
        FormKind::Subnet,
        &[("vnet", "ml"), ("name", "extra"), ("prefix", "10.9.0.0/24")],
    )
    .submit(&file())
    .unwrap_err();
    let prefix = form.fields.iter().find(|f| f.key == "prefix").unwrap();
    assert!(!prefix.errors.is_empty(), "{form:?}");
}

#[test]
fn required_fields_and_duplicate_names_are_reported() {
    let form = fill(
        FormKind::NsgRule,
        &[("nsg", "training-nsg"), ("name", "deny-internet-out")],
    )
    .submit(&file())
    .unwrap_err();
    assert!(form.has_errors());
    let name = form.fields.iter().find(|f| f.key == "name").unwrap();
    assert!(
        name.errors.iter().any(|e| e.contains("already exists")),
        "{form:?}"
    );
}

#[test]
fn an_nsg_rule_is_added_and_decoded() {
    let f = fill(
        FormKind::NsgRule,
        &[
            ("nsg", "training-nsg"),
            ("name", "deny-all-out"),
            ("priority", "100"),
            ("direction", "outbound"),
            ("access", "deny"),
            ("destination_ports", "*"),
        ],
    )
    .submit(&file())
    .unwrap();
    assert!(
        f.nsgs["training-nsg"]
            .rules
            .iter()
            .any(|r| r.name.value == "deny-all-out" && r.priority.value == 100)
    );
}

#[test]
fn editing_prefills_and_replaces() {
    let t = Target {
        kind: FormKind::Subnet,
        parent: "ml".into(),
        name: "training".into(),
    };
    let mut form = Form::edit(&t, &file()).unwrap();
    assert_eq!(form.value("prefix"), "10.1.1.0/24");
    assert_eq!(form.value("nsg"), "training-nsg");
    form.set("nsg", String::new());
    let f = form.submit(&file()).unwrap();
    assert!(f.vnets["ml"].subnets["training"].nsg.is_none());
    let rule = Target {
        kind: FormKind::NsgRule,
        parent: "training-nsg".into(),
        name: "allow-entra-id".into(),
    };
    let form = Form::edit(&rule, &file()).unwrap();
    assert_eq!(form.value("destination_ports"), "80, 443");
    assert!(form.submit(&file()).is_ok());
}

#[test]
fn every_item_can_be_edited_unchanged_and_deleted() {
    for (name, text) in SCENARIOS {
        let f = vnetlab_core::load(name, text.as_bytes(), &Default::default())
            .design
            .unwrap()
            .file;
        for item in items(&f) {
            let form = Form::edit(&item.target, &f).unwrap_or_else(|| panic!("{name}: {item:?}"));
            let again = form
                .submit(&f)
                .unwrap_or_else(|e| panic!("{name}: {item:?}: {e:?}"));
            assert_eq!(to_yaml(&again), to_yaml(&f), "{name}: {item:?}");
            assert_ne!(to_yaml(&delete(&f, &item.target)), to_yaml(&f));
        }
    }
}

#[test]
fn an_expectation_added_through_its_form_is_checked() {
    let form = Form::new(FormKind::Expectation, &file());
    let to = form.fields.iter().find(|f| f.key == "to").unwrap();
    assert!(to.choices.contains(&"mlstore:blob".to_string()), "{to:?}");
    let from = form.fields.iter().find(|f| f.key == "from").unwrap();
    assert!(from.choices.contains(&"trainer".to_string()), "{from:?}");
    // The storage is reachable over its private endpoint: expecting `denied` must fail.
    let f = fill(
        FormKind::Expectation,
        &[
            ("name", "trainer must not reach storage"),
            ("from", "trainer"),
            ("to", "mlstore:blob"),
            ("port", "443"),
            ("verdict", "denied"),
        ],
    )
    .submit(&file())
    .unwrap();
    assert_eq!(f.expect.len(), file().expect.len() + 1);
    let d = vnetlab_core::rebuild("t", &f, &Default::default())
        .design
        .unwrap();
    let r = vnetlab_core::check(&d);
    let mine = r
        .results
        .iter()
        .find(|r| r.name == "trainer must not reach storage")
        .unwrap();
    assert_eq!(mine.outcome, vnetlab_core::check::Outcome::Fails);
    // No intent: an error on that field.
    let err = fill(FormKind::Expectation, &[("to", "mlstore:blob")])
        .submit(&file())
        .unwrap_err();
    assert!(!err.fields[0].errors.is_empty(), "{err:?}");
}

#[test]
fn an_expectation_edits_in_place_and_deletes() {
    let t = Target {
        kind: FormKind::Expectation,
        parent: String::new(),
        name: "0".into(),
    };
    let mut form = Form::edit(&t, &file()).unwrap();
    assert_eq!(form.value("from"), file().expect[0].from.value);
    assert_eq!(form.value("verdict"), "allowed");
    form.set("verdict", "denied".into());
    let f = form.submit(&file()).unwrap();
    assert_eq!(f.expect.len(), file().expect.len());
    assert_eq!(f.expect[0].name, file().expect[0].name);
    assert_eq!(f.expect[0].verdict.to_string(), "denied");
    let gone = delete(&file(), &t);
    assert_eq!(gone.expect.len(), file().expect.len() - 1);
    assert!(
        items(&file())
            .iter()
            .any(|i| i.target == t && i.label.starts_with("expectation "))
    );
}

/// Rebuilds `original` from a blank design through the forms alone: each element's form is
/// filled with the values its edit form shows (nothing else is carried over) and submitted;
/// an element whose references do not exist yet is retried after the others.
fn rebuild_through_forms(original: &TopologyFile) -> TopologyFile {
    let blank = crate::analysis::analyze("blank", crate::state::BLANK)
        .file
        .as_deref()
        .unwrap()
        .clone();
    let mut built = blank;
    let mut todo: Vec<Form> = items(original)
        .iter()
        .map(|i| Form::edit(&i.target, original).unwrap())
        .collect();
    // Every value must be on a field the user sees: none carried over unseen.
    let unseen: Vec<_> = todo
        .iter()
        .filter(|f| !f.extra.is_empty())
        .map(|f| (f.kind, f.value("name").to_string(), f.extra.clone()))
        .collect();
    assert!(unseen.is_empty(), "values without a field: {unseen:?}");
    // Elements that refer to each other (a workspace's image build compute is a compute of the
    // workspace) are created as a user would: one first with that reference left empty, set
    // by editing it once the other exists.
    let mut revisit: Vec<Form> = Vec::new();
    while !todo.is_empty() {
        let before = todo.len();
        let mut later = Vec::new();
        for shown in todo {
            let mut form = Form::new(shown.kind, &built);
            for f in &shown.fields {
                form.set(f.key, f.value.clone());
            }
            // A picker can only choose what it offers: a value it lacks waits for its element.
            let pickable = form
                .fields
                .iter()
                .all(|f| f.open || f.choices.is_empty() || f.choices.contains(&f.value));
            match form.submit(&built).ok().filter(|_| pickable) {
                Some(next) => built = next,
                None => later.push(shown),
            }
        }
        if later.len() == before {
            // Stuck on a cycle: create the first element with its optional references to
            // elements not there yet left empty, and set them later.
            let shown = later.remove(0);
            let mut form = Form::new(shown.kind, &built);
            for f in &shown.fields {
                form.set(f.key, f.value.clone());
            }
            for f in &mut form.fields {
                if !f.open && !f.choices.contains(&f.value) && f.choices.contains(&String::new()) {
                    f.value.clear();
                }
            }
            built = match form.submit(&built) {
                Ok(next) => next,
                // A reference to an element that is not ready yet (a compute not yet in the
                // workspace): left empty too.
                Err(mut f) => {
                    for x in &mut f.fields {
                        if !x.errors.is_empty() && x.choices.contains(&String::new()) {
                            x.value.clear();
                        }
                    }
                    f.submit(&built)
                        .unwrap_or_else(|f| panic!("stuck: {:?} {:?}", shown.kind, f.errors))
                }
            };
            revisit.push(shown);
        }
        todo = later;
    }
    for shown in revisit {
        let target = shown.editing.clone().unwrap();
        let mut form = Form::edit(&target, &built).unwrap();
        for f in &shown.fields {
            form.set(f.key, f.value.clone());
        }
        built = form
            .submit(&built)
            .unwrap_or_else(|f| panic!("{:?}", f.errors));
    }
    built
}

#[test]
fn a_secure_azure_ml_design_is_rebuilt_from_blank_through_the_forms_alone() {
    for name in [
        "aml-private-endpoints",
        "hybrid-dns-gateway",
        "aml-private-aks",
    ] {
        let text = SCENARIOS.iter().find(|(n, _)| *n == name).unwrap().1;
        let original = crate::analysis::analyze(name, text);
        let built = rebuild_through_forms(original.file.as_ref().unwrap());
        let again = crate::analysis::analyze(name, &vnetlab_core::format::to_yaml(&built));
        assert_eq!(again.errors(), 0, "{name}: {:?}", again.diagnostics);
        // Expectations compared as a set: retried ones come later in the file.
        let verdicts = |a: &crate::analysis::Analysis| {
            let audit = a.audit.as_ref().unwrap();
            (
                a.results()
                    .iter()
                    .map(|r| (r.name.clone(), format!("{:?}", r.outcome)))
                    .collect::<std::collections::BTreeSet<_>>(),
                audit
                    .flows
                    .iter()
                    .map(|f| (f.flow.id.clone(), f.works))
                    .collect::<Vec<_>>(),
                audit
                    .findings
                    .iter()
                    .map(|f| (f.id, f.title.clone()))
                    .collect::<Vec<_>>(),
            )
        };
        let (want, got) = (verdicts(&original), verdicts(&again));
        assert!(!want.1.is_empty(), "{name} has required flows");
        assert_eq!(got, want, "{name}");
    }
}

#[test]
fn deleting_an_element_offers_its_referrers_to_remove_or_re_point() {
    let f = file();
    let nsg = Target {
        kind: FormKind::Nsg,
        parent: String::new(),
        name: "training-nsg".into(),
    };
    let refs = referrers(&f, &nsg);
    assert!(
        refs.iter()
            .any(|i| i.target.kind == FormKind::Subnet && i.target.name == "training"),
        "{refs:?}"
    );
    // A subnet is referred to as VNET/SUBNET by workloads and expectations.
    let training = Target {
        kind: FormKind::Subnet,
        parent: "ml".into(),
        name: "training".into(),
    };
    let refs = referrers(&f, &training);
    assert!(
        refs.iter().any(|i| i.target.kind == FormKind::Workload),
        "{refs:?}"
    );
    // Removing them too leaves a valid design.
    let gone = delete_with_referrers(&f, &training);
    let loaded = vnetlab_core::rebuild("t", &gone, &Default::default());
    assert!(loaded.design.is_some(), "{:?}", loaded.diagnostics);
    assert!(referrers(&gone, &training).is_empty());
    // Re-pointing the NSG's subnets to another NSG leaves a valid design without it.
    let f = fill(FormKind::Nsg, &[("name", "spare")])
        .submit(&f)
        .unwrap();
    let other = alternatives(&f, &nsg);
    assert_eq!(other, vec!["spare".to_string()]);
    assert!(!other.is_empty());
    let moved = delete_repointing(&f, &nsg, &other[0]).unwrap();
    assert!(!moved.nsgs.contains_key("training-nsg"));
    let loaded = vnetlab_core::rebuild("t", &moved, &Default::default());
    assert!(loaded.design.is_some(), "{:?}", loaded.diagnostics);
    assert_eq!(
        moved.vnets["ml"].subnets["training"]
            .nsg
            .as_ref()
            .map(|r| r.value.as_str()),
        Some(other[0].as_str())
    );
}

#[test]
fn a_front_door_and_its_private_link_storage_origin_are_added_and_edited_without_losing_origins() {
    let base = file();
    let aks = base
        .services
        .iter()
        .find(|(_, s)| s.kind == ServiceKind::Storage)
        .map(|(n, _)| n.clone())
        .expect("a storage account");
    let with_fd = fill(
        FormKind::FrontDoor,
        &[("name", "edge"), ("sku", "premium"), ("waf", "prevention")],
    )
    .submit(&base)
    .unwrap();
    let mut form = Form::new(FormKind::FrontDoorOrigin, &with_fd);
    form.set("front_door", "edge".into());
    form.set("host", aks.clone());
    form.set("private_link", "true".into());
    let with_origin = form.submit(&with_fd).unwrap();
    let fd = &with_origin.front_doors["edge"];
    assert_eq!(fd.origins.len(), 1);
    assert_eq!(fd.origins[0].host.value, aks);
    assert_eq!(fd.origins[0].private_link, Some(true));
    let d = vnetlab_core::rebuild("t", &with_origin, &Default::default()).design;
    assert!(d.is_some_and(|d| d.front_doors.len() == 1));
    // Editing the profile keeps its origins (the form does not show them).
    let target = Target {
        kind: FormKind::FrontDoor,
        parent: String::new(),
        name: "edge".into(),
    };
    let mut edit = Form::edit(&target, &with_origin).expect("the profile exists");
    edit.set("waf", "detection".into());
    let edited = edit.submit(&with_origin).unwrap();
    assert_eq!(edited.front_doors["edge"].waf, Some(WafMode::Detection));
    assert_eq!(edited.front_doors["edge"].origins.len(), 1);
    // Private Link on a standard profile is the command line's error, on the form.
    let mut std = Form::new(FormKind::FrontDoor, &with_origin);
    std.set("name", "edge".into());
    std.set("sku", "standard".into());
    std.editing = Some(target);
    assert!(std.submit(&with_origin).is_err());
}

#[test]
fn a_subnet_form_shows_and_keeps_several_prefixes_and_delegations() {
    let f = fill(
        FormKind::Subnet,
        &[
            ("vnet", "ml"),
            ("name", "wide"),
            ("prefixes", "10.1.9.0/24, 10.1.10.0/25"),
            ("delegations", "Microsoft.Web/serverFarms"),
        ],
    )
    .submit(&file())
    .unwrap();
    let s = &f.vnets["ml"].subnets["wide"];
    assert!(s.prefix.is_none());
    assert_eq!(
        s.all_prefixes()
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>(),
        ["10.1.9.0/24", "10.1.10.0/25"]
    );
    assert_eq!(s.delegations[0].value, "Microsoft.Web/serverFarms");
    // Editing it shows both, nothing carried over unseen, and submitting keeps them.
    let t = Target {
        kind: FormKind::Subnet,
        parent: "ml".into(),
        name: "wide".into(),
    };
    let form = Form::edit(&t, &f).unwrap();
    assert_eq!(form.value("prefixes"), "10.1.9.0/24, 10.1.10.0/25");
    assert!(form.extra.is_empty(), "{:?}", form.extra);
    let again = form.submit(&f).unwrap();
    assert_eq!(again.vnets["ml"].subnets["wide"], *s);
}

#[test]
fn a_peering_form_shows_and_keeps_its_peered_subnets() {
    let mut base = file();
    let mut other = base.vnets["ml"].clone();
    other.address_space = vec![vnetlab_core::format::Spanned::new(
        vnetlab_core::format::Cidr("10.9.0.0/16".parse().unwrap()),
    )];
    let mut sub = other.subnets.values().next().unwrap().clone();
    sub.prefix = Some(vnetlab_core::format::Spanned::new(
        vnetlab_core::format::Cidr("10.9.1.0/24".parse().unwrap()),
    ));
    sub.nsg = None;
    other.subnets = std::collections::BTreeMap::from([("app".to_string(), sub)]);
    base.vnets.insert("other".into(), other);
    let mut form = Form::new(FormKind::Peering, &base);
    form.set("between", "ml, other".into());
    form.set("subnets", "ml/training, other/app".into());
    let f = form.submit(&base).unwrap();
    let p = f.peerings.last().unwrap();
    let lists: Vec<(String, Vec<String>)> = p
        .subnets
        .iter()
        .map(|(v, l)| (v.clone(), l.iter().map(|s| s.value.clone()).collect()))
        .collect();
    assert_eq!(
        lists,
        [
            ("ml".to_string(), vec!["training".to_string()]),
            ("other".to_string(), vec!["app".to_string()])
        ]
    );
    let t = Target {
        kind: FormKind::Peering,
        parent: String::new(),
        name: (f.peerings.len() - 1).to_string(),
    };
    let edit = Form::edit(&t, &f).unwrap();
    assert_eq!(edit.value("subnets"), "ml/training, other/app");
    assert_eq!(
        edit.submit(&f).unwrap().peerings.last().unwrap().subnets,
        p.subnets
    );
    let mut bad = Form::new(FormKind::Peering, &base);
    bad.set("between", "ml, other".into());
    bad.set("subnets", "training".into());
    let err = bad.submit(&base).unwrap_err();
    assert!(
        err.fields
            .iter()
            .any(|f| f.key == "subnets" && !f.errors.is_empty())
    );
}
