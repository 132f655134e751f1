//! Reading everything the ticket page shows, in two rounds of queries run side by side:
//! first the ticket with its messages, events, clocks, payments and the agents; then the
//! customer, their tickets, the queue and every name the page mentions in one lookup.

use super::customer::{CustomerPanel, OTHERS};
use super::payments::PaymentsPanel;
use super::people::{People, mentioned};
use super::view::{self, Abilities, ReplyBox, TicketPage};
use super::{sla, timeline};
use crate::console::desk::{Desk, Section};
use crate::console::escalations::rows;
use crate::console::when::When;
use paydesk_app::{App, AppError};
use paydesk_domain::event::Event;
use paydesk_domain::policy::Action;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::{Status, ticket_number};
use paydesk_domain::{TicketId, UserId};
use paydesk_store::{PageRequest, TicketFilter};

/// The most timeline pages read for one page view (200 events each).
const TIMELINE_PAGES: usize = 5;

/// The page with what it was built from, for the conflict banner.
pub struct Loaded {
    pub page: TicketPage,
    pub events: Vec<Event>,
    pub people: People,
}

/// Every event of the ticket, oldest first (up to [`TIMELINE_PAGES`] pages).
async fn events(app: &App, desk: &Desk, id: TicketId) -> Result<Vec<Event>, AppError> {
    let mut all = Vec::new();
    let mut request = PageRequest::first(PageRequest::MAX_LIMIT);
    for _ in 0..TIMELINE_PAGES {
        let page = app.timeline(&desk.caller, id, &request).await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(c) => request.cursor = Some(c),
            None => break,
        }
    }
    Ok(all)
}

/// What the person's role lets them do on the page.
fn abilities(desk: &Desk) -> Abilities {
    Abilities {
        may_update: desk.may(Action::TicketUpdate),
        may_assign_me: desk.may(Action::TicketClaim) || desk.may(Action::TicketUpdate),
        may_solve: desk.may(Action::TicketUpdate),
        may_see_customer: desk.may(Action::CustomerRead),
        may_see_payments: desk.may(Action::PaymentRead),
    }
}

/// The reply box: a BPO agent, or anyone without `ticket_reply`, only writes notes.
fn reply_box(desk: &Desk) -> ReplyBox {
    let may_note = desk.may(Action::TicketNote);
    let may_reply = desk.may(Action::TicketReply) && desk.session.user.role != Role::BpoAgent;
    ReplyBox {
        may_reply,
        may_note,
        may_set_status: desk.may(Action::TicketUpdate),
        body: String::new(),
        is_internal: !may_reply,
    }
}

/// The ticket's escalations and, for people who may escalate, the teams and reasons
/// to escalate to.
async fn escalation_panel(
    app: &App,
    desk: &Desk,
    id: TicketId,
) -> Result<(Vec<paydesk_store::StoredEscalation>, Vec<rows::TeamChoices>), AppError> {
    let escalations = app.ticket_escalations(&desk.caller, id).await?;
    let teams = if desk.may(Action::EscalationCreate) {
        rows::team_choices(&app.partner_teams(&desk.caller).await?)
    } else {
        vec![]
    };
    Ok((escalations, teams))
}

