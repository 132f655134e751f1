//! Field rules shared by new tickets and patches.

use crate::error::DomainError;

pub const SUBJECT_MAX: usize = 250;
pub const TAG_MAX: usize = 64;
pub const TAGS_MAX: usize = 50;

pub(crate) fn subject(raw: &str) -> Result<String, DomainError> {
    let s = collapse_whitespace(raw);
    if s.is_empty() {
        return Err(DomainError::invalid("subject", "must not be empty"));
    }
    if s.chars().count() > SUBJECT_MAX {
        return Err(DomainError::invalid(
            "subject",
            format!("at most {SUBJECT_MAX} characters"),
        ));
    }
    Ok(s)
}

pub(crate) fn category(raw: &str) -> Result<String, DomainError> {
    let c = raw.trim().to_ascii_lowercase();
    if c.is_empty()
        || c.len() > 80
        || !c
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-')
    {
        return Err(DomainError::invalid(
            "category",
            "1-80 characters of a-z, 0-9, '_' or '-'",
        ));
    }
    Ok(c)
}

pub(crate) fn language(raw: &str) -> Result<String, DomainError> {
    let l = raw.trim();
    let ok = (2..=35).contains(&l.len())
        && l.split('-')
            .all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if !ok {
        return Err(DomainError::invalid(
            "language",
            "a BCP 47 tag such as 'en' or 'pt-BR'",
        ));
    }
    Ok(l.to_string())
}

/// Lower-cases and trims one tag; tags are 1-64 characters without spaces or commas.
pub fn normalize_tag(raw: &str) -> Result<String, DomainError> {
    let t = raw.trim().to_lowercase();
    if t.is_empty()
        || t.chars().count() > TAG_MAX
        || t.chars()
            .any(|c| c.is_whitespace() || c == ',' || c.is_control())
    {
        return Err(DomainError::invalid(
            "tags",
            format!("each tag is 1-{TAG_MAX} characters without spaces or commas"),
        ));
    }
    Ok(t)
}

/// Normalises, de-duplicates and sorts a tag list; at most 50 tags.
pub fn normalize_tags(raw: &[String]) -> Result<Vec<String>, DomainError> {
    let mut tags = raw
        .iter()
        .map(|t| normalize_tag(t))
        .collect::<Result<Vec<_>, _>>()?;
    tags.sort();
    tags.dedup();
    if tags.len() > TAGS_MAX {
        return Err(DomainError::invalid(
            "tags",
            format!("at most {TAGS_MAX} tags"),
        ));
    }
    Ok(tags)
}

fn collapse_whitespace(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}
