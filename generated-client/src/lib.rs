//! A typed async client for the Harvest v2 API (work in progress).
