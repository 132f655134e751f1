//! An engine-neutral way to run SQL, so that each query is written once.
//!
//! Queries use PostgreSQL's numbered placeholders (`$1`, `$2`, ...), which SQLite also
//! understands. Values are bound through [`Value`], rows read through [`Row`]; a [`Tx`]
//! is a transaction on either engine. Statements that differ per engine (full-text
//! search, locking) pick their text with [`Tx::engine`].

mod row;
mod tx;

pub use row::Row;
pub use tx::Tx;

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine's name as shown to people.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

/// A bound parameter. Nulls carry their type, since PostgreSQL checks parameter types.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    /// Binary content (attachments): BLOB on SQLite, BYTEA on PostgreSQL.
    Bytes(Option<Vec<u8>>),
}

impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Bytes(Some(v))
    }
}
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Value::Bytes(Some(v.to_vec()))
    }
}
impl From<Option<Vec<u8>>> for Value {
    fn from(v: Option<Vec<u8>>) -> Self {
        Value::Bytes(v)
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(Some(v))
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Value::Int(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(Some(v.to_string()))
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(Some(v))
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(Some(v.clone()))
    }
}
impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        Value::Text(v.map(str::to_string))
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Value::Text(v)
    }
}

/// Builds an array of [`Value`]s from anything convertible: `args![id, "open", None::<i64>]`.
#[macro_export]
macro_rules! args {
    ($($v:expr),* $(,)?) => { [$($crate::sql::Value::from($v)),*] };
}

/// `$start, $start+1, ...` for `count` parameters, for `IN (...)` lists.
#[must_use]
pub fn placeholders(start: usize, count: usize) -> String {
    (start..start + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `rows` groups of `cols` placeholders for a multi-row `INSERT ... VALUES`, bound in order:
/// `($1, $2), ($3, $4)` on PostgreSQL, `(?, ?), (?, ?)` on SQLite. SQLite gets anonymous
/// ones because binding a numbered parameter looks its name up in the list of all of them,
/// which makes a large bulk insert quadratic.
#[must_use]
pub fn value_rows(engine: Engine, rows: usize, cols: usize) -> String {
    match engine {
        Engine::Sqlite => vec![format!("({})", ["?"; 1].repeat(cols).join(", ")); rows].join(", "),
        Engine::Postgres => (0..rows)
            .map(|r| format!("({})", placeholders(r * cols + 1, cols)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Converts sea-query's bound values (from a statement built once and rendered per engine).
pub fn from_sea_values(values: sea_query::Values) -> Vec<Value> {
    values
        .into_iter()
        .map(|v| match v {
            sea_query::Value::BigInt(i) => Value::Int(i),
            sea_query::Value::Int(i) => Value::Int(i.map(i64::from)),
            sea_query::Value::Unsigned(i) => Value::Int(i.map(i64::from)),
            sea_query::Value::BigUnsigned(i) => {
                Value::Int(i.map(|u| i64::try_from(u).unwrap_or(i64::MAX)))
            }
            sea_query::Value::String(s) => Value::Text(s.map(|s| s.to_string())),
            sea_query::Value::Bool(b) => Value::Int(b.map(i64::from)),
            other => Value::Text(Some(format!("{other:?}"))),
        })
        .collect()
}
