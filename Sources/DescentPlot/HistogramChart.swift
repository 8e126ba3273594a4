// HistogramChart: several samples overlaid as density histograms on shared bins.
//
// Design note. Overlaid samples are compared by shape and location, so each
// series is normalized to unit area (a density) over bins that all series
// share. On a log axis the bins are equal in log₁₀ x and the density is per
// decade, so the areas one sees are still probabilities.

/// A named sample drawn as one histogram.
public struct HistogramSeries: Sendable, Hashable {
    /// The legend label; an empty name leaves the series out of the legend.
    public var name: String
    /// The sample. Non-finite values, values ≤ 0 on a log axis, and values
    /// outside a set axis range are not counted (see ``HistogramBins/skipped``).
    public var values: [Double]
    /// The colour; `nil` takes the series' place in ``PlotColor/colorBlindSafe``.
    public var color: PlotColor?

    /// A series.
    /// - Parameters:
    ///   - name: the legend label; empty for none.
    ///   - values: the sample.
    ///   - color: `nil` (default) picks the next palette colour.
    public init(name: String, values: [Double], color: PlotColor? = nil) {
        self.name = name
        self.values = values
        self.color = color
    }
}

/// The shared bins of a histogram chart and each series' counts and densities in them.
public struct HistogramBins: Sendable, Hashable {
    /// The bin edges, ascending: one more than the bins. Equally spaced in x on
    /// a linear axis, in log₁₀ x on a log axis.
    public let edges: [Double]
    /// `counts[s][i]`: how many values of series s fall in bin i (the last bin
    /// includes its upper edge).
    public let counts: [[Int]]
    /// `densities[s][i]` = counts[s][i] / (n_s · width_i), where n_s is the number
    /// of values of series s counted in any bin and width_i is the bin's width in
    /// x (in decades on a log axis); all 0 for a series with nothing counted. So
    /// Σᵢ densities[s][i]·width_i = 1.
    public let densities: [[Double]]
    /// Per series, how many values were not counted: non-finite, ≤ 0 on a log
    /// axis, or outside a range set on the x axis.
    public let skipped: [Int]
}

/// Density histograms of several samples, overlaid on the same bins.
///
/// The bins span the x axis's range when it is set, or else the smallest to
/// the largest countable value over all series; `binCount` bins of equal width
/// (in log₁₀ x on a log axis). Each series is one `<path class="series">`: the
/// outline of its bars, filled lightly. With no countable value at all, the
/// chart is still a valid document: empty axes with the note "No data to plot".
public struct HistogramChart: Figure, Hashable {
    /// The title above the plot; empty for none.
    public var title: String
    /// The axis the values lie on (linear or logarithmic).
    public var xAxis: Axis
    /// The density axis; its label is "density" by default. A log scale leaves empty bins out.
    public var yAxis: Axis
    /// The samples, drawn in order (later ones on top).
    public var series: [HistogramSeries]
    /// The number of bins, 1 … 10,000 (values outside are clamped).
    public var binCount: Int
    /// Whether the bars are filled (lightly, so overlaid series stay visible) or only outlined.
    public var isFilled: Bool
    /// Where the legend goes; ``LegendPosition/automatic`` by default.
    public var legendPosition: LegendPosition
    /// Text under the plot (wrapped to its width); empty for none.
    public var note: String
    /// The document's width in pixels (at least 160).
    public var width: Double
    /// The document's height in pixels (at least 120).
    public var height: Double

    /// A histogram chart; every argument but the series has a default.
    public init(
        title: String = "", xAxis: Axis = Axis(), yAxis: Axis = Axis(label: "density"), series: [HistogramSeries] = [],
        binCount: Int = 40, isFilled: Bool = true, legendPosition: LegendPosition = .automatic, note: String = "",
        width: Double = 720, height: Double = 440
    ) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.binCount = binCount
        self.isFilled = isFilled
        self.legendPosition = legendPosition
        self.note = note
        self.width = width
        self.height = height
    }

    public func svg() -> String {
        let (w, h) = clampedSize(width, height)
        var svg = documentHeader(width: w, height: h, title: title)
        svg.panel(panelContent(), in: Rect(x: 0, y: 0, width: w, height: h), id: "chart")
        svg.close("svg")
        return svg.text
    }

    /// The shared bins and every series' counts and densities.
    /// - Complexity: O(total number of values + series × bins).
    public func bins() -> HistogramBins {
        let count = min(max(binCount, 1), 10_000)
        let probe = ResolvedAxis(Axis(scale: xAxis.scale), extent: nil)
        // The range in display coordinates: the set one, or the data's.
        var range: (Double, Double)
        let set = ResolvedAxis(xAxis, extent: nil)
        if set.hasSetRange {
            range = (set.displayLower, set.displayUpper)
        } else {
            var low = Double.infinity, high = -Double.infinity
            for s in series {
                for value in s.values {
                    guard let d = probe.display(value) else { continue }
                    low = min(low, d)
                    high = max(high, d)
                }
            }
            if low > high {
                range = (0, 1)
            } else if low == high {
                let value = probe.value(atDisplay: low)
                let widened = ResolvedAxis(Axis(scale: xAxis.scale), extent: (value, value), padding: 0)
                range = (widened.displayLower, widened.displayUpper)
            } else {
                range = (low, high)
            }
        }
        let width = (range.1 - range.0) / Double(count)
        let edges = (0...count).map { probe.value(atDisplay: $0 == count ? range.1 : range.0 + Double($0) * width) }
        var allCounts: [[Int]] = [], allDensities: [[Double]] = [], allSkipped: [Int] = []
        for s in series {
            var counts = [Int](repeating: 0, count: count)
            var skipped = 0
            for value in s.values {
                guard let d = probe.display(value) else {
                    skipped += 1
                    continue
                }
                let position = (d - range.0) / width
                guard position >= 0, d <= range.1 else {
                    skipped += 1
                    continue
                }
                counts[min(Int(position), count - 1)] += 1
            }
            let counted = Double(s.values.count - skipped)
            allCounts.append(counts)
            allDensities.append(counts.map { counted > 0 ? Double($0) / (counted * width) : 0 })
            allSkipped.append(skipped)
        }
        return HistogramBins(edges: edges, counts: allCounts, densities: allDensities, skipped: allSkipped)
    }
}

