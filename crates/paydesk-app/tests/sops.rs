//! The SOP library through the use cases, on both engines: versions move draft → review →
//! published → retired with four eyes on publishing; readers see only what was published;
//! search finds titles and bodies; the SOPs that apply to a ticket follow its category,
//! business line and disputes' reason codes; runs record the version and each tick with
//! its event. The solve guard (a required category is solved only once a checklist is
//! complete) is tested in `sop_guard.rs`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod incident_support;
mod sop_support;

use incident_support::{app, at, count, person, ticket};
use paydesk_app::sops::{DraftInput, SopInput, SopQuery};
use paydesk_app::{AppError, Caller};
use paydesk_domain::event::EventKind;
use paydesk_domain::payment::{Dispute, DisputeId, DisputeStage, DisputeStatus, Money};
use paydesk_domain::role::Role;
use paydesk_domain::sop::{SopLinks, VersionMove, VersionStatus};
use paydesk_domain::ticket::BusinessLine;
use paydesk_domain::{Actor, TicketId, Timestamp};
use paydesk_store::{PageRequest, Store};
use paydesk_testkit::on_both_engines;
use sop_support::{CLAIM_BODY, claim_input, published};

async fn versions_move_with_four_eyes_and_published_ones_stay_readable(store: Store) {
    let (app, clock) = app(store.clone());
    let qa = person(&app, "quinn@desk.test", Role::QaAnalyst).await;
    let lead = person(&app, "lena@desk.test", Role::Lead).await;
    let agent = person(&app, "ana@desk.test", Role::Agent).await;

    let forbidden = app.create_sop(&agent, claim_input()).await;
    assert!(
        matches!(forbidden, Err(AppError::Forbidden { .. })),
        "{forbidden:?}"
    );

    let sop = app.create_sop(&lead, claim_input()).await.unwrap();
    assert_eq!(
        (sop.latest_version, sop.latest_status),
        (1, VersionStatus::Draft)
    );
    assert_eq!(Some(sop.owner_id), user_of(&lead));
    // A draft is invisible to readers.
    assert!(matches!(
        app.sop(&agent, sop.id).await,
        Err(AppError::NotFound { .. })
    ));

    let publish_draft = app
        .move_sop_version(&qa, sop.id, 1, VersionMove::Publish)
        .await;
    assert!(
        matches!(publish_draft, Err(AppError::Forbidden { .. })),
        "{publish_draft:?}"
    );
    app.move_sop_version(&lead, sop.id, 1, VersionMove::Submit)
        .await
        .unwrap();
    let edit_in_review = app
        .edit_sop_draft(
            &lead,
            sop.id,
            1,
            DraftInput {
                title: "x".into(),
                body: "1. y".into(),
                review_by: None,
            },
        )
        .await;
    assert!(
        matches!(&edit_in_review, Err(e) if e.field() == Some("version")),
        "{edit_in_review:?}"
    );
    let own = app
        .move_sop_version(&lead, sop.id, 1, VersionMove::Publish)
        .await;
    assert!(
        matches!(&own, Err(e) if e.code() == "sop_own_version"),
        "{own:?}"
    );

    let second_lead = person(&app, "leo@desk.test", Role::Lead).await;
    let v1 = app
        .move_sop_version(&second_lead, sop.id, 1, VersionMove::Publish)
        .await
        .unwrap();
    assert_eq!(v1.status, VersionStatus::Published);
    assert_eq!(v1.reviewer_id, user_of(&second_lead));
    assert_eq!(v1.steps.len(), 4);

    // Version 2: a QA analyst drafts, the lead publishes; version 1 is retired, readable.
    clock.set(at(10));
    let v2 = app.new_sop_version(&qa, sop.id).await.unwrap();
    assert_eq!((v2.version, v2.status), (2, VersionStatus::Draft));
    assert_eq!(v2.body, CLAIM_BODY);
    let twice = app.new_sop_version(&qa, sop.id).await;
    assert!(matches!(twice, Err(AppError::Duplicate(_))), "{twice:?}");
    let body = format!("{CLAIM_BODY}- [ ] Note the case number in the ticket\n");
    app.edit_sop_draft(
        &qa,
        sop.id,
        2,
        DraftInput {
            title: "Unauthorised charge claim (v2)".into(),
            body,
            review_by: Some(at(-5)),
        },
    )
    .await
    .unwrap();
    // A reader still sees version 1 only.
    let read = app.sop(&agent, sop.id).await.unwrap();
    assert_eq!(read.published.as_ref().map(|v| v.version), Some(1));
    assert_eq!(read.versions.len(), 1);
    assert!(matches!(
        app.sop_version(&agent, sop.id, 2).await,
        Err(AppError::NotFound { .. })
    ));

    app.move_sop_version(&qa, sop.id, 2, VersionMove::Submit)
        .await
        .unwrap();
    let returned = app
        .move_sop_version(&lead, sop.id, 2, VersionMove::Return)
        .await
        .unwrap();
    assert_eq!(returned.status, VersionStatus::Draft);
    app.move_sop_version(&qa, sop.id, 2, VersionMove::Submit)
        .await
        .unwrap();
    app.move_sop_version(&lead, sop.id, 2, VersionMove::Publish)
        .await
        .unwrap();

    let read = app.sop(&agent, sop.id).await.unwrap();
    assert_eq!(read.sop.published_version, Some(2));
    assert_eq!(read.sop.title, "Unauthorised charge claim (v2)");
    assert!(read.is_review_overdue);
    let statuses: Vec<(i64, VersionStatus)> = read
        .versions
        .iter()
        .map(|v| (v.version, v.status))
        .collect();
    assert_eq!(
        statuses,
        [(2, VersionStatus::Published), (1, VersionStatus::Retired)]
    );
    let old = app.sop_version(&agent, sop.id, 1).await.unwrap();
    assert_eq!(old.body, CLAIM_BODY);
    assert_eq!(old.retired_by, user_of(&lead));
    let again = app
        .move_sop_version(&lead, sop.id, 1, VersionMove::Publish)
        .await;
    assert!(
        matches!(&again, Err(e) if e.code() == "sop_version_state"),
        "{again:?}"
    );

    // Retiring the published version leaves nothing to follow.
    app.move_sop_version(&lead, sop.id, 2, VersionMove::Retire)
        .await
        .unwrap();
    let read = app.sop(&agent, sop.id).await.unwrap();
    assert_eq!((read.sop.published_version, read.published), (None, None));

    let configs = count(
        &store,
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM events WHERE kind = 'config_changed' AND data LIKE '%\"what\":\"sop\"%'",
    )
    .await;
    assert!(configs >= 10, "{configs}");
}

