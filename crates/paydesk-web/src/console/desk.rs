//! Who is looking at a console page: [`Desk`], the signed-in person with their session,
//! and [`Chrome`], what the shared layout shows them (their name, the sections their role
//! may open, the CSRF token for forms).

use super::PREFIX;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use paydesk_app::Caller;
use paydesk_app::access::SessionAuth;
use paydesk_domain::policy::Action;

/// A signed-in person on a console page. Without a session (none, expired, or an API
/// token, which has no session) the page answers 303 to the sign-in page, which comes
/// back here afterwards.
#[derive(Debug, Clone)]
pub struct Desk {
    pub caller: Caller,
    pub session: SessionAuth,
}

impl<S: Send + Sync> FromRequestParts<S> for Desk {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let caller = parts.extensions.get::<Caller>().cloned();
        let session = parts.extensions.get::<SessionAuth>().cloned();
        match (caller, session) {
            (Some(caller), Some(session)) => Ok(Desk { caller, session }),
            _ => {
                let back = parts
                    .uri
                    .path_and_query()
                    .map_or(PREFIX, |p| p.as_str())
                    .to_string();
                let to = format!("{PREFIX}/sign-in?next={}", encode(&back));
                Err(Redirect::to(&to).into_response())
            }
        }
    }
}

impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for Desk {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        let caller = parts.extensions.get::<Caller>().cloned();
        let session = parts.extensions.get::<SessionAuth>().cloned();
        Ok(caller
            .zip(session)
            .map(|(caller, session)| Desk { caller, session }))
    }
}

impl Desk {
    /// Whether the person's role allows `action`.
    #[must_use]
    pub fn may(&self, action: Action) -> bool {
        self.caller.principal.may(action)
    }

    /// The layout's data, with `section` marked as the current one.
    #[must_use]
    pub fn chrome(&self, section: Section) -> Chrome {
        let nav = Section::ALL
            .iter()
            .filter(|s| s.open_to(self))
            .map(|s| NavItem {
                href: s.href(),
                label: s.label(),
                is_current: *s == section,
            })
            .collect();
        Chrome {
            user_name: self.session.user.name.clone(),
            role: self.session.user.role.as_str().replace('_', " "),
            csrf_token: self.session.csrf_token.clone(),
            nav,
            can_take_next: self.may(Action::TicketClaim),
            shortcuts: super::page::SHORTCUTS,
        }
    }
}

/// A part of the console, as the navigation shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Work,
    Macros,
    Overview,
    Agents,
    Escalations,
    Sops,
    Rules,
    Admin,
    Shortcuts,
}

impl Section {
    const ALL: [Section; 8] = [
        Section::Work,
        Section::Escalations,
        Section::Sops,
        Section::Macros,
        Section::Overview,
        Section::Agents,
        Section::Rules,
        Section::Admin,
    ];

    fn href(self) -> &'static str {
        match self {
            Section::Work => "/desk",
            Section::Macros => "/desk/macros",
            Section::Overview => "/desk/overview",
            Section::Agents => "/desk/agents",
            Section::Escalations => "/desk/escalations",
            Section::Sops => "/desk/sops",
            Section::Rules => "/desk/rules",
            Section::Admin => "/desk/admin",
            Section::Shortcuts => "/desk/shortcuts",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Section::Work => "My work",
            Section::Macros => "Macros",
            Section::Overview => "Queue overview",
            Section::Agents => "Agents",
            Section::Escalations => "Escalations",
            Section::Sops => "SOPs",
            Section::Rules => "Rules",
            Section::Admin => "Settings",
            Section::Shortcuts => "Shortcuts",
        }
    }

    /// Whether the person's role opens this section (the pages check again).
    fn open_to(self, desk: &Desk) -> bool {
        match self {
            Section::Work => desk.may(Action::TicketRead),
            Section::Macros => desk.may(Action::MacroUse),
            Section::Overview => desk.may(Action::ReportRead),
            Section::Agents => desk.may(Action::AgentRead),
            Section::Escalations => desk.may(Action::EscalationWork),
            Section::Sops => desk.may(Action::SopRead),
            Section::Rules => desk.may(Action::RuleManage),
            Section::Admin => {
                desk.may(Action::UserManage)
                    || desk.may(Action::ConfigManage)
                    || desk.may(Action::TokenManage)
                    || desk.may(Action::QueueManage)
            }
            Section::Shortcuts => true,
        }
    }
}

/// One link of the navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub is_current: bool,
}

/// What the shared layout shows.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub user_name: String,
    /// The role, in words ("bpo agent").
    pub role: String,
    /// For every form's hidden `csrf_token` field.
    pub csrf_token: String,
    pub nav: Vec<NavItem>,
    /// Whether the "Next ticket" button shows.
    pub can_take_next: bool,
    /// For the help overlay.
    pub shortcuts: &'static [super::page::Shortcut],
}

/// `text` as a URL query value.
#[must_use]
pub fn encode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|s| s.trim_start_matches('=').to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_a_path_with_its_query() {
        assert_eq!(
            encode("/desk/tickets/PD-1?x=a b&y=1"),
            "%2Fdesk%2Ftickets%2FPD-1%3Fx%3Da+b%26y%3D1"
        );
    }
}
