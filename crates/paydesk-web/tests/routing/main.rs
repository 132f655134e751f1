//! The queues, work and agents API over HTTP, on both engines: queue views with SLA
//! fields and cursors, claims (409 when taken, 404 across vendors), next ticket, presence
//! set by a lead but not by a peer, and bad input answered with 4xx problems.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a test fails by panicking"
)]

#[path = "../common/mod.rs"]
mod common;

use axum::http::Method;
use common::{Api, Call, Person};
use paydesk_app::{App, Caller, ManualClock};
use paydesk_domain::role::Role;
use paydesk_domain::routing::Skills;
use paydesk_domain::{QueueId, Timestamp, UserId, VendorId};
use paydesk_store::Store;
use paydesk_testkit::on_both_engines;
use paydesk_testkit::routing::{queue, set_sla, tickets};
use serde_json::json;
use std::sync::Arc;

struct Desk {
    api: Api,
    north_queue: QueueId,
    south_queue: QueueId,
    lead: Person,
    ana: Person,
    ben: Person,
}

async fn person(
    api: &Api,
    app: &App,
    name: &str,
    role: Role,
    vendor: Option<VendorId>,
    queues: &[QueueId],
) -> Person {
    let sys = Caller::system();
    let signed_in = common::person(api, app, name, role, vendor).await;
    let id = signed_in.id;
    let input = paydesk_app::routing::AgentInput {
        skills: Skills::default(),
        capacity: 1,
        chat_capacity: 1,
        team_id: None,
        calendar_id: None,
        expected_version: None,
    };
    app.save_agent(&sys, id, input).await.unwrap();
    for q in queues {
        app.add_queue_member(&sys, *q, id).await.unwrap();
    }
    signed_in
}

async fn desk(store: Store) -> Desk {
    let app = App::new(
        store.clone(),
        Arc::new(ManualClock::at(Timestamp(common::T0))),
    );
    let api = Api::new(store.clone());
    let north = store
        .insert_vendor("Northwind", Timestamp(1))
        .await
        .unwrap()
        .id;
    let south = store
        .insert_vendor("Southridge", Timestamp(1))
        .await
        .unwrap()
        .id;
    let north_queue = queue(&store, "north", Some(north)).await.unwrap();
    let south_queue = queue(&store, "south", Some(south)).await.unwrap();
    let lead = person(&api, &app, "lead", Role::Lead, None, &[]).await;
    let ana = person(
        &api,
        &app,
        "ana",
        Role::BpoAgent,
        Some(north),
        &[north_queue],
    )
    .await;
    let ben = person(
        &api,
        &app,
        "ben",
        Role::BpoAgent,
        Some(north),
        &[north_queue],
    )
    .await;
    Desk {
        api,
        north_queue,
        south_queue,
        lead,
        ana,
        ben,
    }
}

fn claim(ticket: paydesk_domain::TicketId) -> Call {
    Call::new(
        Method::POST,
        format!("/api/v1/tickets/PD-{}/claim", ticket.0),
    )
}

async fn claims_views_and_next_ticket(store: Store) {
    let d = desk(store.clone()).await;
    let ids = tickets(&store, d.north_queue, 3, 10).await.unwrap();
    let theirs = tickets(&store, d.south_queue, 1, 10).await.unwrap();
    set_sla(&store, ids[2], common::T0 + 60_000, false, true)
        .await
        .unwrap();

    let view = d
        .ana
        .send(
            &d.api,
            Call::get(format!("/api/v1/queues/{}/tickets?limit=2", d.north_queue)),
        )
        .await;
    assert_eq!(view.status, 200, "{}", view.text());
    let body = view.json();
    assert_eq!(body["items"][0]["number"], format!("PD-{}", ids[2].0));
    assert_eq!(body["items"][0]["sla"], "at_risk");
    assert!(body["items"][0]["sla_due_at"].is_string());
    assert_eq!(body["items"][1]["sla"], "none");
    assert!(body["items"][1]["sla_due_at"].is_null());
    let cursor = body["next_cursor"].as_str().unwrap();
    let rest = d
        .ana
        .send(
            &d.api,
            Call::get(format!(
                "/api/v1/queues/{}/tickets?cursor={cursor}",
                d.north_queue
            )),
        )
        .await;
    assert_eq!(rest.json()["items"].as_array().unwrap().len(), 1);
    let bad = d
        .ana
        .send(
            &d.api,
            Call::get(format!("/api/v1/queues/{}/tickets?cursor=x", d.north_queue)),
        )
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text());
    let hidden = d
        .ana
        .send(
            &d.api,
            Call::get(format!("/api/v1/queues/{}/tickets", d.south_queue)),
        )
        .await;
    assert_eq!(hidden.status, 404);

    let other_vendor = d
        .ana
        .send(
            &d.api,
            Call::post(
                format!("/api/v1/tickets/PD-{}/claim", theirs[0].0),
                json!({}),
            ),
        )
        .await;
    assert_eq!(other_vendor.status, 404, "{}", other_vendor.text());

    let won = d.ana.send(&d.api, claim(ids[0])).await;
    assert_eq!(won.status, 200, "{}", won.text());
    assert_eq!(won.json()["assignee_id"], d.ana.id.0);
    let lost = d.ben.send(&d.api, claim(ids[0])).await;
    assert_eq!(lost.status, 409);
    assert_eq!(lost.json()["code"], "already_assigned");
    let full = d.ana.send(&d.api, claim(ids[1])).await;
    assert_eq!(full.status, 409);
    assert_eq!(full.json()["code"], "at_capacity");

    let next = d
        .ben
        .send(&d.api, Call::new(Method::POST, "/api/v1/me/next-ticket"))
        .await;
    assert_eq!(next.status, 200, "{}", next.text());
    assert_eq!(next.json()["number"], format!("PD-{}", ids[2].0));
    let mine = d.ben.send(&d.api, Call::get("/api/v1/me/work")).await;
    assert_eq!(
        mine.json()["items"][0]["number"],
        format!("PD-{}", ids[2].0)
    );

    let lead_next = d
        .lead
        .send(&d.api, Call::new(Method::POST, "/api/v1/me/next-ticket"))
        .await;
    assert_eq!(
        lead_next.status, 204,
        "a lead in no queue has nothing to take"
    );
}

