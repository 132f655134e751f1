//! The Zendesk import format: tickets as Zendesk's API and exports write them.
//!
//! Either one JSON document, `{"tickets": [...], "users": [...]}` (or a bare list of
//! tickets), or JSON lines as the incremental export writes them: one ticket per line, or
//! one page (`{"tickets": [...], "users": [...]}`) per line. Users may come anywhere in the
//! file: the whole file is read before the first ticket is made.
//!
//! Of a ticket: `id` (the key that makes a rerun skip it), `subject`, `description`,
//! `status` (new, open, pending, hold, solved, closed), `priority`, `via.channel`, `tags`,
//! `created_at`, `updated_at`, `requester_id` (resolved through `users`, or an inline
//! `requester` with `name` and `email`) and `comments` (`author_id`, `plain_body` or
//! `body`, `public`, `created_at`). Its first comment is its description; a ticket without
//! comments gets its description as its one message. Two fields that Zendesk does not have
//! are read if present: `business_line` and `category`.

use super::file::FileError;
use super::{ImportedAuthor, ImportedMessage, ImportedTicket, Rejected, Requester, fields};
use paydesk_domain::ticket::{Channel, Priority, Status};
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

/// A Zendesk user, as far as the import needs one.
#[derive(Debug, Clone, Default)]
struct User {
    name: Option<String>,
    email: Option<String>,
}

/// The tickets of a Zendesk export, read whole.
pub(crate) struct ZendeskTickets {
    /// Each ticket with its place in the file, or a line that is not a ticket.
    tickets: std::vec::IntoIter<(u64, Result<Found, Rejected>)>,
    users: HashMap<String, User>,
    count: u64,
}

impl ZendeskTickets {
    /// Reads `path` whole. Errors: [`FileError::Io`]; [`FileError::Format`] when it is
    /// neither a JSON document nor JSON lines.
    pub(crate) fn open(path: &Path) -> Result<Self, FileError> {
        let bytes = std::fs::read(path).map_err(|e| FileError::io(path, e))?;
        let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
        let mut read = Read::default();
        match serde_json::from_slice::<Value>(body) {
            Ok(doc) => read.document(doc)?,
            Err(whole) => {
                let first = body
                    .split(|b| *b == b'\n')
                    .find(|l| !l.trim_ascii().is_empty())
                    .unwrap_or_default();
                if serde_json::from_slice::<Value>(first).is_err() {
                    return Err(FileError::Format(format!(
                        "{} is neither JSON nor JSON lines: {whole}",
                        path.display()
                    )));
                }
                read.lines(body);
            }
        }
        let count = u64::try_from(read.tickets.len()).unwrap_or(u64::MAX);
        Ok(Self {
            tickets: read.tickets.into_iter(),
            users: read.users,
            count,
        })
    }

    /// How many tickets (and unreadable lines) the file holds.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    /// The next ticket, read or refused; None at the end.
    pub(crate) fn next_row(&mut self) -> Option<Result<ImportedTicket, Rejected>> {
        let (row, item) = self.tickets.next()?;
        Some(item.and_then(|f| ticket(row, &f.ticket, f.line, &self.users)))
    }
}

/// A ticket found in the file, with its own line when it had one (kept for the report as
/// it was written).
struct Found {
    ticket: Value,
    line: Option<String>,
}

/// What reading the file found.
#[derive(Default)]
struct Read {
    tickets: Vec<(u64, Result<Found, Rejected>)>,
    users: HashMap<String, User>,
}

impl Read {
    fn document(&mut self, doc: Value) -> Result<(), FileError> {
        match doc {
            Value::Array(list) => self.add_tickets(list, None),
            Value::Object(mut o) if o.contains_key("tickets") || o.contains_key("ticket") => {
                self.add_users(o.get("users"));
                match (o.remove("tickets"), o.remove("ticket")) {
                    (Some(Value::Array(list)), _) => self.add_tickets(list, None),
                    (None, Some(one)) => self.add_tickets(vec![one], None),
                    _ => {
                        return Err(FileError::Format(
                            "\"tickets\" must be a list of tickets".into(),
                        ));
                    }
                }
            }
            one @ Value::Object(_) => self.add_tickets(vec![one], None),
            _ => {
                return Err(FileError::Format(
                    "expected {\"tickets\": [...], \"users\": [...]}, a list of tickets or JSON lines"
                        .into(),
                ));
            }
        }
        Ok(())
    }

