// Report: Markdown tables with a verdict per row, number formatting, and
// progress messages (on standard error, so standard output is pure Markdown).

import BenchmarkSupport
import Foundation

/// The median and quartiles of the paired ratios, as `1.01 (0.99–1.02)`: a
/// cross-check of the ratio of medians that is less sensitive to slow drift,
/// and a measure of how noisy the ratio is.
func pairedRatioSummary(_ samples: PairedSamples) -> String {
    let ratios = samples.pairedRatios
    return fixed(median(ratios), 3) + " (" + fixed(quantile(ratios, 0.25), 3) + "–" + fixed(quantile(ratios, 0.75), 3) + ")"
}
