//! The email round trip over a real SMTP server on loopback, on both engines: a customer
//! writes in, a staff reply goes out, and the customer's answer, built from what was
//! sent, comes back in and threads onto the same ticket (by its headers, and by the
//! subject's token alone when a mail client drops them).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

mod support;

use paydesk_app::Caller;
use paydesk_app::inbound::{InboundOptions, MailOutcome};
use paydesk_domain::message::{Author, Visibility};
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use support::*;

async fn answer_to_a_sent_reply_threads_back(store: Store) {
    let server = SmtpServer::start();
    let clock = clock();
    let app = app_on(&store, &clock, Some(server.settings(None)));
    let intake = Caller::system();
    let first = "From: Ana <ana@example.com>\r\nTo: support@desk.example\r\n\
                 Subject: Charged twice\r\nMessage-ID: <ana-1@mail.example>\r\n\r\n\
                 My card was charged twice for order 991.\r\n";
    let opened = app
        .receive_email(&intake, first.as_bytes(), &InboundOptions::default())
        .await
        .unwrap();
    let MailOutcome::Opened { ticket } = opened else {
        panic!("{opened:?}")
    };
    let staff = agent(&app, "agent@desk.example").await;
    reply(
        &app,
        &staff,
        ticket,
        "Hello Ana, the second charge is refunded.",
    )
    .await;
    paydesk_workers::runner(&app).run_due().await.unwrap();
    let sent = server.received();
    assert_eq!(sent.len(), 1);
    let sent = &sent[0].mail;
    assert_eq!(sent.in_reply_to, vec!["ana-1@mail.example".to_string()]);
    let sent_id = sent.message_id.clone().unwrap();

    // The customer's mail client answers: Re: the subject, In-Reply-To the sent id,
    // References the thread, the reply quoted below.
    let quoted: String = sent.text.lines().map(|l| format!("> {l}\r\n")).collect();
    let answer = format!(
        "From: Ana <ana@example.com>\r\nTo: support@desk.example\r\nSubject: Re: {}\r\n\
         Message-ID: <ana-2@mail.example>\r\nIn-Reply-To: <{sent_id}>\r\n\
         References: {} <{sent_id}>\r\n\r\nThank you, I see it now.\r\n\r\n{quoted}",
        sent.subject,
        sent.references
            .iter()
            .map(|r| format!("<{r}>"))
            .collect::<Vec<_>>()
            .join(" "),
    );
    let back = app
        .receive_email(&intake, answer.as_bytes(), &InboundOptions::default())
        .await
        .unwrap();
    assert_eq!(
        back,
        MailOutcome::Replied {
            ticket,
            internal: false
        }
    );

    // A client that keeps only the subject: the [PD-n] token still finds the ticket.
    let bare = format!(
        "From: ana@example.com\r\nSubject: {}\r\nMessage-ID: <ana-3@mail.example>\r\n\r\nOne more thing.\r\n",
        sent.subject
    );
    let back = app
        .receive_email(&intake, bare.as_bytes(), &InboundOptions::default())
        .await
        .unwrap();
    assert_eq!(back.ticket(), Some(ticket));

    let view = app.ticket(&intake, ticket).await.unwrap();
    let last = view.messages.last().unwrap();
    assert_eq!(last.visibility, Visibility::Public);
    assert!(matches!(last.author, Author::Customer { .. }));
    assert_eq!(view.messages.len(), 4, "first mail, reply, two answers");
    // Answers from the customer send nothing back.
    paydesk_workers::runner(&app).run_due().await.unwrap();
    assert_eq!(server.received().len(), 1);
}

on_both_engines!(answer_to_a_sent_reply_threads_back);
