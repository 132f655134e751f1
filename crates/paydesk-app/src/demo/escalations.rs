//! The demo desk's partner teams and escalations: the standard teams (L2 payment
//! specialists, engineering, finance, risk, legal) with their calendars, response targets
//! and reasons, and escalations on the newest open tickets in different states: one just
//! sent with the ticket on hold, one in progress with a tracker link, one answered (its
//! answer a note on the ticket) and one sent long ago that is past its target.
//!
//! The partner sign-in is a member of L2 and engineering, the finance sign-in of finance,
//! so their queues show work at once.

use super::people::Desk;
use crate::error::AppError;
use crate::escalations::NewEscalation;
use crate::escalations::teams::PartnerTeamInput;
use crate::{App, Caller};
use paydesk_domain::escalation::{PartnerKind, ResponseTargets, Severity};
use paydesk_domain::policy::Principal;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::Status;
use paydesk_domain::{Timestamp, UserId};
use paydesk_store::{
    NewEscalation as NewEscalationRow, PageRequest, StoredPartnerTeam, TicketFilter,
};

/// Name, kind, whether it counts in the in-house calendar, targets (sev1..sev4 minutes)
/// and reasons.
type TeamSpec = (
    &'static str,
    PartnerKind,
    bool,
    [i64; 4],
    &'static [&'static str],
);

const TEAMS: [TeamSpec; 5] = [
    (
        "L2 payment specialists",
        PartnerKind::Tier,
        true,
        [60, 240, 480, 1440],
        &[
            "Refund stuck or missing",
            "Unexplained decline",
            "Duplicate charge",
            "Chargeback evidence",
        ],
    ),
    (
        "Engineering",
        PartnerKind::Engineering,
        false,
        [60, 480, 1440, 4320],
        &["Webhook or API failure", "Checkout bug", "Data fix needed"],
    ),
    (
        "Finance",
        PartnerKind::Finance,
        true,
        [120, 480, 1440, 2880],
        &[
            "Payout missing or late",
            "Fee or invoice question",
            "Reconciliation gap",
        ],
    ),
    (
        "Risk",
        PartnerKind::Risk,
        false,
        [30, 240, 720, 1440],
        &["Suspected fraud", "Account under review", "Limit increase"],
    ),
    (
        "Legal",
        PartnerKind::Legal,
        true,
        [240, 1440, 2880, 7200],
        &[
            "Law enforcement request",
            "Regulator complaint",
            "Terms dispute",
        ],
    ),
];

fn person(id: UserId, role: Role) -> Caller {
    Caller::new(
        Principal::User {
            id,
            role,
            vendor_id: None,
        },
        None,
    )
}

async fn login_of(app: &App, desk: &Desk, role: Role) -> Result<Option<UserId>, AppError> {
    match desk.logins.iter().find(|l| l.role == role) {
        Some(login) => Ok(app.store.user_by_email(&login.email).await?.map(|u| u.id)),
        None => Ok(None),
    }
}

/// Creates the teams, then the escalations; returns how many notes they left on tickets.
pub(super) async fn set_up(app: &App, desk: &Desk) -> Result<usize, AppError> {
    let system = Caller::system();
    let in_house = app
        .store
        .calendars()
        .await?
        .into_iter()
        .find(|c| c.name.starts_with("In-house"))
        .map(|c| c.id);
    let partner = login_of(app, desk, Role::Partner).await?;
    let mut teams = Vec::with_capacity(TEAMS.len());
    for (index, (name, kind, business_hours, t, reasons)) in TEAMS.iter().enumerate() {
        let mut members: Vec<UserId> = match kind {
            PartnerKind::Finance => desk.finance.iter().map(|w| w.id).collect(),
            _ => desk
                .partners
                .iter()
                .skip(index % 2)
                .step_by(2)
                .map(|w| w.id)
                .collect(),
        };
        if matches!(kind, PartnerKind::Tier | PartnerKind::Engineering) {
            members.extend(partner);
        }
        let input = PartnerTeamInput {
            id: None,
            expected_version: None,
            name: (*name).into(),
            kind: *kind,
            calendar_id: in_house.filter(|_| *business_hours),
            targets: ResponseTargets {
                sev1_minutes: t[0],
                sev2_minutes: t[1],
                sev3_minutes: t[2],
                sev4_minutes: t[3],
            },
            is_active: true,
            members,
            reasons: reasons.iter().map(|r| (*r).to_string()).collect(),
        };
        teams.push(app.save_partner_team(&system, input).await?);
    }
    escalate_some(app, desk, &teams).await
}

