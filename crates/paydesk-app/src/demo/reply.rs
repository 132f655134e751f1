//! What follows the first message: agents' replies (in the customer's language where the
//! desk has one), customers' answers, and the internal notes staff leave each other.

use super::chance::one;
use super::text::{Facts, fill};
use rand::rngs::SmallRng;

/// A kind of message in a ticket's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Say {
    /// Agent asks the customer for something.
    Ask,
    /// Agent says the desk is checking.
    Working,
    /// Agent tells the customer specialists have it.
    Escalated,
    /// Agent resolves.
    Resolve,
    /// Agent solves after the customer went quiet.
    NoAnswer,
    /// Customer answers a question.
    Answer,
    /// Customer asks for news.
    Chase,
    /// Customer writes again after a solve: it is not fixed.
    NotFixed,
}

/// The text of `say` about `category`, in `lang` when there is one (else English).
pub(super) fn text(
    rng: &mut SmallRng,
    say: Say,
    category: &str,
    lang: &str,
    facts: &Facts,
) -> String {
    // Manila agents answer Tagalog writers in English; dates follow the text's language.
    let (list, written_in) = match (say, lang) {
        (Say::Resolve, "en" | "tl") => (resolution(category), "en"),
        (_, "es") => (spanish(say), "es"),
        (_, "pt") => (portuguese(say), "pt"),
        (Say::Answer | Say::Chase | Say::NotFixed, "tl") => (tagalog(say), "tl"),
        (_, "id") => (indonesian(say), "id"),
        _ => (english(say, category), "en"),
    };
    fill(one(rng, list), facts, written_in)
}

fn english(say: Say, category: &str) -> &'static [&'static str] {
    match say {
        Say::Ask => match category {
            "duplicate_charge" | "unrecognised_or_fraud" => &[
                "Hi {name},\n\nThanks for reaching out, and sorry about this. Could you send a screenshot of the charges from your bank app? Please hide the card number: the last four digits are all we need.\n\n{agent}",
                "Hi {name}, I'm checking this for you. Can you confirm the date and amount of each charge you see ({amount} on {date}?) and the last four digits of the card? Never send the full card number.\n\n{agent}",
            ],
            "transfer_or_payout" | "pending_payment" => &[
                "Hello {name},\n\nThanks for your patience. To trace this I need the bank statement line for {date} or a confirmation from {bank} that nothing arrived to the account ending {last4}.\n\nBest,\n{agent}",
                "Hi {name}, could you confirm the account the funds should go to (bank name and last four digits only)? I'll trace {payout} as soon as I have it.\n\n{agent}",
            ],
            "identity_verification" => &[
                "Hi {name}, thanks for writing. Please upload a clear photo of your ID (all four corners visible) in Settings > Verification and reply here once done; I'll review it myself.\n\n{agent}",
            ],
            _ => &[
                "Hi {name},\n\nThank you for contacting us. Could you send the order number and the date of the payment, and a screenshot of the error if you have one?\n\n{agent}",
                "Hello {name}, happy to help. Which payment method did you use, and roughly when? Please don't send your card number; the last four digits are enough.\n\n{agent}",
            ],
        },
        Say::Working => &[
            "Hi {name}, thanks, I have everything I need. I'm checking with our payments team and will update you within 24 hours.\n\n{agent}",
            "Hello {name}, I've started looking into {order}. I'll get back to you as soon as I hear from the payment provider.\n\n{agent}",
        ],
        Say::Escalated => &[
            "Hi {name}, I've passed this to our payments specialists, who can see more detail than I can. You'll hear from them here; no need to open a new ticket.\n\n{agent}",
            "Hello {name}, this needs a check by our finance team. I've escalated it with everything you sent, and we'll update you at least once a day.\n\n{agent}",
        ],
        Say::Resolve => &["Hi {name},\n\nThis is sorted now. Thanks for your patience!\n\n{agent}"],
        Say::NoAnswer => &[
            "Hi {name}, we haven't heard back, so I'm marking this as solved for now. Just reply to this message if you still need help and it will open again.\n\n{agent}",
        ],
        Say::Answer => &[
            "Here it is: order {order}, paid on {date}, {amount}. The card ends in {last4}.",
            "Screenshot attached. It's the {amount} on {date}.",
            "It's my {bank} account ending {last4}.",
            "Done, I uploaded it just now.",
            "Thanks. The reference is {charge}.",
        ],
        Say::Chase => &[
            "Any update on this? It's been {days} days.",
            "Hello? Still waiting for an answer.",
            "Please, I really need this money back this week.",
        ],
        Say::NotFixed => &[
            "Sorry, but it's still not there. I checked my bank again today.",
            "This isn't fixed, I was charged again on {date}.",
            "The refund never arrived. Can you check again?",
            "I only got part of it back, the rest is still missing.",
        ],
    }
}

