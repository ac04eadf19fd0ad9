public import Foundation
public import Hummingbird
import TarifCore
public import TarifKit
public import TarifRegistry
import TarifRules

/// The JSON API over the library, under `/v1`: countries, agreements, schedules (browse and
/// search), rates, duty resolution and the markets for an exporter.
public struct TarifAPI: Sendable {
    public let tarif: Tarif
    public let registry: Registry
    /// The bearer token admin routes require; `nil`: admin routes are off (403).
    public let adminToken: String?
    /// Where `POST /v1/admin/data/build` reads the official data from.
    public let dataDirectory: URL?
    /// Largest request body accepted (413 beyond).
    public static let maxBody = 1 << 20

    public init(tarif: Tarif, adminToken: String? = nil, dataDirectory: URL? = nil) throws {
        self.tarif = tarif
        self.registry = try tarif.registry()
        self.adminToken = adminToken.flatMap { $0.isEmpty ? nil : $0 }
        self.dataDirectory = dataDirectory
    }

    /// A router with every route and the error middleware.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: APIErrorMiddleware())
        router.get("/healthz") { _, _ in JSON.response(["status": "ok"]) }
        let v1 = router.group("v1")
        v1.get("countries") { _, _ in
            JSON.response(registry.countries.values.sorted { $0.code.rawValue < $1.code.rawValue }.map { CountrySummary(code: $0.code.rawValue, name: $0.name) })
        }
        v1.get("countries/:country") { request, context in
            let country = try registry.country(named: try context.parameters.require("country"))
            let day = try Query(request).day()
            return JSON.response(CountryAnswer(country: country, agreements: registry.agreements(matching: AgreementFilter(party: country.code, inForceOn: day)).map { $0.0.id }))
        }
        v1.get("agreements") { request, _ in
            let q = Query(request)
            let day = try q.day()
            if let a = q["country"], let b = q["partner"] {
                let one = try registry.country(named: a).code, two = try registry.country(named: b).code
                return JSON.response(registry.common(one, two, on: day))
            }
            return JSON.response(registry.agreements.map(\.id))
        }
        v1.get("lines/:importer") { request, context in
            let q = Query(request)
            let importer = try registry.country(named: try context.parameters.require("importer")).code
            guard let text = q["q"], !text.isEmpty else { throw TarifError(.missingInput, "search words or a code: ?q=rice", at: .init(file: "query", field: "q")) }
            let (schedule, lines) = try tarif.search(importer: importer, text, on: try q.day(), limit: try q.int("limit", default: 50))
            return JSON.response(LinesAnswer(schedule: schedule.info.title, lines: lines.map { .init(code: $0.code.formatted, description: $0.descriptionEnglish, descriptionLocal: $0.descriptionLocal) }))
        }
        v1.get("rates/:importer/:code") { request, context in
            let importer = try registry.country(named: try context.parameters.require("importer")).code
            let code = try Query.code(try context.parameters.require("code"))
            return JSON.response(try tarif.rate(importer: importer, code: code, on: try Query(request).day()))
        }
        v1.get("duty") { request, _ in
            let q = Query(request)
            let question = DutyQuestion(importer: try q.require("importer"), code: try q.require("code"), origin: q["origin"], on: q["on"], value: q["value"])
            return JSON.response(try duty(question, from: "query"))
        }
        v1.get("markets") { request, _ in
            let q = Query(request)
            let origin = try registry.country(named: try q.require("origin")).code
            let product = try Query.code(try q.require("product"))
            let index = try tarif.resolutionIndex(origins: [origin], registry: registry)
            return JSON.response(index.markets(from: origin, product: product, on: try q.day()))
        }
        v1.post("duty/batch") { request, _ in
            // Up to 1,000 questions in one body; each answered or given its own error.
            let body = try await request.body.collect(upTo: Self.maxBody)
            let questions: [DutyQuestion]
            do { questions = try JSONDecoder().decode([DutyQuestion].self, from: Data(buffer: body)) } catch {
                throw TarifError(.badInput, "the body must be a JSON array of {importer, code, origin?, on?, value?}: \(error)", at: SourceLocation(file: "body"))
            }
            guard questions.count <= 1_000 else { throw TarifError(.badInput, "at most 1,000 questions per request (got \(questions.count))", at: SourceLocation(file: "body")) }
            let answers = questions.enumerated().map { i, q -> BatchAnswer in
                do {
                    return BatchAnswer(resolution: try duty(q, from: "body[\(i)]"), error: nil)
                } catch let e as TarifError {
                    return BatchAnswer(resolution: nil, error: .init(code: e.code.rawValue, message: e.message, field: e.location?.field))
                } catch {
                    return BatchAnswer(resolution: nil, error: .init(code: "internal", message: "\(error)", field: nil))
                }
            }
            return JSON.response(answers)
        }
        v1.post("admin/data/build") { request, _ in
            try authorize(request)
            guard let dataDirectory else {
                throw TarifError(.missingInput, "the server was started without a data directory (--data)")
            }
            let reports = try DataBuilder(database: tarif.database).build(from: dataDirectory, catalog: try Catalog.bundled())
            return JSON.response(["loaded": reports.count])
        }
        return router
    }

    /// One duty question, from the query string (`GET /v1/duty`) or a batch body; errors name
    /// the parameter and where it came from (`query`, `body[3]`).
    func duty(_ q: DutyQuestion, from place: String) throws -> DutyResolution {
        let importer = try registry.country(named: q.importer).code
        let origin = try q.origin.map { try registry.country(named: $0).code }
        return try tarif.duty(
            importer: importer, origin: origin, code: try Query.code(q.code), on: try Query.day(q.on, from: place),
            customsValue: try Query.decimal(q.value, field: "value", from: place), registry: registry)
    }

    /// Admin routes need `Authorization: Bearer <token>` matching the server's token.
    func authorize(_ request: Request) throws {
        guard let adminToken else {
            throw HTTPError(.forbidden, message: "admin routes are off: start the server with TARIF_ADMIN_TOKEN set")
        }
        let header = request.headers[.authorization] ?? ""
        guard header.hasPrefix("Bearer "), Self.constantTimeEqual(String(header.dropFirst(7)), adminToken) else {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer"], message: "a bearer token is required (Authorization: Bearer …)")
        }
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }
}

