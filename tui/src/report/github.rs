//! GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=T::message` for every
//! failing item and `::warning` for warnings, so a pull request shows them on the design's
//! lines. Passing and accepted items print nothing.

use super::{FileRun, Status};

/// The annotations of `runs`, one per line.
pub fn render(runs: &[FileRun]) -> String {
    let mut out = String::new();
    for run in runs {
        for item in run.items() {
            let level = match item.status {
                Status::Fail => "error",
                Status::Warn => "warning",
                Status::Pass | Status::Accepted => continue,
            };
            let mut props = format!("file={}", property(&run.file));
            if item.span.line > 0 {
                props.push_str(&format!(",line={},col={}", item.span.line, item.span.col));
            }
            props.push_str(&format!(",title={}", property(&item.rule)));
            let text = if item.detail.is_empty() {
                item.message.clone()
            } else {
                format!("{}\n{}", item.message, item.detail.trim_end())
            };
            out.push_str(&format!("::{level} {props}::{}\n", data(&text)));
        }
    }
    out
}

/// Escapes a workflow command's message (GitHub's `escapeData`).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (GitHub's `escapeProperty`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(super::data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(super::property("a:b,c"), "a%3Ab%2Cc");
    }
}
