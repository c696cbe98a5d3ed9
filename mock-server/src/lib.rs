//! A stateful, spec-driven imitation of the Harvest v2 API (work in progress).
