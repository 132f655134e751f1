//! SOP bodies as HTML for the console, safe to put in a page as it is.
//!
//! pulldown-cmark reads the Markdown (CommonMark with tables, task lists and
//! strikethrough); raw HTML in the body is shown as text, never passed through, and a link
//! or image whose address is not http, https, mailto or relative becomes plain text, so
//! a body cannot run script in the console.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// A checklist item's box in the rendered SOP.
const TO_TICK: &str = "<span class=\"task\" role=\"img\" aria-label=\"Checklist step\">☐</span> ";
/// A checklist item written already ticked.
const TICKED: &str =
    "<span class=\"task\" role=\"img\" aria-label=\"Checklist step, ticked\">☑</span> ";

/// `body` as HTML with raw HTML escaped and unsafe links dropped.
#[must_use]
pub fn to_safe_html(body: &str) -> String {
    let mut options = Options::empty();
    options.insert(Options::ENABLE_TABLES);
    options.insert(Options::ENABLE_TASKLISTS);
    options.insert(Options::ENABLE_STRIKETHROUGH);
    let mut dropped: Vec<bool> = Vec::new();
    let events = Parser::new_ext(body, options).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        // A checklist item's box, as a named symbol: the steps are ticked on the ticket,
        // and a form control without a label would mislead screen readers here.
        Event::TaskListMarker(done) => Some(Event::InlineHtml(CowStr::Borrowed(if done {
            TICKED
        } else {
            TO_TICK
        }))),
        Event::Start(Tag::Link { dest_url, .. }) if !is_safe_url(&dest_url) => {
            dropped.push(true);
            None
        }
        // Images would load from anywhere; the console shows their alt text only.
        Event::Start(Tag::Image { .. }) => {
            dropped.push(true);
            None
        }
        Event::Start(tag @ Tag::Link { .. }) => {
            dropped.push(false);
            Some(Event::Start(tag))
        }
        Event::End(TagEnd::Link | TagEnd::Image) => {
            if dropped.pop().unwrap_or(false) {
                None
            } else {
                Some(event)
            }
        }
        other => Some(other),
    });
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// Whether a link address is one the console may follow.
fn is_safe_url(url: &CowStr<'_>) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    let scheme_end = lower.find(':');
    let first_sep = lower.find(['/', '?', '#']);
    match (scheme_end, first_sep) {
        (Some(c), Some(s)) if s < c => true,
        (Some(_), _) => {
            lower.starts_with("http://")
                || lower.starts_with("https://")
                || lower.starts_with("mailto:")
        }
        (None, _) => true,
    }
}