/// English resolutions, per category.
fn resolution(category: &str) -> &'static [&'static str] {
    match category {
        "refund" => &[
            "Hi {name},\n\nI've issued a refund of {amount} for {order} (reference {refund}). It usually shows on your statement within 5-10 business days, depending on your bank.\n\nBest,\n{agent}",
            "Hi {name}, good news: the refund of {amount} was processed today. If it isn't on your statement in 10 business days, reply here with a screenshot.\n\n{agent}",
        ],
        "duplicate_charge" => &[
            "Hi {name},\n\nYou're right, {charge} was captured twice. I've refunded the second charge of {amount}; you keep what you bought. Your bank will show the refund within 3-5 business days.\n\n{agent}",
            "Hi {name}, I can see one captured charge and one authorisation that was never captured. The second {amount} is a hold that your bank releases within 7 days; you won't be charged for it.\n\n{agent}",
        ],
        "payment_declined" => &[
            "Hi {name},\n\nThe decline came from your bank (code 05, \"do not honour\"), not from us. Please ask your bank to allow online payments to us, or try another payment method.\n\n{agent}",
            "Hi {name}, there was a problem with one of our payment providers earlier today that declined some cards. It's fixed now; please try again.\n\n{agent}",
        ],
        "top_up" => &[
            "Hi {name},\n\nThe top-up was stuck between the provider and your wallet. I've credited {product} to your account manually; please check your balance.\n\n{agent}",
            "Hi {name}, the top-up failed and the {amount} was never captured; the hold drops off your statement within 3-5 days. You can top up again safely.\n\n{agent}",
        ],
        "transfer_or_payout" => &[
            "Hello {name},\n\nPayout {payout} was returned by the receiving bank on {date}. I've resent it to the account ending {last4}; it should arrive within 2 business days.\n\n{agent}",
            "Hi {name}, the transfer left us on {date} and the bank confirmed receipt. It can take another day to show in your app; please check with {bank} if it doesn't.\n\n{agent}",
        ],
        "fees" => &[
            "Hello {name},\n\nYou were right: the fee of {amount} should not have been applied. I've credited it back to your balance.\n\n{agent}",
            "Hi {name}, that fee is the standard cross-border charge listed in our fee schedule. I've added a link to the schedule in your account messages.\n\n{agent}",
        ],
        "unrecognised_or_fraud" => &[
            "Hi {name},\n\nI've blocked the payment method, signed out all sessions and refunded {amount}. Please set a new password and turn on two-step verification.\n\n{agent}",
            "Hello {name}, we've prepared the evidence for {dispute} and submitted it to the card network. We'll let you know the outcome; that usually takes 30-75 days.\n\n{agent}",
        ],
        "identity_verification" => &[
            "Hi {name},\n\nYour verification is approved and withdrawals are enabled again. Thanks for your patience.\n\n{agent}",
            "Hi {name}, the document was approved. The tax form now shows as complete in your settings.\n\n{agent}",
        ],
        "wrong_amount" => &[
            "Hi {name},\n\nI checked the report: {amount2} is the gross amount, and the difference went to fees and refunds shown in the statement. I've attached the breakdown.\n\n{agent}",
            "Hi {name}, you were short-paid because of a settlement error on {date}. The missing amount is added to your next payout.\n\n{agent}",
        ],
        "pending_payment" => &[
            "Hi {name},\n\nThe payment is no longer pending: the hold of {amount} was released today. Depending on your bank it can take 1-3 days to disappear from your app.\n\n{agent}",
        ],
        "exchange_rate" => &[
            "Hi {name},\n\nWe convert at the mid-market rate of the day plus a 2% fee, shown before you confirm. On {date} that gives {amount}; I've attached the calculation.\n\n{agent}",
        ],
        "card_management" => &[
            "Hi {name},\n\nI've removed the card ending {last4} from your account; the new one is now the default for renewals.\n\n{agent}",
        ],
        "account_security" => &[
            "Hi {name},\n\nAll sessions are signed out, saved payment methods removed and your payment PIN reset. Please set a new password from the link we sent.\n\n{agent}",
        ],
        _ => &[
            "Hi {name},\n\nThis is done now. If anything else comes up, reply here and we'll pick it up.\n\nBest,\n{agent}",
        ],
    }
}

