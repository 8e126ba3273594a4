// Report: Markdown tables with a verdict per row, number formatting, and
// progress messages (on standard error, so standard output is pure Markdown).
// The tables and common formatting are in BenchmarkSupport.

import BenchmarkSupport
import Foundation

/// A ratio with two decimals, or a dash when it is unknown.
func ratioText(_ ratio: Double?) -> String {
    guard let ratio, ratio.isFinite else { return "—" }
    return fixed(ratio, 2)
}

/// The median and quartiles of paired ratios, as `1.01 (0.99–1.02)`: a
/// cross-check of the ratio of medians that is less sensitive to slow drift,
/// and a measure of how noisy the ratio is.
func ratioSummary(_ ratios: [Double]) -> String {
    fixed(median(ratios), 2) + " (" + fixed(quantile(ratios, 0.25), 2) + "–" + fixed(quantile(ratios, 0.75), 2) + ")"
}

/// A count with thousands separators: 269,322.
func grouped(_ value: Int) -> String {
    let digits = String(value)
    var result = ""
    for (offset, character) in digits.enumerated() {
        if offset > 0 && (digits.count - offset) % 3 == 0 { result.append(",") }
        result.append(character)
    }
    return result
}
