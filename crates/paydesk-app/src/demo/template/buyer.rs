//! What buyers write, in English: refunds, double charges, declines, coin top-ups.

use super::{ALL, B, Template, t};

pub(super) const TEMPLATES: &[Template] = &[
    // refund
    t(
        "refund",
        B,
        "en",
        "Refund for order {order}",
        "Hi,\n\nI ordered from {shop} on {date} (order {order}, {amount}) and the item never arrived. The seller stopped answering my messages. Can I get my money back?\n\n{name}",
    ),
    t(
        "refund",
        B,
        "en",
        "Where is my refund?",
        "Hello, {shop} told me they refunded {amount} for {order} on {date}, but I still don't see it on my card. It has been {days} days. The reference they gave me is {refund}.\n\nThanks,\n{name}",
    ),
    t(
        "refund",
        B,
        "en",
        "Cancelled subscription but still charged",
        "I cancelled my {subscription} right after it renewed on {date} and I was still charged {amount}. I haven't used it at all. Please refund it.",
    ),
    t(
        "refund",
        B,
        "en",
        "refund pls",
        "bought {product} by mistake just now ({amount}). can u refund? i didnt use any of it. thx",
    ),
    t(
        "refund",
        B,
        "en",
        "Item arrived broken - want refund",
        "Order {order} from {shop} arrived damaged (photos attached to the order chat). The shop offered a voucher but I want a refund of {amount} to my card.\n\n{name}",
    ),
    // duplicate_charge
    t(
        "duplicate_charge",
        B,
        "en",
        "Charged twice for {coins}",
        "Hi, I bought {coins} once but my bank shows two charges of {amount} on {date}, a few seconds apart. I only got the coins once. Please refund the second charge.\n\n{name}",
    ),
    t(
        "duplicate_charge",
        B,
        "en",
        "Double charge on order {order}",
        "Order {order} from {shop} was charged twice, {amount} each time. I only placed one order. The charge reference on my receipt is {charge}.",
    ),
    t(
        "duplicate_charge",
        B,
        "en",
        "Same payment taken 2 times",
        "my top up went through 2 times but i only received it once. {amount} x2 on {date}. please fix asap",
    ),
    t(
        "duplicate_charge",
        B,
        "en",
        "Duplicate transaction after app froze",
        "The app froze while I was paying for {product}, so I tapped pay again. Now I see {amount} charged twice. Can you reverse one of them?\n\nThank you,\n{name}",
    ),
    // payment_declined
    t(
        "payment_declined",
        B,
        "en",
        "Payment declined at checkout",
        "Every time I try to pay for {product} it says \"payment declined\". My card works everywhere else and I have enough balance. What is wrong?",
    ),
    t(
        "payment_declined",
        B,
        "en",
        "Can't buy coins, card keeps failing",
        "Hi, I've been trying to buy {coins} ({amount}) since {date}. Error: \"Transaction could not be completed (code 05)\". Tried 3 times. Please help.\n{name}",
    ),
    t(
        "payment_declined",
        B,
        "en",
        "Declined but money was taken?",
        "My payment for order {order} was declined, but my bank app shows {amount} as pending. Did it go through or not? I don't want to pay twice.",
    ),
    t(
        "payment_declined",
        B,
        "en",
        "E-wallet payment not working",
        "I can't pay with my e-wallet anymore. It loads for a while and then says payment failed. Order {order}, {amount}. My wallet has enough balance.",
    ),
    t(
        "payment_declined",
        B,
        "en",
        "Card declined for gift",
        "Trying to send {gift} during a live and my card gets declined every time, even for small amounts. Did you block my card?",
    ),
    // top_up
    t(
        "top_up",
        B,
        "en",
        "Coins not credited after top-up",
        "I topped up {coins} ({amount}) on {date} and my coin balance didn't change. Receipt: {charge}.\n\n{name}",
    ),
    t(
        "top_up",
        B,
        "en",
        "Top-up pending for hours",
        "My recharge of {coins} has been pending since {date}. The money already left my account. When will I get the coins?",
    ),
    t(
        "top_up",
        B,
        "en",
        "What is the top-up limit?",
        "The app says I reached my top-up limit, but I only bought {amount} this week. What is the limit and how can I raise it?",
    ),
    t(
        "top_up",
        B,
        "en",
        "Auto top-up charged me without asking",
        "I never turned on auto top-up but I got charged {amount} for {coins} on {date}. Please switch it off and refund me.",
    ),
    t(
        "top_up",
        B,
        "en",
        "Top-up reverted, coins gone",
        "Yesterday my top-up of {coins} went through and I saw the coins, today they are gone and the app says \"reverted\". The {amount} is still charged on my card!",
    ),
    t(
        "top_up",
        B,
        "en",
        "Can I top up with Apple Pay?",
        "Hi, is it possible to buy coins with Apple Pay or Google Pay? I only see card and e-wallet options.",
    ),
    // unrecognised_or_fraud
    t(
        "unrecognised_or_fraud",
        B,
        "en",
        "I don't recognise this charge",
        "There's a charge of {amount} from your platform on {date} that I did not make. Reference {charge}. I think someone used my card. Please block it and refund.",
    ),
    t(
        "unrecognised_or_fraud",
        B,
        "en",
        "Someone bought gifts with my account",
        "Someone logged into my account and sent {gift} worth {amount} to a stream I never watched. I did not authorise this!! Please help.",
    ),
    t(
        "unrecognised_or_fraud",
        B,
        "en",
        "Unknown monthly charge",
        "I'm being charged {amount} every month for {subscription} and I never signed up. Please cancel it and tell me how this happened.",
    ),
    t(
        "unrecognised_or_fraud",
        B,
        "en",
        "My kid made purchases",
        "My son bought {product} several times on my phone without asking, total {amount}. Can these be refunded? How do I stop this?",
    ),
    // pending_payment
    t(
        "pending_payment",
        B,
        "en",
        "Payment stuck on pending",
        "My payment for order {order} ({amount}) has been pending for {days} days. The shop won't ship until it clears.",
    ),
    t(
        "pending_payment",
        B,
        "en",
        "Pending charge still not released",
        "I cancelled order {order} but the {amount} is still held on my card since {date}. When will it be released?",
    ),
    // wrong_amount
    t(
        "wrong_amount",
        B,
        "en",
        "Charged more than the listed price",
        "{product} was listed at {amount} but I was charged {amount2}. Order {order}. Please refund the difference.",
    ),
    t(
        "wrong_amount",
        B,
        "en",
        "Got fewer coins than I paid for",
        "I paid {amount} for {coins} but received less than that. Receipt {charge}, {date}.",
    ),
    // card_management
    t(
        "card_management",
        B,
        "en",
        "How do I remove my old card?",
        "I want to remove an old card from my account and add a new one, but the remove button is greyed out. The old one ends in {last4}.",
    ),
    t(
        "card_management",
        B,
        "en",
        "Card expired, subscription still failing",
        "My card ending {last4} expired and I added a new one, but the {subscription} renewal still tries the old card.",
    ),
    // exchange_rate
    t(
        "exchange_rate",
        B,
        "en",
        "Wrong exchange rate on coin purchase",
        "I paid in my local currency and was charged {amount2}, a lot more than the {amount} the app showed. Why is the rate so bad?",
    ),
    // fees
    t(
        "fees",
        B,
        "en",
        "Extra fee on my statement",
        "My statement shows {amount} for {product} plus an extra foreign transaction charge. The app didn't mention any fee.",
    ),
    // account_security, shared by all lines
    t(
        "account_security",
        ALL,
        "en",
        "Lost my phone, please secure my account",
        "I lost my phone yesterday and my account is logged in there with a saved card. Please log out all devices and remove saved payment methods.\n{name}",
    ),
    t(
        "account_security",
        ALL,
        "en",
        "Payment PIN blocked",
        "I entered my payment PIN wrong too many times and now it's blocked. How do I reset it?",
    ),
    t(
        "account_security",
        ALL,
        "en",
        "Strange login and password change",
        "I got an email that my password was changed on {date}. It wasn't me. I'm worried about my balance of {amount}.",
    ),
    // account_other, shared by all lines
    t(
        "account_other",
        ALL,
        "en",
        "Change my billing country",
        "I moved abroad and need to change my billing country, but the form won't let me. How do I do this?",
    ),
    t(
        "account_other",
        ALL,
        "en",
        "Close my account",
        "Please close my account. I still have {amount} in my balance; how do I get it out first?",
    ),
    t(
        "account_other",
        ALL,
        "en",
        "Update my name on payments",
        "My legal name changed and payments now fail the name check. How do I update the name on my account?\n\n{name}",
    ),
];
