//! Filling templates: the facts one ticket talks about (amounts, order and gateway ids,
//! dates, products) and how each is written, plus the card numbers some customers paste.
//!
//! Every id and reference made here mixes letters into its digits, so none of them can
//! pass for a card number; only [`card_sentence`] produces card data on purpose.

use paydesk_domain::Timestamp;
use paydesk_domain::ticket::BusinessLine;
use rand::Rng;
use rand::rngs::SmallRng;

/// A currency with how the demo writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Currency {
    Usd,
    Cad,
    Gbp,
    Eur,
    Php,
    Mxn,
    Cop,
    Brl,
    Idr,
}

impl Currency {
    /// Units of this currency per US dollar (rounded; demo data only).
    fn per_usd(self) -> f64 {
        match self {
            Self::Usd => 1.0,
            Self::Cad => 1.36,
            Self::Gbp => 0.79,
            Self::Eur => 0.92,
            Self::Php => 56.0,
            Self::Mxn => 17.0,
            Self::Cop => 4_000.0,
            Self::Brl => 5.0,
            Self::Idr => 16_000.0,
        }
    }

    /// Whether amounts are written without minor units.
    fn is_whole(self) -> bool {
        matches!(self, Self::Cop | Self::Idr)
    }

    /// Converts US cents to minor units of this currency, rounded to a price people see.
    pub(super) fn from_usd_cents(self, cents: i64, is_price: bool) -> i64 {
        let minor = (cents as f64 * self.per_usd()).round() as i64;
        if self.is_whole() {
            (minor / 100_000).max(1) * 100_000
        } else if is_price {
            ((minor + 50) / 100).max(1) * 100 - 1
        } else {
            minor.max(1)
        }
    }

    /// `minor` units written as money, the way a customer of this currency would.
    pub(super) fn format(self, minor: i64) -> String {
        let units = minor / 100;
        let cents = minor % 100;
        match self {
            Self::Brl => format!("R$ {},{cents:02}", grouped(units, '.')),
            Self::Idr => format!("Rp {}", grouped(units, '.')),
            Self::Cop => format!("COP {}", grouped(units, '.')),
            _ => {
                let symbol = match self {
                    Self::Cad => "CA$",
                    Self::Gbp => "£",
                    Self::Eur => "€",
                    Self::Php => "₱",
                    Self::Mxn => "MX$",
                    _ => "$",
                };
                format!("{symbol}{}.{cents:02}", grouped(units, ','))
            }
        }
    }
}

/// `n` with a separator every three digits.
pub(super) fn grouped(n: i64, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

const ID_CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const REF_CHARS: &[u8] = b"abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
const REF_DIGITS: &[u8] = b"0123456789";

/// `n` characters of `alphabet`.
pub(super) fn code(rng: &mut SmallRng, alphabet: &[u8], n: usize) -> String {
    (0..n).map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())])).collect()
}

/// A gateway reference like `ch_3NxK2b...`: letters and digits alternate in short runs,
/// so no run of digits is ever long enough to look like a card number.
fn gateway_ref(rng: &mut SmallRng, prefix: &str) -> String {
    let mut s = String::with_capacity(28);
    s.push_str(prefix);
    for i in 0..22 {
        let set = if i % 3 == 1 { REF_DIGITS } else { REF_CHARS };
        s.push(char::from(set[rng.random_range(0..set.len())]));
    }
    s
}

/// Buyer purchases: (what, price in US cents, whether it is a coin pack).
const PRODUCTS: &[(&str, i64)] = &[
    ("70 coins", 99),
    ("350 coins", 499),
    ("700 coins", 999),
    ("1,000 coins", 1_399),
    ("1,400 coins", 1_999),
    ("3,500 coins", 4_999),
    ("7,000 coins", 9_999),
    ("Gift: Galaxy", 1_099),
    ("Gift: Rose bundle", 199),
    ("Gift: Lion", 2_999),
    ("Gift: Universe", 4_499),
    ("Premium monthly subscription", 799),
    ("LIVE subscription", 499),
    ("Super fan badge", 299),
];

const SHOP_FIRST: &[&str] = &[
    "Ate Nena's", "Lumen", "Casa", "Kopi", "Bright", "Nordic", "Tienda", "Loja", "Sari", "Urban", "Little", "Mango",
    "Blue Harbor", "Kalye", "Verde", "Toko",
];
const SHOP_SECOND: &[&str] = &[
    "Kakanin", "Audio Co.", "Beauty", "Kitchen", "Threads", "Gadgets", "Crafts", "Sneakers", "Home", "Snacks",
    "Phone Cases", "Skincare", "Books", "Toys", "Coffee", "Pets",
];

/// A shop name such as "Lumen Audio Co.".
pub(super) fn shop_name(rng: &mut SmallRng) -> String {
    let a = SHOP_FIRST[rng.random_range(0..SHOP_FIRST.len())];
    let b = SHOP_SECOND[rng.random_range(0..SHOP_SECOND.len())];
    format!("{a} {b}")
}

