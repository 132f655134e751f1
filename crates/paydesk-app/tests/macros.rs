//! Macros through the use cases, on both engines: who keeps and sees personal, team and
//! shared macros; a preview writes nothing; applying makes the reply, every action, the
//! note, the event and the count in one go; dates read in the customer's time zone and
//! language; a stale ticket version is refused with nothing written; linking an SOP starts
//! following it; a rule applies a macro as itself.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod incident_support;
mod macro_support;

use incident_support::{app, person};
use macro_support::{draft, events_of, full_macro, in_team, titles, user_id, worked_ticket};
use paydesk_app::macros::MacroQuery;
use paydesk_app::{AppError, Caller};
use paydesk_domain::customer::CustomerPatch;
use paydesk_domain::event::EventKind;
use paydesk_domain::id::{MacroId, RuleId, SopId};
use paydesk_domain::macros::{MacroAction, MacroScope};
use paydesk_domain::message::Visibility;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{Priority, Status};
use paydesk_domain::{Actor, Timestamp};
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;

async fn scopes_decide_who_keeps_and_sees_a_macro(store: Store) {
    let (app, _clock) = app(store.clone());
    let lead = person(&app, "lena@desk.test", Role::Lead).await;
    let ana = person(&app, "ana@desk.test", Role::Agent).await;
    let ben = person(&app, "ben@desk.test", Role::Agent).await;
    let viewer = person(&app, "vic@desk.test", Role::Viewer).await;
    let team = in_team(&store, &ana, "Refunds L1").await;

    let own = app
        .create_macro(
            &ana,
            draft(
                "Ana's greeting",
                MacroScope::Personal {
                    owner_id: user_id(&ana),
                },
                "Hi {{customer.first_name}}",
            ),
        )
        .await
        .unwrap();
    let refused = app
        .create_macro(&ana, draft("Everybody's", MacroScope::Shared, "Hello"))
        .await;
    assert!(
        matches!(refused, Err(AppError::Forbidden { .. })),
        "{refused:?}"
    );
    let for_ben = app
        .create_macro(
            &ana,
            draft(
                "Ben's",
                MacroScope::Personal {
                    owner_id: user_id(&ben),
                },
                "Hello",
            ),
        )
        .await;
    assert!(
        matches!(for_ben, Err(AppError::Forbidden { .. })),
        "{for_ben:?}"
    );
    let shared = app
        .create_macro(
            &lead,
            draft("Refund issued", MacroScope::Shared, "Refunded"),
        )
        .await
        .unwrap();
    app.create_macro(
        &lead,
        draft(
            "Team payout delay",
            MacroScope::Team { team_id: team },
            "Delayed",
        ),
    )
    .await
    .unwrap();

    assert_eq!(
        titles(&app, &ana).await,
        ["Ana's greeting", "Refund issued", "Team payout delay"]
    );
    assert_eq!(titles(&app, &ben).await, ["Refund issued"]);
    assert_eq!(
        titles(&app, &lead).await,
        ["Refund issued", "Team payout delay"]
    );
    assert!(matches!(
        app.list_macros(&viewer, &MacroQuery::default()).await,
        Err(AppError::Forbidden { .. })
    ));
    let found = app
        .list_macros(
            &ana,
            &MacroQuery {
                title: Some("REFUND".into()),
                with_inactive: false,
            },
        )
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, shared.id);

    // Another person's personal macro is not there for them at all.
    assert!(matches!(
        app.macro_detail(&ben, own.id).await,
        Err(AppError::NotFound { .. })
    ));
    assert!(matches!(
        app.delete_macro(&lead, own.id).await,
        Err(AppError::NotFound { .. })
    ));
    // An agent uses shared macros but does not change them.
    let edit = app
        .update_macro(
            &ana,
            shared.id,
            draft("Mine now", MacroScope::Shared, "x"),
            None,
        )
        .await;
    assert!(matches!(edit, Err(AppError::Forbidden { .. })), "{edit:?}");
    let renamed = app
        .update_macro(
            &ana,
            own.id,
            draft(
                "Ana's hello",
                MacroScope::Personal {
                    owner_id: user_id(&ana),
                },
                "Hi",
            ),
            Some(own.version),
        )
        .await
        .unwrap();
    assert_eq!(
        (renamed.title.as_str(), renamed.version),
        ("Ana's hello", 2)
    );
    let stale = app
        .update_macro(
            &ana,
            own.id,
            draft(
                "Again",
                MacroScope::Personal {
                    owner_id: user_id(&ana),
                },
                "Hi",
            ),
            Some(own.version),
        )
        .await;
    assert!(
        matches!(stale, Err(AppError::VersionConflict { .. })),
        "{stale:?}"
    );

    // Unknown placeholders are refused at save time, by name.
    let typo = app
        .create_macro(
            &lead,
            draft("Typo", MacroScope::Shared, "Hi {{customer.nmae}}"),
        )
        .await
        .unwrap_err();
    assert_eq!(typo.field(), Some("reply.body"));
    assert!(typo.to_string().contains("{{customer.nmae}}"), "{typo}");
    // Card numbers typed into a macro are masked before it is stored.
    let card = app
        .create_macro(
            &lead,
            draft("Card", MacroScope::Shared, "Your card 4111 1111 1111 1111"),
        )
        .await
        .unwrap();
    assert!(!card.reply.unwrap().body.contains("4111 1111 1111 1111"));

    app.delete_macro(&ana, own.id).await.unwrap();
    assert!(matches!(
        app.macro_detail(&ana, own.id).await,
        Err(AppError::NotFound { .. })
    ));
}

