//! MinHash signatures and the choice of LSH bands.

use crate::tokens::{fmix64, for_each_shingle};

/// Probability that a pair with Jaccard `s` shares at least one of `b` bands of `r` rows.
pub fn candidate_probability(s: f64, bands: usize, rows: usize) -> f64 {
    1.0 - (1.0 - s.powi(rows as i32)).powi(bands as i32)
}

/// Recall a band layout must reach at the threshold itself. Pairs above the
/// threshold are found with even higher probability.
pub const TARGET_RECALL: f64 = 0.9995;

/// Chooses `(bands, rows)` with `bands * rows <= num_perm`.
///
/// Every candidate is verified with the exact Jaccard, so a false candidate
/// only costs time while a missed pair costs recall. The rule therefore
/// favours recall: among the layouts whose probability of making a pair with
/// Jaccard exactly `threshold` a candidate is at least [`TARGET_RECALL`], take
/// the one with the most rows per band (fewest false candidates), and among
/// those the most bands. If no layout reaches the target (very low
/// thresholds with few permutations), take the layout with the highest
/// probability at the threshold. Examples: 128 permutations at 0.8 give
/// 25 bands x 5 rows (P = 0.99995 at J = 0.8, 0.55 at J = 0.5); 256 at 0.8
/// give 36 x 7; 128 at 0.5 give 64 x 2.
pub fn choose_bands(threshold: f64, num_perm: usize) -> (usize, usize) {
    let t = threshold.clamp(0.01, 1.0);
    let num_perm = num_perm.max(1);
    let mut best: Option<(usize, usize)> = None;
    for rows in 1..=num_perm {
        let bands = num_perm / rows;
        if bands == 0 {
            break;
        }
        if candidate_probability(t, bands, rows) >= TARGET_RECALL {
            best = Some((bands, rows));
        }
    }
    best.unwrap_or_else(|| {
        (1..=num_perm)
            .map(|rows| (num_perm / rows, rows))
            .max_by(|a, b| {
                candidate_probability(t, a.0, a.1)
                    .total_cmp(&candidate_probability(t, b.0, b.1))
                    .then(b.1.cmp(&a.1))
            })
            .unwrap_or((num_perm, 1))
    })
}

/// The seeds of the `num_perm` hash functions (fixed: signatures are
/// comparable across runs): pairs `(x_i, m_i)` with `m_i` odd.
pub fn seeds(num_perm: usize) -> Vec<[u32; 2]> {
    (0..num_perm as u64)
        .map(|i| {
            let r = fmix64(i.wrapping_add(0x5851_f42d_4c95_7f2d));
            [(r >> 32) as u32, (r as u32) | 1]
        })
        .collect()
}

/// Hash function `i`: `h = (x ^ x_i) * m_i; h ^ (h >> 15)` on the 32-bit
/// shingle hash (a bijection of `u32` for every `i`).
#[inline(always)]
fn perm(x: u32, s: [u32; 2]) -> u32 {
    let h = (x ^ s[0]).wrapping_mul(s[1]);
    h ^ (h >> 15)
}

#[inline(always)]
fn update_generic(sig: &mut [u32], seeds: &[[u32; 2]], x: u32) {
    for (m, &s) in sig.iter_mut().zip(seeds) {
        let h = perm(x, s);
        if h < *m {
            *m = h;
        }
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn update_all_avx2(sig: &mut [u32], seeds: &[[u32; 2]], xs: &[u32]) {
    for &x in xs {
        update_generic(sig, seeds, x);
    }
}

fn update_all(sig: &mut [u32], seeds: &[[u32; 2]], xs: &[u32]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU supports AVX2 (checked just above).
            unsafe { update_all_avx2(sig, seeds, xs) };
            return;
        }
    }
    for &x in xs {
        update_generic(sig, seeds, x);
    }
}

/// Writes the MinHash signature of the shingles of `tokens` into `sig`
/// (`sig.len() == seeds.len()`). Hash function `i` is
/// [`perm`] of the shingle hash folded to 32 bits (repeated shingles do
/// not change a minimum, so the shingles are not deduplicated). Every value
/// is `u32::MAX` for a text without tokens. `scratch` is reused between calls.
/// Returns the number of shingles (with repeats).
pub fn signature(
    tokens: &[u64],
    k: usize,
    seeds: &[[u32; 2]],
    sig: &mut [u32],
    scratch: &mut Vec<u32>,
) -> usize {
    sig.fill(u32::MAX);
    scratch.clear();
    for_each_shingle(tokens, k, |h| scratch.push((h ^ (h >> 32)) as u32));
    update_all(sig, seeds, scratch);
    scratch.len()
}

/// The LSH key of band `band` of a signature (`rows` = `band_sig.len()`
/// values): a 64-bit hash that also mixes in the band number, so keys of
/// different bands never meet in one table.
#[inline]
pub fn band_key(band_sig: &[u32], band: usize) -> u64 {
    let mut h = 0x8422_2325_cbf2_9ce4u64 ^ band as u64;
    for &v in band_sig {
        h = fmix64(h ^ v as u64).wrapping_add(0x9e37_79b9);
    }
    h
}

/// Standard error of the MinHash estimate of a Jaccard similarity `j` with
/// `num_perm` permutations: `sqrt(j (1 - j) / num_perm)` (each position
/// agrees with probability `j`, independently up to hashing).
pub fn estimate_std_error(j: f64, num_perm: usize) -> f64 {
    let j = j.clamp(0.0, 1.0);
    (j * (1.0 - j) / num_perm.max(1) as f64).sqrt()
}

/// Share of equal positions: the MinHash estimate of the Jaccard similarity.
pub fn estimate(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() {
        return 0.0;
    }
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / a.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_favour_recall() {
        assert_eq!(choose_bands(0.8, 128), (25, 5));
        assert_eq!(choose_bands(0.8, 256), (36, 7));
        assert_eq!(choose_bands(0.5, 128), (64, 2));
        for &(t, n) in &[(0.8, 128), (0.5, 128), (0.9, 64), (0.3, 256)] {
            let (b, r) = choose_bands(t, n);
            assert!(b * r <= n);
        }
    }
}
