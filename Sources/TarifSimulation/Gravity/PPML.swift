import Dispatch
import Foundation
import TarifCore

/// Poisson pseudo-maximum-likelihood with high-dimensional fixed effects (Santos Silva and
/// Tenreyro 2006, "The log of gravity"; Correia, Guimarães and Zylkin 2020, "Fast Poisson
/// estimation with high-dimensional fixed effects", the ppmlhdfe algorithm).
///
/// Iteratively re-weighted least squares: with μ the fitted flows and η = log μ, each
/// iteration forms the working variable z = η + (y − μ)/μ and weights w = μ, projects z and
/// the regressors off the fixed effects with weights w (``Demeaner``), and solves the
/// weighted least squares of the projected z on the projected regressors; the new
/// η = z − residual. It stops when the deviance changes by less than `tolerance` relative
/// (|D − D₀| / (0.1 + |D₀|), fixest's criterion); the projections are started from the
/// previous iteration's group coefficients.
public enum PPML {
    public struct Options: Sendable, Hashable {
        /// Relative deviance change that ends IRLS.
        public var tolerance: Double = 1e-10
        /// Largest move of a group coefficient that ends the projections (relative to the variable's scale).
        public var demeanTolerance: Double = 1e-11
        public var maxIterations: Int = 100
        public var maxSweeps: Int = 50_000
        /// A regressor whose variance left after the fixed effects and the regressors before it is
        /// below this share of its own is dropped as collinear.
        public var collinearityTolerance: Double = 1e-9
        public var vcov: VarianceKind = .iid
        /// Drop observations separated by the regressors before the fit (``Separation``).
        public var checkSeparation = true
        /// Whether singletons left by dropping separated observations are dropped too (as the sample did).
        public var dropSingletons = true
        /// Stop with `.timeout` at the first iteration past this instant (nil: no limit).
        public var deadline: ContinuousClock.Instant?
        public init() {}
    }

    /// How standard errors are computed (small-sample corrections as pyfixest's defaults,
    /// `ssc(k_adj=True, k_fixef="nonnested", G_adj=True, G_df="min")`).
    public enum VarianceKind: Sendable, Hashable, CustomStringConvertible {
        /// Poisson variance: (X̃′WX̃)⁻¹ · (N−1)/(N−K).
        case iid
        /// Heteroskedasticity-robust sandwich · N/(N−K).
        case hetero
        /// Clustered by the sample's cluster dimensions: one-way, or two-way
        /// (Cameron, Gelbach and Miller 2011: V₁ + V₂ − V₁₂) · G/(G−1) · (N−1)/(N−K), G the
        /// smallest number of clusters; fixed effects nested in a cluster dimension are not counted in K.
        case cluster

        public var description: String {
            switch self {
            case .iid: "iid"
            case .hetero: "heteroskedasticity-robust"
            case .cluster: "clustered"
            }
        }
    }

    /// One IRLS step, for progress reports.
    public struct Step: Sendable, Hashable, Codable {
        public var iteration: Int
        public var deviance: Double
        public var criterion: Double
        /// Projection sweeps used by the slowest variable.
        public var sweeps: Int
    }

