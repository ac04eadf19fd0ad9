public import Foundation
public import Hummingbird
import HummingbirdCore
public import Logging
import Synchronization
public import TarifStore
import TarifCore
public import TarifKit
import TarifRegistry
import TarifRules
import NIOPosix

/// How the server behaves: admin token, data directory, limits, logs.
public struct ServerOptions: Sendable {
    /// The bearer token admin routes require; `nil`: admin routes are off (403).
    public var adminToken: String?
    /// Where `POST /v1/admin/data/build` reads the official data from.
    public var dataDirectory: URL?
    /// Requests a second each client may make on average (0: no limit), and the burst.
    public var rateLimit: Double
    public var burst: Int
    /// Longest a batch or ranking may take, in seconds (503 `timeout` beyond).
    public var timeLimit: Double
    /// Take the client's address from `X-Forwarded-For` (behind a trusted load balancer).
    public var trustForwardedFor: Bool
    /// Where access-log lines go; `nil`: none.
    public var accessLog: AccessLog?
    /// When the store is not the embedded database (PostgreSQL): the SQLite file a data
    /// build loads first, and what then copies it into the store.
    public var buildDatabase: String?
    public var publish: (@Sendable (TarifDatabase) async throws -> Void)?
    /// Bytes of answers kept by question (``ResponseCache``); 0: none.
    public var responseCacheBytes: Int
    /// How often, in seconds, the server checks whether another process (a second server,
    /// `tarif data build`) changed the data, and reloads when it did; 0: never.
    public var refreshInterval: Double

    public init(
        adminToken: String? = nil, dataDirectory: URL? = nil, rateLimit: Double = 50, burst: Int = 100, timeLimit: Double = 30,
        trustForwardedFor: Bool = false, accessLog: AccessLog? = nil, buildDatabase: String? = nil,
        publish: (@Sendable (TarifDatabase) async throws -> Void)? = nil, refreshInterval: Double = 30,
        responseCacheBytes: Int = 64 << 20
    ) {
        self.responseCacheBytes = responseCacheBytes
        self.buildDatabase = buildDatabase
        self.publish = publish
        self.refreshInterval = refreshInterval
        self.adminToken = adminToken.flatMap { $0.isEmpty ? nil : $0 }
        self.dataDirectory = dataDirectory
        self.rateLimit = rateLimit
        self.burst = burst
        self.timeLimit = timeLimit
        self.trustForwardedFor = trustForwardedFor
        self.accessLog = accessLog
    }
}

/// The JSON API over the library, under `/v1`: countries, institutions, agreements,
/// schedules (browse and search), rates, duty resolution, markets for an exporter and
/// origins into a market; `/openapi.json`, `/healthz`, `/metrics` and the page at `/`.
public final class TarifAPI: Sendable {
    /// The binary's API version, part of every ETag.
    public static let version = "1.1.0"
    /// Largest request body accepted (413 beyond).
    public static let maxBody = 1 << 20
    /// The longest request target (path and query string) answered; longer is 414.
    public static let maxURILength = 8 << 10

    public let options: ServerOptions
    public let metrics = ServiceMetrics()
    private let current: Mutex<DutyService>
    private let build = Mutex<BuildStatus>(.idle)
    let limiter: RateLimiter?
    /// Answers kept by question, when ``ServerOptions/responseCacheBytes`` is above 0.
    public let responseCache: ResponseCache?

    private let lastCheck = Mutex<Date>(Date())

    /// The service answering now (replaced after a data build, here or elsewhere).
    public var service: DutyService {
        let now = Date()
        if options.refreshInterval > 0 {
            let due = lastCheck.withLock { last -> Bool in
                guard now.timeIntervalSince(last) >= options.refreshInterval else { return false }
                last = now
                return true
            }
            // The check reads the store and a reload blocks for seconds: on NIO's thread pool,
            // not on the threads that answer requests.
            if due { NIOThreadPool.singleton.submit { [self] state in if state == .active { _ = try? refreshIfChanged() } } }
        }
        return current.withLock { $0 }
    }

