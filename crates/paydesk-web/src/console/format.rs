//! Words for SLA states on console pages: "2 h 5 min left", "overdue by 3 d".

use super::when::span;
use paydesk_domain::Timestamp;
use paydesk_domain::routing::SlaStanding;

/// An SLA standing with its due time as a CSS class and words: ("breached", "overdue by
/// 2 h"), ("at_risk", "25 min left"), ("none", "no clock").
#[must_use]
pub fn sla(
    standing: SlaStanding,
    due: Option<Timestamp>,
    now: Timestamp,
) -> (&'static str, String) {
    let class = standing.as_str();
    let text = match due {
        None => "no clock running".to_string(),
        Some(d) if d.0 <= now.0 => format!("overdue by {}", span(now.0 - d.0)),
        Some(d) => format!("{} left", span(d.0 - now.0)),
    };
    let text = match standing {
        SlaStanding::Breached if due.is_some_and(|d| d.0 > now.0) => {
            format!(
                "breached; next due in {}",
                span(due.map_or(0, |d| d.0) - now.0)
            )
        }
        SlaStanding::AtRisk => format!("at risk: {text}"),
        _ => text,
    };
    (class, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sla_words_say_overdue_or_left() {
        let now = Timestamp(10_000_000);
        let (c, t) = sla(
            SlaStanding::Breached,
            Some(Timestamp(now.0 - 7_200_000)),
            now,
        );
        assert_eq!((c, t.as_str()), ("breached", "overdue by 2 h"));
        let (c, t) = sla(SlaStanding::AtRisk, Some(Timestamp(now.0 + 1_500_000)), now);
        assert_eq!((c, t.as_str()), ("at_risk", "at risk: 25 min left"));
        assert_eq!(sla(SlaStanding::None, None, now).1, "no clock running");
    }
}
