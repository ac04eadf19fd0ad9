import Foundation
import TarifCore
import TarifTesting
import Testing
@testable import TarifSimulation


/// A panel from rows of (exporter, importer, year, trade, x) written here.
private func panel(_ rows: [(String, String, Double, Double, Double)], extra: [(String, [Double])] = []) throws -> Panel {
    func labels(_ v: [String]) -> PanelColumn {
        var levels: [String] = []
        var codes: [Int32] = []
        for s in v {
            if let i = levels.firstIndex(of: s) { codes.append(Int32(i)) } else { codes.append(Int32(levels.count)); levels.append(s) }
        }
        return .labels(codes: codes, levels: levels)
    }
    var columns: [(name: String, column: PanelColumn)] = [
        ("exporter", labels(rows.map(\.0))), ("importer", labels(rows.map(\.1))),
        ("year", .numbers(rows.map(\.2))), ("trade", .numbers(rows.map(\.3))), ("x", .numbers(rows.map(\.4))),
    ]
    for (name, values) in extra { columns.append((name, .numbers(values))) }
    return try Panel(columns: columns, source: "fixture.csv")
}

struct GravityFormulaTests {
    @Test func parsesRegressorsAndInteractedFixedEffects() throws {
        let f = try GravityFormula(parsing: "trade ~ log(dist) + cntg + rta | exporter^year + importer^year + pair_id")
        #expect(f.outcome == "trade")
        #expect(f.regressors == [.init(column: "dist", logarithm: true), .init(column: "cntg"), .init(column: "rta")])
        #expect(f.fixedEffects == [["exporter", "year"], ["importer", "year"], ["pair_id"]])
        #expect(f.description == "trade ~ log(dist) + cntg + rta | exporter^year + importer^year + pair_id")
    }

    @Test(arguments: [
        ("trade rta", "one '~'"),
        ("trade ~ rta + | exporter", "empty term"),
        ("trade ~ sqrt(dist)", "only log(column)"),
        ("trade ~ rta | exporter^", "empty fixed effect"),
        ("trade ~ rta | a | b", "more than one '|'"),
        ("trade ~ rta + rta", "listed twice"),
    ])
    func rejectsMalformedFormulas(text: String, reason: String) {
        #expect {
            try GravityFormula(parsing: text)
        } throws: { error in
            let e = error as? TarifError
            return e?.code == .badInput && e?.message.contains(reason) == true
        }
    }
}

struct PanelFilterTests {
    let data: Panel

    init() throws {
        data = try panel([("A", "B", 1990, 1, 0), ("B", "B", 1990, 2, 0), ("A", "C", 1994, 3, 1), ("C", "A", 1998, 0, 1)])
    }

    @Test func comparesColumnsRowByRow() throws {
        #expect(try PanelFilter(parsing: "exporter != importer").mask(data) == [true, false, true, true])
        #expect(try PanelFilter(parsing: "exporter = importer").mask(data) == [false, true, false, false])
    }

    @Test func comparesWithLiteralsAndLists() throws {
        #expect(try PanelFilter(parsing: "year in 1990, 1998").mask(data) == [true, true, false, true])
        #expect(try PanelFilter(parsing: "year >= 1994").mask(data) == [false, false, true, true])
        #expect(try PanelFilter(parsing: "trade > 0").mask(data) == [true, true, true, false])
        #expect(try PanelFilter(parsing: "exporter = A").mask(data) == [true, false, true, false])
        #expect(try PanelFilter(parsing: "exporter in A,C").mask(data) == [true, false, true, true])
    }

    @Test func refusesOrderOnLabelsAndUnknownColumns() throws {
        #expect(throws: TarifError.self) { try PanelFilter(parsing: "exporter > A").mask(data) }
        #expect(throws: TarifError.self) { try PanelFilter(parsing: "gdp > 1").mask(data) }
        #expect(throws: TarifError.self) { try PanelFilter(parsing: "year 1990") }
    }
}