    fn lines(&mut self, body: &[u8]) {
        for (i, line) in body.split(|b| *b == b'\n').enumerate() {
            let row = u64::try_from(i + 1).unwrap_or(u64::MAX);
            if line.trim_ascii().is_empty() {
                continue;
            }
            let raw = String::from_utf8_lossy(line).trim_end().to_string();
            let reject = |reason: String| Rejected {
                row,
                external_id: None,
                reason,
                raw: raw.clone(),
            };
            match serde_json::from_slice::<Value>(line) {
                Ok(Value::Object(mut page))
                    if page.get("tickets").is_some_and(Value::is_array)
                        || page.get("users").is_some_and(Value::is_array) =>
                {
                    self.add_users(page.get("users"));
                    if let Some(Value::Array(list)) = page.remove("tickets") {
                        self.add_tickets(list, Some(row));
                    }
                }
                Ok(one @ Value::Object(_)) => self.tickets.push((
                    row,
                    Ok(Found {
                        ticket: one,
                        line: Some(raw.clone()),
                    }),
                )),
                Ok(_) => self
                    .tickets
                    .push((row, Err(reject("the line is not a JSON object".into())))),
                Err(e) => self
                    .tickets
                    .push((row, Err(reject(format!("the line is not JSON: {e}"))))),
            }
        }
    }

    /// Tickets at `row` (a JSON line), or numbered by their place in the document.
    fn add_tickets(&mut self, list: Vec<Value>, row: Option<u64>) {
        for v in list {
            let at = row.unwrap_or_else(|| u64::try_from(self.tickets.len() + 1).unwrap_or(0));
            self.tickets.push((
                at,
                Ok(Found {
                    ticket: v,
                    line: None,
                }),
            ));
        }
    }

    fn add_users(&mut self, users: Option<&Value>) {
        for u in users.and_then(Value::as_array).into_iter().flatten() {
            if let Some(id) = u.get("id").and_then(id_text) {
                let text = |k: &str| u.get(k).and_then(Value::as_str).map(str::to_string);
                self.users.insert(
                    id,
                    User {
                        name: text("name"),
                        email: text("email"),
                    },
                );
            }
        }
    }
}

/// An id, numeric or text.
fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

/// A text field: None when absent, null or blank; a reason when it is not text.
fn text<'a>(v: &'a Value, key: &str) -> Result<Option<&'a str>, String> {
    match v.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("{key}: expected text")),
    }
}

/// Zendesk's `via.channel` names, and the desk's own; anything else came in by API.
fn channel(name: &str) -> Channel {
    match name.trim().to_ascii_lowercase().as_str() {
        "email" | "mail" => Channel::Email,
        "web" | "web_form" | "web_widget" | "help_center" | "mobile" => Channel::Web,
        "chat" | "chat_transcript" | "native_messaging" | "messaging" => Channel::Chat,
        "voice" | "phone" | "sms" => Channel::Phone,
        "twitter" | "facebook" | "instagram" | "instagram_dm" | "whatsapp" | "social" => {
            Channel::Social
        }
        "gateway" => Channel::Gateway,
        _ => Channel::Api,
    }
}

fn ticket(
    row: u64,
    v: &Value,
    line: Option<String>,
    users: &HashMap<String, User>,
) -> Result<ImportedTicket, Rejected> {
    let raw = line.unwrap_or_else(|| v.to_string());
    let external_id = v.get("id").and_then(id_text);
    let reject = |reason: String| Rejected {
        row,
        external_id: external_id.clone(),
        reason,
        raw: raw.clone(),
    };
    if !v.is_object() {
        return Err(reject("a ticket must be a JSON object".into()));
    }
    let Some(id) = external_id.clone() else {
        return Err(reject("id: missing".into()));
    };
    read_ticket(row, id, raw.clone(), v, users).map_err(reject)
}

fn read_ticket(
    row: u64,
    external_id: String,
    raw: String,
    v: &Value,
    users: &HashMap<String, User>,
) -> Result<ImportedTicket, String> {
    let time = |key: &str| text(v, key)?.map(|t| fields::time(key, t)).transpose();
    let created_at = time("created_at")?;
    let tags = match v.get("tags") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(list)) => list
            .iter()
            .map(|t| t.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or("tags: expected a list of text")?,
        Some(_) => return Err("tags: expected a list of text".into()),
    };
    let requester_id = v.get("requester_id").and_then(id_text);
    let requester = requester(v, requester_id.as_deref(), users)?;
    let mut messages = comments(v, requester_id.as_deref(), users)?;
    if messages.is_empty()
        && let Some(description) = text(v, "description")?
    {
        messages.push(ImportedMessage {
            author: ImportedAuthor::Requester,
            is_public: true,
            body: description.to_string(),
            at: created_at,
        });
    }
    Ok(ImportedTicket {
        row,
        external_id,
        raw,
        subject: text(v, "subject")?
            .or(text(v, "raw_subject")?)
            .unwrap_or("")
            .to_string(),
        status: text(v, "status")?.map_or(Ok(Status::New), fields::status)?,
        priority: text(v, "priority")?.map_or(Ok(Priority::Normal), fields::priority)?,
        channel: v
            .get("via")
            .and_then(|via| via.get("channel"))
            .and_then(Value::as_str)
            .map_or(Channel::Api, channel),
        business_line: text(v, "business_line")?
            .map(fields::business_line)
            .transpose()?,
        category: text(v, "category")?.map(str::to_string),
        tags,
        queue: None,
        created_at,
        updated_at: time("updated_at")?,
        requester,
        messages,
    })
}

