//! Hostile input: panic.
