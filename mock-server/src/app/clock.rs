//! The mock's "now": the system clock by default, or a time set by
//! `--now` or `POST /__admin/clock`, frozen or running from there.

use chrono::{DateTime, Duration, Utc};

/// Where the mock's "now" comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// The system clock moved by a fixed offset (zero by default).
    Running {
        /// Added to the system clock.
        offset: Duration,
    },
    /// Always this instant, until set or advanced.
    Frozen(DateTime<Utc>),
}

impl Default for Clock {
    fn default() -> Clock {
        Clock::Running { offset: Duration::zero() }
    }
}

impl Clock {
    /// A clock frozen at `at`.
    pub fn frozen(at: DateTime<Utc>) -> Clock {
        Clock::Frozen(at)
    }

    /// A clock that reads `at` now and then runs with the system clock.
    pub fn running_from(at: DateTime<Utc>) -> Clock {
        Clock::Running { offset: at - Utc::now() }
    }

    /// The current time, to the second (Harvest's timestamps have no fractions).
    pub fn now(&self) -> DateTime<Utc> {
        let t = match self {
            Clock::Running { offset } => Utc::now() + *offset,
            Clock::Frozen(at) => *at,
        };
        DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
    }

    /// Whether the clock stands still.
    pub fn is_frozen(&self) -> bool {
        matches!(self, Clock::Frozen(_))
    }

    /// The same clock moved forward by `by` (backward when negative).
    pub fn advanced(self, by: Duration) -> Clock {
        match self {
            Clock::Running { offset } => Clock::Running { offset: offset + by },
            Clock::Frozen(at) => Clock::Frozen(at + by),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)).unwrap_or_default()
    }

    #[test]
    fn a_frozen_clock_stands_still_until_advanced() {
        let c = Clock::frozen(at("2026-03-01T09:00:00Z"));
        assert_eq!(c.now(), at("2026-03-01T09:00:00Z"));
        assert_eq!(c.now(), c.now());
        assert_eq!(c.advanced(Duration::hours(2)).now(), at("2026-03-01T11:00:00Z"));
        assert!(c.is_frozen());
    }

    #[test]
    fn a_running_clock_starts_where_it_was_set() {
        let c = Clock::running_from(at("2020-01-01T00:00:00Z"));
        let drift = (c.now() - at("2020-01-01T00:00:00Z")).num_seconds();
        assert!((0..5).contains(&drift), "{drift}");
        assert!(!c.is_frozen());
        let later = c.advanced(Duration::days(1)).now();
        assert!((later - c.now()).num_hours() >= 23);
    }
}