fn user_of(c: &Caller) -> Option<paydesk_domain::UserId> {
    match c.actor() {
        Actor::User { id } => Some(id),
        _ => None,
    }
}

async fn bodies_are_checked_and_card_numbers_masked(store: Store) {
    let (app, _clock) = app(store);
    let lead = person(&app, "lena@desk.test", Role::Lead).await;
    let mut input = claim_input();
    input.title = " ".into();
    let empty = app.create_sop(&lead, input).await;
    assert!(
        matches!(&empty, Err(e) if e.field() == Some("title")),
        "{empty:?}"
    );
    let mut input = claim_input();
    input.body = "1. Test with 4242 4242 4242 4242 then stop".into();
    let sop = app.create_sop(&lead, input).await.unwrap();
    let v = app.sop_version(&lead, sop.id, 1).await.unwrap();
    assert!(!v.body.contains("4242 4242 4242 4242"), "{}", v.body);
    assert!(!v.steps[0].text.contains("4242 4242 4242 4242"));
    let mut input = claim_input();
    input.links.categories = vec!["4242424242424242".into()];
    let card_link = app.create_sop(&lead, input).await;
    assert!(card_link.is_err(), "{card_link:?}");
    let mut input = claim_input();
    input.owner_id = Some(paydesk_domain::UserId(9_999));
    let nobody = app.create_sop(&lead, input).await;
    assert!(
        matches!(&nobody, Err(e) if e.field() == Some("owner_id")),
        "{nobody:?}"
    );
}

