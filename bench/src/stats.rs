//! Small statistics used by the measurements.

use std::time::Duration;

/// The median of `samples` (the upper middle one for an even count); zero when empty.
pub fn median(samples: &[Duration]) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    sorted.get(sorted.len() / 2).copied().unwrap_or_default()
}

/// Throughput in megabytes (10^6 bytes) per second of `iterations` passes over `bytes` bytes.
pub fn mb_per_s(bytes: usize, iterations: u64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs <= 0.0 { 0.0 } else { bytes as f64 * iterations as f64 / secs / 1e6 }
}

/// Milliseconds as a float, for the JSON output.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_picks_the_middle_sample_regardless_of_order() {
        let ms = |n| Duration::from_millis(n);
        assert_eq!(median(&[ms(9), ms(1), ms(5)]), ms(5));
        assert_eq!(median(&[ms(4), ms(1), ms(3), ms(2)]), ms(3));
        assert_eq!(median(&[]), Duration::ZERO);
    }

    #[test]
    fn throughput_counts_every_pass() {
        assert!((mb_per_s(2_000_000, 3, Duration::from_secs(2)) - 3.0).abs() < 1e-9);
        assert_eq!(mb_per_s(10, 1, Duration::ZERO), 0.0);
    }
}
