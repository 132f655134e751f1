//! The evidence packet of a dispute, as a ZIP archive: the index and the conversation
//! (`paydesk_domain::payment::packet` decides their text and every file's path), the
//! evidence files and the conversation's attachments. Built in memory: a packet is at most
//! a few tens of megabytes (evidence files are capped).

use super::DisputeView;
use crate::error::AppError;
use crate::{App, Caller};
use paydesk_domain::message::{Author, Visibility};
use paydesk_domain::payment::DisputeId;
use paydesk_domain::payment::packet::{
    self, ConversationEntry, EvidenceEntry, PacketContents, attachment_path, evidence_path,
};
use paydesk_domain::ticket::ticket_number;
use paydesk_domain::{Timestamp, UserId};
use std::collections::BTreeMap;
use std::io::Write;
use zip::write::SimpleFileOptions;

/// A built packet.
#[derive(Debug, Clone)]
pub struct Packet {
    /// The name to save it under (`dispute-<ref>-evidence.zip`).
    pub filename: String,
    pub bytes: Vec<u8>,
    /// The files inside, index first.
    pub entries: Vec<String>,
}

/// A ZIP archive being written.
struct Archive {
    zip: zip::ZipWriter<std::io::Cursor<Vec<u8>>>,
    options: SimpleFileOptions,
    entries: Vec<String>,
}

impl Archive {
    fn new(at: Timestamp) -> Self {
        let time = jiff::Timestamp::from_millisecond(at.0)
            .ok()
            .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).datetime())
            .and_then(|d| {
                zip::DateTime::from_date_and_time(
                    u16::try_from(d.year()).ok()?,
                    u8::try_from(d.month()).ok()?,
                    u8::try_from(d.day()).ok()?,
                    u8::try_from(d.hour()).ok()?,
                    u8::try_from(d.minute()).ok()?,
                    u8::try_from(d.second()).ok()?,
                )
                .ok()
            })
            .unwrap_or_default();
        Self {
            zip: zip::ZipWriter::new(std::io::Cursor::new(Vec::new())),
            options: SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .last_modified_time(time),
            entries: Vec::new(),
        }
    }

    fn add(&mut self, path: &str, bytes: &[u8]) -> Result<(), AppError> {
        let fail = |e: &dyn std::fmt::Display| {
            AppError::Store(paydesk_store::StoreError::Corrupt(format!(
                "could not write the evidence packet: {e}"
            )))
        };
        self.zip
            .start_file(path, self.options)
            .map_err(|e| fail(&e))?;
        self.zip.write_all(bytes).map_err(|e| fail(&e))?;
        self.entries.push(path.to_string());
        Ok(())
    }

    fn finish(self) -> Result<(Vec<u8>, Vec<String>), AppError> {
        let cursor = self.zip.finish().map_err(|e| {
            AppError::Store(paydesk_store::StoreError::Corrupt(format!(
                "could not finish the evidence packet: {e}"
            )))
        })?;
        Ok((cursor.into_inner(), self.entries))
    }
}

impl App {
    /// Builds the evidence packet of a dispute the caller may see.
    pub async fn dispute_packet(&self, caller: &Caller, id: DisputeId) -> Result<Packet, AppError> {
        let view = self.dispute_view(caller, id).await?;
        self.packet_of(&view).await
    }

    async fn packet_of(&self, view: &DisputeView) -> Result<Packet, AppError> {
        let d = &view.record.dispute;
        let now = self.now();
        let mut names: BTreeMap<UserId, String> = BTreeMap::new();
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        let mut evidence = Vec::with_capacity(view.evidence.len());
        for (i, e) in view.evidence.iter().enumerate() {
            let bytes = match (e.attachment_id, d.ticket_id) {
                (Some(a), Some(t)) => self
                    .store
                    .attachment_content(t, a)
                    .await?
                    .map(|(meta, bytes)| (meta.filename, bytes)),
                _ if e.filename.is_some() => self
                    .store
                    .evidence_content(d.id, e.id)
                    .await?
                    .map(|b| (e.filename.clone().unwrap_or_default(), b)),
                _ => None,
            };
            let file = bytes.map(|(name, b)| {
                let path = evidence_path(i + 1, e.kind, &name);
                files.push((path.clone(), b));
                path
            });
            let added_by = match e.added_by {
                Some(u) => self.user_name(&mut names, u).await,
                None => "paydesk".to_string(),
            };
            evidence.push(EvidenceEntry {
                kind: e.kind,
                title: e.title.clone(),
                text: e.body.clone(),
                file,
                added_at: e.added_at,
                added_by,
            });
        }
        let mut conversation = Vec::new();
        if let Some(t) = d.ticket_id {
            let public = self
                .store
                .messages(t)
                .await?
                .into_iter()
                .filter(|m| m.visibility == Visibility::Public);
            for (n, m) in public.enumerate() {
                let mut attachments = Vec::new();
                for a in m.attachments.iter().filter(|a| a.has_content) {
                    let Some(id) = a.id else { continue };
                    if let Some((meta, bytes)) = self.store.attachment_content(t, id).await? {
                        let path = attachment_path(n + 1, &meta.filename);
                        attachments.push(path.clone());
                        files.push((path, bytes));
                    }
                }
                conversation.push(ConversationEntry {
                    at: m.created_at,
                    author: match m.author {
                        Author::Customer { .. } => "Customer",
                        _ => "Support",
                    },
                    body: m.body,
                    attachments,
                });
            }
        }
        let index = packet::index(&PacketContents {
            dispute: d,
            reason: &view.reason,
            checklist: &view.checklist,
            transaction: view.transaction.as_ref(),
            ticket: d.ticket_id.map(ticket_number),
            evidence: &evidence,
            conversation: &conversation,
            generated_at: now,
        });
        let mut archive = Archive::new(now);
        archive.add("index.txt", index.as_bytes())?;
        archive.add(
            "conversation.txt",
            packet::conversation(&conversation).as_bytes(),
        )?;
        for (path, bytes) in &files {
            archive.add(path, bytes)?;
        }
        let (bytes, entries) = archive.finish()?;
        Ok(Packet {
            filename: format!("dispute-{}-evidence.zip", packet::safe_name(&d.gateway_ref)),
            bytes,
            entries,
        })
    }

    async fn user_name(&self, names: &mut BTreeMap<UserId, String>, id: UserId) -> String {
        if let Some(n) = names.get(&id) {
            return n.clone();
        }
        let name = self
            .store
            .user(id)
            .await
            .map_or_else(|_| format!("user {}", id.0), |u| u.name);
        names.insert(id, name.clone());
        name
    }
}
