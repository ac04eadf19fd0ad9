import Foundation
import Hummingbird
import TarifCore
import TarifKit
import TarifOrigin
import TarifRegistry
import TarifRules

/// The MFN audit and the origin check over HTTP.
extension TarifAPI {
    func addAnalysisRoutes(to v1: RouterGroup<TarifRequestContext>) {
        // GET /v1/audit/{importer}?on=&origins=VNM,THA&grant=VNM:1006.30:0&findings=100
        v1.get("audit/:importer") { [self] request, context in
            let s = service
            let q = Query(request)
            let importer = try s.registry.countryCode(named: try context.parameters.require("importer"))
            let day = try q.day()
            let limit = try q.int("findings", default: 100)
            let currency = try s.schedule(for: importer, on: day).info.currency
            let grants = try q.all("grant").map { text in
                do { return try HypotheticalGrant.parse(text, currency: currency) } catch var e as TarifError {
                    e.location = SourceLocation(file: "query", field: "grant")
                    throw e
                }
            }
            let origins = try q["origins"].map { list in
                try list.split(separator: ",").map { name in
                    do { return try s.registry.countryCode(named: String(name).trimming(" ")) } catch var e as TarifError {
                        e.location = SourceLocation(file: "query", field: "origins")
                        throw e
                    }
                }
            }
            var report = try await withTimeLimit(options.timeLimit) {
                try s.tarif.audit(importer: importer, on: day, origins: origins, grants: grants, registry: s.registry)
            }
            if report.findings.count > limit {
                report.notes.append("findings: the first \(limit) of \(report.findings.count) are listed; ask with findings=\(report.findings.count) for all")
                report.findings = Array(report.findings.prefix(limit))
            }
            return JSON.response(report)
        }
        // POST /v1/origin/check with a production (bill of materials, costs, operations) as JSON.
        v1.post("origin/check") { [self] request, _ in
            let s = service
            let body = try await request.body.collect(upTo: Self.maxBody)
            let question = try Self.decodeBody(OriginQuestion.self, body, expecting: "an origin question (see /openapi.json)")
            return JSON.response(try await withTimeLimit(options.timeLimit) { try question.evaluate(registry: s.registry, tarif: s.tarif) })
        }
        // GET /v1/origin/rules/{importer}/{code}?scheme=japan&on=D: the product-specific rule sets
        // of a scheme covering the code, narrowest first, with the alternatives in force on the day.
        v1.get("origin/rules/:importer/:code") { [self] request, context in
            let s = service
            let q = Query(request)
            let importer = try s.registry.countryCode(named: try context.parameters.require("importer"))
            let code = try Query.code(try context.parameters.require("code"), field: "code", from: "path")
            let scheme = try q.require("scheme")
            let day = try Query.day(q["on"], from: "query")
            return JSON.response(try await withTimeLimit(options.timeLimit) { try s.tarif.productRuleAnswer(importer: importer, scheme: scheme, code: code, on: day) })
        }
    }

    /// A JSON decoding error in a sentence: what was wrong and at which key path.
    /// A JSON request body decoded as `T`, its nesting checked first (Foundation's decoder is
    /// recursive); every failure a 400 that says what the body must be and where it is wrong.
    static func decodeBody<T: Decodable>(_ type: T.Type, _ body: ByteBuffer, expecting what: String) throws -> T {
        try JSONNesting.check(body.readableBytesView, place: "body")
        do { return try JSONDecoder().decode(T.self, from: Data(buffer: body)) } catch {
            throw TarifError(.badInput, "the body must be \(what): \(Self.describe(error))", at: SourceLocation(file: "body"))
        }
    }

    static func describe(_ error: any Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingPrefix(".").description
        }
        switch e {
        case .keyNotFound(let key, let c): return "\(path(c.codingPath + [key])) is missing"
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            return "\(path(c.codingPath)): \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// A number given as a JSON string ("1200.50", exact) or a JSON number.
struct DecimalText: Decodable {
    let text: String
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) { text = s } else { text = "\(try c.decode(Double.self))" }
    }
}

/// `POST /v1/origin/check`: a good, how it was made, and the agreement whose rule applies.
struct OriginQuestion: Decodable {
    struct MaterialInput: Decodable {
        var code: String
        var origin: String?
        var value: DecimalText
        var description: String?
        var originating: Bool?
        var weight: DecimalText?
    }
    struct TransitInput: Decodable {
        var country: String
        var processed: Bool?
    }
    var agreement: String
    var product: String
    var exporter: String
    var importer: String?
    var on: String?
    var fob: DecimalText?
    /// Ex-works price (what a MaxNOM and the UK schemes' tolerance are shares of).
    var exWorks: DecimalText?
    /// The good's net weight, for rules by weight.
    var weight: DecimalText?
    /// Into GBR: which of the rule sets covering the product applies (1 = the narrowest).
    var ruleSet: Int?
    /// Into GBR: count the scheme's extended-cumulation countries' materials as originating.
    var extendedCumulation: Bool?
    var labour: DecimalText?
    var overhead: DecimalText?
    var profit: DecimalText?
    var otherCosts: DecimalText?
    var materials: [MaterialInput]
    var operations: [String]?
    var processes: [String]?
    var transits: [TransitInput]?
    var whollyObtained: Bool?