fn requester(
    v: &Value,
    requester_id: Option<&str>,
    users: &HashMap<String, User>,
) -> Result<Option<Requester>, String> {
    if let Some(inline) = v.get("requester").filter(|r| r.is_object()) {
        return Ok(Some(Requester {
            email: text(inline, "email")?.map(str::to_string),
            name: text(inline, "name")?.map(str::to_string),
            source_id: requester_id.map(|id| ("zendesk_user_id".into(), id.into())),
        }));
    }
    Ok(requester_id.map(|id| {
        let user = users.get(id).cloned().unwrap_or_default();
        Requester {
            email: user.email,
            name: user.name,
            source_id: Some(("zendesk_user_id".into(), id.into())),
        }
    }))
}

fn comments(
    v: &Value,
    requester_id: Option<&str>,
    users: &HashMap<String, User>,
) -> Result<Vec<ImportedMessage>, String> {
    let list = match v.get("comments") {
        None | Some(Value::Null) => return Ok(vec![]),
        Some(Value::Array(list)) => list,
        Some(_) => return Err("comments: expected a list of comments".into()),
    };
    let mut out = Vec::with_capacity(list.len());
    for (i, c) in list.iter().enumerate() {
        let at_comment = |reason: String| format!("comments[{i}].{reason}");
        if !c.is_object() {
            return Err(format!("comments[{i}]: expected a comment object"));
        }
        let body = match text(c, "plain_body").map_err(at_comment)? {
            Some(b) => Some(b),
            None => text(c, "body").map_err(at_comment)?,
        };
        let Some(body) = body else { continue };
        let author_id = c.get("author_id").and_then(id_text);
        let author = match &author_id {
            Some(a) if Some(a.as_str()) == requester_id => ImportedAuthor::Requester,
            Some(a) => {
                let user = users.get(a).cloned().unwrap_or_default();
                ImportedAuthor::Other {
                    name: user.name.unwrap_or_else(|| format!("Zendesk user {a}")),
                    email: user.email,
                }
            }
            None => ImportedAuthor::Other {
                name: "Zendesk".into(),
                email: None,
            },
        };
        let is_public = match c.get("public") {
            None | Some(Value::Null) => true,
            Some(Value::Bool(b)) => *b,
            Some(_) => return Err(at_comment("public: expected true or false".into())),
        };
        let at = text(c, "created_at")
            .map_err(at_comment)?
            .map(|t| fields::time("created_at", t).map_err(at_comment))
            .transpose()?;
        out.push(ImportedMessage {
            author,
            is_public,
            body: body.to_string(),
            at,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn users() -> HashMap<String, User> {
        let mut users = HashMap::new();
        users.insert(
            "7".to_string(),
            User {
                name: Some("Ana".into()),
                email: Some("ana@example.com".into()),
            },
        );
        users.insert(
            "9".to_string(),
            User {
                name: Some("Agent Bo".into()),
                email: Some("bo@desk.example".into()),
            },
        );
        users
    }

    #[test]
    fn comments_become_messages_by_author() {
        let v = json!({
            "id": 12, "subject": "Refund", "description": "first", "status": "hold",
            "priority": null, "via": {"channel": "web_form"}, "requester_id": 7,
            "comments": [
                {"author_id": 7, "plain_body": "first", "public": true},
                {"author_id": 9, "body": "looking", "public": false},
                {"author_id": 9, "body": "", "public": true}
            ]
        });
        let t = ticket(1, &v, None, &users()).unwrap();
        assert_eq!(t.external_id, "12");
        assert_eq!(t.status, Status::OnHold);
        assert_eq!(t.priority, Priority::Normal);
        assert_eq!(t.channel, Channel::Web);
        assert_eq!(
            t.requester.unwrap().email.as_deref(),
            Some("ana@example.com")
        );
        assert_eq!(t.messages.len(), 2);
        assert_eq!(t.messages[0].author, ImportedAuthor::Requester);
        assert!(!t.messages[1].is_public);
        assert!(
            matches!(&t.messages[1].author, ImportedAuthor::Other { name, .. } if name == "Agent Bo")
        );
    }

    #[test]
    fn refuses_wrong_types_with_a_reason() {
        let v = json!({"id": 1, "subject": "x", "description": "y", "tags": "a b"});
        assert_eq!(
            ticket(3, &v, None, &users()).unwrap_err().reason,
            "tags: expected a list of text"
        );
        let v = json!({"subject": "x"});
        assert_eq!(
            ticket(4, &v, None, &users()).unwrap_err().reason,
            "id: missing"
        );
    }
}
