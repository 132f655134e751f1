//! How amounts and dates are written in each currency and language of the demo.

use paydesk_domain::Timestamp;

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
    /// The ISO 4217 code.
    pub(super) fn code(self) -> &'static str {
        match self {
            Self::Usd => "USD",
            Self::Cad => "CAD",
            Self::Gbp => "GBP",
            Self::Eur => "EUR",
            Self::Php => "PHP",
            Self::Mxn => "MXN",
            Self::Cop => "COP",
            Self::Brl => "BRL",
            Self::Idr => "IDR",
        }
    }

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
    pub(super) fn minor_units(self, cents: i64, is_price: bool) -> i64 {
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

const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];
const MONTHS_PT: [&str; 12] = [
    "janeiro",
    "fevereiro",
    "março",
    "abril",
    "maio",
    "junho",
    "julho",
    "agosto",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
];
const MONTHS_ID: [&str; 12] = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
];
const MONTHS_TL: [&str; 12] = [
    "Enero",
    "Pebrero",
    "Marso",
    "Abril",
    "Mayo",
    "Hunyo",
    "Hulyo",
    "Agosto",
    "Setyembre",
    "Oktubre",
    "Nobyembre",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_per_currency() {
        assert_eq!(Currency::Usd.format(123_456), "$1,234.56");
        assert_eq!(Currency::Brl.format(99), "R$ 0,99");
        assert_eq!(Currency::Idr.format(15_000_000), "Rp 150.000");
        assert_eq!(Currency::Usd.minor_units(999, true), 999);
        assert_eq!(grouped(1_000, ','), "1,000");
        assert_eq!(grouped(999, ','), "999");
    }

    #[test]
    fn dates_are_civil() {
        // 2026-03-14T00:00:00Z
        assert_eq!(civil(Timestamp(1_773_446_400_000)), (2026, 3, 14));
        assert_eq!(date_text(Timestamp(1_773_446_400_000), "es"), "14 de marzo");
    }
}
