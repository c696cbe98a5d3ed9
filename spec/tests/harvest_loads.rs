//! The embedded Harvest spec loads without a single diagnostic.

#[test]
fn embedded_harvest_spec_is_valid() {
    let spec = harvest_spec::harvest().unwrap_or_else(|d| panic!("{d}"));
    assert!(!spec.operations.is_empty());
}