    /// Fits the model.
    /// - Throws: ``TarifError`` when every regressor is collinear with the fixed effects and
    ///   nothing is left, when IRLS does not converge within `maxIterations`, or when the
    ///   projections do not converge.
    public static func fit(_ sample: GravitySample, options: Options = Options(), progress: (@Sendable (Step) -> Void)? = nil) throws -> GravityEstimate {
        var sample = sample
        var separationNote: String?
        if options.checkSeparation {
            let rows = Separation.separated(outcome: sample.outcome, regressors: sample.regressors, effects: sample.effects)
            if !rows.isEmpty {
                sample = sample.removing(rows, dropSingletons: options.dropSingletons)
                separationNote = "\(rows.count) zero-flow observation\(rows.count == 1 ? " is" : "s are") separated by the regressors (perfectly predicted; the estimate would not exist): dropped before the fit, as ppmlhdfe does (ReLU check, Correia, Guimarães and Zylkin 2021)"
            }
        }
        guard sample.count > 0, sample.outcome.contains(where: { $0 > 0 }) else {
            throw TarifError(.badNumber, "no observations with positive flows are left after dropping the separated ones: nothing to estimate")
        }
        let n = sample.count
        let y = sample.outcome
        var names = sample.regressorNames
        var x = sample.regressors
        if sample.effects.isEmpty {
            names.insert("(Intercept)", at: 0)
            x.insert([Double](repeating: 1, count: n), at: 0)
        }
        var demeaner = Demeaner(effects: sample.effects, count: n)
        let mean = y.reduce(0, +) / Double(n)
        var mu = y.map { ($0 + mean) / 2 }
        var eta = mu.map { log($0) }
        var last = deviance(y, mu)
        var states = [Demeaner.State](repeating: Demeaner.State(sample.effects), count: x.count + 1)
        var collinear: [String] = []
        var beta: [Double] = []
        var demeanedX: [[Double]] = []
        var iterations = 0
        var converged = false
        var criterion = Double.infinity
        // Projections start loose and tighten as IRLS converges (ppmlhdfe's adaptive
        // tolerance): early iterations do not need exact projections.
        var inner = max(options.demeanTolerance, 1e-4)

        while iterations < options.maxIterations {
            if let deadline = options.deadline, ContinuousClock.now > deadline {
                throw TarifError(.timeout, "the estimation passed its time limit after \(iterations) iterations; send a smaller panel or fewer fixed effects")
            }
            iterations += 1
            let z = (0..<n).map { eta[$0] + (y[$0] - mu[$0]) / mu[$0] }
            demeaner.setWeights(mu)
            let (results, sweeps) = try demeanAll([z] + x, demeaner: demeaner, states: &states, tolerance: inner, options: options)
            let zt = results[0]
            var xt = Array(results.dropFirst())
            if iterations == 1 {
                let keep = independentColumns(xt, original: x, weights: mu, tolerance: options.collinearityTolerance)
                collinear = names.indices.filter { !keep.contains($0) }.map { names[$0] }
                names = keep.map { names[$0] }
                x = keep.map { x[$0] }
                xt = keep.map { xt[$0] }
                states = [states[0]] + keep.map { states[$0 + 1] }
                if x.isEmpty && sample.effects.isEmpty {
                    throw TarifError(.badInput, "every regressor is collinear (\(collinear.joined(separator: ", "))); nothing to estimate")
                }
            }
            let b = try solveWLS(xt, zt, weights: mu)
            var next = eta
            for i in 0..<n {
                var fit = 0.0
                for j in xt.indices { fit += xt[j][i] * b[j] }
                next[i] = z[i] - (zt[i] - fit)
            }
            var newMu = next.map { exp($0) }
            var dev = deviance(y, newMu)
            // Step-halving when the step overshoots (non-finite or a clearly larger deviance).
            var halvings = 0
            while (!dev.isFinite || dev > last * (1 + 1e-9) + 1e-12) && halvings < 30 && iterations > 1 {
                halvings += 1
                for i in 0..<n { next[i] = (next[i] + eta[i]) / 2 }
                newMu = next.map { exp($0) }
                dev = deviance(y, newMu)
            }
            guard dev.isFinite else {
                throw TarifError(.badNumber, "the fit diverged (deviance not finite at iteration \(iterations)); check for regressors that separate zero flows")
            }
            criterion = abs(dev - last) / (0.1 + abs(last))
            eta = next
            mu = newMu
            last = dev
            beta = b
            demeanedX = xt
            progress?(Step(iteration: iterations, deviance: dev, criterion: criterion, sweeps: sweeps))
            if criterion < options.tolerance {
                // Done, unless the projections were still loose: then one more step with exact ones.
                if inner <= options.demeanTolerance { converged = true; break }
                inner = options.demeanTolerance
                continue
            }
            while inner > options.demeanTolerance && criterion < 10 * inner { inner = max(inner / 10, options.demeanTolerance) }
        }
        guard converged else {
            throw TarifError(.badInput, "PPML did not converge in \(options.maxIterations) iterations (last relative deviance change \(criterion)); raise --max-iterations or check the data")
        }
        let vcov = try covariance(demeanedX, y: y, mu: mu, sample: sample, kind: options.vcov)
        let k = beta.count
        var coefficients: [GravityEstimate.Coefficient] = []
        var notes: [String] = separationNote.map { [$0] } ?? []
        for j in 0..<k {
            let se = vcov[j][j] > 0 && vcov[j][j].isFinite ? vcov[j][j].squareRoot() : .nan
            if vcov[j][j].isInfinite {
                notes.append("the variance of \(names[j]) is not finite (no degrees of freedom are left after the fixed effects and regressors); its standard error is not defined")
            } else if !(vcov[j][j] > 0) {
                notes.append(options.vcov == .cluster && sample.clusters.count == 2
                    ? "the two-way clustered variance of \(names[j]) is not positive (V₁ + V₂ − V₁₂ is not positive semi-definite here); its standard error is not defined"
                    : "the variance of \(names[j]) is not positive; its standard error is not defined")
            }
            let zStat = beta[j] / se
            coefficients.append(.init(name: names[j], estimate: beta[j], standardError: se, z: zStat, p: erfc(abs(zStat) / 2.0.squareRoot())))
        }
        var loglik = 0.0, nullLoglik = 0.0
        for i in 0..<n {
            loglik += y[i] * log(mu[i]) - mu[i] - lgamma(y[i] + 1)
            nullLoglik += y[i] * log(mean) - mean - lgamma(y[i] + 1)
        }
        return GravityEstimate(
            coefficients: coefficients, covariance: vcov, collinear: collinear,
            observations: n, dropped: sample.dropped,
            fixedEffects: sample.effects.map { .init(name: $0.name, levels: $0.levels) },
            clusters: sample.clusters.map { .init(name: $0.name, levels: $0.levels) },
            variance: options.vcov, iterations: iterations, deviance: last, criterion: criterion,
            logLikelihood: loglik, pseudoR2: 1 - loglik / nullLoglik, notes: notes)
    }

