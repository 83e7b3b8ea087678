//! The rules a report's items refer to: one per expectation outcome, required-flow verdict,
//! finding kind, waiver state and diagnostic code, each with its help text and the document that
//! explains it.

/// A rule: its id, one line, the help text and the document (a path in the repository, with
/// its section) that explains it.
pub struct Rule {
    /// The id items refer to.
    pub id: String,
    /// One line.
    pub short: String,
    /// What it means and what to do.
    pub help: String,
    /// The document explaining it, relative to the repository root.
    pub doc: &'static str,
}

/// The rule `id` stands for.
pub fn rule(id: &str) -> Rule {
    let (short, help, doc): (String, String, &'static str) = match id {
        "expectation-holds" => ("An expectation holds".into(), "The `expect` entry's verdict is proven (for a set, for every packet class).".into(), "docs/format.md#expectdef"),
        "expectation-fails" => ("An expectation fails".into(), "The design does not do what the `expect` entry says; the trace or counterexample shows the deciding rule, route or setting.".into(), "docs/format.md#expectdef"),
        "expectation-undecided" => ("An expectation could not be decided".into(), "Too many packet classes to prove the set; narrow the `from`, `to` or `ports` of the entry.".into(), "docs/format.md#expectdef"),
        "fault-breaks-expectation" => ("A single edit breaks an expectation".into(), "`check --faults 1` removed or flipped one element and an expectation that held fails: the design depends on that one element.".into(), "docs/cli-json.md#check"),
        "required-flow-works" => ("A flow Azure ML needs works".into(), "Traced end to end, including DNS and the reply path.".into(), "docs/aml.md#required-flow-catalog"),
        "required-flow-broken" => ("A flow Azure ML needs is broken".into(), "The trace shows where it is stopped; the fix is the smallest change found that makes it work, proven by re-tracing.".into(), "docs/aml.md#required-flow-catalog"),
        "no-expectations" => ("A design has no expectations".into(), "Nothing was checked: add `expect` entries stating what must and must not reach what (`check --require-expectations` makes this fail).".into(), "docs/format.md#expectdef"),
        "waiver-unused" => ("A waiver accepts no finding".into(), "The finding it was written for is gone, or the waiver names the wrong finding kind or element: remove or correct it.".into(), "docs/format.md#waivers-accept"),
        _ => match vnetlab_core::aml::kinds::kind(id) {
            Some(k) => (k.title.into(), k.help.into(), if id.starts_with("VNETLAB-") { "docs/format.md#waivers-accept" } else { "docs/aml.md#finding-kinds" }),
            None => match id.strip_prefix("vnetlab/") {
                Some(code) => (format!("Topology file problem `{code}`"), "The file cannot be analysed until errors are fixed; warnings are legal but probably not meant. The message says what is wrong and the help how to fix it.".into(), "docs/format.md"),
                None => (id.to_string(), String::new(), "docs/aml.md"),
            },
        },
    };
    Rule {
        id: id.to_string(),
        short,
        help,
        doc,
    }
}
