//! The console's ticket page, on both engines: what an agent sees (the conversation with
//! internal notes told apart, SLA clocks, customer and payments), replies and notes sent
//! by form, field changes, a stale form refused with the conflict banner, solving, and
//! what is refused (no CSRF field, another vendor's ticket) or escaped and masked.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;
mod desk;

use axum::http::StatusCode;
use common::{Api, Call, Person, T0, person};
use desk::{article_with, get, hidden, html, path, post, text};
use paydesk_app::tickets::{NewReply, NewTicketInput, TicketChange};
use paydesk_app::{App, Caller};
use paydesk_domain::message::Visibility;
use paydesk_domain::payment::{Money, Transaction, TransactionStatus};
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{BusinessLine, Channel, Priority, Status, TicketPatch};
use paydesk_domain::{TicketId, Timestamp};
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use serde_json::json;

/// The desk of one test: its API, services, an admin and an agent.
struct Desk {
    api: Api,
    app: App,
    store: Store,
    admin: Person,
    ana: Person,
}

async fn desk(store: Store) -> Desk {
    let api = Api::new(store.clone());
    let app = App::new(store.clone(), api.clock.clone());
    let admin = person(&api, &app, "sam", Role::Admin, None).await;
    let ana = person(&api, &app, "ana", Role::Agent, None).await;
    let policy = json!({
        "name": "Standard", "position": 10,
        "definition": { "targets": [
            { "metric": "first_reply", "priority": "normal", "minutes": 60 },
            { "metric": "resolution", "priority": "normal", "minutes": 600 },
        ]},
    });
    let reply = admin
        .send(&api, Call::post("/api/v1/sla-policies", policy))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    Desk {
        api,
        app,
        store,
        admin,
        ana,
    }
}

/// A ticket from a buyer named Maria, with a failed card charge linked to it.
async fn ticket(d: &Desk, subject: &str) -> TicketId {
    let system = Caller::system();
    let maria = d
        .app
        .create_customer(
            &system,
            paydesk_testkit::customer::customer(
                BusinessLine::Buyer,
                "Maria Lopez",
                "maria@example.com",
            ),
        )
        .await
        .unwrap();
    let mut input = NewTicketInput::new(
        subject,
        "I was charged twice.\nPlease help.",
        BusinessLine::Buyer,
        Channel::Email,
    );
    input.customer_id = Some(maria.id);
    let id = d
        .app
        .create_ticket(&system, input, None)
        .await
        .unwrap()
        .ticket
        .id;
    let money = Money {
        amount: 1_999,
        currency: "EUR".into(),
    };
    let mut charge =
        Transaction::captured_charge("stripe", "ch_3PaydeskTest", money, Timestamp(T0));
    charge.status = TransactionStatus::Failed;
    charge.failure_code = Some("insufficient_funds".into());
    charge.customer_id = Some(maria.id);
    paydesk_testkit::payment::linked_charge(&d.store, id, &charge)
        .await
        .unwrap();
    id
}

async fn note(d: &Desk, id: TicketId, body: &str) {
    let reply = NewReply {
        visibility: Visibility::Internal,
        from_customer: false,
        body: body.into(),
        attachments: vec![],
        expected_version: None,
    };
    d.app
        .add_message(&Caller::system(), id, reply)
        .await
        .unwrap();
}

