import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Answers a question already answered (a GET under `/v1` whose answer the response cache
/// keeps) on the connection's event loop, before the request reaches Hummingbird's router:
/// the router's per-request tasks cost more than the answer. Everything else, and any
/// request while an earlier one on the connection is still being answered (HTTP/1.1
/// pipelining keeps answers in order), goes on to the router. The answers are those the
/// router would give: the same body, ETag (304 on `If-None-Match`), gzip, rate limit
/// (a refused client goes on to the router, which answers 429), metrics and access log.
///
/// It also closes connections idle for the idle timeout, since the router's own timer does
/// not see the requests answered here.
final class CachedAnswerHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let api: TarifAPI
    private let idleTimeout: TimeAmount
    /// Requests passed to the router whose answer has not ended yet.
    private var forwarded = 0
    /// The answer to the request being read (sent when its end arrives).
    private var pending: CachedAnswer?
    private var lastActivity = NIODeadline.now()
    private var idleCheck: Scheduled<Void>?
    private var peer: String?

    init(api: TarifAPI, idleTimeout: TimeAmount) {
        self.api = api
        self.idleTimeout = idleTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // The connection's other handler of ours goes in front of the HTTP/1 conversion.
        HTTPVersionHandler.install(in: context.pipeline.syncOperations)
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
            guard let answer = pending else { return context.fireChannelRead(data) }
            pending = nil
            context.write(wrapOutboundOut(.head(answer.head)), promise: nil)
            if answer.body.readableBytes > 0 { context.write(wrapOutboundOut(.body(answer.body)), promise: nil) }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            api.record(answer, seconds: Double((NIODeadline.now() - answer.started).nanoseconds) / 1e9)
        }
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

/// An answer given by ``CachedAnswerHandler``, with its access-log line (time and duration
/// filled in when it is sent).
struct CachedAnswer {
    var head: HTTPResponse
    var body: ByteBuffer
    var started: NIODeadline
    var log: AccessLog.Entry
}

extension TarifAPI {
    /// The answer to `request` when it is a GET under `/v1` whose answer is kept (or whose
    /// ETag the client already has), the client is within its rate limit, and the request
    /// does not ask to close the connection; else nil (the router answers it).
    func cachedAnswer(to request: HTTPRequest, peer: String?) -> CachedAnswer? {
        guard request.method == .get, let target = request.path, target.hasPrefix("/v1/"),
              !target.hasPrefix("/v1/admin/"), request.headerFields[.connection]?.lowercased() != "close"
        else { return nil }
        let cache = responseCache
        let started = NIODeadline.now()
        let uri = URI(target)
        let query = Query(uri)
        let key = ConditionalMiddleware.key(dataTag: service.dataTag, uri: target, namesDay: query["on"] != nil)
        let etag = ConditionalMiddleware.etag(key)
        let status: HTTPResponse.Status
        var fields: HTTPFields
        var body = ByteBuffer()
        var route = uri.path
        if ConditionalMiddleware.matches(request.headerFields[.ifNoneMatch], etag) {
            status = .notModified
            fields = ConditionalMiddleware.notModifiedHeaders(etag)
        } else if let hit = cache?.find(key) ?? freshAnswer(uri.path, query, key: key) {
            let gzip = request.headerFields[.acceptEncoding].map(ConditionalMiddleware.acceptsGzip) ?? false
            status = .ok
            (fields, body) = ConditionalMiddleware.answer(hit, key: key, etag: etag, gzip: gzip, cache: cache)
            route = hit.route
        } else {
            return nil
        }
        let client = clientKey(headers: request.headerFields, peer: peer, trustForwardedFor: options.trustForwardedFor)
        if let limiter {
            guard case .allowed(let remaining) = limiter.take(client, now: ContinuousClock.now) else { return nil }
            limiter.describe(remaining: remaining, in: &fields)
        }
        fields[.contentLength] = String(body.readableBytes)
        fields[.server] = "tarif"
        metrics.begin()
        let log = AccessLog.Entry(
            time: .distantPast, client: client, method: "GET", path: uri.path, query: uri.query, route: route, status: status.code,
            bytes: body.readableBytes, milliseconds: 0, userAgent: request.headerFields[.userAgent])
        return CachedAnswer(head: HTTPResponse(status: status, headerFields: fields), body: body, started: started, log: log)
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
