public import TarifCore

/// The parameters of a SMART simulation for one product in one market.
///
/// SMART is the partial-equilibrium model of the World Bank's WITS (Laird and Yeats, 1990,
/// *Quantitative Methods for Trade-Barrier Analysis*; Jammes and Olarreaga, 2005,
/// "Explaining SMART and GSIM"): goods from different partners are imperfect substitutes
/// (Armington); total imports of the product respond to its average price with the import
/// demand elasticity, and their split among partners to relative prices with the
/// elasticity of substitution.
public struct SMARTParameters: Sendable, Hashable, Codable {
    /// The import demand elasticity, a negative number (−1.5: imports fall 1.5% for a 1% price rise).
    public var importDemandElasticity: Double
    /// The elasticity of substitution between partners' goods (WITS default 1.5).
    public var substitutionElasticity: Double
    /// The export supply elasticity; `nil`: infinite (world prices do not move, the WITS default).
    public var supplyElasticity: Double?

    /// - Throws: ``TarifError`` `.badNumber` for a non-negative import demand elasticity, a
    ///   negative substitution elasticity or a non-positive supply elasticity.
    /// The largest magnitude accepted for any elasticity (estimates in the literature stay within ±20).
    public static let maxElasticity = 1_000.0

    public init(importDemandElasticity: Double, substitutionElasticity: Double = 1.5, supplyElasticity: Double? = nil) throws {
        guard importDemandElasticity < 0, importDemandElasticity >= -Self.maxElasticity else {
            throw TarifError(.badNumber, "the import demand elasticity must be negative and at least −\(Int(Self.maxElasticity)) (got \(importDemandElasticity)); write −1.5, not 1.5")
        }
        guard substitutionElasticity >= 0, substitutionElasticity <= Self.maxElasticity else {
            throw TarifError(.badNumber, "the elasticity of substitution must be from 0 to \(Int(Self.maxElasticity)) (got \(substitutionElasticity))")
        }
        if let s = supplyElasticity, !(s > 0) || !(s <= Self.maxElasticity) {
            throw TarifError(.badNumber, "the export supply elasticity must be above 0 and at most \(Int(Self.maxElasticity)) (got \(s)); leave it out for infinite")
        }
        self.importDemandElasticity = importDemandElasticity
        self.substitutionElasticity = substitutionElasticity
        self.supplyElasticity = supplyElasticity
    }
}

/// One partner's imports and the tariffs it faces before and after.
public struct SMARTFlow: Sendable, Hashable, Codable {
    public var partner: CountryCode
    /// Imports at world prices (before duty), in the market's currency.
    public var imports: Double
    /// Ad valorem tariffs as fractions (0.05 for 5%).
    public var tariffBefore: Double
    public var tariffAfter: Double

    public init(partner: CountryCode, imports: Double, tariffBefore: Double, tariffAfter: Double) {
        self.partner = partner
        self.imports = imports
        self.tariffBefore = tariffBefore
        self.tariffAfter = tariffAfter
    }
}

/// A tariff change to simulate, applied to the partners it names (all when empty).
public enum TariffScenario: Sendable, Hashable, Codable {
    /// Set the rate (a fraction).
    case set(Double)
    /// Cut the rate by a share (0.5 halves it).
    case cut(Double)
    /// The Swiss formula t₁ = a·t₀ / (a + t₀), with t in percent and coefficient a.
    case swiss(Double)

    public func apply(_ t: Double) -> Double {
        switch self {
        case .set(let r): return r
        case .cut(let s): return t * (1 - s)
        case .swiss(let a):
            let p = t * 100
            return a + p == 0 ? 0 : (a * p / (a + p)) / 100
        }
    }
}

