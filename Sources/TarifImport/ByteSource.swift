import TarifZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TarifCore

/// Reads a file in chunks, gunzipping it on the way when it is gzip-compressed
/// (zlib reads plain files unchanged), and hashes every byte it hands out.
public final class ByteSource {
    public let path: String
    /// The name used in error messages: the path relative to the data directory.
    public let displayName: String
    private let file: gzFile
    private var hasher = SHA256()
    /// Whether bytes are hashed as they are read (a batch's input is read, not recorded).
    private let hashing: Bool
    private var closed = false
    /// Bytes of the file as read so far (uncompressed).
    public private(set) var bytesRead = 0
    /// The size of the file on disk, for progress (compressed size for .gz files).
    public let sizeOnDisk: Int

    /// The most bytes handed out (after gunzipping); more is an error, so a small compressed
    /// file cannot inflate into unbounded work. `nil`: no bound (the project's own data files).
    public let maxBytes: Int?

    /// - Parameters:
    ///   - hashing: false for a file whose content hash is never asked (``finishHash()`` then throws).
    ///   - maxBytes: the most uncompressed bytes read before ``read(capacity:)`` throws `.tooLarge`.
    public init(path: String, displayName: String? = nil, hashing: Bool = true, maxBytes: Int? = nil) throws {
        self.path = path
        self.hashing = hashing
        self.maxBytes = maxBytes
        self.displayName = displayName ?? path
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw TarifError(.io, "cannot open: no such file", at: SourceLocation(file: displayName ?? path))
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else {
            throw TarifError(.io, "cannot open: not a regular file", at: SourceLocation(file: displayName ?? path))
        }
        sizeOnDisk = Int(info.st_size)
        guard let f = gzopen(path, "rb") else {
            throw TarifError(.io, "cannot open for reading", at: SourceLocation(file: displayName ?? path))
        }
        file = f
        gzbuffer(f, 1 << 17)
    }

    deinit { close() }

    /// The next chunk of up to `capacity` bytes; empty at the end of the file.
    /// - Throws: ``TarifError`` `.truncated` when a compressed stream ends early or is corrupt.
    public func read(capacity: Int = 1 << 18) throws -> [UInt8] {
        guard !closed else { return [] }
        var chunk = [UInt8](repeating: 0, count: capacity)
        let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32(capacity)) }
        if n < 0 {
            var code: Int32 = 0
            let message = gzerror(file, &code).map { String(cString: $0) } ?? "read error"
            throw TarifError(.truncated, "the file is corrupt or cut short (\(message))", at: SourceLocation(file: displayName))
        }
        if n == 0 {
            // zlib reports a gzip stream cut short only through gzerror at the end.
            var code: Int32 = 0
            _ = gzerror(file, &code)
            if code == Z_BUF_ERROR {
                throw TarifError(.truncated, "the compressed file ends in the middle of its data", at: SourceLocation(file: displayName))
            }
        }
        chunk.removeLast(capacity - Int(n))
        if hashing { hasher.update(chunk) }
        bytesRead += Int(n)
        if let maxBytes, bytesRead > maxBytes {
            close()
            throw TarifError(
                .tooLarge, "the content is larger than \(maxBytes >> 20) MiB once uncompressed; send less", at: SourceLocation(file: displayName))
        }
        return chunk
    }

    /// The compressed offset reached, for progress against `sizeOnDisk`.
    public var offsetOnDisk: Int { Int(gzoffset(file)) }

    /// Reads the rest of the file and returns the SHA-256 of all its (uncompressed) bytes.
    public func finishHash() throws -> String {
        guard hashing else { throw TarifError(.io, "the file was opened without hashing its content", at: SourceLocation(file: displayName)) }
        while try !read().isEmpty {}
        return hasher.finalizeHex()
    }

    public func close() {
        if !closed {
            gzclose(file)
            closed = true
        }
    }

    /// The SHA-256 of a file's bytes as stored (compressed ones not inflated): the cheap
    /// identity of a file already known, where the content hash would inflate it all.
    public static func storedHash(of path: String, displayName: String? = nil) throws -> String {
        guard let f = fopen(path, "rb") else {
            throw TarifError(.io, "cannot open for reading", at: SourceLocation(file: displayName ?? path))
        }
        defer { fclose(f) }
        var hasher = SHA256()
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            if n == 0 { break }
            hasher.update(chunk[0..<n])
        }
        guard ferror(f) == 0 else { throw TarifError(.io, "read error", at: SourceLocation(file: displayName ?? path)) }
        return hasher.finalizeHex()
    }

    /// The SHA-256 of a file's (uncompressed) content, read in chunks.
    public static func contentHash(of path: String, displayName: String? = nil) throws -> String {
        let source = try ByteSource(path: path, displayName: displayName)
        defer { source.close() }
        return try source.finishHash()
    }

    /// The SHA-256 of a publication that is a directory of files: each file's name and the
    /// hash of its content, in the order given.
    public static func contentHash(ofFiles files: [(name: String, path: String, display: String)]) throws -> String {
        var hasher = SHA256()
        for f in files {
            hasher.update(Array(f.name.utf8))
            hasher.update(Array(try contentHash(of: f.path, displayName: f.display).utf8))
        }
        return hasher.finalizeHex()
    }
}

extension ByteSource {
    /// The file `name` in the directory of `path`, and its name as users see it (in the
    /// directory of `displayName`): a publication spread over files read beside its first.
    public static func beside(_ name: String, of path: String, displayName: String) -> (path: String, display: String) {
        func join(_ file: String) -> String {
            let directory = file.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            return directory.isEmpty ? name : directory + "/" + name
        }
        return (join(path), join(displayName))
    }

    /// ``beside(_:of:displayName:)`` for a regular file there, `name` or else `name.gz`;
    /// nil when there is neither.
    public static func existing(_ name: String, besides path: String, displayName: String) -> (path: String, display: String)? {
        for candidate in [name, name + ".gz"] {
            let found = beside(candidate, of: path, displayName: displayName)
            var info = stat()
            if stat(found.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG { return found }
        }
        return nil
    }
}

