//! Outgoing mail end to end, on both engines, against a real SMTP server on loopback: a
//! staff member's public reply reaches the customer once, with the headers that thread
//! the answer back; logins; mail kept queued without SMTP settings; retries with backoff
//! and the failure on the ticket; and a job run again never sends twice.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod support;

use paydesk_app::Caller;
use paydesk_app::jobs::RetryPolicy;
use paydesk_app::settings::{SmtpSecurity, SmtpSettings};
use paydesk_app::tickets::NewReply;
use paydesk_domain::event::EventKind;
use paydesk_domain::message::Visibility;
use paydesk_domain::policy::{Principal, Scope};
use paydesk_store::{MailStatus, Settlement, Store};
use paydesk_testkit::on_both_engines;
use paydesk_workers::Runner;
use std::time::Duration;
use support::*;

/// The runner of `app`'s settings, with a one-second base backoff.
fn runner(app: &paydesk_app::App) -> Runner {
    paydesk_workers::runner(app).with_policy(RetryPolicy {
        base_ms: 1_000,
        max_ms: 60_000,
    })
}

async fn reply_is_delivered_once_with_threading_headers(store: Store) {
    let server = SmtpServer::start();
    let clock = clock();
    let app = app_on(&store, &clock, Some(server.settings(None)));
    let staff = agent(&app, "agent@desk.example").await;
    let id = ticket(
        &app,
        &["ana@example.com", "ana.other@example.com"],
        "Charged twice",
    )
    .await;
    record_inbound(&store, id, "<first@mail.example>", T0 - 2_000).await;
    record_inbound(&store, id, "<second@mail.example>", T0 - 1_000).await;
    let message = reply(
        &app,
        &staff,
        id,
        "Hello Ana, the second charge of card 4111 1111 1111 1111 is refunded. Ünïcode ok.",
    )
    .await;

    let ran = runner(&app).run_due().await.unwrap();
    assert_eq!(ran.len(), 1);
    assert_eq!(ran[0].settlement, Settlement::Done);
    let got = server.received();
    assert_eq!(got.len(), 1, "exactly one message reaches the server");
    let m = &got[0];
    let from = m.mail.from.as_ref().unwrap();
    assert_eq!(from.address, "support@desk.example");
    assert_eq!(from.name.as_deref(), Some("Payments Support"));
    assert_eq!(m.mail.to.len(), 1);
    assert_eq!(
        m.mail.to[0].address, "ana@example.com",
        "the customer's first address"
    );
    assert_eq!(
        m.envelope["rcpt_tos"],
        serde_json::json!(["ana@example.com"])
    );
    assert_eq!(
        m.mail.subject,
        format!("Re: Charged twice [PD-{}]", id.0),
        "the reference token threads the answer back"
    );
    assert_eq!(paydesk_mail::ticket_reference(&m.mail.subject), Some(id.0));

    let mail_id = m.mail.message_id.clone().unwrap();
    let prefix = format!("pd.{}.{}.", id.0, message.id.0);
    let token = mail_id
        .strip_prefix(&prefix)
        .and_then(|rest| rest.strip_suffix("@desk.example"))
        .unwrap_or_else(|| panic!("Message-ID {mail_id}"));
    assert!(token.len() >= 16 && token.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(
        thread_ids(&store, id, "out").await,
        vec![(mail_id.clone(), Some(message.id.0))],
        "the Message-ID is recorded, so a reply quoting it threads back"
    );
    assert_eq!(m.mail.in_reply_to, vec!["second@mail.example".to_string()]);
    assert_eq!(
        m.mail.references,
        vec![
            "first@mail.example".to_string(),
            "second@mail.example".to_string()
        ]
    );
    assert!(m.mail.text.contains("Hello Ana, the second charge"));
    assert!(m.mail.text.contains("Ünïcode ok."), "UTF-8 survives");
    assert!(
        !m.mail.text.contains("4111 1111 1111 1111") && m.mail.text.contains("1111"),
        "card data was masked before it was stored, so it never leaves either: {}",
        m.mail.text
    );
    assert!(
        m.mail
            .text
            .contains(&format!("keep [PD-{}] in the subject", id.0))
    );
    assert!(
        m.header("content-type")
            .unwrap()
            .to_ascii_lowercase()
            .starts_with("text/plain; charset=utf-8")
    );

    let deliveries = app.ticket_deliveries(&staff, id).await.unwrap();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].status, MailStatus::Sent);
    assert_eq!(deliveries[0].attempts, 1);
    assert_eq!(deliveries[0].sent_at, Some(app.now()));
    assert_eq!(deliveries[0].recipient, "ana@example.com");
    let kinds = event_kinds(&app, id).await;
    assert_eq!(
        kinds
            .iter()
            .filter(|k| matches!(k, EventKind::MailQueued | EventKind::MailSent))
            .count(),
        2,
        "{kinds:?}"
    );

    // Nothing more to do: running again sends nothing.
    assert!(runner(&app).run_due().await.unwrap().is_empty());
    assert_eq!(server.received().len(), 1);

    // The next reply refers to the whole thread, this first email included.
    clock.advance(1_000);
    reply(&app, &staff, id, "One more thing.").await;
    runner(&app).run_due().await.unwrap();
    let got = server.received();
    assert_eq!(got.len(), 2);
    assert_eq!(
        got[1].mail.in_reply_to,
        vec!["second@mail.example".to_string()]
    );
    assert_eq!(
        got[1].mail.references,
        vec![
            "first@mail.example".to_string(),
            "second@mail.example".to_string(),
            mail_id
        ]
    );
    assert_eq!(
        got[1].mail.subject,
        format!("Re: Charged twice [PD-{}]", id.0)
    );
}

