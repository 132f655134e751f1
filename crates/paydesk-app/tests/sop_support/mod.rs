//! What the SOP suites share: the claim SOP, publishing with four eyes, a solve.

#![allow(dead_code, reason = "each suite uses part of it")]

use super::incident_support::at;
use paydesk_app::sops::SopInput;
use paydesk_app::tickets::TicketChange;
use paydesk_app::{App, Caller};
use paydesk_domain::id::SopId;
use paydesk_domain::sop::{SopLinks, VersionMove};
use paydesk_domain::ticket::{BusinessLine, Status, TicketPatch};

pub const CLAIM_BODY: &str = "Follow this for every claim of a charge the customer did not make.\n\n\
1. Confirm the customer's identity\n\
2. Check the transaction in the ledger\n\n\
- [ ] Ask whether someone in the household used the card\n\
- [ ] Block the card and send a new one\n";

pub fn claim_input() -> SopInput {
    SopInput {
        title: "Unauthorised charge claim".into(),
        body: CLAIM_BODY.into(),
        links: SopLinks {
            categories: vec!["unauthorised_charge".into()],
            business_lines: vec![BusinessLine::Buyer],
            reason_codes: vec![],
        },
        owner_id: None,
        review_by: Some(at(60 * 24 * 90)),
    }
}

/// A writer's SOP published by a second publisher.
pub async fn published(app: &App, writer: &Caller, publisher: &Caller, input: SopInput) -> SopId {
    let sop = app.create_sop(writer, input).await.unwrap();
    app.move_sop_version(writer, sop.id, 1, VersionMove::Submit)
        .await
        .unwrap();
    app.move_sop_version(publisher, sop.id, 1, VersionMove::Publish)
        .await
        .unwrap();
    sop.id
}

pub fn solve() -> TicketChange {
    TicketChange {
        patch: TicketPatch {
            status: Some(Status::Solved),
            ..TicketPatch::default()
        },
        expected_version: None,
    }
}
