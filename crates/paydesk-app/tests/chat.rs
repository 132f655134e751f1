//! Chat sessions on both engines: one ticket per session, messages in order, the idle
//! sweep and the lazy end, and who may do what.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

use paydesk_app::chat::{ChatAuthor, ChatCustomer, NewChat};
use paydesk_app::settings::IntakeSettings;
use paydesk_app::{App, AppError, Caller, ManualClock};
use paydesk_domain::Timestamp;
use paydesk_domain::chat::{ChatEndReason, ChatStatus};
use paydesk_domain::event::EventKind;
use paydesk_domain::message::{Author, Visibility};
use paydesk_domain::policy::{Principal, Scope};
use paydesk_domain::ticket::{BusinessLine, Channel, Status};
use paydesk_store::{PageRequest, Store};
use paydesk_testkit::on_both_engines;
use std::sync::Arc;

const T0: i64 = 1_790_000_000_000;
const IDLE_MINUTES: i64 = 15;

fn app(store: Store) -> (App, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::at(Timestamp(T0)));
    let intake = IntakeSettings {
        chat_idle_minutes: IDLE_MINUTES,
        ..IntakeSettings::default()
    };
    (App::new(store, clock.clone()).with_intake(intake), clock)
}

fn token(scopes: &[Scope]) -> Caller {
    let principal = Principal::Token {
        id: 1,
        name: "platform".into(),
        scopes: scopes.to_vec(),
    };
    Caller::new(principal, Some("192.0.2.10".into()))
}

fn platform() -> Caller {
    token(&[Scope::Intake])
}

fn staff() -> Caller {
    token(&[Scope::TicketsRead, Scope::TicketsWrite])
}

fn chat_by_email(email: &str, first: Option<&str>) -> NewChat {
    NewChat {
        customer: ChatCustomer::Email {
            email: email.into(),
            name: String::new(),
        },
        business_line: BusinessLine::Creator,
        first_message: first.map(str::to_string),
        language: Some("pt-BR".into()),
    }
}

async fn events_of(app: &App, ticket: paydesk_domain::TicketId) -> Vec<EventKind> {
    let page = PageRequest {
        limit: 200,
        cursor: None,
    };
    app.timeline(&Caller::system(), ticket, &page)
        .await
        .unwrap()
        .items
        .iter()
        .map(|e| e.kind)
        .collect()
}

async fn a_session_is_one_ticket(store: Store) {
    let (app, _) = app(store.clone());
    let (session, ticket) = app
        .start_chat(
            &platform(),
            chat_by_email("Ana@Example.com", Some("My payout is late")),
        )
        .await
        .unwrap();
    assert_eq!(session.status, ChatStatus::Active);
    assert_eq!(session.ticket_id, ticket.id);
    assert_eq!(session.idle_minutes, IDLE_MINUTES);
    assert_eq!(
        (session.started_at, session.last_activity_at),
        (Timestamp(T0), Timestamp(T0))
    );
    assert_eq!(ticket.channel, Channel::Chat);
    assert_eq!(ticket.language, "pt-BR");
    assert_eq!(ticket.subject, "Chat: My payout is late");
    assert_eq!(ticket.customer_id, Some(session.customer_id));
    let customer = store.customer(session.customer_id).await.unwrap();
    assert_eq!(customer.emails, ["ana@example.com"]);
    assert_eq!(customer.business_line, BusinessLine::Creator);
    let events = events_of(&app, ticket.id).await;
    assert!(events.contains(&EventKind::ChatStarted), "{events:?}");

    // The same email is the same customer; a new session is a new ticket.
    let (again, second) = app
        .start_chat(&platform(), chat_by_email("ana@example.com", None))
        .await
        .unwrap();
    assert_eq!(again.customer_id, session.customer_id);
    assert_ne!(second.id, ticket.id);
    assert_eq!(second.subject, "Chat");
    let (_, opening) = app.chat_transcript(&platform(), again.id).await.unwrap();
    assert_eq!(opening.len(), 1);
    assert_eq!(
        opening[0].author,
        Author::System,
        "no words of the customer's yet"
    );

    // By id: a known customer, or a clear refusal.
    let by_id = NewChat {
        customer: ChatCustomer::Id(session.customer_id),
        ..chat_by_email("x@example.com", Some("hello"))
    };
    let (third, _) = app.start_chat(&platform(), by_id.clone()).await.unwrap();
    assert_eq!(third.customer_id, session.customer_id);
    let unknown = NewChat {
        customer: ChatCustomer::Id(paydesk_domain::CustomerId(9_999)),
        ..by_id
    };
    let err = app.start_chat(&platform(), unknown).await.unwrap_err();
    assert_eq!(err.field(), Some("customer_id"));
    let bad_email = app
        .start_chat(&platform(), chat_by_email("not an email", None))
        .await
        .unwrap_err();
    assert_eq!(bad_email.field(), Some("email"));
}

