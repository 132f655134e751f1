use super::*;
use crate::ticket::BusinessLine;
use proptest::prelude::*;

const BODY: &str = "# Unauthorised charge\n\nIntro text.\n\n1. Confirm the customer's identity\n2. Check the ledger\n\n- [ ] Ask whether a family member used the card\n- [x] Block the card\n- a plain bullet\n\n```\n1. not a step\n- [ ] nor this\n```\n\n3) Check the ledger\n";

#[test]
fn numbered_and_checklist_items_are_steps_in_order() {
    let steps = parse_steps(BODY);
    let keys: Vec<&str> = steps.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "confirm-the-customer-s-identity",
            "check-the-ledger",
            "ask-whether-a-family-member-used-the-card",
            "block-the-card",
            "check-the-ledger-2",
        ]
    );
    assert_eq!(steps[0].kind, StepKind::Numbered);
    assert_eq!(steps[2].kind, StepKind::Checklist);
    assert_eq!(steps[3].text, "Block the card");
}

#[test]
fn a_step_without_words_gets_its_position() {
    let steps = parse_steps("1. ---\n2. ok");
    assert_eq!(steps[0].key, "step-1");
    assert_eq!(steps[1].key, "ok");
}

#[test]
fn keys_stay_when_other_steps_are_added() {
    let v1 = parse_steps("1. Check the ledger\n2. Refund");
    let v2 = parse_steps("1. Greet\n2. Check the ledger\n3. Refund");
    assert_eq!(v1[0].key, v2[1].key);
    assert_eq!(v1[1].key, v2[2].key);
}

#[test]
fn raw_html_is_escaped_and_script_links_dropped() {
    let html = to_safe_html(
        "Hello <script>alert(1)</script>\n\n[x](javascript:alert(1)) [ok](https://example.org) ![i](https://e.org/a.png)",
    );
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
    assert!(
        html.contains("<a href=\"https://example.org\">ok</a>"),
        "{html}"
    );
    assert!(!html.contains("<img"), "{html}");
}

#[test]
fn task_lists_render_as_named_boxes_not_form_controls() {
    let html = to_safe_html("- [ ] one\n- [x] two");
    assert!(!html.contains("<input"), "{html}");
    assert!(
        html.contains("aria-label=\"Checklist step\">☐</span> one"),
        "{html}"
    );
    assert!(
        html.contains("aria-label=\"Checklist step, ticked\">☑</span> two"),
        "{html}"
    );
}

#[test]
fn versions_move_draft_review_published_retired() {
    let a = Some(crate::UserId(1));
    let b = Some(crate::UserId(2));
    use VersionStatus as S;
    assert_eq!(
        check_move(VersionMove::Submit, 1, S::Draft, a, a),
        Ok(S::InReview)
    );
    assert_eq!(
        check_move(VersionMove::Return, 1, S::InReview, a, b),
        Ok(S::Draft)
    );
    assert_eq!(
        check_move(VersionMove::Publish, 1, S::InReview, a, b),
        Ok(S::Published)
    );
    assert_eq!(
        check_move(VersionMove::Retire, 1, S::Published, a, a),
        Ok(S::Retired)
    );
    assert_eq!(
        check_move(VersionMove::Publish, 1, S::InReview, a, a),
        Err(MoveError::OwnVersion { version: 1 })
    );
    assert!(matches!(
        check_move(VersionMove::Publish, 3, S::Draft, a, b),
        Err(MoveError::WrongStatus { version: 3, .. })
    ));
    assert!(check_move(VersionMove::Retire, 1, S::Retired, a, b).is_err());
}

fn facts(category: Option<&str>, line: BusinessLine, codes: &[&str]) -> TicketFacts {
    TicketFacts {
        category: category.map(str::to_string),
        business_line: line,
        reason_codes: codes.iter().map(|c| (*c).to_string()).collect(),
    }
}

