import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import TarifCore

/// Answers a duty question, or a question already answered (a GET under `/v1` whose answer
/// the response cache keeps), on the connection's event loop, before the request reaches
/// Hummingbird's router: the router's per-request tasks cost more than the answer.
///
/// It sits right after NIO's HTTP/1 decoder, in front of the conversion to HTTP types (and of
/// ``HTTPVersionHandler``), so an answer given here is read and written in NIO's own HTTP/1
/// types with no conversion either way; its head still goes through NIO's response encoder,
/// which pairs each answer with its request's method.
///
/// Everything else goes on to the router: other methods and paths, questions with an error,
/// a line still to be read from the store, an HTTP/1.0 request that does not keep the
/// connection, a request asking to close it, and any request while an earlier one on the
/// connection is still being answered by the router (HTTP/1.1 pipelining keeps answers in
/// order). The answers are those the router would give: the same body, ETag (304 on
/// `If-None-Match`), gzip, rate limit (a refused client goes on to the router, which answers
/// 429), `Date`, metrics and access log.
///
/// It also closes connections idle for the idle timeout, since the router's own timer does
/// not see the requests answered here.
final class CachedAnswerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let api: TarifAPI
    private let idleTimeout: TimeAmount
    /// Requests passed to the router whose answer has not ended yet.
    private var forwarded = 0
    /// The answer to the request being read (sent when its end arrives).
    private var pending: CachedAnswer?
    private var lastActivity = NIODeadline.now()
    private var idleCheck: Scheduled<Void>?
    private var peer: String?
    private var date = HTTPDate()

    init(api: TarifAPI, idleTimeout: TimeAmount) {
        self.api = api
        self.idleTimeout = idleTimeout
    }

    /// Puts the connection's handlers of ours in front of the conversion from HTTP/1 to HTTP
    /// types: this one, then an ``HTTPVersionHandler``. Nothing when the pipeline has no such
    /// conversion (every request then goes to the router).
    static func install(api: TarifAPI, idleTimeout: TimeAmount, in pipeline: ChannelPipeline.SynchronousOperations) throws {
        guard let codec = try? pipeline.handler(type: HTTP1ToHTTPServerCodec.self) else { return }
        let version = HTTPVersionHandler()
        try pipeline.addHandler(version, position: .before(codec))
        try pipeline.addHandler(CachedAnswerHandler(api: api, idleTimeout: idleTimeout), position: .before(version))
    }

    func handlerAdded(context: ChannelHandlerContext) {
        peer = context.channel.remoteAddress?.ipAddress
        scheduleIdleCheck(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        idleCheck?.cancel()
        idleCheck = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActivity = .now()
        switch unwrapInboundIn(data) {
        case .head(let request):
            if forwarded == 0, let answer = api.cachedAnswer(to: request, peer: peer) {
                pending = answer
                return
            }
            forwarded += 1
            context.fireChannelRead(data)
        case .body:
            if pending == nil { context.fireChannelRead(data) }
        case .end:
            guard var answer = pending else { return context.fireChannelRead(data) }
            pending = nil
            answer.head.headers.add(name: "Date", value: date.now())
            answer.head.headers.add(name: "Server", value: "tarif")
            if answer.head.version == .http1_0 { answer.head.headers.add(name: "connection", value: "keep-alive") }
            context.write(wrapOutboundOut(.head(answer.head)), promise: nil)
            if answer.body.readableBytes > 0 { context.write(wrapOutboundOut(.body(.byteBuffer(answer.body))), promise: nil) }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            api.record(answer, seconds: Double((NIODeadline.now() - answer.started).nanoseconds) / 1e9)
        }
    }

    /// A request the HTTP/1 decoder cannot read (a malformed request line, header or chunk
    /// size) is answered 400 in the API's error shape, then the connection is closed: its
    /// bytes can no longer be framed. While an answer is still on its way, the error goes on
    /// to the standard handler, which closes the connection after it.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, forwarded == 0, pending == nil else {
            return context.fireErrorCaught(error)
        }
        let detail = APIErrorBody.Detail(
            code: "bad_request", message: "the request is not valid HTTP/1.1 (\(parserError)); the connection is closed", field: nil)
        let body = (try? JSON.encoder.encode(APIErrorBody(error: detail))).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        var head = HTTPResponseHead(version: .http1_1, status: .badRequest)
        head.headers.add(name: "Content-Type", value: JSON.contentType)
        head.headers.add(name: "Content-Length", value: String(body.utf8.count))
        head.headers.add(name: "Connection", value: "close")
        head.headers.add(name: "Date", value: date.now())
        head.headers.add(name: "Server", value: "tarif")
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            forwarded = max(0, forwarded - 1)
            lastActivity = .now()
        }
        context.write(data, promise: promise)
    }

    private func scheduleIdleCheck(_ context: ChannelHandlerContext) {
        let loop = context.eventLoop.assumeIsolatedUnsafeUnchecked()
        idleCheck = loop.scheduleTask(deadline: lastActivity + idleTimeout) { [self] in
            idleCheck = nil
            if forwarded == 0 && pending == nil && NIODeadline.now() - lastActivity >= idleTimeout {
                context.close(promise: nil)
            } else {
                scheduleIdleCheck(context)
            }
        }
    }
}

/// Installs ``CachedAnswerHandler`` where it belongs when Hummingbird adds it to a connection
/// (after the conversion to HTTP types, where its additional handlers go), then leaves.
final class CachedAnswerInstaller: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Never
    private let api: TarifAPI
    private let idleTimeout: TimeAmount

    init(api: TarifAPI, idleTimeout: TimeAmount) {
        self.api = api
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        do {
            try CachedAnswerHandler.install(api: api, idleTimeout: idleTimeout, in: pipeline)
        } catch {
            context.fireErrorCaught(error)
        }
        pipeline.removeHandler(context: context, promise: nil)
    }
}

