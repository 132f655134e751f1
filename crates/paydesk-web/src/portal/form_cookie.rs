//! The portal's protection against cross-site form posts, without a session.
//!
//! The first page a browser gets sets the `paydesk_form` cookie to a random value
//! (`HttpOnly`, `SameSite=Strict`, `Path=/support`). Each form carries a hidden
//! `csrf_token` signed (HMAC, see `paydesk_app::portal::SigningKey`) over that value, the
//! form it belongs to and an expiry. A post counts only when its token verifies against
//! the cookie the same request carries: another site can make a browser post, but can
//! neither read the cookie nor forge a token for it.

use axum::http::{HeaderMap, HeaderValue};
use paydesk_app::portal::{FORM_TOKEN_TTL_MS, SigningKey, new_nonce};
use paydesk_domain::Timestamp;

/// The cookie's name.
pub const COOKIE: &str = "paydesk_form";
/// The hidden field carrying the form token.
pub const FIELD: &str = "csrf_token";
/// How long the browser keeps the cookie.
const MAX_AGE_SECS: i64 = 24 * 60 * 60;

/// The browser's form cookie: the one it sent, or a new one to set.
#[derive(Debug, Clone)]
pub struct FormCookie {
    value: String,
    is_new: bool,
}

impl FormCookie {
    /// The cookie the request carries (when it has the shape of one paydesk makes).
    #[must_use]
    pub fn sent(headers: &HeaderMap) -> Option<Self> {
        crate::auth::cookie_value(headers, COOKIE)
            .filter(|v| {
                v.len() == 22
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            })
            .map(|value| Self {
                value,
                is_new: false,
            })
    }

    /// The cookie the request carries, or a new one.
    #[must_use]
    pub fn sent_or_new(headers: &HeaderMap) -> Self {
        Self::sent(headers).unwrap_or_else(|| Self {
            value: new_nonce(),
            is_new: true,
        })
    }

    /// A token for the form `scope`, good for a few hours from `now`.
    #[must_use]
    pub fn token(&self, key: &SigningKey, scope: &str, now: Timestamp) -> String {
        key.form_token(&self.value, scope, Timestamp(now.0 + FORM_TOKEN_TTL_MS))
    }

    /// Whether `token` was made for this cookie and form and is still good.
    #[must_use]
    pub fn accepts(&self, key: &SigningKey, token: &str, scope: &str, now: Timestamp) -> bool {
        !self.is_new && key.form_token_is_valid(token, &self.value, scope, now)
    }

    /// `Set-Cookie` for a new cookie; `None` when the browser has it already.
    #[must_use]
    pub fn set_cookie(&self, secure: bool) -> Option<HeaderValue> {
        if !self.is_new {
            return None;
        }
        let secure = if secure { "; Secure" } else { "" };
        let text = format!(
            "{COOKIE}={}; Path={}; HttpOnly; SameSite=Strict; Max-Age={MAX_AGE_SECS}{secure}",
            self.value,
            super::PREFIX
        );
        HeaderValue::from_str(&text).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::header;

    #[test]
    fn reads_only_cookies_of_the_right_shape() {
        let mut h = HeaderMap::new();
        h.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; paydesk_form=AAAAAAAAAAAAAAAAAAAAAA"),
        );
        let c = FormCookie::sent(&h).unwrap();
        assert_eq!(c.value, "AAAAAAAAAAAAAAAAAAAAAA");
        assert!(c.set_cookie(false).is_none(), "kept, not set again");
        let mut bad = HeaderMap::new();
        bad.append(header::COOKIE, HeaderValue::from_static("paydesk_form=a;b"));
        assert!(FormCookie::sent(&bad).is_none());
        let fresh = FormCookie::sent_or_new(&bad);
        let set = fresh.set_cookie(true).unwrap();
        let set = set.to_str().unwrap();
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.ends_with("Secure")
        );
    }

    #[test]
    fn a_new_cookie_accepts_nothing() {
        let key = SigningKey::new(b"k").unwrap();
        let fresh = FormCookie::sent_or_new(&HeaderMap::new());
        let token = fresh.token(&key, "support", Timestamp(0));
        assert!(!fresh.accepts(&key, &token, "support", Timestamp(0)));
        let kept = FormCookie {
            is_new: false,
            ..fresh
        };
        assert!(kept.accepts(&key, &token, "support", Timestamp(0)));
    }
}
