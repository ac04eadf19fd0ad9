import Foundation
import TarifCore
import Testing
@testable import TarifSimulation

struct StructuralGETests {
    /// Three symmetric countries; an agreement between A and B lowers their bilateral cost.
    func economy(shock: Double) -> StructuralGE.Economy {
        let d = 0.1  // t^{1-σ} between different countries; 1 at home
        var base = [[Double]](repeating: [Double](repeating: d, count: 3), count: 3)
        for i in 0..<3 { base[i][i] = 1 }
        var experiment = base
        experiment[0][1] = d * shock
        experiment[1][0] = d * shock
        return .init(countries: ["A", "B", "C"], output: [100, 100, 100], expenditure: [100, 100, 100], baselineCosts: base, experimentCosts: experiment)
    }

    @Test func noShockChangesNothing() throws {
        let r = try StructuralGE.simulate(economy(shock: 1), parameters: .init(sigma: 5, referenceImporter: "C"))
        for c in r.countries {
            #expect(abs(c.welfareChange) < 1e-10)
            #expect(abs(c.factoryGatePriceChange) < 1e-10)
            #expect(abs(c.foreignExportsChange) < 1e-10)
        }
        // The baseline resistances solve their equations.
        #expect(r.diagnostics.allSatisfy { $0.residual < 1e-12 })
    }

    @Test func membersGainAndTheOutsiderLoses() throws {
        let r = try StructuralGE.simulate(economy(shock: 2), parameters: .init(sigma: 5, referenceImporter: "C"))
        let a = try #require(r.country("A")), b = try #require(r.country("B")), c = try #require(r.country("C"))
        #expect(a.welfareChange > 0 && abs(a.welfareChange - b.welfareChange) < 1e-9)
        #expect(c.welfareChange < 0)
        #expect(a.foreignExportsChange > 0)
        // Trade between members rises; their trade with the outsider falls.
        let ab = try #require(r.bilateral.first { $0.exporter == "A" && $0.importer == "B" })
        let ac = try #require(r.bilateral.first { $0.exporter == "A" && $0.importer == "C" })
        #expect(ab.tradeChange > 0 && ac.tradeChange < 0)
        // The baseline model reproduces market clearing: each exporter's shipments sum to its output.
        for (i, name) in ["A", "B", "C"].enumerated() {
            let shipped = r.bilateral.filter { $0.exporter == name }.map(\.baselineTrade).reduce(0, +)
            #expect(abs(shipped - [100.0, 100, 100][i]) < 1e-8)
        }
        // The welfare statistic is gegravity's ratio W/W′.
        #expect(abs(a.welfareStatistic - 1 / (1 + a.welfareChange / 100)) < 1e-12)
    }

    @Test func rejectsBadParameters() {
        #expect(throws: TarifError.self) { try StructuralGE.simulate(economy(shock: 2), parameters: .init(sigma: 1, referenceImporter: "C")) }
        #expect(throws: TarifError.self) { try StructuralGE.simulate(economy(shock: 2), parameters: .init(sigma: 5, referenceImporter: "ZZZ")) }
        var e = economy(shock: 2)
        e.output[1] = 0
        #expect(throws: TarifError.self) { try StructuralGE.simulate(e, parameters: .init(sigma: 5, referenceImporter: "C")) }
        var nan = economy(shock: 2)
        nan.experimentCosts[0][2] = .nan
        #expect(throws: TarifError.self) { try StructuralGE.simulate(nan, parameters: .init(sigma: 5, referenceImporter: "C")) }
    }

