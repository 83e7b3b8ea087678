//! What an import could not carry over exactly: each item dropped (no counterpart in vnetlab's
//! format), approximated (carried over with a loss or a derivation) or unknown until deployment
//! (a value Azure only decides when it deploys), with the place in the input it comes from.
//! Rendered as text for people and as JSON for pipelines. Nothing here knows a source format.

use serde::Serialize;
use std::fmt::Write as _;

/// A place in an input file, and the resource it belongs to.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Source {
    /// The input file's name as given.
    pub file: String,
    /// Line, starting at 1.
    pub line: u32,
    /// Column, starting at 1.
    pub col: u32,
    /// The resource's id (ARM resource id, Terraform address), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
}

impl Source {
    /// `resource (file:line:col)`, or `file:line:col` without a resource.
    pub fn describe(&self) -> String {
        match &self.resource {
            Some(r) => format!("{r} ({}:{}:{})", self.file, self.line, self.col),
            None => format!("{}:{}:{}", self.file, self.line, self.col),
        }
    }
}

/// What happened to an item of the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// No counterpart in vnetlab's format: left out of the design.
    Dropped,
    /// Carried over with a loss or a derivation (the message says which).
    Approximated,
    /// Its value is decided by Azure at deployment; the design leaves it out or derives it.
    UnknownUntilDeploy,
}

impl Outcome {
    /// The word used in the text report.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Dropped => "dropped",
            Outcome::Approximated => "approximated",
            Outcome::UnknownUntilDeploy => "unknown until deploy",
        }
    }
}

/// One item of the report.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Item {
    /// Where it comes from.
    pub source: Source,
    /// What happened to it.
    pub outcome: Outcome,
    /// The property or resource type concerned, e.g. `properties.delegations`.
    pub subject: String,
    /// What was done and why.
    pub message: String,
}

/// Every item of one import, sorted by place.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ImportReport {
    /// The items.
    pub items: Vec<Item>,
}

impl ImportReport {
    /// Records an item.
    pub fn add(
        &mut self,
        source: &Source,
        outcome: Outcome,
        subject: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.items.push(Item {
            source: source.clone(),
            outcome,
            subject: subject.into(),
            message: message.into(),
        });
    }

    /// Sorts the items by file, place and text and removes duplicates (deterministic output).
    pub fn finish(&mut self) {
        self.items.sort();
        self.items.dedup();
    }

    /// How many items have `outcome`.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.items.iter().filter(|i| i.outcome == outcome).count()
    }

    /// The report as text: one line per item, `file:line:col: outcome: subject: message`, then
    /// the totals.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for i in &self.items {
            let s = &i.source;
            let _ = write!(
                out,
                "{}:{}:{}: {}: {}: {}",
                s.file,
                s.line,
                s.col,
                i.outcome.as_str(),
                i.subject,
                i.message
            );
            if let Some(r) = &s.resource {
                let _ = write!(out, " [{r}]");
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "{} dropped, {} approximated, {} unknown until deploy",
            self.count(Outcome::Dropped),
            self.count(Outcome::Approximated),
            self.count(Outcome::UnknownUntilDeploy)
        );
        out
    }

    /// The report as JSON: `{"approximated": n, "dropped": n, "items": [{"source": {...},
    /// "outcome", "subject", "message"}], "unknown_until_deploy": n}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self.summary()).expect("the summary serialises")
    }

    /// The report with the count of each outcome, as the command line writes it.
    pub fn summary(&self) -> Summary<'_> {
        Summary {
            approximated: self.count(Outcome::Approximated),
            dropped: self.count(Outcome::Dropped),
            items: &self.items,
            unknown_until_deploy: self.count(Outcome::UnknownUntilDeploy),
        }
    }
}

/// An [`ImportReport`] with the count of each outcome (docs/cli-json.md, `import`).
#[derive(Clone, Debug, Serialize)]
pub struct Summary<'a> {
    /// Items approximated.
    pub approximated: usize,
    /// Items dropped.
    pub dropped: usize,
    /// Every item, sorted by place.
    pub items: &'a [Item],
    /// Items unknown until deployment.
    pub unknown_until_deploy: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_json_list_every_item_sorted() {
        let mut r = ImportReport::default();
        let b = Source {
            file: "b.json".into(),
            line: 3,
            col: 5,
            resource: Some("/x/y".into()),
        };
        let a = Source {
            file: "a.json".into(),
            line: 9,
            col: 1,
            resource: None,
        };
        r.add(&b, Outcome::Dropped, "natGateway", "no counterpart");
        r.add(&a, Outcome::Approximated, "ipConfigurations", "first only");
        r.add(&a, Outcome::Approximated, "ipConfigurations", "first only");
        r.finish();
        assert_eq!(
            r.to_text(),
            "a.json:9:1: approximated: ipConfigurations: first only\n\
             b.json:3:5: dropped: natGateway: no counterpart [/x/y]\n\
             1 dropped, 1 approximated, 0 unknown until deploy\n"
        );
        let j = r.to_json();
        assert_eq!(j["items"][1]["source"]["resource"], "/x/y");
        assert_eq!(j["items"][0]["outcome"], "approximated");
        assert_eq!(j["dropped"], 1);
    }
}