async fn only_public_staff_replies_to_a_known_address_send_mail(store: Store) {
    let server = SmtpServer::start();
    let Desk { app, staff, id, .. } = desk(&store, Some(server.settings(None))).await;
    let note = new_reply(Visibility::Internal, "internal: check the payout batch");
    app.add_message(&staff, id, note.clone()).await.unwrap();
    let from_customer = NewReply {
        visibility: Visibility::Public,
        from_customer: true,
        body: "any news?".into(),
        ..note.clone()
    };
    app.add_message(&staff, id, from_customer).await.unwrap();
    let integration = Caller::new(
        Principal::Token {
            id: 1,
            name: "bot".into(),
            scopes: Scope::ALL.to_vec(),
        },
        None,
    );
    reply(&app, &integration, id, "An integration's reply").await;
    let no_address = ticket(&app, &[], "No email on file").await;
    reply(&app, &staff, no_address, "We looked into it.").await;

    assert!(runner(&app).run_due().await.unwrap().is_empty());
    assert!(app.ticket_deliveries(&staff, id).await.unwrap().is_empty());
    assert!(
        app.ticket_deliveries(&staff, no_address)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(server.received().is_empty());
    assert!(!event_kinds(&app, id).await.contains(&EventKind::MailQueued));
}

async fn a_refused_reply_queues_no_mail(store: Store) {
    let Desk { app, staff, id, .. } = desk(&store, None).await;
    let stale = NewReply {
        expected_version: Some(0),
        ..new_reply(Visibility::Public, "Refunded.")
    };
    let refused = app.add_message(&staff, id, stale).await;
    assert!(
        matches!(refused, Err(paydesk_app::AppError::VersionConflict { .. })),
        "{refused:?}"
    );
    // The store itself refuses a reply to a ticket changed meanwhile, and queues no mail.
    let current = store.ticket(id).await.unwrap();
    let message = paydesk_domain::message::NewMessage {
        at: app.now(),
        visibility: Visibility::Public,
        author: paydesk_domain::message::Author::System,
        body: "Refunded.".into(),
        attachments: vec![],
    };
    let mail = paydesk_store::NewOutboundMail {
        subject: "Re: Refund".into(),
        mail_id_token: "00".into(),
        mail_id_domain: "desk.example".into(),
        max_attempts: 3,
        queued_event: paydesk_domain::event::NewEvent::ticket(
            Some(id),
            &paydesk_domain::Actor::System,
            app.now(),
            EventKind::MailQueued,
            serde_json::json!({}),
        ),
    };
    let raced = store
        .add_reply_with_mail(
            &current,
            current.version + 1,
            &[],
            &message,
            &mail,
            app.now(),
        )
        .await;
    assert!(
        matches!(
            raced,
            Err(paydesk_store::StoreError::VersionConflict { .. })
        ),
        "{raced:?}"
    );
    assert!(app.ticket_deliveries(&staff, id).await.unwrap().is_empty());
    assert_eq!(
        store.pending_jobs(paydesk_store::MAIL_JOB).await.unwrap(),
        0
    );
    assert!(thread_ids(&store, id, "out").await.is_empty());
    assert_eq!(store.messages(id).await.unwrap().len(), 1, "only the first");
}

async fn smtp_login_is_used_and_a_wrong_one_is_retried(store: Store) {
    let server = SmtpServer::with_login("desk", "s3cret-pass");
    let clock = clock();
    let wrong = app_on(
        &store,
        &clock,
        Some(server.settings(Some(("desk", "not-the-password")))),
    );
    let staff = agent(&wrong, "agent@desk.example").await;
    let id = ticket(&wrong, &["ana@example.com"], "Refund").await;
    reply(&wrong, &staff, id, "Refunded today.").await;

    let ran = runner(&wrong).run_due().await.unwrap();
    assert!(
        matches!(&ran[0].settlement, Settlement::Retry { error, .. } if error.contains("535")),
        "{:?}",
        ran[0].settlement
    );
    assert!(server.received().is_empty());
    let d = &wrong.ticket_deliveries(&staff, id).await.unwrap()[0];
    assert_eq!((d.status, d.attempts), (MailStatus::Queued, 1));
    let error = d.last_error.as_deref().unwrap();
    assert!(
        !error.contains("not-the-password") && !error.contains("s3cret"),
        "{error}"
    );

    clock.advance(60_000);
    let right = app_on(
        &store,
        &clock,
        Some(server.settings(Some(("desk", "s3cret-pass")))),
    );
    let ran = runner(&right).run_due().await.unwrap();
    assert_eq!(ran[0].settlement, Settlement::Done);
    let got = server.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].envelope["login"], "desk");
    let d = &right.ticket_deliveries(&staff, id).await.unwrap()[0];
    assert_eq!((d.status, d.attempts), (MailStatus::Sent, 2));
}

