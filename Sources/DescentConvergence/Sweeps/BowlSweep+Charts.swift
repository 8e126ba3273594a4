// The figures of a sweep: error against iteration for every bowl, and
// iterations against κ on log–log axes with the κ and √κ slopes drawn.

import DescentPlot

extension BowlSweepReport {
    /// A named figure, with the file name it is written under.
    public struct NamedFigure: Sendable {
        /// e.g. "errors-d100-k1000-log.svg".
        public var fileName: String
        /// The chart.
        public var chart: LineChart
    }

    /// One error-vs-iteration chart per bowl (log-scale error, every method that ran on it).
    public func errorCharts() -> [NamedFigure] {
        var order: [String] = []
        var groups: [String: [BowlSweepRun]] = [:]
        for run in runs {
            let key = "d\(run.dimension)-k\(run.conditionNumber.short)-\(run.spectrum.rawValue)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(run)
        }
        return order.map { key in
            let group = groups[key]!
            let first = group[0]
            let series = group.enumerated().map { index, run in
                let name = run.method.family == .adaptive ? "\(run.method.label) (\(run.basis))" : run.method.label
                let points = run.curve.filter { $0.relativeError > 0 && $0.relativeError.isFinite }
                    .map { PlotPoint(x: Double($0.iteration), y: $0.relativeError) }
                let style: LineStyle =
                    switch run.method.family {
                    case .firstOrder: .solid
                    case .krylov: .solid
                    case .adaptive: run.basis == "rotated" ? .dashed : .dotted
                    case .stochastic: .dashed
                    }
                return LineSeries(name: name, points: points, color: PlotColor.colorBlindSafe[index % PlotColor.colorBlindSafe.count], lineStyle: style)
            }
            let chart = LineChart(
                title: "Relative error, d = \(first.dimension), κ = \(first.conditionNumber.short), \(first.spectrum.rawValue) spectrum",
                xAxis: Axis(label: "iteration k (log scale)", scale: .logarithmic),
                yAxis: Axis(label: "‖w_k − w*‖ / ‖w₀ − w*‖", scale: .logarithmic),
                series: series,
                referenceLines: [.horizontal(at: configuration.tolerance, label: "tolerance")],
                legendPosition: .outsideRight,
                note: "Rotated bowls unless marked; adaptive methods also on the axis-aligned twin (dotted).",
                width: 900, height: 520)
            return NamedFigure(fileName: "errors-\(key).svg", chart: chart)
        }
    }

    /// Iterations to the tolerance against κ, one chart per dimension and spectrum, with
    /// reference lines of slope 1 (∝ κ) and 1/2 (∝ √κ). Needs at least two condition numbers.
    public func iterationCharts() -> [NamedFigure] {
        var figures: [NamedFigure] = []
        let plotted = runs.filter { ($0.method.family == .firstOrder || $0.method.family == .krylov) }
        for d in configuration.dimensions {
            for spectrum in configuration.spectra {
                let group = plotted.filter { $0.dimension == d && $0.spectrum == spectrum }
                let κs = Set(group.map(\.conditionNumber))
                guard κs.count >= 2 else { continue }
                var methods: [BowlSweepMethod] = []
                for run in group where !methods.contains(run.method) { methods.append(run.method) }
                var series: [LineSeries] = []
                for (index, method) in methods.enumerated() {
                    let points = group.filter { $0.method == method }.compactMap { run in
                        run.iterations.map { PlotPoint(x: run.conditionNumber, y: Double(max($0, 1))) }
                    }.sorted { $0.x < $1.x }
                    guard !points.isEmpty else { continue }
                    series.append(
                        LineSeries(
                            name: method.label, points: points,
                            color: PlotColor.colorBlindSafe[index % PlotColor.colorBlindSafe.count], marker: .circle))
                }
                var references: [ReferenceLine] = []
                let smallest = κs.min()!
                if let gd = series.first(where: { $0.name == BowlSweepMethod.gradientDescentOptimal.label })?.points.first {
                    references.append(.slope(1, through: PlotPoint(x: smallest, y: gd.y), label: "∝ κ"))
                }
                if let fast = series.first(where: { $0.name == BowlSweepMethod.polyak.label })?.points.first {
                    references.append(.slope(0.5, through: PlotPoint(x: smallest, y: fast.y), label: "∝ √κ"))
                }
                let chart = LineChart(
                    title: "Iterations to \(configuration.tolerance.short) against κ, d = \(d), \(spectrum.rawValue) spectrum",
                    xAxis: Axis(label: "condition number κ", scale: .logarithmic),
                    yAxis: Axis(label: "iterations", scale: .logarithmic),
                    series: series, referenceLines: references, legendPosition: .outsideRight,
                    note: "Gray lines: slopes 1 (κ) and 1/2 (√κ) through the GD-optimal and Polyak points at the smallest κ.",
                    width: 900, height: 520)
                figures.append(NamedFigure(fileName: "iterations-d\(d)-\(spectrum.rawValue).svg", chart: chart))
            }
        }
        return figures
    }
}