/// The `Date` header's value (RFC 9110 §5.6.7, `Sun, 06 Nov 1994 08:49:37 GMT`), written again
/// only when the second changes.
struct HTTPDate {
    private var second = Int.min
    private var text = ""

    mutating func now() -> String {
        let now = Int(Date().timeIntervalSince1970)
        if now != second {
            second = now
            text = Self.format(now)
        }
        return text
    }

    /// The date of `seconds` since 1970-01-01 00:00:00 UTC.
    static func format(_ seconds: Int) -> String {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let inDay = seconds - days * 86_400
        let day = Day(ordinal: days)
        let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let weekday = weekdays[((days % 7) + 11) % 7]  // 1970-01-01 was a Thursday
        return "\(weekday), \(two(day.day)) \(months[day.month - 1]) \(day.year) \(two(inDay / 3600)):\(two(inDay / 60 % 60)):\(two(inDay % 60)) GMT"
    }
}

/// An answer given by ``CachedAnswerHandler``, with its access-log line (time and duration
/// filled in when it is sent).
struct CachedAnswer {
    var head: HTTPResponseHead
    var body: ByteBuffer
    var started: NIODeadline
    var log: AccessLog.Entry
}

extension TarifAPI {
    /// The answer to `request` when it is a GET under `/v1` whose answer is kept (or whose
    /// ETag the client already has) or a duty question whose line is in memory, the client is
    /// within its rate limit, and the request keeps the connection (HTTP/1.1, or HTTP/1.0
    /// with `Connection: keep-alive`); else nil (the router answers it).
    func cachedAnswer(to request: HTTPRequestHead, peer: String?) -> CachedAnswer? {
        let target = request.uri
        guard request.method == .GET, request.version.major == 1, request.version.minor <= 1, request.isKeepAlive,
              target.hasPrefix("/v1/"), !target.hasPrefix("/v1/admin/"), target.utf8.count <= TarifAPI.maxURILength
        else { return nil }
        let cache = responseCache
        let started = NIODeadline.now()
        let uri = URI(target)
        let query = Query(uri)
        let key = ConditionalMiddleware.key(dataTag: service.dataTag, uri: target, namesDay: query["on"] != nil)
        let etag = ConditionalMiddleware.etag(key)
        let headers = request.headers
        let status: HTTPResponseStatus
        var fields: HTTPHeaders
        var body = ByteBuffer()
        var route = uri.path
        if ConditionalMiddleware.matches(headers.joined("If-None-Match"), etag) {
            status = .notModified
            fields = HTTPHeaders(Array(ConditionalMiddleware.notModifiedHeaders(etag).lazy.map { ($0.name.rawName, $0.value) }))
        } else if let hit = cache?.find(key) ?? freshAnswer(uri.path, query, key: key) {
            let gzip = headers.joined("Accept-Encoding").map(ConditionalMiddleware.acceptsGzip) ?? false
            status = .ok
            (fields, body) = ConditionalMiddleware.answerHeaders(hit, key: key, etag: etag, gzip: gzip, cache: cache)
            route = hit.route
        } else {
            return nil
        }
        let client = clientKey(forwardedFor: headers.joined("X-Forwarded-For"), peer: peer, trustForwardedFor: options.trustForwardedFor)
        if let limiter {
            guard case .allowed(let remaining) = limiter.take(client, now: ContinuousClock.now) else { return nil }
            limiter.describe(remaining: remaining, in: &fields)
        }
        fields.add(name: "Content-Length", value: String(body.readableBytes))
        metrics.begin()
        let log = AccessLog.Entry(
            time: .distantPast, client: client, method: "GET", path: uri.path, query: uri.query, route: route, status: Int(status.code),
            bytes: body.readableBytes, milliseconds: 0, userAgent: headers.first(name: "User-Agent"))
        return CachedAnswer(head: HTTPResponseHead(version: request.version, status: status, headers: fields), body: body, started: started, log: log)
    }

    /// A duty question (`GET /v1/duty`) whose line is in memory, resolved and encoded here: the
    /// body the route would give (kept in the response cache when there is one, as the route
    /// keeps it). Nil for anything else, a line still to be read from the store, or a question
    /// with an error: the router answers those.
    func freshAnswer(_ path: String, _ query: Query, key: String) -> ResponseCache.Entry? {
        guard path == "/v1/duty",
              let question = try? DutyQuestion(query),
              let resolution = try? Self.dutyFromMemory(question, from: "query", service: service),
              let body = try? JSON.body(resolution)
        else { return nil }
        let entry = ResponseCache.Entry(body: body, gzipped: nil, contentType: JSON.contentType, route: "/v1/duty")
        responseCache?.insert(entry, for: key)
        return entry
    }

    /// Counts an answer given by ``CachedAnswerHandler`` and writes its access-log line.
    func record(_ answer: CachedAnswer, seconds: Double) {
        metrics.finished(method: answer.log.method, route: answer.log.route, status: answer.log.status, seconds: seconds)
        guard let accessLog = options.accessLog else { return }
        var entry = answer.log
        entry.time = Date()
        entry.milliseconds = seconds * 1000
        accessLog.write(entry)
    }
}

extension HTTPHeaders {
    /// Every value of a header joined with commas (as HTTP types give a field named more
    /// than once); nil when it is absent.
    func joined(_ name: String) -> String? {
        let values = self[name]
        switch values.count {
        case 0: return nil
        case 1: return values[0]
        default: return values.joined(separator: ", ")
        }
    }
}
