//! The OpenAPI document, generated from the handlers' annotations and the DTO types.

use super::{
    agents, chat, customers, deliveries, dispute_dto as dd, disputes, dto, escalation_dto as edto,
    escalations, incident_dto as idto, incidents, macro_dto as mdto, macros, mail,
    payment_dto as pd, payment_health as ph, payments, privacy, queues, refund_dto, refunds,
    routing_dto as rd, rule_dto, rules, session, sla, sop_dto as sd, sops, tickets, tokens, work,
};
use crate::error::{Problem, RefusalOut};
use axum::routing::get;
use axum::{Json, Router};
use paydesk_app::App;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "paydesk API", description = "Tickets, customers and their timelines for a payments support desk. Errors are application/problem+json (RFC 9457) with a stable `code`."),
    paths(
        tickets::create, tickets::list, tickets::get_one, tickets::change, tickets::add_message, tickets::timeline,
        customers::create, customers::list, customers::get_one, customers::change, privacy::export, privacy::erase,
        session::sign_in, session::current, session::sign_out, tokens::create, tokens::list, tokens::revoke,
        mail::receive, mail::download,
        deliveries::list,
        sla::list_calendars, sla::create_calendar, sla::change_calendar, sla::list_policies, sla::create_policy, sla::change_policy, sla::ticket_clocks,
        chat::start, chat::get_one, chat::add_message, chat::transcript,
        queues::list, queues::create, queues::get_one, queues::change, queues::tickets, queues::add_member, queues::remove_member,
        work::my_work, work::next_ticket, work::my_presence, work::claim,
        agents::list, agents::get_one, agents::save, agents::presence, agents::teams, agents::create_team,
        disputes::list, disputes::get_one, disputes::add_evidence, disputes::remove_evidence, disputes::packet, disputes::submit, disputes::accept, disputes::outcome,
        incidents::list, incidents::declare, incidents::get_one, incidents::change, incidents::run_match,
        incidents::accept, incidents::dismiss, incidents::resolve, incidents::post_update,
        incidents::tickets, incidents::link, incidents::unlink, incidents::ticket_incidents,
        escalations::create, escalations::ticket_list, escalations::queue, escalations::get_one, escalations::change,
        escalations::take, escalations::wait, escalations::answer, escalations::decline,
        escalations::teams, escalations::team, escalations::create_team, escalations::change_team,
        macros::list, macros::create, macros::get_one, macros::replace, macros::remove, macros::preview, macros::apply,
        ph::record, ph::health, ph::check, ph::objectives, ph::set_objectives,
        refunds::create, refunds::ticket_refunds, refunds::list, refunds::get_one, refunds::approve, refunds::reject,
        refunds::policy, refunds::change_policy,
        payments::load_transactions, payments::list_transactions, payments::get_transaction,
        payments::load_payouts, payments::list_payouts, payments::get_payout,
        payments::ticket_payments, payments::link, payments::unlink, payments::activity,
        sops::list, sops::create, sops::get_one, sops::set_links, sops::new_version, sops::version,
        sops::edit_draft, sops::move_version, sops::ticket_sops, sops::start, sops::mark_step,
        sops::requirements, sops::require_checklist, sops::lift_requirement,
        rules::list, rules::create, rules::get_one, rules::replace, rules::remove, rules::activate,
        rules::deactivate, rules::reorder, rules::dry_run, rules::firings,
    ),
    components(schemas(
        Problem, rule_dto::RuleIn, rule_dto::RuleOut, rule_dto::RuleOrder, rule_dto::DryRunOut, rule_dto::DryRunHitOut,
        rule_dto::FiringOut, paydesk_domain::rules::RuleSpec, dto::TicketOut, dto::TicketDetail, dto::MessageOut, dto::EventOut, dto::TicketPage, dto::EventPage,
        dto::CreateTicket, dto::PatchTicket, dto::CreateMessage, dto::AttachmentIn, dto::CustomerOut, dto::CustomerPage,
        dto::CreateCustomer, dto::PatchCustomer, session::SignIn, session::SessionOut, session::SessionUser,
        privacy::CustomerExportOut, privacy::ErasedOut, tokens::CreateToken, tokens::TokenOut, tokens::CreatedTokenOut, tokens::TokenList,
        mail::MailReceipt,
        deliveries::DeliveryOut, deliveries::DeliveryList,
        sla::CalendarOut, sla::CalendarIn, sla::PolicyOut, sla::PolicyIn, sla::ClockOut, sla::ClockList,
        chat::StartChat, chat::ChatSessionOut, chat::ChatMessageIn, chat::ChatLine, chat::Transcript,
        rd::QueueOut, rd::QueueList, rd::QueueCountsOut, rd::PatchQueue, rd::CreateQueue, rd::WorkRowOut, rd::WorkPage,
        rd::PresenceIn, rd::AgentOut, rd::AgentList, rd::PutAgent, rd::TeamOut, rd::TeamList, rd::CreateTeam,
        dd::DisputeOut, dd::DisputePage, dd::DisputeDetail, dd::ReasonOut, dd::ChecklistOut, dd::EvidenceOut, dd::EvidenceIn, dd::EvidenceFileIn, dd::OutcomeIn,
        idto::ScopeDto, idto::DeclareIncident, idto::PatchIncident, idto::PostUpdate, idto::ResolveIncident,
        idto::DismissIncident, idto::LinkTicket, idto::IncidentOut, idto::IncidentLinked, idto::UpdateOut,
        idto::EntryOut, idto::IncidentDetail, idto::IncidentPage, idto::LinkedTicketOut, idto::LinkedTicketList,
        idto::TicketIncidentOut, idto::TicketIncidentList, idto::LinkOut, incidents::MatchOut, incidents::ResolvedOut,
        mdto::ScopeIn, mdto::MacroIn, mdto::MacroOut, mdto::MacroList, mdto::ChangeOut, mdto::RenderedReplyOut,
        mdto::PreviewOut, mdto::ApplyIn, mdto::AppliedOut, paydesk_domain::macros::MacroReply,
        paydesk_domain::macros::MacroAction, paydesk_domain::macros::MacroScope, paydesk_domain::macros::ReplyVisibility,
        ph::PaymentEventBatch, ph::PaymentEventIn, ph::RefusedOut, ph::RecordedOut, ph::WindowOut, ph::CodeCount,
        ph::GatewayHealthOut, ph::HealthOut, ph::CheckOut, ph::ObjectiveOverrideDto, ph::ObjectivesDto,
        RefusalOut, refund_dto::RefundOut, refund_dto::RefundPage, refund_dto::CreateRefund, refund_dto::DecideRefund,
        refund_dto::RefundPolicyOut, refund_dto::RefundPolicyIn,
        pd::TransactionIn, pd::PayoutIn, pd::TransactionBatch, pd::PayoutBatch, pd::ItemResultOut, pd::BatchOut,
        pd::TransactionOut, pd::PayoutOut, pd::LinkedDisputeOut, pd::TransactionPage, pd::PayoutPage, pd::LinkedOut,
        pd::RecentOut, pd::TicketPaymentsOut, pd::PaymentLinkIn, pd::PaymentLinkOut, pd::ActivityTicketOut, pd::ActivityOut,
        pd::ActivityPageOut,
        sd::SopOut, sd::SopList, sd::VersionOut, sd::VersionSummary, sd::SopDetail, sd::CreateSop, sd::EditDraft,
        sd::SetLinks, sd::StartSop, sd::MarkStep, sd::DoneStepOut, sd::RunOut, sd::StartedOut, sd::ApplicableOut,
        sd::ChecklistOut, sd::TicketSopsOut, sd::RequirementOut, sd::RequirementList, sops::RequirementChanged,
        paydesk_domain::sop::SopLinks, paydesk_domain::sop::Step, paydesk_domain::sop::StepKind,
        paydesk_domain::sop::VersionStatus,
        edto::CreateEscalation, edto::MoveEscalation, edto::AnswerEscalation, edto::PatchEscalation, edto::ClockOut,
        edto::EscalationOut, edto::EscalationList, edto::ReasonOut, edto::PartnerTeamOut, edto::PartnerTeamList,
        edto::PartnerTeamIn,
    )),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
    tags((name = "tickets"), (name = "customers"), (name = "session"), (name = "tokens"), (name = "intake"), (name = "chat"), (name = "sla"), (name = "queues"), (name = "work"), (name = "agents"), (name = "disputes"), (name = "incidents"), (name = "escalations"), (name = "payments"), (name = "refunds"), (name = "sops"), (name = "macros"), (name = "rules"))
)]
pub struct ApiDoc;

/// How callers authenticate: an API token as a bearer token, or a session cookie (with
/// the session's CSRF token in `X-CSRF-Token` on unsafe methods).
struct Security;

impl utoipa::Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API token: pd_<prefix>_<secret>"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::auth::SESSION_COOKIE,
            ))),
        );
    }
}

pub fn routes() -> Router<App> {
    Router::new().route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
}
