// Tests of the file front door (`Matrix.load(from:)`, `save(to:)`) and of the
// atomic writer, plus the helpers the three format test files share:
// scratch directories, the NumPy/SciPy fixtures and their expected values.

import Foundation
import Testing

@testable import DescentLinalg

// MARK: - Shared helpers

/// Helpers for the file-format tests.
enum FileTestSupport {
    /// Runs `body` with the path of a new, uniquely named empty directory, removed afterwards.
    static func withScratchDirectory<Result>(_ body: (String) throws -> Result) throws -> Result {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("descent-file-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(url.path)
    }

    /// Writes `bytes` to `directory/name` and returns the path.
    static func write(_ bytes: [UInt8], named name: String, in directory: String) throws -> String {
        let path = directory + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Writes UTF-8 `text` to `directory/name` and returns the path.
    static func write(_ text: String, named name: String, in directory: String) throws -> String {
        try write(Array(text.utf8), named: name, in: directory)
    }

    /// The bytes of the file at `path`.
    static func contents(of path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The names in `directory`, sorted, hidden ones included.
    static func listing(of directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
    }

    /// The path of the committed fixture `Fixtures/<folder>/<name>`.
    static func fixturePath(_ folder: String, _ name: String) throws -> String {
        let fixtures = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return fixtures.appendingPathComponent(folder).appendingPathComponent(name).path
    }

    /// The contents of `Fixtures/expected.json`, written by `scripts/make_npy_fixtures.py`.
    static func expectedValues() throws -> ExpectedFixtures {
        let data = try Data(contentsOf: URL(fileURLWithPath: try fixturePath(".", "expected.json")))
        return try JSONDecoder().decode(ExpectedFixtures.self, from: data)
    }

    /// `values` as exact bit patterns, to compare floats bit for bit (NaN payloads and -0.0 included).
    static func bits<Scalar: BLASScalar>(_ values: [Scalar]) -> [UInt64] {
        if let doubles = values as? [Double] { return doubles.map(\.bitPattern) }
        if let floats = values as? [Float] { return floats.map { UInt64($0.bitPattern) } }
        Issue.record("no bit patterns for \(Scalar.self)")
        return []
    }

    /// Whether two arrays agree bit for bit, except that any NaN matches any NaN
    /// (text formats write every NaN as `nan`).
    static func sameValues<Scalar: BLASScalar>(_ a: [Scalar], _ b: [Scalar]) -> Bool {
        let (aBits, bBits) = (bits(a), bits(b))
        return a.count == b.count && a.indices.allSatisfy { (a[$0].isNaN && b[$0].isNaN) || aBits[$0] == bBits[$0] }
    }

    /// `count` floats with random bit patterns: every sign, exponent, subnormal, ∞ and NaN payload.
    static func randomBitPatterns<Scalar: BLASScalar>(_ count: Int, _: Scalar.Type, seed: UInt64) -> [Scalar] {
        var generator = Xoshiro256StarStar(seed: seed)
        let words = (0..<count).map { _ in generator.next() }
        let floats = words.map { Float(bitPattern: UInt32(truncatingIfNeeded: $0)) }
        let doubles = words.map { Double(bitPattern: $0) }
        return (floats as? [Scalar]) ?? (doubles as? [Scalar]) ?? []
    }

    /// Seeded random finite values spread over many magnitudes, with the hard cases planted.
    static func awkwardValues<Scalar: BLASScalar>(_ count: Int, _: Scalar.Type, seed: UInt64) -> [Scalar] {
        var generator = Xoshiro256StarStar(seed: seed)
        let planted: [Scalar] = [-0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1 / 3, -.ulpOfOne, 0.1]
        return (0..<count).map { index in
            if index < planted.count { return planted[index] }
            let unit = Scalar(Double(generator.next() >> 11) * 0x1p-53) - 0.5
            let exponent = Int(generator.next() % 40) - 20
            return unit * Scalar.pow(10, Scalar(exponent))
        }
    }

    /// The `FileProblem` in a thrown `LinalgError.file`, for pattern matching.
    static func problem(_ body: () throws -> Void) -> FileProblem? {
        do {
            try body()
            return nil
        } catch let LinalgError.file(_, problem) {
            return problem
        } catch {
            return nil
        }
    }
}

/// `Fixtures/expected.json`.
struct ExpectedFixtures: Decodable {
    var npy: [String: ExpectedArray]
    var mtx: [String: ExpectedArray]
}

/// One fixture's expected contents (no values when Descent must reject it).
struct ExpectedArray: Decodable {
    var descr: String?
    var rows: Int?
    var columns: Int?
    /// Row-major elements as float64 bit patterns, 16 hex digits each.
    var float64: [String]?
    /// Row-major elements rounded to float32, as bit patterns, 8 hex digits each.
    var float32: [String]?

    var doubleBits: [UInt64] { (float64 ?? []).compactMap { UInt64($0, radix: 16) } }
    var floatBits: [UInt32] { (float32 ?? []).compactMap { UInt32($0, radix: 16) } }
}

// MARK: - Front door

@Suite("Matrix.load and save choose the format by extension")
struct MatrixFilesTests {
    let sample = Matrix<Double>([[1.5, -0.0, .leastNormalMagnitude / 7], [.pi, -2, 1e300]])

    @Test(
        "save then load round-trips bit-exactly in every format",
        arguments: [
            "m.npy", "m.csv", "m.tsv", "m.txt", "m.mtx", "UPPER.NPY", "dots.in.name.Csv",
        ])
    func roundTrip(name: String) throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            let path = directory + "/" + name
            try sample.save(to: path)
            let loaded = try Matrix<Double>.load(from: path)
            #expect(loaded.shape == sample.shape)
            #expect(FileTestSupport.bits(loaded.elements) == FileTestSupport.bits(sample.elements))
            let single = try Matrix<Float>.load(from: path)
            #expect(FileTestSupport.bits(single.elements) == FileTestSupport.bits(sample.elements.map { Float($0) }))
        }
    }

    @Test("the extension picks the writer")
    func formats() throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            for (name, start) in [
                ("a.csv", "1.5,-0.0,"), ("a.tsv", "1.5\t-0.0\t"), ("a.txt", "1.5\t-0.0\t"),
                ("a.mtx", "%%MatrixMarket matrix array real general\n2 3\n"),
            ] {
                try sample.save(to: directory + "/" + name)
                let text = String(decoding: try FileTestSupport.contents(of: directory + "/" + name), as: UTF8.self)
                #expect(text.hasPrefix(start), "\(name) starts with \(text.prefix(20).debugDescription)")
            }
            try sample.save(to: directory + "/a.npy")
            let numpy = try FileTestSupport.contents(of: directory + "/a.npy")
            #expect(Array(numpy.prefix(6)) == [0x93] + Array("NUMPY".utf8))
        }
    }

    @Test(
        "unknown or missing extensions are refused on load and save",
        arguments: [
            ("data.dat", "dat"), ("data", ""), ("archive.npz", "npz"), ("dir.npy/data.json", "json"), ("data.", ""),
        ])
    func unknownFormat(path: String, fileExtension: String) throws {
        let expected = LinalgError.file(path: path, problem: .unknownFormat(fileExtension: fileExtension))
        #expect(throws: expected) { try Matrix<Double>.load(from: path) }
        #expect(throws: expected) { try sample.save(to: path) }
    }

    @Test("loading a missing file reports the operating system's reason")
    func missingFile() throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            for name in ["absent.npy", "absent.csv", "absent.mtx"] {
                let problem = FileTestSupport.problem { _ = try Matrix<Float>.load(from: directory + "/" + name) }
                guard case .cannotOpen(let reason)? = problem else {
                    Issue.record("expected .cannotOpen, got \(String(describing: problem))")
                    continue
                }
                #expect(reason.contains("No such file or directory"))
            }
        }
    }

    @Test("loading a directory is refused, not read as empty")
    func directoryIsNotAFile() throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            let path = directory + "/folder.npy"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            let problem = FileTestSupport.problem { _ = try Matrix<Double>.load(from: path) }
            #expect(problem == .cannotOpen(reason: "it is a directory, not a file"))
        }
    }
}

