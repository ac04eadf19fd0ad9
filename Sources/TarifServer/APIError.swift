import Foundation
import Hummingbird
import NIOHTTP1
import TarifCore

/// The error body of every route: `{"error": {"code", "message", "field"}}`.
struct APIErrorBody: Encodable {
    struct Detail: Encodable {
        var code: String
        var message: String
        var field: String?
    }
    var error: Detail
}

/// Turns thrown errors into JSON error bodies with the right status: a ``TarifError`` by its
/// code (bad input 400, unknown things 404, storage 500), Hummingbird's own errors (an
/// unknown route, a body too large) by theirs.
struct APIErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            // A request line longer than any question Tarif answers is refused before any work.
            if request.uri.description.utf8.count > TarifAPI.maxURILength {
                throw HTTPError(.uriTooLong, message: "the request target is longer than \(TarifAPI.maxURILength) bytes")
            }
            return try await next(request, context)
        } catch let error as TarifError {
            let status = Self.status(for: error.code)
            if status.code >= 500 && status != .serviceUnavailable { return Self.internalError(error) }
            return JSON.response(APIErrorBody(error: .init(code: error.code.rawValue, message: error.message, field: error.location?.field)),
                                 status: status)
        } catch let error as HTTPParserError {
            // The body of a request that began well turned out malformed (a bad chunk size).
            return JSON.response(
                APIErrorBody(error: .init(code: "bad_request", message: "the request is not valid HTTP/1.1 (\(error))", field: "body")),
                status: .badRequest)
        } catch let error as any HTTPResponseError {
            let code: String
            switch error.status {
            case .notFound: code = "not_found"
            case .contentTooLarge: code = "too_large"
            case .unauthorized: code = "unauthorized"
            case .forbidden: code = "forbidden"
            case .tooManyRequests: code = "rate_limited"
            case .conflict: code = "conflict"
            case .methodNotAllowed: code = "method_not_allowed"
            case .uriTooLong: code = "too_large"
            default: code = "http_\(error.status.code)"
            }
            if error.status.code >= 500 && error.status != .serviceUnavailable { return Self.internalError(error) }
            let message = (error as? HTTPError)?.body ?? error.status.reasonPhrase
            var response = JSON.response(APIErrorBody(error: .init(code: code, message: message, field: nil)), status: error.status)
            if let extra = (error as? HTTPError)?.headers { for field in extra { response.headers.append(field) } }
            return response
        } catch {
            return Self.internalError(error)
        }
    }

    /// A 500 whose body says nothing of the server's inside (paths, SQL, types): the error
    /// itself goes to the server's standard error, under a reference the body gives.
    static func internalError(_ error: any Error) -> Response {
        let reference = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        FileHandle.standardError.write(Data("tarif serve: internal error \(reference): \(error)\n".utf8))
        return JSON.response(
            APIErrorBody(error: .init(code: "internal", message: "the server failed to answer (reference \(reference) in its log)", field: nil)),
            status: .internalServerError)
    }

    static func status(for code: TarifError.Code) -> HTTPResponse.Status {
        switch code {
        case .notFound, .unknownImporter: .notFound
        case .io, .database: .internalServerError
        case .timeout, .staleData: .serviceUnavailable
        default: .badRequest
        }
    }
}

enum JSON {
    static let contentType = "application/json; charset=utf-8"
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) -> Response {
        do {
            return raw(try body(value), contentType: contentType, status: status)
        } catch {
            let body = APIErrorBody(error: .init(code: "internal", message: "the answer could not be written as JSON: \(error)", field: nil))
            let data = (try? encoder.encode(body)) ?? Data(#"{"error":{"code":"internal","message":"the answer could not be written as JSON"}}"#.utf8)
            return raw(ByteBuffer(bytes: data), contentType: contentType, status: .internalServerError)
        }
    }

    /// `value` as JSON: written by hand when it can be (``JSONWritable``: the same bytes, faster),
    /// else by `encoder`.
    static func body<T: Encodable>(_ value: T) throws -> ByteBuffer {
        if let writable = value as? any JSONWritable { return ByteBuffer(bytes: JSONWriter.encode(writable)) }
        return ByteBuffer(bytes: try encoder.encode(value))
    }

    /// A body as it is, gzip-compressed when the client accepts it and the body is long
    /// enough to gain from it.
    static func raw(_ body: ByteBuffer, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers: HTTPFields = [.contentType: contentType, .vary: "Accept-Encoding"]
        let plain = body
        var body = body
        var gzipped: ByteBuffer?
        if ResponseEncoding.acceptsGzip, let compressed = ResponseEncoding.gzipped(body) {
            headers[.contentEncoding] = "gzip"
            body = compressed
            gzipped = compressed
        }
        if status == .ok, let (cache, key, route) = ResponseEncoding.cache {
            cache.insert(.init(body: plain, gzipped: gzipped, contentType: contentType, route: route), for: key)
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }
}