    /// Reloads when the store's data are no longer those the service loaded (a data build
    /// by another server or by `tarif data build`).
    /// - Returns: whether it reloaded.
    @discardableResult
    public func refreshIfChanged() throws -> Bool {
        let old = current.withLock { $0 }
        guard try DutyService.dataTag(of: old.tarif.store) != old.dataTag else { return false }
        let fresh = try DutyService(tarif: old.tarif)
        current.withLock { $0 = fresh }
        return true
    }

    public convenience init(tarif: Tarif, options: ServerOptions = ServerOptions()) throws {
        self.init(service: try DutyService(tarif: tarif), options: options)
    }

    /// A server over a service already loaded (its caches and ranking index kept).
    public init(service: DutyService, options: ServerOptions = ServerOptions()) {
        self.options = options
        current = Mutex(service)
        limiter = options.rateLimit > 0 ? RateLimiter(rate: options.rateLimit, burst: options.burst) : nil
        responseCache = options.responseCacheBytes > 0 ? ResponseCache(capacity: options.responseCacheBytes) : nil
    }

    /// The application on `host:port`: HTTP/1.1 (and 1.0, answered as 1.0 by a
    /// ``HTTPVersionHandler``) with idle connections closed after 60 s, and kept answers given
    /// on the event loop (a ``CachedAnswerHandler`` per connection: the handlers argument is
    /// evaluated for each one).
    public func application(host: String, port: Int, logger: Logger? = nil) -> some ApplicationProtocol {
        Application(
            router: router(),
            server: .http1(configuration: .init(additionalChannelHandlers: [CachedAnswerInstaller(api: self, idleTimeout: .seconds(60))], idleTimeout: nil)),
            configuration: .init(address: .hostname(host, port: port), serverName: "tarif"), logger: logger)
    }

