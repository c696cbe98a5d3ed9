//! Turns the Harvest spec IR into a typed async Rust client (work in progress).
