public import Foundation
import CompressNIO
public import Hummingbird
import HTTPTypes
public import NIOCore
import NIOHTTP1
import NIOPosix
import TarifCore
import TarifKit
import Synchronization

/// The request context of every route: Hummingbird's core storage and the peer's address
/// (for per-client rate limits and access logs).
public struct TarifRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    public var maxUploadSize: Int { TarifAPI.maxBody }
}

/// What a response may be encoded with, set per request by ``ConditionalMiddleware`` and read
/// by ``JSON/response(_:status:)`` and the page routes.
enum ResponseEncoding {
    @TaskLocal static var acceptsGzip = false
    /// Where ``JSON/raw(_:contentType:status:)`` keeps a successful answer, and under which key.
    @TaskLocal static var cache: (cache: ResponseCache, key: String, route: String)?
    /// Bodies shorter than this are sent as they are (gzip would not pay).
    static let gzipThreshold = 1_024

    /// The body gzip-compressed, when it is long enough to gain from it and compresses.
    static func gzipped(_ body: ByteBuffer) -> ByteBuffer? {
        guard body.readableBytes >= gzipThreshold else { return nil }
        var input = body
        return try? input.compress(with: .gzip())
    }
}

/// Who is asking: the peer's IP address, or the first `X-Forwarded-For` address when the
/// server is told it sits behind a proxy it trusts.
func clientKey(_ request: Request, _ context: TarifRequestContext, trustForwardedFor: Bool) -> String {
    clientKey(headers: request.headers, peer: context.remoteAddress?.ipAddress, trustForwardedFor: trustForwardedFor)
}

/// ``clientKey(_:_:trustForwardedFor:)`` from a request's headers and the peer's address.
func clientKey(headers: HTTPFields, peer: String?, trustForwardedFor: Bool) -> String {
    clientKey(forwardedFor: headers[.xForwardedFor], peer: peer, trustForwardedFor: trustForwardedFor)
}

/// ``clientKey(_:_:trustForwardedFor:)`` from the `X-Forwarded-For` value and the peer's address.
func clientKey(forwardedFor: String?, peer: String?, trustForwardedFor: Bool) -> String {
    if trustForwardedFor, let forwardedFor, let first = forwardedFor.split(separator: ",").first {
        return first.trimmingCharacters(in: .whitespaces)
    }
    return peer ?? "unknown"
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let rateLimitLimit = Self("RateLimit-Limit")!
    static let rateLimitRemaining = Self("RateLimit-Remaining")!
}

/// Counts and times every request (Prometheus at `/metrics`) and writes one access-log line
/// per request as JSON: time, client, method, path, route, status, bytes, milliseconds.
struct ObservabilityMiddleware: RouterMiddleware {
    let metrics: ServiceMetrics
    let log: AccessLog?
    let trustForwardedFor: Bool

    func handle(_ request: Request, context: TarifRequestContext, next: (Request, TarifRequestContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        metrics.begin()
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            // The error middleware inside answers every error; this is a last resort.
            response = JSON.response(APIErrorBody(error: .init(code: "internal", message: "\(error)", field: nil)), status: .internalServerError)
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let route = context.endpointPath ?? "NotFound"
        metrics.finished(method: request.method.rawValue, route: route, status: response.status.code, seconds: seconds)
        if let log {
            log.write(AccessLog.Entry(
                time: Date(), client: clientKey(request, context, trustForwardedFor: trustForwardedFor), method: request.method.rawValue,
                path: request.uri.path, query: request.uri.query, route: route, status: response.status.code,
                bytes: response.body.contentLength, milliseconds: seconds * 1000, userAgent: request.headers[.userAgent]))
        }
        return response
    }
}

/// A token bucket per client: `rate` requests a second on average, bursts up to `burst`.
/// Beyond it: 429 with `Retry-After`. Health and metrics are not limited.
struct RateLimitMiddleware: RouterMiddleware {
    let limiter: RateLimiter
    let trustForwardedFor: Bool