// MARK: - Rendering

extension HistogramChart {
    func color(ofSeries index: Int) -> PlotColor {
        series[index].color ?? PlotColor.colorBlindSafe[index % PlotColor.colorBlindSafe.count]
    }

    func panelContent() -> PanelContent {
        let bins = bins()
        let hasData = bins.counts.contains { $0.contains { $0 > 0 } }
        let xExtent = hasData ? (bins.edges[0], bins.edges[bins.edges.count - 1]) : nil
        let resolvedX = ResolvedAxis(xAxis, extent: xExtent, padding: 0.02)
        let positive = bins.densities.joined().filter { $0 > 0 }
        let yExtent = positive.isEmpty ? nil : (positive.min() ?? 0, positive.max() ?? 1)
        let resolvedY = ResolvedAxis(yAxis, extent: yExtent, padding: 0.05, includesZero: true)
        let legend = series.indices.filter { !series[$0].name.isEmpty }.map { index in
            LegendEntry(
                label: series[index].name, color: color(ofSeries: index), lineStyle: .solid, marker: nil, isArea: isFilled)
        }
        return PanelContent(
            title: title, xAxis: resolvedX, yAxis: resolvedY, legend: legend, legendPosition: legendPosition, note: note,
            emptyMessage: hasData ? nil : "No data to plot",
            occupiedPoints: { area in occupiedPoints(bins, area: area) },
            drawData: { svg, area in draw(bins, into: &svg, area: area) })
    }

    /// The pixel x of each edge and the pixel y of each density, clamped to just outside the plot area.
    private func outline(of index: Int, _ bins: HistogramBins, area: PlotArea) -> (edges: [Double], tops: [Double], base: Double)
    {
        let plot = area.rect
        func clampX(_ x: Double) -> Double { min(max(x, plot.x - 2), plot.maxX + 2) }
        func clampY(_ y: Double) -> Double { min(max(y, plot.y - 2), plot.maxY + 2) }
        let edges = bins.edges.map { edge in clampX(area.xAxis.display(edge).map(area.pixelX) ?? plot.x) }
        let base = clampY(area.yAxis.display(0).map(area.pixelY) ?? plot.maxY + 2)
        let tops = bins.densities[index].map { density in clampY(area.yAxis.display(density).map(area.pixelY) ?? base) }
        return (edges, tops, base)
    }

    private func draw(_ bins: HistogramBins, into svg: inout SVGBuilder, area: PlotArea) {
        for index in series.indices where bins.counts[index].contains(where: { $0 > 0 }) {
            let (edges, tops, base) = outline(of: index, bins, area: area)
            var points = [Point(x: edges[0], y: base)]
            for (bin, top) in tops.enumerated() {
                points.append(Point(x: edges[bin], y: top))
                points.append(Point(x: edges[bin + 1], y: top))
            }
            points.append(Point(x: edges[edges.count - 1], y: base))
            // Drop the corners of runs along the baseline: shorter files, same picture.
            var kept: [Point] = []
            for (i, point) in points.enumerated() {
                let previous = i > 0 ? points[i - 1] : nil, next = i + 1 < points.count ? points[i + 1] : nil
                if let previous, let next, previous.y == point.y && next.y == point.y { continue }
                kept.append(point)
            }
            let colour = color(ofSeries: index).description
            svg.element(
                "path",
                [
                    ("class", "series"), ("data-name", series[index].name), ("d", pathData([kept]) + " Z"),
                    ("fill", isFilled ? colour : "none"), ("fill-opacity", isFilled ? "0.15" : "0"), ("stroke", colour),
                    ("stroke-width", "1.6"), ("stroke-linejoin", "round"),
                ])
        }
    }

    /// Pixels under every non-empty bar (its top edge and a vertical line through its middle).
    private func occupiedPoints(_ bins: HistogramBins, area: PlotArea) -> [Point] {
        var points: [Point] = []
        for index in series.indices {
            let (edges, tops, base) = outline(of: index, bins, area: area)
            for (bin, top) in tops.enumerated() where bins.counts[index][bin] > 0 {
                let middle = (edges[bin] + edges[bin + 1]) / 2
                points += sampled([Point(x: edges[bin], y: top), Point(x: edges[bin + 1], y: top)])
                points += sampled([Point(x: middle, y: top), Point(x: middle, y: base)])
            }
        }
        return points
    }
}
