// OutputFile: every file a program writes goes through one atomic path.

import DescentLinalg

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
