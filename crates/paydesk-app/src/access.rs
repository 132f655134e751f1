//! Who is calling: sign-in of people into sessions, and API tokens of systems.
//!
//! - Passwords are checked with Argon2id ([`crate::password`]). An unknown email costs the
//!   same verification against a dummy hash, and every refusal is the same
//!   [`AppError::SignInFailed`], so answers do not tell whether an email has an account.
//! - Failed sign-ins are recorded per email and per IP address. Past a limit, tries are
//!   refused with [`AppError::TooManyAttempts`] (even with the right password) for a
//!   back-off that doubles with each further failure; see [`Lockout`].
//! - A session is a random cookie value; the store keeps only its SHA-256. It ends after
//!   [`AccessSettings::idle_timeout`] without requests, after
//!   [`AccessSettings::absolute_timeout`] in any case, and at sign-out.
//! - An API token (`pd_<prefix>_<secret>`) is shown once when made; the store keeps its
//!   SHA-256, its scopes and its expiry. Only callers allowed `token_manage` make, list and
//!   revoke tokens.
//!
//! Randomness comes from `rand`'s thread generator (a CSPRNG seeded by the OS), not from an
//! injected source: secrets must not be predictable, in tests either.

mod lockout;

pub use lockout::Lockout;

use crate::error::AppError;
use crate::{App, Caller, password};
use paydesk_domain::customer::normalize_email;
use paydesk_domain::event::EventKind;
use paydesk_domain::policy::{Action, Principal, Scope};
use paydesk_domain::{Actor, Timestamp, UserId};
use paydesk_store::{ApiToken, NewApiToken, NewSession, StoreError, User};
use rand::Rng as _;
use rand::distr::Alphanumeric;
use serde_json::json;
use sha2::{Digest as _, Sha256};
use std::sync::OnceLock;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The start of every API token.
pub const TOKEN_START: &str = "pd_";
/// Random characters in a token's prefix (shown in lists).
pub const TOKEN_PREFIX_CHARS: usize = 8;
/// Random characters in a token's secret part (about 238 bits).
pub const TOKEN_SECRET_CHARS: usize = 40;
/// Random characters in a session cookie value and a CSRF token (about 256 bits).
const SESSION_CHARS: usize = 43;
/// How far back failed sign-ins are read. A back-off streak older than this is forgotten.
const FAILURE_HORIZON_MS: i64 = Timestamp::DAY;
/// Longest accepted API token name, email and user agent.
const NAME_MAX: usize = 100;
const EMAIL_MAX: usize = 254;
const USER_AGENT_MAX: usize = 512;

/// Sign-in and session rules. [`Default`] follows current guidance (OWASP session
/// management): 30 minutes idle, 12 hours at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessSettings {
    /// A session without requests for this long has ended.
    pub idle_timeout: Duration,
    /// A session has ended this long after sign-in, however active.
    pub absolute_timeout: Duration,
    /// A session's `last_seen_at` is written at most this often (it measures idleness).
    pub touch_interval: Duration,
    /// Failures per email: 5 within 15 minutes, back-off 1 minute doubling up to 1 hour.
    pub email_lockout: Lockout,
    /// Failures per IP address, whatever the email: 20 within 15 minutes, same back-off.
    pub ip_lockout: Lockout,
}

impl Default for AccessSettings {
    fn default() -> Self {
        let lockout = |max_failures| Lockout {
            max_failures,
            window: Duration::from_secs(15 * 60),
            first_backoff: Duration::from_secs(60),
            max_backoff: Duration::from_secs(60 * 60),
        };
        Self {
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(12 * 60 * 60),
            touch_interval: Duration::from_secs(60),
            email_lockout: lockout(5),
            ip_lockout: lockout(20),
        }
    }
}

/// A successful sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// The session's secret, to set as the cookie. Not kept anywhere else.
    pub session_token: String,
    /// To send back in `X-CSRF-Token` (or a form's `csrf_token`) on changes.
    pub csrf_token: String,
    pub user: User,
    /// The absolute end of the session.
    pub expires_at: Timestamp,
}

/// A live session, as found from its cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionAuth {
    /// The principal to build the request's [`Caller`] from.
    pub principal: Principal,
    pub user: User,
    pub csrf_token: String,
    /// The absolute end of the session.
    pub expires_at: Timestamp,
}