    /// σ next to 1 raises prices to 1/(1−σ) ≈ −10⁷: an error naming σ, never `nan` (the CLI
    /// printed `-nan` with exit 0); the same for σ too large and for huge shocks.
    @Test(arguments: [1.0000001, 1.001, 1e6])
    func degenerateSigmaIsAnErrorNamingIt(_ sigma: Double) {
        #expect {
            try StructuralGE.simulate(economy(shock: 2), parameters: .init(sigma: sigma, referenceImporter: "C"))
        } throws: { error in
            let e = error as? TarifError
            return e?.code == .degenerate && e?.message.contains("σ = \(sigma)") == true
        }
    }

    @Test func everyResultOfAGoodModelIsFinite() throws {
        let r = try StructuralGE.simulate(economy(shock: 2), parameters: .init(sigma: 1.01, referenceImporter: "C"))
        #expect(Finiteness.firstNonFinite(in: r) == nil)
        #expect(Finiteness.firstNonFinite(in: [1.0, .infinity]) == "[1]")
    }

    @Test func parsesShocks() throws {
        let s = try GEShock(parsing: "pta=1@CAN,JPN")
        #expect(s.variable == "pta" && s.value == 1 && s.countries == ["CAN", "JPN"] && !s.directed)
        #expect(s.applies(exporter: "CAN", importer: "JPN") && s.applies(exporter: "JPN", importer: "CAN"))
        #expect(!s.applies(exporter: "CAN", importer: "CAN") && !s.applies(exporter: "CAN", importer: "USA"))
        let d = try GEShock(parsing: "tariff_factor = 1.1 @ USA>CHN")
        #expect(d.directed && d.applies(exporter: "USA", importer: "CHN") && !d.applies(exporter: "CHN", importer: "USA"))
        for bad in ["pta=1", "pta@CAN,JPN", "pta=x@CAN,JPN", "pta=1@CAN", "pta=1@A>B>C"] {
            #expect(throws: TarifError.self) { try GEShock(parsing: bad) }
        }
    }

    /// A tariff change through a logged cost variable: tᵢⱼ^{1−σ} = exp(β log(1 + tariff)), so
    /// raising USA→CHN from 1.05 to 1.25 multiplies that cost by (1.25/1.05)^β and nothing else.
    @Test func tariffShockThroughALoggedCostVariable() throws {
        let names = ["CHN", "USA"]
        var ex: [Int32] = [], im: [Int32] = [], factor: [Double] = []
        for i in 0..<2 { for j in 0..<2 { ex.append(Int32(i)); im.append(Int32(j)); factor.append(i == j ? 1 : 1.05) } }
        let panel = try Panel(columns: [
            ("exporter", .labels(codes: ex, levels: names)), ("importer", .labels(codes: im, levels: names)),
            ("Y", .numbers([100, 100, 300, 300])), ("E", .numbers([120, 280, 120, 280])), ("tariff_factor", .numbers(factor)),
        ], source: "fixture")
        let beta = -4.0
        let economy = try StructuralGE.economy(
            panel: panel, output: "Y", expenditure: "E", costs: [(.init(column: "tariff_factor", logarithm: true), beta)],
            shocks: [try GEShock(parsing: "tariff_factor=1.25@USA>CHN")])
        #expect(economy.countries == ["CHN", "USA"])
        #expect(economy.output == [100, 300] && economy.expenditure == [120, 280])
        #expect(abs(economy.experimentCosts[1][0] / economy.baselineCosts[1][0] - pow(1.25 / 1.05, beta)) < 1e-12)
        #expect(economy.experimentCosts[0][1] == economy.baselineCosts[0][1])
        #expect(economy.experimentCosts[0][0] == 1 && economy.experimentCosts[1][1] == 1)
        let r = try StructuralGE.simulate(economy, parameters: .init(sigma: 5, referenceImporter: "USA"))
        #expect(try #require(r.country("CHN")).foreignExportsChange < 0)
        // A shock on a variable that is not a cost, or a country not in the data, is refused.
        #expect(throws: TarifError.self) {
            try StructuralGE.economy(panel: panel, output: "Y", expenditure: "E", costs: [(.init(column: "tariff_factor", logarithm: true), beta)],
                                     shocks: [try GEShock(parsing: "pta=1@USA,CHN")])
        }
        #expect(throws: TarifError.self) {
            try StructuralGE.economy(panel: panel, output: "Y", expenditure: "E", costs: [(.init(column: "tariff_factor", logarithm: true), beta)],
                                     shocks: [try GEShock(parsing: "tariff_factor=1.2@USA,JPN")])
        }
    }
}