async fn the_page_shows_conversation_and_panels(store: Store) {
    let d = desk(store).await;
    let id = ticket(&d, "Charged twice <script>alert(1)</script>").await;
    note(&d, id, "Checked the gateway: one charge failed.").await;
    let page = html(&d.api, &d.ana, &path(id)).await;

    assert!(page.contains("<section id=\"conversation\""));
    let first = article_with(&page, "I was charged twice.");
    assert!(first.starts_with("class=\"message public\""), "{first}");
    assert!(first.contains("Maria Lopez (customer)"), "{first}");
    assert!(
        first.contains("I was charged twice.\nPlease help."),
        "line breaks are kept"
    );
    let internal = article_with(&page, "one charge failed");
    assert!(
        internal.starts_with("class=\"message internal\""),
        "{internal}"
    );
    assert!(internal.contains("Internal note"), "said in words too");

    assert!(
        page.contains("<tr class=\"clock\" data-metric=\"first_reply\" data-state=\"running\">"),
        "the first reply clock runs"
    );
    assert!(page.contains("data-metric=\"resolution\""));
    let customer = page.split("<section id=\"customer\"").nth(1).unwrap();
    assert!(customer.contains("Maria Lopez") && customer.contains("maria@example.com"));
    let payments = page.split("<section id=\"payments\"").nth(1).unwrap();
    assert!(payments.contains("EUR 19.99"), "amount with its currency");
    assert!(payments.contains("ch_3PaydeskTest"));
    assert!(
        payments.contains("insufficient_funds:"),
        "the code explained"
    );
    assert!(payments.contains("No refunds on this ticket."));
    assert!(
        payments.contains("None besides those linked."),
        "the linked charge is not listed twice"
    );
    let timeline = page.split("<section id=\"timeline\"").nth(1).unwrap();
    assert!(timeline.contains("added an internal note."), "{timeline}");

    assert!(!page.contains("<script>alert(1)"), "the subject is escaped");
    assert!(
        page.contains("Charged twice &#60;script&#62;alert(1)"),
        "shown as text"
    );

    // A QA analyst reads the ticket with the customer's personal data masked, and may
    // only add notes.
    let quinn = person(&d.api, &d.app, "quinn", Role::QaAnalyst, None).await;
    let masked = html(&d.api, &quinn, &path(id)).await;
    let customer = masked.split("<section id=\"customer\"").nth(1).unwrap();
    assert!(customer.contains("<h2 id=\"customer-title\">Customer</h2>"));
    assert!(
        !customer.contains("maria@example.com") && !customer.contains("Maria Lopez"),
        "{customer}"
    );
    assert!(masked.contains("id=\"visibility-internal\""));
    assert!(!masked.contains("id=\"visibility-public\""));
    assert!(!masked.contains("id=\"ticket-fields\""), "no field changes");

    let bare = get(&d.api, &d.ana, &format!("/desk/tickets/{}", id.0)).await;
    assert_eq!(bare.status, StatusCode::OK, "the bare number works too");
    for missing in ["/desk/tickets/PD-999999", "/desk/tickets/nonsense"] {
        let reply = get(&d.api, &d.ana, missing).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{missing}");
        assert!(text(&reply).contains("Not found"));
    }
}