    func handle(_ request: Request, context: TarifRequestContext, next: (Request, TarifRequestContext) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/healthz" || path == "/metrics" { return try await next(request, context) }
        let key = clientKey(request, context, trustForwardedFor: trustForwardedFor)
        switch limiter.take(key, now: ContinuousClock.now) {
        case .allowed(let remaining):
            var response = try await next(request, context)
            limiter.describe(remaining: remaining, in: &response.headers)
            return response
        case .refused(let retryAfter):
            throw HTTPError(
                .tooManyRequests, headers: [.retryAfter: String(retryAfter), .rateLimitLimit: String(limiter.burst), .rateLimitRemaining: "0"],
                message: "too many requests from \(key): at most \(limiter.rate) a second (bursts of \(limiter.burst)); retry in \(retryAfter) s")
        }
    }
}

/// Per-client token buckets. Buckets that have filled up again are forgotten when the
/// table grows, so memory stays bounded by the clients of the last few seconds.
final class RateLimiter: Sendable {
    enum Decision: Equatable {
        case allowed(remaining: Int)
        case refused(retryAfter: Int)
    }
    /// The `RateLimit-Limit` and `RateLimit-Remaining` headers of an allowed request.
    func describe(remaining: Int, in fields: inout HTTPFields) {
        fields[.rateLimitLimit] = String(burst)
        fields[.rateLimitRemaining] = String(remaining)
    }

    /// ``describe(remaining:in:)`` in NIO's HTTP/1 headers (answers given on the event loop).
    func describe(remaining: Int, in headers: inout HTTPHeaders) {
        headers.add(name: HTTPField.Name.rateLimitLimit.rawName, value: String(burst))
        headers.add(name: HTTPField.Name.rateLimitRemaining.rawName, value: String(remaining))
    }

    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }
    let rate: Double
    let burst: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    init(rate: Double, burst: Int) {
        self.rate = rate
        self.burst = max(1, burst)
    }

    func take(_ key: String, now: ContinuousClock.Instant) -> Decision {
        buckets.withLock { table in
            if table.count > 50_000 {
                table = table.filter { Self.tokens($0.value, now: now, rate: rate, burst: burst) < Double(burst) }
            }
            var bucket = table[key] ?? Bucket(tokens: Double(burst), updated: now)
            bucket.tokens = Self.tokens(bucket, now: now, rate: rate, burst: burst)
            bucket.updated = now
            guard bucket.tokens >= 1 else {
                table[key] = bucket
                return .refused(retryAfter: max(1, Int(((1 - bucket.tokens) / rate).rounded(.up))))
            }
            bucket.tokens -= 1
            table[key] = bucket
            return .allowed(remaining: Int(bucket.tokens))
        }
    }

    static func tokens(_ b: Bucket, now: ContinuousClock.Instant, rate: Double, burst: Int) -> Double {
        let d = now - b.updated
        let seconds = Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
        return min(Double(burst), b.tokens + seconds * rate)
    }
}

/// ETags and compression. Answers from the data (every GET under `/v1`, the OpenAPI document
/// and the page) carry a weak ETag made of the data's tag, the binary's version, the request
/// URI and, when the request names no date, today's date; a matching `If-None-Match` is
/// answered 304 before any work. `Accept-Encoding: gzip` lets the body be compressed.
struct ConditionalMiddleware: RouterMiddleware {
    let dataTag: @Sendable () -> String
    let cache: ResponseCache?

    func handle(_ request: Request, context: TarifRequestContext, next: (Request, TarifRequestContext) async throws -> Response) async throws -> Response {
        let gzip = request.headers[.acceptEncoding].map(Self.acceptsGzip) ?? false
        let path = request.uri.path
        guard request.method == .get || request.method == .head, path.hasPrefix("/v1/") && !path.hasPrefix("/v1/admin/") || path == "/openapi.json" || path == "/" || path.hasPrefix("/page/") else {
            return try await ResponseEncoding.$acceptsGzip.withValue(gzip) { try await next(request, context) }
        }
        let key = Self.key(dataTag: dataTag(), uri: request.uri.description, namesDay: request.uri.queryParameters["on"] != nil)
        let etag = Self.etag(key)
        if Self.matches(request.headers[.ifNoneMatch], etag) {
            return Response(status: .notModified, headers: Self.notModifiedHeaders(etag))
        }
        let headers: HTTPFields = [.eTag: etag, .cacheControl: "no-cache"]
        guard let cache, request.method == .get, path.hasPrefix("/v1/") else {
            var response = try await ResponseEncoding.$acceptsGzip.withValue(gzip) { try await next(request, context) }
            if response.status == .ok { response.headers.append(contentsOf: headers) }
            return response
        }
        if let hit = cache.find(key) {
            let (fields, body) = Self.answer(hit, key: key, etag: etag, gzip: gzip, cache: cache)
            return Response(status: .ok, headers: fields, body: .init(byteBuffer: body))
        }
        var response = try await ResponseEncoding.$acceptsGzip.withValue(gzip) {
            try await ResponseEncoding.$cache.withValue((cache, key, context.endpointPath ?? path)) { try await next(request, context) }
        }
        if response.status == .ok {
            response.headers[.eTag] = etag
            response.headers[.cacheControl] = "no-cache"
        }
        return response
    }

