import Hummingbird
import TarifCore
import TarifKit
import TarifRegistry
import TarifRules

/// The landed cost of a consignment over HTTP, as `tarif landed` answers it.
extension TarifAPI {
    func addLandedRoutes(to v1: RouterGroup<TarifRequestContext>) {
        // GET /v1/landed?importer=IDN&code=1006.30.99&origin=VNM&on=2026-03-01&value=500000&currency=USD&fx=16250
        //     &incoterm=FOB&freight=20000&insurance=1500&quantity=2000000kg
        v1.get("landed") { [self] request, _ in
            let s = service
            let q = Query(request)
            let question = try Self.landedQuestion(q, registry: s.registry)
            let answer = try await Self.namingTheField { try await withTimeLimit(options.timeLimit) {
                let own = try s.tarif.schedule(for: question.importer, on: question.day).info.currency
                var price = question.price
                price.currency = question.currency ?? own
                let basis = CustomsValuation.basis(of: question.importer)?.basis ?? "CIF"
                if question.incoterm == nil { price.incoterm = basis == "FOB" ? .fob : .cif }
                return try s.tarif.landed(
                    importer: question.importer, origin: question.origin, code: question.code, on: question.day, price: price,
                    quantities: question.quantities, inputs: question.inputs, registry: s.registry)
            } }
            return JSON.response(answer)
        }
    }

    /// An error the valuation or the taxes raise names its input as the CLI writes it (`--freight is
    /// needed`, `give --quantity`); the answer names the query parameter too.
    static func namingTheField<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let e as TarifError where e.location == nil && e.message.contains("--") {
            let option = e.message[e.message.range(of: "--")!.upperBound...].prefix { $0.isLetter || $0 == "-" }
            let field = option == "vat-rate" ? "vatRate" : option == "no-api" ? "api" : String(option)
            throw TarifError(e.code, e.message, at: SourceLocation(file: "query", field: field))
        }
    }

    struct LandedQuestion: Sendable {
        var importer: CountryCode
        var origin: CountryCode?
        var code: TariffCode
        var day: Day
        var price: ConsignmentPrice
        var currency: Currency?
        var incoterm: Incoterm?
        var quantities: [Quantity]
        var inputs: BorderTaxInputs
    }

    /// The question's parameters, each error naming its parameter.
    static func landedQuestion(_ q: Query, registry: borrowing Registry) throws -> LandedQuestion {
        func at(_ field: String) -> SourceLocation { SourceLocation(file: "query", field: field) }
        func located<T>(_ field: String, _ body: () throws -> T) throws -> T {
            do { return try body() } catch let e as TarifError { throw TarifError(e.code, e.message, at: at(field)) }
        }
        func number(_ field: String, kind: InputLimits.NumberKind = .amount) throws -> ExactDecimal? {
            guard let text = q[field] else { return nil }
            return try located(field) { try InputLimits.number(text, field: field, kind: kind) }
        }
        func percent(_ field: String) throws -> ExactDecimal? {
            guard let p = try number(field, kind: .fact) else { return nil }
            guard p <= 100 else { throw TarifError(.badInput, "\(field) \(p.normalized) is not a percentage from 0 to 100", at: at(field)) }
            return p
        }
        let importer = try located("importer") { try registry.countryCode(named: try q.require("importer")) }
        let origin = try q["origin"].map { o in try located("origin") { try registry.countryCode(named: o) } }
        let code = try Query.code(try q.require("code"), field: "code", from: "query")
        let day = try q.day()
        guard let value = try number("value") else { throw TarifError(.missingInput, "the query parameter 'value' is required", at: at("value")) }
        let currency = try q["currency"].map { c in try located("currency") { try Currency(c.uppercased()) } }
        let incoterm = try q["incoterm"].map { t in try located("incoterm") { try Incoterm(parsing: t) } }
        var inputs = BorderTaxInputs()
        if let t = q["transport"] {
            guard let transport = BorderTaxInputs.Transport(rawValue: t.lowercased()) else {
                throw TarifError(.badInput, "transport '\(InputLimits.echo(t))' is not one of sea, air, land, mail", at: at("transport"))
            }
            inputs.transport = transport
        }
        if let e = q["entry"] {
            guard let entry = BorderTaxInputs.Entry(rawValue: e.lowercased()) else {
                throw TarifError(.badInput, "entry '\(InputLimits.echo(e))' is not one of formal, informal", at: at("entry"))
            }
            inputs.entry = entry
        }
        if let a = q["api"] {
            guard ["yes", "no", "true", "false"].contains(a.lowercased()) else {
                throw TarifError(.badInput, "api '\(InputLimits.echo(a))' is not yes or no", at: at("api"))
            }
            inputs.importerIdentification = ["yes", "true"].contains(a.lowercased())
        }
        if let f = q["food"] {
            guard ["yes", "no"].contains(f.lowercased()) else { throw TarifError(.badInput, "food '\(InputLimits.echo(f))' is not yes or no", at: at("food")) }
            inputs.food = f.lowercased() == "yes"
        }
        inputs.pph22Rate = try percent("pph22")
        inputs.ppnbmRate = try percent("ppnbm")
        inputs.vatRate = try percent("vatRate")
        inputs.incidentalCosts = try number("incidental")
        let quantities = try q.all("quantity").map { text in try located("quantity") { try Quantity(parsing: text) } }
        guard quantities.count <= 8 else { throw TarifError(.tooLarge, "at most 8 quantities", at: at("quantity")) }
        let price = ConsignmentPrice(
            amount: value, currency: currency ?? .usd, incoterm: incoterm ?? .cif, freight: try number("freight"), insurance: try number("insurance"),
            exchangeRate: try number("fx", kind: .exchangeRate))
        return LandedQuestion(
            importer: importer, origin: origin, code: code, day: day, price: price, currency: currency, incoterm: incoterm, quantities: quantities,
            inputs: inputs)
    }
}
