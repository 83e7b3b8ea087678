use super::*;
use crate::format::{Access, NsgRuleDef, Spanned};

const YAML: &str = "\
# yaml-language-server: $schema=../docs/topology.schema.json
version: 1
name: demo   # the design
vnets:
  spoke:
    address_space: [10.1.0.0/16]
    subnets:
      b: { prefix: 10.1.2.0/24 }
      a:
        prefix: 10.1.1.0/24   # first
        nsg: a-nsg
        service_endpoints: [Microsoft.Storage, Microsoft.KeyVault]

# Rules
nsgs:
  a-nsg:
    rules:
      - { name: in, priority: 100, direction: inbound, access: allow, source: '*', destination_ports: [443] }
      # The second rule
      - name: out
        priority: 200
        direction: outbound
        access: deny
        destination: \"*\"
";

fn read_ok(text: &str) -> TopologyFile {
    let mut d = Diagnostics::new("t.yaml");
    let f = read(text.as_bytes(), &mut d);
    assert!(d.finish().is_empty(), "{text}");
    f.unwrap()
}

/// The text after `edit`, which must keep the layout.
fn edited(text: &str, edit: impl FnOnce(&mut TopologyFile)) -> String {
    let mut f = read_ok(text);
    edit(&mut f);
    let r = rewrite(text, &f);
    assert_eq!(r.reprinted, None, "{}", r.text);
    let again = read_ok(&r.text);
    assert_eq!(
        serde_json::to_value(&again).unwrap(),
        serde_json::to_value(&f).unwrap()
    );
    r.text
}

/// `text` with line `from` replaced by `to` (exactly one occurrence).
fn with(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from}");
    text.replacen(from, to, 1)
}

fn rules(f: &mut TopologyFile) -> &mut Vec<NsgRuleDef> {
    &mut f.nsgs.get_mut("a-nsg").unwrap().rules
}

fn sub(f: &mut TopologyFile) -> &mut crate::format::SubnetDef {
    f.vnets
        .get_mut("spoke")
        .unwrap()
        .subnets
        .get_mut("a")
        .unwrap()
}

#[test]
fn nothing_changed_keeps_every_byte() {
    assert_eq!(edited(YAML, |_| {}), YAML);
}

#[test]
fn a_flipped_rule_changes_one_word() {
    let out = edited(YAML, |f| rules(f)[0].access = Access::Deny);
    assert_eq!(
        out,
        with(YAML, "access: allow, source", "access: deny, source")
    );
    let out = edited(YAML, |f| rules(f)[1].access = Access::Allow);
    assert_eq!(out, with(YAML, "access: deny\n", "access: allow\n"));
}

type Case = (
    &'static str,
    fn(&mut TopologyFile),
    &'static str,
    &'static str,
);