    /// A router with every route and the middleware: logs and metrics, errors as JSON,
    /// per-client rate limits, ETags and gzip. Every GET route answers HEAD too (the GET's
    /// status and headers, no body: RFC 9110 §9.3.2).
    public func router() -> Router<TarifRequestContext> {
        let router = Router(context: TarifRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: ObservabilityMiddleware(metrics: metrics, log: options.accessLog, trustForwardedFor: options.trustForwardedFor))
        router.add(middleware: APIErrorMiddleware())
        router.add(middleware: StaleDataMiddleware { [self] in try refreshIfChanged() })
        if let limiter { router.add(middleware: RateLimitMiddleware(limiter: limiter, trustForwardedFor: options.trustForwardedFor)) }
        router.add(middleware: ConditionalMiddleware(dataTag: { [self] in service.dataTag }, cache: responseCache))

        router.get("/healthz") { [self] _, _ in
            let s = service
            // The kind of store only: its path or address is the operator's, not the public's.
            let kind = s.tarif.store.storeDescription.split(separator: " ").first.map(String.init) ?? "store"
            return JSON.response(["status": "ok", "store": kind, "data": s.dataTag])
        }
        router.get("/metrics") { [self] _, _ in
            let s = service
            let text = metrics.render(extra: [
                ("tarif_data_info", "The loaded data's tag (changes with a data build).", ["tag": s.dataTag], 1),
                ("tarif_cached_lines", "Lines whose published tariff is kept in memory.", [:], Double(s.cachedLines)),
                ("tarif_schedules", "Schedule versions loaded.", [:], Double(s.schedules.count)),
                ("tarif_response_cache_entries", "Answers kept by question.", [:], Double(responseCache?.statistics.entries ?? 0)),
                ("tarif_response_cache_hits", "Questions answered from the kept answers.", [:], Double(responseCache?.statistics.hits ?? 0)),
            ])
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        WebPage.add(to: router)

        let v1 = router.group("v1")
        v1.get("countries") { [self] _, _ in
            JSON.response(service.registry.countries.values.sorted { $0.code.rawValue < $1.code.rawValue }.map { CountrySummary(code: $0.code.rawValue, name: $0.name) })
        }
        v1.get("countries/:country") { [self] request, context in
            let registry = service.registry
            let country = try registry.country(named: try context.parameters.require("country"))
            let day = try Query(request).day()
            return JSON.response(try registry.profile(country.code, on: day))
        }
        v1.get("institutions") { [self] _, _ in JSON.response(service.registry.institutions) }
        v1.get("agreements") { [self] request, _ in
            let registry = service.registry
            let q = Query(request)
            let day = try q.day()
            if let a = q["country"], let b = q["partner"] {
                let one = try registry.countryCode(named: a), two = try registry.countryCode(named: b)
                return JSON.response(registry.common(one, two, on: day))
            }
            if let a = q["country"] {
                let one = try registry.countryCode(named: a)
                return JSON.response(registry.agreements(matching: AgreementFilter(party: one, inForceOn: day)).map { $0.0.id })
            }
            return JSON.response(registry.agreements.map(\.id))
        }
        v1.get("agreements/:id") { [self] _, context in
            let id = try context.parameters.require("id")
            let agreements = service.registry.agreements
            guard let agreement = agreements.first(where: { $0.id.caseInsensitiveCompare(id) == .orderedSame }) else {
                let close = Suggest.closest(to: id, among: agreements.map(\.id))
                throw TarifError(.notFound, "no agreement '\(id)'" + (close.isEmpty ? "" : "; did you mean \(close.joined(separator: ", "))?"), at: .init(file: "path", field: "id"))
            }
            return JSON.response(agreement)
        }
        v1.get("schedules") { [self] _, _ in
            JSON.response(service.schedules.map {
                ScheduleSummary(importer: $0.info.importer.rawValue, name: service.registry.countries[$0.info.importer]?.name, series: $0.info.series,
                                title: $0.info.title, validFrom: $0.validity.start.description, validTo: $0.validity.end?.description, lines: $0.lineCount)
            })
        }
        v1.get("lines/:importer") { [self] request, context in
            let s = service
            let q = Query(request)
            let importer = try s.registry.countryCode(named: try context.parameters.require("importer"))
            guard let text = q["q"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
                throw TarifError(.missingInput, "search words or a code: ?q=rice", at: .init(file: "query", field: "q"))
            }
            let day = try q.day()
            let schedule = try s.schedule(for: importer, on: day)
            let limit = try q.int("limit", default: 50)
            var via: String?
            var replaced: [LinesAnswer.Replacement]?
            var lines: [TariffLine]
            if let code = try? TariffCode(text) {
                lines = try s.tarif.store.lines(under: code, in: schedule, limit: limit)
            } else {
                let found = try s.tarif.findLines(importer: importer, text, on: day, limit: limit)
                lines = found.lines
                via = found.via?.info.title
                replaced = found.replaced.isEmpty ? nil : found.replaced.map { .init(word: $0.word, by: $0.by) }
            }
            return JSON.response(LinesAnswer(
                schedule: schedule.info.title, matchedVia: via, replaced: replaced,
                lines: lines.map { .init(code: $0.code.formatted, description: $0.descriptionEnglish, descriptionLocal: $0.descriptionLocal, path: $0.path) }))
        }
        v1.get("rates/:importer/:code") { [self] request, context in
            let s = service
            let importer = try s.registry.countryCode(named: try context.parameters.require("importer"))
            let code = try Query.code(try context.parameters.require("code"))
            return JSON.response(try s.rate(importer: importer, code: code, on: try Query(request).day()))
        }
        v1.get("duty") { [self] request, _ in
            JSON.response(try duty(try DutyQuestion(Query(request)), from: "query", service: service))
        }
        v1.get("markets") { [self] request, _ in
            let s = service
            let q = Query(request)
            let origin = try s.registry.countryCode(named: try q.require("origin"))
            let product = try Query.code(try q.require("product"), field: "product", from: "query")
            let day = try q.day()
            let markets = try await withTimeLimit(options.timeLimit) { try s.index(on: day).markets(from: origin, product: product, on: day) }
            return JSON.response(markets)
        }
        v1.get("origins") { [self] request, _ in
            let s = service
            let q = Query(request)
            let importer = try s.registry.countryCode(named: try q.require("importer"))
            let code = try Query.code(try q.require("code"), field: "code", from: "query")
            let day = try q.day()
            let value = try Query.amount(q["value"], field: "value", from: "query")
            let tariff = try s.lineTariff(importer: importer, code: code, on: day)
            let currency = tariff.schedule.info.currency
            let context = DutyContext(currency: currency, customsValue: value.map { Money($0, currency) }, day: day)
            let origins = try await withTimeLimit(options.timeLimit) { try s.index(on: day).origins(to: importer, code: code, on: day, context: context) }
            return JSON.response(origins)
        }
        v1.post("duty/batch") { [self] request, _ in
            // Up to 1,000 questions in one body; each answered or given its own error.
            let body = try await request.body.collect(upTo: Self.maxBody)
            let questions = try Self.decodeBody([DutyQuestion].self, body, expecting: "a JSON array of {importer, code, origin?, on?, value?, quantity?}")
            guard questions.count <= 1_000 else { throw TarifError(.badInput, "at most 1,000 questions per request (got \(questions.count))", at: SourceLocation(file: "body")) }
            let s = service
            let answers = try await withTimeLimit(options.timeLimit) {
                questions.enumerated().map { i, q -> BatchAnswer in
                    do {
                        return BatchAnswer(resolution: try Self.duty(q, from: "body[\(i)]", service: s), error: nil)
                    } catch let e as TarifError {
                        return BatchAnswer(resolution: nil, error: .init(code: e.code.rawValue, message: e.message, field: e.location?.field))
                    } catch {
                        return BatchAnswer(resolution: nil, error: .init(code: "internal", message: "\(error)", field: nil))
                    }
                }
            }
            return JSON.response(answers)
        }
        addAnalysisRoutes(to: v1)
        addHistoryRoutes(to: v1)
        addLandedRoutes(to: v1)
        addSimulationRoutes(to: v1)
        v1.post("admin/data/build") { [self] request, _ in
            try authorize(request)
            guard let dataDirectory = options.dataDirectory else {
                throw TarifError(.missingInput, "the server was started without a data directory (--data)")
            }
            let started = build.withLock { status -> Bool in
                if case .running = status { return false }
                status = .running(since: Date())
                return true
            }
            guard started else { throw HTTPError(.conflict, message: "a data build is already running; GET /v1/admin/data/build tells when it ends") }
            let tarif = service.tarif
            Task.detached { [self] in
                let outcome: BuildStatus
                do {
                    // Minutes of blocking work: on NIO's thread pool, not on the threads that answer requests.
                    let (database, reports) = try await NIOThreadPool.singleton.runIfActive {
                        guard let database = try tarif.database ?? self.options.buildDatabase.map({ try TarifDatabase(path: $0) }) else {
                            throw TarifError(.missingInput, "the server has no database to build into (--db)")
                        }
                        return (database, try DataBuilder(database: database).build(from: dataDirectory, catalog: try Catalog.bundled()))
                    }
                    if let publish = options.publish { try await publish(database) }
                    let fresh = try await NIOThreadPool.singleton.runIfActive { try DutyService(tarif: tarif) }
                    current.withLock { $0 = fresh }
                    outcome = .done(at: Date(), loaded: reports.count, dataTag: fresh.dataTag)
                } catch {
                    outcome = .failed(at: Date(), message: (error as? TarifError)?.message ?? "\(error)")
                }
                build.withLock { $0 = outcome }
            }
            var response = JSON.response(build.withLock { $0 }, status: .accepted)
            response.headers[.location] = "/v1/admin/data/build"
            return response
        }
        v1.get("admin/data/build") { [self] request, _ in
            try authorize(request)
            return JSON.response(build.withLock { $0 })
        }
        return router
    }

    /// One duty question, from the query string (`GET /v1/duty`) or a batch body; errors name
    /// the parameter and where it came from (`query`, `body[3]`).
    static func duty(_ q: DutyQuestion, from place: String, service: DutyService) throws -> DutyResolution {
        let a = try DutyArguments(q, from: place, registry: service.registry)
        return try service.duty(importer: a.importer, origin: a.origin, code: a.code, on: a.day, customsValue: a.value, quantities: a.quantities)
    }

    func duty(_ q: DutyQuestion, from place: String, service: DutyService) throws -> DutyResolution {
        try Self.duty(q, from: place, service: service)
    }

    /// ``duty(_:from:service:)`` when the line is in memory (nil when it must be read from the store).
    static func dutyFromMemory(_ q: DutyQuestion, from place: String, service: DutyService) throws -> DutyResolution? {
        let a = try DutyArguments(q, from: place, registry: service.registry)
        return try service.dutyFromMemory(importer: a.importer, origin: a.origin, code: a.code, on: a.day, customsValue: a.value, quantities: a.quantities)
    }

    /// Admin routes need `Authorization: Bearer <token>` matching the server's token.
    func authorize(_ request: Request) throws {
        guard let adminToken = options.adminToken else {
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

/// Where the admin data build stands.
enum BuildStatus: Encodable, Sendable {
    case idle
    case running(since: Date)
    case done(at: Date, loaded: Int, dataTag: String)
    case failed(at: Date, message: String)

    private enum Keys: String, CodingKey { case status, since, at, loaded, dataTag, message }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        let iso = ISO8601DateFormatter()
        switch self {
        case .idle: try c.encode("idle", forKey: .status)
        case .running(let since):
            try c.encode("running", forKey: .status)
            try c.encode(iso.string(from: since), forKey: .since)
        case .done(let at, let loaded, let tag):
            try c.encode("done", forKey: .status)
            try c.encode(iso.string(from: at), forKey: .at)
            try c.encode(loaded, forKey: .loaded)
            try c.encode(tag, forKey: .dataTag)
        case .failed(let at, let message):
            try c.encode("failed", forKey: .status)
            try c.encode(iso.string(from: at), forKey: .at)
            try c.encode(message, forKey: .message)
        }
    }
}

struct DutyQuestion: Decodable {
    var importer: String
    var code: String
    var origin: String?
    var on: String?
    var value: String?
    /// The quantities a specific rate is charged on ("2000000kg", "70 l"): up to ``DutyArguments/maxQuantities``.
    var quantity: [String]?

    /// The question of `GET /v1/duty`'s query string (`quantity` may be repeated).
    init(_ q: Query) throws {
        importer = try q.require("importer")
        code = try q.require("code")
        origin = q["origin"]
        on = q["on"]
        value = q["value"]
        let quantities = q.all("quantity")
        quantity = quantities.isEmpty ? nil : quantities
    }
}

/// A duty question read: the countries found in the registry, the code, day and value parsed.
struct DutyArguments {
    var importer: CountryCode
    var origin: CountryCode?
    var code: TariffCode
    var day: Day
    var value: ExactDecimal?
    var quantities: [Quantity]

    /// At most this many quantities in one question (a line's rates need one or two: mass and volume, say).
    static let maxQuantities = 8

    init(_ q: DutyQuestion, from place: String, registry: borrowing Registry) throws {
        importer = try registry.countryCode(named: q.importer)
        origin = try q.origin.map { try registry.countryCode(named: $0) }
        code = try Query.code(q.code, field: "code", from: place)
        day = try Query.day(q.on, from: place)
        value = try Query.amount(q.value, field: "value", from: place)
        let texts = q.quantity ?? []
        guard texts.count <= Self.maxQuantities else {
            throw TarifError(.tooLarge, "at most \(Self.maxQuantities) quantities (\(texts.count) given)", at: SourceLocation(file: place, field: "quantity"))
        }
        quantities = try texts.map { text in
            do { return try Quantity(parsing: text) } catch let e as TarifError { throw TarifError(e.code, e.message, at: SourceLocation(file: place, field: "quantity")) }
        }
    }
}

struct BatchAnswer: Encodable {
    var resolution: DutyResolution?
    var error: APIErrorBody.Detail?
}

struct CountrySummary: Encodable {
    var code: String
    var name: String
}


struct LinesAnswer: Encodable {
    struct Line: Encodable {
        var code: String
        var description: String
        var descriptionLocal: String?
        /// The headings above the line, outermost first.
        var path: [String]
    }
    var schedule: String
    /// When the words were found in another schedule's descriptions (another language) and
    /// this market's lines are those under the same HS subheadings: that schedule's title.
    var matchedVia: String?
    /// Everyday words replaced by the schedule's words (``SearchVocabulary``) when the words as given found nothing.
    var replaced: [Replacement]?
    struct Replacement: Encodable {
        var word: String
        var by: String
    }
    var lines: [Line]
}

struct ScheduleSummary: Encodable {
    var importer: String
    var name: String?
    var series: String
    var title: String
    var validFrom: String
    var validTo: String?
    var lines: Int
}

/// The query string of a request, read with errors that name the parameter.
struct Query {
    /// The parameters, read as a form encodes them (``QueryString``).
    private let parameters: QueryString

    init(_ request: Request) { self.init(request.uri) }

    init(_ uri: URI) { self.init(query: uri.query) }

    init(query: String?) { parameters = QueryString(query) }

    subscript(_ name: String) -> String? { parameters[name] }

    /// Every value of a repeatable parameter, in order.
    func all(_ name: String) -> [String] { parameters.all(name) }

    func require(_ name: String) throws -> String {
        guard let v = self[name], !v.isEmpty else {
            throw TarifError(.missingInput, "the query parameter '\(name)' is required", at: SourceLocation(file: "query", field: name))
        }
        return v
    }

    /// `on` as YYYY-MM-DD; today when absent.
    func day() throws -> Day { try Self.day(self["on"], from: "query") }

    /// A date parameter `on`, today when absent.
    static func day(_ text: String?, from place: String) throws -> Day {
        guard let text else { return Day.today() }
        do { return try Day(iso: text) } catch {
            throw TarifError(.badDate, "'\(InputLimits.echo(text))' is not a date; write YYYY-MM-DD", at: SourceLocation(file: place, field: "on"))
        }
    }

    func int(_ name: String, default value: Int) throws -> Int {
        guard let text = self[name] else { return value }
        guard let v = Int(text), v > 0, v <= 1_000 else {
            throw TarifError(.badNumber, "'\(InputLimits.echo(text))' is not a whole number from 1 to 1000", at: SourceLocation(file: "query", field: name))
        }
        return v
    }

    /// A customs value parameter, nil when absent; within ``InputLimits``.
    static func amount(_ text: String?, field: String, from place: String) throws -> ExactDecimal? {
        guard let text else { return nil }
        do { return try InputLimits.number(text, field: field, kind: .amount) } catch {
            throw TarifError(error.code, error.message, at: SourceLocation(file: place, field: field))
        }
    }

    static func code(_ text: String, field: String = "code", from place: String = "path") throws -> TariffCode {
        do { return try TariffCode(text) } catch let e as TarifError {
            throw TarifError(e.code, e.message, at: SourceLocation(file: place, field: field))
        }
    }
}
