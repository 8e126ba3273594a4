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

    /// Two error-vs-iteration charts per bowl (log–log): the deterministic methods (gradient descent,
    /// momentum, Nesterov, conjugate gradient), and the adaptive and stochastic ones with GD at η* for
    /// reference. A chart whose methods did not run is left out.
    public func errorCharts() -> [NamedFigure] {
        var order: [String] = []
        var groups: [String: [BowlSweepRun]] = [:]
        for run in runs {
            let key = "d\(run.dimension)-k\(run.conditionNumber.short)-\(run.spectrum.rawValue)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(run)
        }
        var figures: [NamedFigure] = []
        for key in order {
            let group = groups[key]!
            let first = group[0]
            let deterministic = group.filter { $0.method.family == .firstOrder || $0.method.family == .krylov }
            let others = group.filter { $0.method.family == .adaptive || $0.method.family == .stochastic }
            let bowl = "d = \(first.dimension), κ = \(first.conditionNumber.short), \(first.spectrum.rawValue) spectrum"
            if !deterministic.isEmpty {
                figures.append(
                    NamedFigure(
                        fileName: "errors-\(key).svg",
                        chart: errorChart(
                            deterministic, title: "Gradient descent, momentum, Nesterov, CG — \(bowl)",
                            note: "Rotated bowl; every eigendirection starts with the same error.")))
            }
            if !others.isEmpty {
                let reference = group.filter { $0.method == .gradientDescentOptimal }
                figures.append(
                    NamedFigure(
                        fileName: "errors-\(key)-adaptive-sgd.svg",
                        chart: errorChart(
                            reference + others, title: "Adaptive methods and mini-batch SGD — \(bowl)",
                            note: "Dotted: the axis-aligned twin; solid: rotated. SGD runs on least squares with this Hessian.")))
            }
        }
        return figures
    }

    private func errorChart(_ runs: [BowlSweepRun], title: String, note: String) -> LineChart {
        let series = runs.map { run in
            let name = run.method.family == .adaptive ? "\(run.method.label) (\(run.basis))" : run.method.label
            // Short runs continue past the tolerance to fit their rate; the chart stops 100× below it.
            let floor = configuration.tolerance / 100
            let end = run.curve.firstIndex { $0.relativeError < floor }.map { $0 + 1 } ?? run.curve.count
            let points = run.curve[..<end].filter { $0.iteration > 0 && $0.relativeError > 0 && $0.relativeError.isFinite }
                .map { PlotPoint(x: Double($0.iteration), y: $0.relativeError) }
            let style = Self.style(of: run)
            return LineSeries(name: name, points: points, color: style.color, lineStyle: style.line)
        }
        return LineChart(
            title: title,
            xAxis: Axis(label: "iteration k (log scale)", scale: .logarithmic),
            yAxis: Axis(label: "‖w_k − w*‖ / ‖w₀ − w*‖", scale: .logarithmic),
            series: series, referenceLines: [.horizontal(at: configuration.tolerance, label: "tolerance")],
            legendPosition: .outsideRight, note: note, width: 900, height: 520)
    }

    /// One colour per method family member, line style for the variant, so a method looks the same in every chart.
    static func style(of run: BowlSweepRun) -> (color: PlotColor, line: LineStyle) {
        let adaptiveLine: LineStyle = run.basis == "diagonal" ? .dotted : .solid
        switch run.method {
        case .gradientDescent: return (.blue, .solid)
        case .gradientDescentOptimal: return (.blue, .dashed)
        case .momentum05: return (.bluishGreen, .dotted)
        case .momentum09: return (.bluishGreen, .dashed)
        case .momentum099: return (.bluishGreen, .solid)
        case .polyak: return (.vermillion, .solid)
        case .nesterov: return (.reddishPurple, .solid)
        case .nesterovOptimal: return (.reddishPurple, .dashed)
        case .conjugateGradient: return (.black, .solid)
        case .customGradientDescent: return (.skyBlue, .solid)
        case .customMomentum: return (.skyBlue, .dashed)
        case .adam: return (.orange, adaptiveLine)
        case .rmsprop: return (.reddishPurple, adaptiveLine)
        case .adagrad: return (.bluishGreen, adaptiveLine)
        case .sgdConstant: return (.vermillion, .solid)
        case .sgdDecaying: return (.vermillion, .dashed)
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
                for method in methods {
                    let points = group.filter { $0.method == method }.compactMap { run in
                        run.iterations.map { PlotPoint(x: run.conditionNumber, y: Double(max($0, 1))) }
                    }.sorted { $0.x < $1.x }
                    guard !points.isEmpty else { continue }
                    let style = Self.style(of: group.first { $0.method == method }!)
                    series.append(LineSeries(name: method.label, points: points, color: style.color, lineStyle: style.line, marker: .circle))
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