async fn replies_and_notes_by_form(store: Store) {
    let d = desk(store).await;
    let id = ticket(&d, "Refund please").await;
    let to = format!("{}/messages", path(id));
    let reply = post(
        &d.api,
        &d.ana,
        &to,
        &[
            ("visibility", "public"),
            ("body", "We are on it.\nCard 4111 1111 1111 1111 noted."),
        ],
        true,
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert_eq!(reply.header("location"), Some(path(id).as_str()));
    let reply = post(
        &d.api,
        &d.ana,
        &to,
        &[
            ("visibility", "internal"),
            ("body", "Customer sounds upset."),
            ("status_after", "pending"),
        ],
        true,
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());

    let page = html(&d.api, &d.ana, &path(id)).await;
    let public = article_with(&page, "We are on it.");
    assert!(public.starts_with("class=\"message public\""), "{public}");
    assert!(public.contains(">ana<"), "the author is named: {public}");
    assert!(
        !page.contains("4111 1111 1111 1111"),
        "the card number is masked"
    );
    let internal = article_with(&page, "Customer sounds upset.");
    assert!(
        internal.starts_with("class=\"message internal\""),
        "{internal}"
    );
    let stored = d.app.ticket(&Caller::system(), id).await.unwrap();
    assert_eq!(
        stored.ticket.status,
        Status::Pending,
        "the status was set too"
    );
    assert_eq!(stored.messages.len(), 3);

    let refused = post(
        &d.api,
        &d.ana,
        &to,
        &[("visibility", "internal"), ("body", "no token")],
        false,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "no csrf_token field");
    let empty = post(
        &d.api,
        &d.ana,
        &to,
        &[("visibility", "public"), ("body", "  ")],
        true,
    )
    .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(text(&empty).contains("class=\"error-summary\""));
    let odd = post(
        &d.api,
        &d.ana,
        &to,
        &[("visibility", "shout"), ("body", "kept text")],
        true,
    )
    .await;
    assert_eq!(odd.status, StatusCode::BAD_REQUEST);
    assert!(
        text(&odd).contains(">kept text</textarea>"),
        "what was typed is kept"
    );
    let after = d.app.ticket(&Caller::system(), id).await.unwrap();
    assert_eq!(after.messages.len(), 3, "nothing refused was stored");
}

async fn fields_save_and_a_stale_form_is_refused(store: Store) {
    let d = desk(store).await;
    let id = ticket(&d, "Payout missing").await;
    let page = html(&d.api, &d.ana, &path(id)).await;
    let shown = |name: &str| hidden(&page, name);
    let form = |status: &'static str, priority: &'static str, version: String| {
        vec![
            ("version", version),
            ("last_event", shown("last_event")),
            ("was_status", shown("was_status")),
            ("was_priority", shown("was_priority")),
            ("was_category", String::new()),
            ("was_tags", String::new()),
            ("was_assignee", String::new()),
            ("status", status.to_string()),
            ("priority", priority.to_string()),
            ("category", "payouts".to_string()),
            ("tags", "late, creator".to_string()),
            ("assignee", String::new()),
        ]
    };
    let version = shown("version");
    let sent = form("new", "high", version.clone());
    let pairs: Vec<(&str, &str)> = sent.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let reply = post(&d.api, &d.ana, &path(id), &pairs, true).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let saved = d.app.ticket(&Caller::system(), id).await.unwrap().ticket;
    assert_eq!(saved.priority, Priority::High);
    assert_eq!(saved.category.as_deref(), Some("payouts"));
    assert_eq!(saved.tags, vec!["creator".to_string(), "late".to_string()]);
    assert_eq!(saved.status, Status::New, "an unchanged field is not sent");

    // Sam changes the priority; Ana sends the form she read before her own save.
    let change = TicketChange {
        patch: TicketPatch {
            priority: Some(Priority::Urgent),
            ..TicketPatch::default()
        },
        expected_version: None,
    };
    let sam = d
        .app
        .staff_names(&Caller::system(), &[d.admin.id])
        .await
        .unwrap();
    let sam_caller = Caller::new(
        paydesk_domain::policy::Principal::User {
            id: d.admin.id,
            role: Role::Admin,
            vendor_id: None,
        },
        None,
    );
    d.app.change_ticket(&sam_caller, id, change).await.unwrap();
    let stale = form("pending", "high", version);
    let pairs: Vec<(&str, &str)> = stale.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let reply = post(&d.api, &d.ana, &path(id), &pairs, true).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text());
    let body = text(&reply);
    let banner = body
        .split("id=\"conflict\"")
        .nth(1)
        .unwrap()
        .split("</div>")
        .next()
        .unwrap();
    assert!(body.contains("<div class=\"banner conflict\" id=\"conflict\" role=\"alert\""));
    assert!(
        banner.contains(&sam[&d.admin.id]),
        "names who changed it: {banner}"
    );
    assert!(banner.contains("Priority is now urgent"), "{banner}");
    assert!(
        banner.contains("Status to pending"),
        "what was not saved: {banner}"
    );
    assert!(
        body.contains("<option value=\"urgent\" selected>"),
        "the form shows the ticket now"
    );
    let kept = d.app.ticket(&Caller::system(), id).await.unwrap().ticket;
    assert_eq!(kept.priority, Priority::Urgent, "the other change is kept");
    assert_eq!(kept.status, Status::New, "the stale change is not saved");

    let bad = post(
        &d.api,
        &d.ana,
        &path(id),
        &[("version", "x"), ("status", "done")],
        true,
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(text(&bad).contains("class=\"error-summary\""));
}

async fn solving_stops_the_resolution_clock(store: Store) {
    let d = desk(store).await;
    let id = ticket(&d, "Double charge").await;
    let page = html(&d.api, &d.ana, &path(id)).await;
    assert!(page.contains("data-metric=\"resolution\" data-state=\"running\""));
    let assign = post(
        &d.api,
        &d.ana,
        &format!("{}/assign", path(id)),
        &[("version", &hidden(&page, "version")), ("was_assignee", "")],
        true,
    )
    .await;
    assert_eq!(assign.status, StatusCode::SEE_OTHER, "{}", assign.text());
    let page = html(&d.api, &d.ana, &path(id)).await;
    assert!(!page.contains("id=\"assign-me\""), "it is hers now");
    let stale = post(
        &d.api,
        &d.ana,
        &format!("{}/solve", path(id)),
        &[("version", "1"), ("last_event", "1")],
        true,
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text());
    assert!(text(&stale).contains("id=\"conflict\""));
    assert!(text(&stale).contains("<li>Status to solved</li>"));
    let solve = post(
        &d.api,
        &d.ana,
        &format!("{}/solve", path(id)),
        &[("version", &hidden(&page, "version"))],
        true,
    )
    .await;
    assert_eq!(solve.status, StatusCode::SEE_OTHER, "{}", solve.text());
    let page = html(&d.api, &d.ana, &path(id)).await;
    let row = page
        .split("data-metric=\"resolution\"")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(row.starts_with(" data-state=\"achieved\""), "{row}");
    assert!(row.contains("met, stopped"), "{row}");
    assert!(
        !page.contains("id=\"solve\""),
        "a solved ticket has no Solve button"
    );
}

async fn another_vendors_ticket_is_not_found(store: Store) {
    let d = desk(store.clone()).await;
    let acme = store
        .insert_vendor("Acme BPO", Timestamp(1))
        .await
        .unwrap()
        .id;
    let other = store
        .insert_vendor("Other BPO", Timestamp(1))
        .await
        .unwrap()
        .id;
    let ours = paydesk_testkit::routing::queue(&store, "acme", Some(acme))
        .await
        .unwrap();
    let theirs = paydesk_testkit::routing::queue(&store, "other", Some(other))
        .await
        .unwrap();
    let bea = person(&d.api, &d.app, "bea", Role::BpoAgent, Some(acme)).await;
    let in_queue = |q, subject: &str| {
        let mut input = NewTicketInput::new(subject, "help", BusinessLine::Buyer, Channel::Web);
        input.queue_id = Some(q);
        input
    };
    let system = Caller::system();
    let mine = d
        .app
        .create_ticket(&system, in_queue(ours, "Ours"), None)
        .await
        .unwrap()
        .ticket
        .id;
    let not_mine = d
        .app
        .create_ticket(&system, in_queue(theirs, "Theirs"), None)
        .await
        .unwrap()
        .ticket
        .id;

    let reply = get(&d.api, &bea, &path(not_mine)).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND, "{}", reply.text());
    assert!(!text(&reply).contains("Theirs"));
    let page = html(&d.api, &bea, &path(mine)).await;
    assert!(page.contains("id=\"visibility-internal\""));
    assert!(
        !page.contains("id=\"visibility-public\""),
        "a BPO agent only writes notes"
    );
    let refused = post(
        &d.api,
        &bea,
        &format!("{}/messages", path(not_mine)),
        &[("visibility", "internal"), ("body", "probe")],
        true,
    )
    .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

on_both_engines!(
    the_page_shows_conversation_and_panels,
    replies_and_notes_by_form,
    fields_save_and_a_stale_form_is_refused,
    solving_stops_the_resolution_clock,
    another_vendors_ticket_is_not_found,
);
