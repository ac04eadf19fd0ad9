import Foundation
import TarifCore

/// General-equilibrium counterfactuals in the one-sector structural gravity model with an
/// endowment economy (Anderson and van Wincoop 2003; Yotov, Piermartini, Monteiro and Larch
/// 2016, *An Advanced Guide to Trade Policy Analysis*, ch. 2; Larch and Yotov 2016,
/// "General equilibrium trade policy analysis with structural gravity"), in the formulation
/// of the `gegravity` package's `OneSectorGE` (Herman 2021), whose results it reproduces.
///
/// With σ the elasticity of substitution, tᵢⱼ^{1−σ} = exp(Σₖ βₖ xₖᵢⱼ) the trade costs,
/// yᵢ = Yᵢ/ΣY the output shares and eⱼ = Eⱼ/ΣE the expenditure shares, the multilateral
/// resistances solve
///
///     Pⱼ^{1−σ} = Σᵢ tᵢⱼ^{1−σ} yᵢ / πᵢ^{1−σ}      (inward, P = 1 for the reference importer)
///     πᵢ^{1−σ} = Σⱼ tᵢⱼ^{1−σ} eⱼ / Pⱼ^{1−σ}      (outward)
///
/// for the baseline costs (baseline), then for the experiment costs (the conditional, or
/// partial-equilibrium, effect). In the full equilibrium the factory-gate prices satisfy
/// yᵢ / πᵢ′^{1−σ} = βᵢ pᵢ^{1−σ} with βᵢ = yᵢ / πᵢ^{1−σ} calibrated on the baseline (pᵢ = 1),
/// that is pᵢ = (πᵢ/πᵢ′); output is Yᵢ′ = pᵢ Yᵢ, expenditure Eⱼ′ = φⱼ Yⱼ′ with φⱼ = Eⱼ/Yⱼ
/// fixed, and trade Xᵢⱼ = tᵢⱼ^{1−σ} Eⱼ (Yᵢ/ΣY) / (Pⱼ^{1−σ} πᵢ^{1−σ}). As in `OneSectorGE`, the
/// shares yᵢ and eⱼ in the resistance equations stay at their baseline values.
///
/// The systems are solved by fixed-point iteration to a good start and Newton's method
/// with the exact Jacobian to a residual below `tolerance`; a solve that does not get there
/// is an error, not a warning.
public enum StructuralGE {
    public struct Parameters: Sendable, Hashable {
        /// The elasticity of substitution σ (> 1).
        public var sigma: Double
        /// The country whose inward multilateral resistance is normalised to 1.
        public var referenceImporter: String
        /// Largest equation residual accepted.
        public var tolerance: Double = 1e-12
        public var maxIterations: Int = 10_000

        public init(sigma: Double, referenceImporter: String) {
            self.sigma = sigma
            self.referenceImporter = referenceImporter
        }
    }

    /// The economy: countries, their output and expenditure, and the two cost matrices
    /// (tᵢⱼ^{1−σ}, exporter i in rows, importer j in columns).
    public struct Economy: Sendable {
        public var countries: [String]
        public var output: [Double]
        public var expenditure: [Double]
        public var baselineCosts: [[Double]]
        public var experimentCosts: [[Double]]

        public init(countries: [String], output: [Double], expenditure: [Double], baselineCosts: [[Double]], experimentCosts: [[Double]]) {
            self.countries = countries
            self.output = output
            self.expenditure = expenditure
            self.baselineCosts = baselineCosts
            self.experimentCosts = experimentCosts
        }
    }

    /// - Throws: ``TarifError`` for σ ≤ 1, an unknown reference importer, non-positive
    ///   output, expenditure or costs, or a solve that does not converge.
    /// σ must be at least 1 + this: below it 1/(1−σ) passes −100 and prices overflow.
    public static let minimumSigmaGap = 0.01
    /// σ at most this (beyond it every cost ratio flattens to 0 or ∞ in `Double`).
    public static let maximumSigma = 100.0

