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

const FINDINGS: &[(&str, &str, &str)] = &[
    (
        "AML-PUBLIC-WORKSPACE",
        "The Azure ML workspace is reachable from the internet",
        "`internet` → workspace 443 is delivered. Set public_network_access: disabled and reach the workspace through a private endpoint.",
    ),
    (
        "AML-PUBLIC-DEPENDENCY",
        "A workspace dependency (storage, key vault, registry) is reachable from the internet",
        "`internet` → the service on 443 is delivered. Disable public network access (or default action deny) and use a private endpoint.",
    ),
    (
        "AML-INBOUND-INTERNET",
        "A compute, inference target or jumpbox is reachable from the internet",
        "Some TCP/UDP packet from the internet reaches it (proven over every packet class). Remove the public IP or deny the inbound traffic.",
    ),
    (
        "AML-EXFILTRATION",
        "A compute or inference target can reach arbitrary internet destinations",
        "Deny Internet outbound except the required service tags, or route 0.0.0.0/0 through a firewall with an FQDN allow-list.",
    ),
    (
        "AML-DNS-NOT-LINKED",
        "A private endpoint does not resolve to its private address where Azure ML needs it",
        "Link the privatelink zone to the VNet (or fix the custom DNS forwarding) so the name resolves to the private endpoint.",
    ),
    (
        "AML-SE-BYPASS",
        "A subnet forced through an appliance also has service endpoints",
        "Service endpoint routes bypass the 0.0.0.0/0 route to the appliance; remove the service endpoints or use private endpoints.",
    ),
    (
        "AML-NSG-ANY-INBOUND",
        "An NSG allows inbound traffic from anywhere to any port",
        "Narrow the rule's source and ports.",
    ),
    (
        "AML-RULE-SHADOWED",
        "A rule is entirely covered by an earlier rule with the opposite action",
        "The rule never decides anything; remove it or reorder the priorities.",
    ),
    (
        "AML-RULE-REDUNDANT",
        "A rule is entirely covered by an earlier rule with the same action",
        "The rule never decides anything; remove it.",
    ),
    (
        "AML-ASYMMETRIC",
        "A required flow is dropped as asymmetric through a stateful device",
        "The reply takes another path than the request; route both directions through the same appliance.",
    ),
    (
        "AML-SUBNET-CAPACITY",
        "A subnet is too small for its workloads at full scale-out",
        "Enlarge the subnet, lower max_nodes/max_pods, or use Azure CNI Overlay.",
    ),
    (
        "AML-INFERENCE-PUBLIC",
        "An inference endpoint accepts scoring from the internet",
        "Disable public network access on the endpoint, or use an internal load balancer for AKS.",
    ),
    (
        "VNETLAB-WAIVER-EXPIRED",
        "A waiver (an `accept` entry) has expired",
        "An expired waiver accepts nothing: review the exception again, fix the finding or renew the waiver with a new expiry date.",
    ),
];

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
        _ => match FINDINGS.iter().find(|(f, ..)| *f == id) {
            Some((_, short, help)) => ((*short).into(), (*help).into(), if id.starts_with("VNETLAB-") { "docs/format.md#waivers-accept" } else { "docs/aml.md#finding-kinds" }),
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