/// What one ticket talks about, drawn once so that every message of it agrees.
#[derive(Debug, Clone)]
pub(super) struct Facts {
    pub currency: Currency,
    pub amount: i64,
    /// A second amount: the expected one, the list price, the gross before fees.
    pub amount2: i64,
    pub product: &'static str,
    pub order: String,
    pub charge: String,
    pub refund: String,
    pub payout: String,
    pub dispute: String,
    /// When the payment happened: a few days before the ticket.
    pub date: Timestamp,
    pub shop: String,
    pub last4: String,
    pub bank: &'static str,
    pub days: u32,
    /// The customer's first name, for signatures.
    pub name: String,
    /// The agent's first name, for signatures.
    pub agent: String,
}

impl Facts {
    /// Draws the facts of a ticket of `line` created at `created`.
    pub(super) fn draw(
        rng: &mut SmallRng,
        line: BusinessLine,
        currency: Currency,
        bank: &'static str,
        shop: Option<&str>,
        name: &str,
        created: Timestamp,
    ) -> Self {
        let (product, price) = PRODUCTS[rng.random_range(0..PRODUCTS.len())];
        let (cents, is_price) = match line {
            BusinessLine::Buyer => (price * i64::from(rng.random_range(1..=2u8)), true),
            BusinessLine::Merchant => (lognormal_cents(rng, 85_000.0, 1.0), false),
            BusinessLine::Creator => (lognormal_cents(rng, 32_000.0, 0.9), false),
        };
        let amount = currency.from_usd_cents(cents, is_price);
        let ratio = 1.0 + rng.random_range(0.08..0.6);
        let amount2 = currency.from_usd_cents((cents as f64 * ratio) as i64, is_price);
        let days_before = rng.random_range(0..6) * Timestamp::DAY + rng.random_range(0..Timestamp::DAY);
        Self {
            currency,
            amount,
            amount2,
            product,
            order: format!("ORD-{}", code(rng, ID_CHARS, 6)),
            charge: gateway_ref(rng, "ch_3N"),
            refund: gateway_ref(rng, "re_3N"),
            payout: gateway_ref(rng, "po_1P"),
            dispute: gateway_ref(rng, "dp_1O"),
            date: created.plus_millis(-days_before),
            shop: shop.map_or_else(|| shop_name(rng), str::to_string),
            last4: format!("{:04}", rng.random_range(0..10_000)),
            bank,
            days: rng.random_range(2..=12),
            name: name.to_string(),
            agent: String::new(),
        }
    }

    /// The text of `key` in `lang`, or `None` for an unknown key.
    fn value(&self, key: &str, lang: &str) -> Option<String> {
        Some(match key {
            "amount" => self.currency.format(self.amount),
            "amount2" => self.currency.format(self.amount2),
            "product" => self.product.to_string(),
            "order" => self.order.clone(),
            "charge" => self.charge.clone(),
            "refund" => self.refund.clone(),
            "payout" => self.payout.clone(),
            "dispute" => self.dispute.clone(),
            "date" => date_text(self.date, lang),
            "shop" => self.shop.clone(),
            "last4" => self.last4.clone(),
            "bank" => self.bank.to_string(),
            "days" => self.days.to_string(),
            "name" => self.name.clone(),
            "agent" => self.agent.clone(),
            _ => return None,
        })
    }
}