    func evaluate(registry: Registry, tarif: Tarif) throws -> OriginResult {
        func at(_ field: String, _ body: () throws -> Void) throws {
            do { try body() } catch var e as TarifError {
                e.location = SourceLocation(file: "body", field: field)
                throw e
            }
        }
        func number(_ value: DecimalText?, _ field: String) throws -> ExactDecimal {
            guard let value else { return .zero }
            do { return try InputLimits.number(value.text, field: field, kind: .amount) } catch {
                throw TarifError(error.code, error.message, at: SourceLocation(file: "body", field: field))
            }
        }
        var day = Day.today(), exporter = CountryCode.indonesia, importer: CountryCode?, product = try TariffCode("01")
        var regime: OriginRegime?, parties: Set<CountryCode> = []
        try at("on") { day = try Query.day(on, from: "body") }
        try at("importer") { importer = try self.importer.map { try registry.countryCode(named: $0) } }
        // Into the UK: the scheme's published product-specific rules.
        let intoUK = importer == .unitedKingdom && !Registry.key(agreement).hasPrefix("atiga")
        if !intoUK { try at("agreement") {
            regime = try OriginData.regime(named: agreement, registry: registry)
            parties = try OriginData.parties(of: regime!.agreement, on: day, registry: registry)
        } }
        try at("exporter") { exporter = try registry.countryCode(named: self.exporter) }
        if !intoUK {
            guard let regime else { throw TarifError(.notFound, "no rules of origin for \(agreement)") }
            guard parties.contains(exporter) else {
                throw TarifError(.notFound, "\(exporter) is not a party to \(regime.agreement) on \(day)", at: SourceLocation(file: "body", field: "exporter"))
            }
        }
        try at("product") { product = try TariffCode(self.product) }
        guard !materials.isEmpty || whollyObtained == true else {
            throw TarifError(.missingInput, "materials: list the materials used, or set whollyObtained", at: SourceLocation(file: "body", field: "materials"))
        }
        var list: [Material] = []
        for (i, m) in materials.enumerated() {
            var code = product
            var origin: CountryCode?
            try at("materials[\(i)].code") { code = try TariffCode(m.code) }
            try at("materials[\(i)].origin") { origin = try m.origin.map { try registry.countryCode(named: $0) } }
            list.append(
                Material(
                    row: i + 1, code: code, origin: origin, value: try number(m.value, "materials[\(i)].value"),
                    description: m.description ?? "", originating: m.originating,
                    weight: try m.weight.map { try number($0, "materials[\(i)].weight") }))
        }
        var transits: [Transit] = []
        for (i, t) in (self.transits ?? []).enumerated() {
            try at("transits[\(i)].country") { transits.append(Transit(country: try registry.countryCode(named: t.country), processed: t.processed ?? false)) }
        }
        let production = Production(
            product: product, exporter: exporter, importer: importer, materials: list, fob: try number(fob, "fob"),
            labour: try number(labour, "labour"), overhead: try number(overhead, "overhead"), profit: try number(profit, "profit"),
            otherCosts: try number(otherCosts, "otherCosts"), operations: operations, processes: processes ?? [],
            whollyObtained: whollyObtained ?? false, transits: transits, exWorks: try exWorks.map { try number($0, "exWorks") },
            weight: try weight.map { try number($0, "weight") })
        if intoUK {
            do {
                return try tarif.checkOrigin(
                    importer: .unitedKingdom, scheme: agreement, production: production, on: day, ruleSet: ruleSet ?? 1,
                    extendedCumulation: extendedCumulation ?? false)
            } catch var e as TarifError {
                // Fields named as the body names them.
                let names = ["scheme": "agreement", "rule-set": "ruleSet", "exporter": "exporter", "product": "product", "importer": "importer"]
                if let f = e.location?.field { e.location = SourceLocation(file: "body", field: names[f] ?? f) }
                throw e
            }
        }
        guard let regime else { throw TarifError(.notFound, "no rules of origin for \(agreement)") }
        let rule = OriginData.rule(for: product, agreement: regime.agreement, in: [])
        return try OriginEvaluator(regime: regime, parties: parties).evaluate(production, rule: rule)
    }
}
