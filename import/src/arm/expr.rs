//! The ARM template expression language: a string `"[…]"` holds one expression — function
//! calls, `'single-quoted'` strings (`''` escapes a quote), integers, and property (`.name`) and
//! index (`[expr]`) access. `"[[…"` is the literal text `"[…"`.

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A string literal.
    Str(String),
    /// An integer literal.
    Int(i64),
    /// A function call; `at` is the character offset of the name in the expression.
    Call {
        /// The function's name as written.
        name: String,
        /// Its arguments.
        args: Vec<Expr>,
        /// Offset of the name.
        at: usize,
    },
    /// `.name` on a value.
    Member(Box<Expr>, String),
    /// `[index]` on a value.
    Index(Box<Expr>, Box<Expr>),
}

/// What a template string is: plain text, or an expression to evaluate.
pub enum Template<'a> {
    /// Plain text (with a leading `[[` unescaped).
    Text(std::borrow::Cow<'a, str>),
    /// The text between the outer brackets.
    Expr(&'a str),
}

/// Classifies a string value of a template.
pub fn classify(s: &str) -> Template<'_> {
    if let Some(rest) = s.strip_prefix("[[") {
        return Template::Text(format!("[{rest}").into());
    }
    if s.starts_with('[') && s.ends_with(']') && s.len() >= 2 {
        return Template::Expr(&s[1..s.len() - 1]);
    }
    Template::Text(s.into())
}

/// A parse failure at a character offset of the expression.
#[derive(Debug, PartialEq)]
pub struct ParseError {
    /// Character offset.
    pub at: usize,
    /// What is wrong.
    pub message: String,
}

/// The most nesting an expression may have (guards the parser's stack).
const MAX_DEPTH: usize = 64;

/// Parses an expression (the text between the outer brackets).
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let mut p = Parser {
        chars: text.chars().collect(),
        pos: 0,
        depth: 0,
    };
    p.ws();
    let e = p.expr()?;
    p.ws();
    if p.pos < p.chars.len() {
        return Err(p.err(format!(
            "unexpected `{}` after the expression",
            p.chars[p.pos]
        )));
    }
    Ok(e)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
}

impl Parser {
    fn err(&self, message: impl Into<String>) -> ParseError {
        ParseError {
            at: self.pos,
            message: message.into(),
        }
    }

    fn ws(&mut self) {
        while self.pos < self.chars.len() && self.chars[self.pos].is_whitespace() {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn expect(&mut self, c: char) -> Result<(), ParseError> {
        self.ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.err(match self.peek() {
                Some(x) => format!("expected `{c}`, found `{x}`"),
                None => format!("expected `{c}`, found the end of the expression"),
            }))
        }
    }

    fn expr(&mut self) -> Result<Expr, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("the expression is nested too deeply"));
        }
        let mut e = self.primary()?;
        loop {
            self.ws();
            match self.peek() {
                Some('.') => {
                    self.pos += 1;
                    self.ws();
                    let name = self.ident();
                    if name.is_empty() {
                        return Err(self.err("expected a property name after `.`"));
                    }
                    e = Expr::Member(Box::new(e), name);
                }
                Some('[') => {
                    self.pos += 1;
                    self.ws();
                    let i = self.expr()?;
                    self.expect(']')?;
                    e = Expr::Index(Box::new(e), Box::new(i));
                }
                _ => break,
            }
        }
        self.depth -= 1;
        Ok(e)
    }

    fn ident(&mut self) -> String {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
        {
            self.pos += 1;
        }
        self.chars[start..self.pos].iter().collect()
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        self.ws();
        match self.peek() {
            None => Err(self.err("expected a value, found the end of the expression")),
            Some('\'') => {
                self.pos += 1;
                let mut s = String::new();
                loop {
                    match self.peek() {
                        None => return Err(self.err("unterminated string: a `'` is missing")),
                        Some('\'') if self.chars.get(self.pos + 1) == Some(&'\'') => {
                            s.push('\'');
                            self.pos += 2;
                        }
                        Some('\'') => {
                            self.pos += 1;
                            return Ok(Expr::Str(s));
                        }
                        Some(c) => {
                            s.push(c);
                            self.pos += 1;
                        }
                    }
                }
            }
            Some(c) if c.is_ascii_digit() || c == '-' => {
                let start = self.pos;
                self.pos += 1;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                text.parse().map(Expr::Int).map_err(|_| ParseError {
                    at: start,
                    message: format!("`{text}` is not an integer"),
                })
            }
            Some(c) if c.is_alphabetic() || c == '_' => {
                let at = self.pos;
                let name = self.ident();
                self.ws();
                if self.peek() != Some('(') {
                    return Err(ParseError {
                        at,
                        message: format!(
                            "`{name}` must be called as a function: `{name}(…)` (strings are quoted with ')"
                        ),
                    });
                }
                self.pos += 1;
                let mut args = Vec::new();
                self.ws();
                if self.peek() == Some(')') {
                    self.pos += 1;
                } else {
                    loop {
                        args.push(self.expr()?);
                        self.ws();
                        match self.peek() {
                            Some(',') => self.pos += 1,
                            Some(')') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err(self.err("expected `,` or `)` in the argument list")),
                        }
                    }
                }
                Ok(Expr::Call { name, args, at })
            }
            Some(c) => Err(self.err(format!("unexpected `{c}`"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_calls_members_and_indexes() {
        let e = parse("concat('a''b', parameters('x').y[0], -3)").unwrap();
        let Expr::Call { name, args, .. } = e else {
            panic!()
        };
        assert_eq!(name, "concat");
        assert_eq!(args[0], Expr::Str("a'b".into()));
        assert!(matches!(args[1], Expr::Index(..)));
        assert_eq!(args[2], Expr::Int(-3));
    }

    #[test]
    fn reports_where_it_fails() {
        assert_eq!(parse("concat('a'").unwrap_err().at, 10);
        assert!(
            parse("foo")
                .unwrap_err()
                .message
                .contains("called as a function")
        );
        assert!(parse("'abc").unwrap_err().message.contains("unterminated"));
        let deep = "f(".repeat(100) + &")".repeat(100);
        assert!(parse(&deep).is_err());
    }

    #[test]
    fn escapes_and_plain_text() {
        assert!(matches!(classify("[[not an expr]"), Template::Text(t) if t == "[not an expr]"));
        assert!(matches!(classify("[x()]"), Template::Expr("x()")));
        assert!(matches!(classify("plain"), Template::Text(_)));
    }
}