fn ask(
    team: &StoredPartnerTeam,
    severity: Severity,
    summary: &str,
    question: &str,
) -> NewEscalation {
    NewEscalation {
        team_id: team.id,
        reason_id: team.reasons.first().map_or(0, |r| r.id),
        severity,
        summary: summary.into(),
        question: question.into(),
        hold_ticket: false,
    }
}

async fn escalate_some(
    app: &App,
    desk: &Desk,
    teams: &[StoredPartnerTeam],
) -> Result<usize, AppError> {
    let (Some(agent), Some(worker)) = (
        login_of(app, desk, Role::Agent).await?,
        desk.partners.first(),
    ) else {
        return Ok(0);
    };
    let open = TicketFilter {
        statuses: vec![Status::Open, Status::Pending],
        ..TicketFilter::default()
    };
    let tickets = app
        .store
        .list_tickets(&open, &PageRequest::first(3))
        .await?
        .items;
    let [first, second, third] = tickets.as_slice() else {
        return Ok(0);
    };
    let (Some(l2), Some(engineering), Some(finance), Some(risk)) =
        (teams.first(), teams.get(1), teams.get(2), teams.get(3))
    else {
        return Ok(0);
    };
    let requester = person(agent, Role::Agent);
    let specialist = person(worker.id, Role::Partner);
    let mut held = ask(
        l2,
        Severity::Sev2,
        "Refund shows as sent but never arrived",
        "The gateway says the refund went out a week ago; can you find the ARN so the customer can ask their bank?",
    );
    held.hold_ticket = true;
    app.escalate(&requester, first.id, held).await?;
    let in_progress = app
        .escalate(
            &requester,
            second.id,
            ask(
                engineering,
                Severity::Sev3,
                "Paid webhook not received by the shop",
                "The order was paid but the merchant's shop never got the webhook. Did it fire, and what did the shop answer?",
            ),
        )
        .await?;
    app.take_escalation(&specialist, in_progress.id, None)
        .await?;
    app.set_escalation_external_ref(&specialist, in_progress.id, "ENG-2481", None)
        .await?;
    let before = app.store.messages(third.id).await?.len();
    let answered = app
        .escalate(
            &requester,
            third.id,
            ask(
                finance,
                Severity::Sev3,
                "Payout missing from the bank statement",
                "Was this payout in the bank file, and if it bounced, when is it sent again?",
            ),
        )
        .await?;
    let finance_person = desk.finance.first().map_or(worker.id, |w| w.id);
    app.answer_escalation(
        &person(finance_person, Role::Finance),
        answered.id,
        "It bounced on a closed account. It goes out again tomorrow to the new account on file.",
        None,
    )
    .await?;
    let notes = app.store.messages(third.id).await?.len() - before;
    // Sent long ago on a quiet ticket (right after its last change, so its history stays
    // in order) and never taken: past its target, shown overdue; the timers mark it
    // breached on their first round.
    let quiet = app
        .store
        .list_tickets(&open, &PageRequest::first(200))
        .await?
        .items
        .into_iter()
        .filter(|t| ![first.id, second.id, third.id].contains(&t.id))
        .min_by_key(|t| t.updated_at);
    let sent = quiet
        .as_ref()
        .map(|t| t.updated_at.plus_millis(Timestamp::MINUTE));
    if let (Some(ticket), Some(sent)) = (quiet, sent)
        && sent.plus_millis(Timestamp::DAY) < app.now()
    {
        app.store
            .insert_escalation(&NewEscalationRow {
                ticket_id: ticket.id,
                team_id: risk.id,
                reason_id: risk.reasons.first().map_or(0, |r| r.id),
                severity: Severity::Sev2,
                summary: "Customer asks why the account is under review".into(),
                question: "Is the review still needed, and what may we tell the customer?".into(),
                requested_by: requester.actor(),
                at: sent,
                ip: None,
            })
            .await?;
    }
    Ok(notes)
}
