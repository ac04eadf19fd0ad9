import TarifCore
import Testing

@testable import TarifSimulation

/// SMART checks its result for non-finite numbers field by field (reflection cost 350× the
/// model over a whole market); the direct check must see every field reflection sees.
struct SMARTFinitenessTests {
    func result() throws -> SMARTResult {
        let flows = try (0..<6).map { i in
            SMARTFlow(partner: try CountryCode(["IDN", "VNM", "THA", "MYS", "PHL", "SGP"][i]), imports: Double(1_000 * (i + 1)), tariffBefore: 0.1, tariffAfter: i < 2 ? 0.05 : 0.1)
        }
        return try SMART.simulate(flows, parameters: try SMARTParameters(importDemandElasticity: -1.2, substitutionElasticity: 1.5, supplyElasticity: 2))
    }

    @Test func aFiniteResultHasNoNonFiniteField() throws {
        let r = try result()
        #expect(r.firstNonFinite == nil)
        #expect(Finiteness.firstNonFinite(in: r) == nil)
    }

    @Test func everyFieldThatReflectionSeesTheDirectCheckSees() throws {
        let base = try result()
        // Each Double field of the result and of a partner, made NaN in turn.
        let totals: [WritableKeyPath<SMARTResult, Double>] = [
            \.importsBefore, \.importsAfter, \.tradeCreation, \.tradeDiversion, \.priceEffect, \.totalEffect, \.revenueBefore, \.revenueAfter,
            \.consumerSurplus, \.welfare,
        ]
        for k in totals {
            var r = base
            r[keyPath: k] = .nan
            #expect(r.firstNonFinite != nil)
            #expect(r.firstNonFinite == Finiteness.firstNonFinite(in: r))
        }
        let partner: [WritableKeyPath<SMARTPartnerResult, Double>] = [
            \.importsBefore, \.tradeCreation, \.tradeDiversion, \.priceEffect, \.totalEffect, \.importsAfter, \.worldPriceChange, \.revenueBefore,
            \.revenueAfter,
        ]
        for k in partner {
            var r = base
            r.partners[3][keyPath: k] = .infinity
            #expect(r.firstNonFinite?.hasPrefix("partners[3].") == true)
            #expect(r.firstNonFinite == Finiteness.firstNonFinite(in: r))
        }
        // A new Double field would be seen by reflection: count them so the direct check is kept complete.
        #expect(Mirror(reflecting: base).children.filter { $0.value is Double }.count == totals.count)
        #expect(Mirror(reflecting: base.partners[0]).children.filter { $0.value is Double }.count == partner.count)
    }
}
