import Foundation
import Hummingbird
import TarifCore
import TarifKit
import TarifRegistry
import TarifSimulation

/// The simulations over HTTP: SMART (a JSON question), and PPML gravity estimation and GE
/// counterfactuals on a panel sent as CSV (plain or gzip-compressed), options in the query.
extension TarifAPI {
    /// Largest panel accepted by the gravity and GE routes (413 beyond).
    /// The largest panel read, as sent and once uncompressed (the largest in the project's data is 7.5 MB).
    public static let maxPanelBody = 32 << 20

    func addSimulationRoutes(to v1: RouterGroup<TarifRequestContext>) {
        // POST /v1/simulate/smart with a SMARTQuestion.
        v1.post("simulate/smart") { [self] request, _ in
            let s = service
            let body = try await request.body.collect(upTo: Self.maxBody)
            let question = try Self.decodeBody(SMARTQuestion.self, body, expecting: "a SMART question (see /openapi.json)")
            let study = try question.study(registry: s.registry)
            let outcome = try await withTimeLimit(options.timeLimit) { try study.run(tarif: s.tarif, registry: s.registry) }
            return JSON.response(outcome)
        }
        // POST /v1/gravity/estimate?formula=…[&where=…][&cluster=…][&vcov=…] with the panel as CSV.
        v1.post("gravity/estimate") { [self] request, _ in
            let q = Query(request)
            let study = try GravityStudy(
                formula: try q.require("formula"), clusters: Self.all("cluster", in: request), vcov: q["vcov"],
                keepSingletons: q["keepSingletons"] == "true", place: "query")
            let filters = Self.all("where", in: request)
            let panel = try await Self.panel(from: request)
            let deadline = ContinuousClock.now + .milliseconds(Int(options.timeLimit * 1000))
            let estimate = try await withTimeLimit(options.timeLimit) {
                try Self.withPanel(panel) { try study.estimate(GravityData.panel(at: $0, where: filters, displayName: "body", maxBytes: Self.maxPanelBody, deadline: deadline), deadline: deadline) }
            }
            return JSON.response(estimate)
        }
        // POST /v1/simulate/ge?output=&expenditure=&sigma=&reference=&shock=…&(formula=…|coefficient=name:value…) with the panel as CSV.
        v1.post("simulate/ge") { [self] request, _ in
            let q = Query(request)
            let shocks = try Self.all("shock", in: request).map { text in
                do { return try GEShock(parsing: text) } catch var e as TarifError {
                    e.location = SourceLocation(file: "query", field: "shock")
                    throw e
                }
            }
            guard let sigma = Double(try q.require("sigma")), sigma > 1, sigma.isFinite else {
                throw TarifError(.badNumber, "sigma '\(q["sigma"] ?? "")' must be a number above 1", at: SourceLocation(file: "query", field: "sigma"))
            }
            let given = try Self.all("coefficient", in: request).map { text -> (GravityFormula.Regressor, Double) in
                let parts = text.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, let beta = Double(parts[1].trimming(" ")), beta.isFinite else {
                    throw TarifError(.badInput, "coefficient '\(InputLimits.echo(text))': write variable:value, e.g. lndist:-0.8", at: SourceLocation(file: "query", field: "coefficient"))
                }
                return (try GEStudy.regressor(String(parts[0]).trimming(" "), place: "query"), beta)
            }
            let costs: GEStudy.Costs
            switch (q["formula"], given.isEmpty) {
            case (let f?, true): costs = .estimate(try GravityFormula(parsing: f))
            case (nil, false): costs = .given(given)
            default:
                throw TarifError(.missingInput, "give either formula (the costs are estimated on the panel) or coefficient=variable:value", at: SourceLocation(file: "query", field: "formula"))
            }
            var study = try GEStudy(
                output: try q.require("output"), expenditure: try q.require("expenditure"), sigma: sigma, reference: try q.require("reference"),
                costs: costs, shocks: shocks, place: "query")
            study.exporter = q["exporter"] ?? "exporter"
            study.importer = q["importer"] ?? "importer"
            let filters = Self.all("where", in: request)
            let panel = try await Self.panel(from: request)
            let ready = study
            let deadline = ContinuousClock.now + .milliseconds(Int(options.timeLimit * 1000))
            let outcome = try await withTimeLimit(options.timeLimit) {
                try Self.withPanel(panel) {
                    try ready.run(GravityData.panel(at: $0, where: filters, displayName: "body", maxBytes: Self.maxPanelBody, deadline: deadline))
                }
            }
            return JSON.response(
                GEAnswer(
                    result: outcome.result, costs: outcome.costs.map { .init(variable: $0.0.description, coefficient: $0.1) },
                    notes: outcome.collinear.isEmpty ? [] : ["\(outcome.collinear.joined(separator: ", ")) dropped as collinear in the estimation; not a trade cost"]))
        }
    }

    /// Every value of a repeatable query parameter, percent-decoded.
    static func all(_ name: String, in request: Request) -> [String] {
        Query(request).all(name)
    }

    /// The request's body, a CSV panel (up to ``maxPanelBody``).
    static func panel(from request: Request) async throws -> ByteBuffer {
        let body = try await request.body.collect(upTo: maxPanelBody)
        guard body.readableBytes > 0 else {
            throw TarifError(.missingInput, "send the panel as the body: CSV with a header row (gzip-compressed or not)", at: SourceLocation(file: "body"))
        }
        return body
    }

