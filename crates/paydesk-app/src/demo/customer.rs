//! The customers who write in: buyers, merchants (named by their shop) and creators, from
//! ten countries, with their languages, currencies and banks. The first tenth of each
//! line writes a quarter of its tickets and holds most VIP and strategic accounts, so
//! repeat customers are common.

use super::chance::{one, weighted};
use super::country::{COUNTRIES, country_weights, names};
use super::locale::Currency;
use super::text::{code, shop_name, slug};
use crate::error::AppError;
use paydesk_domain::customer::{NewCustomer, Tier};
use paydesk_domain::ticket::BusinessLine;
use paydesk_domain::{CustomerId, Timestamp};
use paydesk_store::Store;
use rand::Rng;
use rand::rngs::SmallRng;
use std::collections::BTreeMap;

/// Customers go in batches of this many, one transaction each.
const BATCH: usize = 2_000;

const MAIL_DOMAINS: [&str; 4] = ["example.com", "example.net", "example.org", "mail.example"];

/// What the ticket histories need to know about one customer.
#[derive(Debug, Clone)]
pub(super) struct Person {
    pub id: CustomerId,
    pub tier: Tier,
    pub lang: &'static str,
    pub currency: Currency,
    pub bank: &'static str,
    pub first_name: String,
    /// A merchant's shop.
    pub shop: Option<String>,
}

/// All customers, by line; the first tenth of each line are the heavy writers.
#[derive(Debug, Clone, Default)]
pub(super) struct Crowd {
    buyers: Vec<Person>,
    merchants: Vec<Person>,
    creators: Vec<Person>,
}

impl Crowd {
    fn line(&self, line: BusinessLine) -> &[Person] {
        match line {
            BusinessLine::Buyer => &self.buyers,
            BusinessLine::Merchant => &self.merchants,
            BusinessLine::Creator => &self.creators,
        }
    }

    /// A customer of `line`: one time in four one of the heavy writers.
    pub(super) fn pick(&self, rng: &mut SmallRng, line: BusinessLine) -> Option<&Person> {
        let all = self.line(line);
        let heavy = (all.len() / 10).max(1);
        let n = if rng.random_bool(0.25) {
            heavy.min(all.len())
        } else {
            all.len()
        };
        if n == 0 {
            return None;
        }
        all.get(rng.random_range(0..n))
    }

    pub(super) fn len(&self) -> usize {
        self.buyers.len() + self.merchants.len() + self.creators.len()
    }
}

/// Draws and inserts `count` customers (line shares: buyers 65%, merchants 17%,
/// creators 18%), created at `at`.
pub(super) async fn create_crowd(
    store: &Store,
    rng: &mut SmallRng,
    count: usize,
    at: Timestamp,
) -> Result<Crowd, AppError> {
    let mut crowd = Crowd::default();
    let mut seen = [0_usize; 3];
    let mut drawn: Vec<(NewCustomer, Person, BusinessLine)> = Vec::with_capacity(BATCH);
    for i in 0..count {
        // The first three cover every line, so each line has someone to write in.
        let slot = if i < 3 {
            i
        } else {
            weighted(rng, &[(0_usize, 65), (1, 17), (2, 18)]).unwrap_or(0)
        };
        let (line, share) = match slot {
            1 => (BusinessLine::Merchant, 17),
            2 => (BusinessLine::Creator, 18),
            _ => (BusinessLine::Buyer, 65),
        };
        let index = seen.get(slot).copied().unwrap_or(0);
        if let Some(n) = seen.get_mut(slot) {
            *n += 1;
        }
        let is_heavy = index < (count * share / 1_000).max(1);
        drawn.push(draw(rng, i, line, is_heavy)?);
        if drawn.len() == BATCH || i + 1 == count {
            let batch: Vec<NewCustomer> = drawn.iter().map(|d| d.0.clone()).collect();
            let ids = store.insert_customers(&batch, at).await?;
            for ((_, mut person, line), id) in drawn.drain(..).zip(ids) {
                person.id = id;
                match line {
                    BusinessLine::Buyer => crowd.buyers.push(person),
                    BusinessLine::Merchant => crowd.merchants.push(person),
                    BusinessLine::Creator => crowd.creators.push(person),
                }
            }
        }
    }
    Ok(crowd)
}

/// The `i`-th customer, of `line`; heavy writers are more often VIP or strategic.
fn draw(
    rng: &mut SmallRng,
    i: usize,
    line: BusinessLine,
    is_heavy: bool,
) -> Result<(NewCustomer, Person, BusinessLine), AppError> {
    let weights = country_weights(line);
    let pairs: Vec<(usize, u32)> = weights.iter().copied().enumerate().collect();
    let country = weighted(rng, &pairs)
        .and_then(|c| COUNTRIES.get(c))
        .unwrap_or(&COUNTRIES[0]);
    let lang = weighted(rng, country.langs).unwrap_or("en");
    let (firsts, lasts) = names(country.region);
    let first = one(rng, firsts).to_string();
    let last = one(rng, lasts);
    let person_name = format!("{first} {last}");
    let tier = match (is_heavy, rng.random_range(0..1000)) {
        (true, x) if x < 40 || (line == BusinessLine::Merchant && x < 120) => Tier::Strategic,
        (true, x) if x < 250 => Tier::Vip,
        (false, x) if x < 3 => Tier::Strategic,
        (false, x) if x < 30 => Tier::Vip,
        _ => Tier::Standard,
    };
    let domain = MAIL_DOMAINS[i % MAIL_DOMAINS.len()];
    let mut external_ids = BTreeMap::new();
    let (name, emails, shop) = match line {
        BusinessLine::Merchant => {
            let shop = shop_name(rng);
            external_ids.insert(
                "shop_id".to_string(),
                format!("shop_{}", code(rng, b"abcdefghjkmnpqrstuvwxyz", 8)),
            );
            external_ids.insert(
                "merchant_id".to_string(),
                format!("m_{}", code(rng, b"ABCDEFGHJKMNPQRSTUVWXYZ", 8)),
            );
            let emails = vec![
                format!("payments.{i}@{}.example", slug(&shop)),
                format!("{}.{i}@{domain}", slug(&first)),
            ];
            (shop.clone(), emails, Some(shop))
        }
        BusinessLine::Creator => {
            external_ids.insert(
                "creator_id".to_string(),
                format!("cr_{}", code(rng, b"abcdefghjkmnpqrstuvwxyz", 10)),
            );
            external_ids.insert(
                "handle".to_string(),
                format!("@{}{}", slug(&first), i % 997),
            );
            (
                person_name.clone(),
                vec![format!("{}.{}.{i}@{domain}", slug(&first), slug(last))],
                None,
            )
        }
        BusinessLine::Buyer => {
            external_ids.insert(
                "buyer_id".to_string(),
                format!("b_{}", code(rng, b"abcdefghjkmnpqrstuvwxyz", 10)),
            );
            (
                person_name.clone(),
                vec![format!("{}.{}.{i}@{domain}", slug(&first), slug(last))],
                None,
            )
        }
    };
    let phone = format!("{} {:04}", country.phone, rng.random_range(0..10_000));
    let customer = NewCustomer {
        business_line: line,
        name,
        emails,
        phone: Some(phone),
        country: Some(country.code.to_string()),
        locale: Some(country.locale.to_string()),
        tier,
        external_ids,
    }
    .validated()?;
    let person = Person {
        id: CustomerId(0),
        tier,
        lang,
        currency: country.currency,
        bank: one(rng, country.banks),
        first_name: first,
        shop,
    };
    Ok((customer, person, line))
}