/// `template` with each `{key}` replaced by the fact it names (unknown keys stay as written).
pub(super) fn fill(template: &str, facts: &Facts, lang: &str) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| Some((close, facts.value(&after[..close], lang)?))) {
            Some((close, value)) => {
                out.push_str(&value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A log-normal amount in US cents around `median`.
fn lognormal_cents(rng: &mut SmallRng, median: f64, sigma: f64) -> i64 {
    let cents = (median * (sigma * normal(rng)).exp()).clamp(500.0, 5_000_000.0) as i64;
    cents
}

/// A standard normal draw (Box-Muller).
pub(super) fn normal(rng: &mut SmallRng) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// (year, month 1-12, day 1-31) of a UTC instant (Hinnant's civil-from-days).
pub(super) fn civil(t: Timestamp) -> (i64, usize, i64) {
    let z = t.0.div_euclid(Timestamp::DAY) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, usize::try_from(month).unwrap_or(1), day)
}

const MONTHS_EN: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTHS_ES: [&str; 12] = [
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre",
    "diciembre",
];
const MONTHS_PT: [&str; 12] = [
    "janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro",
    "dezembro",
];
const MONTHS_ID: [&str; 12] = [
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November",
    "Desember",
];
const MONTHS_TL: [&str; 12] = [
    "Enero", "Pebrero", "Marso", "Abril", "Mayo", "Hunyo", "Hulyo", "Agosto", "Setyembre", "Oktubre", "Nobyembre",
    "Disyembre",
];

/// A date as a customer writing in `lang` would.
pub(super) fn date_text(t: Timestamp, lang: &str) -> String {
    let (_, month, day) = civil(t);
    let m = month.saturating_sub(1).min(11);
    match lang {
        "es" => format!("{day} de {}", MONTHS_ES[m]),
        "pt" => format!("{day} de {}", MONTHS_PT[m]),
        "id" => format!("{day} {}", MONTHS_ID[m]),
        "tl" => format!("{} {day}", MONTHS_TL[m]),
        _ => format!("{} {day}", MONTHS_EN[m]),
    }
}

/// Published test card numbers (Visa, Mastercard, Amex, Discover, JCB, Diners).
const TEST_PANS: &[&str] = &[
    "4111111111111111",
    "4242424242424242",
    "4012888888881881",
    "5555555555554444",
    "5105105105105100",
    "378282246310005",
    "371449635398431",
    "6011111111111117",
    "3566002020360505",
    "30569309025904",
];

/// A Luhn-valid card number: a published test number, or a Visa-like one made up here.
fn pan(rng: &mut SmallRng) -> String {
    if rng.random_bool(0.6) {
        return TEST_PANS[rng.random_range(0..TEST_PANS.len())].to_string();
    }
    let mut digits: Vec<u8> = vec![4];
    digits.extend((0..14).map(|_| rng.random_range(0..10u8)));
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 { x - 9 } else { x }
            } else {
                d
            }
        })
        .sum();
    digits.push(u8::try_from((10 - sum % 10) % 10).unwrap_or(0));
    digits.iter().map(|d| char::from(b'0' + d)).collect()
}

/// `pan` written as people type it: plain, in groups of four, with dashes, or as Amex groups.
fn layout(rng: &mut SmallRng, pan: &str) -> String {
    let sep = match rng.random_range(0..4) {
        0 => return pan.to_string(),
        1 => '-',
        _ => ' ',
    };
    let groups: &[usize] = if pan.len() == 15 { &[4, 6, 5] } else { &[4, 4, 4, 4, 4] };
    let mut out = String::with_capacity(pan.len() + 5);
    let mut pos = 0;
    for g in groups {
        if pos >= pan.len() {
            break;
        }
        if pos > 0 {
            out.push(sep);
        }
        let end = (pos + g).min(pan.len());
        out.push_str(&pan[pos..end]);
        pos = end;
    }
    out
}

/// A sentence in which a customer pastes a full card number, sometimes with its
/// security code: exactly what the redactor must catch.
pub(super) fn card_sentence(rng: &mut SmallRng, lang: &str) -> String {
    let number = layout(rng, &pan(rng));
    let cvv = rng.random_range(100..1_000);
    let with_code = rng.random_bool(0.4);
    let month = rng.random_range(1..=12);
    let year = rng.random_range(26..=31);
    match (lang, with_code) {
        ("es", true) => format!("Mi tarjeta es {number}, vence {month:02}/{year}, CVV {cvv}."),
        ("es", false) => format!("Pagué con la tarjeta {number}."),
        ("pt", true) => format!("Meu cartão: {number} validade {month:02}/{year} CVV: {cvv}"),
        ("pt", false) => format!("Usei o cartão {number}."),
        ("tl", _) => format!("Ito po yung card ko {number} para ma-check niyo."),
        ("id", _) => format!("Kartu saya {number}, tolong dicek."),
        (_, true) => format!("My card number is {number} exp {month:02}/{year} CVV {cvv} if you need it."),
        (_, false) => match rng.random_range(0..3) {
            0 => format!("The card I used is {number}."),
            1 => format!("card: {number}"),
            _ => format!("In case it helps, my Visa is {number}, please check it."),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn money_is_written_per_currency() {
        assert_eq!(Currency::Usd.format(123_456), "$1,234.56");
        assert_eq!(Currency::Brl.format(99), "R$ 0,99");
        assert_eq!(Currency::Idr.format(15_000_000), "Rp 150.000");
        assert_eq!(grouped(1_000, ','), "1,000");
        assert_eq!(grouped(999, ','), "999");
    }

    #[test]
    fn dates_are_civil() {
        // 2026-03-14T00:00:00Z
        assert_eq!(civil(Timestamp(1_773_446_400_000)), (2026, 3, 14));
        assert_eq!(date_text(Timestamp(1_773_446_400_000), "es"), "14 de marzo");
    }

    #[test]
    fn made_up_pans_pass_luhn_and_sentences_get_masked() {
        let mut rng = SmallRng::seed_from_u64(7);
        for _ in 0..200 {
            let p = pan(&mut rng);
            assert!(paydesk_domain::redaction::luhn_valid(p.as_bytes()), "{p}");
            let s = card_sentence(&mut rng, "en");
            assert_eq!(paydesk_domain::redaction::redact(&s).card_numbers, 1, "{s}");
        }
    }
}
