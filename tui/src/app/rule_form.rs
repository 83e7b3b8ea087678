//! Adding an NSG rule (`a`): a small form over the screen for the selected NSG — name,
//! priority, direction, access, protocol, source, destination, destination ports — decoded by
//! vnetlab-core's own decoder (the very checks the file gets) and tried on the edited records
//! (a clash of priority or name is refused with the build's message) before it becomes an edit
//! of the live session ([`Edit::Patch`]), undone with `u` and written by `w` like any other.

use super::model::{Doc, Model, Overlay};
use vnetlab_core::diag::{Diagnostics, Severity};
use vnetlab_core::format::{Direction, NsgRuleDef};
use vnetlab_core::outline::Target;
use vnetlab_core::syntax::{Decode, Decoder, parse};
use vnetlab_core::whatif::{Edit, Patch};

/// The form's fields: (key in the file, what it takes).
pub const FIELDS: [(&str, &str); 8] = [
    ("name", "unique in the NSG"),
    ("priority", "100..4096, unique per direction"),
    ("direction", "inbound | outbound"),
    ("access", "allow | deny"),
    ("protocol", "tcp | udp | icmp | * (empty: any)"),
    (
        "source",
        "addresses, CIDRs, tags, comma-separated (empty: *)",
    ),
    (
        "destination",
        "addresses, CIDRs, tags, comma-separated (empty: *)",
    ),
    (
        "destination_ports",
        "443, 8000-8100, comma-separated (empty: *)",
    ),
];

/// Fields written as lists in the file.
const LISTS: [&str; 3] = ["source", "destination", "destination_ports"];

/// The add-rule form: the NSG it adds to, the values typed, the field being typed in, and the
/// problems the last submit found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleForm {
    /// The NSG.
    pub nsg: String,
    /// One value per [`FIELDS`] entry.
    pub values: Vec<String>,
    /// The field being typed in.
    pub at: usize,
    /// Why the last submit was refused.
    pub errors: Vec<String>,
}

/// The NSG the tree's selection stands for: an NSG, one of its rules (and that rule's
/// direction), or a subnet with an NSG.
fn selected_nsg(m: &Model) -> Option<(String, Direction)> {
    let r = m.ready()?;
    let a = r.shown();
    let vis = super::rows::visible_tree(&a.outline, &m.ui.collapsed);
    let item = &a.outline[*vis.get(m.ui.tree.selected)?];
    let d = &a.design;
    match item.target {
        Target::Nsg(n) => Some((d.nsgs[n.ix()].name.clone(), Direction::Inbound)),
        Target::NsgRule { nsg, direction, .. } => Some((d.nsgs[nsg.ix()].name.clone(), direction)),
        Target::Subnet(s) => d.subnets[s.ix()]
            .nsg
            .map(|n| (d.nsgs[n.ix()].name.clone(), Direction::Inbound)),
        _ => None,
    }
}

/// Opens the form for the selected NSG, with a free priority of the direction filled in.
pub fn open(m: &mut Model) -> Result<(), String> {
    let (nsg, direction) = selected_nsg(m).ok_or(
        "select an NSG, one of its rules or a subnet with an NSG in the tree to add a rule to it",
    )?;
    let r = m.ready().ok_or("the file has errors")?;
    if r.current.is_err() {
        return Err("the edited design is invalid: undo (u) before adding a rule".into());
    }
    let taken: Vec<u32> = r.session.file().nsgs[&nsg]
        .rules
        .iter()
        .filter(|x| x.direction == direction)
        .map(|x| x.priority.value)
        .collect();
    let priority = (1..=409)
        .map(|k| k * 10)
        .find(|p| *p >= 100 && !taken.contains(p))
        .map_or(String::new(), |p| p.to_string());
    let values = vec![
        String::new(),
        priority,
        direction.to_string(),
        "allow".into(),
        "tcp".into(),
        String::new(),
        String::new(),
        String::new(),
    ];
    m.ui.overlay = Overlay::AddRule(RuleForm {
        nsg,
        values,
        at: 0,
        errors: Vec::new(),
    });
    Ok(())
}

/// A YAML scalar for a typed value (double-quoted, JSON's escapes), numbers as typed.
fn scalar(v: &str) -> String {
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        v.to_string()
    } else {
        serde_json::to_string(v).expect("a string serialises")
    }
}

impl RuleForm {
    /// The rule as a YAML mapping, one `key: value` line per field filled in.
    fn fragment(&self) -> String {
        let mut text = String::new();
        for ((key, _), v) in FIELDS.iter().zip(&self.values) {
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            let value = if LISTS.contains(key) {
                let items: Vec<String> = v
                    .split(',')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .map(|x| serde_json::to_string(x).expect("a string serialises"))
                    .collect();
                format!("[{}]", items.join(", "))
            } else {
                scalar(v)
            };
            text.push_str(&format!("{key}: {value}\n"));
        }
        text
    }

    /// The rule typed, decoded as the file's rules are; or every problem.
    pub fn rule(&self) -> Result<NsgRuleDef, Vec<String>> {
        let mut diags = Diagnostics::new("rule");
        let text = self.fragment();
        let rule = parse(&text, &mut diags)
            .and_then(|n| NsgRuleDef::decode(&n, &mut Decoder { diags: &mut diags }));
        let problems: Vec<String> = diags
            .finish()
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| match &d.help {
                Some(h) => format!("{} (help: {h})", d.message),
                None => d.message.clone(),
            })
            .collect();
        match rule {
            Some(r) if problems.is_empty() => Ok(r),
            _ if problems.is_empty() => Err(vec!["the rule could not be read".into()]),
            _ => Err(problems),
        }
    }
}

/// Submits the form: the rule, decoded and tried on the edited records, becomes an edit;
/// `Err` keeps the form open with the problems.
pub fn submit(m: &mut Model) -> Option<Edit> {
    let Overlay::AddRule(form) = &m.ui.overlay else {
        return None;
    };
    let nsg = form.nsg.clone();
    let tried = form.rule().and_then(|rule| {
        let name = rule.name.value.clone();
        let patch = Patch::NsgRule {
            nsg: nsg.clone(),
            rule,
            renumber: Vec::new(),
        };
        let Doc::Ready(r) = &m.doc else {
            return Err(vec!["the file has errors".into()]);
        };
        let mut file = r.session.file().clone();
        patch.apply(&mut file).map_err(|e| vec![e])?;
        let built = vnetlab_core::rebuild(&m.file, &file, &m.opts);
        if built.design.is_none() {
            return Err(built
                .diagnostics
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| d.message)
                .collect());
        }
        Ok(Edit::Patch {
            change: format!("add NSG rule {nsg}/{name}"),
            patch: Box::new(patch),
        })
    });
    match tried {
        Ok(edit) => {
            m.ui.overlay = Overlay::None;
            Some(edit)
        }
        Err(problems) => {
            if let Overlay::AddRule(form) = &mut m.ui.overlay {
                form.errors = problems;
            }
            None
        }
    }
}

/// Typing in the form: a character, backspace, or moving between fields.
pub fn input(form: &mut RuleForm, msg: &super::message::Message) {
    use super::message::Message;
    match msg {
        Message::FormInput(c) => form.values[form.at].push(*c),
        Message::FormBackspace => {
            form.values[form.at].pop();
        }
        Message::FormField(d) => {
            form.at = (form.at as i32 + d).rem_euclid(FIELDS.len() as i32) as usize;
        }
        _ => {}
    }
}