// MARK: - Atomic writes

@Suite("AtomicFileWriter replaces files all or nothing")
struct AtomicFileWriterTests {
    @Test("replacing a file keeps its permissions (a private file stays private)")
    func permissionsKept() throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            let path = directory + "/secret.npy"
            try Matrix<Double>([[1]]).save(to: path)
            #expect(chmod(path, 0o600) == 0)
            try Matrix<Double>([[2]]).save(to: path)
            var status = stat()
            #expect(stat(path, &status) == 0)
            #expect(status.st_mode & 0o777 == 0o600)
            #expect(try Matrix<Double>.load(from: path) == Matrix([[2]]))
        }
    }

    @Test("a write replaces the old contents and leaves no temporary file")
    func replaces() throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            let path = try FileTestSupport.write("old contents", named: "target.bin", in: directory)
            try AtomicFileWriter.write([1, 2, 3], to: path)
            #expect(try FileTestSupport.contents(of: path) == [1, 2, 3])
            try AtomicFileWriter.write([], to: path)
            #expect(try FileTestSupport.contents(of: path) == [])
            #expect(try FileTestSupport.listing(of: directory) == ["target.bin"])
            #expect(try FileReader.bytes(at: path) == [])
        }
    }

    @Test("a failure after the temporary file is written leaves the old file and removes the temporary one")
    func failureBeforeRename() throws {
        struct InjectedFailure: Error {}
        try FileTestSupport.withScratchDirectory { directory throws in
            let path = try FileTestSupport.write("keep me", named: "target.npy", in: directory)
            var temporaryPath = ""
            #expect(throws: InjectedFailure.self) {
                try AtomicFileWriter.write(Array(repeating: 7, count: 100_000), to: path) { temporary in
                    temporaryPath = temporary
                    // The new bytes really were written, beside the target, before the failure.
                    #expect(try FileTestSupport.contents(of: temporary).count == 100_000)
                    throw InjectedFailure()
                }
            }
            #expect(temporaryPath.hasPrefix(directory + "/.target.npy.tmp-\(getpid())-"))
            #expect(String(decoding: try FileTestSupport.contents(of: path), as: UTF8.self) == "keep me")
            #expect(try FileTestSupport.listing(of: directory) == ["target.npy"])
        }
    }

    @Test("writing into a directory that does not exist fails cleanly", arguments: ["m.npy", "m.csv", "m.mtx"])
    func missingDirectory(name: String) throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            let path = directory + "/no/such/dir/" + name
            let problem = FileTestSupport.problem { try Matrix<Double>.identity(2).save(to: path) }
            guard case .cannotOpen(let reason)? = problem else {
                Issue.record("expected .cannotOpen, got \(String(describing: problem))")
                return
            }
            #expect(reason.contains("No such file or directory"))
            #expect(reason.contains(directory + "/no/such/dir"))
            #expect(try FileTestSupport.listing(of: directory) == [])
        }
    }

    @Test("a rename the OS refuses (target is a non-empty directory) leaves everything as it was")
    func renameRefused() throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            let target = directory + "/target.csv"
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
            _ = try FileTestSupport.write("inside", named: "file", in: target)
            _ = try FileTestSupport.write("1,2\n", named: "neighbour.csv", in: directory)
            let problem = FileTestSupport.problem { try Matrix<Float>.identity(3).save(to: target) }
            guard case .cannotOpen(let reason)? = problem else {
                Issue.record("expected .cannotOpen, got \(String(describing: problem))")
                return
            }
            #expect(reason.hasPrefix("cannot replace the file: "))
            #expect(try FileTestSupport.listing(of: directory) == ["neighbour.csv", "target.csv"])
            #expect(try FileTestSupport.listing(of: target) == ["file"])
            #expect(String(decoding: try FileTestSupport.contents(of: directory + "/neighbour.csv"), as: UTF8.self) == "1,2\n")
        }
    }

    @Test("whole-file reads do not trust the reported size: a pipe reports 0 bytes")
    func unreportedSize() throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            let path = directory + "/pipe.npy"
            try #require(mkfifo(path, 0o600) == 0)
            let payload = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
            let writer = Thread {
                guard let handle = FileHandle(forWritingAtPath: path) else { return }
                handle.write(Data(payload))
                try? handle.close()
            }
            writer.start()
            #expect(try FileReader.bytes(at: path) == payload, "several 64 KiB reads after the sized one")
        }
    }

    @Test("large files arrive whole")
    func largeRead() throws {
        try FileTestSupport.withScratchDirectory { directory throws in
            let bytes = (0..<3_000_001).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
            let path = directory + "/big.bin"
            try AtomicFileWriter.write(bytes, to: path)
            #expect(try FileReader.bytes(at: path) == bytes)
            #expect(try FileTestSupport.contents(of: path) == bytes)
        }
    }

    @Test("temporary names are hidden, unique and in the target's directory")
    func temporaryNames() {
        let first = AtomicFileWriter.temporaryPath(for: "/data/run/m.npy")
        let second = AtomicFileWriter.temporaryPath(for: "/data/run/m.npy")
        #expect(first.hasPrefix("/data/run/.m.npy.tmp-\(getpid())-"))
        #expect(first != second)
        #expect(AtomicFileWriter.temporaryPath(for: "m.npy").hasPrefix(".m.npy.tmp-"))
        let long = AtomicFileWriter.temporaryPath(for: "/data/" + String(repeating: "é", count: 120) + ".npy")
        #expect(long.utf8.count - "/data/".utf8.count <= 255)
        #expect(AtomicFileWriter.directory(of: "m.npy") == ".")
        #expect(AtomicFileWriter.directory(of: "/m.npy") == "/")
        #expect(AtomicFileWriter.directory(of: "a/b/m.npy") == "a/b")
    }
}
