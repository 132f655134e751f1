//! An oracle for the tests, written independently of the implementation: it finds any
//! card-like run left in a text by brute force.

/// Every Luhn-valid run of 13-19 digits left in `text`, found independently of the
/// implementation: split the text into maximal runs of digit groups joined by a single
/// space or dash, then try every sequence of whole consecutive groups, with the
/// textbook doubling table for the check.
pub(super) fn surviving_card_runs(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut runs: Vec<Vec<String>> = Vec::new();
    let mut groups: Vec<String> = Vec::new();
    let mut group = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let next_is_digit = chars.get(i + 1).is_some_and(char::is_ascii_digit);
        if c.is_ascii_digit() {
            group.push(c);
        } else if (c == ' ' || c == '-') && !group.is_empty() && next_is_digit {
            groups.push(std::mem::take(&mut group));
        } else {
            if !group.is_empty() {
                groups.push(std::mem::take(&mut group));
            }
            if !groups.is_empty() {
                runs.push(std::mem::take(&mut groups));
            }
        }
    }
    if !group.is_empty() {
        groups.push(group);
    }
    if !groups.is_empty() {
        runs.push(groups);
    }
    let mut found = Vec::new();
    for run in &runs {
        for i in 0..run.len() {
            let mut digits = String::new();
            for group in &run[i..] {
                digits.push_str(group);
                if digits.len() > 19 {
                    break;
                }
                if digits.len() >= 13 && textbook_luhn(&digits) {
                    found.push(digits.clone());
                }
            }
        }
    }
    found
}

/// The Luhn check as usually taught: double every second digit from the right, by table.
pub(super) fn textbook_luhn(digits: &str) -> bool {
    const DOUBLED: [u32; 10] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
    let total: u32 = digits
        .chars()
        .rev()
        .filter_map(|c| c.to_digit(10))
        .enumerate()
        .map(|(i, d)| if i % 2 == 1 { DOUBLED[d as usize] } else { d })
        .sum();
    total.is_multiple_of(10)
}