async fn tls_settings_never_fall_back_to_plain_text(store: Store) {
    let server = SmtpServer::start();
    let Desk {
        app,
        clock,
        staff,
        id,
    } = desk(&store, None).await;
    reply(&app, &staff, id, "Refunded.").await;
    for security in [SmtpSecurity::StartTls, SmtpSecurity::Tls] {
        let settings = SmtpSettings {
            security,
            ..server.settings(Some(("desk", "s3cret-pass")))
        };
        let app = app_on(&store, &clock, Some(settings));
        let ran = runner(&app).run_due().await.unwrap();
        assert!(
            matches!(&ran[..], [r] if matches!(r.settlement, Settlement::Retry { .. })),
            "{security:?}: {ran:?}"
        );
        let d = &app.ticket_deliveries(&staff, id).await.unwrap()[0];
        assert_eq!(d.status, MailStatus::Queued);
        assert!(!d.last_error.as_deref().unwrap().contains("s3cret"));
        assert!(
            server.received().is_empty(),
            "{security:?}: a server without TLS gets nothing"
        );
        clock.advance(3_600_000);
    }
}

async fn mail_waits_queued_until_smtp_is_configured(store: Store) {
    let Desk {
        app: unconfigured,
        clock,
        staff,
        id,
    } = desk(&store, None).await;
    reply(&unconfigured, &staff, id, "Please try again now.").await;

    assert!(
        !runner(&unconfigured)
            .kinds()
            .contains(&paydesk_store::MAIL_JOB)
    );
    assert!(runner(&unconfigured).run_due().await.unwrap().is_empty());
    let d = &unconfigured.ticket_deliveries(&staff, id).await.unwrap()[0];
    assert_eq!((d.status, d.attempts), (MailStatus::Queued, 0));
    assert_eq!(
        store.pending_jobs(paydesk_store::MAIL_JOB).await.unwrap(),
        1
    );

    let server = SmtpServer::start();
    clock.advance(3_600_000);
    let configured = app_on(&store, &clock, Some(server.settings(None)));
    assert_eq!(runner(&configured).run_due().await.unwrap().len(), 1);
    assert_eq!(server.received().len(), 1);
    let d = &configured.ticket_deliveries(&staff, id).await.unwrap()[0];
    assert_eq!((d.status, d.attempts), (MailStatus::Sent, 1));
    assert_eq!(
        store.pending_jobs(paydesk_store::MAIL_JOB).await.unwrap(),
        0
    );
}

