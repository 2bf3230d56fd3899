//! Hostile input: cost.
