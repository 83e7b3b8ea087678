//! SARIF 2.1.0 (code scanning in GitHub and Azure DevOps): one run, a rule per item kind with
//! its help and document, one result per item that did not pass with its level, message and
//! physical location; accepted findings carry a suppression. Passing items (expectations that
//! hold, flows that work) are counted in the run's properties, not results: GitHub's supported
//! subset does not document `kind: pass`, and a passing check must not become an alert.

use super::rules::rule;
use super::{FileRun, Status};
use serde_sarif::sarif;
use std::collections::BTreeMap;

/// The SARIF log of `runs` (pretty-printed JSON).
pub fn render(runs: &[FileRun]) -> String {
    let mut rule_ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut results = Vec::new();
    let mut items = Vec::new();
    for run in runs {
        for item in run.items() {
            rule_ids.entry(item.rule.clone()).or_insert(0);
            items.push((run, item));
        }
    }
    for (i, id) in rule_ids
        .keys()
        .cloned()
        .collect::<Vec<_>>()
        .iter()
        .enumerate()
    {
        rule_ids.insert(id.clone(), i);
    }
    let rules: Vec<sarif::ReportingDescriptor> = rule_ids
        .keys()
        .map(|id| {
            let r = rule(id);
            sarif::ReportingDescriptor::builder()
                .id(r.id.clone())
                .short_description(multi(&r.short))
                .full_description(multi(&r.help))
                .help(
                    sarif::MultiformatMessageString::builder()
                        .text(format!("{} See {}.", r.help, r.doc))
                        .markdown(format!("{} See [{}]({}).", r.help, r.doc, r.doc))
                        .build(),
                )
                .build()
        })
        .collect();
    let mut passed: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for (run, item) in items {
        let (level, kind) = match item.status {
            Status::Pass => {
                let n = passed
                    .entry(item.rule.clone())
                    .or_insert(serde_json::json!(0));
                *n = serde_json::json!(n.as_u64().unwrap_or(0) + 1);
                continue;
            }
            Status::Fail => (sarif::ResultLevel::Error, sarif::ResultKind::Fail),
            Status::Warn => (sarif::ResultLevel::Warning, sarif::ResultKind::Fail),
            Status::Accepted => (sarif::ResultLevel::Error, sarif::ResultKind::Fail),
        };
        let mut region = sarif::Region::builder()
            .start_line(i64::from(item.span.line.max(1)))
            .build();
        if item.span.line > 0 {
            region.start_column = Some(i64::from(item.span.col.max(1)));
        }
        // An imported design's element points back at the file and place it came from; the
        // design's own line becomes a related location.
        let source = run
            .text
            .as_deref()
            .and_then(|t| imported_source(t, item.span.line));
        let location = match &source {
            Some((file, line, col)) => sarif::Location::builder()
                .physical_location(physical(
                    file,
                    sarif::Region::builder()
                        .start_line(i64::from((*line).max(1)))
                        .start_column(i64::from((*col).max(1)))
                        .build(),
                ))
                .build(),
            None => sarif::Location::builder()
                .physical_location(physical(&run.file, region.clone()))
                .build(),
        };
        let message = if item.detail.is_empty() {
            item.message.clone()
        } else {
            format!("{}\n{}", item.message, item.detail.trim_end())
        };
        let mut result = sarif::Result::builder()
            .rule_id(item.rule.clone())
            .rule_index(rule_ids[&item.rule] as i64)
            .level(level)
            .kind(kind)
            .message(text(&message))
            .locations(vec![location])
            .build();
        if source.is_some() {
            result.related_locations = Some(vec![
                sarif::Location::builder()
                    .id(-1)
                    .physical_location(physical(&run.file, region))
                    .message(text("in the imported design"))
                    .build(),
            ]);
        }
        if !item.related.is_empty() {
            let related: Vec<sarif::Location> = item
                .related
                .iter()
                .enumerate()
                .map(|(i, (span, label))| {
                    let region = sarif::Region::builder()
                        .start_line(i64::from(span.line.max(1)))
                        .start_column(i64::from(span.col.max(1)))
                        .build();
                    sarif::Location::builder()
                        .id(i as i64)
                        .physical_location(physical(&run.file, region))
                        .message(text(label))
                        .build()
                })
                .collect();
            result
                .related_locations
                .get_or_insert_with(Vec::new)
                .extend(related);
        }
        if let Some((justification, owner)) = &item.waiver {
            let mut bag = BTreeMap::new();
            bag.insert("owner".to_string(), serde_json::json!(owner));
            result.suppressions = Some(vec![
                sarif::Suppression::builder()
                    .kind(serde_json::json!("inSource"))
                    .status(serde_json::json!("accepted"))
                    .justification(justification.clone())
                    .properties(
                        sarif::PropertyBag::builder()
                            .additional_properties(bag)
                            .build(),
                    )
                    .build(),
            ]);
        }
        results.push(result);
    }
    let driver = sarif::ToolComponent::builder()
        .name("vnetlab")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    let log = sarif::Sarif::builder()
        .schema(sarif::SCHEMA_URL)
        .version(serde_json::json!("2.1.0"))
        .runs(vec![
            sarif::Run::builder()
                .tool(sarif::Tool::builder().driver(driver).build())
                .results(results)
                .properties(
                    sarif::PropertyBag::builder()
                        .additional_properties(BTreeMap::from([(
                            "passed".to_string(),
                            serde_json::json!(passed),
                        )]))
                        .build(),
                )
                .build(),
        ])
        .build();
    serde_json::to_string_pretty(&log).expect("SARIF serializes") + "\n"
}