    public static func simulate(_ economy: Economy, parameters: Parameters) throws -> GEResult {
        let n = economy.countries.count
        let sigma = parameters.sigma
        guard sigma > 1, sigma.isFinite else { throw TarifError(.badNumber, "σ must be greater than 1 (got \(sigma))") }
        guard sigma >= 1 + minimumSigmaGap, sigma <= maximumSigma else {
            throw TarifError(
                .degenerate,
                "σ = \(sigma) makes the model degenerate: prices are raised to 1/(1−σ), which overflows as σ nears 1 and flattens as σ grows; use σ from \(1 + minimumSigmaGap) to \(maximumSigma) (estimates are usually 4 to 8)",
                at: SourceLocation(file: "input", field: "sigma"))
        }
        guard n >= 2 else { throw TarifError(.missingInput, "a GE model needs at least two countries") }
        guard let ref = economy.countries.firstIndex(of: parameters.referenceImporter) else {
            throw TarifError(.notFound, "reference importer \(parameters.referenceImporter) is not among the \(n) countries")
        }
        for (i, c) in economy.countries.enumerated() {
            guard economy.output[i] > 0, economy.output[i].isFinite else { throw TarifError(.badNumber, "output of \(c) must be positive (got \(economy.output[i]))") }
            guard economy.expenditure[i] > 0, economy.expenditure[i].isFinite else { throw TarifError(.badNumber, "expenditure of \(c) must be positive (got \(economy.expenditure[i]))") }
            for j in 0..<n {
                for (label, m) in [("baseline", economy.baselineCosts), ("experiment", economy.experimentCosts)] where !(m[i][j] > 0 && m[i][j].isFinite) {
                    throw TarifError(.badNumber, "\(label) trade cost \(c)→\(economy.countries[j]) is \(m[i][j]); it must be positive (a missing pair or cost variable?)")
                }
            }
        }
        let totalY = economy.output.reduce(0, +)
        let totalE = economy.expenditure.reduce(0, +)
        let y = economy.output.map { $0 / totalY }
        let e = economy.expenditure.map { $0 / totalE }

        let baseline = try resistances(costs: economy.baselineCosts, y: y, e: e, reference: ref, parameters: parameters, stage: "baseline")
        let conditional = try resistances(costs: economy.experimentCosts, y: y, e: e, reference: ref, parameters: parameters, stage: "conditional")
        // Full equilibrium: the resistance equations keep the baseline shares, so their
        // solution is the conditional one; prices follow from the calibrated βᵢ.
        let inverse = 1 / (1 - sigma)
        let full = conditional
        let prices = (0..<n).map { pow(full.b[$0] / baseline.b[$0], inverse) }
        var priceResidual = 0.0
        for i in 0..<n {
            let beta = y[i] * baseline.b[i]
            priceResidual = max(priceResidual, abs(1 - y[i] * full.b[i] / (beta * pow(prices[i], 1 - sigma))))
        }
        let fullDiagnostics = GEResult.Diagnostics(stage: "full", iterations: full.diagnostics.iterations, residual: max(full.diagnostics.residual, priceResidual), method: "resistances as conditional; factory-gate prices from βᵢ pᵢ^{1−σ} = yᵢ/πᵢ′^{1−σ}")

        func level(_ ratio: Double) -> Double { 1 / pow(ratio, inverse) }
        let newOutput = (0..<n).map { prices[$0] * economy.output[$0] }
        let newExpenditure = (0..<n).map { economy.expenditure[$0] / economy.output[$0] * newOutput[$0] }
        let newTotalY = newOutput.reduce(0, +)
        var baseTrade = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        var newTrade = baseTrade
        for i in 0..<n {
            for j in 0..<n {
                baseTrade[i][j] = economy.baselineCosts[i][j] * economy.expenditure[j] * y[i] * baseline.a[j] * baseline.b[i]
                newTrade[i][j] = economy.experimentCosts[i][j] * newExpenditure[j] * (newOutput[i] / newTotalY) * full.a[j] * full.b[i]
            }
        }
        func change(_ new: Double, _ old: Double) -> Double { 100 * (new - old) / old }
        var countries: [GEResult.Country] = []
        for i in 0..<n {
            let p0 = level(baseline.a[i]), p1 = level(full.a[i]), pc = level(conditional.a[i])
            let o0 = level(baseline.b[i]), o1 = level(full.b[i]), oc = level(conditional.b[i])
            var exports0 = 0.0, exports1 = 0.0, imports0 = 0.0, imports1 = 0.0
            var fx0 = 0.0, fx1 = 0.0, fm0 = 0.0, fm1 = 0.0
            for j in 0..<n {
                exports0 += baseTrade[i][j]; exports1 += newTrade[i][j]
                imports0 += baseTrade[j][i]; imports1 += newTrade[j][i]
                if j != i {
                    fx0 += baseTrade[i][j]; fx1 += newTrade[i][j]
                    fm0 += baseTrade[j][i]; fm1 += newTrade[j][i]
                }
            }
            let welfare0 = economy.expenditure[i] / p0, welfare1 = newExpenditure[i] / p1
            countries.append(GEResult.Country(
                country: economy.countries[i],
                factoryGatePriceChange: 100 * (prices[i] - 1),
                baselineIMR: p0, conditionalIMR: pc, experimentIMR: p1, imrChange: change(p1, p0),
                baselineOMR: o0, conditionalOMR: oc, experimentOMR: o1, omrChange: change(o1, o0),
                baselineOutput: economy.output[i], experimentOutput: newOutput[i], outputChange: change(newOutput[i], economy.output[i]),
                baselineExpenditure: economy.expenditure[i], experimentExpenditure: newExpenditure[i], expenditureChange: change(newExpenditure[i], economy.expenditure[i]),
                realGDPChange: change(newOutput[i] / p1, economy.output[i] / p0),
                welfareStatistic: welfare0 / welfare1,
                welfareChange: change(welfare1, welfare0),
                termsOfTradeChange: change(prices[i] / p1, 1 / p0),
                exportsChange: change(exports1, exports0), foreignExportsChange: change(fx1, fx0),
                importsChange: change(imports1, imports0), foreignImportsChange: change(fm1, fm0),
                intranationalTradeChange: change(newTrade[i][i], baseTrade[i][i]),
                baselineForeignExports: fx0, experimentForeignExports: fx1))
        }
        var bilateral: [GEResult.Flow] = []
        for i in 0..<n {
            for j in 0..<n {
                bilateral.append(.init(exporter: economy.countries[i], importer: economy.countries[j],
                                       baselineCost: economy.baselineCosts[i][j], experimentCost: economy.experimentCosts[i][j],
                                       baselineTrade: baseTrade[i][j], experimentTrade: newTrade[i][j],
                                       tradeChange: change(newTrade[i][j], baseTrade[i][j])))
            }
        }
        let result = GEResult(sigma: sigma, referenceImporter: parameters.referenceImporter, countries: countries, bilateral: bilateral,
                              diagnostics: [baseline.diagnostics, conditional.diagnostics, fullDiagnostics])
        try Finiteness.require(
            result, model: "the GE counterfactual",
            cause: "σ = \(sigma), the shock or the trade costs (baseline or experiment, tᵢⱼ^{1−σ}) are too extreme for the solver; try σ nearer 5 or a smaller shock")
        return result
    }

