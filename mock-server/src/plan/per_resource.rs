//! One value per resource, indexed only by [`ResourceId`], so a field
//! position or an id can never be used where a resource is meant.

use std::ops::{Index, IndexMut};

use harvest_spec::ir::ResourceId;
use serde::{Deserialize, Serialize};

/// A value for each resource of the spec, in spec order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PerResource<T>(Vec<T>);

impl<T> Default for PerResource<T> {
    fn default() -> Self {
        PerResource(Vec::new())
    }
}

impl<T> PerResource<T> {
    /// One value per resource, in spec order.
    pub fn new(values: Vec<T>) -> Self {
        PerResource(values)
    }

    /// The value of a resource, if the spec has it.
    pub fn get(&self, r: ResourceId) -> Option<&T> {
        self.0.get(r.0)
    }

    /// Every resource's id, in spec order.
    pub fn ids(&self) -> impl Iterator<Item = ResourceId> + use<T> {
        (0..self.0.len()).map(ResourceId)
    }

    /// Every resource with its value.
    pub fn iter(&self) -> impl Iterator<Item = (ResourceId, &T)> {
        self.0.iter().enumerate().map(|(i, v)| (ResourceId(i), v))
    }
}

impl<T> FromIterator<T> for PerResource<T> {
    fn from_iter<I: IntoIterator<Item = T>>(values: I) -> Self {
        PerResource(values.into_iter().collect())
    }
}

impl<T> Index<ResourceId> for PerResource<T> {
    type Output = T;

    fn index(&self, r: ResourceId) -> &T {
        &self.0[r.0]
    }
}

impl<T> IndexMut<ResourceId> for PerResource<T> {
    fn index_mut(&mut self, r: ResourceId) -> &mut T {
        &mut self.0[r.0]
    }
}
