//! A `multipart/form-data` body as a browser sends a form: text fields, then files.
//! Shared by the portal tests and the card-data test's form channel.

/// The boundary every body here uses.
pub const BOUNDARY: &str = "----paydesk-test-form";

/// The content type that goes with [`body`].
pub fn content_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// Text `fields` (name, value), then `files` (file name, media type, bytes) under the
/// field name `attachments`.
pub fn body(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in fields {
        out.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .into_bytes(),
        );
    }
    for (filename, media_type, bytes) in files {
        out.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"{filename}\"\r\nContent-Type: {media_type}\r\n\r\n"
            )
            .into_bytes(),
        );
        out.extend_from_slice(bytes);
        out.extend(b"\r\n");
    }
    out.extend(format!("--{BOUNDARY}--\r\n").into_bytes());
    out
}
