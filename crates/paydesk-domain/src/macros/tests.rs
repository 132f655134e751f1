use super::locale::Language;
use super::placeholder::{Facts, Placeholder, TransactionFacts, check, marker, render, used};
use super::*;
use crate::payment::Money;
use proptest::prelude::*;

/// 2026-03-01T02:30:00Z: still February 28 in New York, March 1 in Manila.
const EARLY_MARCH: i64 = 1_772_332_200_000;

fn usd(amount: i64) -> Money {
    Money {
        amount,
        currency: "USD".into(),
    }
}

fn facts() -> Facts {
    Facts {
        customer_name: Some("Maria Santos".into()),
        ticket_number: "PD-42".into(),
        ticket_subject: "Charged twice".into(),
        agent_name: Some("Ana Reyes".into()),
        transaction: Some(TransactionFacts {
            gateway_id: "ch_3Pq7".into(),
            amount: usd(999),
            at: Timestamp(EARLY_MARCH),
        }),
        refund_amount: Some(usd(999)),
        dispute_amount: None,
        dispute_due_at: None,
        now: Timestamp(EARLY_MARCH),
        time_zone: jiff::tz::TimeZone::get("Asia/Manila").unwrap(),
        language: Language::English,
    }
}

fn draft(body: &str) -> MacroDraft {
    MacroDraft {
        title: "Refund issued".into(),
        description: None,
        reply: Some(MacroReply {
            body: body.into(),
            visibility: ReplyVisibility::Public,
        }),
        actions: vec![],
        scope: MacroScope::Shared,
        is_active: true,
    }
}

#[test]
fn placeholders_fill_from_the_ticket() {
    let r = render(
        "Hi {{customer.first_name}}, we refunded {{ refund.amount }} for {{transaction.id}} on {{ticket.number}}. {{agent.first_name}}",
        &facts(),
    );
    assert_eq!(
        r.text,
        "Hi Maria, we refunded $9.99 for ch_3Pq7 on PD-42. Ana"
    );
    assert!(r.missing.is_empty());
}

#[test]
fn dates_are_the_customers_day_in_their_language() {
    let mut f = facts();
    assert_eq!(render("{{today}}", &f).text, "March 1, 2026");
    f.time_zone = jiff::tz::TimeZone::get("America/New_York").unwrap();
    assert_eq!(render("{{today}}", &f).text, "February 28, 2026");
    f.language = Language::Spanish;
    assert_eq!(
        render("{{transaction.date}}", &f).text,
        "28 de febrero de 2026"
    );
    assert_eq!(render("{{transaction.amount}}", &f).text, "9,99 $");
}

#[test]
fn missing_values_read_as_markers_and_are_listed() {
    let mut f = facts();
    f.transaction = None;
    f.customer_name = Some("   ".into());
    let r = render(
        "{{customer.name}} / {{transaction.id}} / {{dispute.due_date}}",
        &f,
    );
    assert_eq!(
        r.text,
        "[customer name unknown] / [transaction id unknown] / [dispute due date unknown]"
    );
    assert_eq!(
        r.missing,
        vec![
            Placeholder::CustomerName,
            Placeholder::TransactionId,
            Placeholder::DisputeDueDate
        ]
    );
}

#[test]
fn values_are_never_read_as_placeholders() {
    let mut f = facts();
    f.customer_name = Some("{{ticket.number}}".into());
    assert_eq!(render("{{customer.name}}", &f).text, "{{ticket.number}}");
}

#[test]
fn unknown_placeholders_are_refused_by_name() {
    let err = check("reply.body", "Hi {{customer.nme}} and {{ order.id }}").unwrap_err();
    let text = err.to_string();
    assert!(text.contains("{{customer.nme}}"), "{text}");
    assert!(text.contains("{{order.id}}"), "{text}");
    assert!(text.contains("{{customer.first_name}}"), "{text}");
    assert!(check("reply.body", "Hi {{customer.name").is_err());
    assert!(check("reply.body", "Hi {{customer.name}}, {{today}}").is_ok());
    assert!(draft("Hi {{customer.nme}}").validated().is_err());
}

