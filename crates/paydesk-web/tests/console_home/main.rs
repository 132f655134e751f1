//! The console's sign-in and home page over HTTP, on both engines: the session from the
//! sign-in form, the work lists most urgent first with tier and SLA words, filters, the
//! search box (ticket number, customer email, payment reference, words), saved views,
//! form CSRF, and vendor isolation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Api, Person, Reply, person};
use paydesk_app::tickets::NewTicketInput;
use paydesk_app::{App, Caller};
use paydesk_domain::customer::Tier;
use paydesk_domain::payment::{Money, Transaction};
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{BusinessLine, Channel, Priority, TicketPatch};
use paydesk_domain::{TicketId, Timestamp};
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;

on_both_engines!(
    sign_in_form_sets_the_session_and_returns,
    home_lists_my_tickets_most_urgent_first,
    filters_and_bad_filters,
    search_finds_by_number_email_reference_and_words,
    saved_views_are_personal,
    forms_need_the_csrf_field,
    a_vendor_agent_sees_its_vendor_only,
    an_agent_sets_their_presence,
);

/// The whole body as text (`Reply::text` is cut short for messages).
trait Whole {
    fn page(&self) -> String;
}

impl Whole for Reply {
    fn page(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// GET `path` as `who` (cookie only).
async fn get(api: &Api, who: &Person, path: &str) -> Reply {
    let request = Request::get(path)
        .header("cookie", who.cookie.clone())
        .body(Body::empty())
        .unwrap();
    api.send(request).await
}

/// POST an HTML form as `who`, with the CSRF token as a form field (as a browser would).
async fn post_form(api: &Api, who: &Person, path: &str, fields: &[(&str, &str)]) -> Reply {
    let mut all = vec![("csrf_token", who.csrf.as_str())];
    all.extend_from_slice(fields);
    let request = Request::post(path)
        .header("cookie", who.cookie.clone())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(serde_urlencoded::to_string(&all).unwrap()))
        .unwrap();
    api.send(request).await
}

async fn ticket(app: &App, subject: &str, line: BusinessLine, priority: Priority) -> TicketId {
    let mut input = NewTicketInput::new(subject, "Please help with my payment", line, Channel::Web);
    input.priority = priority;
    app.create_ticket(&Caller::system(), input, None)
        .await
        .unwrap()
        .ticket
        .id
}

async fn assign(app: &App, id: TicketId, to: &Person) {
    let patch = TicketPatch {
        assignee_id: Some(Some(to.id)),
        ..TicketPatch::default()
    };
    let version = app
        .ticket(&Caller::system(), id)
        .await
        .unwrap()
        .ticket
        .version;
    let change = paydesk_app::tickets::TicketChange {
        patch,
        expected_version: Some(version),
    };
    app.change_ticket(&Caller::system(), id, change)
        .await
        .unwrap();
}

fn setup(store: Store) -> (Api, App) {
    let api = Api::new(store.clone());
    let app = App::new(store, api.clock.clone());
    (api, app)
}

async fn sign_in_form_sets_the_session_and_returns(store: Store) {
    let (api, app) = setup(store);
    let ana = person(&api, &app, "ana", Role::Agent, None).await;
    let anon = api
        .send(Request::get("/desk?list=all").body(Body::empty()).unwrap())
        .await;
    assert_eq!(anon.status, StatusCode::SEE_OTHER);
    assert_eq!(
        anon.header("location"),
        Some("/desk/sign-in?next=%2Fdesk%3Flist%3Dall")
    );

    let form = |password: &str| {
        let body = serde_urlencoded::to_string([
            ("email", "ana@desk.example"),
            ("password", password),
            ("next", "/desk?list=all"),
        ])
        .unwrap();
        Request::post("/desk/sign-in")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    let wrong = api.send(form("not-the-password")).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .page()
            .contains("The email or the password is not right")
    );
    assert!(
        wrong.page().contains("value=\"ana@desk.example\""),
        "the email stays filled in"
    );

    let right = api.send(form(common::PASSWORD)).await;
    assert_eq!(right.status, StatusCode::SEE_OTHER);
    assert_eq!(right.header("location"), Some("/desk?list=all"));
    let cookie = right
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let home = api
        .send(
            Request::get("/desk")
                .header("cookie", cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.page().contains("My tickets"));
    // The session works the same as one from the API.
    assert_eq!(get(&api, &ana, "/desk").await.status, StatusCode::OK);
}

async fn home_lists_my_tickets_most_urgent_first(store: Store) {
    let (api, app) = setup(store);
    let ana = person(&api, &app, "ana", Role::Agent, None).await;
    let low = ticket(&app, "Low one", BusinessLine::Buyer, Priority::Low).await;
    let urgent = ticket(&app, "Urgent one", BusinessLine::Merchant, Priority::Urgent).await;
    let not_mine = ticket(
        &app,
        "Someone else's",
        BusinessLine::Buyer,
        Priority::Urgent,
    )
    .await;
    assign(&app, low, &ana).await;
    assign(&app, urgent, &ana).await;
    let vip = app
        .create_customer(
            &Caller::system(),
            paydesk_domain::customer::NewCustomer {
                tier: Tier::Vip,
                ..paydesk_testkit::customer::customer(
                    BusinessLine::Merchant,
                    "Vera",
                    "vera@shop.example",
                )
            },
        )
        .await
        .unwrap();
    let mut input = NewTicketInput::new(
        "VIP payout",
        "Where is my payout",
        BusinessLine::Merchant,
        Channel::Web,
    );
    input.customer_id = Some(vip.id);
    let vip_ticket = app
        .create_ticket(&Caller::system(), input, None)
        .await
        .unwrap()
        .ticket
        .id;
    assign(&app, vip_ticket, &ana).await;

    let page = get(&api, &ana, "/desk").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.page();
    let at = |id: TicketId| html.find(&format!(">PD-{}</a>", id.0));
    assert!(at(urgent).unwrap() < at(low).unwrap(), "urgent before low");
    assert_eq!(at(not_mine), None, "only my tickets");
    assert!(html.contains("<span class=\"badge tier\">vip</span>"));
    assert_eq!(
        html.matches("badge tier").count(),
        1,
        "standard customers carry no badge"
    );
    assert!(
        html.contains("<span class=\"badge sla-none\">no clock running</span>"),
        "the SLA standing in words"
    );
    let ben = person(&api, &app, "ben", Role::Agent, None).await;
    assign(&app, not_mine, &ben).await;
    let all = get(&api, &ana, "/desk?list=all").await.page();
    assert!(all.contains(&format!(">PD-{}</a>", not_mine.0)));
    assert!(all.contains("<td>ben</td>"), "the holder by name");
    assert!(all.contains("<td>me</td>"));
}

async fn filters_and_bad_filters(store: Store) {
    let (api, app) = setup(store);
    let ana = person(&api, &app, "ana", Role::Agent, None).await;
    let buyer = ticket(&app, "Buyer refund", BusinessLine::Buyer, Priority::Normal).await;
    let creator = ticket(
        &app,
        "Creator payout",
        BusinessLine::Creator,
        Priority::Normal,
    )
    .await;
    let html = get(&api, &ana, "/desk?list=all&business_line=creator")
        .await
        .page();
    assert!(html.contains(&format!(">PD-{}</a>", creator.0)));
    assert!(!html.contains(&format!(">PD-{}</a>", buyer.0)));
    let bad = get(&api, &ana, "/desk?list=all&status=nonsense").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.page().contains("status: choose among"));
    let solved = get(&api, &ana, "/desk?list=all&status=solved").await.page();
    assert!(
        !solved.contains(&format!(">PD-{}</a>", buyer.0)),
        "unsolved tickets are not solved"
    );
}

async fn search_finds_by_number_email_reference_and_words(store: Store) {
    let (api, app) = setup(store.clone());
    let ana = person(&api, &app, "ana", Role::Agent, None).await;
    let words = ticket(
        &app,
        "Chargeback on my pottery order",
        BusinessLine::Buyer,
        Priority::Normal,
    )
    .await;
    let paid = ticket(&app, "Charged twice", BusinessLine::Buyer, Priority::Normal).await;
    let charge = Transaction::captured_charge(
        "stripe",
        "ch_3PzTEST",
        Money::new(999, "USD").unwrap(),
        Timestamp(common::T0),
    );
    paydesk_testkit::payment::linked_charge(&store, paid, &charge)
        .await
        .unwrap();
    let cust = app
        .create_customer(
            &Caller::system(),
            paydesk_testkit::customer::customer(BusinessLine::Buyer, "Bo", "bo@mail.example"),
        )
        .await
        .unwrap();
    let mut input = NewTicketInput::new(
        "Card declined",
        "Declined at checkout",
        BusinessLine::Buyer,
        Channel::Web,
    );
    input.customer_id = Some(cust.id);
    let bos = app
        .create_ticket(&Caller::system(), input, None)
        .await
        .unwrap()
        .ticket
        .id;

    let direct = get(&api, &ana, &format!("/desk?q=PD-{}", words.0)).await;
    assert_eq!(direct.status, StatusCode::SEE_OTHER);
    assert_eq!(
        direct.header("location"),
        Some(format!("/desk/tickets/PD-{}", words.0).as_str())
    );
    let shows = |html: &str, id: TicketId| html.contains(&format!(">PD-{}</a>", id.0));

    let by_words = get(&api, &ana, "/desk?q=pottery").await.page();
    assert!(shows(&by_words, words) && !shows(&by_words, paid));
    let by_ref = get(&api, &ana, "/desk?q=ch_3PzTEST").await.page();
    assert!(shows(&by_ref, paid) && !shows(&by_ref, words), "{by_ref}");
    assert!(by_ref.contains("linked to payment ch_3PzTEST"));
    let by_email = get(&api, &ana, "/desk?q=bo%40mail.example").await.page();
    assert!(shows(&by_email, bos) && !shows(&by_email, paid));
    let nothing = get(&api, &ana, "/desk?q=zebra-unicorn").await.page();
    assert!(nothing.contains("Nothing matched"));
    let masked = get(&api, &ana, "/desk?q=4111111111111111").await;
    assert_eq!(masked.status, StatusCode::OK);
    assert!(
        !masked.page().contains("4111111111111111"),
        "a card number typed in the search box is not shown back"
    );
}

async fn saved_views_are_personal(store: Store) {
    let (api, app) = setup(store);
    let ana = person(&api, &app, "ana", Role::Agent, None).await;
    let ben = person(&api, &app, "ben", Role::Agent, None).await;
    let saved = post_form(
        &api,
        &ana,
        "/desk/views",
        &[
            ("name", "Creators"),
            ("query", "list=all&business_line=creator"),
        ],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(
        saved.header("location"),
        Some("/desk?list=all&business_line=creator")
    );
    let home = get(&api, &ana, "/desk").await.page();
    assert!(home.contains(">Creators</a>"));
    assert!(
        !get(&api, &ben, "/desk")
            .await
            .page()
            .contains(">Creators</a>")
    );
    let empty = post_form(
        &api,
        &ana,
        "/desk/views",
        &[("name", "  "), ("query", "list=all")],
    )
    .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(empty.page().contains("The view was not saved"));
    let id = app
        .saved_views(&Caller::new(
            paydesk_domain::policy::Principal::User {
                id: ana.id,
                role: Role::Agent,
                vendor_id: None,
            },
            None,
        ))
        .await;
    let id = id
        .map(|v| v[0].id)
        .unwrap_or_else(|_| panic!("views readable"));
    assert_eq!(
        post_form(&api, &ben, &format!("/desk/views/{id}/delete"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post_form(&api, &ana, &format!("/desk/views/{id}/delete"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert!(
        !get(&api, &ana, "/desk")
            .await
            .page()
            .contains(">Creators</a>")
    );
}

async fn forms_need_the_csrf_field(store: Store) {
    let (api, app) = setup(store);
    let ana = person(&api, &app, "ana", Role::Agent, None).await;
    let request = Request::post("/desk/views")
        .header("cookie", ana.cookie.clone())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("name=x&query=list%3Dall"))
        .unwrap();
    assert_eq!(api.send(request).await.status, StatusCode::FORBIDDEN);
    let wrong = Request::post("/desk/views")
        .header("cookie", ana.cookie.clone())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("csrf_token=nope&name=x&query=list%3Dall"))
        .unwrap();
    assert_eq!(api.send(wrong).await.status, StatusCode::FORBIDDEN);
    assert!(
        app.saved_views(&Caller::system()).await.is_err(),
        "the system has no views of its own"
    );
}

async fn a_vendor_agent_sees_its_vendor_only(store: Store) {
    let (api, app) = setup(store.clone());
    let mut tickets = vec![];
    let mut vendors = vec![];
    for name in ["Northwind", "Southridge"] {
        let vendor = store.insert_vendor(name, Timestamp(1)).await.unwrap().id;
        let queue = paydesk_store::NewQueue {
            key: name.to_lowercase(),
            name: format!("{name} queue"),
            business_line: None,
            vendor_id: Some(vendor),
        };
        let queue = store.insert_queue(&queue, Timestamp(1)).await.unwrap().id;
        let input = NewTicketInput {
            queue_id: Some(queue),
            ..NewTicketInput::new(
                &format!("{name} zeppelin"),
                "A payout question",
                BusinessLine::Creator,
                Channel::Email,
            )
        };
        tickets.push(
            app.create_ticket(&Caller::system(), input, None)
                .await
                .unwrap()
                .ticket
                .id,
        );
        vendors.push(vendor);
    }
    let bpo = person(&api, &app, "nia", Role::BpoAgent, Some(vendors[0])).await;
    let shows = |html: &str, id: TicketId| html.contains(&format!(">PD-{}</a>", id.0));
    let all = get(&api, &bpo, "/desk?list=all").await.page();
    assert!(shows(&all, tickets[0]) && !shows(&all, tickets[1]));
    assert!(all.contains("Northwind queue") && !all.contains("Southridge queue"));
    let found = get(&api, &bpo, "/desk?q=zeppelin").await.page();
    assert!(shows(&found, tickets[0]) && !shows(&found, tickets[1]));
    let by_number = get(&api, &bpo, &format!("/desk?q=PD-{}", tickets[1].0)).await;
    assert_eq!(
        by_number.status,
        StatusCode::OK,
        "another vendor's ticket number does not open it"
    );
    assert!(!shows(&by_number.page(), tickets[1]));
    assert!(!by_number.page().contains("Southridge"));
}

async fn an_agent_sets_their_presence(store: Store) {
    let (api, app) = setup(store);
    let ana = person(&api, &app, "ana", Role::Agent, None).await;
    assert!(
        !get(&api, &ana, "/desk")
            .await
            .page()
            .contains("presence-select"),
        "no profile, no menu"
    );
    let input = paydesk_app::routing::AgentInput {
        skills: paydesk_domain::routing::Skills::default(),
        capacity: 5,
        chat_capacity: 1,
        team_id: None,
        calendar_id: None,
        expected_version: None,
    };
    app.save_agent(&Caller::system(), ana.id, input)
        .await
        .unwrap();
    assert!(
        get(&api, &ana, "/desk")
            .await
            .page()
            .contains("You are <strong>offline</strong>")
    );
    let set = post_form(&api, &ana, "/desk/presence", &[("presence", "online")]).await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    assert!(
        get(&api, &ana, "/desk")
            .await
            .page()
            .contains("You are <strong>online</strong>")
    );
    let bad = post_form(&api, &ana, "/desk/presence", &[("presence", "asleep")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}
