//! The countries customers write from: locale, currency, the languages people there
//! write in, common names and banks.

use super::locale::Currency;
use paydesk_domain::ticket::BusinessLine;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Region {
    Anglo,
    Filipino,
    Hispanic,
    Brazilian,
    Indonesian,
    German,
}

pub(super) struct Country {
    pub code: &'static str,
    pub locale: &'static str,
    pub currency: Currency,
    /// Languages people there write in, with weights.
    pub langs: &'static [(&'static str, u32)],
    pub region: Region,
    pub banks: &'static [&'static str],
    pub phone: &'static str,
}

pub(super) const COUNTRIES: &[Country] = &[
    Country {
        code: "US",
        locale: "en-US",
        currency: Currency::Usd,
        langs: &[("en", 1)],
        region: Region::Anglo,
        banks: &["Chase", "Bank of America", "Wells Fargo"],
        phone: "+1 202 555",
    },
    Country {
        code: "PH",
        locale: "fil-PH",
        currency: Currency::Php,
        langs: &[("en", 7), ("tl", 3)],
        region: Region::Filipino,
        banks: &["BDO", "BPI", "GCash", "Metrobank"],
        phone: "+63 917",
    },
    Country {
        code: "GB",
        locale: "en-GB",
        currency: Currency::Gbp,
        langs: &[("en", 1)],
        region: Region::Anglo,
        banks: &["Barclays", "Monzo", "HSBC"],
        phone: "+44 7700 900",
    },
    Country {
        code: "CA",
        locale: "en-CA",
        currency: Currency::Cad,
        langs: &[("en", 1)],
        region: Region::Anglo,
        banks: &["RBC", "TD"],
        phone: "+1 613 555",
    },
    Country {
        code: "DE",
        locale: "de-DE",
        currency: Currency::Eur,
        langs: &[("en", 1)],
        region: Region::German,
        banks: &["Sparkasse", "N26"],
        phone: "+49 30 5550",
    },
    Country {
        code: "ID",
        locale: "id-ID",
        currency: Currency::Idr,
        langs: &[("id", 13), ("en", 7)],
        region: Region::Indonesian,
        banks: &["BCA", "Mandiri", "BRI"],
        phone: "+62 812",
    },
    Country {
        code: "BR",
        locale: "pt-BR",
        currency: Currency::Brl,
        langs: &[("pt", 4), ("en", 1)],
        region: Region::Brazilian,
        banks: &["Nubank", "Itaú", "Bradesco"],
        phone: "+55 11 9",
    },
    Country {
        code: "MX",
        locale: "es-MX",
        currency: Currency::Mxn,
        langs: &[("es", 7), ("en", 3)],
        region: Region::Hispanic,
        banks: &["BBVA México", "Banorte"],
        phone: "+52 55",
    },
    Country {
        code: "CO",
        locale: "es-CO",
        currency: Currency::Cop,
        langs: &[("es", 7), ("en", 3)],
        region: Region::Hispanic,
        banks: &["Bancolombia", "Davivienda", "Nequi"],
        phone: "+57 300",
    },
    Country {
        code: "ES",
        locale: "es-ES",
        currency: Currency::Eur,
        langs: &[("es", 7), ("en", 3)],
        region: Region::Hispanic,
        banks: &["Santander", "CaixaBank"],
        phone: "+34 600",
    },
];

/// Country weights per line, in the order of [`COUNTRIES`].
pub(super) fn country_weights(line: BusinessLine) -> [u32; 10] {
    match line {
        BusinessLine::Buyer => [30, 18, 7, 5, 4, 9, 9, 8, 5, 5],
        BusinessLine::Merchant => [30, 15, 10, 3, 4, 10, 12, 10, 4, 4],
        BusinessLine::Creator => [25, 20, 7, 4, 2, 10, 12, 10, 6, 4],
    }
}

pub(super) fn names(region: Region) -> (&'static [&'static str], &'static [&'static str]) {
    match region {
        Region::Anglo => (
            &[
                "James", "Emma", "Olivia", "Noah", "Liam", "Ava", "Sophia", "Ethan", "Mia",
                "Jacob", "Chloe", "Ryan",
            ],
            &[
                "Smith", "Johnson", "Williams", "Brown", "Taylor", "Miller", "Wilson", "Moore",
                "Clark", "Walker",
            ],
        ),
        Region::Filipino => (
            &[
                "Juan",
                "Maria",
                "Angelo",
                "Princess",
                "John Paul",
                "Kimberly",
                "Jericho",
                "Mae",
                "Rhea",
                "Carlo",
            ],
            &[
                "Dela Cruz",
                "Santos",
                "Reyes",
                "Garcia",
                "Mendoza",
                "Bautista",
                "Villanueva",
                "Castillo",
                "Ramos",
            ],
        ),
        Region::Hispanic => (
            &[
                "Sofía",
                "Mateo",
                "Valentina",
                "Santiago",
                "Lucía",
                "Diego",
                "Camila",
                "Sebastián",
                "Isabella",
            ],
            &[
                "García",
                "Rodríguez",
                "Martínez",
                "López",
                "Hernández",
                "González",
                "Pérez",
                "Sánchez",
                "Ramírez",
            ],
        ),
        Region::Brazilian => (
            &[
                "João", "Ana", "Pedro", "Beatriz", "Gabriel", "Larissa", "Lucas", "Juliana",
                "Rafael", "Fernanda",
            ],
            &[
                "Silva",
                "Santos",
                "Oliveira",
                "Souza",
                "Pereira",
                "Costa",
                "Rodrigues",
                "Almeida",
                "Lima",
            ],
        ),
        Region::Indonesian => (
            &[
                "Budi", "Siti", "Agus", "Dewi", "Rizky", "Putri", "Andi", "Ayu", "Fajar", "Indah",
            ],
            &[
                "Santoso", "Wijaya", "Pratama", "Saputra", "Hidayat", "Kusuma", "Nugroho",
                "Lestari",
            ],
        ),
        Region::German => (
            &[
                "Lukas", "Anna", "Leon", "Lena", "Paul", "Marie", "Felix", "Laura",
            ],
            &[
                "Müller",
                "Schmidt",
                "Schneider",
                "Fischer",
                "Weber",
                "Wagner",
                "Becker",
            ],
        ),
    }
}
