//! Medians and spreads of a figure's samples.

/// The value below which a fraction `p` of the samples lie, interpolating
/// linearly between the two nearest ranks. `sorted` must be sorted and
/// not empty.
fn quantile(sorted: &[f64], p: f64) -> f64 {
    let pos = p * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

fn sorted(xs: &[f64]) -> Vec<f64> {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// The median; None for no samples.
pub fn median(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| quantile(&sorted(xs), 0.5))
}

/// The run-to-run spread: the interquartile range over the median, in
/// percent. The middle half of the runs lies within a band this wide. None
/// for fewer than two samples or a zero median.
pub fn spread_percent(xs: &[f64]) -> Option<f64> {
    if xs.len() < 2 {
        return None;
    }
    let s = sorted(xs);
    let m = quantile(&s, 0.5);
    (m != 0.0).then(|| (quantile(&s, 0.75) - quantile(&s, 0.25)) / m.abs() * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_odd_even_empty() {
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn spread_of_five_runs_is_second_to_fourth_over_median() {
        // Sorted: 90 95 100 110 200: quartiles 95 and 110.
        let s = spread_percent(&[100.0, 200.0, 95.0, 110.0, 90.0]).unwrap();
        assert!((s - 15.0).abs() < 1e-9, "{s}");
        assert_eq!(spread_percent(&[7.0]), None);
        assert_eq!(spread_percent(&[3.0, 3.0, 3.0]), Some(0.0));
    }

    #[test]
    fn quartiles_interpolate() {
        // Four samples: q1 at rank 0.75, q3 at rank 2.25.
        let s = spread_percent(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert!((s - 1.5 / 2.5 * 100.0).abs() < 1e-9, "{s}");
    }
}
