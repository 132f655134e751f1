//! Reading one field of an imported row: the desk's labels (and the names other systems
//! give the same things), times and tag lists. Each failure is a reason for the report.

use paydesk_domain::Timestamp;
use paydesk_domain::ticket::{BusinessLine, Channel, Priority, Status};

/// A status: the desk's names, and Zendesk's `hold` for `on_hold`.
pub(crate) fn status(text: &str) -> Result<Status, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "hold" | "on-hold" | "on hold" => Ok(Status::OnHold),
        other => other.parse().map_err(|_| {
            format!(
                "status: '{}' is not a status; use one of new, open, pending, hold (on_hold), solved, closed",
                shown(text)
            )
        }),
    }
}

/// A priority: low, normal, high, urgent.
pub(crate) fn priority(text: &str) -> Result<Priority, String> {
    text.trim().to_ascii_lowercase().parse().map_err(|_| {
        format!(
            "priority: '{}' is not a priority; use one of low, normal, high, urgent",
            shown(text)
        )
    })
}

/// A channel by the desk's name (email, web, chat, api, phone, social, gateway).
pub(crate) fn channel(text: &str) -> Result<Channel, String> {
    text.trim().to_ascii_lowercase().parse().map_err(|_| {
        format!(
            "channel: '{}' is not a channel; use one of {}",
            shown(text),
            labels(Channel::ALL.iter().map(|c| c.as_str()))
        )
    })
}

/// A business line: buyer, merchant, creator.
pub(crate) fn business_line(text: &str) -> Result<BusinessLine, String> {
    text.trim().to_ascii_lowercase().parse().map_err(|_| {
        format!(
            "business_line: '{}' is not a business line; use one of {}",
            shown(text),
            labels(BusinessLine::ALL.iter().map(|c| c.as_str()))
        )
    })
}

/// An RFC 3339 time such as `2024-03-01T09:30:00Z` or `2024-03-01T10:30:00+01:00`.
pub(crate) fn time(field: &str, text: &str) -> Result<Timestamp, String> {
    text.trim()
        .parse::<jiff::Timestamp>()
        .map(|t| Timestamp(t.as_millisecond()))
        .map_err(|_| {
            format!(
                "{field}: '{}' is not an RFC 3339 time such as 2024-03-01T09:30:00Z",
                shown(text)
            )
        })
}

/// Tags separated by spaces or commas.
pub(crate) fn tag_list(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// A value quoted in a reason: short, and masked if it holds card data.
pub(crate) fn shown(text: &str) -> String {
    let short: String = text.trim().chars().take(64).collect();
    paydesk_domain::redaction::redact(&short).text
}

fn labels<'a>(names: impl Iterator<Item = &'a str>) -> String {
    names.collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_labels_and_aliases() {
        assert_eq!(status("Hold"), Ok(Status::OnHold));
        assert_eq!(status(" solved "), Ok(Status::Solved));
        assert!(status("deleted").unwrap_err().contains("'deleted'"));
        assert_eq!(priority("URGENT"), Ok(Priority::Urgent));
        assert!(channel("fax").is_err());
        assert_eq!(business_line("Merchant"), Ok(BusinessLine::Merchant));
    }

    #[test]
    fn reads_times_with_offsets() {
        assert_eq!(
            time("created_at", "1970-01-01T01:00:01+01:00"),
            Ok(Timestamp(1000))
        );
        assert!(time("created_at", "yesterday").is_err());
    }

    #[test]
    fn splits_tags_on_spaces_and_commas() {
        assert_eq!(tag_list("a, b  c,,d"), vec!["a", "b", "c", "d"]);
    }

    #[test]
    fn masks_card_numbers_in_quoted_values() {
        assert!(
            !status("4111 1111 1111 1111")
                .unwrap_err()
                .contains("4111 1111")
        );
    }
}
