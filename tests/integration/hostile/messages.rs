//! Hostile input: messages.
