//! What the ticket page's forms post: urlencoded fields read by hand, so that any input
//! (a missing field, a value no option has) answers with the page and a sentence, and
//! the fields form turned into a [`TicketPatch`] of only what the person changed.

use paydesk_domain::UserId;
use paydesk_domain::ticket::{Priority, Status, TicketPatch};

/// A posted form's fields, in the order sent.
#[derive(Debug, Clone, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// Reads an `application/x-www-form-urlencoded` body.
    pub fn parse(body: &[u8]) -> Result<Self, String> {
        serde_urlencoded::from_bytes(body)
            .map(Fields)
            .map_err(|_| "The form could not be read. Reload the page and try again.".to_string())
    }

    /// The first value of `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, or nothing.
    #[must_use]
    pub fn text(&self, name: &str) -> &str {
        self.get(name).unwrap_or_default()
    }

    /// The `version` the page was shown at.
    pub fn version(&self) -> Result<i64, String> {
        self.text("version").trim().parse().map_err(|_| {
            "The form is missing the ticket's version. Reload the page and try again.".to_string()
        })
    }

    /// The newest event the page showed (0 when not sent).
    #[must_use]
    pub fn last_event(&self) -> i64 {
        self.text("last_event").trim().parse().unwrap_or(0)
    }
}

/// The values the fields form showed (its `was_*` fields), to tell what the person
/// changed from what someone else changed meanwhile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shown {
    pub status: String,
    pub priority: String,
    pub category: String,
    pub tags: Vec<String>,
    pub assignee: String,
}

/// A change from the fields form.
#[derive(Debug, Clone)]
pub struct FieldsChange {
    pub patch: TicketPatch,
    pub version: i64,
    pub shown: Shown,
}

/// Comma-separated tags, trimmed, without empty ones.
#[must_use]
pub fn tag_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// The assignee field's value: empty for nobody, else a user id.
pub fn assignee(text: &str) -> Result<Option<UserId>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>()
        .map(|id| Some(UserId(id)))
        .map_err(|_| "Choose the assignee from the list.".to_string())
}

/// The patch of only the fields whose value differs from what the form showed. Errors:
/// one sentence per field at fault.
pub fn fields_change(f: &Fields) -> Result<FieldsChange, Vec<String>> {
    let mut errors = Vec::new();
    let version = f.version().map_err(|e| errors.push(e)).unwrap_or(0);
    let shown = Shown {
        status: f.text("was_status").to_string(),
        priority: f.text("was_priority").to_string(),
        category: f.text("was_category").trim().to_string(),
        tags: tag_list(f.text("was_tags")),
        assignee: f.text("was_assignee").trim().to_string(),
    };
    let mut patch = TicketPatch::default();
    if let Some(s) = f.get("status").filter(|s| *s != shown.status) {
        match s.parse::<Status>() {
            Ok(s) => patch.status = Some(s),
            Err(_) => errors.push("Choose a status from the list.".into()),
        }
    }
    if let Some(p) = f.get("priority").filter(|p| *p != shown.priority) {
        match p.parse::<Priority>() {
            Ok(p) => patch.priority = Some(p),
            Err(_) => errors.push("Choose a priority from the list.".into()),
        }
    }
    if let Some(c) = f
        .get("category")
        .map(str::trim)
        .filter(|c| *c != shown.category)
    {
        patch.category = Some((!c.is_empty()).then(|| c.to_string()));
    }
    if let Some(t) = f.get("tags").map(tag_list).filter(|t| *t != shown.tags) {
        patch.tags = Some(t);
    }
    if let Some(a) = f.get("assignee").filter(|a| a.trim() != shown.assignee) {
        match assignee(a) {
            Ok(a) => patch.assignee_id = Some(a),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(FieldsChange {
            patch,
            version,
            shown,
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
                .collect(),
        )
    }

    #[test]
    fn sends_only_what_changed() {
        let f = form(&[
            ("version", "3"),
            ("was_status", "open"),
            ("status", "open"),
            ("was_priority", "normal"),
            ("priority", "high"),
            ("was_category", "refunds"),
            ("category", " refunds "),
            ("was_tags", "a, b"),
            ("tags", "a,b"),
            ("was_assignee", "4"),
            ("assignee", ""),
        ]);
        let change = fields_change(&f).unwrap();
        assert_eq!(change.version, 3);
        assert_eq!(
            change.patch,
            TicketPatch {
                priority: Some(Priority::High),
                assignee_id: Some(None),
                ..TicketPatch::default()
            }
        );
    }

    #[test]
    fn bad_values_are_named_not_sent() {
        let f = form(&[("status", "finished"), ("assignee", "bo")]);
        let errors = fields_change(&f).unwrap_err();
        assert_eq!(errors.len(), 3, "{errors:?}");
    }
}
