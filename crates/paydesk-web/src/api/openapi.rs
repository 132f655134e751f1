//! The OpenAPI document, generated from the handlers' annotations and the DTO types.

use super::{customers, dto, tickets};
use crate::error::Problem;
use axum::routing::get;
use axum::{Json, Router};
use paydesk_app::App;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "paydesk API", description = "Tickets, customers and their timelines for a payments support desk. Errors are application/problem+json (RFC 9457) with a stable `code`."),
    paths(
        tickets::create, tickets::list, tickets::get_one, tickets::change, tickets::add_message, tickets::timeline,
        customers::create, customers::list, customers::get_one, customers::change,
    ),
    components(schemas(
        Problem, dto::TicketOut, dto::TicketDetail, dto::MessageOut, dto::EventOut, dto::TicketPage, dto::EventPage,
        dto::CreateTicket, dto::PatchTicket, dto::CreateMessage, dto::AttachmentIn, dto::CustomerOut, dto::CustomerPage,
        dto::CreateCustomer, dto::PatchCustomer,
    )),
    tags((name = "tickets"), (name = "customers"))
)]
pub struct ApiDoc;

pub fn routes() -> Router<App> {
    Router::new().route("/openapi.json", get(|| async { Json(ApiDoc::openapi()) }))
}