    /// The key of a question's answer (and of its ETag): the data's tag, the API version, the
    /// request URI and, when the request names no day, today's date.
    static func key(dataTag: String, uri: String, namesDay: Bool) -> String {
        var key = "\(dataTag)|\(TarifAPI.version)|\(uri)"
        if !namesDay { key += "|\(Day.today())" }
        return key
    }

    static func etag(_ key: String) -> String { "W/\"\(DutyService.digest(key))\"" }

    /// Whether `If-None-Match` names the ETag (or `*`).
    static func matches(_ ifNoneMatch: String?, _ etag: String) -> Bool {
        guard let ifNoneMatch else { return false }
        return ifNoneMatch.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == etag || $0 == "*" }
    }

    static func notModifiedHeaders(_ etag: String) -> HTTPFields {
        [.eTag: etag, .cacheControl: "no-cache", .vary: "Accept-Encoding"]
    }

    /// A kept answer's headers and body, gzip-compressed when the client accepts it (the
    /// compressed body is made once and kept).
    static func answer(_ hit: ResponseCache.Entry, key: String, etag: String, gzip: Bool, cache: ResponseCache?) -> (HTTPFields, ByteBuffer) {
        let (fields, body) = answerHeaders(hit, key: key, etag: etag, gzip: gzip, cache: cache)
        var typed = HTTPFields()
        for (name, value) in fields { typed.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return (typed, body)
    }

    /// ``answer(_:key:etag:gzip:cache:)`` with the headers in NIO's HTTP/1 form (for
    /// ``CachedAnswerHandler``, which writes them without converting).
    static func answerHeaders(_ hit: ResponseCache.Entry, key: String, etag: String, gzip: Bool, cache: ResponseCache?) -> (HTTPHeaders, ByteBuffer) {
        var hit = hit
        if gzip, hit.gzipped == nil, let compressed = ResponseEncoding.gzipped(hit.body) {
            hit.gzipped = compressed
            cache?.insert(hit, for: key)
        }
        let compressed = gzip && hit.gzipped != nil
        var fields = HTTPHeaders()
        fields.reserveCapacity(10)
        fields.add(name: "Content-Type", value: hit.contentType)
        fields.add(name: "Vary", value: "Accept-Encoding")
        if compressed { fields.add(name: "Content-Encoding", value: "gzip") }
        fields.add(name: "ETag", value: etag)
        fields.add(name: "Cache-Control", value: "no-cache")
        return (fields, compressed ? hit.gzipped! : hit.body)
    }

    /// Whether an `Accept-Encoding` value accepts gzip (and does not refuse it with q=0).
    static func acceptsGzip(_ header: String) -> Bool {
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let name = parts.first, name == "gzip" || name == "*" else { continue }
            let q = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return q > 0
        }
        return false
    }
}

/// Runs long work (a batch, a ranking over every market) under the server's time limit:
/// past `seconds` the client gets 503 `timeout`. A computation cannot be stopped in the
/// middle; its result is then dropped.
func withTimeLimit<T: Sendable>(_ seconds: Double, _ work: @Sendable @escaping () throws -> T) async throws -> T {
    return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let once = Once()
        let timer = Task {
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            if !Task.isCancelled, once.claim() {
                continuation.resume(throwing: TarifError(.timeout, "the request took longer than the server's limit of \(seconds) s"))
            }
        }
        // The work blocks (it reads the store): on NIO's thread pool, not on one of the few
        // threads Swift's tasks share, which the other requests need meanwhile.
        Task.detached {
            let result: Result<T, any Error>
            do { result = .success(try await NIOThreadPool.singleton.runIfActive(work)) } catch { result = .failure(error) }
            timer.cancel()
            if once.claim() { continuation.resume(with: result) }
        }
    }
}

/// True for the first caller only.
private final class Once: Sendable {
    let done = Mutex(false)
    func claim() -> Bool { done.withLock { d in defer { d = true }; return !d } }
}


/// Access-log lines (JSON, one per request) written to a file handle.
public final class AccessLog: Sendable {
    struct Entry: Encodable {
        var time: Date
        var client: String
        var method: String
        var path: String
        var query: String?
        var route: String
        var status: Int
        var bytes: Int?
        var milliseconds: Double
        var userAgent: String?
    }
    /// The log's file and the lines not written to it yet.
    private struct Pending: ~Copyable {
        var handle: FileHandle
        var bytes: [UInt8] = []
    }
    private let pending: Mutex<Pending>
    /// Lines are written when this many bytes wait.
    static let bufferBytes = 32_768

