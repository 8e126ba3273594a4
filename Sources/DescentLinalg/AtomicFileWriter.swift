// AtomicFileWriter: how every matrix file meets the disk — all-or-nothing
// writes, and whole-file reads.
//
// Design note. A save must never leave a half-written file where a good one
// was: the bytes go to a temporary file in the same directory (so the final
// rename(2) stays on one file system and is atomic), are flushed with fsync(2),
// and only then replace the target. Any failure removes the temporary file and
// reports the operating system's own words (strerror) as
// `FileProblem.cannotOpen(reason:)`. Plain POSIX calls keep Foundation out of
// the lowest layer.

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// MARK: - Writing

/// Writes whole files atomically: readers see the old file or the new one, never a mix.
///
/// `package` so that the other targets of this package (DescentPlot's figures)
/// write through it too; it is not part of the public API.
package enum AtomicFileWriter {
    /// Replaces (or creates) the file at `path` with `bytes`.
    ///
    /// The bytes go to `.<name>.tmp-<pid>-<random>` beside the target, are
    /// flushed to disk, then renamed over the target. On failure the temporary
    /// file is removed and an existing target is left as it was.
    /// - Parameters:
    ///   - bytes: the complete new contents.
    ///   - path: the file to replace or create.
    ///   - beforeRename: called with the temporary file's path after it is
    ///     written and flushed, just before the rename; tests use it to inject
    ///     a failure. An error it throws aborts the write like any other.
    /// - Throws: `LinalgError.file(path:problem: .cannotOpen(reason:))` naming the failed step.
    package static func write(
        _ bytes: [UInt8], to path: String,
        beforeRename: (_ temporaryPath: String) throws -> Void = { _ in }
    ) throws {
        let temporaryPath = temporaryPath(for: path)
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw failure(path, "cannot create a temporary file in '\(directory(of: path))'", errno)
        }
        var isOpen = true
        do {
            // Replacing a file keeps its permissions: a 0600 file must not become world-readable.
            var existing = stat()
            if stat(path, &existing) == 0, fchmod(descriptor, existing.st_mode & 0o7777) != 0 {
                throw failure(path, "cannot give the new file the old one's permissions", errno)
            }
            try writeAll(bytes, to: descriptor, path: path)
            guard fsync(descriptor) == 0 else { throw failure(path, "cannot flush the file to disk", errno) }
            isOpen = false
            guard close(descriptor) == 0 else { throw failure(path, "cannot close the file", errno) }
            try beforeRename(temporaryPath)
            guard rename(temporaryPath, path) == 0 else {
                throw failure(path, "cannot replace the file", errno)
            }
        } catch {
            if isOpen { _ = close(descriptor) }
            _ = unlink(temporaryPath)
            throw error
        }
        syncDirectory(of: path)
    }

    /// `dir/.name.tmp-<pid>-<random>`: hidden, unique, and on the target's file system.
    ///
    /// Long names are shortened so the temporary name stays within the usual
    /// 255-byte limit of a file name.
    static func temporaryPath(for path: String) -> String {
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        let shortName = String(decoding: name.utf8.prefix(200), as: UTF8.self)
        let random = String(UInt64.random(in: 0...UInt64.max), radix: 16)
        return "\(path.dropLast(name.count)).\(shortName).tmp-\(getpid())-\(random)"
    }

    /// The directory holding `path` (`.` for a bare file name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// Flushes the directory entry so the rename itself survives a crash; best effort.
    private static func syncDirectory(of path: String) {
        let descriptor = open(directory(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        _ = close(descriptor)
    }
}

// MARK: - Reading

/// Reads whole files into memory.
enum FileReader {
    /// Reads the file at `path` and decodes it, attaching the path to any problem the decoder reports.
    /// - Throws: `LinalgError.file(path:problem:)`.
    static func decode<Result>(
        _ path: String, with decoder: ([UInt8]) throws(FileProblemError) -> Result
    ) throws -> Result {
        let contents = try bytes(at: path)
        do {
            return try decoder(contents)
        } catch {
            throw LinalgError.file(path: path, problem: error.problem)
        }
    }

    /// The complete contents of the file at `path`.
    /// - Parameter path: a regular file (or anything `read(2)` can drain, such as a pipe).
    /// - Throws: `LinalgError.file(path:problem: .cannotOpen(reason:))` when the file is
    ///   missing, unreadable, a directory, or a read fails.
    static func bytes(at path: String) throws -> [UInt8] {
        try read(path, atMost: nil).bytes
    }

    /// The first `maximumBytes` bytes of the file at `path` (all of it when `nil`), and its size from `fstat`.
    /// - Throws: as ``bytes(at:)``.
    static func read(_ path: String, atMost maximumBytes: Int?) throws -> (bytes: [UInt8], size: Int) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(path, "cannot open the file for reading", errno) }
        defer { _ = close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw failure(path, "cannot read the file's status", errno) }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw LinalgError.file(path: path, problem: .cannotOpen(reason: "it is a directory, not a file"))
        }
        // Read straight into uninitialized storage sized from fstat; one byte more
        // shows whether the file ended there or grew (or is a pipe) and needs more reads.
        var readError: Int32 = 0
        let size = max(Int(status.st_size), 0)
        let requested = maximumBytes.map { min(size, $0) } ?? size + 1
        var bytes = [UInt8](unsafeUninitializedCapacity: requested) { buffer, count in
            count = readAll(descriptor, into: UnsafeMutableRawBufferPointer(buffer), error: &readError)
        }
        if maximumBytes == nil && readError == 0 && bytes.count == requested {
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let received = chunk.withUnsafeMutableBytes { readAll(descriptor, into: $0, error: &readError) }
                bytes.append(contentsOf: chunk[..<received])
                if readError != 0 || received < chunk.count { break }
            }
        }
        guard readError == 0 else { throw failure(path, "cannot read the file", readError) }
        return (bytes, size)
    }
}

// MARK: - System-call helpers

/// Writes every byte to `descriptor`, retrying after interruptions and short writes.
private func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws {
    try bytes.withUnsafeBytes { buffer in
        guard let base = buffer.baseAddress else { return }
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, base + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw failure(path, "cannot write the file", errno)
            }
            offset += written
        }
    }
}

/// Reads until `buffer` is full or the file ends; returns the byte count, setting `error` on failure.
private func readAll(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, error: inout Int32) -> Int {
    guard let base = buffer.baseAddress else { return 0 }
    var count = 0
    while count < buffer.count {
        let received = read(descriptor, base + count, buffer.count - count)
        if received < 0 {
            if errno == EINTR { continue }
            error = errno
            return count
        }
        if received == 0 { break }
        count += received
    }
    return count
}

/// `.cannotOpen` with `what` went wrong and the operating system's explanation of `code`.
private func failure(_ path: String, _ what: String, _ code: Int32) -> LinalgError {
    .file(path: path, problem: .cannotOpen(reason: "\(what): \(String(cString: strerror(code)))"))
}