async fn a_server_that_is_down_gets_retries_with_backoff_then_a_failure(store: Store) {
    let Desk {
        app,
        clock,
        staff,
        id,
    } = desk(&store, Some(plain_smtp(closed_port()))).await;
    reply(&app, &staff, id, "We are on it.").await;
    let policy = RetryPolicy {
        base_ms: 1_000,
        max_ms: 60_000,
    };
    let max = paydesk_app::outbound::MAIL_MAX_ATTEMPTS;
    for attempt in 1..=max {
        let ran = runner(&app).run_due().await.unwrap();
        assert_eq!(ran.len(), 1, "attempt {attempt}");
        assert_eq!(ran[0].job.attempts, attempt);
        let d = &app.ticket_deliveries(&staff, id).await.unwrap()[0];
        assert_eq!(d.attempts, attempt);
        assert!(d.last_error.as_deref().unwrap().starts_with("SMTP"));
        match &ran[0].settlement {
            Settlement::Retry { at, .. } if attempt < max => {
                let waited = at.0 - app.now().0;
                let ceiling = policy.ceiling_ms(attempt);
                assert!(
                    (ceiling / 2..=ceiling).contains(&waited),
                    "attempt {attempt} waits {waited} ms, within [{}, {ceiling}]",
                    ceiling / 2
                );
                assert_eq!(d.status, MailStatus::Queued);
                assert_eq!(d.next_attempt_at, Some(*at));
                assert!(!event_kinds(&app, id).await.contains(&EventKind::MailFailed));
                // Not due before its time.
                clock.advance(waited - 1);
                assert!(runner(&app).run_due().await.unwrap().is_empty());
                clock.advance(1);
            }
            Settlement::Failed { .. } if attempt == max => {
                assert_eq!(d.status, MailStatus::Failed);
                assert_eq!(d.next_attempt_at, None);
            }
            other => panic!("attempt {attempt}: {other:?}"),
        }
    }
    assert_eq!(policy.ceiling_ms(2), 2_000);
    assert_eq!(policy.ceiling_ms(7), 60_000, "capped");

    let timeline = app
        .timeline(
            &Caller::system(),
            id,
            &paydesk_store::PageRequest {
                limit: 200,
                cursor: None,
            },
        )
        .await
        .unwrap()
        .items;
    let failed: Vec<_> = timeline
        .iter()
        .filter(|e| e.kind == EventKind::MailFailed)
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].data["attempts"], max);
    assert!(failed[0].data["error"].as_str().unwrap().contains("SMTP"));
    clock.advance(86_400_000);
    assert!(runner(&app).run_due().await.unwrap().is_empty(), "given up");
}

async fn a_job_run_again_never_sends_twice(store: Store) {
    let server = SmtpServer::start();
    let Desk {
        app,
        clock,
        staff,
        id,
    } = desk(&store, Some(server.settings(None))).await;
    reply(&app, &staff, id, "Refunded.").await;

    // A worker claims the job and dies: its claim lapses, then another sends the mail.
    let ghost = app
        .claim_job("ghost", &[paydesk_store::MAIL_JOB], 10_000)
        .await
        .unwrap()
        .unwrap();
    assert!(
        runner(&app).run_due().await.unwrap().is_empty(),
        "claim held"
    );
    clock.advance(10_000);
    let ran = runner(&app).run_due().await.unwrap();
    assert_eq!(ran[0].job.id, ghost.id);
    assert_eq!(ran[0].job.attempts, 2);
    assert_eq!(server.received().len(), 1);
    // The ghost comes back and settles: its claim is gone, so nothing changes.
    let failed = Settlement::Failed {
        error: "late".into(),
    };
    assert!(!app.settle_mail(&ghost, "ghost", &failed).await.unwrap());

    // The job runs again after the send was recorded (as after a crash that lost the
    // job's own completion): it sends nothing.
    let mut tx = store.write().await.unwrap();
    tx.exec(
        "UPDATE jobs SET status = 'queued', run_at = 0",
        &paydesk_store::args![],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let ran = runner(&app).run_due().await.unwrap();
    assert_eq!(ran.len(), 1);
    assert_eq!(ran[0].settlement, Settlement::Done);
    assert_eq!(server.received().len(), 1, "never sent twice");
    let kinds = event_kinds(&app, id).await;
    assert_eq!(
        kinds.iter().filter(|k| **k == EventKind::MailSent).count(),
        1,
        "{kinds:?}"
    );
    let d = &app.ticket_deliveries(&staff, id).await.unwrap()[0];
    assert_eq!((d.status, d.attempts), (MailStatus::Sent, 2));
}

async fn a_spawned_runner_wakes_when_a_reply_is_queued(store: Store) {
    let server = SmtpServer::start();
    let Desk { app, staff, id, .. } = desk(&store, Some(server.settings(None))).await;
    // A poll of an hour: only the wake-up of the enqueue can make it send.
    let handle = runner(&app).with_poll(Duration::from_secs(3_600)).spawn();
    reply(&app, &staff, id, "Refunded.").await;
    let got = server.wait_for(1, Duration::from_secs(60)).await;
    handle.abort();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].mail.subject, format!("Re: Refund [PD-{}]", id.0));
}

on_both_engines!(
    reply_is_delivered_once_with_threading_headers,
    only_public_staff_replies_to_a_known_address_send_mail,
    a_refused_reply_queues_no_mail,
    smtp_login_is_used_and_a_wrong_one_is_retried,
    tls_settings_never_fall_back_to_plain_text,
    mail_waits_queued_until_smtp_is_configured,
    a_server_that_is_down_gets_retries_with_backoff_then_a_failure,
    a_job_run_again_never_sends_twice,
    a_spawned_runner_wakes_when_a_reply_is_queued,
);
