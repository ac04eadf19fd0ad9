public import TarifCore
public import TarifRules

/// One market in the ranking of where an origin's product pays least.
public struct MarketRanking: Sendable, Codable, Hashable {
    public var importer: CountryCode
    public var name: String
    /// The national lines under the product that carry rates.
    public var lines: Int
    /// Simple average of the applied ad valorem rates over those lines (percent), when any are ad valorem.
    public var averageRate: ExactDecimal?
    public var minRate: ExactDecimal?
    public var maxRate: ExactDecimal?
    /// Simple average of the MFN (or column 2) rates over the same lines, and the margin the preferences give.
    public var averageFloorRate: ExactDecimal?
    public var margin: ExactDecimal?
    /// The treatments applied, with how many lines each.
    public var treatments: [String: Int]
    /// Lines whose applied rate is not ad valorem (specific, compound), with an example.
    public var nonAdValorem: Int
    public var example: String?
    public var schedule: String
    public var scheduleFrom: Day
}

/// One origin in the ranking of who pays what into a market.
public struct OriginRanking: Sendable, Codable, Hashable {
    public var origin: CountryCode
    public var name: String
    public var treatment: String
    public var kind: Treatment.Kind
    public var rate: String
    /// The applied rate in percent, when ad valorem.
    public var ratePercent: ExactDecimal?
    public var duty: Money?
    public var saved: Money?
}

extension ResolutionIndex {
    /// Every market in the index ranked by the simple-average applied ad valorem rate an
    /// `origin` good under `product` (an HS subheading or any prefix) pays there on `day`.
    public func markets(from origin: CountryCode, product: TariffCode, on day: Day) throws -> [MarketRanking] {
        var out: [MarketRanking] = []
        for importer in importerCodes where importer != origin {
            guard let currency = currency(of: importer, on: day) else { continue }
            let codes = rateLines(of: importer, on: day, related: product)
            guard !codes.isEmpty else { continue }
            let context = DutyContext(currency: currency, day: day)
            var rates: [ExactDecimal] = []
            var floors: [ExactDecimal] = []
            var treatments: [String: Int] = [:]
            var non = 0
            var example: String?
            for code in codes {
                guard let q = try resolve(importer: importer, origin: origin, code: code, day: day, context: context) else { continue }
                treatments[q.label, default: 0] += 1
                if let p = q.rate.adValoremRate?.value {
                    rates.append(p)
                    if let f = q.floorRate.adValoremRate?.value { floors.append(f) }
                } else {
                    non += 1
                    if example == nil { example = "\(code): \(q.rate.summary)" }
                }
            }
            let avg = try Self.average(rates)
            let favg = floors.count == rates.count ? try Self.average(floors) : nil
            out.append(
                MarketRanking(
                    importer: importer, name: registry.countries[importer]?.name ?? importer.rawValue, lines: codes.count, averageRate: avg,
                    minRate: rates.min(), maxRate: rates.max(), averageFloorRate: favg,
                    margin: try favg.flatMap { f in try avg.map { try f - $0 } }, treatments: treatments, nonAdValorem: non, example: example,
                    schedule: importer.rawValue, scheduleFrom: day))
        }
        return out.sorted { ($0.averageRate ?? 1_000_000, $0.importer.rawValue) < ($1.averageRate ?? 1_000_000, $1.importer.rawValue) }
    }

    /// Every origin ranked by the duty (or, without a customs value, the ad valorem rate)
    /// its goods pay on `code` into `importer` on `day`.
    public func origins(to importer: CountryCode, code: TariffCode, on day: Day, context: DutyContext) throws -> [OriginRanking] {
        var out: [OriginRanking] = []
        for (origin, country) in registry.countries where origin != importer {
            guard let q = try resolve(importer: importer, origin: origin, code: code, day: day, context: context) else { continue }
            out.append(
                OriginRanking(
                    origin: origin, name: country.name, treatment: q.label + (q.tiedWith.isEmpty ? "" : " = " + q.tiedWith.joined(separator: ", ")),
                    kind: q.kind, rate: q.rate.summary, ratePercent: q.rate.adValoremRate?.value, duty: q.duty, saved: q.saved))
        }
        func key(_ r: OriginRanking) -> ExactDecimal { r.duty?.amount ?? r.ratePercent ?? 1_000_000_000 }
        return out.sorted { (key($0), $0.origin.rawValue) < (key($1), $1.origin.rawValue) }
    }

    static func average(_ xs: [ExactDecimal]) throws(TarifError) -> ExactDecimal? {
        guard !xs.isEmpty else { return nil }
        return try ExactDecimal.sum(xs).divided(by: ExactDecimal(xs.count), scale: 2, rule: .halfUp)
    }
}
