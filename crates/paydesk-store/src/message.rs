//! Messages and their attachments' metadata.

use crate::error::StoreError;
use crate::sql::{Row, Tx, placeholders};
use crate::{Store, args, search};
use paydesk_domain::message::{AttachmentMeta, Author, Message, NewMessage};
use paydesk_domain::{CustomerId, MessageId, TicketId, Timestamp, UserId};
use std::collections::HashMap;

/// How a message author is stored: kind, id.
pub fn author_columns(author: &Author) -> (&'static str, Option<i64>) {
    match author {
        Author::Customer { id } => ("customer", id.map(CustomerId::get)),
        Author::User { id } => ("user", Some(id.get())),
        Author::System => ("system", None),
    }
}

fn author_from(kind: &str, id: Option<i64>) -> Result<Author, StoreError> {
    match (kind, id) {
        ("customer", id) => Ok(Author::Customer {
            id: id.map(CustomerId),
        }),
        ("user", Some(id)) => Ok(Author::User { id: UserId(id) }),
        ("system", _) => Ok(Author::System),
        (other, _) => Err(StoreError::Corrupt(format!(
            "message author kind '{other}'"
        ))),
    }
}

/// Inserts a message, its attachments and its search entry.
pub(crate) async fn insert(
    tx: &mut Tx,
    ticket_id: TicketId,
    m: &NewMessage,
) -> Result<Message, StoreError> {
    let stored = insert_row(tx, ticket_id, m).await?;
    search::index(tx, ticket_id, &m.body).await?;
    Ok(stored)
}

/// Inserts one message and its attachments, without indexing its text.
async fn insert_row(
    tx: &mut Tx,
    ticket_id: TicketId,
    m: &NewMessage,
) -> Result<Message, StoreError> {
    let (author_kind, author_id) = author_columns(&m.author);
    let id = tx
        .insert_id(
            "INSERT INTO messages (ticket_id, visibility, author_kind, author_id, body, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            &args![ticket_id.0, m.visibility.as_str(), author_kind, author_id, &m.body, m.at.0],
        )
        .await?;
    let mut attachments = Vec::with_capacity(m.attachments.len());
    for a in &m.attachments {
        let attachment_id = tx
            .insert_id(
                "INSERT INTO attachments (message_id, filename, content_type, size_bytes) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
                &args![id, &a.filename, &a.content_type, a.size_bytes],
            )
            .await?;
        if let Some(content) = &a.content {
            tx.exec(
                "INSERT INTO attachment_contents (attachment_id, content) VALUES ($1, $2)",
                &args![attachment_id, content.as_slice()],
            )
            .await?;
        }
        attachments.push(AttachmentMeta {
            id: Some(attachment_id),
            has_content: a.content.is_some(),
            content: None,
            ..a.clone()
        });
    }
    Ok(Message {
        id: MessageId(id),
        ticket_id,
        visibility: m.visibility,
        author: m.author.clone(),
        body: m.body.clone(),
        attachments,
        created_at: m.at,
    })
}

/// Inserts a new ticket's messages in order (their text is indexed with the ticket's, by
/// the caller). Runs of messages without attachments go in one statement each.
pub(crate) async fn insert_all(
    tx: &mut Tx,
    messages: &[(TicketId, &NewMessage)],
) -> Result<(), StoreError> {
    let mut plain: Vec<(TicketId, &NewMessage)> = Vec::new();
    for &(ticket_id, m) in messages {
        if m.attachments.is_empty() && plain.len() < 400 {
            plain.push((ticket_id, m));
            continue;
        }
        insert_plain(tx, &plain).await?;
        plain.clear();
        if m.attachments.is_empty() {
            plain.push((ticket_id, m));
        } else {
            insert_row(tx, ticket_id, m).await?;
        }
    }
    insert_plain(tx, &plain).await
}

