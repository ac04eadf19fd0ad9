import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Answers HTTP/1.0 requests as HTTP/1.0 (RFC 9112 §9.3).
///
/// Hummingbird turns HTTP/1 messages into version-less HTTP types, so without this handler every
/// answer leaves as HTTP/1.1 and the connection stays open after an HTTP/1.0 request; a client
/// that reads the answer to the end of the connection (as HTTP/1.0 allows) then waits for the
/// idle timeout. This handler sits in front of that conversion and, for each HTTP/1.0 request:
///
/// - without `Connection: keep-alive`, marks the request `Connection: close`, so that the server
///   closes the connection after its answer (as it does for an HTTP/1.1 `Connection: close`);
/// - writes the answer's status line as HTTP/1.0 with `Connection: close`, or `keep-alive` when
///   the client asked for it and the answer has a Content-Length (an answer without one can
///   only end with the connection, so the connection is then closed after it).
///
/// HTTP/1.1 requests pass untouched.
final class HTTPVersionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// The version of each request read whose answer has not started, oldest first, and
    /// whether its client asked to keep the connection.
    private var waiting = CircularBuffer<(version: HTTPVersion, keepAlive: Bool)>()
    /// The answer being written must be followed by closing the connection.
    private var closeAfterAnswer = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else { return context.fireChannelRead(data) }
        let keepAlive = head.isKeepAlive
        waiting.append((head.version, keepAlive))
        if head.version == .http1_0, !keepAlive {
            head.headers.replaceOrAdd(name: "connection", value: "close")
            return context.fireChannelRead(wrapInboundOut(.head(head)))
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.status.code >= 200 || head.status == .switchingProtocols:
            guard let request = waiting.popFirst(), request.version == .http1_0 else { return context.write(data, promise: promise) }
            head.version = .http1_0
            let keep = request.keepAlive && head.headers.contains(name: "content-length")
            head.headers.replaceOrAdd(name: "connection", value: keep ? "keep-alive" : "close")
            closeAfterAnswer = request.keepAlive && !keep
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end where closeAfterAnswer:
            closeAfterAnswer = false
            let written = promise ?? context.eventLoop.makePromise()
            context.writeAndFlush(data, promise: written)
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        default:
            context.write(data, promise: promise)
        }
    }
}