struct DemeanerTests {
    /// Alternating projections against the exact weighted least squares on dummy variables.
    @Test func matchesTheExactProjectionOnThreeDimensions() throws {
        let n = 60
        var rng = SplitMix64(seed: 20261123)
        let a = (0..<n).map { Int32($0 % 5) }
        let b = (0..<n).map { Int32(($0 / 5) % 4) }
        let c = (0..<n).map { Int32(($0 * 7) % 6) }
        let v = (0..<n).map { _ in Double.random(in: -3...3, using: &rng) }
        let w = (0..<n).map { _ in Double.random(in: 0.2...2, using: &rng) }
        let effects = [FixedEffectIndex(name: "a", ids: a, levels: 5), FixedEffectIndex(name: "b", ids: b, levels: 4), FixedEffectIndex(name: "c", ids: c, levels: 6)]
        var demeaner = Demeaner(effects: effects, count: n)
        demeaner.setWeights(w)
        var state = Demeaner.State(effects)
        let out = demeaner.demean(v, state: &state, tolerance: 1e-13, maxSweeps: 100_000)
        #expect(out.converged)
        // Dense: regress v on all dummies (dropping one level of b and c) with weights.
        var columns: [[Double]] = []
        for l in 0..<5 { columns.append(a.map { $0 == l ? 1 : 0 }) }
        for l in 1..<4 { columns.append(b.map { $0 == l ? 1 : 0 }) }
        for l in 1..<6 { columns.append(c.map { $0 == l ? 1 : 0 }) }
        let k = columns.count
        var xtx = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        var xty = [Double](repeating: 0, count: k)
        for p in 0..<k {
            xty[p] = PPML.dot(columns[p], v, w)
            for q in 0..<k { xtx[p][q] = PPML.dot(columns[p], columns[q], w) }
        }
        let beta = try Matrix.solve(xtx, xty)
        for i in 0..<n {
            var fit = 0.0
            for p in 0..<k { fit += columns[p][i] * beta[p] }
            #expect(abs(out.residual[i] - (v[i] - fit)) < 1e-9)
        }
    }
}

struct PPMLTests {
    /// In a 2×2 table with exporter and importer effects and a dummy on one cell the model is
    /// saturated: the coefficient is the log odds ratio, exactly.
    @Test func saturatedTableGivesTheLogOddsRatio() throws {
        let data = try panel([("A", "X", 0, 10, 1), ("A", "Y", 0, 20, 0), ("B", "X", 0, 30, 0), ("B", "Y", 0, 15, 0)])
        let sample = try GravitySample(panel: data, formula: GravityFormula(parsing: "trade ~ x | exporter + importer"), dropSingletons: false)
        let fit = try PPML.fit(sample)
        let expected = log(10.0 * 15 / (20 * 30))
        #expect(abs(fit.coefficients[0].estimate - expected) < 1e-9)
        #expect(fit.deviance < 1e-8)
    }

    /// Without fixed effects and a binary regressor: intercept log ȳ₀, slope log(ȳ₁/ȳ₀); the
    /// Poisson (iid) variance of the slope is 1/Σ₀y + 1/Σ₁y, times (N−1)/(N−K).
    @Test func binaryRegressorWithoutFixedEffects() throws {
        let rows: [(String, String, Double, Double, Double)] = [("A", "B", 0, 2, 0), ("A", "C", 0, 4, 0), ("B", "C", 0, 9, 1), ("C", "A", 0, 3, 1), ("C", "B", 0, 0, 1)]
        let sample = try GravitySample(panel: try panel(rows), formula: GravityFormula(parsing: "trade ~ x"))
        let fit = try PPML.fit(sample)
        #expect(fit.coefficients.map(\.name) == ["(Intercept)", "x"])
        #expect(abs(fit.coefficients[0].estimate - log(3.0)) < 1e-9)
        #expect(abs(fit.coefficients[1].estimate - log(4.0 / 3.0)) < 1e-9)
        let variance = (1.0 / 6 + 1.0 / 12) * 4.0 / 3.0
        #expect(abs(fit.coefficients[1].standardError - variance.squareRoot()) < 1e-8)
    }

    @Test func dropsSeparatedObservationsAndSingletonsWithCounts() throws {
        // Exporter D only ever sends zeros: separated. Exporter E has one row: a singleton.
        let rows: [(String, String, Double, Double, Double)] = [
            ("A", "X", 0, 5, 1), ("A", "Y", 0, 7, 0), ("B", "X", 0, 3, 0), ("B", "Y", 0, 8, 1),
            ("C", "X", 0, 4, 1), ("C", "Y", 0, 1, 0), ("D", "X", 0, 0, 1), ("D", "Y", 0, 0, 0), ("E", "X", 0, 6, 0),
        ]
        let formula = try GravityFormula(parsing: "trade ~ x | exporter + importer")
        let sample = try GravitySample(panel: try panel(rows), formula: formula)
        #expect(sample.dropped.separated == 2)
        #expect(sample.dropped.singletons == 1)
        #expect(sample.count == 6)
        let kept = try GravitySample(panel: try panel(rows), formula: formula, dropSingletons: false)
        #expect(kept.dropped.singletons == 0 && kept.count == 7)
        // A singleton does not move the coefficient.
        #expect(abs(try PPML.fit(sample).coefficients[0].estimate - PPML.fit(kept).coefficients[0].estimate) < 1e-8)
    }

