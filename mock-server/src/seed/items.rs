//! Nested items (an invoice's line items) take their ids from the account's
//! one item counter. A chunk drawn on its own numbers its items from 0; once
//! every chunk is drawn, each chunk's items are moved past those of the
//! chunks before it, so the ids come out as drawing in order gives them.

use harvest_spec::ir::{ID_FIELD, ResourceId, Schema, TypeRef};
use serde_json::Value;

use super::generate::Gen;
use crate::plan::FieldIx;
use crate::store::{Cell, Rec};

impl Gen<'_> {
    /// Whether records of `r` hold nested items with ids of their own.
    pub(super) fn holds_items(&self, r: ResourceId) -> bool {
        self.plan.spec.resource(r).fields.iter().any(|f| self.type_holds_items(&f.ty))
    }

    /// Whether values of type `ty` contain objects with ids of their own.
    fn type_holds_items(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Array(inner) => self.type_holds_items(inner),
            TypeRef::Object(t) => self
                .plan
                .spec
                .fields_of(Schema::Type(*t))
                .iter()
                .any(|f| is_item_id(&f.name, &f.ty) || self.type_holds_items(&f.ty)),
            _ => false,
        }
    }

    /// Adds `offset` to the id of every nested item of `rec`, a record of `r`.
    pub(super) fn shift_items(&self, r: ResourceId, rec: &mut Rec, offset: i64) {
        for (ix, f) in self.plan.spec.resource(r).fields.iter().enumerate() {
            if !self.type_holds_items(&f.ty) {
                continue;
            }
            if let Some(Some(Cell::Json(v))) = rec.get_mut(FieldIx(ix)) {
                self.shift(&f.ty, v, offset);
            }
        }
    }

    fn shift(&self, ty: &TypeRef, v: &mut Value, offset: i64) {
        match (ty, v) {
            (TypeRef::Array(inner), Value::Array(items)) => {
                for item in items {
                    self.shift(inner, item, offset);
                }
            }
            (TypeRef::Object(t), Value::Object(fields)) => {
                for f in self.plan.spec.fields_of(Schema::Type(*t)) {
                    let Some(value) = fields.get_mut(&f.name) else { continue };
                    match value.as_i64() {
                        Some(id) if is_item_id(&f.name, &f.ty) => *value = Value::from(id + offset),
                        _ => self.shift(&f.ty, value, offset),
                    }
                }
            }
            _ => {}
        }
    }
}

/// Whether a field of a nested object is the item's own id.
pub(super) fn is_item_id(name: &str, ty: &TypeRef) -> bool {
    name == ID_FIELD && matches!(ty, TypeRef::Id)
}
