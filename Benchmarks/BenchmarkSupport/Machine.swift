// Machine: what the numbers were measured on (CPU, cores, OpenBLAS build and
// threads, LAPACK version), printed at the top of every report.

internal import COpenBLAS
import Foundation

public struct MachineDescription: Encodable, Sendable {
    public var cpuModel: String
    public var cpuFamilyAndModel: String
    public var onlineCPUs: Int
    public var vectorExtensions: String
    public var openBLASConfiguration: String
    public var openBLASCore: String
    public var openBLASThreads: Int
    public var openBLASParallelism: String
    public var lapackVersion: String
    public var threadEnvironment: String

    /// Reads /proc/cpuinfo and asks OpenBLAS and LAPACKE about themselves.
    public static func current() -> MachineDescription {
        let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        func field(_ name: String) -> String? {
            for line in cpuInfo.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
            return nil
        }
        let flags = Set((field("flags") ?? "").split(separator: " ").map(String.init))
        let extensions = ["avx2", "fma", "avx512f"].filter { flags.contains($0) }

        let parallelism: String
        switch openblas_get_parallel() {
        case 0: parallelism = "sequential"
        case 1: parallelism = "pthreads"
        case 2: parallelism = "OpenMP"
        case let other: parallelism = "unknown (\(other))"
        }
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        LAPACKE_ilaver(&major, &minor, &patch)
        let environment = ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "GOTO_NUM_THREADS"]
            .compactMap { name in ProcessInfo.processInfo.environment[name].map { "\(name)=\($0)" } }

        return MachineDescription(
            cpuModel: field("model name") ?? "unknown",
            cpuFamilyAndModel: "family \(field("cpu family") ?? "?"), model \(field("model") ?? "?")",
            onlineCPUs: sysconf(Int32(_SC_NPROCESSORS_ONLN)),
            vectorExtensions: extensions.isEmpty ? "none of AVX2/FMA/AVX-512F" : extensions.joined(separator: ", "),
            openBLASConfiguration: openblas_get_config().map { String(cString: $0) } ?? "unknown",
            openBLASCore: openblas_get_corename().map { String(cString: $0) } ?? "unknown",
            openBLASThreads: Int(openblas_get_num_threads()),
            openBLASParallelism: parallelism,
            lapackVersion: "\(major).\(minor).\(patch)",
            threadEnvironment: environment.isEmpty ? "none set" : environment.joined(separator: " "))
    }

    /// A Markdown bullet list.
    public var markdown: String {
        """
        - CPU: \(cpuModel) (\(cpuFamilyAndModel)), \(onlineCPUs) online CPUs, \(vectorExtensions)
        - OpenBLAS: `\(openBLASConfiguration)`, core `\(openBLASCore)`, \(openBLASThreads) threads (\(openBLASParallelism))
        - LAPACK (through LAPACKE): \(lapackVersion)
        - Thread environment variables: \(threadEnvironment)
        """
    }
}

// MARK: - Competing load

/// CPU time used by everything else while the benchmark ran: other processes
/// (from /proc/stat minus this process's /proc/self/stat) and time the
/// hypervisor gave to other guests ("steal"). Both disturb the timings; the
/// interleaved design protects the ratios, not the absolute times.
public struct CompetingLoadMonitor {
    private let start: (system: CPUTimes, own: Double)

    public init() { start = (CPUTimes.read(), Self.ownTicks()) }

    /// A sentence for the report, in percent of all CPUs over the elapsed time.
    public func summary() -> String {
        guard let shares = shares() else { return "unknown (no /proc/stat)" }
        return "other processes used \(fixed(100 * shares.others, 1))% and hypervisor steal "
            + "\(fixed(100 * shares.steal, 1))% of the \(sysconf(Int32(_SC_NPROCESSORS_ONLN))) CPUs' time"
    }

    /// The fractions (0…1) of all CPUs' time since `init` used by other
    /// processes and stolen by the hypervisor; `nil` without /proc/stat.
    public func shares() -> (others: Double, steal: Double)? {
        let now = CPUTimes.read()
        let total = now.total - start.system.total
        guard total > 0 else { return nil }
        let others = max(0, (now.busy - start.system.busy) - (Self.ownTicks() - start.own))
        return (others / total, (now.steal - start.system.steal) / total)
    }

    /// This process's user + system time, in clock ticks (fields 14 and 15 of /proc/self/stat).
    private static func ownTicks() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let end = text.lastIndex(of: ")")
        else { return 0 }
        let fields = text[text.index(after: end)...].split(separator: " ")  // fields[0] is field 3 (state)
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return user + system
    }
}

/// The aggregate "cpu" line of /proc/stat, in clock ticks.
private struct CPUTimes {
    var busy = 0.0, total = 0.0, steal = 0.0

    static func read() -> CPUTimes {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
        else { return CPUTimes() }
        let values = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard values.count >= 8 else { return CPUTimes() }
        // user nice system idle iowait irq softirq steal (guest time is already inside user).
        let busy = values[0] + values[1] + values[2] + values[5] + values[6]
        return CPUTimes(busy: busy, total: busy + values[3] + values[4] + values[7], steal: values[7])
    }
}

/// The first three fields of /proc/loadavg: runnable processes averaged over
/// 1, 5 and 15 minutes (our own benchmark counts too).
public func loadAverage() -> String {
    guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
    return text.split(separator: " ").prefix(3).joined(separator: ", ")
}