async fn search_finds_titles_and_bodies_of_what_a_reader_may_see(store: Store) {
    let (app, _clock) = app(store);
    let lead = person(&app, "lena@desk.test", Role::Lead).await;
    let lead2 = person(&app, "leo@desk.test", Role::Lead).await;
    let agent = person(&app, "ana@desk.test", Role::Agent).await;
    published(&app, &lead, &lead2, claim_input()).await;
    published(
        &app,
        &lead,
        &lead2,
        SopInput {
            title: "Payout delayed".into(),
            body: "1. Check the payout schedule\n2. Look for a compliance hold".into(),
            links: SopLinks {
                business_lines: vec![BusinessLine::Creator],
                ..SopLinks::default()
            },
            owner_id: None,
            review_by: Some(at(-60)),
        },
    )
    .await;
    app.create_sop(
        &lead,
        SopInput {
            title: "Draft about payouts".into(),
            ..claim_input()
        },
    )
    .await
    .unwrap();

    let titles =
        |list: Vec<paydesk_store::StoredSop>| list.into_iter().map(|s| s.title).collect::<Vec<_>>();
    let q = |text: &str| SopQuery {
        q: Some(text.into()),
        ..SopQuery::default()
    };
    assert_eq!(
        titles(app.sops(&agent, &q("household")).await.unwrap()),
        ["Unauthorised charge claim"]
    );
    assert_eq!(
        titles(app.sops(&agent, &q("payout")).await.unwrap()),
        ["Payout delayed"]
    );
    assert_eq!(
        titles(app.sops(&lead, &q("payouts")).await.unwrap()),
        ["Draft about payouts"]
    );
    assert!(app.sops(&agent, &q("chargeback")).await.unwrap().is_empty());
    assert_eq!(
        app.sops(&agent, &SopQuery::default()).await.unwrap().len(),
        2
    );
    assert_eq!(
        app.sops(&lead, &SopQuery::default()).await.unwrap().len(),
        3
    );
    let due = SopQuery {
        review_due: true,
        ..SopQuery::default()
    };
    assert_eq!(
        titles(app.sops(&agent, &due).await.unwrap()),
        ["Payout delayed"]
    );
    assert_eq!(
        titles(app.my_sops_due_for_review(&lead).await.unwrap()),
        ["Payout delayed"]
    );
    assert!(app.my_sops_due_for_review(&agent).await.unwrap().is_empty());
    let nul = app.sops(&agent, &q("a\0b")).await;
    assert!(matches!(&nul, Err(e) if e.field() == Some("q")), "{nul:?}");
}

async fn dispute_on(store: &Store, ticket: TicketId, code: &str) {
    let mut work = store.payment_work().await.unwrap();
    let when = Timestamp(1_789_000_000_000);
    work.save_dispute(&Dispute {
        id: DisputeId(0),
        gateway: "stripe".into(),
        gateway_ref: format!("dp_{code}"),
        transaction_id: None,
        transaction_ref: None,
        customer_id: None,
        ticket_id: Some(ticket),
        network: Some("mastercard".into()),
        reason: Some("fraudulent".into()),
        network_reason_code: Some(code.into()),
        stage: DisputeStage::Chargeback,
        status: DisputeStatus::NeedsResponse,
        money: Money {
            amount: 5_000,
            currency: "USD".into(),
        },
        due_at: Some(Timestamp(1_791_000_000_000)),
        funds_withdrawn_at: None,
        funds_reinstated_at: None,
        created_at: when,
        updated_at: when,
    })
    .await
    .unwrap();
    work.commit().await.unwrap();
}

