//! Cursor pagination: stable under inserts, no offsets.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// How many items to return and where to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub limit: usize,
    pub cursor: Option<String>,
}

impl PageRequest {
    pub const DEFAULT_LIMIT: usize = 50;
    pub const MAX_LIMIT: usize = 200;

    /// A first page of `limit` items (clamped to 1..=200).
    #[must_use]
    pub fn first(limit: usize) -> Self {
        Self {
            limit: limit.clamp(1, Self::MAX_LIMIT),
            cursor: None,
        }
    }
}

impl PageRequest {
    /// A page as a client asked for it: `limit` (default [`Self::DEFAULT_LIMIT`]) kept
    /// within 1..=[`Self::MAX_LIMIT`], and the cursor it sent.
    #[must_use]
    pub fn asked(limit: Option<usize>, cursor: Option<String>) -> Self {
        Self {
            limit: limit
                .unwrap_or(Self::DEFAULT_LIMIT)
                .clamp(1, Self::MAX_LIMIT),
            cursor,
        }
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::first(Self::DEFAULT_LIMIT)
    }
}

/// One page of results and the cursor of the next, if there is more.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Encodes a position as an opaque cursor.
#[must_use]
pub fn encode_cursor(parts: &[i64]) -> String {
    let text = parts
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(".");
    URL_SAFE_NO_PAD.encode(text)
}

/// Decodes a cursor of `n` integers; `None` when it is not one of ours.
#[must_use]
pub fn decode_cursor(cursor: &str, n: usize) -> Option<Vec<i64>> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor.as_bytes()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let parts = text
        .split('.')
        .map(|p| p.parse::<i64>().ok())
        .collect::<Option<Vec<_>>>()?;
    (parts.len() == n).then_some(parts)
}
