// Histogram charts: shared bins, densities of unit area, skipped values, log bins.

import Testing

@testable import DescentPlot

@Suite("Histogram charts")
struct HistogramChartTests {
    @Test("Series share the bins; each density has unit area; the last bin holds its upper edge")
    func sharedBinsAndDensities() throws {
        let chart = HistogramChart(
            series: [
                HistogramSeries(name: "a", values: [0, 1, 1, 2, 3, 4]),
                HistogramSeries(name: "b", values: [2, 2, 2, 2]),
            ], binCount: 4)
        let bins = chart.bins()
        #expect(bins.edges == [0, 1, 2, 3, 4])
        #expect(bins.counts == [[1, 2, 1, 2], [0, 0, 4, 0]])
        let sixth: Double = 1.0 / 6
        let expected: [Double] = [sixth, 2 * sixth, sixth, 2 * sixth]
        #expect(bins.densities[0] == expected)
        #expect(bins.densities[1] == [0, 0, 1, 0])
        #expect(bins.skipped == [0, 0])
        let document = try SVGDocument(chart.svg())
        #expect(document.elements(named: "path", class: "series").map { $0.attributes["data-name"] } == ["a", "b"])
    }

    @Test("Non-finite values, and values ≤ 0 on a log axis, are skipped and counted as skipped")
    func skippedValues() throws {
        let values = [0.001, 0.01, 0.1, 1, .nan, .infinity, 0, -1]
        let linear = HistogramChart(series: [HistogramSeries(name: "v", values: values)], binCount: 10).bins()
        #expect(linear.skipped == [2])
        let logarithmic = HistogramChart(
            xAxis: Axis(scale: .logarithmic), series: [HistogramSeries(name: "v", values: values)], binCount: 3)
        let bins = logarithmic.bins()
        #expect(bins.skipped == [4])
        #expect(bins.counts == [[1, 1, 2]])
        // Bins equal in log₁₀ x: 1e−3, 1e−2, 1e−1, 1; density per decade, unit area over 3 decades.
        #expect(zip(bins.edges, [0.001, 0.01, 0.1, 1]).allSatisfy { abs($0 - $1) <= 1e-15 * $1 })
        #expect(bins.densities == [[0.25, 0.25, 0.5]])
        let svg = logarithmic.svg()
        _ = try SVGDocument(svg)
        #expect(!svg.lowercased().contains("nan"))
    }

    @Test("A set x range fixes the bins; values outside it are skipped")
    func setRange() {
        let chart = HistogramChart(
            xAxis: Axis(range: 0...2), series: [HistogramSeries(name: "v", values: [-1, 0.5, 1.5, 2, 3])], binCount: 2)
        let bins = chart.bins()
        #expect(bins.edges == [0, 1, 2])
        #expect(bins.counts == [[1, 2]])
        #expect(bins.skipped == [2])
    }

    @Test("Equal values get a bin range around them; no values give an empty chart with a note")
    func degenerateSamples() throws {
        let single = HistogramChart(series: [HistogramSeries(name: "v", values: [5, 5, 5])], binCount: 2).bins()
        #expect(single.edges == [4.5, 5, 5.5])
        #expect(single.counts == [[0, 3]])
        let empty = HistogramChart(series: [HistogramSeries(name: "none", values: [.nan])])
        let document = try SVGDocument(empty.svg())
        #expect(document.texts.contains("No data to plot"))
        #expect(document.elements(named: "path", class: "series").isEmpty)
        #expect(empty.bins().densities == [Array(repeating: 0, count: 40)])
    }

    @Test("A log density axis leaves empty bins out and the document stays well-formed")
    func logDensityAxis() throws {
        let chart = HistogramChart(
            yAxis: Axis(label: "density", scale: .logarithmic), series: [HistogramSeries(name: "v", values: [0, 0, 0, 0, 10])],
            binCount: 10)
        let document = try SVGDocument(chart.svg())
        #expect(document.elements(named: "path", class: "series").count == 1)
    }
}
