//! What merchants (payouts, fees, chargebacks) and creators (earnings, withdrawals,
//! identity and tax checks) write, in English.

use super::{C, M, Template, t};

pub(super) const TEMPLATES: &[Template] = &[
    // merchant: transfer_or_payout
    t(
        "transfer_or_payout",
        M,
        "en",
        "Payout not received",
        "Hello,\n\nOur payout {payout} of {amount}, scheduled for {date}, hasn't arrived in our {bank} account ending {last4}. Can you check where it is?\n\n{name}\n{shop}",
    ),
    t(
        "transfer_or_payout",
        M,
        "en",
        "Settlements delayed {days} days",
        "Settlements for {shop} have been delayed for {days} days now. We need these funds for payroll this week. What is going on?",
    ),
    t(
        "transfer_or_payout",
        M,
        "en",
        "Payout failed - bank details unchanged",
        "We got an email that payout {payout} failed. Our bank details haven't changed ({bank}, account ending {last4}). Please retry the payout of {amount}.",
    ),
    t(
        "transfer_or_payout",
        M,
        "en",
        "Change payout schedule to daily",
        "We'd like to move {shop} from weekly to daily payouts. Our volume is around {amount2} a week. Is that possible?",
    ),
    t(
        "transfer_or_payout",
        M,
        "en",
        "Balance not updated after bank transfer",
        "We sent {amount} to top up our seller balance for ad credits on {date}, but the balance has not changed.",
    ),
    // merchant: fees
    t(
        "fees",
        M,
        "en",
        "Commission higher than agreed",
        "Our commission on last week's sales was {amount}. That is well above the 5% in our contract. Please review.\n\n{name}, {shop}",
    ),
    t(
        "fees",
        M,
        "en",
        "Unexpected fee on settlement",
        "There's a fee of {amount} on our {date} settlement labelled \"payment processing adjustment\". What is it for?",
    ),
    t(
        "fees",
        M,
        "en",
        "Chargeback fee charged twice",
        "We were charged the {amount} dispute fee twice for the same chargeback, {dispute}. Please refund one of them.",
    ),
    t(
        "fees",
        M,
        "en",
        "Payout transfer fee",
        "Why are we paying a transfer fee of {amount} on every payout to {bank}? This wasn't there last month.",
    ),
    // merchant: unrecognised_or_fraud (chargebacks and fraud)
    t(
        "unrecognised_or_fraud",
        M,
        "en",
        "Chargeback on order {order}",
        "We received a chargeback ({dispute}) for order {order}, {amount}, reason \"fraudulent transaction\". The buyer received the goods; tracking shows delivered on {date}. How do we respond?",
    ),
    t(
        "unrecognised_or_fraud",
        M,
        "en",
        "Suspicious orders on our shop",
        "We had {days} orders in the last hour from new accounts, all paid with different cards and all shipping to the same address. Can you stop these before we ship?",
    ),
    t(
        "unrecognised_or_fraud",
        M,
        "en",
        "Dispute lost without notice",
        "Dispute {dispute} for {amount} was marked lost but we never got a request for evidence. We have proof of delivery.\n\n{shop}",
    ),
    // merchant: refund
    t(
        "refund",
        M,
        "en",
        "Refund to buyer failed",
        "I tried to refund order {order} ({amount}) and got \"refund failed\". The buyer is upset. Please push it through.",
    ),
    t(
        "refund",
        M,
        "en",
        "Buyer says refund not received",
        "We refunded order {order} on {date} (refund {refund}) but the buyer says the money isn't there. Can you confirm it was sent?",
    ),
    t(
        "refund",
        M,
        "en",
        "Partial refund option missing",
        "How do we refund only part of order {order}? The buyer returned one item worth {amount} and the app only offers a full refund.",
    ),
    // merchant: pending_payment
    t(
        "pending_payment",
        M,
        "en",
        "Orders stuck in payment pending",
        "Since {date} several of our orders, {order} for example, are stuck in \"payment pending\" so we can't ship. About {amount} in total.",
    ),
    // merchant: wrong_amount
    t(
        "wrong_amount",
        M,
        "en",
        "Settlement doesn't match sales",
        "Our sales report for {date} says {amount2}, but the settlement was only {amount}. Nothing was refunded that day.",
    ),
    // merchant: identity_verification
    t(
        "identity_verification",
        M,
        "en",
        "Business verification rejected",
        "Our business verification was rejected again. We uploaded the registration certificate and the owner's ID. Payouts are on hold until this is fixed.\n\n{name}\n{shop}",
    ),
    t(
        "identity_verification",
        M,
        "en",
        "Why do you need source of funds?",
        "We got a request to verify the source of funds for {shop}. What exactly do you need, and will payouts stop meanwhile?",
    ),
    // merchant: payment_declined
    t(
        "payment_declined",
        M,
        "en",
        "Buyers' cards declined at our checkout",
        "Since {date} many of our buyers say their cards are declined at checkout (order {order} for example). Is there an outage on your side?",
    ),
    // merchant and creator: exchange_rate
    t(
        "exchange_rate",
        M | C,
        "en",
        "Payout converted at a bad rate",
        "My payout {payout} on {date} was converted at a rate far below the market rate. I expected {amount2} and received {amount}. Which rate do you use?",
    ),
    t(
        "exchange_rate",
        M | C,
        "en",
        "Can I be paid in USD?",
        "Is it possible to receive payouts in USD instead of my local currency? The conversion is costing me a lot.",
    ),
    // creator: transfer_or_payout (withdrawals)
    t(
        "transfer_or_payout",
        C,
        "en",
        "Withdrawal not received",
        "I withdrew {amount} on {date} ({payout}) and it's still not in my {bank} account ending {last4}. It's been {days} days.\n\n{name}",
    ),
    t(
        "transfer_or_payout",
        C,
        "en",
        "Withdrawal stuck in processing",
        "My withdrawal has said \"processing\" for {days} days. Amount {amount}. Can someone check?",
    ),
    t(
        "transfer_or_payout",
        C,
        "en",
        "Cancel my withdrawal please",
        "I requested a withdrawal of {amount} to the wrong account. Please cancel it before it goes out!",
    ),
    t(
        "transfer_or_payout",
        C,
        "en",
        "Minimum withdrawal amount?",
        "What's the minimum I can withdraw? I have {amount} and the button is disabled.",
    ),
    // creator: wrong_amount (earnings)
    t(
        "wrong_amount",
        C,
        "en",
        "Earnings lower than expected",
        "My dashboard showed {amount2} in gifts for my live on {date} (lots of {gift}), but I only got {amount} in earnings. Where is the rest?",
    ),
    t(
        "wrong_amount",
        C,
        "en",
        "Diamonds missing from last live",
        "I got a lot of gifts on {date} but my balance only went up by {amount}. My viewers sent way more than that.",
    ),
    t(
        "wrong_amount",
        C,
        "en",
        "Subscription revenue missing",
        "My subscribers paid for {subscription} this month but my subscription revenue shows {amount}. Last month it was {amount2} with fewer subs.",
    ),
    // creator: identity_verification (identity and tax)
    t(
        "identity_verification",
        C,
        "en",
        "Tax form rejected",
        "My W-8BEN was rejected and now withdrawals are blocked. I filled it in exactly as shown on my ID.",
    ),
    t(
        "identity_verification",
        C,
        "en",
        "Identity verification keeps failing",
        "The selfie check fails every time. I've tried {days} times. I can't withdraw my {amount} until it passes.",
    ),
    t(
        "identity_verification",
        C,
        "en",
        "Why verify my identity again?",
        "I verified last year. Now it asks again before I can withdraw {amount}. Why?",
    ),
    t(
        "identity_verification",
        C,
        "en",
        "Which tax form do I need?",
        "I'm a creator outside the US. Do I need a W-9 or a W-8BEN? Withdrawals say \"tax information required\".",
    ),
    // creator: fees
    t(
        "fees",
        C,
        "en",
        "Withdrawal fee too high",
        "I withdrew {amount2} and received {amount} after a fee I didn't expect. What is the withdrawal fee?",
    ),
    // creator: pending_payment
    t(
        "pending_payment",
        C,
        "en",
        "Gift earnings pending for days",
        "Earnings from my live on {date} are still pending after {days} days. Usually they arrive the next day.",
    ),
    // creator: card_management
    t(
        "card_management",
        C,
        "en",
        "Withdraw to my debit card",
        "I want my withdrawals to go to my debit card ending {last4} instead of a bank transfer. Is that possible?",
    ),
    // creator: unrecognised_or_fraud
    t(
        "unrecognised_or_fraud",
        C,
        "en",
        "Someone withdrew my earnings",
        "I didn't make the withdrawal of {amount} on {date}. Someone changed my payout account! Please freeze it.\n\n{name}",
    ),
];