    /// Poisson deviance 2 Σ [y log(y/μ) − (y − μ)].
    static func deviance(_ y: [Double], _ mu: [Double]) -> Double {
        var d = 0.0
        for i in y.indices {
            d += (y[i] > 0 ? y[i] * log(y[i] / mu[i]) : 0) - (y[i] - mu[i])
        }
        return 2 * d
    }

    /// Projects every column, two at a time on two cores.
    private static func demeanAll(_ columns: [[Double]], demeaner: Demeaner, states: inout [Demeaner.State], tolerance: Double, options: Options) throws -> ([[Double]], Int) {
        let box = ResultBox(states: states, count: columns.count)
        DispatchQueue.concurrentPerform(iterations: columns.count) { j in
            var state = box.state(j)
            let out = demeaner.demean(columns[j], state: &state, tolerance: tolerance, maxSweeps: options.maxSweeps)
            box.store(j, out, state)
        }
        states = box.states
        let outcomes = box.outcomes.map { $0! }
        if let bad = outcomes.firstIndex(where: { !$0.converged }) {
            throw TarifError(.badInput, "projecting \(bad == 0 ? "the working outcome" : "regressor \(bad)") off the fixed effects did not converge in \(options.maxSweeps) sweeps")
        }
        return (outcomes.map(\.residual), outcomes.map(\.sweeps).max() ?? 0)
    }

    /// The regressors kept after dropping those collinear with the fixed effects or with
    /// earlier regressors (a Cholesky factorisation of X̃′WX̃ that skips small pivots).
    static func independentColumns(_ xt: [[Double]], original: [[Double]], weights w: [Double], tolerance: Double) -> [Int] {
        let k = xt.count
        var a = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for p in 0..<k { for q in p..<k { a[p][q] = dot(xt[p], xt[q], w); a[q][p] = a[p][q] } }
        let sw = w.reduce(0, +)
        var keep: [Int] = []
        var l = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for j in 0..<k {
            // Variance of the raw column around its weighted mean: the yardstick.
            var m = 0.0
            for i in w.indices { m += w[i] * original[j][i] }
            m /= sw
            var raw = 0.0
            for i in w.indices { raw += w[i] * (original[j][i] - m) * (original[j][i] - m) }
            if raw == 0 { raw = dot(original[j], original[j], w) }
            var d = a[j][j]
            for p in keep { d -= l[j][p] * l[j][p] }
            guard d > tolerance * raw, d > 0 else { continue }
            let root = d.squareRoot()
            l[j][j] = root
            for q in (j + 1)..<max(k, j + 1) {
                var s = a[q][j]
                for p in keep { s -= l[q][p] * l[j][p] }
                l[q][j] = s / root
            }
            keep.append(j)
        }
        return keep
    }

