//! Finds card numbers: Luhn-valid sequences of 12-19 digits, possibly grouped by single
//! spaces or dashes. See the parent module for the rules; this file guarantees a single
//! forward pass with bounded look-back (at most 19 digits) per digit group.

use super::{LuhnSum, Span};

/// Fewer digits than this is no card (the shortest Maestro numbers have 12).
const MIN_DIGITS: usize = 12;
/// More digits than this is no card (ISO/IEC 7812 caps a PAN at 19).
const MAX_DIGITS: usize = 19;

/// The card numbers in `text`, in order, never overlapping.
///
/// Allocates only once a card is found.
pub(super) fn find(text: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut cards = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !is_digit_at(bytes, i) {
            i += 1;
            continue;
        }
        let start = i;
        let mut digits = 0;
        loop {
            while is_digit_at(bytes, i) {
                i += 1;
                digits += 1;
            }
            if is_separator_at(bytes, i) && is_digit_at(bytes, i + 1) {
                i += 1;
            } else {
                break;
            }
        }
        if digits >= MIN_DIGITS
            && let Some(run) = bytes.get(start..i)
        {
            mask_run(run, start, &mut cards);
        }
    }
    cards
}

fn is_digit_at(bytes: &[u8], i: usize) -> bool {
    bytes.get(i).is_some_and(u8::is_ascii_digit)
}

/// Only ASCII separators: a multi-byte character never joins two groups, so every span
/// boundary stays next to an ASCII byte.
fn is_separator_at(bytes: &[u8], i: usize) -> bool {
    matches!(bytes.get(i), Some(b' ' | b'-'))
}

/// Adds to `cards` the spans to mask in one run (digit groups joined by single separators,
/// starting and ending with a digit) found at byte `offset` of the text.
fn mask_run(run: &[u8], offset: usize, cards: &mut Vec<Span>) {
    if !has_candidate(run) {
        return;
    }
    let groups = groups(run);
    if let [_] = groups.as_slice() {
        // A lone group is a candidate only as a whole, and it is one.
        cards.push(Span {
            start: offset,
            end: offset + run.len(),
        });
        return;
    }
    // `best_cover` walks back from the end of the run; the text is rendered front to back.
    for (start, end) in best_cover(run, &groups).into_iter().rev() {
        cards.push(Span {
            start: offset + start,
            end: offset + end,
        });
    }
}

/// Calls `found(start, digits)` for each candidate ending at byte `end` of `run`: every
/// group start `start` such that `run[start..end]` holds 12-19 digits passing Luhn.
/// `end` must be the end of a group.
fn for_each_candidate(run: &[u8], end: usize, mut found: impl FnMut(usize, usize)) {
    let mut sum = LuhnSum::default();
    let mut k = end;
    while k > 0 {
        k -= 1;
        let Some(&byte) = run.get(k) else { return };
        if !byte.is_ascii_digit() {
            continue;
        }
        sum.push_left(byte);
        if sum.digits > MAX_DIGITS {
            return;
        }
        let starts_group = k == 0 || !is_digit_at(run, k - 1);
        if starts_group && sum.digits >= MIN_DIGITS && sum.is_valid() {
            found(k, sum.digits);
        }
    }
}

/// The ends (exclusive byte offsets) of the digit groups of `run`.
fn group_ends(run: &[u8]) -> impl Iterator<Item = usize> + '_ {
    (1..=run.len()).filter(|&p| is_digit_at(run, p - 1) && !is_digit_at(run, p))
}

/// Whether any candidate exists, checked without allocating: most long runs (phone
/// numbers, references) hold none.
fn has_candidate(run: &[u8]) -> bool {
    group_ends(run).any(|end| {
        let mut any = false;
        for_each_candidate(run, end, |_, _| any = true);
        any
    })
}

/// The digit groups of `run` as `(start, end)` byte ranges.
fn groups(run: &[u8]) -> Vec<(usize, usize)> {
    let mut groups = Vec::new();
    let mut start = 0;
    for end in group_ends(run) {
        groups.push((start, end));
        start = end + 1;
    }
    groups
}

/// The non-overlapping candidates covering the most digits, as byte ranges of `run`, last
/// first. Dynamic programming over groups: `best[g]` is the most digits maskable within
/// the first `g` groups, and `from[g]` says whether that best masks a candidate ending at
/// group `g - 1` (and from which group it starts) or leaves that group alone.
fn best_cover(run: &[u8], groups: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut best = vec![0usize; groups.len() + 1];
    let mut from: Vec<Option<usize>> = vec![None; groups.len() + 1];
    for (g, &(_, end)) in groups.iter().enumerate() {
        let skip = best.get(g).copied().unwrap_or(0);
        let mut chosen: Option<(usize, usize)> = None;
        for_each_candidate(run, end, |start, digits| {
            let Ok(first) = groups.binary_search_by_key(&start, |&(s, _)| s) else {
                return;
            };
            let score = best.get(first).copied().unwrap_or(0) + digits;
            // Candidates arrive shortest first; `>=` keeps the longest of equal scores.
            if chosen.is_none_or(|(_, best_score)| score >= best_score) {
                chosen = Some((first, score));
            }
        });
        // A tie with leaving the group alone goes to leaving it: masks then sit as
        // early as possible, so a card followed by a year keeps the year visible.
        let (score, choice) = match chosen {
            Some((first, score)) if score > skip => (score, Some(first)),
            _ => (skip, None),
        };
        if let (Some(b), Some(f)) = (best.get_mut(g + 1), from.get_mut(g + 1)) {
            *b = score;
            *f = choice;
        }
    }
    let mut cover = Vec::new();
    let mut g = groups.len();
    while g > 0 {
        match from.get(g).copied().flatten() {
            Some(first) => {
                if let (Some(&(start, _)), Some(&(_, end))) = (groups.get(first), groups.get(g - 1))
                {
                    cover.push((start, end));
                }
                g = first;
            }
            None => g -= 1,
        }
    }
    cover
}