async fn presence_queues_and_bad_input(store: Store) {
    let d = desk(store.clone()).await;
    let set = |who: UserId, presence: &str| {
        Call::new(Method::PUT, format!("/api/v1/agents/{}/presence", who.0))
            .json(json!({ "presence": presence }))
    };
    let by_lead = d.lead.send(&d.api, set(d.ana.id, "online")).await;
    assert_eq!(by_lead.status, 200, "{}", by_lead.text());
    assert_eq!(by_lead.json()["presence"], "online");
    let by_peer = d.ben.send(&d.api, set(d.ana.id, "offline")).await;
    assert_eq!(by_peer.status, 403);
    let own = d
        .ben
        .send(
            &d.api,
            Call::new(Method::PUT, "/api/v1/me/presence").json(json!({"presence": "away"})),
        )
        .await;
    assert_eq!(own.status, 200, "{}", own.text());
    assert_eq!(own.json()["presence"], "away");
    let unknown = d.lead.send(&d.api, set(d.ana.id, "asleep")).await;
    assert_eq!(unknown.status, 400);

    let q = format!("/api/v1/queues/{}", d.north_queue);
    let patch = |body| Call::patch(q.clone(), body);
    let ok = d
        .lead
        .send(
            &d.api,
            patch(json!({"routing": "round_robin", "conditions": {"languages": ["en", "tl"]}})),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.json()["routing"], "round_robin");
    for bad in [
        json!({"overflow_after_minutes": 0, "overflow_queue_id": d.south_queue.0}),
        json!({"overflow_after_minutes": 10, "overflow_queue_id": d.north_queue.0}),
        json!({"overflow_after_minutes": 10, "overflow_queue_id": 999_999}),
        json!({"routing": "random"}),
        json!({"conditions": {"colour": ["red"]}}),
        json!({"conditions": {"categories": ["4111 1111 1111 1111"]}}),
    ] {
        let reply = d.lead.send(&d.api, patch(bad.clone())).await;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.text());
    }
    let created = d
        .lead
        .send(
            &d.api,
            Call::post(
                "/api/v1/queues",
                json!({"key": "vip", "name": "VIP", "routing": "skills", "position": 1,
                       "conditions": {"customer_tiers": ["vip"]}}),
            ),
        )
        .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let list = d.ana.send(&d.api, Call::get("/api/v1/queues")).await;
    let keys: Vec<_> = list.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys, ["north"], "a BPO agent sees its vendor's queues only");
    let team = d
        .lead
        .send(
            &d.api,
            Call::post(
                "/api/v1/teams",
                json!({"name": "Manila nights", "kind": "vendor"}),
            ),
        )
        .await;
    assert_eq!(team.status, 201, "{}", team.text());
    let profile = d
        .lead
        .send(
            &d.api,
            Call::new(Method::PUT, format!("/api/v1/agents/{}", d.ana.id.0))
                .json(json!({"skills": {"languages": ["en", "tl"], "tier": "l1"}, "capacity": -1})),
        )
        .await;
    assert_eq!(profile.status, 400, "{}", profile.text());
    let member = d
        .lead
        .send(
            &d.api,
            Call::new(
                Method::PUT,
                format!("/api/v1/queues/{}/members/{}", d.south_queue, d.ana.id.0),
            ),
        )
        .await;
    assert_eq!(member.status, 400, "{}", member.text());
}

on_both_engines!(claims_views_and_next_ticket, presence_queues_and_bad_input);