async fn messages_append_in_order(store: Store) {
    let (app, clock) = app(store);
    let (session, ticket) = app
        .start_chat(
            &platform(),
            chat_by_email("bo@example.com", Some("Hi, I was charged twice")),
        )
        .await
        .unwrap();
    clock.advance(60_000);
    let (_, answer) = app
        .add_chat_message(
            &staff(),
            session.id,
            ChatAuthor::Agent,
            "Let me look.".into(),
        )
        .await
        .unwrap();
    assert_eq!(
        answer.author,
        Author::System,
        "a system token answers as the system"
    );
    clock.advance(60_000);
    let (touched, said) = app
        .add_chat_message(
            &platform(),
            session.id,
            ChatAuthor::Customer,
            "It was card 4111 1111 1111 1111".into(),
        )
        .await
        .unwrap();
    assert_eq!(touched.last_activity_at, Timestamp(T0 + 120_000));
    assert_eq!(
        said.author,
        Author::Customer {
            id: ticket.customer_id
        }
    );
    assert!(!said.body.contains("4111 1111 1111 1111"), "{}", said.body);

    let (read, transcript) = app.chat_transcript(&platform(), session.id).await.unwrap();
    assert_eq!(read.last_activity_at, Timestamp(T0 + 120_000));
    let bodies: Vec<&str> = transcript.iter().map(|m| m.body.as_str()).collect();
    assert_eq!(bodies[0], "Hi, I was charged twice");
    assert_eq!(bodies[1], "Let me look.");
    assert!(bodies[2].starts_with("It was card "));
    assert_eq!(bodies.len(), 3);
    let times: Vec<i64> = transcript.iter().map(|m| m.created_at.0).collect();
    assert_eq!(times, [T0, T0 + 60_000, T0 + 120_000]);
    let ticket = app.ticket(&Caller::system(), ticket.id).await.unwrap();
    assert_eq!(
        ticket.messages.len(),
        3,
        "the ticket's messages are the transcript"
    );

    let empty = app
        .add_chat_message(&platform(), session.id, ChatAuthor::Customer, " \n".into())
        .await
        .unwrap_err();
    assert_eq!(empty.field(), Some("body"));
}

async fn the_sweep_ends_idle_sessions(store: Store) {
    let (app, clock) = app(store);
    let (idle, idle_ticket) = app
        .start_chat(&platform(), chat_by_email("cy@example.com", Some("hello?")))
        .await
        .unwrap();
    let (busy, _) = app
        .start_chat(&platform(), chat_by_email("di@example.com", Some("hi")))
        .await
        .unwrap();
    clock.advance(IDLE_MINUTES * 60_000 - 60_000);
    app.add_chat_message(
        &platform(),
        busy.id,
        ChatAuthor::Customer,
        "still here".into(),
    )
    .await
    .unwrap();
    // Exactly the limit is not yet idle.
    clock.advance(60_000);
    assert_eq!(
        app.end_idle_chat_sessions(&Caller::system()).await.unwrap(),
        0
    );
    clock.advance(1);
    assert_eq!(
        app.end_idle_chat_sessions(&Caller::system()).await.unwrap(),
        1
    );
    assert_eq!(
        app.end_idle_chat_sessions(&Caller::system()).await.unwrap(),
        0,
        "once"
    );

    let ended = app.chat_session(&platform(), idle.id).await.unwrap();
    assert_eq!(ended.status, ChatStatus::Ended);
    assert_eq!(ended.end_reason, Some(ChatEndReason::Idle));
    assert_eq!(
        ended.ended_at,
        Some(Timestamp(T0 + IDLE_MINUTES * 60_000 + 1))
    );
    let still = app.chat_session(&platform(), busy.id).await.unwrap();
    assert_eq!(still.status, ChatStatus::Active);

    let events = events_of(&app, idle_ticket.id).await;
    assert_eq!(
        events
            .iter()
            .filter(|k| **k == EventKind::ChatEnded)
            .count(),
        1
    );
    let view = app.ticket(&Caller::system(), idle_ticket.id).await.unwrap();
    let note = view.messages.last().unwrap();
    assert_eq!(note.visibility, Visibility::Internal);
    assert_eq!(
        note.body,
        format!("Chat ended after {IDLE_MINUTES} minutes idle.")
    );
    let (_, transcript) = app.chat_transcript(&platform(), idle.id).await.unwrap();
    assert!(
        transcript
            .iter()
            .all(|m| m.visibility == Visibility::Public)
    );

    let late = app
        .add_chat_message(
            &platform(),
            idle.id,
            ChatAuthor::Customer,
            "are you there?".into(),
        )
        .await
        .unwrap_err();
    assert!(matches!(late, AppError::ChatEnded), "{late:?}");
    assert_eq!(late.code(), "chat_ended");
    let view = app.ticket(&Caller::system(), idle_ticket.id).await.unwrap();
    assert!(view.messages.iter().all(|m| m.body != "are you there?"));

    let forbidden = app.end_idle_chat_sessions(&platform()).await.unwrap_err();
    assert!(matches!(forbidden, AppError::Forbidden { .. }));
}