/// A token just made: the clear token, shown once, and what is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedToken {
    /// `pd_<prefix>_<secret>`; only its hash is stored, so it cannot be shown again.
    pub token: String,
    pub record: ApiToken,
}

/// SHA-256 of `secret`, in lower-case hex: how sessions and tokens are found in the store.
#[must_use]
pub fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn random_chars(n: usize) -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(n)
        .map(char::from)
        .collect()
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

fn retry_after_secs(now: Timestamp, until: Timestamp) -> u64 {
    u64::try_from(until.since(now).max(0).saturating_add(999) / 1000).unwrap_or(u64::MAX)
}

fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Argon2id takes 19 MiB and tens of milliseconds per verification. This bounds how many
/// run at once, so a burst of sign-ins neither exhausts memory nor slips many tries past
/// the lock-out check before their failures are recorded.
fn verifications() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cpus = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        Semaphore::new(cpus.clamp(2, 16))
    })
}

/// A hash verified when there is no account (or no password), so that takes as long.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        password::hash(&random_chars(SESSION_CHARS)).unwrap_or_else(|_| String::new())
    })
}

/// Verifies off the async threads: Argon2 is CPU-bound.
async fn verify_password(password: &str, phc: Option<String>) -> bool {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || {
        let phc = phc.unwrap_or_else(|| dummy_hash().to_string());
        password::verify(&password, &phc)
    })
    .await
    .unwrap_or(false)
}

fn user_principal(user: &User) -> Principal {
    Principal::User {
        id: user.id,
        role: user.role,
        vendor_id: user.vendor_id,
    }
}

impl App {
    /// These rules instead of [`AccessSettings::default`].
    #[must_use]
    pub fn with_access_settings(mut self, settings: AccessSettings) -> Self {
        self.access = settings;
        self
    }

    /// The sign-in and session rules in force.
    #[must_use]
    pub fn access_settings(&self) -> &AccessSettings {
        &self.access
    }

