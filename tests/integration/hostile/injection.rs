//! Hostile input: injection.