async fn an_idle_session_ends_when_met(store: Store) {
    let (app, clock) = app(store);
    let (session, ticket) = app
        .start_chat(&platform(), chat_by_email("ed@example.com", Some("hello")))
        .await
        .unwrap();
    clock.advance(2 * IDLE_MINUTES * 60_000);
    let late = app
        .add_chat_message(
            &platform(),
            session.id,
            ChatAuthor::Customer,
            "hi again".into(),
        )
        .await
        .unwrap_err();
    assert!(matches!(late, AppError::ChatEnded), "{late:?}");
    let read = app.chat_session(&platform(), session.id).await.unwrap();
    assert_eq!(read.status, ChatStatus::Ended);
    assert_eq!(
        app.end_idle_chat_sessions(&Caller::system()).await.unwrap(),
        0
    );
    let view = app.ticket(&Caller::system(), ticket.id).await.unwrap();
    let notes: Vec<&str> = view
        .messages
        .iter()
        .filter(|m| m.visibility == Visibility::Internal)
        .map(|m| m.body.as_str())
        .collect();
    assert_eq!(
        notes,
        [format!(
            "Chat ended after {} minutes idle.",
            2 * IDLE_MINUTES
        )]
    );
}

async fn a_customer_message_reopens_and_scopes_hold(store: Store) {
    let (app, _) = app(store);
    let (session, ticket) = app
        .start_chat(&platform(), chat_by_email("fa@example.com", Some("help")))
        .await
        .unwrap();
    app.add_chat_message(&staff(), session.id, ChatAuthor::Agent, "Done.".into())
        .await
        .unwrap();
    let change = paydesk_app::tickets::TicketChange {
        patch: paydesk_domain::ticket::TicketPatch {
            status: Some(Status::Solved),
            ..Default::default()
        },
        expected_version: None,
    };
    app.change_ticket(&staff(), ticket.id, change)
        .await
        .unwrap();
    app.add_chat_message(
        &platform(),
        session.id,
        ChatAuthor::Customer,
        "Not yet!".into(),
    )
    .await
    .unwrap();
    let view = app.ticket(&staff(), ticket.id).await.unwrap();
    assert_eq!(view.ticket.status, Status::Open);

    // A token that may neither read nor reply sees nothing of chats.
    let reports = token(&[Scope::ReportsRead]);
    let start = app
        .start_chat(&reports, chat_by_email("g@example.com", None))
        .await;
    assert!(matches!(start, Err(AppError::Forbidden { .. })));
    let read = app.chat_session(&reports, session.id).await;
    assert!(matches!(read, Err(AppError::Forbidden { .. })));
    let missing = app.chat_session(&platform(), 9_999).await.unwrap_err();
    assert!(matches!(missing, AppError::NotFound { .. }));
}

on_both_engines!(
    a_session_is_one_ticket,
    messages_append_in_order,
    the_sweep_ends_idle_sessions,
    an_idle_session_ends_when_met,
    a_customer_message_reopens_and_scopes_hold,
);
