//! Threading: a reply reaches its ticket by In-Reply-To, References or the `[PD-n]`
//! token, never by a subject alone; noise never opens a ticket.

use crate::common::Api;
use crate::mails;
use crate::{deliver, ticket, ticket_count};
use paydesk_store::Store;

pub async fn replies_thread_by_headers_and_token_never_by_subject(store: Store) {
    let api = Api::new(store);
    let first = deliver(
        &api,
        mails::plain(
            "kim@example.com",
            "t1@x",
            "Where is my refund",
            "Refund for order 77?",
        ),
    )
    .await;
    let number = first["ticket"].as_str().unwrap().to_string();

    let by_reply_to = deliver(
        &api,
        mails::reply(
            "kim@example.com",
            "t2@x",
            "t1@x",
            "Re: Where is my refund",
            "Any news?",
        ),
    )
    .await;
    assert_eq!(by_reply_to["outcome"], "replied");
    assert_eq!(by_reply_to["ticket"], number.as_str());

    // References only, naming the reply (not the first mail).
    let refs = "From: kim@example.com\r\nSubject: again\r\nMessage-ID: <t3@x>\r\nReferences: <unknown@x> <t2@x>\r\n\r\nStill waiting.\r\n";
    let by_references = deliver(&api, refs).await;
    assert_eq!(by_references["ticket"], number.as_str(), "{by_references}");

    let token = format!("Re: something else [{number}]");
    let by_token = deliver(
        &api,
        mails::plain("kim@example.com", "t4@x", &token, "By token."),
    )
    .await;
    assert_eq!(by_token["outcome"], "replied");
    assert_eq!(by_token["ticket"], number.as_str());

    // The same subject, without headers or token: a new ticket.
    let same_subject = deliver(
        &api,
        mails::plain(
            "kim@example.com",
            "t5@x",
            "Where is my refund",
            "Another one.",
        ),
    )
    .await;
    assert_eq!(same_subject["outcome"], "opened");
    assert_ne!(same_subject["ticket"], number.as_str());

    // Someone else answering the thread: kept as an internal note, not as the customer.
    let stranger = deliver(
        &api,
        mails::reply(
            "mallory@example.net",
            "t6@x",
            "t1@x",
            "Re: Where is my refund",
            "Send it to me.",
        ),
    )
    .await;
    assert_eq!(stranger["outcome"], "replied");
    assert_eq!(stranger["internal"], true);
    let t = ticket(&api, &number).await;
    let messages = t["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 5, "{t}");
    assert_eq!(messages[4]["visibility"], "internal");
    assert!(
        messages[4]["body"]
            .as_str()
            .unwrap()
            .contains("mallory@example.net")
    );

    // A redelivery changes nothing.
    let before = ticket_count(&api).await;
    let again = deliver(
        &api,
        mails::reply(
            "kim@example.com",
            "t2@x",
            "t1@x",
            "Re: Where is my refund",
            "Any news?",
        ),
    )
    .await;
    assert_eq!(again["outcome"], "duplicate");
    assert_eq!(
        ticket(&api, &number).await["messages"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    assert_eq!(ticket_count(&api).await, before);
}

pub async fn noise_never_opens_tickets(store: Store) {
    let api = Api::new(store);
    let first = deliver(
        &api,
        mails::plain(
            "lee@example.com",
            "n1@x",
            "Card declined",
            "Declined at checkout.",
        ),
    )
    .await;
    let number = first["ticket"].as_str().unwrap().to_string();
    let before = ticket_count(&api).await;

    let ooo = deliver(
        &api,
        mails::out_of_office("lee@example.com", "n2@x", "n1@x"),
    )
    .await;
    assert_eq!(ooo["outcome"], "noise", "{ooo}");
    assert!(ooo["reason"].as_str().unwrap().starts_with("auto-reply"));
    assert_eq!(
        ooo["ticket"],
        number.as_str(),
        "kept with its thread's ticket"
    );

    let bounce = deliver(&api, mails::bounce("n3@x", "unknown@x")).await;
    assert_eq!(bounce["outcome"], "noise", "{bounce}");
    assert!(bounce["reason"].as_str().unwrap().starts_with("bounce"));

    let precedence = "From: list@example.com\r\nSubject: Weekly digest\r\nMessage-ID: <n4@x>\r\nPrecedence: bulk\r\n\r\nNews.\r\n";
    assert_eq!(deliver(&api, precedence).await["outcome"], "noise");

    assert_eq!(ticket_count(&api).await, before);
    // The auto-reply added nothing to the conversation.
    assert_eq!(
        ticket(&api, &number).await["messages"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Noise delivered again is recognised too.
    assert_eq!(
        deliver(
            &api,
            mails::out_of_office("lee@example.com", "n2@x", "n1@x")
        )
        .await["outcome"],
        "duplicate"
    );
}
