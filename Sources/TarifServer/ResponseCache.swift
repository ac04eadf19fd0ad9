import Hummingbird
import NIOCore
import Synchronization

/// Answers already given, kept by the request's cache key (the data's tag, the API version,
/// the request URI and, when the request names no date, today's date: the same key as the
/// ETag's). An answer depends on nothing else, so a repeated question is answered from
/// memory; a data build changes the tag and the old answers age out.
///
/// Bounded in bytes, in two generations: when the newer one is full it becomes the older one
/// and the older one is dropped; a hit in the older one moves the answer back.
public final class ResponseCache: Sendable {
    struct Entry: Sendable {
        var body: ByteBuffer
        var gzipped: ByteBuffer?
        var contentType: String
        /// The route that answered (for metrics and the access log of answers given from here).
        var route: String
        var size: Int { body.readableBytes + (gzipped?.readableBytes ?? 0) + 64 }
    }

    private struct State: ~Copyable {
        var newer: [String: Entry] = [:]
        var older: [String: Entry] = [:]
        var newerBytes = 0
        var hits = 0
        var misses = 0
    }

    public let capacity: Int
    private let state = Mutex(State())

    /// - Parameter capacity: bytes kept (both generations together).
    public init(capacity: Int) { self.capacity = capacity }

    func find(_ key: String) -> Entry? {
        state.withLock { s in
            if let hit = s.newer[key] {
                s.hits += 1
                return hit
            }
            guard let hit = s.older.removeValue(forKey: key) else {
                s.misses += 1
                return nil
            }
            s.hits += 1
            Self.insert(hit, for: key, into: &s, generation: capacity / 2)
            return hit
        }
    }

    func insert(_ entry: Entry, for key: String) {
        guard entry.size <= capacity / 8 else { return }  // a huge answer would push out many small ones
        state.withLock { Self.insert(entry, for: key, into: &$0, generation: capacity / 2) }
    }

    private static func insert(_ entry: Entry, for key: String, into s: inout State, generation: Int) {
        if s.newerBytes + entry.size > generation {
            s.older = s.newer
            s.newer = [:]
            s.newerBytes = 0
        }
        s.newerBytes += entry.size - (s.newer[key]?.size ?? 0)
        s.newer[key] = entry
    }

    /// Answers kept, hits and misses so far (for `/metrics`).
    public var statistics: (entries: Int, hits: Int, misses: Int) {
        state.withLock { ($0.newer.count + $0.older.count, $0.hits, $0.misses) }
    }
}
