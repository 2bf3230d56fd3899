//! Hostile input: output.
