//! Macros: named replies with placeholders, and the actions that come with them.