struct DutyQuestion: Decodable {
    var importer: String
    var code: String
    var origin: String?
    var on: String?
    var value: String?
}

struct BatchAnswer: Encodable {
    var resolution: DutyResolution?
    var error: APIErrorBody.Detail?
}

struct CountrySummary: Encodable {
    var code: String
    var name: String
}

struct CountryAnswer: Encodable {
    var country: Country
    var agreements: [String]
}

struct LinesAnswer: Encodable {
    struct Line: Encodable {
        var code: String
        var description: String
        var descriptionLocal: String?
    }
    var schedule: String
    var lines: [Line]
}

/// The query string of a request, read with errors that name the parameter.
struct Query {
    let parameters: [String: String]

    init(_ request: Request) {
        var p: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { p[String(k)] = String(v).removingPercentEncoding ?? String(v) }
        parameters = p
    }

    subscript(_ name: String) -> String? { parameters[name] }

    func require(_ name: String) throws -> String {
        guard let v = parameters[name], !v.isEmpty else {
            throw TarifError(.missingInput, "the query parameter '\(name)' is required", at: SourceLocation(file: "query", field: name))
        }
        return v
    }

    /// `on` as YYYY-MM-DD; today when absent.
    func day() throws -> Day { try Self.day(parameters["on"], from: "query") }

    /// A date parameter `on`, today when absent.
    static func day(_ text: String?, from place: String) throws -> Day {
        guard let text else { return Day.today() }
        do { return try Day(iso: text) } catch {
            throw TarifError(.badDate, "'\(text)' is not a date; write YYYY-MM-DD", at: SourceLocation(file: place, field: "on"))
        }
    }

    func int(_ name: String, default value: Int) throws -> Int {
        guard let text = parameters[name] else { return value }
        guard let v = Int(text), v > 0, v <= 1_000 else {
            throw TarifError(.badNumber, "'\(text)' is not a whole number from 1 to 1000", at: SourceLocation(file: "query", field: name))
        }
        return v
    }

    /// A decimal parameter, nil when absent.
    static func decimal(_ text: String?, field: String, from place: String) throws -> ExactDecimal? {
        guard let text else { return nil }
        guard let v = ExactDecimal(text) else {
            throw TarifError(.badNumber, "'\(text)' is not a number", at: SourceLocation(file: place, field: field))
        }
        return v
    }

    static func code(_ text: String) throws -> TariffCode {
        do { return try TariffCode(text) } catch let e as TarifError {
            throw TarifError(e.code, e.message, at: SourceLocation(file: "path", field: "code"))
        }
    }
}
