//! The default theme and assets, built into the binary by `build.rs`.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
