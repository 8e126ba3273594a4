// Writing figures: the file is complete, and a failed write leaves the old file.

import Foundation
import Testing

@testable import DescentLinalg
@testable import DescentPlot

@Suite("Writing figures")
struct FigureWriteTests {
    /// A fresh empty directory under the system's temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "descent-plot-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    struct InjectedFailure: Error {}

    @Test("The file holds exactly the document, and replacing it leaves no temporary file")
    func writesCompleteFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("chart.svg").path
        let first = LineChart(title: "first", series: [LineSeries(name: "s", x: [0, 1], y: [0, 1])])
        try first.write(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == first.svg())
        let second = HistogramChart(title: "second", series: [HistogramSeries(name: "h", values: [1, 2, 3])])
        try second.write(to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == second.svg())
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["chart.svg"])
    }

    @Test("A failure just before the rename throws and leaves the old file untouched")
    func failureKeepsOldFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("chart.svg").path
        let old = LineChart(title: "old", series: [LineSeries(name: "s", x: [0, 1], y: [0, 1])])
        try old.write(to: path)
        let new = LineChart(title: "new", series: [LineSeries(name: "s", x: [0, 1], y: [1, 0])])
        var sawCompleteTemporary = false
        #expect(throws: InjectedFailure.self) {
            try new.write(to: path) { temporaryPath in
                // At this point the new document is complete on disk, under another name.
                sawCompleteTemporary = (try? String(contentsOfFile: temporaryPath, encoding: .utf8)) == new.svg()
                throw InjectedFailure()
            }
        }
        #expect(sawCompleteTemporary)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == old.svg())
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["chart.svg"])
    }

    @Test("Writing into a missing directory throws a file error naming the path")
    func missingDirectory() throws {
        let path = "/nonexistent-\(UInt64.random(in: 0...UInt64.max))/chart.svg"
        #expect {
            try LineChart().write(to: path)
        } throws: { error in
            guard case LinalgError.file(let failedPath, _) = error else { return false }
            return failedPath == path
        }
    }
}