/// Reads the ticket page of `id` as `desk` may see it. Errors: the ticket's own
/// (not found, forbidden) and storage failures; panels the role may not open are left out.
pub async fn load(app: &App, desk: &Desk, id: TicketId) -> Result<Loaded, AppError> {
    let caller = &desk.caller;
    let can = abilities(desk);
    let (view, events, clocks, money, agents) = tokio::join!(
        app.ticket(caller, id),
        events(app, desk, id),
        app.ticket_sla(caller, id),
        async {
            if !can.may_see_payments {
                return Ok(None);
            }
            let (p, r, i) = tokio::join!(
                app.ticket_payments(caller, id),
                app.ticket_refunds(caller, id),
                app.ticket_incidents(caller, id)
            );
            Ok::<_, AppError>(Some((p?, r?, i?)))
        },
        async {
            if desk.may(Action::AgentRead) {
                app.agents(caller).await.map(|a| {
                    Some(
                        a.iter()
                            .map(paydesk_domain::routing::Candidate::user_id)
                            .collect::<Vec<_>>(),
                    )
                })
            } else {
                Ok(None)
            }
        }
    );
    let sops = if desk.may(Action::SopRead) {
        Some(app.ticket_sops(caller, id).await?)
    } else {
        None
    };
    let view = view?;
    let (events, clocks, money, agents) = (events?, clocks?, money?, agents?);
    let (escalations, escalate_to) = escalation_panel(app, desk, id).await?;
    let ticket = view.ticket;
    let me = desk.session.user.id;
    let mut more: Vec<UserId> = agents.clone().unwrap_or_default();
    more.push(me);
    more.extend(ticket.assignee_id);
    let ids = mentioned(&view.messages, &events, &more);
    let customer_id = ticket.customer_id.filter(|_| can.may_see_customer);
    let (names, queue, customer, others) = tokio::join!(
        app.staff_names(caller, &ids),
        async {
            match ticket.queue_id {
                Some(q) => app.queue_name(caller, q).await.map(Some),
                None => Ok(None),
            }
        },
        async {
            match customer_id {
                Some(c) => app.customer(caller, c).await.map(Some),
                None => Ok(None),
            }
        },
        async {
            let Some(c) = customer_id else {
                return Ok(vec![]);
            };
            let filter = TicketFilter {
                customer_id: Some(c),
                ..TicketFilter::default()
            };
            app.list_tickets(caller, &filter, &PageRequest::first(OTHERS + 1))
                .await
                .map(|p| p.items)
        }
    );
    let (queue, customer, others) = (queue?, customer?, others?);
    let people = People {
        names: names?,
        customer: customer.as_ref().map(|c| c.name.clone()),
    };
    let now = app.now();
    let page = TicketPage {
        chrome: desk.chrome(Section::Work),
        number: ticket_number(ticket.id),
        path: TicketPage::path_of(&ticket),
        queue: queue.unwrap_or_else(|| "No queue".into()),
        assignee: ticket
            .assignee_id
            .map_or_else(|| "Nobody".into(), |a| people.user(a)),
        is_mine: ticket.assignee_id == Some(me),
        created: When::at(ticket.created_at, now),
        updated: When::at(ticket.updated_at, now),
        messages: view::messages(&ticket, &view.messages, &people, now),
        reply: reply_box(desk),
        can: Abilities {
            may_solve: can.may_solve && ticket.status.can_move_to(Status::Solved),
            ..can
        },
        statuses: view::statuses(&ticket),
        priorities: view::priorities(&ticket),
        assignees: view::assignees(&ticket, me, agents.as_deref(), &people),
        assignee_value: ticket
            .assignee_id
            .map(|a| a.0.to_string())
            .unwrap_or_default(),
        tags_value: ticket.tags.join(", "),
        last_event: events.iter().map(|e| e.id.0).max().unwrap_or(0),
        clocks: sla::rows(&clocks, now),
        customer: customer.map(|c| CustomerPanel::new(c, &others, &ticket)),
        payments: money.map(|(p, r, i)| PaymentsPanel::new(&p, &r, &i, now)),
        sops: sops.map(|s| {
            super::sops::SopsPanel::new(
                &s,
                desk.may(Action::TicketUpdate) && ticket.status != Status::Closed,
            )
        }),
        timeline: timeline::rows(&events, &people, now),
        escalations: escalations.iter().map(|e| rows::row(e, now)).collect(),
        escalate_to,
        conflict: None,
        errors: vec![],
        macros: super::macro_picker::picker(app, desk, None).await,
        ticket,
    };
    Ok(Loaded {
        page,
        events,
        people,
    })
}