    @Test func missingAndInfiniteValuesAreDroppedAndCounted() throws {
        let rows: [(String, String, Double, Double, Double)] = [("A", "X", 0, .nan, 1), ("A", "Y", 0, 7, 2), ("B", "X", 0, 3, 0), ("B", "Y", 0, 8, 1), ("C", "X", 0, 2, 3)]
        let sample = try GravitySample(panel: try panel(rows), formula: GravityFormula(parsing: "trade ~ log(x)"))
        // NaN trade and log(0) are both dropped as missing.
        #expect(sample.dropped.missing == 2)
        #expect(sample.count == 3)
    }

    @Test func negativeFlowsAreAnErrorNamingTheRow() throws {
        let rows: [(String, String, Double, Double, Double)] = [("A", "X", 0, 5, 1), ("A", "Y", 0, -7, 0), ("B", "X", 0, 3, 0)]
        #expect {
            try GravitySample(panel: try panel(rows), formula: GravityFormula(parsing: "trade ~ x"))
        } throws: { error in
            let e = error as? TarifError
            return e?.code == .badNumber && e?.location?.line == 3 && e?.location?.field == "trade"
        }
    }

    @Test func allZeroFlowsAreAnError() throws {
        let rows: [(String, String, Double, Double, Double)] = [("A", "X", 0, 0, 1), ("A", "Y", 0, 0, 0), ("B", "X", 0, 0, 0)]
        #expect(throws: TarifError.self) { try GravitySample(panel: try panel(rows), formula: GravityFormula(parsing: "trade ~ x")) }
        #expect(throws: TarifError.self) { try GravitySample(panel: try panel(rows), formula: GravityFormula(parsing: "trade ~ x | exporter")) }
    }

    /// A regressor constant within each exporter is absorbed by the exporter effect and
    /// dropped by name; the others are still estimated.
    @Test func collinearRegressorIsDroppedByName() throws {
        var rows: [(String, String, Double, Double, Double)] = []
        var size: [Double] = []
        var rng = SplitMix64(seed: 20261123)
        for (e, s) in [("A", 1.0), ("B", 2.0), ("C", 3.0), ("D", 4.0)] {
            for m in ["W", "X", "Y", "Z"] where m != e {
                rows.append((e, m, 0, Double.random(in: 1...50, using: &rng).rounded(), Double.random(in: 0...1, using: &rng)))
                size.append(s)
            }
        }
        let data = try panel(rows, extra: [("size", size)])
        let fit = try PPML.fit(try GravitySample(panel: data, formula: GravityFormula(parsing: "trade ~ x + size | exporter + importer")))
        #expect(fit.collinear == ["size"])
        #expect(fit.coefficients.map(\.name) == ["x"])
    }

    /// Two-way clustering on the same variable twice is one-way: V₁ + V₁ − V₁₁ = V₁.
    @Test func twoWayClusteringReducesToOneWayOnTheSameVariable() throws {
        var rows: [(String, String, Double, Double, Double)] = []
        var rng = SplitMix64(seed: 20261123)
        for e in ["A", "B", "C", "D", "E"] {
            for m in ["V", "W", "X", "Y", "Z"] {
                rows.append((e, m, 0, Double.random(in: 0...40, using: &rng).rounded(), Double.random(in: 0...1, using: &rng)))
            }
        }
        let data = try panel(rows)
        let formula = try GravityFormula(parsing: "trade ~ x | importer")
        var options = PPML.Options()
        options.vcov = .cluster
        let one = try PPML.fit(try GravitySample(panel: data, formula: formula, clusters: [["exporter"]]), options: options)
        let two = try PPML.fit(try GravitySample(panel: data, formula: formula, clusters: [["exporter"], ["exporter"]]), options: options)
        #expect(abs(one.coefficients[0].standardError - two.coefficients[0].standardError) < 1e-12)
        let other = try PPML.fit(try GravitySample(panel: data, formula: formula, clusters: [["exporter"], ["importer"]]), options: options)
        #expect(other.coefficients[0].standardError != one.coefficients[0].standardError)
        #expect(other.coefficients[0].standardError > 0)
        #expect(other.notes.isEmpty)
    }

    /// Cameron–Gelbach–Miller's V₁ + V₂ − V₁₂ need not be positive: with importer fixed
    /// effects the importer scores sum to zero, so V ≈ V_exporter − V_hetero, negative here.
    /// The standard error is then undefined (NaN, `null` in JSON) and a note says why, as
    /// pyfixest leaves it (no eigenvalue fix).
    @Test func aNegativeTwoWayVarianceIsReportedNotHidden() throws {
        let trade: [Double] = [15, 20, 1, 28, 26, 21, 10, 11, 1, 11, 2, 36, 13, 33, 38, 21, 14, 2, 29, 33, 39, 4, 16, 17, 10]
        let x: [Double] = [0.619, 0.816, 0.348, 0.030, 0.492, 0.058, 0.542, 0.113, 0.457, 0.953, 0.589, 0.938, 0.321,
                           0.252, 0.963, 0.948, 0.690, 0.805, 0.980, 0.499, 0.813, 0.964, 0.054, 0.824, 0.364]
        var rows: [(String, String, Double, Double, Double)] = []
        for (i, e) in ["A", "B", "C", "D", "E"].enumerated() {
            for (j, m) in ["V", "W", "X", "Y", "Z"].enumerated() { rows.append((e, m, 0, trade[5 * i + j], x[5 * i + j])) }
        }
        var options = PPML.Options()
        options.vcov = .cluster
        let fit = try PPML.fit(try GravitySample(panel: try panel(rows), formula: GravityFormula(parsing: "trade ~ x | importer"),
                                                 clusters: [["exporter"], ["importer"]]), options: options)
        #expect(fit.covariance[0][0] < 0)
        #expect(fit.coefficients[0].standardError.isNaN)
        #expect(fit.notes.count == 1 && fit.notes[0].contains("not positive"))
        let json = String(decoding: try JSONEncoder().encode(fit), as: UTF8.self)
        #expect(json.contains("\"standardError\":null"))
        let back = try JSONDecoder().decode(GravityEstimate.self, from: Data(json.utf8))
        #expect(back.coefficients[0].standardError.isNaN && back.notes == fit.notes)
    }
}