/// The effects on one partner.
public struct SMARTPartnerResult: Sendable, Hashable, Codable {
    public var partner: CountryCode
    public var importsBefore: Double
    /// New imports from trade creation (more imports in all, from this partner's cheaper goods).
    public var tradeCreation: Double
    /// Imports shifted to (positive) or from (negative) this partner by the change in relative prices.
    public var tradeDiversion: Double
    /// The change in the value of its goods from the change in its world price (zero with infinite supply).
    public var priceEffect: Double
    /// creation + diversion + price effect.
    public var totalEffect: Double
    public var importsAfter: Double
    /// The change in its goods' world price, in percent (zero with infinite supply).
    public var worldPriceChange: Double
    public var revenueBefore: Double
    public var revenueAfter: Double
}

/// The effects on the market.
public struct SMARTResult: Sendable, Hashable, Codable {
    public var parameters: SMARTParameters
    public var partners: [SMARTPartnerResult]
    public var importsBefore: Double
    public var importsAfter: Double
    public var tradeCreation: Double
    /// Sums to zero over partners (diversion moves imports among them).
    public var tradeDiversion: Double
    public var priceEffect: Double
    public var totalEffect: Double
    public var revenueBefore: Double
    public var revenueAfter: Double
    /// Consumer surplus change: the price fall on the imports already bought plus the triangle on the new ones.
    public var consumerSurplus: Double
    /// Consumer surplus + change in tariff revenue.
    public var welfare: Double
}

/// The SMART model for one product in one market.
///
/// With τₖ = (t₁ₖ − t₀ₖ)/(1 + t₀ₖ) the relative change in partner k's tariff factor,
/// εₘ < 0 the import demand elasticity, εₓ the export supply elasticity (∞ by default) and
/// σ the elasticity of substitution, to first order (Laird and Yeats 1990, ch. 3;
/// Jammes and Olarreaga 2005):
///
/// - world price change ŵₖ = εₘ τₖ / (εₓ − εₘ) (0 when εₓ = ∞); domestic price change
///   p̂ₖ = ŵₖ + τₖ = τₖ εₓ / (εₓ − εₘ) (τₖ when εₓ = ∞);
/// - trade creation TCₖ = Mₖ εₘ p̂ₖ;
/// - trade diversion TDₖ = σ Mₖ (p̄ − p̂ₖ), p̄ = Σⱼ (Mⱼ/M) p̂ⱼ the import-weighted price change,
///   so that Σₖ TDₖ = 0;
/// - price effect PEₖ = (Mₖ + TCₖ + TDₖ) ŵₖ, the revaluation at the new world price;
/// - total effect TEₖ = TCₖ + TDₖ + PEₖ, and imports after M₁ₖ = Mₖ + TEₖ;
/// - tariff revenue R₀ = Σ t₀ₖ Mₖ, R₁ = Σ t₁ₖ M₁ₖ;
/// - consumer surplus ΔCS = Σₖ −p̂ₖ Pₖ (Mₖ + ½ TCₖ), Pₖ = 1 + t₀ₖ the base domestic price factor;
/// - welfare = ΔCS + R₁ − R₀.
public enum SMART {
    /// The largest imports from one partner accepted (10^18 in the market's currency).
    public static let maxImports = 1e18
    /// The largest tariff accepted, as a fraction (1,000 = 100,000%).
    public static let maxTariff = 1_000.0

