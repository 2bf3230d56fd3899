//! Hostile input: paths.
