//! JUnit XML (test tabs of Azure DevOps, GitLab, Jenkins): one `<testsuite>` per file, one
//! `<testcase>` per item. A failing item has a `<failure>` with its evidence (the trace), a
//! file error an `<error>`, an accepted finding is `<skipped>` with the waiver, a warning passes
//! with its message in `<system-out>`.

use super::{FileRun, Status};
use std::fmt::Write;

/// The JUnit XML document of `runs`; `command` names the suites (`check` or `audit`).
pub fn render(runs: &[FileRun], command: &str) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
    for run in runs {
        let items = run.items();
        let count = |s: Status, err: bool| {
            items
                .iter()
                .filter(|i| i.status == s && i.rule.starts_with("vnetlab/") == err)
                .count()
        };
        let (f, e, s) = (
            count(Status::Fail, false),
            count(Status::Fail, true),
            count(Status::Accepted, false),
        );
        tests += items.len();
        failures += f;
        errors += e;
        skipped += s;
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"{e}\" skipped=\"{s}\">",
            esc(&run.file),
            items.len()
        );
        let class = format!("vnetlab.{command}.{}", run.file);
        for item in &items {
            let _ = write!(
                suites,
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\"",
                esc(&item.name),
                esc(&class),
                esc(&run.file),
                item.span.line
            );
            let body = match item.status {
                Status::Pass => String::new(),
                Status::Warn => format!(
                    "      <system-out>warning: {}\n{}</system-out>\n",
                    esc(&item.message),
                    esc(&item.detail)
                ),
                Status::Accepted => {
                    let (why, owner) = item.waiver.clone().unwrap_or_default();
                    format!(
                        "      <skipped message=\"accepted by waiver (owner {}): {}\"/>\n",
                        esc(&owner),
                        esc(&why)
                    )
                }
                Status::Fail => {
                    let tag = if item.rule.starts_with("vnetlab/") {
                        "error"
                    } else {
                        "failure"
                    };
                    format!(
                        "      <{tag} message=\"{}\" type=\"{}\">{}:{}:{}: {}\n{}</{tag}>\n",
                        esc(&item.message),
                        esc(&item.rule),
                        esc(&run.file),
                        item.span.line,
                        item.span.col,
                        esc(&item.message),
                        esc(&item.detail)
                    )
                }
            };
            if body.is_empty() {
                suites.push_str("/>\n");
            } else {
                let _ = write!(suites, ">\n{body}    </testcase>\n");
            }
        }
        suites.push_str("  </testsuite>\n");
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"vnetlab {command}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">\n{suites}</testsuites>\n"
    )
}

/// Escapes text for an XML attribute or element; drops characters XML 1.0 cannot hold.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(super::esc("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
