//! Password hashing with Argon2id (OWASP's current recommendation).

use crate::error::AppError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

fn hasher() -> Result<Argon2<'static>, AppError> {
    // 19 MiB, 2 passes, 1 lane: OWASP's minimum configuration for Argon2id.
    let params = Params::new(19 * 1024, 2, 1, None)
        .map_err(|e| AppError::invalid("password", e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// The PHC string of `password` with a fresh random salt.
pub fn hash(password: &str) -> Result<String, AppError> {
    let mut bytes = [0u8; 16];
    rand::fill(&mut bytes);
    let salt =
        SaltString::encode_b64(&bytes).map_err(|e| AppError::invalid("password", e.to_string()))?;
    Ok(hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| AppError::invalid("password", e.to_string()))?
        .to_string())
}

/// Whether `password` matches the stored PHC string.
#[must_use]
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    hasher().is_ok_and(|h| h.verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Checks a new password against current guidance (NIST SP 800-63B): length, not
/// composition rules.
pub fn check_strength(password: &str) -> Result<(), AppError> {
    let n = password.chars().count();
    if n < 12 {
        return Err(AppError::invalid(
            "password",
            "use at least 12 characters; a few words make a good one",
        ));
    }
    if n > 256 {
        return Err(AppError::invalid("password", "at most 256 characters"));
    }
    Ok(())
}