fn physical(file: &str, region: sarif::Region) -> sarif::PhysicalLocation {
    sarif::PhysicalLocation::builder()
        .artifact_location(sarif::ArtifactLocation::builder().uri(uri(file)).build())
        .region(region)
        .build()
}

fn multi(s: &str) -> sarif::MultiformatMessageString {
    sarif::MultiformatMessageString::builder()
        .text(s.to_string())
        .build()
}

fn text(s: &str) -> sarif::Message {
    sarif::Message::builder().text(s.to_string()).build()
}

/// A file name as a relative URI reference: `/` separators, spaces and `%` escaped.
fn uri(file: &str) -> String {
    let mut out = String::new();
    for c in file.replace('\\', "/").chars() {
        match c {
            ' ' => out.push_str("%20"),
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '?' => out.push_str("%3F"),
            c => out.push(c),
        }
    }
    out
}

/// The source an imported design names for the element at `line`: the `# source: …
/// (FILE:LINE:COL)` comment `vnetlab import` writes right above an element, found on the line's
/// own element or, failing that, on the nearest enclosing one.
fn imported_source(text: &str, line: u32) -> Option<(String, u32, u32)> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let skip = |l: &str| l.trim().is_empty() || l.trim_start().starts_with('#');
    let mut i = usize::try_from(line).ok()?.checked_sub(1)?;
    lines.get(i)?;
    loop {
        // Comments directly above the element, at its indentation.
        let mut j = i;
        while j > 0 && lines[j - 1].trim_start().starts_with('#') {
            j -= 1;
            let t = lines[j].trim_start();
            if indent(lines[j]) == indent(lines[i])
                && let Some(rest) = t.strip_prefix("# source:")
            {
                let place = rest.rsplit_once('(')?.1.strip_suffix(')')?;
                let mut parts = place.rsplitn(3, ':');
                let col = parts.next()?.parse().ok()?;
                let line = parts.next()?.parse().ok()?;
                return Some((parts.next()?.to_string(), line, col));
            }
        }
        // The enclosing element: the nearest line above, less indented.
        let depth = indent(lines[i]);
        i = (0..i)
            .rev()
            .find(|&k| !skip(lines[k]) && indent(lines[k]) < depth)?;
    }
}

#[cfg(test)]
mod tests {
    use super::imported_source;

    #[test]
    fn an_imported_element_points_at_its_source() {
        let text = "vnets:\n  # source: /subscriptions/s/vnets/hub (estate/vnets.json:12:5)\n  hub:\n    address_space: [10.0.0.0/16]\nnsgs:\n  web:\n    rules: []\n";
        assert_eq!(
            imported_source(text, 4),
            Some(("estate/vnets.json".to_string(), 12, 5))
        );
        assert_eq!(
            imported_source(text, 3),
            Some(("estate/vnets.json".to_string(), 12, 5))
        );
        assert_eq!(imported_source(text, 7), None, "nsgs/web has no source");
    }
}