fn spanish(say: Say) -> &'static [&'static str] {
    match say {
        Say::Ask => &[
            "Hola {name}, gracias por escribirnos. ¿Nos envía el número de pedido y la fecha del pago? Por favor no envíe el número completo de su tarjeta.\n\n{agent}",
        ],
        Say::Working => &[
            "Hola {name}, ya estamos revisando su caso con el equipo de pagos. Le responderemos en menos de 24 horas.\n\n{agent}",
        ],
        Say::Escalated => &[
            "Hola {name}, pasamos su caso a nuestros especialistas de pagos. Le escribirán por aquí.\n\n{agent}",
        ],
        Say::Resolve => &[
            "Hola {name}, ya procesamos el reembolso de {amount}. Puede tardar de 5 a 10 días hábiles en verse en su estado de cuenta.\n\n{agent}",
            "Hola {name}, el problema quedó resuelto. ¡Gracias por su paciencia!\n\n{agent}",
        ],
        Say::NoAnswer => &[
            "Hola {name}, como no recibimos respuesta, marcamos el caso como resuelto. Si necesita algo más, responda a este mensaje.\n\n{agent}",
        ],
        Say::Answer => &[
            "Aquí está: pedido {order}, pagado el {date}.",
            "Le mando la captura del cobro.",
        ],
        Say::Chase => &["¿Alguna novedad? Ya pasaron {days} días."],
        Say::NotFixed => &[
            "Todavía no me llega el dinero.",
            "Me volvieron a cobrar el {date}.",
        ],
    }
}

fn portuguese(say: Say) -> &'static [&'static str] {
    match say {
        Say::Ask => &[
            "Olá {name}, obrigado pelo contato. Pode enviar o número do pedido e a data do pagamento? Por favor, não envie o número completo do cartão.\n\n{agent}",
        ],
        Say::Working => &[
            "Olá {name}, estamos verificando com a equipe de pagamentos e retornamos em até 24 horas.\n\n{agent}",
        ],
        Say::Escalated => &[
            "Olá {name}, encaminhamos seu caso para nossos especialistas em pagamentos.\n\n{agent}",
        ],
        Say::Resolve => &[
            "Olá {name}, o estorno de {amount} foi feito. Pode levar de 5 a 10 dias úteis para aparecer na fatura.\n\n{agent}",
            "Olá {name}, está resolvido. Obrigado pela paciência!\n\n{agent}",
        ],
        Say::NoAnswer => &[
            "Olá {name}, como não tivemos retorno, marcamos o chamado como resolvido. É só responder se precisar.\n\n{agent}",
        ],
        Say::Answer => &[
            "Segue: pedido {order}, pago no dia {date}.",
            "Pronto, enviei o comprovante.",
        ],
        Say::Chase => &["Alguma novidade? Já são {days} dias."],
        Say::NotFixed => &[
            "O dinheiro ainda não caiu.",
            "Fui cobrado de novo no dia {date}.",
        ],
    }
}

fn tagalog(say: Say) -> &'static [&'static str] {
    match say {
        Say::Chase => &["Update po? {days} araw na po.", "Hello po, wala pa rin po."],
        Say::NotFixed => &[
            "Wala pa rin po yung refund.",
            "Na-charge na naman po ako noong {date}.",
        ],
        _ => &[
            "Eto po: order {order}, binayaran noong {date}.",
            "Na-upload ko na po.",
        ],
    }
}

fn indonesian(say: Say) -> &'static [&'static str] {
    match say {
        Say::Ask => &[
            "Halo {name}, terima kasih sudah menghubungi kami. Mohon kirim nomor pesanan dan tanggal pembayaran. Jangan kirim nomor kartu lengkap ya.\n\n{agent}",
        ],
        Say::Working => &[
            "Halo {name}, kami sedang mengecek dengan tim pembayaran dan akan mengabari dalam 24 jam.\n\n{agent}",
        ],
        Say::Escalated => {
            &["Halo {name}, kasus Anda sudah kami teruskan ke tim spesialis pembayaran.\n\n{agent}"]
        }
        Say::Resolve => &[
            "Halo {name}, dana {amount} sudah kami kembalikan. Mohon cek saldo Anda.\n\n{agent}",
            "Halo {name}, masalahnya sudah selesai. Terima kasih atas kesabarannya.\n\n{agent}",
        ],
        Say::NoAnswer => &[
            "Halo {name}, karena belum ada balasan, tiket ini kami tandai selesai. Balas saja jika masih perlu bantuan.\n\n{agent}",
        ],
        Say::Answer => &[
            "Ini: pesanan {order}, dibayar tanggal {date}.",
            "Sudah saya upload.",
        ],
        Say::Chase => &["Bagaimana kabarnya? Sudah {days} hari."],
        Say::NotFixed => &[
            "Dananya belum masuk juga.",
            "Saya kena potong lagi tanggal {date}.",
        ],
    }
}

