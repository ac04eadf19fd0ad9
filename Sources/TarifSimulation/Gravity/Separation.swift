import TarifCore

/// Observations separated by the regressors: zero flows that some combination of the
/// regressors and fixed effects predicts perfectly, for which the Poisson likelihood has no
/// maximum (the coefficients run off to infinity while the fit "converges").
///
/// The check is the iterative rectifier ("ReLU") of Correia, Guimarães and Zylkin (2021),
/// "Verifying the existence of maximum likelihood estimates for generalized linear models",
/// as ppmlhdfe runs it with `separation(ir)`: with u = 1 on the zero flows, regress u on the
/// regressors and fixed effects by least squares with a very large weight on the positive
/// flows (so the fit is held at 0 there); when the fit is ≥ 0 on every zero flow, those
/// with a fit above 0 are separated; otherwise u = max(fit, 0) on the zero flows, again.
enum Separation {
    /// The indices of the separated observations (empty when there are none or the check
    /// does not settle within `maxIterations`: then nothing is dropped).
    static func separated(
        outcome y: [Double], regressors x: [[Double]], effects: [FixedEffectIndex], maxIterations: Int = 100
    ) -> [Int] {
        let n = y.count
        let zeros = y.indices.filter { y[$0] == 0 }
        guard !zeros.isEmpty, !x.isEmpty else { return [] }
        let heavy = 1e8
        let weights = y.map { $0 > 0 ? heavy : 1 }
        var demeaner = Demeaner(effects: effects, count: n)
        demeaner.setWeights(weights)
        let projected: [[Double]] = x.map { column in
            var state = Demeaner.State(effects)
            return demeaner.demean(column, state: &state, tolerance: 1e-12, maxSweeps: 10_000).residual
        }
        var u = y.map { $0 > 0 ? 0.0 : 1.0 }
        let tolerance = 1e-6
        for _ in 0..<maxIterations {
            var state = Demeaner.State(effects)
            let ut = demeaner.demean(u, state: &state, tolerance: 1e-12, maxSweeps: 10_000).residual
            // Least squares of ũ on X̃ with the weights (a tiny ridge keeps collinear columns solvable).
            let k = projected.count
            var a = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
            var b = [Double](repeating: 0, count: k)
            for p in 0..<k {
                b[p] = PPML.dot(projected[p], ut, weights)
                for q in p..<k { a[p][q] = PPML.dot(projected[p], projected[q], weights); a[q][p] = a[p][q] }
                a[p][p] += 1e-9 * max(a[p][p], 1)
            }
            guard let beta = try? Matrix.solve(a, b) else { return [] }
            var fit = [Double](repeating: 0, count: n)
            var negative = false
            for i in 0..<n {
                var xb = 0.0
                for j in 0..<k { xb += projected[j][i] * beta[j] }
                var f = u[i] - (ut[i] - xb)
                if abs(f) < tolerance { f = 0 }
                fit[i] = f
                if y[i] == 0 && f < 0 { negative = true }
            }
            if !negative {
                return zeros.filter { fit[$0] > 0 }
            }
            for i in zeros { u[i] = max(fit[i], 0) }
            if zeros.allSatisfy({ u[$0] == 0 }) { return [] }
        }
        return []
    }
}

extension GravitySample {
    /// The sample without the observations at `rows`; groups left with one observation are
    /// dropped as singletons again when `dropSingletons`.
    func removing(_ rows: [Int], dropSingletons: Bool) -> GravitySample {
        var keep = [Bool](repeating: true, count: count)
        for r in rows { keep[r] = false }
        var copy = self
        var changed = dropSingletons
        while changed {
            changed = false
            for fe in effects {
                var members = [Int](repeating: 0, count: fe.levels)
                for i in 0..<count where keep[i] { members[Int(fe.ids[i])] += 1 }
                for i in 0..<count where keep[i] && members[Int(fe.ids[i])] == 1 {
                    keep[i] = false
                    copy.dropped.singletons += 1
                    changed = true
                }
            }
        }
        let kept = keep.indices.filter { keep[$0] }
        copy.dropped.separatedByRegressors += rows.count
        copy.outcome = kept.map { outcome[$0] }
        copy.regressors = regressors.map { x in kept.map { x[$0] } }
        func dense(_ fe: FixedEffectIndex) -> FixedEffectIndex {
            var index = [Int32](repeating: -1, count: fe.levels)
            var levels: Int32 = 0
            let ids = kept.map { i -> Int32 in
                let c = Int(fe.ids[i])
                if index[c] < 0 { index[c] = levels; levels += 1 }
                return index[c]
            }
            return FixedEffectIndex(name: fe.name, ids: ids, levels: Int(levels))
        }
        copy.effects = effects.map(dense)
        copy.clusters = clusters.map(dense)
        return copy
    }
}