    struct Resistances {
        /// aⱼ = 1/Pⱼ^{1−σ} (1 for the reference importer) and bᵢ = 1/πᵢ^{1−σ}.
        var a: [Double]
        var b: [Double]
        var diagnostics: GEResult.Diagnostics
    }

    /// Solves aⱼ Σᵢ Tᵢⱼ yᵢ bᵢ = 1 (j ≠ reference) and bᵢ Σⱼ Tᵢⱼ eⱼ aⱼ = 1.
    static func resistances(costs t: [[Double]], y: [Double], e: [Double], reference: Int, parameters: Parameters, stage: String) throws -> Resistances {
        let n = y.count
        var a = [Double](repeating: 1, count: n)
        var b = [Double](repeating: 1, count: n)
        func residual() -> Double {
            var worst = 0.0
            for j in 0..<n where j != reference {
                var s = 0.0
                for i in 0..<n { s += t[i][j] * y[i] * b[i] }
                worst = max(worst, abs(1 - a[j] * s))
            }
            for i in 0..<n {
                var s = 0.0
                for j in 0..<n { s += t[i][j] * e[j] * a[j] }
                worst = max(worst, abs(1 - b[i] * s))
            }
            return worst
        }
        // Fixed point: alternate the two equations (a contraction up to the normalisation).
        var iterations = 0
        var res = residual()
        while res > 1e-6 && iterations < parameters.maxIterations {
            iterations += 1
            for i in 0..<n {
                var s = 0.0
                for j in 0..<n { s += t[i][j] * e[j] * a[j] }
                b[i] = 1 / s
            }
            for j in 0..<n where j != reference {
                var s = 0.0
                for i in 0..<n { s += t[i][j] * y[i] * b[i] }
                a[j] = 1 / s
            }
            res = residual()
        }
        // Newton on the 2n − 1 unknowns (a without the reference, then b).
        let m = 2 * n - 1
        func column(ofA j: Int) -> Int { j < reference ? j : j - 1 }
        var newton = 0
        while res > parameters.tolerance && newton < 50 {
            newton += 1
            var jac = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
            var f = [Double](repeating: 0, count: m)
            for j in 0..<n where j != reference {
                let r = column(ofA: j)
                var s = 0.0
                for i in 0..<n {
                    s += t[i][j] * y[i] * b[i]
                    jac[r][n - 1 + i] = -a[j] * t[i][j] * y[i]
                }
                jac[r][r] = -s
                f[r] = 1 - a[j] * s
            }
            for i in 0..<n {
                let r = n - 1 + i
                var s = 0.0
                for j in 0..<n {
                    s += t[i][j] * e[j] * a[j]
                    if j != reference { jac[r][column(ofA: j)] = -b[i] * t[i][j] * e[j] }
                }
                jac[r][r] = -s
                f[r] = 1 - b[i] * s
            }
            let step = try Matrix.solve(jac, f.map { -$0 })
            for j in 0..<n where j != reference { a[j] += step[column(ofA: j)] }
            for i in 0..<n { b[i] += step[n - 1 + i] }
            res = residual()
        }
        guard res <= parameters.tolerance, a.allSatisfy({ $0 > 0 && $0.isFinite }), b.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw TarifError(.badInput, "the \(stage) multilateral resistances did not converge (largest residual \(res) after \(iterations) fixed-point and \(newton) Newton steps)")
        }
        return Resistances(a: a, b: b, diagnostics: .init(stage: stage, iterations: iterations + newton, residual: res, method: "\(iterations) fixed-point + \(newton) Newton steps"))
    }
}
