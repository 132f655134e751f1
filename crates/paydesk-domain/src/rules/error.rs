//! Why a rule was refused at save.

use thiserror::Error;

/// A rule that cannot be saved: a stable code, where in the rule, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{path}: {message}")]
pub struct RuleError {
    /// Stable snake_case code (`unknown_field`, `operator_not_allowed`, `invalid_value`, ...).
    pub code: &'static str,
    /// Where in the rule (`conditions.all[0].op`, `actions[2].url`).
    pub path: String,
    /// What is wrong and what to do.
    pub message: String,
}

impl RuleError {
    /// A refusal at `path`.
    #[must_use]
    pub fn new(code: &'static str, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code,
            path: path.into(),
            message: message.into(),
        }
    }
}