/// An internal note: what staff tell each other, always in English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Note {
    /// The front line found something.
    Finding,
    /// Why it goes to L2.
    Escalation,
    /// A partner team (engineering, risk, legal) answers.
    Partner,
    /// Finance answers.
    Finance,
}

/// The text of an internal note about `category`.
pub(super) fn note(rng: &mut SmallRng, note: Note, category: &str, facts: &Facts) -> String {
    let list = match note {
        Note::Finding => finding(category),
        Note::Escalation => match category {
            "transfer_or_payout" | "wrong_amount" | "pending_payment" => &[
                "Escalating to L2: payout {payout} stuck in transit for {days} days, needs finance.",
                "Escalating to L2: settlement mismatch, need ledger access to confirm.",
                "L2: customer mentions going to the regulator. Please handle.",
            ][..],
            "unrecognised_or_fraud" | "account_security" => &[
                "Escalating: possible account takeover, risk team should look at recent logins.",
                "L2: customer says they will call a lawyer. Risk check needed before refund.",
            ],
            "identity_verification" => {
                &["L2: verification rejected three times, needs manual review."]
            }
            _ => &[
                "L2 please: refund of {amount} is above my approval limit.",
                "L2: looks like the gateway B incident, need engineering to confirm.",
                "L2: customer mentions going to the regulator. Please handle.",
            ],
        },
        Note::Partner => match category {
            "unrecognised_or_fraud" | "account_security" => &[
                "Risk: no fraud signals on the account, OK to refund.",
                "Risk: confirmed account takeover, sessions revoked, card blocked.",
            ][..],
            "payment_declined" | "top_up" | "pending_payment" | "duplicate_charge" => &[
                "Engineering: known issue with gateway B timeouts on {date}, fixed in yesterday's deploy.",
                "Engineering: the wallet callback retried twice; idempotency key prevented a third charge.",
            ],
            _ => &["Legal: no hold on this account, proceed as usual."],
        },
        Note::Finance => match category {
            "transfer_or_payout" | "pending_payment" => &[
                "Finance: payout was returned by the bank (account closed). Customer must update details.",
                "Finance: payout {payout} traced; the bank credited it on {date}.",
            ][..],
            "wrong_amount" | "fees" => &[
                "Finance: ledger shows the settlement was short; correction scheduled with next payout.",
                "Finance: fee reversal of {amount} approved.",
            ],
            "unrecognised_or_fraud" => &["Finance: evidence packet for {dispute} submitted."],
            "identity_verification" => {
                &["Finance: tax form accepted, withholding removed from next payout."]
            }
            _ => &["Finance: refund of {amount} approved."],
        },
    };
    fill(one(rng, list), facts, "en")
}

fn finding(category: &str) -> &'static [&'static str] {
    match category {
        "refund" => &[
            "Order {order}: seller marked it shipped, no tracking updates since {date}.",
            "Refund {refund} shows as sent on our side; waiting for the acquirer reference.",
        ],
        "duplicate_charge" => &[
            "Checked the gateway: {charge} captured twice, 8 seconds apart. Refunding one.",
            "Second charge is an authorisation only, never captured. Will drop off.",
        ],
        "top_up" => &[
            "Logs show the top-up callback timed out; coins never credited.",
            "Top-up {charge} captured, wallet credit job failed. Crediting manually.",
        ],
        "payment_declined" => &[
            "Gateway shows issuer decline 05 on all attempts.",
            "Declines came through gateway B during the incident window.",
        ],
        "pending_payment" => {
            &["Authorisation {charge} still open at the acquirer; it expires after 7 days."]
        }
        "transfer_or_payout" => &[
            "Payout {payout} shows status in_transit since {date}.",
            "Bank returned {payout}: account closed.",
        ],
        "fees" => &[
            "Fee line matches the fee schedule for cross-border payments.",
            "Fee applied twice by the billing job on {date}.",
        ],
        "exchange_rate" => {
            &["Rate applied matches the mid-market rate of {date} plus our 2% markup."]
        }
        "wrong_amount" => &[
            "Compared the report with the ledger: the difference is refunds and fees of {date}.",
            "Ledger confirms the settlement of {date} was short; known batch issue.",
        ],
        "unrecognised_or_fraud" => &[
            "New device login from another country two hours before the charge.",
            "High risk score on {charge}; no 3-D Secure.",
        ],
        "account_security" => &["Sessions revoked, saved cards removed, password reset sent."],
        "identity_verification" => &[
            "Document photo blurry; name matches. Asked for a new upload.",
            "Name on the tax form doesn't match the ID (middle name missing).",
        ],
        _ => &[
            "Customer verified (email + last four). No earlier tickets about this.",
            "Followed the SOP steps 1-3, all fine.",
        ],
    }
}
