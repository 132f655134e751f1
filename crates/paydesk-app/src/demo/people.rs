//! The desk: two BPO vendors, six queues, about forty agents across in-house teams and
//! vendors, the partner and finance people who answer escalations, and one sign-in per
//! role sharing one demo password (hashed once: Argon2id is slow on purpose).

use super::DemoLogin;
use crate::error::AppError;
use crate::password;
use paydesk_domain::customer::normalize_email;
use paydesk_domain::role::Role;
use paydesk_domain::ticket::BusinessLine;
use paydesk_domain::{QueueId, Timestamp, UserId, VendorId};
use paydesk_store::{NewQueue, NewUser, Store};

/// The vendors: (name, city).
pub(super) const VENDORS: [(&str, &str); 2] = [
    ("Northwind BPO", "Manila"),
    ("Southridge Contact", "Bogotá"),
];

/// A queue of the desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum QueueKind {
    BuyerRefunds,
    BuyerPayments,
    MerchantPayouts,
    MerchantDisputes,
    CreatorEarnings,
    Escalations,
}

/// Who works where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Team {
    /// Vendor 1: buyer refunds and top-ups.
    Northwind,
    /// Vendor 2: buyer payments and creator earnings.
    Southridge,
    /// In-house merchant payments specialists (L1 for merchants).
    Merchant,
    /// In-house L2 payment specialists.
    L2,
    /// Finance: merchant disputes, and answers escalations.
    Finance,
    /// Engineering, risk and legal: answer escalations.
    Partner,
    /// Leads, QA, admins and viewers: no tickets of their own.
    Office,
}

/// A queue to create.
struct QueueSpec {
    kind: QueueKind,
    key: &'static str,
    name: &'static str,
    line: Option<BusinessLine>,
    /// Index into [`VENDORS`]; `None` for in-house queues.
    vendor: Option<usize>,
    /// Median first reply, in minutes, on a quiet weekday.
    first_reply_minutes: f64,
    team: Team,
}

const fn spec(
    kind: QueueKind,
    key: &'static str,
    name: &'static str,
    line: Option<BusinessLine>,
    vendor: Option<usize>,
    first_reply_minutes: f64,
    team: Team,
) -> QueueSpec {
    QueueSpec {
        kind,
        key,
        name,
        line,
        vendor,
        first_reply_minutes,
        team,
    }
}

const QUEUES: [QueueSpec; 6] = [
    spec(
        QueueKind::BuyerRefunds,
        "buyer_refunds_topups",
        "Buyer refunds & top-ups",
        Some(BusinessLine::Buyer),
        Some(0),
        35.0,
        Team::Northwind,
    ),
    spec(
        QueueKind::BuyerPayments,
        "buyer_payments",
        "Buyer payments",
        Some(BusinessLine::Buyer),
        Some(1),
        45.0,
        Team::Southridge,
    ),
    spec(
        QueueKind::MerchantPayouts,
        "merchant_payouts",
        "Merchant payouts",
        Some(BusinessLine::Merchant),
        None,
        90.0,
        Team::Merchant,
    ),
    spec(
        QueueKind::MerchantDisputes,
        "merchant_disputes",
        "Merchant disputes (finance)",
        Some(BusinessLine::Merchant),
        None,
        180.0,
        Team::Finance,
    ),
    spec(
        QueueKind::CreatorEarnings,
        "creator_earnings",
        "Creator earnings & withdrawals",
        Some(BusinessLine::Creator),
        Some(1),
        50.0,
        Team::Southridge,
    ),
    spec(
        QueueKind::Escalations,
        "l2_escalations",
        "L2 escalations",
        None,
        None,
        240.0,
        Team::L2,
    ),
];