#[test]
fn a_draft_needs_a_title_and_something_to_do() {
    let mut d = draft("Hello");
    d.title = "  ".into();
    assert!(matches!(
        d.validated(),
        Err(crate::DomainError::Invalid { field: "title", .. })
    ));
    let mut d = draft("Hello");
    d.reply = None;
    assert!(d.clone().validated().is_err());
    d.actions = vec![MacroAction::SetStatus {
        status: crate::ticket::Status::Solved,
    }];
    assert!(d.validated().is_ok());
    let mut d = draft("Hello");
    d.actions = vec![MacroAction::AddTags { tags: vec![] }];
    assert!(d.validated().is_err());
    let mut d = draft("Hello");
    d.actions = vec![MacroAction::AddNote {
        body: "{{nope}}".into(),
    }];
    assert!(d.validated().is_err());
}

#[test]
fn tag_actions_add_remove_and_set() {
    let now = vec!["refund".to_string(), "vip".to_string()];
    let add = MacroAction::AddTags {
        tags: vec!["duplicate".into(), "vip".into()],
    };
    assert_eq!(
        tags_after(&now, &add),
        Some(vec!["duplicate".into(), "refund".into(), "vip".into()])
    );
    let remove = MacroAction::RemoveTags {
        tags: vec!["vip".into()],
    };
    assert_eq!(tags_after(&now, &remove), Some(vec!["refund".into()]));
    let set = MacroAction::SetTags { tags: vec![] };
    assert_eq!(tags_after(&now, &set), Some(vec![]));
    assert_eq!(tags_after(&now, &MacroAction::AssignToMe), None);
}

#[test]
fn time_zones_fall_back_to_the_country_then_utc() {
    assert!(valid_time_zone("Europe/Madrid").is_ok());
    assert!(valid_time_zone("Mars/Olympus").is_err());
    assert!(valid_time_zone("").is_err());
    let manila = jiff::tz::TimeZone::get("Asia/Manila").unwrap();
    assert_eq!(customer_time_zone(None, Some("ph")), manila);
    assert_eq!(customer_time_zone(Some("Asia/Manila"), Some("US")), manila);
    assert_eq!(
        customer_time_zone(None, Some("US")),
        jiff::tz::TimeZone::UTC
    );
    assert_eq!(
        customer_time_zone(Some("Not/AZone"), None),
        jiff::tz::TimeZone::UTC
    );
}

#[test]
fn actions_read_and_write_as_tagged_json() {
    let a: MacroAction =
        serde_json::from_value(serde_json::json!({"type": "set_status", "status": "pending"}))
            .unwrap();
    assert_eq!(
        a,
        MacroAction::SetStatus {
            status: crate::ticket::Status::Pending
        }
    );
    let s = serde_json::to_value(MacroScope::Team {
        team_id: crate::id::TeamId(3),
    })
    .unwrap();
    assert_eq!(s, serde_json::json!({"kind": "team", "team_id": 3}));
}

fn any_facts() -> impl Strategy<Value = Facts> {
    (
        proptest::option::of("[^{}]{0,20}"),
        proptest::option::of(any::<i64>()),
        any::<i64>(),
        proptest::option::of(any::<i64>()),
        "[a-z]{0,3}",
        "[A-Z]{3}",
    )
        .prop_map(|(name, amount, now, due, lang, currency)| Facts {
            customer_name: name.clone(),
            ticket_number: "PD-1".into(),
            ticket_subject: String::new(),
            agent_name: name,
            transaction: amount.map(|a| TransactionFacts {
                gateway_id: "ch_1".into(),
                amount: Money {
                    amount: a,
                    currency: currency.clone(),
                },
                at: Timestamp(now),
            }),
            refund_amount: amount.map(|a| Money {
                amount: a,
                currency: currency.clone(),
            }),
            dispute_amount: None,
            dispute_due_at: due.map(Timestamp),
            now: Timestamp(now),
            time_zone: jiff::tz::TimeZone::get("America/Sao_Paulo").unwrap(),
            language: Language::of_tag(&lang),
        })
}

proptest! {
    #[test]
    fn rendering_never_panics(text in ".{0,200}", f in any_facts()) {
        let r = render(&text, &f);
        prop_assert!(r.missing.len() <= Placeholder::ALL.len());
    }

    #[test]
    fn every_known_placeholder_renders(f in any_facts()) {
        for p in Placeholder::ALL {
            let text = format!("<{{{{{}}}}}>", p.as_str());
            prop_assert!(check("body", &text).is_ok());
            prop_assert_eq!(used(&text), vec![*p]);
            let r = render(&text, &f);
            prop_assert!(!r.text.contains("{{"), "{} left as {}", p.as_str(), r.text);
            if r.missing.contains(p) {
                prop_assert_eq!(r.text, format!("<{}>", marker(*p)));
            }
        }
    }
}
