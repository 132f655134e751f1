//! Trigger and time rules: conditions over a ticket, ordered actions, loop protection.