/// Staff without a sign-in: (name, role, team).
const STAFF: &[(&str, Role, Team)] = &[
    ("Maria Santos", Role::BpoAgent, Team::Northwind),
    ("Jose Reyes", Role::BpoAgent, Team::Northwind),
    ("Kristine Dela Cruz", Role::BpoAgent, Team::Northwind),
    ("Mark Villanueva", Role::BpoAgent, Team::Northwind),
    ("Joy Bautista", Role::BpoAgent, Team::Northwind),
    ("Paolo Garcia", Role::BpoAgent, Team::Northwind),
    ("Grace Mendoza", Role::BpoAgent, Team::Northwind),
    ("Rey Aquino", Role::BpoAgent, Team::Northwind),
    ("Liza Ramos", Role::BpoAgent, Team::Northwind),
    ("Carlo Navarro", Role::BpoAgent, Team::Northwind),
    ("Jessa Torres", Role::BpoAgent, Team::Northwind),
    ("Ana Flores", Role::BpoAgent, Team::Northwind),
    ("Valentina Gómez", Role::BpoAgent, Team::Southridge),
    ("Santiago Rodríguez", Role::BpoAgent, Team::Southridge),
    ("Camila Martínez", Role::BpoAgent, Team::Southridge),
    ("Andrés López", Role::BpoAgent, Team::Southridge),
    ("Daniela Hernández", Role::BpoAgent, Team::Southridge),
    ("Juan Pablo Díaz", Role::BpoAgent, Team::Southridge),
    ("Laura Castro", Role::BpoAgent, Team::Southridge),
    ("Mateo Vargas", Role::BpoAgent, Team::Southridge),
    ("Isabela Moreno", Role::BpoAgent, Team::Southridge),
    ("Felipe Rojas", Role::BpoAgent, Team::Southridge),
    ("Mariana Souza", Role::BpoAgent, Team::Southridge),
    ("Lucas Oliveira", Role::BpoAgent, Team::Southridge),
    ("Emily Chen", Role::Agent, Team::Merchant),
    ("Marcus Johnson", Role::Agent, Team::Merchant),
    ("Sofia Rossi", Role::Agent, Team::Merchant),
    ("Daniel Kim", Role::Agent, Team::Merchant),
    ("Aisha Okafor", Role::Agent, Team::Merchant),
    ("Tom Becker", Role::Agent, Team::Merchant),
    ("Ravi Patel", Role::Agent, Team::L2),
    ("Hannah Schmidt", Role::Agent, Team::L2),
    ("Kenji Watanabe", Role::Agent, Team::L2),
    ("Olivia Brown", Role::Agent, Team::L2),
    ("Mei Lin", Role::Finance, Team::Finance),
    ("Carlos Ortega", Role::Finance, Team::Finance),
    ("Priya Nair", Role::Finance, Team::Finance),
    ("Sam Wright", Role::Partner, Team::Partner),
    ("Nadia Haddad", Role::Partner, Team::Partner),
    ("Victor Alves", Role::Partner, Team::Partner),
    ("Devon Brooks", Role::Lead, Team::Office),
    ("Rosa Lim", Role::Lead, Team::Office),
    ("Priya Shah", Role::QaAnalyst, Team::Office),
];

/// The sign-ins: (role, name, team). Each gets `<role>@demo.paydesk.test`.
const SIGN_INS: [(Role, &str, Team); 8] = [
    (Role::Agent, "Alex Rivera", Team::Merchant),
    (Role::BpoAgent, "Ana Cruz", Team::Northwind),
    (Role::Lead, "Lee Morgan", Team::Office),
    (Role::QaAnalyst, "Quinn Adams", Team::Office),
    (Role::Finance, "Fatima Noor", Team::Finance),
    (Role::Partner, "Pat Engel", Team::Partner),
    (Role::Admin, "Ada Admin", Team::Office),
    (Role::Viewer, "Vic Viewer", Team::Office),
];

/// A person who works tickets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Worker {
    pub id: UserId,
    pub first_name: String,
}

/// A queue with the people who work it and how fast they usually answer.
#[derive(Debug, Clone)]
pub(super) struct DeskQueue {
    pub kind: QueueKind,
    pub id: QueueId,
    pub workers: Vec<Worker>,
    pub first_reply_minutes: f64,
}

/// Everything the ticket histories need to know about the desk.
#[derive(Debug, Clone)]
pub(super) struct Desk {
    pub queues: Vec<DeskQueue>,
    pub partners: Vec<Worker>,
    pub finance: Vec<Worker>,
    pub logins: Vec<DemoLogin>,
}

impl Desk {
    /// The queue of `kind` (all six always exist).
    pub(super) fn queue(&self, kind: QueueKind) -> Option<&DeskQueue> {
        self.queues.iter().find(|q| q.kind == kind)
    }
}