async fn insert_plain(tx: &mut Tx, messages: &[(TicketId, &NewMessage)]) -> Result<(), StoreError> {
    if messages.is_empty() {
        return Ok(());
    }
    let mut values = Vec::with_capacity(messages.len() * 6);
    for (ticket_id, m) in messages {
        let (author_kind, author_id) = author_columns(&m.author);
        values.extend(args![
            ticket_id.0,
            m.visibility.as_str(),
            author_kind,
            author_id,
            &m.body,
            m.at.0
        ]);
    }
    let sql = format!(
        "INSERT INTO messages (ticket_id, visibility, author_kind, author_id, body, created_at) VALUES {}",
        crate::sql::value_rows(tx.engine(), messages.len(), 6)
    );
    tx.exec(&sql, &values).await?;
    Ok(())
}

fn message_from_row(row: &Row, attachments: Vec<AttachmentMeta>) -> Result<Message, StoreError> {
    Ok(Message {
        id: MessageId(row.i64("id")?),
        ticket_id: TicketId(row.i64("ticket_id")?),
        visibility: row.label("visibility")?,
        author: author_from(&row.text("author_kind")?, row.opt_i64("author_id")?)?,
        body: row.text("body")?,
        attachments,
        created_at: Timestamp(row.i64("created_at")?),
    })
}

impl Store {
    /// A ticket's messages, oldest first, with their attachments.
    pub async fn messages(&self, ticket_id: TicketId) -> Result<Vec<Message>, StoreError> {
        let mut tx = self.read().await?;
        let rows = tx
            .rows(
                "SELECT id, ticket_id, visibility, author_kind, author_id, body, created_at \
                 FROM messages WHERE ticket_id = $1 ORDER BY id",
                &args![ticket_id.0],
            )
            .await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.i64("id")).collect::<Result<_, _>>()?;
        let mut attachments: HashMap<i64, Vec<AttachmentMeta>> = HashMap::new();
        if !ids.is_empty() {
            let sql = format!(
                "SELECT a.id, a.message_id, a.filename, a.content_type, a.size_bytes, \
                 CAST(CASE WHEN c.attachment_id IS NULL THEN 0 ELSE 1 END AS BIGINT) AS has_content \
                 FROM attachments a LEFT JOIN attachment_contents c ON c.attachment_id = a.id \
                 WHERE a.message_id IN ({}) ORDER BY a.id",
                placeholders(1, ids.len())
            );
            let values: Vec<_> = ids.iter().map(|i| (*i).into()).collect();
            for r in tx.rows(&sql, &values).await? {
                attachments
                    .entry(r.i64("message_id")?)
                    .or_default()
                    .push(AttachmentMeta {
                        id: Some(r.i64("id")?),
                        filename: r.text("filename")?,
                        content_type: r.text("content_type")?,
                        size_bytes: r.i64("size_bytes")?,
                        has_content: r.i64("has_content")? != 0,
                        content: None,
                    });
            }
        }
        rows.iter()
            .map(|r| {
                let id = r.i64("id")?;
                message_from_row(r, attachments.remove(&id).unwrap_or_default())
            })
            .collect()
    }

    /// A stored attachment of `ticket_id` with its bytes: metadata and content, or `None`
    /// when the ticket has no such attachment or paydesk does not hold the file.
    pub async fn attachment_content(
        &self,
        ticket_id: TicketId,
        attachment_id: i64,
    ) -> Result<Option<(AttachmentMeta, Vec<u8>)>, StoreError> {
        let mut tx = self.read().await?;
        let Some(r) = tx
            .row(
                "SELECT a.id, a.filename, a.content_type, a.size_bytes, c.content \
                 FROM attachments a JOIN messages m ON m.id = a.message_id \
                 JOIN attachment_contents c ON c.attachment_id = a.id \
                 WHERE a.id = $1 AND m.ticket_id = $2",
                &args![attachment_id, ticket_id.0],
            )
            .await?
        else {
            return Ok(None);
        };
        let meta = AttachmentMeta {
            id: Some(r.i64("id")?),
            filename: r.text("filename")?,
            content_type: r.text("content_type")?,
            size_bytes: r.i64("size_bytes")?,
            has_content: true,
            content: None,
        };
        Ok(Some((meta, r.bytes("content")?)))
    }
}
