import TarifCore
import TarifSimulation
import Testing

/// SMART on hand-worked examples: two partners, a preference to one.
@Suite struct SMARTTests {
    static let a = try! CountryCode("AAA")
    static let b = try! CountryCode("BBB")

    /// A gets its 10% tariff removed; B keeps 10%. Imports 100 from A, 300 from B.
    static func flows() -> [SMARTFlow] {
        [
            SMARTFlow(partner: a, imports: 100, tariffBefore: 0.10, tariffAfter: 0),
            SMARTFlow(partner: b, imports: 300, tariffBefore: 0.10, tariffAfter: 0.10),
        ]
    }

    func close(_ x: Double, _ y: Double, _ tolerance: Double = 1e-6) -> Bool { abs(x - y) <= tolerance }

    @Test func preferenceWithInfiniteSupply() throws {
        let r = try SMART.simulate(Self.flows(), parameters: try SMARTParameters(importDemandElasticity: -1.5, substitutionElasticity: 1.5))
        let (ra, rb) = (r.partners[0], r.partners[1])
        // τ_A = −0.1/1.1; TC_A = 100 · (−1.5) · τ_A = 150/11.
        #expect(close(ra.tradeCreation, 150.0 / 11))
        #expect(rb.tradeCreation == 0)
        // p̄ = ¼ τ_A; TD_A = 1.5 · 100 · (¾ · 0.1/1.1) = 112.5/11; TD_B = −112.5/11.
        #expect(close(ra.tradeDiversion, 112.5 / 11))
        #expect(close(rb.tradeDiversion, -112.5 / 11))
        #expect(close(r.tradeDiversion, 0))
        #expect(r.priceEffect == 0 && ra.worldPriceChange == 0)
        #expect(close(r.totalEffect, 150.0 / 11))
        // Revenue: 40 before; after only B pays 10% on 300 − 112.5/11.
        #expect(close(r.revenueBefore, 40))
        #expect(close(r.revenueAfter, 0.1 * (300 - 112.5 / 11)))
        // Consumer surplus: the 0.1 price fall (1.1 · 0.1/1.1) on 100 + ½ TC_A.
        #expect(close(r.consumerSurplus, 0.1 * (100 + 75.0 / 11)))
        #expect(close(r.welfare, r.consumerSurplus + r.revenueAfter - r.revenueBefore))
        #expect(close(r.welfare, -0.340909, 1e-6))
    }

    @Test func finiteSupplyElasticityShiftsPartOfTheCutToExporters() throws {
        let r = try SMART.simulate(Self.flows(), parameters: try SMARTParameters(importDemandElasticity: -1.5, substitutionElasticity: 1.5, supplyElasticity: 3))
        let ra = r.partners[0]
        // ŵ = εm τ / (εx − εm) = (−1.5)(−0.1/1.1)/4.5; p̂ = ŵ + τ.
        let tau = -0.1 / 1.1
        let w = -1.5 * tau / 4.5
        #expect(close(ra.worldPriceChange, w * 100))
        #expect(close(ra.tradeCreation, 100 * -1.5 * (w + tau)))
        #expect(close(ra.priceEffect, (100 + ra.tradeCreation + ra.tradeDiversion) * w))
        for p in r.partners {
            #expect(close(p.tradeCreation + p.tradeDiversion + p.priceEffect, p.totalEffect))
            #expect(close(p.importsBefore + p.totalEffect, p.importsAfter))
        }
        #expect(close(r.tradeDiversion, 0))
        #expect(close(r.tradeCreation + r.tradeDiversion + r.priceEffect, r.totalEffect))
        // Less creation than with infinite supply: exporters keep part of the preference.
        let infinite = try SMART.simulate(Self.flows(), parameters: try SMARTParameters(importDemandElasticity: -1.5))
        #expect(ra.tradeCreation < infinite.partners[0].tradeCreation)
    }

    @Test func noSubstitutionMeansNoDiversion() throws {
        let r = try SMART.simulate(Self.flows(), parameters: try SMARTParameters(importDemandElasticity: -1, substitutionElasticity: 0))
        #expect(r.partners.allSatisfy { $0.tradeDiversion == 0 })
    }

    @Test("scenarios", arguments: [
        (TariffScenario.set(0.02), 0.10, 0.02), (.cut(0.5), 0.10, 0.05), (.swiss(25), 0.10, 25.0 * 10 / 35 / 100), (.swiss(25), 0, 0),
    ])
    func scenario(s: TariffScenario, before: Double, after: Double) {
        #expect(abs(s.apply(before) - after) < 1e-12)
    }

    @Test("bad parameters are refused", arguments: [(1.5, 1.5, nil as Double?), (-1.5, -1, nil), (-1.5, 1.5, 0)])
    func badParameters(em: Double, sigma: Double, ex: Double?) {
        #expect(throws: TarifError.self) { try SMARTParameters(importDemandElasticity: em, substitutionElasticity: sigma, supplyElasticity: ex) }
    }

    @Test func negativeImportsAreRefused() throws {
        let p = try SMARTParameters(importDemandElasticity: -1.5)
        #expect(throws: TarifError.self) { try SMART.simulate([SMARTFlow(partner: Self.a, imports: -1, tariffBefore: 0.1, tariffAfter: 0)], parameters: p) }
    }
}