    /// Runs `work` on the panel written to a file of its own (the CSV reader reads files, plain
    /// or gzip), removed afterwards whatever happens.
    static func withPanel<T>(_ body: ByteBuffer, _ work: (String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tarif-panel-\(UUID().uuidString).csv").path
        guard FileManager.default.createFile(atPath: path, contents: Data(buffer: body)) else {
            throw TarifError(.io, "the server could not keep the panel for reading", at: SourceLocation(file: "body"))
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try work(path)
    }
}

/// `POST /v1/simulate/smart`: flows into one market and the change to simulate.
struct SMARTQuestion: Decodable {
    struct Flow: Decodable {
        var product: String?
        var partner: String
        /// Imports at world prices.
        var imports: Double
        /// Percent (may be left out with an agreement: the engine gives the rates).
        var tariff: Double?
        /// Percent; this flow's own new tariff.
        var newTariff: Double?
    }
    struct Scenario: Decodable {
        /// Percent.
        var set: Double?
        /// A share from 0 to 1.
        var cut: Double?
        /// The Swiss formula's coefficient.
        var swiss: Double?
    }
    var elasticity: Double
    var sigma: Double?
    var supplyElasticity: Double?
    var flows: [Flow]
    var scenario: Scenario?
    var partners: [String]?
    var importer: String?
    var agreement: String?
    var on: String?

    func study(registry: Registry) throws -> SMARTStudy {
        func fail(_ field: String, _ message: String, _ code: TarifError.Code = .badInput) -> TarifError {
            TarifError(code, message, at: SourceLocation(file: "body", field: field))
        }
        guard !flows.isEmpty else { throw fail("flows", "give at least one flow {partner, imports, tariff}", .missingInput) }
        guard flows.count <= 10_000 else { throw fail("flows", "at most 10,000 flows per question (got \(flows.count))") }
        var rows: [SMARTStudy.Row] = []
        for (i, f) in flows.enumerated() {
            let partner: CountryCode
            do { partner = try registry.countryCode(named: f.partner) } catch var e as TarifError {
                e.location = SourceLocation(file: "body", field: "flows[\(i)].partner")
                throw e
            }
            guard f.imports.isFinite, f.imports >= 0 else { throw fail("flows[\(i)].imports", "imports must be zero or more", .badNumber) }
            guard agreement != nil || f.tariff != nil else { throw fail("flows[\(i)].tariff", "the tariff (percent) is missing", .missingInput) }
            let before = (f.tariff ?? 0) / 100
            guard before.isFinite, before >= 0 else { throw fail("flows[\(i)].tariff", "the tariff must be zero or more (percent)", .badNumber) }
            if let n = f.newTariff, !(n.isFinite && n >= 0) { throw fail("flows[\(i)].newTariff", "the new tariff must be zero or more (percent)", .badNumber) }
            rows.append((f.product ?? "", SMARTFlow(partner: partner, imports: f.imports, tariffBefore: before, tariffAfter: before), f.newTariff.map { $0 / 100 }))
        }
        let parameters: SMARTParameters
        do { parameters = try SMARTParameters(importDemandElasticity: elasticity, substitutionElasticity: sigma ?? 1.5, supplyElasticity: supplyElasticity) } catch var e as TarifError {
            let limit = SMARTParameters.maxElasticity
            let field = !(elasticity < 0 && elasticity >= -limit) ? "elasticity" : (sigma.map { !($0 >= 0 && $0 <= limit) } ?? false) ? "sigma" : "supplyElasticity"
            e.location = SourceLocation(file: "body", field: field)
            throw e
        }
        let rules = [scenario?.set.map { TariffScenario.set($0 / 100) }, scenario?.cut.map { TariffScenario.cut($0) }, scenario?.swiss.map { TariffScenario.swiss($0) }].compactMap { $0 }
        guard rules.count <= 1 else { throw fail("scenario", "give one of set, cut or swiss") }
        if let agreement {
            guard rules.isEmpty else { throw fail("scenario", "an agreement is a scenario of its own; leave out set, cut and swiss") }
            guard let importer else { throw fail("importer", "an agreement scenario needs the importer (the market whose schedule gives the rates)", .missingInput) }
            let market: CountryCode
            do { market = try registry.countryCode(named: importer) } catch var e as TarifError {
                e.location = SourceLocation(file: "body", field: "importer")
                throw e
            }
            return SMARTStudy(rows: rows, parameters: parameters, scenario: .agreement(agreement, importer: market, day: try Query.day(on, from: "body")))
        }
        let targets = try partners.map { list in
            try Set(list.enumerated().map { i, name in
                do { return try registry.countryCode(named: name) } catch var e as TarifError {
                    e.location = SourceLocation(file: "body", field: "partners[\(i)]")
                    throw e
                }
            })
        }
        return SMARTStudy(rows: rows, parameters: parameters, scenario: .rule(rules.first, partners: targets))
    }
}

/// `POST /v1/simulate/ge`'s answer: the counterfactual, the trade costs it used, and notes.
struct GEAnswer: Encodable {
    struct Cost: Encodable {
        var variable: String
        var coefficient: Double
    }
    var result: GEResult
    var costs: [Cost]
    var notes: [String]
}