async fn a_preview_writes_nothing(store: Store) {
    let (app, clock) = app(store.clone());
    let (agent, t) = worked_ticket(&app, &clock).await;
    let m = app
        .create_macro(&Caller::system(), full_macro())
        .await
        .unwrap();
    let before = store.ticket(t).await.unwrap();
    let messages = store.messages(t).await.unwrap().len();

    let p = app.preview_macro(&agent, t, m.id).await.unwrap();
    let reply = p.reply.unwrap();
    assert!(
        reply
            .body
            .starts_with("Hi Maria, we refunded $9.99 for ch_stripe_"),
        "{}",
        reply.body
    );
    assert!(
        reply.body.contains(&format!("(PD-{})", t.0)),
        "{}",
        reply.body
    );
    assert!(p.note.unwrap().starts_with("Refunded ch_stripe_"));
    let fields: Vec<&str> = p.changes.iter().map(|c| c.field.as_str()).collect();
    for f in ["status", "priority", "tags", "assignee_id", "note"] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
    assert!(p.missing.is_empty());
    assert_eq!(p.ticket_version, before.version);

    assert_eq!(store.ticket(t).await.unwrap(), before);
    assert_eq!(store.messages(t).await.unwrap().len(), messages);
    assert_eq!(store.macro_by_id(m.id).await.unwrap().usage_count, 0);
    assert!(
        events_of(&store, t, EventKind::MacroApplied)
            .await
            .is_empty()
    );
}

async fn applying_does_everything_in_one_go_and_counts(store: Store) {
    let (app, clock) = app(store.clone());
    let (agent, t) = worked_ticket(&app, &clock).await;
    let m = app
        .create_macro(&Caller::system(), full_macro())
        .await
        .unwrap();
    let before = store.ticket(t).await.unwrap();

    let applied = app
        .apply_macro(&agent, t, m.id, Some(before.version))
        .await
        .unwrap();
    let after = store.ticket(t).await.unwrap();
    assert_eq!(after, applied.ticket);
    assert_eq!(after.version, before.version + 1);
    assert_eq!(after.status, Status::Pending);
    assert_eq!(after.priority, Priority::High);
    assert_eq!(after.tags, ["refund"]);
    assert_eq!(after.assignee_id, Some(user_id(&agent)));

    let messages = store.messages(t).await.unwrap();
    let reply = messages
        .iter()
        .find(|m| m.visibility == Visibility::Public && m.body.starts_with("Hi Maria"))
        .expect("the reply");
    assert!(reply.body.ends_with("ana"), "{}", reply.body);
    assert!(
        messages
            .iter()
            .any(|m| m.visibility == Visibility::Internal
                && m.body.starts_with("Refunded ch_stripe_"))
    );
    assert_eq!(applied.messages.len(), 2);
    assert_eq!(
        store.outbound_mails(t).await.unwrap().len(),
        1,
        "the reply is emailed"
    );

    let events = events_of(&store, t, EventKind::MacroApplied).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].data["name"], "Duplicate charge refunded");
    assert_eq!(events[0].data["macro_id"], m.id.0);
    assert_eq!(
        events[0].actor,
        Actor::User {
            id: user_id(&agent)
        }
    );

    let counted = store.macro_by_id(m.id).await.unwrap();
    assert_eq!(counted.usage_count, 1);
    assert_eq!(counted.last_used_at, Some(app.now()));
    app.apply_macro(&agent, t, m.id, None).await.unwrap();
    assert_eq!(store.macro_by_id(m.id).await.unwrap().usage_count, 2);

    // A viewer may not use macros at all.
    let viewer = person(&app, "vic@desk.test", Role::Viewer).await;
    assert!(matches!(
        app.apply_macro(&viewer, t, m.id, None).await,
        Err(AppError::Forbidden { .. })
    ));
}

