//! Plain-language hints for YAML structure errors: the parser says what it expected in the
//! grammar's words ("while parsing a block mapping, did not find expected key"); the hint says
//! what the writer most likely got wrong and how to fix it.

/// A hint for the parser's message `info`, when one is known.
pub fn for_syntax_error(info: &str) -> Option<&'static str> {
    const HINTS: &[(&str, &str)] = &[
        (
            "did not find expected ',' or '}'",
            "a `{ … }` mapping is not closed, or two of its entries lack a `,` between them: add the missing `}` or `,`",
        ),
        (
            "expected ',' or ']'",
            "a `[ … ]` list is not closed, or two of its items lack a `,` between them: add the missing `]` or `,`",
        ),
        (
            "block mapping, did not find expected key",
            "this line is indented differently from the keys around it: indent every key of one mapping by the same number of spaces",
        ),
        (
            "did not find expected '-' indicator",
            "list items are not lined up: start every `- ` item of one list at the same column",
        ),
        (
            "found a tab",
            "YAML indents with spaces only: replace the tab with spaces",
        ),
        (
            "quoted scalar, found unexpected end of stream",
            "a quoted string is never closed: add the closing quote",
        ),
        (
            "invalid trailing content after double-quoted scalar",
            "text follows a closing quote: put the whole value inside the quotes",
        ),
        (
            "mapping values are not allowed in this context",
            "a `key: value` appears where a plain value was expected: quote a value that contains `: `, or put the nested mapping on its own indented lines",
        ),
        (
            "block sequence entries are not allowed in this context",
            "a `- ` item follows a key's value on the same level: put the list on the lines after `key:`, indented",
        ),
        (
            "mapping keys are not allowed in this context",
            "a `? ` key is not allowed here: write `key: value`",
        ),
        (
            "did not find expected node content",
            "a value is missing or starts with a character YAML reserves (`@`, `` ` ``, `%`): quote the value",
        ),
        (
            "found unknown anchor",
            "`*name` refers to an anchor that is not defined before it: define `&name` first, or quote a value that starts with `*`",
        ),
        (
            "found duplicated anchor",
            "the same `&name` anchor is defined twice: rename one",
        ),
        (
            "found unknown escape character",
            "a backslash in a double-quoted string starts an unknown escape: write `\\\\` for a backslash, or use single quotes",
        ),
        (
            "invalid indentation in flow construct",
            "a `{ … }` mapping or `[ … ]` list opened on an earlier line is not closed (or its next line is indented less than the line it opens on): add the missing `}` or `]`",
        ),
        (
            "invalid indentation",
            "the indentation does not match the enclosing block: align the line with its siblings",
        ),
        (
            "did not find expected key",
            "a key is missing or mis-indented here: check the indentation of this line and the one before",
        ),
        (
            "found unexpected document indicator",
            "a `---` or `...` line inside a quoted string ends the document: quote or indent it",
        ),
    ];
    HINTS
        .iter()
        .find(|(pattern, _)| info.contains(pattern))
        .map(|(_, hint)| *hint)
}

#[cfg(test)]
mod tests {
    use super::for_syntax_error;

    #[test]
    fn hints_name_the_likely_mistake() {
        assert!(
            for_syntax_error("while parsing a flow mapping, did not find expected ',' or '}'")
                .unwrap()
                .contains("not closed")
        );
        assert!(
            for_syntax_error("while parsing a block mapping, did not find expected key")
                .unwrap()
                .contains("indented")
        );
        assert_eq!(for_syntax_error("something new"), None);
    }
}