#[test]
fn each_change_rewrites_only_its_text() {
    let cases: &[Case] = &[
        (
            "a scalar keeps its trailing comment",
            |f| {
                sub(f).prefix.as_mut().unwrap().value =
                    crate::format::Cidr("10.1.3.0/24".parse().unwrap())
            },
            "prefix: 10.1.1.0/24   # first",
            "prefix: 10.1.3.0/24   # first",
        ),
        (
            "a quoted scalar keeps its quotes",
            |f| rules(f)[1].destination = Some(crate::format::OneOrMany(vec![s("10.0.0.0/8")])),
            "destination: \"*\"",
            "destination: \"10.0.0.0/8\"",
        ),
        (
            "a removed block entry takes its line",
            |f| sub(f).nsg = None,
            "        nsg: a-nsg\n",
            "",
        ),
        (
            "a removed flow item takes its comma",
            |f| drop(sub(f).service_endpoints.remove(0)),
            "[Microsoft.Storage, Microsoft.KeyVault]",
            "[Microsoft.KeyVault]",
        ),
        (
            "the last flow item removed takes the comma before it",
            |f| drop(sub(f).service_endpoints.pop()),
            "[Microsoft.Storage, Microsoft.KeyVault]",
            "[Microsoft.Storage]",
        ),
        (
            "an added flow item joins its siblings",
            |f| sub(f).service_endpoints.push(s("Microsoft.Sql")),
            "Microsoft.KeyVault]",
            "Microsoft.KeyVault, Microsoft.Sql]",
        ),
        (
            "an added block entry at its siblings' indentation",
            |f| sub(f).route_table = Some(s("rt")),
            "   # first\n",
            "   # first\n        route_table: rt\n",
        ),
        (
            "a removed block list item takes its lines",
            |f| drop(rules(f).pop()),
            "      - name: out\n        priority: 200\n        direction: outbound\n        \
             access: deny\n        destination: \"*\"\n",
            "",
        ),
        (
            "a removed flow-style list item takes its line",
            |f| drop(rules(f).remove(0)),
            "      - { name: in, priority: 100, direction: inbound, access: allow, source: '*', \
             destination_ports: [443] }\n",
            "",
        ),
        (
            "an added item in the style and key order of the one before it",
            |f| {
                let mut r = rules(f)[0].clone();
                r.name.value = "in2".into();
                r.priority.value = 110;
                rules(f).insert(1, r);
            },
            "destination_ports: [443] }\n",
            "destination_ports: [443] }\n      - { name: in2, priority: 110, direction: inbound, \
             access: allow, source: \"*\", destination_ports: 443 }\n",
        ),
        (
            "a renamed element keeps its place and its body",
            |f| {
                let v = f.vnets.get_mut("spoke").unwrap();
                let b = v.subnets.remove("b").unwrap();
                v.subnets.insert("c".into(), b);
            },
            "      b: { prefix",
            "      c: { prefix",
        ),
        (
            "a one-item list read as its item changes in place",
            |f| {
                let p = crate::format::Port(crate::net::PortRange { lo: 8443, hi: 8443 });
                rules(f)[0].destination_ports = Some(crate::format::OneOrMany(vec![sp(p)]));
            },
            "[443]",
            "[8443]",
        ),
        (
            "a new entry goes after the one before it in the records' (sorted) order",
            |f| f.region = Some("westeurope".into()),
            "destination: \"*\"\n",
            "destination: \"*\"\nregion: westeurope\n",
        ),
    ];
    for (what, edit, from, to) in cases {
        assert_eq!(edited(YAML, edit), with(YAML, from, to), "{what}");
    }
}

fn s(v: &str) -> Spanned<String> {
    sp(v.to_string())
}

fn sp<T>(value: T) -> Spanned<T> {
    Spanned::new(value)
}

#[test]
fn json_files_stay_json() {
    let json = "{\n  \"version\": 1,\n  \"name\": \"demo\",\n  \"nsgs\": {\n    \"n\": {\n      \
                \"rules\": [\n        {\"name\": \"r\", \"priority\": 100, \"direction\": \
                \"inbound\", \"access\": \"allow\"}\n      ]\n    }\n  }\n}\n";
    let out = edited(json, |f| {
        f.nsgs.get_mut("n").unwrap().rules[0].access = Access::Deny;
        f.region = Some("eastus".into());
    });
    let want = with(json, "\"allow\"", "\"deny\"");
    // After the entry before it in the records' (sorted) order.
    let want = with(
        &want,
        "    }\n  }\n}",
        "    }\n  },\n  \"region\": \"eastus\"\n}",
    );
    assert_eq!(out, want);
}

#[test]
fn a_change_the_layout_cannot_take_is_printed_and_says_so() {
    let text = "version: 1\nname: a\nnsgs:\n  n: &x {}\n  m: *x\n";
    let mut f = read_ok(text);
    f.nsgs.get_mut("n").unwrap().rules.push(NsgRuleDef {
        name: s("r"),
        priority: sp(100),
        direction: crate::format::Direction::Inbound,
        access: Access::Allow,
        protocol: None,
        source: None,
        source_ports: None,
        destination: None,
        destination_ports: None,
        description: None,
        pos: Default::default(),
    });
    let r = rewrite(text, &f);
    assert!(r.reprinted.is_some(), "{}", r.text);
    assert_eq!(
        serde_json::to_value(read_ok(&r.text)).unwrap(),
        serde_json::to_value(&f).unwrap()
    );
}