/// `name` folded to an email local part: "Juan Pablo Díaz" → "juan.pablo.diaz".
fn local_part(name: &str) -> String {
    super::text::ascii_slug(name, Some('.'))
}

fn first_name(name: &str) -> String {
    name.split_whitespace().next().unwrap_or(name).to_string()
}

/// Creates vendors, queues and users; returns the desk with one login per role.
pub(super) async fn create_desk(
    store: &Store,
    at: Timestamp,
    password: &str,
) -> Result<Desk, AppError> {
    let mut vendors: Vec<VendorId> = Vec::with_capacity(VENDORS.len());
    for (name, _) in VENDORS {
        vendors.push(store.insert_vendor(name, at).await?.id);
    }
    let vendor_of = |team: Team| match team {
        Team::Northwind => vendors.first().copied(),
        Team::Southridge => vendors.get(1).copied(),
        _ => None,
    };
    let domain_of = |team: Team| match team {
        Team::Northwind => "northwind.demo.paydesk.test",
        Team::Southridge => "southridge.demo.paydesk.test",
        _ => "demo.paydesk.test",
    };

    let mut teams: Vec<(Team, Worker)> = Vec::new();
    let phc = password::hash(password)?;
    let mut logins = Vec::with_capacity(SIGN_INS.len());
    for (role, name, team) in SIGN_INS {
        let email = normalize_email(&format!("{}@demo.paydesk.test", role.as_str()))?;
        let user = NewUser {
            email: email.clone(),
            name: name.to_string(),
            role,
            vendor_id: vendor_of(team),
            password_hash: Some(phc.clone()),
        };
        let id = store.insert_user(&user, at).await?.id;
        teams.push((
            team,
            Worker {
                id,
                first_name: first_name(name),
            },
        ));
        logins.push(DemoLogin {
            role,
            email,
            password: password.to_string(),
            vendor: team_vendor_name(team),
        });
    }
    for &(name, role, team) in STAFF {
        let email = normalize_email(&format!("{}@{}", local_part(name), domain_of(team)))?;
        let user = NewUser {
            email,
            name: name.to_string(),
            role,
            vendor_id: vendor_of(team),
            password_hash: None,
        };
        let id = store.insert_user(&user, at).await?.id;
        teams.push((
            team,
            Worker {
                id,
                first_name: first_name(name),
            },
        ));
    }
    let members = |team: Team| -> Vec<Worker> {
        teams
            .iter()
            .filter(|(t, _)| *t == team)
            .map(|(_, w)| w.clone())
            .collect()
    };

    let mut queues = Vec::with_capacity(QUEUES.len());
    for q in &QUEUES {
        let vendor_id = q.vendor.and_then(|i| vendors.get(i).copied());
        let new = NewQueue {
            key: q.key.to_string(),
            name: q.name.to_string(),
            business_line: q.line,
            vendor_id,
        };
        let id = store.insert_queue(&new, at).await?.id;
        queues.push(DeskQueue {
            kind: q.kind,
            id,
            workers: members(q.team),
            first_reply_minutes: q.first_reply_minutes,
        });
    }
    Ok(Desk {
        queues,
        partners: members(Team::Partner),
        finance: members(Team::Finance),
        logins,
    })
}

fn team_vendor_name(team: Team) -> Option<String> {
    match team {
        Team::Northwind => VENDORS.first().map(|v| v.0.to_string()),
        Team::Southridge => VENDORS.get(1).map(|v| v.0.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_fold_to_email_local_parts() {
        assert_eq!(local_part("Juan Pablo Díaz"), "juan.pablo.diaz");
        assert_eq!(local_part("Kristine Dela Cruz"), "kristine.dela.cruz");
    }

    #[test]
    fn every_queue_has_workers_and_there_are_about_forty_agents() {
        for q in &QUEUES {
            assert!(STAFF.iter().any(|s| s.2 == q.team), "{:?}", q.team);
        }
        let agents = STAFF
            .iter()
            .filter(|s| matches!(s.1, Role::Agent | Role::BpoAgent | Role::Finance))
            .count();
        assert!((35..=45).contains(&agents), "{agents}");
    }
}