#[test]
fn links_match_every_linked_kind() {
    let links = SopLinks {
        categories: vec!["unauthorised_charge".into()],
        business_lines: vec![BusinessLine::Buyer],
        reason_codes: vec![],
    };
    assert!(links.applies_to(&facts(
        Some("Unauthorised_Charge"),
        BusinessLine::Buyer,
        &[]
    )));
    assert!(!links.applies_to(&facts(
        Some("unauthorised_charge"),
        BusinessLine::Merchant,
        &[]
    )));
    assert!(!links.applies_to(&facts(None, BusinessLine::Buyer, &[])));
    let codes = SopLinks {
        reason_codes: vec!["10.4".into(), "4837".into()],
        ..SopLinks::default()
    };
    assert!(codes.applies_to(&facts(None, BusinessLine::Merchant, &["4837"])));
    assert!(!codes.applies_to(&facts(None, BusinessLine::Merchant, &["13.1"])));
    assert!(!SopLinks::default().applies_to(&facts(Some("x"), BusinessLine::Buyer, &[])));
}

#[test]
fn links_are_normalised_and_bounded() {
    let links = SopLinks {
        categories: vec![" Refund ".into(), "refund".into()],
        business_lines: vec![BusinessLine::Buyer, BusinessLine::Buyer],
        reason_codes: vec!["10.4".into()],
    }
    .validated();
    assert_eq!(
        links.map(|l| (l.categories, l.business_lines.len())),
        Ok((vec!["refund".to_string()], 1))
    );
    assert!(
        SopLinks {
            categories: vec![" ".into()],
            ..SopLinks::default()
        }
        .validated()
        .is_err()
    );
}

#[test]
fn review_is_overdue_once_the_date_passed() {
    assert!(is_review_overdue(Some(Timestamp(10)), Timestamp(11)));
    assert!(!is_review_overdue(Some(Timestamp(10)), Timestamp(10)));
    assert!(!is_review_overdue(None, Timestamp(11)));
}

#[test]
fn bodies_and_titles_are_checked() {
    assert!(title("  ").is_err());
    assert!(title("a\nb").is_err());
    assert_eq!(
        title(" Refund not received "),
        Ok("Refund not received".into())
    );
    assert!(body_steps("").is_err());
    assert!(body_steps("a\0b").is_err());
    let many: String = (1..=101).map(|i| format!("{i}. step {i}\n")).collect();
    assert!(body_steps(&many).is_err());
}

#[test]
fn steps_left_lists_what_is_not_done() {
    let steps = parse_steps("1. a\n2. b\n3. c");
    let left = steps_left(&steps, &["b".to_string()]);
    assert_eq!(
        left.iter().map(|s| s.key.as_str()).collect::<Vec<_>>(),
        ["a", "c"]
    );
}

proptest! {
    #[test]
    fn keys_are_unique_and_slug_shaped(lines in proptest::collection::vec("[-0-9a-zA-Z .\\[\\]x*)]{0,30}", 0..30)) {
        let body = lines.join("\n");
        let steps = parse_steps(&body);
        let mut keys: Vec<&str> = steps.iter().map(|s| s.key.as_str()).collect();
        for k in &keys {
            prop_assert!(!k.is_empty());
            prop_assert!(k.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        }
        keys.sort_unstable();
        let n = keys.len();
        keys.dedup();
        prop_assert_eq!(keys.len(), n);
    }

    #[test]
    fn parsing_is_stable(body in "\\PC{0,400}") {
        prop_assert_eq!(parse_steps(&body), parse_steps(&body));
    }

    #[test]
    fn rendered_html_never_holds_raw_tags(text in "[<>a-z/ =\"'():]{0,80}") {
        let html = to_safe_html(&text);
        prop_assert!(!html.contains("<script"));
        prop_assert!(!html.contains("<iframe"));
        prop_assert!(!html.to_ascii_lowercase().contains("href=\"javascript"));
    }
}