async fn applicable_sops_follow_category_line_and_reason_codes(store: Store) {
    let (app, clock) = app(store.clone());
    let lead = person(&app, "lena@desk.test", Role::Lead).await;
    let lead2 = person(&app, "leo@desk.test", Role::Lead).await;
    let agent = person(&app, "ana@desk.test", Role::Agent).await;
    let claim = published(&app, &lead, &lead2, claim_input()).await;
    let evidence = published(
        &app,
        &lead,
        &lead2,
        SopInput {
            title: "Chargeback evidence".into(),
            body: "1. Collect the delivery proof\n2. Upload it before the due date".into(),
            links: SopLinks {
                reason_codes: vec!["4837".into()],
                ..SopLinks::default()
            },
            owner_id: None,
            review_by: None,
        },
    )
    .await;
    let claim_ticket = ticket(&app, &clock, None, at(-5), "unauthorised_charge").await;
    let other = ticket(&app, &clock, None, at(-5), "payment_declined").await;
    dispute_on(&store, other, "4837").await;

    let ids = |app_sops: paydesk_app::sops::runs::TicketSops| {
        app_sops
            .applicable
            .iter()
            .map(|a| a.sop.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(app.ticket_sops(&agent, claim_ticket).await.unwrap()),
        [claim]
    );
    assert_eq!(
        ids(app.ticket_sops(&agent, other).await.unwrap()),
        [evidence]
    );
}

async fn runs_record_the_version_and_each_tick(store: Store) {
    let (app, clock) = app(store.clone());
    let lead = person(&app, "lena@desk.test", Role::Lead).await;
    let lead2 = person(&app, "leo@desk.test", Role::Lead).await;
    let agent = person(&app, "ana@desk.test", Role::Agent).await;
    let claim = published(&app, &lead, &lead2, claim_input()).await;
    let t = ticket(&app, &clock, None, at(-5), "unauthorised_charge").await;

    let run = app.start_sop(&agent, t, claim).await.unwrap();
    assert_eq!(
        (run.sop_id, run.version, run.started_by.clone()),
        (claim, 1, agent.actor())
    );
    let same = app.start_sop(&agent, t, claim).await.unwrap();
    assert_eq!(same.id, run.id);

    let view = app
        .mark_sop_step(&agent, t, run.id, "confirm-the-customer-s-identity", true)
        .await
        .unwrap();
    assert_eq!(view.steps_left.len(), 3);
    // Ticking again changes nothing and records nothing.
    app.mark_sop_step(&agent, t, run.id, "confirm-the-customer-s-identity", true)
        .await
        .unwrap();
    let unknown = app
        .mark_sop_step(&agent, t, run.id, "no-such-step", true)
        .await;
    assert!(
        matches!(&unknown, Err(e) if e.field() == Some("step")),
        "{unknown:?}"
    );
    let other_ticket = ticket(&app, &clock, None, at(-5), "unauthorised_charge").await;
    let wrong = app
        .mark_sop_step(
            &agent,
            other_ticket,
            run.id,
            "confirm-the-customer-s-identity",
            true,
        )
        .await;
    assert!(matches!(wrong, Err(AppError::NotFound { .. })), "{wrong:?}");
    let view = app
        .mark_sop_step(&agent, t, run.id, "confirm-the-customer-s-identity", false)
        .await
        .unwrap();
    assert_eq!(view.steps_left.len(), 4);

    // A new version published meanwhile leaves the run on the version it started with.
    app.new_sop_version(&lead, claim).await.unwrap();
    app.move_sop_version(&lead, claim, 2, VersionMove::Submit)
        .await
        .unwrap();
    app.move_sop_version(&lead2, claim, 2, VersionMove::Publish)
        .await
        .unwrap();
    let panel = app.ticket_sops(&agent, t).await.unwrap();
    assert_eq!(panel.runs.len(), 1);
    assert_eq!(panel.runs[0].run.version, 1);
    assert_eq!(panel.applicable[0].version.version, 2);

    let timeline = store.timeline(t, &PageRequest::first(100)).await.unwrap();
    let progress: Vec<(String, serde_json::Value)> = timeline
        .items
        .iter()
        .filter(|e| e.kind == EventKind::SopProgress)
        .map(|e| {
            (
                e.data["action"].as_str().unwrap_or("").to_string(),
                e.data["step"].clone(),
            )
        })
        .collect();
    assert_eq!(
        progress,
        [
            ("started".to_string(), serde_json::Value::Null),
            (
                "ticked".to_string(),
                serde_json::json!("confirm-the-customer-s-identity")
            ),
            (
                "unticked".to_string(),
                serde_json::json!("confirm-the-customer-s-identity")
            ),
        ]
    );

    let viewer = person(&app, "vic@desk.test", Role::Viewer).await;
    let forbidden = app.start_sop(&viewer, t, claim).await;
    assert!(
        matches!(forbidden, Err(AppError::Forbidden { .. })),
        "{forbidden:?}"
    );
}

on_both_engines!(
    versions_move_with_four_eyes_and_published_ones_stay_readable,
    bodies_are_checked_and_card_numbers_masked,
    search_finds_titles_and_bodies_of_what_a_reader_may_see,
    applicable_sops_follow_category_line_and_reason_codes,
    runs_record_the_version_and_each_tick,
);