    /// Signs a person in with email and password and starts a session.
    ///
    /// Errors: [`AppError::TooManyAttempts`] while a lock-out for the email or the address
    /// `ip` lasts (checked before the password, so even the right one is refused);
    /// [`AppError::SignInFailed`] for an unknown email, a wrong or missing password, or an
    /// inactive account, each recorded as a failure.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        ip: Option<&str>,
        user_agent: Option<&str>,
    ) -> Result<SignedIn, AppError> {
        // Tries with an unreadable email are locked out like any other.
        let key =
            normalize_email(email).unwrap_or_else(|_| cut(&email.trim().to_lowercase(), EMAIL_MAX));
        // What is kept of a failed try (the lock-out count, the audit event) holds no card
        // data: a card number typed into the email box is masked there, as in any text.
        let kept = paydesk_domain::redaction::redact(&key).text;
        // The semaphore is never closed, so a permit always comes.
        let _permit = verifications().acquire().await.ok();
        let now = self.clock.now();
        if let Err(refused) = self.refuse_locked_out(&kept, ip, now).await {
            let data = json!({ "email": kept, "reason": "locked_out" });
            self.audit_as(&Actor::System, ip, EventKind::SignInFailed, None, data)
                .await?;
            return Err(refused);
        }

        let user = self.store.user_by_email(&key).await?;
        let phc = user.as_ref().and_then(|u| u.password_hash.clone());
        let is_right = verify_password(password, phc).await;
        let user = match user {
            Some(u) if is_right && u.is_active => u,
            _ => {
                self.store.record_sign_in_failure(&kept, ip, now).await?;
                let data = json!({ "email": kept, "reason": "wrong_credentials" });
                self.audit_as(&Actor::System, ip, EventKind::SignInFailed, None, data)
                    .await?;
                return Err(AppError::SignInFailed);
            }
        };
        self.store.clear_sign_in_failures(&kept).await?;

        let expires_at = now.plus_millis(millis(self.access.absolute_timeout));
        let mut tries = 0;
        loop {
            let session_token = random_chars(SESSION_CHARS);
            let new = NewSession {
                token_hash: secret_hash(&session_token),
                user_id: user.id,
                csrf_token: random_chars(SESSION_CHARS),
                expires_at,
                ip: ip.map(|i| cut(i, EMAIL_MAX)),
                user_agent: user_agent
                    .map(|a| cut(&paydesk_domain::redaction::redact(a).text, USER_AGENT_MAX)),
            };
            match self.store.create_session(&new, now).await {
                Ok(s) => {
                    let actor = Actor::User { id: user.id };
                    let data = json!({ "session": s.id, "user_agent": new.user_agent });
                    self.audit_as(&actor, ip, EventKind::SignIn, None, data)
                        .await?;
                    return Ok(SignedIn {
                        session_token,
                        csrf_token: s.csrf_token,
                        user,
                        expires_at,
                    });
                }
                Err(StoreError::Duplicate) if tries < 3 => tries += 1,
                Err(e) => return Err(e.into()),
            }
        }
    }

    async fn refuse_locked_out(
        &self,
        email: &str,
        ip: Option<&str>,
        now: Timestamp,
    ) -> Result<(), AppError> {
        let since = now.plus_millis(-FAILURE_HORIZON_MS);
        let by_email = self.store.sign_in_failures_for_email(email, since).await?;
        let mut until = self.access.email_lockout.locked_until(&by_email);
        if let Some(ip) = ip {
            let by_ip = self.store.sign_in_failures_for_ip(ip, since).await?;
            until = until.max(self.access.ip_lockout.locked_until(&by_ip));
        }
        match until {
            Some(until) if now < until => Err(AppError::TooManyAttempts {
                retry_after_secs: retry_after_secs(now, until),
            }),
            _ => Ok(()),
        }
    }

    /// The live session whose cookie value is `session_token`, and who it belongs to.
    /// Records the activity (at most once per [`AccessSettings::touch_interval`]).
    ///
    /// Errors: [`AppError::Unauthenticated`] when there is no such session, or it was
    /// ended, has been idle too long, has reached its absolute end, or its user is
    /// inactive.
    pub async fn authenticate_session(&self, session_token: &str) -> Result<SessionAuth, AppError> {
        let now = self.clock.now();
        let session = self
            .store
            .session_by_token_hash(&secret_hash(session_token))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let idle = now.since(session.last_seen_at) >= millis(self.access.idle_timeout);
        if session.revoked_at.is_some() || now >= session.expires_at || idle {
            return Err(AppError::Unauthenticated);
        }
        let user = match self.store.user(session.user_id).await {
            Ok(u) if u.is_active => u,
            Ok(_) | Err(StoreError::NotFound { .. }) => return Err(AppError::Unauthenticated),
            Err(e) => return Err(e.into()),
        };
        if now.since(session.last_seen_at) >= millis(self.access.touch_interval) {
            self.store.touch_session(session.id, now).await?;
        }
        Ok(SessionAuth {
            principal: user_principal(&user),
            user,
            csrf_token: session.csrf_token,
            expires_at: session.expires_at,
        })
    }

    /// Ends the session whose cookie value is `session_token`. Idempotent: an unknown or
    /// ended session is not an error.
    pub async fn sign_out(&self, session_token: &str) -> Result<(), AppError> {
        let hash = secret_hash(session_token);
        let session = self.store.session_by_token_hash(&hash).await?;
        self.store.revoke_session(&hash, self.clock.now()).await?;
        if let Some(s) = session.filter(|s| s.revoked_at.is_none()) {
            let data = json!({ "session": s.id });
            self.audit_as(
                &Actor::User { id: s.user_id },
                s.ip.as_deref(),
                EventKind::SignOut,
                None,
                data,
            )
            .await?;
        }
        Ok(())
    }

    /// Ends every session of `user` (on every device); returns how many were live. A
    /// person may end their own; ending someone else's needs `user_manage`.
    pub async fn sign_out_everywhere(
        &self,
        caller: &Caller,
        user: UserId,
    ) -> Result<u64, AppError> {
        let is_self = matches!(caller.principal, Principal::User { id, .. } if id == user);
        if !is_self {
            caller.require(Action::UserManage)?;
        }
        Ok(self
            .store
            .revoke_user_sessions(user, self.clock.now())
            .await?)
    }

    /// The principal of an API token sent as `Authorization: Bearer <token>`. Records the
    /// use (at most once a minute).
    ///
    /// Errors: [`AppError::Unauthenticated`] for a malformed, unknown, revoked or expired
    /// token.
    pub async fn authenticate_token(&self, bearer: &str) -> Result<Principal, AppError> {
        let bearer = bearer.trim();
        if !bearer.starts_with(TOKEN_START) || bearer.len() > 200 {
            return Err(AppError::Unauthenticated);
        }
        let now = self.clock.now();
        let token = self
            .store
            .api_token_by_hash(&secret_hash(bearer))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let expired = token.expires_at.is_some_and(|e| now >= e);
        if token.revoked_at.is_some() || expired {
            return Err(AppError::Unauthenticated);
        }
        let recent = token
            .last_used_at
            .is_some_and(|t| now.since(t) < paydesk_store::TOKEN_USE_RESOLUTION_MS);
        if !recent {
            self.store.record_api_token_use(token.id, now).await?;
        }
        Ok(Principal::Token {
            id: token.id,
            name: token.name,
            scopes: token.scopes,
        })
    }

    /// Makes an API token named `name` with `scopes`, valid until `expires_at` (or until
    /// revoked). The clear token is in the answer only: it cannot be shown again.
    ///
    /// Errors: [`AppError::Forbidden`] without `token_manage`; [`AppError::Invalid`] for
    /// an empty or long name, no scopes, or an expiry not in the future.
    pub async fn create_token(
        &self,
        caller: &Caller,
        name: &str,
        scopes: &[Scope],
        expires_at: Option<Timestamp>,
    ) -> Result<CreatedToken, AppError> {
        caller.require(Action::TokenManage)?;
        let name = name.trim();
        if name.is_empty() {
            return Err(AppError::invalid("name", "must not be empty"));
        }
        if name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
            return Err(AppError::invalid(
                "name",
                format!("at most {NAME_MAX} characters, no control characters"),
            ));
        }
        if scopes.is_empty() {
            return Err(AppError::invalid("scopes", "name at least one scope"));
        }
        let mut scopes = scopes.to_vec();
        scopes.sort();
        scopes.dedup();
        let now = self.clock.now();
        if expires_at.is_some_and(|e| e <= now) {
            return Err(AppError::invalid("expires_at", "must be in the future"));
        }
        let created_by = match caller.principal {
            Principal::User { id, .. } => Some(id),
            _ => None,
        };
        let mut tries = 0;
        loop {
            let prefix = format!(
                "{TOKEN_START}{}",
                random_chars(TOKEN_PREFIX_CHARS).to_lowercase()
            );
            let token = format!("{prefix}_{}", random_chars(TOKEN_SECRET_CHARS));
            let new = NewApiToken {
                name: name.to_string(),
                prefix,
                token_hash: secret_hash(&token),
                scopes: scopes.clone(),
                created_by,
                expires_at,
            };
            match self.store.create_api_token(&new, now).await {
                Ok(record) => {
                    let scopes: Vec<&str> = record.scopes.iter().map(|s| s.as_str()).collect();
                    let data = json!({ "what": "api_token", "change": "created", "id": record.id, "name": record.name, "scopes": scopes });
                    self.audit(caller, EventKind::ConfigChanged, None, data)
                        .await?;
                    return Ok(CreatedToken { token, record });
                }
                Err(StoreError::Duplicate) if tries < 3 => tries += 1,
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Every API token (without secrets), revoked and expired ones included, oldest first.
    /// Errors: [`AppError::Forbidden`] without `token_manage`.
    pub async fn tokens(&self, caller: &Caller) -> Result<Vec<ApiToken>, AppError> {
        caller.require(Action::TokenManage)?;
        Ok(self.store.api_tokens().await?)
    }

    /// Revokes token `id` at once; idempotent. Errors: [`AppError::Forbidden`] without
    /// `token_manage`, [`AppError::NotFound`].
    pub async fn revoke_token(&self, caller: &Caller, id: i64) -> Result<ApiToken, AppError> {
        caller.require(Action::TokenManage)?;
        let revoked = self.store.revoke_api_token(id, self.clock.now()).await?;
        let data = json!({ "what": "api_token", "change": "revoked", "id": revoked.id, "name": revoked.name });
        self.audit(caller, EventKind::ConfigChanged, None, data)
            .await?;
        Ok(revoked)
    }
}
