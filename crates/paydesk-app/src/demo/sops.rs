//! The demo's SOP library: five payment procedures written by the lead and published by
//! the admin (four eyes), one in its second version, one past its review date, one draft
//! waiting for review; and the requirement that unrecognised or fraudulent charges are
//! solved only once the claim checklist is complete.

use super::people::Desk;
use super::refunds::person;
use crate::error::AppError;
use crate::sops::{DraftInput, SopInput};
use crate::{App, Caller};
use paydesk_domain::Timestamp;
use paydesk_domain::role::Role;
use paydesk_domain::sop::{SopLinks, VersionMove};
use paydesk_domain::ticket::BusinessLine;

const DAY: i64 = Timestamp::DAY;

/// One SOP: title, body, categories, business lines, reason codes, review in days from
/// the end of the demo (negative: overdue).
struct Procedure {
    title: &'static str,
    body: &'static str,
    categories: &'static [&'static str],
    lines: &'static [BusinessLine],
    reason_codes: &'static [&'static str],
    review_in_days: i64,
}

const CLAIM: &str = "Use this for every buyer who says a charge on their card is not theirs.\n\n\
## Before anything else\n\n\
1. Confirm the customer's identity with two account facts (email and last login country)\n\
2. Find the charge in the payments panel and note its gateway reference\n\
3. Check whether the charge matches a device or address the account used before\n\n\
## Protect the customer\n\n\
- [ ] Ask whether someone in the household or a saved subscription could have made it\n\
- [ ] Lock the account's saved cards if the customer does not recognise the device\n\
- [ ] Tell the customer not to share one-time codes with anyone\n\n\
If the charge is confirmed as fraud, escalate to Risk (L3) with the reference.";

const REFUND: &str = "For a buyer waiting for a refund we already issued.\n\n\
1. Find the refund in the payments panel and check it succeeded\n\
2. Give the customer the acquirer reference number (ARN) so their bank can trace it\n\
3. Explain that card refunds take 5 to 10 business days to appear\n\n\
- [ ] Set the ticket to pending with a reminder for the end of that window";

const PAYOUT: &str = "For a creator or merchant whose payout has not arrived.\n\n\
1. Check the payout's status and its scheduled date\n\
2. Look for a compliance or identity hold on the account\n\
3. Confirm the bank account on file with the customer (last four digits only)\n\n\
- [ ] If the payout failed, ask the customer to update the bank details and retry it\n\
- [ ] If it is held, tell the customer which document unlocks it";

const EVIDENCE: &str = "For a chargeback the network raised against a merchant's sale.\n\n\
1. Read the reason code and the due date on the dispute\n\
2. Collect the evidence its checklist names (delivery proof, conversation, terms)\n\
3. Write a short rebuttal that answers the reason code, not the customer's story\n\n\
- [ ] Submit before the due date; a late answer is a lost dispute";

const DUPLICATE: &str = "For a buyer charged twice for one purchase.\n\n\
1. Find both charges and compare amount, time and order reference\n\
2. If one is only an authorisation hold, explain that it drops off within 7 days\n\n\
- [ ] Refund the second capture if both were captured\n\
- [ ] Tag the ticket duplicate_charge for the weekly gateway report";

const PROCEDURES: &[Procedure] = &[
    Procedure {
        title: "Unauthorised charge claim",
        body: CLAIM,
        categories: &["unrecognised_or_fraud"],
        lines: &[BusinessLine::Buyer],
        reason_codes: &[],
        review_in_days: 120,
    },
    Procedure {
        title: "Refund not received",
        body: REFUND,
        categories: &["refund"],
        lines: &[BusinessLine::Buyer],
        reason_codes: &[],
        review_in_days: 60,
    },
    Procedure {
        title: "Payout delayed",
        body: PAYOUT,
        categories: &["transfer_or_payout"],
        lines: &[],
        reason_codes: &[],
        review_in_days: -12,
    },
    Procedure {
        title: "Chargeback evidence",
        body: EVIDENCE,
        categories: &[],
        lines: &[],
        reason_codes: &["10.4", "13.1", "13.3", "4837", "4853"],
        review_in_days: 90,
    },
    Procedure {
        title: "Duplicate charge",
        body: DUPLICATE,
        categories: &["duplicate_charge"],
        lines: &[BusinessLine::Buyer],
        reason_codes: &[],
        review_in_days: 30,
    },
];

async fn login(app: &App, desk: &Desk, role: Role) -> Result<Option<Caller>, AppError> {
    let Some(l) = desk.logins.iter().find(|l| l.role == role) else {
        return Ok(None);
    };
    Ok(app
        .store
        .user_by_email(&l.email)
        .await?
        .map(|u| person(u.id, role)))
}

/// Writes the library as of `end`. Returns how many SOPs it holds.
pub(super) async fn set_up(app: &App, desk: &Desk, end: Timestamp) -> Result<usize, AppError> {
    let (Some(lead), Some(admin)) = (
        login(app, desk, Role::Lead).await?,
        login(app, desk, Role::Admin).await?,
    ) else {
        return Ok(0);
    };
    let mut made = 0;
    for p in PROCEDURES {
        let sop = app
            .create_sop(
                &lead,
                SopInput {
                    title: p.title.into(),
                    body: p.body.into(),
                    links: SopLinks {
                        categories: p.categories.iter().map(|c| (*c).to_string()).collect(),
                        business_lines: p.lines.to_vec(),
                        reason_codes: p.reason_codes.iter().map(|c| (*c).to_string()).collect(),
                    },
                    owner_id: None,
                    review_by: Some(end.plus_millis(p.review_in_days * DAY)),
                },
            )
            .await?;
        app.move_sop_version(&lead, sop.id, 1, VersionMove::Submit)
            .await?;
        app.move_sop_version(&admin, sop.id, 1, VersionMove::Publish)
            .await?;
        made += 1;
        if p.title == "Unauthorised charge claim" {
            // A second version, published: the first stays readable as retired.
            let v2 = app.new_sop_version(&lead, sop.id).await?;
            let body = format!(
                "{CLAIM}\n\n- [ ] Note the outcome and the gateway reference in an internal note"
            );
            let input = DraftInput {
                title: v2.title,
                body,
                review_by: v2.review_by,
            };
            app.edit_sop_draft(&lead, sop.id, v2.version, input).await?;
            app.move_sop_version(&lead, sop.id, v2.version, VersionMove::Submit)
                .await?;
            app.move_sop_version(&admin, sop.id, v2.version, VersionMove::Publish)
                .await?;
        }
        if p.title == "Refund not received" {
            // A draft in review, for the admin to look at.
            let v2 = app.new_sop_version(&lead, sop.id).await?;
            app.move_sop_version(&lead, sop.id, v2.version, VersionMove::Submit)
                .await?;
        }
    }
    app.set_sop_requirement(&admin, "unrecognised_or_fraud", true)
        .await?;
    Ok(made)
}