/// Zero flows that a regressor predicts perfectly are found (the ReLU check) and dropped
/// with a count and a note, as ppmlhdfe does; the other coefficients are those of the fit
/// without them, and the separating regressor is then collinear (all zero), not −27.
struct SeparationTests {
    static func rows(separating: Bool) -> [(String, String, Double, Double, Double)] {
        var rng = SplitMix64(seed: 7)
        var out: [(String, String, Double, Double, Double)] = []
        let names = ["A", "B", "C", "D", "E", "F"]
        for (i, e) in names.enumerated() {
            for (j, m) in names.enumerated() where i != j {
                let x = Double(rng.next() % 1_000) / 100
                let separated = separating && (i + j) % 7 == 0
                let zero = separated || (i == 1 && j == 4)  // one zero flow that nothing predicts
                let trade = zero ? 0 : exp(0.3 * x + Double(rng.next() % 100) / 100)
                out.append((e, m, 0, trade, x))
            }
        }
        return out
    }

    @Test func separatedZerosAreDroppedWithACount() throws {
        let rows = Self.rows(separating: true)
        let z = rows.enumerated().map { i, r in r.3 == 0 && !(r.0 == "B" && r.1 == "E") ? 1.0 : 0.0 }
        let separatedCount = Int(z.reduce(0, +))
        #expect(separatedCount >= 3)
        let data = try panel(rows, extra: [("z", z)])
        let formula = try GravityFormula(parsing: "trade ~ x + z | exporter + importer")
        let fit = try PPML.fit(try GravitySample(panel: data, formula: formula, dropSingletons: false))
        #expect(fit.dropped.separatedByRegressors == separatedCount)
        #expect(fit.collinear == ["z"])
        #expect(fit.notes.contains { $0.contains("separated by the regressors") })
        #expect(fit.coefficients.allSatisfy { $0.estimate.isFinite && abs($0.estimate) < 10 })
        // The same as fitting the panel without those rows.
        let kept = rows.enumerated().filter { z[$0.offset] == 0 }.map(\.element)
        let reference = try PPML.fit(try GravitySample(panel: try panel(kept), formula: try GravityFormula(parsing: "trade ~ x | exporter + importer"), dropSingletons: false))
        #expect(abs(fit.coefficients[0].estimate - reference.coefficients[0].estimate) < 1e-7)
    }

    @Test func noSeparationDropsNothing() throws {
        let data = try panel(Self.rows(separating: false))
        let fit = try PPML.fit(try GravitySample(panel: data, formula: GravityFormula(parsing: "trade ~ x | exporter + importer"), dropSingletons: false))
        #expect(fit.dropped.separatedByRegressors == 0)
        #expect(!fit.notes.contains { $0.contains("separated") })
    }
}
