//! Issue "Nothing lost, nothing outside": lemma run as a careless user and a hostile author would.
//! Each module reproduces one class of failure and asserts the promise that now holds.

mod cost;
mod injection;
mod messages;
mod output;
mod panic;
mod paths;
