//! Checks on what people type into an escalation. Card data is masked by the caller,
//! after these checks, before anything is stored.

use crate::DomainError;

pub const SUMMARY_MAX: usize = 300;
pub const QUESTION_MAX: usize = 5_000;
pub const ANSWER_MAX: usize = 20_000;
pub const NAME_MAX: usize = 80;
pub const REASON_MAX: usize = 120;
pub const EXTERNAL_REF_MAX: usize = 500;

fn required(field: &'static str, raw: &str, max: usize, hint: &str) -> Result<String, DomainError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(DomainError::invalid(
            field,
            format!("must not be empty: {hint}"),
        ));
    }
    if text.len() > max {
        return Err(DomainError::invalid(field, format!("at most {max} bytes")));
    }
    if text.contains('\0') {
        return Err(DomainError::invalid(
            field,
            "must not contain NUL characters",
        ));
    }
    Ok(text.to_owned())
}

/// One line saying what the escalation is about.
///
/// # Errors
///
/// Empty, longer than [`SUMMARY_MAX`], or more than one line.
pub fn summary(raw: &str) -> Result<String, DomainError> {
    let text = required(
        "summary",
        raw,
        SUMMARY_MAX,
        "say in one line what this is about",
    )?;
    if text.contains(['\n', '\r']) {
        return Err(DomainError::invalid("summary", "must be one line"));
    }
    Ok(text)
}

/// The question the team is asked to answer.
///
/// # Errors
///
/// Empty or longer than [`QUESTION_MAX`].
pub fn question(raw: &str) -> Result<String, DomainError> {
    required(
        "question",
        raw,
        QUESTION_MAX,
        "ask what the team should answer",
    )
}

/// An answer, or the reason for declining (`field` names which).
///
/// # Errors
///
/// Empty or longer than [`ANSWER_MAX`].
pub fn answer(field: &'static str, raw: &str) -> Result<String, DomainError> {
    required(
        field,
        raw,
        ANSWER_MAX,
        "write what the requester should know",
    )
}

/// A partner team's name.
///
/// # Errors
///
/// Empty, longer than [`NAME_MAX`], or more than one line.
pub fn team_name(raw: &str) -> Result<String, DomainError> {
    let text = required("name", raw, NAME_MAX, "name the team")?;
    if text.contains(['\n', '\r']) {
        return Err(DomainError::invalid("name", "must be one line"));
    }
    Ok(text)
}

/// An escalation reason's label.
///
/// # Errors
///
/// Empty, longer than [`REASON_MAX`], or more than one line.
pub fn reason_label(raw: &str) -> Result<String, DomainError> {
    let text = required("label", raw, REASON_MAX, "say why tickets are escalated")?;
    if text.contains(['\n', '\r']) {
        return Err(DomainError::invalid("label", "must be one line"));
    }
    Ok(text)
}

/// A link to an external tracker issue: a key like `PAY-123` (letters, digits and
/// underscores starting with a letter, a dash, digits) or an `http://` / `https://` URL
/// without spaces. An empty text clears the link (`None`).
///
/// # Errors
///
/// Anything else, or longer than [`EXTERNAL_REF_MAX`].
pub fn external_ref(raw: &str) -> Result<Option<String>, DomainError> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.len() > EXTERNAL_REF_MAX {
        return Err(DomainError::invalid(
            "external_ref",
            format!("at most {EXTERNAL_REF_MAX} bytes"),
        ));
    }
    if is_issue_key(text) || is_web_url(text) {
        Ok(Some(text.to_owned()))
    } else {
        Err(DomainError::invalid(
            "external_ref",
            "give a tracker key like PAY-123 or an http(s) link to the issue",
        ))
    }
}

fn is_issue_key(text: &str) -> bool {
    let Some((project, number)) = text.split_once('-') else {
        return false;
    };
    let mut chars = project.chars();
    chars.next().is_some_and(|c| c.is_ascii_uppercase())
        && chars.all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && project.len() <= 32
        && !number.is_empty()
        && number.len() <= 12
        && number.chars().all(|c| c.is_ascii_digit())
}

fn is_web_url(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !r.chars().any(|c| c.is_whitespace() || c.is_control())
    })
}
