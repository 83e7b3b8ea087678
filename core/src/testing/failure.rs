//! The error of a design test: a readable message (the property, the minimal counterexample,
//! its trace) that `?` turns into a proptest failure and a `#[test]` prints verbatim.

/// A property of a design that does not hold, or a design that cannot be tested, explained.
///
/// It implements [`std::error::Error`], so inside `proptest!` a `?` turns it into a test-case
/// failure (proptest then shrinks the input and prints this message for the minimal one), and a
/// `#[test] fn … -> Result<(), Failure>` prints it as written (its `Debug` is the message).
#[derive(Clone, PartialEq, Eq)]
pub struct Failure {
    message: String,
}

impl Failure {
    /// A failure with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The same failure, with a line of context in front (e.g. the edit that caused it).
    pub fn context(self, context: impl std::fmt::Display) -> Self {
        Self {
            message: format!("{context}: {}", self.message),
        }
    }

    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::fmt::Debug for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Printed by the test harness for `-> Result<(), Failure>` tests: keep it readable.
        writeln!(f)?;
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}
