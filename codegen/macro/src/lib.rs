//! Generates the Harvest client from a spec file at compile time (work in progress).
