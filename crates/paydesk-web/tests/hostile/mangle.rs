//! Broken JSON: each variant is a different way a client gets a body wrong.

use crate::rng::Rng;

/// What a sloppy client leaves after the document.
const TRAILERS: [&[u8]; 7] = [b"}", b"garbage", b",", b"{}", b"\0", b" x", b"]"];

/// Byte sequences that are not UTF-8.
const NOT_UTF8: [&[u8]; 6] = [
    b"\xff",
    b"\xc3",
    b"\xed\xa0\x80",
    b"\xf8\x88\x80\x80\x80",
    b"\xc0\xaf",
    b"\x00",
];

/// Whole documents that are no object at all, or a broken one.
const DOCUMENTS: [&[u8]; 13] = [
    b"",
    b" ",
    b"null",
    b"[]",
    b"\"text\"",
    b"0",
    b"true",
    b"{",
    b"}",
    b"{}{}",
    b"{\"a\":}",
    b"{,}",
    b"\xff",
];

const DEPTHS: [usize; 4] = [64, 129, 1_000, 100_000];

/// `bytes` between `before` and `after`.
fn wrap(before: &[u8], bytes: &[u8], after: &[u8]) -> Vec<u8> {
    [before, bytes, after].concat()
}

/// Replaces in `bytes` as text.
fn edit(bytes: &[u8], edit: impl FnOnce(&str) -> String) -> Vec<u8> {
    edit(&String::from_utf8_lossy(bytes)).into_bytes()
}

/// Breaks a JSON text: each variant is a different way a client gets it wrong.
pub fn mangle(rng: &mut Rng, text: &[u8]) -> (String, Vec<u8>) {
    let mut bytes = text.to_vec();
    match rng.below(14) {
        0 => {
            let at = rng.below(bytes.len().max(1));
            bytes.truncate(at);
            (format!("truncated at {at}"), bytes)
        }
        1 => {
            let trailer = *rng.pick(&TRAILERS);
            bytes.extend_from_slice(trailer);
            ("trailing garbage".into(), bytes)
        }
        2 => {
            let at = rng.below(bytes.len().max(1));
            let bad = *rng.pick(&NOT_UTF8);
            bytes.splice(at..at, bad.iter().copied());
            ("invalid UTF-8 bytes".into(), bytes)
        }
        3 => ("wrapped in an array".into(), wrap(b"[", &bytes, b"]")),
        4 => (
            "nested one level down".into(),
            wrap(b"{\"ticket\":", &bytes, b"}"),
        ),
        5 => ("byte order mark".into(), wrap(b"\xef\xbb\xbf", &bytes, b"")),
        6 => (
            "single quotes".into(),
            edit(&bytes, |t| t.replace('"', "'")),
        ),
        7 => {
            let at = bytes.iter().position(|b| *b == b',').unwrap_or(0);
            bytes.insert(at, b',');
            ("double comma".into(), bytes)
        }
        8 => (
            "comment".into(),
            edit(&bytes, |t| t.replacen('{', "{/* comment */", 1)),
        ),
        9 => {
            let doc = *rng.pick(&DOCUMENTS);
            (
                format!("document {:?}", String::from_utf8_lossy(doc)),
                doc.to_vec(),
            )
        }
        10 => {
            let depth = *rng.pick(&DEPTHS);
            let out = wrap(&b"[".repeat(depth), b"", &b"]".repeat(depth));
            (format!("nested {depth} deep"), out)
        }
        11 => {
            let dup = "{\"subject\":\"dup\",\"name\":\"dup\",\"body\":\"dup\",";
            (
                "duplicate keys".into(),
                edit(&bytes, |t| t.replacen('{', dup, 1)),
            )
        }
        12 => (
            "non-breaking space between tokens".into(),
            edit(&bytes, |t| t.replace(':', ": \u{a0}")),
        ),
        _ => {
            let at = rng.below(bytes.len().max(1));
            if let Some(b) = bytes.get_mut(at) {
                *b ^= 1 << rng.below(8);
            }
            (format!("bit flip at {at}"), bytes)
        }
    }
}
