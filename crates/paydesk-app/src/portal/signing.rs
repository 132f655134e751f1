//! The portal's signatures: status links, form tokens and client keys, all HMAC-SHA256
//! with one key.
//!
//! The key is the configured `secret_key`, or else 32 random bytes made once and kept in
//! the database (`secrets`), so links stay valid across restarts and instances. Each use
//! signs its own purpose first, so a signature made for one can never pass for another.
//! Tags are compared in constant time.
//!
//! Every value handed out is base64url (or, for client keys, letters only): no run of
//! digits long enough to look like a card number ever appears in a page or a column.

use crate::App;
use crate::error::AppError;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use paydesk_domain::{TicketId, Timestamp};
use sha2::Sha256;

/// The name of the stored key in the `secrets` table.
const KEY_NAME: &str = "portal_signing_key";
/// Bytes of a tag kept in tokens: 128 bits, beyond guessing.
const TAG_LEN: usize = 16;
/// How long a form token stays good after the form was shown.
pub const FORM_TOKEN_TTL_MS: i64 = 4 * Timestamp::HOUR;

/// The portal's signing key, ready to sign.
#[derive(Clone)]
pub struct SigningKey(Hmac<Sha256>);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(<secret>)")
    }
}

impl SigningKey {
    /// A key from raw bytes (the configured secret, the stored one, or a test's).
    /// Errors: [`AppError::Invalid`] for an empty key.
    pub fn new(bytes: &[u8]) -> Result<Self, AppError> {
        if bytes.is_empty() {
            return Err(AppError::invalid("secret_key", "must not be empty"));
        }
        <Hmac<Sha256> as Mac>::new_from_slice(bytes)
            .map(Self)
            .map_err(|_| AppError::invalid("secret_key", "not usable as an HMAC key"))
    }

    fn hmac(&self, purpose: &str, parts: &[&[u8]]) -> Hmac<Sha256> {
        let mut mac = self.0.clone();
        for part in std::iter::once(purpose.as_bytes()).chain(parts.iter().copied()) {
            mac.update(&u64::try_from(part.len()).unwrap_or(u64::MAX).to_be_bytes());
            mac.update(part);
        }
        mac
    }

    fn tag(&self, purpose: &str, parts: &[&[u8]]) -> [u8; TAG_LEN] {
        let full = self.hmac(purpose, parts).finalize().into_bytes();
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(&full[..TAG_LEN]);
        tag
    }

    fn verify(&self, purpose: &str, parts: &[&[u8]], tag: &[u8]) -> bool {
        tag.len() == TAG_LEN && self.hmac(purpose, parts).verify_truncated_left(tag).is_ok()
    }

    /// The token of a ticket's status link: `<ticket id>.<tag>`.
    #[must_use]
    pub fn status_token(&self, ticket: TicketId) -> String {
        let tag = self.tag("status-link", &[&ticket.0.to_be_bytes()]);
        format!("{}.{}", ticket.0, URL_SAFE_NO_PAD.encode(tag))
    }

    /// The ticket a status token names, if this key signed it.
    #[must_use]
    pub fn status_ticket(&self, token: &str) -> Option<TicketId> {
        let (id, tag) = token.split_once('.')?;
        let canonical = !id.is_empty()
            && id.len() <= 18
            && id.bytes().all(|b| b.is_ascii_digit())
            && !id.starts_with('0');
        if !canonical {
            return None;
        }
        let id: i64 = id.parse().ok()?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        self.verify("status-link", &[&id.to_be_bytes()], &tag)
            .then_some(TicketId(id))
    }

    /// A form token for the browser holding cookie `nonce`, for the form named `scope`,
    /// good until `expires`.
    #[must_use]
    pub fn form_token(&self, nonce: &str, scope: &str, expires: Timestamp) -> String {
        let when = expires.0.to_be_bytes();
        let tag = self.tag("form", &[nonce.as_bytes(), scope.as_bytes(), &when]);
        let mut raw = when.to_vec();
        raw.extend_from_slice(&tag);
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// Whether `token` was made by [`SigningKey::form_token`] for this cookie and form, and
    /// is still good at `now`.
    #[must_use]
    pub fn form_token_is_valid(
        &self,
        token: &str,
        nonce: &str,
        scope: &str,
        now: Timestamp,
    ) -> bool {
        let Ok(raw) = URL_SAFE_NO_PAD.decode(token.trim()) else {
            return false;
        };
        if raw.len() != 8 + TAG_LEN || nonce.is_empty() {
            return false;
        }
        let (when, tag) = raw.split_at(8);
        let mut expires = [0u8; 8];
        expires.copy_from_slice(when);
        now.0 <= i64::from_be_bytes(expires)
            && self.verify("form", &[nonce.as_bytes(), scope.as_bytes(), when], tag)
    }

    /// A stable, keyed name for a client address: the rate limit counts by it, and the
    /// address itself is not kept. Letters `a`-`p` only.
    #[must_use]
    pub fn client_key(&self, address: &str) -> String {
        self.tag("client", &[address.as_bytes()])
            .iter()
            .flat_map(|b| [b >> 4, b & 0x0f])
            .map(|n| char::from(b'a' + n))
            .collect()
    }
}

/// A fresh random value for the form cookie (128 bits, base64url).
#[must_use]
pub fn new_nonce() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>())
}

