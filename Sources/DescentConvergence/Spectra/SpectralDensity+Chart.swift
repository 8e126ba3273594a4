// SpectralDensity as an SVG line chart (DescentPlot), on a log or linear density axis.

import DescentPlot

extension SpectralDensity {
    /// A line chart of this density, optionally with others on the same axes
    /// (the exact eigenvalues smoothed by the same kernel, say).
    ///
    /// - Parameters:
    ///   - title: the chart's title.
    ///   - name: this curve's legend label.
    ///   - others: further curves, drawn after this one.
    ///   - logarithmic: a log density axis (default): Hessian densities span many
    ///     decades between the bulk near 0 and the outliers.
    ///   - floor: on a log axis, values below `floor`·(largest value) are drawn at
    ///     that level (the Gaussian tails reach 0, which a log axis cannot show); in (0, 1).
    ///   - maximumPoints: each curve is thinned to at most this many points (≥ 2),
    ///     keeping the largest value of each run so that narrow peaks survive.
    ///   - note: text under the plot; empty for none.
    /// - Returns: a chart; write it with `write(to:)` (atomic).
    public func chart(
        title: String = "Spectral density", name: String = "SLQ",
        comparedWith others: [(name: String, density: SpectralDensity)] = [], logarithmic: Bool = true,
        floor: Double = 1e-8, maximumPoints: Int = 2000, note: String = ""
    ) -> LineChart {
        let curves = [(name: name, density: self)] + others
        let peak = curves.map { $0.density.values.max() ?? 0 }.max() ?? 0
        let lowest = logarithmic ? max(peak * min(max(floor, 1e-300), 1), Double.leastNormalMagnitude) : 0
        let colors: [PlotColor] = [.blue, .vermillion, .bluishGreen, .reddishPurple]
        let series = curves.enumerated().map { index, curve in
            let points = thinned(curve.density, to: max(2, maximumPoints)).map { point in
                PlotPoint(x: point.x, y: logarithmic ? max(point.y, lowest) : point.y)
            }
            return LineSeries(
                name: curve.name, points: points, color: colors[index % colors.count],
                lineStyle: index == 0 ? .solid : .dashed)
        }
        return LineChart(
            title: title, xAxis: Axis(label: "eigenvalue λ"),
            yAxis: Axis(label: "density φ_σ(λ)", scale: logarithmic ? .logarithmic : .linear), series: series,
            note: note)
    }
}

/// At most `count` points of the density: the grid cut into `count` runs, the largest value of each.
private func thinned(_ density: SpectralDensity, to count: Int) -> [PlotPoint] {
    let total = density.grid.count
    guard total > count else { return zip(density.grid, density.values).map { PlotPoint(x: $0, y: $1) } }
    return (0..<count).map { run in
        let start = run * total / count, end = max(start + 1, (run + 1) * total / count)
        var best = start
        for index in start..<end where density.values[index] > density.values[best] { best = index }
        return PlotPoint(x: density.grid[best], y: density.values[best])
    }
}
