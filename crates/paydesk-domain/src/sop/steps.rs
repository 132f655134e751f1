//! The tickable steps of an SOP body: its numbered items ("1. Check the ledger") and its
//! checklist items ("- [ ] Ask for the receipt"), in order, outside code blocks.
//!
//! Each step has a key made from its words ("check-the-ledger"), unique within the
//! version (a repeat gets "-2", "-3"). A published version never changes, so the keys of
//! the ticks recorded on it always name the same steps; a later version that keeps a
//! step's wording keeps its key too.

use serde::{Deserialize, Serialize};

/// The longest key, in bytes.
const KEY_MAX: usize = 60;
/// The longest step text kept, in characters.
const TEXT_MAX: usize = 500;

crate::label_enum!(
    /// How a step is written in the body.
    StepKind {
        /// A numbered list item.
        Numbered = "numbered",
        /// A checklist item (`- [ ]`).
        Checklist = "checklist",
    }
);

/// One tickable step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Step {
    /// Stable within the version: made from the words of the text.
    pub key: String,
    /// The item's text as written (Markdown).
    pub text: String,
    pub kind: StepKind,
}

/// The steps of `body`, in order.
#[must_use]
pub fn parse_steps(body: &str) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut fence: Option<&str> = None;
    for line in body.lines() {
        let trimmed = line.trim_start();
        if let Some(open) = fence {
            if trimmed.starts_with(open) {
                fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") {
            fence = Some("```");
            continue;
        }
        if trimmed.starts_with("~~~") {
            fence = Some("~~~");
            continue;
        }
        let Some((kind, text)) = item(trimmed) else {
            continue;
        };
        let text: String = text.trim().chars().take(TEXT_MAX).collect();
        if text.is_empty() {
            continue;
        }
        let base = slug(&text, steps.len() + 1);
        let mut key = base.clone();
        let mut n = 2;
        while steps.iter().any(|s| s.key == key) {
            key = format!("{base}-{n}");
            n += 1;
        }
        steps.push(Step { key, text, kind });
    }
    steps
}

/// The kind and text of a list item line, if it is a step.
fn item(line: &str) -> Option<(StepKind, &str)> {
    if let Some(rest) = line
        .strip_prefix("- ")
        .or_else(|| line.strip_prefix("* "))
        .or_else(|| line.strip_prefix("+ "))
    {
        return checkbox(rest.trim_start()).map(|t| (StepKind::Checklist, t));
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 9 {
        return None;
    }
    let rest = &line[digits..];
    let rest = rest
        .strip_prefix(". ")
        .or_else(|| rest.strip_prefix(") "))?;
    let rest = rest.trim_start();
    Some((StepKind::Numbered, checkbox(rest).unwrap_or(rest)))
}

/// The text after a task-list box (`[ ]`, `[x]`), if there is one.
fn checkbox(text: &str) -> Option<&str> {
    ["[ ] ", "[x] ", "[X] "]
        .iter()
        .find_map(|b| text.strip_prefix(b))
}

/// A key from the words of `text`: lowercase ASCII letters and digits joined by '-'.
fn slug(text: &str, position: usize) -> String {
    let mut key = String::new();
    for word in text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if key.len() + word.len() + 1 > KEY_MAX {
            break;
        }
        if !key.is_empty() {
            key.push('-');
        }
        key.push_str(&word.to_ascii_lowercase());
    }
    if key.is_empty() {
        format!("step-{position}")
    } else {
        key
    }
}
