// OutputFile: every file a program writes goes through one atomic path.

import DescentLinalg
import Foundation

/// Text outputs (CSV, JSON, tables) written all-or-nothing: a temporary file
/// beside the target, flushed, then renamed into place.
public enum OutputFile {
    /// Replaces or creates `path` with `text`.
    /// - Throws: `LinalgError.file(path:problem:)` with the operating system's reason.
    public static func write(_ text: String, to path: String) throws {
        try AtomicFileWriter.write(Array(text.utf8), to: path)
    }

    /// Replaces or creates `path` with `bytes`.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        try AtomicFileWriter.write(bytes, to: path)
    }
}

extension OutputFile {
    /// Pretty, key-sorted JSON with a final newline, the one format every program writes:
    /// ±∞ and NaN (JSON has no such numbers) become the strings "Infinity", "-Infinity" and "NaN",
    /// which Python's `float()` and JavaScript's `Number()` read back.
    /// - Throws: the encoder's error for a value that cannot be encoded.
    public static func jsonText<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
    }

    /// Writes `value` as ``jsonText(_:)`` to `path`, atomically.
    public static func writeJSON<Value: Encodable>(_ value: Value, to path: String) throws {
        try write(try jsonText(value), to: path)
    }
}