impl App {
    /// The portal's signing key: the configured secret, or the one kept in the database
    /// (made now if this is its first use).
    pub async fn portal_key(&self) -> Result<SigningKey, AppError> {
        if let Some(k) = self.intake().secret_key.as_ref().filter(|k| !k.is_empty()) {
            return SigningKey::new(k.as_bytes());
        }
        if let Some(stored) = self.store.secret(KEY_NAME).await? {
            return SigningKey::new(&stored);
        }
        let candidate: [u8; 32] = rand::random();
        let stored = self
            .store
            .secret_or_insert(KEY_NAME, &candidate, self.now())
            .await?;
        SigningKey::new(&stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::new(b"test key").unwrap()
    }

    #[test]
    fn status_tokens_verify_only_untouched() {
        let k = key();
        let token = k.status_token(TicketId(42));
        assert_eq!(k.status_ticket(&token), Some(TicketId(42)));
        let (_, tag) = token.split_once('.').unwrap_or_default();
        for forged in [
            format!("43.{tag}"),
            format!("042.{tag}"),
            format!("+42.{tag}"),
            format!("42.{}", &tag[1..]),
            format!("42.{tag}A"),
            "42".to_string(),
            "42.".to_string(),
            String::new(),
        ] {
            assert_eq!(k.status_ticket(&forged), None, "{forged}");
        }
        let other = SigningKey::new(b"another key").unwrap();
        assert_eq!(other.status_ticket(&token), None);
    }

    #[test]
    fn every_flipped_bit_of_a_tag_is_refused() {
        let k = key();
        let token = k.status_token(TicketId(7));
        let (_, tag) = token.split_once('.').unwrap_or_default();
        let raw = URL_SAFE_NO_PAD.decode(tag).unwrap_or_default();
        for i in 0..raw.len() * 8 {
            let mut bad = raw.clone();
            bad[i / 8] ^= 1 << (i % 8);
            let forged = format!("7.{}", URL_SAFE_NO_PAD.encode(&bad));
            assert_eq!(k.status_ticket(&forged), None);
        }
    }

    #[test]
    fn form_tokens_are_bound_to_cookie_form_and_time() {
        let k = key();
        let t0 = Timestamp(1_000_000);
        let token = k.form_token("nonce-a", "support", Timestamp(t0.0 + 10));
        assert!(k.form_token_is_valid(&token, "nonce-a", "support", t0));
        assert!(k.form_token_is_valid(&token, "nonce-a", "support", Timestamp(t0.0 + 10)));
        assert!(!k.form_token_is_valid(&token, "nonce-a", "support", Timestamp(t0.0 + 11)));
        assert!(!k.form_token_is_valid(&token, "nonce-b", "support", t0));
        assert!(!k.form_token_is_valid(&token, "nonce-a", "status:1", t0));
        assert!(!k.form_token_is_valid(&token, "", "support", t0));
        assert!(!k.form_token_is_valid("not a token", "nonce-a", "support", t0));
        // A later expiry written into the token breaks its tag.
        let mut raw = URL_SAFE_NO_PAD.decode(&token).unwrap_or_default();
        raw[7] ^= 0x40;
        let stretched = URL_SAFE_NO_PAD.encode(raw);
        assert!(!k.form_token_is_valid(&stretched, "nonce-a", "support", t0));
    }

    #[test]
    fn client_keys_are_stable_letters() {
        let k = key();
        let a = k.client_key("192.0.2.1");
        assert_eq!(a, k.client_key("192.0.2.1"));
        assert_ne!(a, k.client_key("192.0.2.2"));
        assert_eq!(a.len(), 2 * TAG_LEN);
        assert!(a.bytes().all(|b| (b'a'..=b'p').contains(&b)));
    }
}