    static func dot(_ a: [Double], _ b: [Double], _ w: [Double]) -> Double {
        var s = 0.0
        a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in w.withUnsafeBufferPointer { w in
            for i in 0..<a.count { s += a[i] * b[i] * w[i] }
        } } }
        return s
    }

    /// β = (X̃′WX̃)⁻¹ X̃′W z̃.
    private static func solveWLS(_ xt: [[Double]], _ zt: [Double], weights w: [Double]) throws -> [Double] {
        let k = xt.count
        guard k > 0 else { return [] }
        var a = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        var b = [Double](repeating: 0, count: k)
        for p in 0..<k {
            b[p] = dot(xt[p], zt, w)
            for q in p..<k { a[p][q] = dot(xt[p], xt[q], w); a[q][p] = a[p][q] }
        }
        return try Matrix.solve(a, b)
    }

    /// The variance of the coefficients.
    private static func covariance(_ xt: [[Double]], y: [Double], mu: [Double], sample: GravitySample, kind: VarianceKind) throws -> [[Double]] {
        let k = xt.count
        guard k > 0 else { return [] }
        let n = y.count
        var a = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
        for p in 0..<k { for q in p..<k { a[p][q] = dot(xt[p], xt[q], mu); a[q][p] = a[p][q] } }
        let bread = try Matrix.inverse(a)
        // Fixed-effect parameters counted in K (pyfixest k_fixef = "nonnested").
        let feLevels = sample.effects.map(\.levels)
        let feK = feLevels.reduce(0, +) - max(0, sample.effects.count - 1)
        let N = Double(n)
        switch kind {
        case .iid:
            let adj = (N - 1) / (N - Double(k + feK))
            return bread.map { $0.map { $0 * adj } }
        case .hetero:
            var meat = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
            for i in 0..<n {
                let u = y[i] - mu[i]
                for p in 0..<k { for q in 0..<k { meat[p][q] += xt[p][i] * xt[q][i] * u * u } }
            }
            let adj = N / (N - Double(k + feK))
            return Matrix.sandwich(bread, meat).map { $0.map { $0 * adj } }
        case .cluster:
            guard !sample.clusters.isEmpty else {
                throw TarifError(.missingInput, "clustered standard errors need a cluster variable (--cluster)")
            }
            // Scores s_i = x̃_i (y_i − μ_i), summed within clusters.
            func meat(_ ids: [Int32], levels: Int) -> [[Double]] {
                var sums = [[Double]](repeating: [Double](repeating: 0, count: k), count: levels)
                for i in 0..<n {
                    let u = y[i] - mu[i]
                    for p in 0..<k { sums[Int(ids[i])][p] += xt[p][i] * u }
                }
                var m = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
                for s in sums { for p in 0..<k { for q in 0..<k { m[p][q] += s[p] * s[q] } } }
                return m
            }
            var total = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
            func add(_ m: [[Double]], _ sign: Double) {
                for p in 0..<k { for q in 0..<k { total[p][q] += sign * m[p][q] } }
            }
            let c = sample.clusters
            for cl in c { add(meat(cl.ids, levels: cl.levels), 1) }
            if c.count == 2 {
                let both = FixedEffectIndex.interact(c[0].ids, c[1].ids, levelsOfB: c[1].levels)
                add(meat(both.ids, levels: both.levels), -1)
            } else if c.count > 2 {
                throw TarifError(.badInput, "at most two cluster dimensions (got \(c.count))")
            }
            // Fixed effects nested in a cluster dimension do not count in K.
            var nestedLevels = 0, nestedCount = 0
            for fe in sample.effects where c.contains(where: { nested(fe, in: $0) }) {
                nestedLevels += fe.levels
                nestedCount += 1
            }
            let dfK = nestedLevels == 0 ? k + feK : k + feK - nestedLevels + nestedCount
            let g = Double(c.map(\.levels).min()!)
            let adj = (N - 1) / (N - Double(dfK)) * g / (g - 1)
            return Matrix.sandwich(bread, total).map { $0.map { $0 * adj } }
        }
    }

    /// Whether each group of `fe` lies inside one cluster.
    static func nested(_ fe: FixedEffectIndex, in cluster: FixedEffectIndex) -> Bool {
        var owner = [Int32](repeating: -1, count: fe.levels)
        for i in fe.ids.indices {
            let g = Int(fe.ids[i])
            if owner[g] < 0 { owner[g] = cluster.ids[i] } else if owner[g] != cluster.ids[i] { return false }
        }
        return true
    }
}

/// Per-column results written by the parallel projections (each index by one worker).
private final class ResultBox: @unchecked Sendable {
    var states: [Demeaner.State]
    var outcomes: [Demeaner.Outcome?]
    private let lock = NSLock()
    init(states: [Demeaner.State], count: Int) {
        self.states = states
        self.outcomes = [Demeaner.Outcome?](repeating: nil, count: count)
    }
    func state(_ j: Int) -> Demeaner.State {
        lock.lock()
        defer { lock.unlock() }
        return states[j]
    }
    func store(_ j: Int, _ outcome: Demeaner.Outcome, _ state: Demeaner.State) {
        lock.lock()
        outcomes[j] = outcome
        states[j] = state
        lock.unlock()
    }
}
