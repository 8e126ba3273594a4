// ProgressLine: "how far along is it" for long runs, on standard error.
//
// On a terminal one line is redrawn in place (at most ten times a second);
// otherwise (CI logs, pipes) a plain line is written at most every
// `plainInterval` seconds, so logs stay short. Standard output is left to the
// results, so `program > results.txt` captures no progress noise.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A progress indicator on standard error: `label  done/total  elapsed  message`.
public struct ProgressLine {
    private let label: String
    /// How many units of work there are (0 when unknown); may be set once it is known.
    public var total: Int
    private let enabled: Bool
    private let onTerminal: Bool
    private let plainInterval: Double
    private let start: Double
    private var lastDraw: Double = -.infinity
    private var drewOnTerminal = false

    /// - Parameters:
    ///   - label: what is being done ("sweep", "Lanczos").
    ///   - total: how many units of work there are (0 when unknown).
    ///   - enabled: `false` silences it (`--quiet`).
    ///   - plainInterval: seconds between lines when standard error is not a terminal.
    public init(_ label: String, total: Int, enabled: Bool = true, plainInterval: Double = 10) {
        self.label = label
        self.total = total
        self.enabled = enabled
        self.onTerminal = StandardError.isTerminal
        self.plainInterval = plainInterval
        self.start = Self.now()
    }

    /// Seconds since the progress line was created.
    public var elapsed: Double { Self.now() - start }

    /// Reports that `done` units are complete; `message` says what is running now.
    public mutating func update(done: Int, _ message: String = "") {
        guard enabled else { return }
        let now = Self.now()
        let interval = onTerminal ? 0.1 : plainInterval
        guard now - lastDraw >= interval else { return }
        lastDraw = now
        let count = total > 0 ? "\(done)/\(total)" : "\(done)"
        let text = "\(label) \(count)  \(Self.format(seconds: now - start))  \(message)"
        if onTerminal {
            let width = 100
            let clipped = text.count > width ? String(text.prefix(width - 1)) + "…" : text
            StandardError.write("\r\u{1B}[K" + clipped)
            drewOnTerminal = true
        } else {
            StandardError.write(text + "\n")
        }
    }

    /// Clears the line on a terminal (call before printing results).
    public mutating func finish() {
        guard enabled, drewOnTerminal else { return }
        StandardError.write("\r\u{1B}[K")
        drewOnTerminal = false
    }

    /// `12.3 s`, `4 min 05 s`.
    public static func format(seconds: Double) -> String {
        if seconds < 60 { return "\((seconds * 10).rounded() / 10) s" }
        let whole = Int(seconds.rounded())
        let remainder = whole % 60
        return "\(whole / 60) min \(remainder < 10 ? "0" : "")\(remainder) s"
    }

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) * 1e-9
    }
}
