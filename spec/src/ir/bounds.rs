//! A lower bound a numeric field declares (`minimum: 0`, `exclusive_minimum: 0`): the
//! server refuses a request value below it with Rails' numericality message, and the
//! OpenAPI document states it, both reading it from here.

use serde_json::Value;

/// The smallest value a numeric request field accepts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Minimum {
    /// The bound.
    pub value: f64,
    /// True when the bound itself is refused (`exclusive_minimum`, Rails' `greater_than`).
    pub exclusive: bool,
}

impl Minimum {
    /// Whether `x` lies within the bound.
    pub fn admits(&self, x: f64) -> bool {
        if self.exclusive { x > self.value } else { x >= self.value }
    }

    /// The 422 problem for a value outside the bound, as Rails words it
    /// (`Amount must be greater than 0`; `… greater than or equal to 0` when inclusive).
    pub fn problem(&self, label: &str) -> String {
        let relation = if self.exclusive { "greater than" } else { "greater than or equal to" };
        format!("{label} must be {relation} {}", self.number())
    }

    /// The bound as a JSON number, whole when it is whole (`0`, not `0.0`), as Rails
    /// prints it and as the document states it.
    pub fn number(&self) -> Value {
        if self.value.fract() == 0.0 && self.value.abs() < 1e15 {
            Value::from(self.value as i64)
        } else {
            Value::from(self.value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Minimum;

    #[test]
    fn exclusive_refuses_the_bound_and_says_greater_than() {
        let m = Minimum { value: 0.0, exclusive: true };
        assert!(!m.admits(0.0));
        assert!(!m.admits(-0.01));
        assert!(m.admits(0.01));
        assert_eq!(m.problem("Amount"), "Amount must be greater than 0");
    }

    #[test]
    fn inclusive_admits_the_bound() {
        let m = Minimum { value: 1.5, exclusive: false };
        assert!(m.admits(1.5));
        assert!(!m.admits(1.49));
        assert_eq!(m.problem("Hours"), "Hours must be greater than or equal to 1.5");
    }
}
