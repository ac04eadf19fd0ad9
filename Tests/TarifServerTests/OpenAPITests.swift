import Foundation
import Hummingbird
import HummingbirdTesting
import TarifKit
import TarifServer
import TarifTesting
import Testing

/// The OpenAPI document matches the server: every route is in it, and every documented
/// operation, called with its examples, answers with a documented status and a body that
/// fits the documented schema; documented errors answer in the error schema.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct OpenAPITests {
    typealias Object = [String: Any]

    /// `METHOD /path/{param}` for every route of the router.
    static func routes(_ api: TarifAPI) -> Set<String> {
        Set(api.router().routes.map { "\($0.method.rawValue) \($0.path.description.replacingOccurrences(of: #":(\w+)"#, with: "{$1}", options: .regularExpression))" })
    }

    static func operations(_ doc: Object) throws -> [(key: String, path: String, method: String, op: Object)] {
        let paths = try #require(doc["paths"] as? Object)
        var out: [(String, String, String, Object)] = []
        for (path, item) in paths {
            for (method, op) in try #require(item as? Object) {
                out.append(("\(method.uppercased()) \(path)", path, method, try #require(op as? Object)))
            }
        }
        return out.sorted { $0.0 < $1.0 }
    }

    func document(_ client: LiveClient) async throws -> Object {
        try await client.execute(uri: "/openapi.json", method: .get) { r throws in
            try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? Object)
        }
    }

    @Test func everyRouteIsDocumentedAndAnswersAsDocumented() async throws {
        let options = ServerOptions(adminToken: "t0ken", rateLimit: 0)
        let api = TarifAPI(service: try await ServerFixture.service.value, options: options)
        let served = Self.routes(api)
        try await ServerFixture.live(options) { client in
            let doc = try await document(client)
            #expect(doc["openapi"] as? String == "3.1.0")
            #expect((doc["info"] as? Object)?["version"] as? String == TarifAPI.version)
            let operations = try Self.operations(doc)
            let documented = Set(operations.map(\.key))
            #expect(served.subtracting(documented).isEmpty, "routes missing from the document: \(served.subtracting(documented).sorted())")
            #expect(documented.subtracting(served).isEmpty, "documented routes the server lacks: \(documented.subtracting(served).sorted())")
            for (key, path, method, op) in operations {
                var uri = path
                var query: [String] = []
                for case let p as Object in op["parameters"] as? [Any] ?? [] {
                    guard let name = p["name"] as? String, let example = p["example"] as? String else { continue }
                    if p["in"] as? String == "path" { uri = uri.replacingOccurrences(of: "{\(name)}", with: example) } else { query.append("\(name)=\(Self.encoded(example))") }
                }
                if !query.isEmpty { uri += "?" + query.joined(separator: "&") }
                var headers: HTTPFields = [:]
                if op["security"] != nil { headers[.authorization] = "Bearer t0ken" }
                var body: ByteBuffer?
                if let content = (op["requestBody"] as? Object)?["content"] as? Object {
                    if let json = content["application/json"] as? Object, let example = json["example"] {
                        body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: example))
                    } else if let csv = content["text/csv"] as? Object, let example = csv["example"] as? String {
                        body = ByteBuffer(string: example)
                        headers[.contentType] = "text/csv"
                    }
                }
                let responses = try #require(op["responses"] as? Object)
                try await client.execute(uri: uri, method: .init(method.uppercased())!, headers: headers, body: body) { r throws in
                    let status = String(r.status.code)
                    let documentedResponse = try #require(responses[status] as? Object, "\(key) answered \(status), not documented (\(uri))")
                    // This test server has no data directory, so the build is refused as documented (400).
                    if key != "POST /v1/admin/data/build" { #expect(r.status.code / 100 == 2, "\(key) answered \(status) (\(uri))") }
                    guard let content = documentedResponse["content"] as? Object else { return }
                    let type = try #require(r.headers[.contentType])
                    let mediaType = try #require(content.keys.first { type.hasPrefix($0) }, "\(key): content type \(type) not documented")
                    if mediaType == "application/json", let schema = (content[mediaType] as? Object)?["schema"] as? Object {
                        let value = try JSONSerialization.jsonObject(with: Data(buffer: r.body), options: [.fragmentsAllowed])
                        let problems = Self.validate(value, against: schema, in: doc, at: "$")
                        #expect(problems.isEmpty, "\(key): \(problems.prefix(5))")
                    }
                }
            }
        }
    }

    /// Each documented 400 and 404 is produced: a malformed date (naming `on`), an unknown
    /// path value; the body fits the error schema.
    @Test func documentedErrorsAnswerInTheErrorSchema() async throws {
        try await ServerFixture.live(ServerOptions(rateLimit: 0)) { client in
            let doc = try await document(client)
            let errorSchema: Object = ["$ref": "#/components/schemas/Error"]
            var checked = 0
            for (key, path, method, op) in try Self.operations(doc) where method == "get" && path.hasPrefix("/v1/") {
                let responses = try #require(op["responses"] as? Object)
                let parameters = (op["parameters"] as? [Any] ?? []).compactMap { $0 as? Object }
                func uri(badDate: Bool, unknownPath: Bool) -> String {
                    var u = path
                    var q: [String] = []
                    for p in parameters {
                        guard let name = p["name"] as? String, var example = p["example"] as? String else { continue }
                        if p["in"] as? String == "path" {
                            if unknownPath && !u.contains("{\(name)}}") { example = name == "code" ? "0101.99" : "Atlantis" }
                            u = u.replacingOccurrences(of: "{\(name)}", with: example)
                        } else {
                            q.append("\(name)=\(name == "on" && badDate ? "2026-13-01" : example)")
                        }
                    }
                    return q.isEmpty ? u : u + "?" + q.joined(separator: "&")
                }
                if responses["400"] != nil, parameters.contains(where: { $0["name"] as? String == "on" }) {
                    try await client.execute(uri: uri(badDate: true, unknownPath: false), method: .get) { r throws in
                        #expect(r.status == .badRequest, "\(key)")
                        let body = try JSONSerialization.jsonObject(with: Data(buffer: r.body))
                        #expect(Self.validate(body, against: errorSchema, in: doc, at: "$").isEmpty)
                        #expect(((body as? Object)?["error"] as? Object)?["field"] as? String == "on", "\(key)")
                    }
                    checked += 1
                }
                if responses["404"] != nil, parameters.contains(where: { $0["in"] as? String == "path" }) {
                    try await client.execute(uri: uri(badDate: false, unknownPath: true), method: .get) { r throws in
                        #expect(r.status == .notFound, "\(key)")
                        let body = try JSONSerialization.jsonObject(with: Data(buffer: r.body))
                        #expect(Self.validate(body, against: errorSchema, in: doc, at: "$").isEmpty)
                    }
                    checked += 1
                }
            }
            #expect(checked >= 8)
        }
    }

    /// A query value as a client must send it: everything but unreserved characters
    /// percent-encoded (`+` and spaces in a formula included).
    static func encoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")) ?? value
    }

    /// A small JSON Schema check: `$ref`, `type`, `required`, `properties`, `items`, `oneOf`,
    /// `const`, `enum`, `additionalProperties`. Returns what does not fit, with the JSON path.
    static func validate(_ value: Any, against schema: Object, in doc: Object, at path: String) -> [String] {
        if let ref = schema["$ref"] as? String {
            let name = String(ref.split(separator: "/").last!)
            guard let target = ((doc["components"] as? Object)?["schemas"] as? Object)?[name] as? Object else { return ["\(path): unknown \(ref)"] }
            return validate(value, against: target, in: doc, at: path)
        }
        if let options = schema["oneOf"] as? [Object] {
            return options.contains { validate(value, against: $0, in: doc, at: path).isEmpty } ? [] : ["\(path): fits none of oneOf"]
        }
        if let c = schema["const"] as? String, value as? String != c { return ["\(path): not \(c)"] }
        if let e = schema["enum"] as? [String], !(value is String && e.contains(value as! String)) { return ["\(path): not one of \(e)"] }
        var problems: [String] = []
        switch schema["type"] as? String {
        case "object":
            guard let o = value as? Object else { return ["\(path): not an object"] }
            for r in schema["required"] as? [String] ?? [] where o[r] == nil { problems.append("\(path).\(r): missing") }
            let properties = schema["properties"] as? Object ?? [:]
            for (k, sub) in properties {
                if let v = o[k], !(v is NSNull), let s = sub as? Object { problems += validate(v, against: s, in: doc, at: "\(path).\(k)") }
            }
            if let other = schema["additionalProperties"] as? Object {
                for (k, v) in o where properties[k] == nil { problems += validate(v, against: other, in: doc, at: "\(path).\(k)") }
            }
        case "array":
            guard let a = value as? [Any] else { return ["\(path): not an array"] }
            if let items = schema["items"] as? Object {
                for (i, v) in a.enumerated() { problems += validate(v, against: items, in: doc, at: "\(path)[\(i)]") }
            }
        case "string": if !(value is String) { problems.append("\(path): not a string") }
        case "integer": if !(value is Int) { problems.append("\(path): not an integer") }
        case "boolean": if !(value is Bool) { problems.append("\(path): not a boolean") }
        default: break
        }
        return problems
    }
}
