//! Reading mail backlogs: an mbox file (messages after `From ` separator lines, with
//! `>From ` quoting undone, as in mboxrd) or a Maildir folder (`cur/` and `new/`).

use anyhow::Context as _;
use std::io::BufRead as _;
use std::path::{Path, PathBuf};

/// Splits an mbox stream into raw messages, calling `each` with every one in order.
pub fn read_mbox(
    reader: impl std::io::Read,
    mut each: impl FnMut(Vec<u8>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let mut reader = std::io::BufReader::new(reader);
    let mut current: Option<Vec<u8>> = None;
    let mut line = Vec::new();
    let mut previous_blank = true;
    loop {
        line.clear();
        let n = reader
            .read_until(b'\n', &mut line)
            .context("cannot read the mbox file")?;
        if n == 0 {
            break;
        }
        let blank = line.iter().all(|b| *b == b'\r' || *b == b'\n');
        if line.starts_with(b"From ") && previous_blank {
            if let Some(message) = current.take() {
                each(trim_separator(message))?;
            }
            current = Some(Vec::new());
        } else {
            let message = current.get_or_insert_with(Vec::new);
            message.extend_from_slice(unquote(&line));
        }
        previous_blank = blank;
    }
    if let Some(message) = current
        && !message.iter().all(u8::is_ascii_whitespace)
    {
        each(trim_separator(message))?;
    }
    Ok(())
}

/// `>From `, `>>From ` ... lose one `>` (mboxrd quoting).
fn unquote(line: &[u8]) -> &[u8] {
    let quotes = line.iter().take_while(|b| **b == b'>').count();
    if quotes > 0 && line[quotes..].starts_with(b"From ") {
        &line[1..]
    } else {
        line
    }
}

/// The blank line before the next separator belongs to the mbox, not the message.
fn trim_separator(mut message: Vec<u8>) -> Vec<u8> {
    if message.ends_with(b"\r\n") {
        message.truncate(message.len() - 2);
    } else if message.ends_with(b"\n") {
        message.truncate(message.len() - 1);
    }
    message
}

/// The message files of a Maildir (`cur/` and `new/`, sorted by name); a folder without
/// them is read as a plain folder of message files.
pub fn maildir_files(root: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let parts: Vec<PathBuf> = ["cur", "new"]
        .iter()
        .map(|p| root.join(p))
        .filter(|p| p.is_dir())
        .collect();
    let folders = if parts.is_empty() {
        vec![root.to_path_buf()]
    } else {
        parts
    };
    let mut files = Vec::new();
    for folder in folders {
        let entries = std::fs::read_dir(&folder)
            .with_context(|| format!("cannot read the folder {}", folder.display()))?;
        for entry in entries {
            let path = entry?.path();
            let hidden = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if path.is_file() && !hidden {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a test fails by panicking")]
    use super::*;

    fn split(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        read_mbox(text.as_bytes(), |m| {
            out.push(String::from_utf8(m).unwrap());
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn messages_split_at_separators_and_quoting_is_undone() {
        let mbox = "From a@x Mon Nov 16 10:00:00 2026\nSubject: one\n\nHello\n>From the start\n\n\
                    From b@x Mon Nov 16 11:00:00 2026\nSubject: two\n\nText\nFrom here on, text\n\n";
        let messages = split(mbox);
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert_eq!(messages[0], "Subject: one\n\nHello\nFrom the start\n");
        // A "From " line inside a paragraph (not after a blank line) is text.
        assert!(messages[1].contains("From here on, text"));
    }

    #[test]
    fn an_empty_mbox_has_no_messages() {
        assert!(split("").is_empty());
        assert!(split("\n\n").is_empty());
    }
}