    /// A log written to `handle` at most `interval` after each line (a write per request would
    /// put a system call on every answer's path): when enough lines wait, by a task every
    /// `interval`, and by ``flush()``.
    public init(handle: FileHandle, interval: Duration = .milliseconds(250)) {
        pending = Mutex(Pending(handle: handle))
        Task.detached { [weak self] in
            while true {
                try? await Task.sleep(for: interval)
                guard let log = self else { return }
                log.flush()
            }
        }
    }

    deinit { flush() }

    func write(_ entry: Entry) {
        var line = Self.line(entry)
        line.append(0x0A)
        pending.withLock { p in
            p.bytes += line
            if p.bytes.count >= Self.bufferBytes { Self.write(&p) }
        }
    }

    /// Writes the lines waiting.
    public func flush() {
        pending.withLock { p in if !p.bytes.isEmpty { Self.write(&p) } }
    }

    private static func write(_ p: inout Pending) {
        p.handle.write(Data(p.bytes))
        p.bytes.removeAll(keepingCapacity: true)
    }

    /// One JSON object, keys sorted, written by hand as UTF-8 bytes: the log is on every
    /// request's path, and a general encoder (or building a String) would cost more than the
    /// answers given from memory.
    static func line(_ e: Entry) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(192 + e.path.utf8.count + (e.query?.utf8.count ?? 0) + (e.userAgent?.utf8.count ?? 0))
        func raw(_ s: StaticString) { out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)) }
        func number(_ n: Int) { out.append(contentsOf: String(n).utf8) }
        raw("{")
        if let bytes = e.bytes { raw("\"bytes\":"); number(bytes); raw(",") }
        raw("\"client\":"); quote(e.client, into: &out)
        raw(",\"method\":"); quote(e.method, into: &out)
        let micro = Int((e.milliseconds * 1000).rounded())
        raw(",\"milliseconds\":"); number(micro / 1000); raw("."); digits(micro % 1000, 3, into: &out)
        raw(",\"path\":"); quote(e.path, into: &out)
        if let query = e.query { raw(",\"query\":"); quote(query, into: &out) }
        raw(",\"route\":"); quote(e.route, into: &out)
        raw(",\"status\":"); number(e.status)
        raw(",\"time\":\""); iso8601(e.time, into: &out); raw("\"")
        if let agent = e.userAgent { raw(",\"userAgent\":"); quote(agent, into: &out) }
        raw("}")
        return out
    }

    /// A JSON string: quotes, backslashes and control characters escaped, other UTF-8 as it is.
    static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        for byte in s.utf8 {
            switch byte {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, 0x6E])
            case 0x0D: out.append(contentsOf: [0x5C, 0x72])
            case 0x09: out.append(contentsOf: [0x5C, 0x74])
            case ..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                digits(Int(byte), 2, radix: 16, into: &out)
            default: out.append(byte)
            }
        }
        out.append(0x22)
    }

    /// `n` in `width` digits, zero-padded (n < radix^width), written in place.
    static func digits(_ n: Int, _ width: Int, radix: Int = 10, into out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(0x30, count: width))
        var n = n
        for i in stride(from: start + width - 1, through: start, by: -1) {
            let d = UInt8(n % radix)
            out[i] = d < 10 ? 0x30 + d : 0x61 + d - 10
            n /= radix
        }
    }

    /// `2026-12-01T04:37:25Z`, in UTC.
    static func iso8601(_ date: Date, into out: inout [UInt8]) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var t = tm()
        gmtime_r(&seconds, &t)
        digits(Int(t.tm_year) + 1900, 4, into: &out); out.append(0x2D)
        digits(Int(t.tm_mon) + 1, 2, into: &out); out.append(0x2D)
        digits(Int(t.tm_mday), 2, into: &out); out.append(0x54)
        digits(Int(t.tm_hour), 2, into: &out); out.append(0x3A)
        digits(Int(t.tm_min), 2, into: &out); out.append(0x3A)
        digits(Int(t.tm_sec), 2, into: &out); out.append(0x5A)
    }
}

/// Answers a question again, once, after reloading, when it was read against data a load
/// replaced meanwhile (``TarifCore/TarifError/Code/staleData``): while `tarif data build`
/// writes to the store a server reads, every answer comes from one complete state of the
/// data, the one before or the one after, never from a mix.
struct StaleDataMiddleware<Context: RequestContext>: RouterMiddleware {
    let reload: @Sendable () throws -> Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as TarifError where error.code == .staleData && (request.method == .get || request.method == .head) {
            _ = try reload()
            return try await next(request, context)
        }
    }
}
