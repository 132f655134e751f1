//! The rule form: name, kind, the events a trigger runs on, conditions as rows (group,
//! field, operator, value) and the actions as JSON. What the form sends is turned into a
//! rule spec here; the app checks it and a refusal shows the form again with the reason.

use crate::console::admin::Problem;
use crate::console::desk::{Chrome, Desk, Section};
use crate::console::page::{answer, failure, sentence};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use paydesk_app::rules::{RuleInput, masked_spec};
use paydesk_app::{App, AppError};
use paydesk_domain::id::RuleId;
use paydesk_domain::rules::{Field, FieldKind, Operator, TriggerEvent};
use serde_json::{Value, json};

/// Condition rows the form shows (empty rows are ignored).
const ROWS: usize = 8;

/// One condition row as typed.
#[derive(Debug, Clone, Default)]
pub struct ConditionRow {
    pub group: String,
    pub field: String,
    pub op: String,
    pub value: String,
}

/// The form page.
#[derive(Template)]
#[template(path = "console/rules/form.html")]
pub struct FormPage {
    pub chrome: Chrome,
    /// `None` for a new rule.
    pub id: Option<i64>,
    pub version: Option<i64>,
    pub name: String,
    pub kind: String,
    pub on: Vec<(&'static str, bool)>,
    pub rows: Vec<ConditionRow>,
    pub actions: String,
    pub is_active: bool,
    pub fields: Vec<&'static str>,
    pub operators: Vec<&'static str>,
    pub problem: Option<Problem>,
}

impl FormPage {
    fn blank(desk: &Desk) -> Self {
        Self {
            chrome: desk.chrome(Section::Rules),
            id: None,
            version: None,
            name: String::new(),
            kind: "trigger".into(),
            on: TriggerEvent::ALL
                .iter()
                .map(|e| (e.as_str(), false))
                .collect(),
            rows: vec![ConditionRow::default(); ROWS],
            actions: "[\n  {\"type\": \"add_tags\", \"tags\": [\"example\"]}\n]".into(),
            is_active: false,
            fields: Field::ALL.iter().map(|f| f.as_str()).collect(),
            operators: Operator::ALL.iter().map(|o| o.as_str()).collect(),
            problem: None,
        }
    }
}

/// The form as sent: repeated keys for the events and rows, so read as pairs.
type Pairs = Vec<(String, String)>;

fn one<'a>(pairs: &'a Pairs, key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

fn all<'a>(pairs: &'a Pairs, key: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// A typed value as JSON for `field` and `op`: lists split on commas, numbers and yes/no
/// read as such, nothing for present / absent.
fn typed(field: &str, op: &str, text: &str) -> Value {
    let kind = field.parse::<Field>().map(Field::kind).ok();
    let scalar = |t: &str| -> Value {
        let t = t.trim();
        match kind {
            Some(FieldKind::Number) => t.parse::<i64>().map_or_else(|_| json!(t), |n| json!(n)),
            Some(FieldKind::Flag) => match t {
                "true" | "yes" => json!(true),
                "false" | "no" => json!(false),
                other => json!(other),
            },
            _ => json!(t),
        }
    };
    match op {
        "present" | "absent" => Value::Null,
        "in" | "not_in" => Value::Array(text.split(',').map(scalar).collect()),
        _ => scalar(text),
    }
}

/// The form page as typed, and the rule input it stands for.
fn read(desk: &Desk, pairs: &Pairs) -> (FormPage, Result<RuleInput, AppError>) {
    let mut page = FormPage::blank(desk);
    page.name = one(pairs, "name").to_owned();
    page.kind = one(pairs, "kind").to_owned();
    page.actions = one(pairs, "actions").to_owned();
    page.is_active = one(pairs, "is_active") == "on";
    let on = all(pairs, "on");
    for (event, checked) in &mut page.on {
        *checked = on.contains(event);
    }
    let (groups, fields, ops, values) = (
        all(pairs, "group"),
        all(pairs, "field"),
        all(pairs, "op"),
        all(pairs, "value"),
    );
    let mut conditions = json!({"all": [], "any": []});
    for (i, row) in page.rows.iter_mut().enumerate() {
        let pick = |list: &Vec<&str>| list.get(i).copied().unwrap_or("").to_owned();
        *row = ConditionRow {
            group: pick(&groups),
            field: pick(&fields),
            op: pick(&ops),
            value: pick(&values),
        };
        if row.field.is_empty() {
            continue;
        }
        let mut condition = json!({"field": row.field, "op": row.op});
        let value = typed(&row.field, &row.op, &row.value);
        if !value.is_null() {
            condition["value"] = value;
        }
        let group = if row.group == "any" { "any" } else { "all" };
        if let Some(list) = conditions[group].as_array_mut() {
            list.push(condition);
        }
    }
    let actions: Result<Value, AppError> = serde_json::from_str(&page.actions)
        .map_err(|e| AppError::invalid("actions", format!("not JSON: {e}")));
    let kind = if page.kind == "time" {
        json!({"type": "time"})
    } else {
        json!({"type": "trigger", "on": on})
    };
    let input = actions.map(|actions| RuleInput {
        name: page.name.clone(),
        spec: json!({"kind": kind, "conditions": conditions, "actions": actions}),
        is_active: page.is_active,
    });
    (page, input)
}

/// The form's problem for a refusal of what was typed; `None` for anything else.
fn problem(e: &AppError) -> Option<Problem> {
    let field = e.field()?;
    let anchor = if field.starts_with("spec.actions") || field == "actions" {
        "rule-actions"
    } else if field.starts_with("spec.conditions") {
        "rule-conditions"
    } else if field.starts_with("spec.kind") {
        "rule-kind"
    } else {
        "rule-name"
    };
    Some(Problem {
        href: format!("#{anchor}"),
        text: sentence(&e.to_string()),
    })
}

fn refused(desk: &Desk, mut page: FormPage, e: AppError) -> Response {
    match problem(&e) {
        Some(p) => {
            page.problem = Some(p);
            answer(StatusCode::BAD_REQUEST, &page)
        }
        None => failure(desk, Section::Rules, e),
    }
}

/// `GET /desk/rules/new`.
pub async fn new(desk: Desk) -> Response {
    if !desk.may(paydesk_domain::policy::Action::RuleManage) {
        let refused = AppError::Forbidden {
            action: paydesk_domain::policy::Action::RuleManage,
        };
        return failure(&desk, Section::Rules, refused);
    }
    answer(StatusCode::OK, &FormPage::blank(&desk))
}

/// `POST /desk/rules`: saves a new rule, back to the list.
pub async fn create(
    State(app): State<App>,
    desk: Desk,
    axum::Form(pairs): axum::Form<Pairs>,
) -> Response {
    let (page, input) = read(&desk, &pairs);
    let saved = match input {
        Ok(input) => app.create_rule(&desk.caller, &input).await,
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Redirect::to("/desk/rules").into_response(),
        Err(e) => refused(&desk, page, e),
    }
}

/// `GET /desk/rules/{id}`: the form filled with the rule.
pub async fn edit(State(app): State<App>, desk: Desk, Path(id): Path<i64>) -> Response {
    let stored = match app.rule(&desk.caller, RuleId(id)).await {
        Ok(r) => r,
        Err(e) => return failure(&desk, Section::Rules, e),
    };
    let spec = &stored.rule.spec;
    let mut page = FormPage::blank(&desk);
    page.id = Some(id);
    page.version = Some(stored.version);
    page.name = stored.rule.name.clone();
    page.kind = spec.kind.as_str().to_owned();
    page.is_active = stored.rule.is_active;
    if let paydesk_domain::rules::RuleKind::Trigger { on } = &spec.kind {
        for (event, checked) in &mut page.on {
            *checked = on.iter().any(|e| e.as_str() == *event);
        }
    }
    let rows = spec
        .conditions
        .all
        .iter()
        .map(|c| ("all", c))
        .chain(spec.conditions.any.iter().map(|c| ("any", c)));
    let mut shown: Vec<ConditionRow> = rows
        .map(|(group, c)| ConditionRow {
            group: group.to_owned(),
            field: c.field.as_str().to_owned(),
            op: c.op.as_str().to_owned(),
            value: match &c.value {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                Value::Array(items) => items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            },
        })
        .collect();
    shown.resize(shown.len().max(ROWS), ConditionRow::default());
    page.rows = shown;
    let masked = masked_spec(spec);
    page.actions = serde_json::to_string_pretty(&masked["actions"]).unwrap_or_default();
    answer(StatusCode::OK, &page)
}

/// `POST /desk/rules/{id}`: saves the rule (refused if changed meanwhile), back to the list.
pub async fn save(
    State(app): State<App>,
    desk: Desk,
    Path(id): Path<i64>,
    axum::Form(pairs): axum::Form<Pairs>,
) -> Response {
    let (mut page, input) = read(&desk, &pairs);
    page.id = Some(id);
    let version = one(&pairs, "version").parse::<i64>().ok();
    page.version = version;
    let saved = match input {
        Ok(input) => {
            app.update_rule(&desk.caller, RuleId(id), &input, version)
                .await
        }
        Err(e) => Err(e),
    };
    match saved {
        Ok(_) => Redirect::to("/desk/rules").into_response(),
        Err(e) => refused(&desk, page, e),
    }
}
