//! A small HTML-to-text rendering for HTML-only mail.
//!
//! Good enough to show a support agent what the customer wrote: tags are
//! stripped, entities decoded, block elements and `<br>` become line breaks,
//! and `<script>`, `<style>`, `<head>` and comments are dropped. It is not a
//! browser and makes no attempt at tables or lists beyond line breaks.

/// Renders HTML as plain text.
#[must_use]
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_text(&mut out, rest.get(..lt).unwrap_or_default());
        rest = rest.get(lt..).unwrap_or_default();
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after
                .find("-->")
                .map_or("", |end| after.get(end + 3..).unwrap_or_default());
            continue;
        }
        let Some(gt) = rest.find('>') else {
            // An unclosed `<` is text, as browsers show it.
            push_text(&mut out, rest);
            rest = "";
            break;
        };
        let tag = rest.get(1..gt).unwrap_or_default();
        rest = rest.get(gt + 1..).unwrap_or_default();
        let is_closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if !is_closing && matches!(name.as_str(), "script" | "style" | "head" | "title") {
            rest = skip_element(rest, &name);
            continue;
        }
        match name.as_str() {
            "br" => out.push('\n'),
            "div" | "tr" | "li" | "dt" | "dd" => line_break(&mut out),
            "p" | "ul" | "ol" | "table" | "blockquote" | "pre" | "hr" | "h1" | "h2" | "h3"
            | "h4" | "h5" | "h6" => {
                line_break(&mut out);
                out.push('\n');
            }
            "td" | "th" if !is_closing => out.push(' '),
            _ => {}
        }
    }
    push_text(&mut out, rest);
    tidy(&out)
}

/// Skips past the closing tag of `name`, or to the end when it never closes.
fn skip_element<'a>(rest: &'a str, name: &str) -> &'a str {
    let lower = rest.to_ascii_lowercase();
    let close = format!("</{name}");
    match lower.find(&close) {
        Some(at) => {
            let after = rest.get(at..).unwrap_or_default();
            after
                .find('>')
                .map_or("", |gt| after.get(gt + 1..).unwrap_or_default())
        }
        None => "",
    }
}

/// Ends the current line unless it is already ended; `tidy` later folds
/// runs of blank lines into one.
fn line_break(out: &mut String) {
    if !out.ends_with('\n') {
        out.push('\n');
    }
}

/// Appends text content: whitespace runs collapse to one space, entities decode.
fn push_text(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '&'
            && let Some((decoded, len)) = entity(rest)
        {
            out.push(decoded);
            rest = rest.get(len..).unwrap_or_default();
            continue;
        }
        if c.is_whitespace() && c != '\u{a0}' {
            if !out.ends_with([' ', '\n']) && !out.is_empty() {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
        rest = rest.get(c.len_utf8()..).unwrap_or_default();
    }
}

/// Decodes the entity at the start of `s` (which starts with `&`), returning
/// the character and the bytes consumed.
fn entity(s: &str) -> Option<(char, usize)> {
    let end = s.get(1..)?.find(';')? + 1;
    if end > 10 {
        return None;
    }
    let body = s.get(1..end)?;
    let decoded = if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        char::from_u32(code).unwrap_or('\u{fffd}')
    } else {
        match body {
            "amp" => '&',
            "lt" => '<',
            "gt" => '>',
            "quot" => '"',
            "apos" => '\'',
            "nbsp" => ' ',
            "copy" => '\u{a9}',
            "reg" => '\u{ae}',
            "trade" => '\u{2122}',
            "hellip" => '\u{2026}',
            "mdash" => '\u{2014}',
            "ndash" => '\u{2013}',
            "laquo" => '\u{ab}',
            "raquo" => '\u{bb}',
            "lsquo" => '\u{2018}',
            "rsquo" => '\u{2019}',
            "ldquo" => '\u{201c}',
            "rdquo" => '\u{201d}',
            "euro" => '\u{20ac}',
            "pound" => '\u{a3}',
            "yen" => '\u{a5}',
            "bull" => '\u{2022}',
            "middot" => '\u{b7}',
            _ => return None,
        }
    };
    Some((decoded, end + 1))
}

/// Trims each line and keeps at most one blank line between paragraphs.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::html_to_text;

    #[test]
    fn renders_html_as_text() {
        let html = "<html><head><title>T</title><style>p{color:red}</style></head>\
<body><p>Hello&nbsp;<b>Ana</b>,</p><p>Tom &amp; Jerry &lt;3 &#233;&#x20AC;</p>\
line<br>break<script>alert(1)</script><!-- hidden --> &bogus; a <";
        assert_eq!(
            html_to_text(html),
            "Hello Ana,\n\nTom & Jerry <3 \u{e9}\u{20ac}\n\nline\nbreak &bogus; a <"
        );
    }

    #[test]
    fn survives_broken_markup() {
        assert_eq!(html_to_text("<script>never closed"), "");
        assert_eq!(html_to_text("<!-- never closed"), "");
        assert_eq!(html_to_text("a &#x110000; b &"), "a \u{fffd} b &");
        assert_eq!(html_to_text(""), "");
    }
}
