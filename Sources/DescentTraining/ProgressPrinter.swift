// The progress display: one line rewritten in place on a terminal, plain lines
// per epoch otherwise (logs and CI stay readable).

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Seconds on a monotonic clock.
func monotonicSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
}

struct ProgressPrinter {
    let style: ProgressStyle
    let epochs: Int
    let isTerminal: Bool
    private var lastDraw = 0.0

    init(style: ProgressStyle, epochs: Int) {
        self.style = style
        self.epochs = epochs
        self.isTerminal = isatty(STDOUT_FILENO) != 0
    }

    private var rewritesLine: Bool { style == .automatic && isTerminal }

    /// Redraws the in-place line at most ten times a second.
    mutating func batch(epoch: Int, position: Int, of count: Int, loss: Double) {
        guard rewritesLine else { return }
        let now = monotonicSeconds()
        guard now - lastDraw >= 0.1 || position == count else { return }
        lastDraw = now
        emit("\r\u{1B}[2Kepoch \(epoch + 1)/\(epochs)  batch \(position)/\(count)  loss \(format(loss))", newline: false)
    }

    func epochEnded(_ record: EpochRecord) {
        guard style != .silent else { return }
        var line = "epoch \(record.epoch + 1)/\(epochs)  loss \(format(record.trainingLoss))"
        if let accuracy = record.trainingAccuracy { line += "  accuracy \(format(accuracy))" }
        if let loss = record.validationLoss { line += "  validation loss \(format(loss))" }
        if let accuracy = record.validationAccuracy { line += "  validation accuracy \(format(accuracy))" }
        line += "  \(format(record.seconds)) s"
        emit((rewritesLine ? "\r\u{1B}[2K" : "") + line, newline: true)
    }

    private func emit(_ text: String, newline: Bool) {
        print(text, terminator: newline ? "\n" : "")
        fflush(nil)  // all output streams; `stdout` is a C global Swift 6 will not touch
    }

    private func format(_ value: Double) -> String {
        guard value.isFinite else { return "\(value)" }
        let magnitude = Swift.abs(value)
        if magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e5) { return "\(Float(value))" }
        let scaled = (value * 10_000).rounded() / 10_000
        return "\(scaled)"
    }
}
