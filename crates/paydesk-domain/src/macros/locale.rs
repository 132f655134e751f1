//! How amounts and dates read in the languages the desk answers in: English, Spanish,
//! Portuguese, Indonesian, Tagalog (Filipino), German and French. Any other language reads
//! as English. Kept as a small table of our own: a reply needs month and day names and
//! the order of day, month and year, nothing more.

use crate::payment::Money;

/// A language a reply can be written in, read from a tag such as `pt-BR` or `fil`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    English,
    Spanish,
    Portuguese,
    Indonesian,
    Tagalog,
    German,
    French,
}

impl Language {
    /// The language of a BCP 47 tag (`es-MX` → Spanish); English for anything unknown.
    #[must_use]
    pub fn of_tag(tag: &str) -> Self {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "es" => Self::Spanish,
            "pt" => Self::Portuguese,
            "id" | "in" => Self::Indonesian,
            "tl" | "fil" => Self::Tagalog,
            "de" => Self::German,
            "fr" => Self::French,
            _ => Self::English,
        }
    }

    fn months(self) -> [&'static str; 12] {
        match self {
            Self::English | Self::Tagalog => [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ],
            Self::Spanish => [
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
            ],
            Self::Portuguese => [
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
            ],
            Self::Indonesian => [
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
            ],
            Self::German => [
                "Januar",
                "Februar",
                "März",
                "April",
                "Mai",
                "Juni",
                "Juli",
                "August",
                "September",
                "Oktober",
                "November",
                "Dezember",
            ],
            Self::French => [
                "janvier",
                "février",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "août",
                "septembre",
                "octobre",
                "novembre",
                "décembre",
            ],
        }
    }

    /// A calendar date as people write it in this language: `March 5, 2026`,
    /// `5 de marzo de 2026`, `5. März 2026`. `month` is 1-12 (clamped).
    #[must_use]
    pub fn date(self, year: i16, month: i8, day: i8) -> String {
        let index = usize::try_from(month.clamp(1, 12) - 1).unwrap_or(0);
        let name = self.months()[index];
        match self {
            Self::English | Self::Tagalog => format!("{name} {day}, {year}"),
            Self::Spanish | Self::Portuguese => format!("{day} de {name} de {year}"),
            Self::German => format!("{day}. {name} {year}"),
            Self::Indonesian | Self::French => format!("{day} {name} {year}"),
        }
    }

    /// An amount as people write it in this language: `€12.50` in English and Tagalog,
    /// `12,50 €` in Spanish, German and French, `€ 12,50` in Portuguese, `€12,50` in
    /// Indonesian; thousands grouped. Currencies without a sign of their own read as their
    /// code (`CHF 12.50`).
    #[must_use]
    pub fn amount(self, money: &Money) -> String {
        let (decimal, group) = match self {
            Self::English | Self::Tagalog => ('.', ','),
            Self::Spanish | Self::Portuguese | Self::Indonesian | Self::German => (',', '.'),
            Self::French => (',', '\u{202f}'),
        };
        let number = grouped(money, decimal, group);
        let sign = currency_sign(&money.currency);
        match (self, sign) {
            (Self::English | Self::Tagalog | Self::Indonesian, Some(s)) => format!("{s}{number}"),
            (Self::Portuguese, Some(s)) => format!("{s} {number}"),
            (_, Some(s)) => format!("{number} {s}"),
            (Self::English | Self::Tagalog | Self::Indonesian | Self::Portuguese, None) => {
                format!("{} {number}", money.currency)
            }
            (_, None) => format!("{number} {}", money.currency),
        }
    }
}

/// The sign people read for a currency, where there is one everybody knows.
fn currency_sign(code: &str) -> Option<&'static str> {
    Some(match code {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" => "¥",
        "PHP" => "₱",
        "BRL" => "R$",
        "IDR" => "Rp",
        "MXN" => "MX$",
        "CAD" => "CA$",
        "AUD" => "A$",
        "INR" => "₹",
        _ => return None,
    })
}

/// The amount's digits with its decimal separator and thousands groups.
fn grouped(money: &Money, decimal: char, group: char) -> String {
    let exp = money.exponent();
    let unit = 10_i64.pow(exp);
    let negative = money.amount < 0;
    let abs = money.amount.unsigned_abs();
    let unit = unit.unsigned_abs();
    let whole = (abs / unit).to_string();
    let mut out = String::with_capacity(whole.len() + 8);
    if negative {
        out.push('-');
    }
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(c);
    }
    if exp > 0 {
        out.push(decimal);
        out.push_str(&format!("{:0width$}", abs % unit, width = exp as usize));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(amount: i64) -> Money {
        Money {
            amount,
            currency: "EUR".into(),
        }
    }

    #[test]
    fn amounts_read_as_each_language_writes_them() {
        assert_eq!(Language::English.amount(&eur(1250)), "€12.50");
        assert_eq!(Language::Spanish.amount(&eur(1250)), "12,50 €");
        assert_eq!(Language::German.amount(&eur(123_456_789)), "1.234.567,89 €");
        assert_eq!(Language::Portuguese.amount(&eur(5)), "€ 0,05");
        let yen = Money {
            amount: 1500,
            currency: "JPY".into(),
        };
        assert_eq!(Language::English.amount(&yen), "¥1,500");
        let franc = Money {
            amount: 1250,
            currency: "CHF".into(),
        };
        assert_eq!(Language::English.amount(&franc), "CHF 12.50");
        assert_eq!(Language::French.amount(&franc), "12,50 CHF");
        assert_eq!(Language::English.amount(&eur(-1250)), "€-12.50");
    }

    #[test]
    fn dates_read_as_each_language_writes_them() {
        assert_eq!(Language::English.date(2026, 3, 5), "March 5, 2026");
        assert_eq!(Language::Spanish.date(2026, 3, 5), "5 de marzo de 2026");
        assert_eq!(
            Language::Portuguese.date(2026, 12, 31),
            "31 de dezembro de 2026"
        );
        assert_eq!(Language::German.date(2026, 3, 5), "5. März 2026");
        assert_eq!(Language::Indonesian.date(2026, 8, 17), "17 Agustus 2026");
        assert_eq!(Language::French.date(2026, 8, 1), "1 août 2026");
    }

    #[test]
    fn tags_pick_their_language_and_unknown_ones_read_as_english() {
        assert_eq!(Language::of_tag("pt-BR"), Language::Portuguese);
        assert_eq!(Language::of_tag("fil-PH"), Language::Tagalog);
        assert_eq!(Language::of_tag("tl"), Language::Tagalog);
        assert_eq!(Language::of_tag("ES_mx"), Language::Spanish);
        assert_eq!(Language::of_tag("ja"), Language::English);
        assert_eq!(Language::of_tag(""), Language::English);
    }
}