    /// - Throws: ``TarifError`` for negative imports or tariffs of −100% or below.
    public static func simulate(_ flows: [SMARTFlow], parameters p: SMARTParameters) throws -> SMARTResult {
        for f in flows {
            guard f.imports >= 0, f.imports <= maxImports else {
                throw TarifError(.badNumber, "imports from \(f.partner) must be from 0 to 10^18 (got \(f.imports))")
            }
            guard f.tariffBefore > -1, f.tariffAfter > -1, f.tariffBefore <= maxTariff, f.tariffAfter <= maxTariff else {
                throw TarifError(.badNumber, "the tariffs on \(f.partner) must be above −100% and at most 100,000% (got \(f.tariffBefore * 100)% and \(f.tariffAfter * 100)%)")
            }
        }
        let em = p.importDemandElasticity
        let total = flows.reduce(0) { $0 + $1.imports }
        var tau: [Double] = []
        var w: [Double] = []
        var ph: [Double] = []
        tau.reserveCapacity(flows.count)
        for f in flows {
            let t = (f.tariffAfter - f.tariffBefore) / (1 + f.tariffBefore)
            let wk: Double
            if let ex = p.supplyElasticity { wk = em * t / (ex - em) } else { wk = 0 }
            tau.append(t)
            w.append(wk)
            ph.append(wk + t)
        }
        var mean = 0.0
        if total > 0 { for (k, f) in flows.enumerated() { mean += f.imports / total * ph[k] } }
        var partners: [SMARTPartnerResult] = []
        partners.reserveCapacity(flows.count)
        var sums = (tc: 0.0, td: 0.0, pe: 0.0, r0: 0.0, r1: 0.0, cs: 0.0)
        for (k, f) in flows.enumerated() {
            let tc = f.imports * em * ph[k]
            let td = p.substitutionElasticity * f.imports * (mean - ph[k])
            let pe = (f.imports + tc + td) * w[k]
            let te = tc + td + pe
            let after = f.imports + te
            let r0 = f.tariffBefore * f.imports
            let r1 = f.tariffAfter * after
            let cs = -ph[k] * (1 + f.tariffBefore) * (f.imports + 0.5 * tc)
            sums.tc += tc
            sums.td += td
            sums.pe += pe
            sums.r0 += r0
            sums.r1 += r1
            sums.cs += cs
            partners.append(
                SMARTPartnerResult(
                    partner: f.partner, importsBefore: f.imports, tradeCreation: tc, tradeDiversion: td, priceEffect: pe, totalEffect: te,
                    importsAfter: after, worldPriceChange: w[k] * 100, revenueBefore: r0, revenueAfter: r1))
        }
        let te = sums.tc + sums.td + sums.pe
        let result = SMARTResult(
            parameters: p, partners: partners, importsBefore: total, importsAfter: total + te, tradeCreation: sums.tc, tradeDiversion: sums.td,
            priceEffect: sums.pe, totalEffect: te, revenueBefore: sums.r0, revenueAfter: sums.r1, consumerSurplus: sums.cs,
            welfare: sums.cs + sums.r1 - sums.r0)
        try Finiteness.require(
            path: result.firstNonFinite, model: "SMART",
            cause: "the import demand elasticity (\(em)), the elasticity of substitution (\(p.substitutionElasticity))"
                + (p.supplyElasticity.map { ", the export supply elasticity (\($0))" } ?? "")
                + " or the imports (total \(total)) are too extreme; use elasticities within ±\(Int(SMARTParameters.maxElasticity)) and imports below 10^18")
        return result
    }
}

extension SMARTResult {
    /// The path of the first field that is not finite (`partners[3].tradeDiversion`), read field by
    /// field: the check runs once per product, and a market has thousands of them.
    var firstNonFinite: String? {
        let own: [(String, Double?)] = [
            ("parameters.importDemandElasticity", parameters.importDemandElasticity),
            ("parameters.substitutionElasticity", parameters.substitutionElasticity), ("parameters.supplyElasticity", parameters.supplyElasticity),
            ("importsBefore", importsBefore), ("importsAfter", importsAfter), ("tradeCreation", tradeCreation),
            ("tradeDiversion", tradeDiversion), ("priceEffect", priceEffect), ("totalEffect", totalEffect), ("revenueBefore", revenueBefore),
            ("revenueAfter", revenueAfter), ("consumerSurplus", consumerSurplus), ("welfare", welfare),
        ]
        for (name, v) in own { if let v, !v.isFinite { return name } }
        for (i, p) in partners.enumerated() {
            let fields = [
                ("importsBefore", p.importsBefore), ("tradeCreation", p.tradeCreation), ("tradeDiversion", p.tradeDiversion),
                ("priceEffect", p.priceEffect), ("totalEffect", p.totalEffect), ("importsAfter", p.importsAfter),
                ("worldPriceChange", p.worldPriceChange), ("revenueBefore", p.revenueBefore), ("revenueAfter", p.revenueAfter),
            ]
            for (name, v) in fields where !v.isFinite { return "partners[\(i)].\(name)" }
        }
        return nil
    }
}