async fn dates_read_in_the_customers_zone_and_language(store: Store) {
    let (app, clock) = app(store.clone());
    let (agent, t) = worked_ticket(&app, &clock).await;
    let customer = store.ticket(t).await.unwrap().customer_id.unwrap();
    let bad = app
        .update_customer(
            &Caller::system(),
            customer,
            CustomerPatch {
                time_zone: Some(Some("Mexico/Nowhere".into())),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(bad.field(), Some("time_zone"));
    let set = app
        .update_customer(
            &Caller::system(),
            customer,
            CustomerPatch {
                time_zone: Some(Some("America/Mexico_City".into())),
                locale: Some(Some("es-MX".into())),
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    assert_eq!(set.time_zone.as_deref(), Some("America/Mexico_City"));
    let m = app
        .create_macro(
            &Caller::system(),
            draft(
                "Hoy",
                MacroScope::Shared,
                "{{today}} / {{transaction.amount}} / {{dispute.due_date}}",
            ),
        )
        .await
        .unwrap();
    // 2026-10-02 03:30 UTC is still October 1 in Mexico City.
    clock.set(Timestamp(1_790_911_800_000));
    let p = app.preview_macro(&agent, t, m.id).await.unwrap();
    assert_eq!(
        p.reply.unwrap().body,
        "1 de octubre de 2026 / 9,99 $ / [dispute due date unknown]"
    );
    assert_eq!(p.missing.len(), 1);

    // Without a zone of their own, the country's; without either, UTC.
    app.update_customer(
        &Caller::system(),
        customer,
        CustomerPatch {
            time_zone: Some(None),
            locale: Some(None),
            ..Default::default()
        },
        None,
    )
    .await
    .unwrap();
    let p = app.preview_macro(&agent, t, m.id).await.unwrap();
    assert!(p.reply.unwrap().body.starts_with("October 2, 2026"));
}

async fn a_stale_version_is_refused_with_nothing_written(store: Store) {
    let (app, clock) = app(store.clone());
    let (agent, t) = worked_ticket(&app, &clock).await;
    let m = app
        .create_macro(&Caller::system(), full_macro())
        .await
        .unwrap();
    let read = store.ticket(t).await.unwrap();
    app.change_ticket(
        &agent,
        t,
        paydesk_app::tickets::TicketChange {
            patch: paydesk_domain::ticket::TicketPatch {
                priority: Some(Priority::Urgent),
                ..Default::default()
            },
            expected_version: None,
        },
    )
    .await
    .unwrap();
    let messages = store.messages(t).await.unwrap().len();
    let stale = app.apply_macro(&agent, t, m.id, Some(read.version)).await;
    assert!(
        matches!(stale, Err(AppError::VersionConflict { .. })),
        "{stale:?}"
    );
    assert_eq!(store.messages(t).await.unwrap().len(), messages);
    assert_eq!(store.macro_by_id(m.id).await.unwrap().usage_count, 0);
    assert_eq!(store.ticket(t).await.unwrap().priority, Priority::Urgent);
}

async fn linking_an_sop_starts_following_it(store: Store) {
    let (app, clock) = app(store.clone());
    let (agent, t) = worked_ticket(&app, &clock).await;
    let mut d = draft("With SOP", MacroScope::Shared, "See our guide");
    d.actions = vec![MacroAction::LinkSop { sop_id: SopId(7) }];
    let m = app
        .create_macro(&Caller::system(), d.clone())
        .await
        .unwrap();
    // No such SOP: the preview says so, and applying writes nothing.
    let p = app.preview_macro(&agent, t, m.id).await.unwrap();
    assert_eq!(p.blockers.len(), 1, "{:?}", p.blockers);
    let before = store.ticket(t).await.unwrap();
    let refused = app.apply_macro(&agent, t, m.id, None).await;
    assert!(
        matches!(refused, Err(AppError::NotFound { .. })),
        "{refused:?}"
    );
    assert_eq!(store.ticket(t).await.unwrap(), before);
    assert_eq!(store.macro_by_id(m.id).await.unwrap().usage_count, 0);

    // A published SOP: applying the macro starts following it on the ticket.
    let writer = person(&app, "wes@desk.test", Role::Lead).await;
    let publisher = person(&app, "pia@desk.test", Role::Lead).await;
    let sop = app
        .create_sop(
            &writer,
            paydesk_app::sops::SopInput {
                title: "Refund not received".into(),
                body: "1. Find the refund\n2. Tell the customer when it lands\n".into(),
                links: paydesk_domain::sop::SopLinks::default(),
                owner_id: None,
                review_by: None,
            },
        )
        .await
        .unwrap();
    for (who, step) in [
        (&writer, paydesk_domain::sop::VersionMove::Submit),
        (&publisher, paydesk_domain::sop::VersionMove::Publish),
    ] {
        app.move_sop_version(who, sop.id, 1, step).await.unwrap();
    }
    d.actions = vec![MacroAction::LinkSop { sop_id: sop.id }];
    let linked = app.create_macro(&Caller::system(), d).await.unwrap();
    assert!(
        app.preview_macro(&agent, t, linked.id)
            .await
            .unwrap()
            .blockers
            .is_empty()
    );
    app.apply_macro(&agent, t, linked.id, None).await.unwrap();
    let runs = app.ticket_sops(&agent, t).await.unwrap().runs;
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].steps.len(), 2);
}

async fn a_rule_applies_a_macro_as_itself(store: Store) {
    let (app, clock) = app(store.clone());
    let (_agent, t) = worked_ticket(&app, &clock).await;
    let mut d = draft(
        "Auto ack",
        MacroScope::Shared,
        "We got your message about {{ticket.subject}}.",
    );
    d.actions = vec![MacroAction::AddTags {
        tags: vec!["auto".into()],
    }];
    let m = app.create_macro(&Caller::system(), d).await.unwrap();
    let rule = Actor::Rule {
        id: RuleId(3),
        name: "Acknowledge".into(),
    };
    app.apply_macro_as(&Caller::system(), &rule, t, m.id, None)
        .await
        .unwrap();
    let events = events_of(&store, t, EventKind::MacroApplied).await;
    assert_eq!(events[0].actor, rule);
    assert!(
        store
            .ticket(t)
            .await
            .unwrap()
            .tags
            .contains(&"auto".to_string())
    );
    // A macro that assigns to the person applying it cannot run without one.
    let mut d = draft("Take it", MacroScope::Shared, "Mine");
    d.actions = vec![MacroAction::AssignToMe];
    let take = app.create_macro(&Caller::system(), d).await.unwrap();
    let refused = app
        .apply_macro_as(&Caller::system(), &rule, t, take.id, None)
        .await;
    assert!(
        matches!(refused, Err(AppError::Invalid { .. })),
        "{refused:?}"
    );
    assert!(matches!(
        app.apply_macro(&Caller::system(), t, MacroId(9999), None)
            .await,
        Err(AppError::NotFound { .. })
    ));
}

on_both_engines!(
    scopes_decide_who_keeps_and_sees_a_macro,
    a_preview_writes_nothing,
    applying_does_everything_in_one_go_and_counts,
    dates_read_in_the_customers_zone_and_language,
    a_stale_version_is_refused_with_nothing_written,
    linking_an_sop_starts_following_it,
    a_rule_applies_a_macro_as_itself,
);
