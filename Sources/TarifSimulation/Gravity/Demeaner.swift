/// One fixed-effect dimension over the estimation sample: a group per observation
/// (`0..<levels`), every group non-empty.
public struct FixedEffectIndex: Sendable {
    public let name: String
    public let ids: [Int32]
    public let levels: Int

    public init(name: String, ids: [Int32], levels: Int) {
        self.name = name
        self.ids = ids
        self.levels = levels
    }

    /// The groups of the interaction of two codings (`exporter^year`): one code per distinct
    /// pair, in order of first appearance; −1 where either side is −1.
    static func interact(_ a: [Int32], _ b: [Int32], levelsOfB: Int) -> (ids: [Int32], levels: Int) {
        var index: [Int64: Int32] = [:]
        var ids = [Int32](repeating: -1, count: a.count)
        for i in a.indices where a[i] >= 0 && b[i] >= 0 {
            let key = Int64(a[i]) * Int64(levelsOfB) + Int64(b[i])
            if let c = index[key] { ids[i] = c } else {
                let c = Int32(index.count)
                index[key] = c
                ids[i] = c
            }
        }
        return (ids, index.count)
    }
}

/// Weighted projection of variables off any number of fixed effects (the within
/// transformation), by alternating projections (Gauss–Seidel sweeps over the dimensions)
/// with Irons–Tuck extrapolation every third step, as in fixest (Bergé 2018, "Efficient
/// estimation of maximum likelihood models with multiple fixed-effects").
///
/// The group coefficients of each variable are kept between calls (`State`), so that the
/// IRLS iterations of PPML, whose weights change little, start near the answer.
struct Demeaner {
    let effects: [FixedEffectIndex]
    let count: Int
    /// 1 / (sum of weights) per group, per dimension, for the current weights.
    private(set) var inverseWeight: [[Double]]
    private(set) var weights: [Double]
    /// Per dimension, its runs when the rows are sorted by it.
    let runs: [Runs?]

    init(effects: [FixedEffectIndex], count: Int) {
        self.effects = effects
        self.count = count
        self.runs = effects.map { Runs($0.ids) }
        self.inverseWeight = effects.map { [Double](repeating: 0, count: $0.levels) }
        self.weights = []
    }

    mutating func setWeights(_ w: [Double]) {
        weights = w
        for g in effects.indices {
            var sums = [Double](repeating: 0, count: effects[g].levels)
            effects[g].ids.withUnsafeBufferPointer { id in
                w.withUnsafeBufferPointer { w in
                    sums.withUnsafeMutableBufferPointer { s in
                        for i in 0..<count { s[Int(id[i])] += w[i] }
                    }
                }
            }
            inverseWeight[g] = sums.map { $0 > 0 ? 1 / $0 : 0 }
        }
    }

    /// The coefficients of one variable on every dimension, kept between calls.
    struct State: Sendable {
        var alpha: [[Double]]
        init(_ effects: [FixedEffectIndex]) { alpha = effects.map { [Double](repeating: 0, count: $0.levels) } }
    }

    struct Outcome: Sendable {
        var residual: [Double]
        var sweeps: Int
        var converged: Bool
    }

    /// `v` minus its weighted projection on the fixed effects.
    ///
    /// Converges when no group coefficient moves by more than `tolerance` × (1 + the
    /// variable's largest magnitude) in a sweep.
    func demean(_ v: [Double], state: inout State, tolerance: Double, maxSweeps: Int) -> Outcome {
        let g = effects.count
        guard g > 0 else { return Outcome(residual: v, sweeps: 0, converged: true) }
        var scale = 1.0
        for x in v { scale = max(scale, abs(x)) }
        let tol = tolerance * scale
        // Residual for the starting coefficients.
        var r = v
        r.withUnsafeMutableBufferPointer { r in
            for d in 0..<g {
                effects[d].ids.withUnsafeBufferPointer { id in
                    state.alpha[d].withUnsafeBufferPointer { a in
                        for i in 0..<count { r[i] -= a[Int(id[i])] }
                    }
                }
            }
        }
        if g == 1 {
            // One dimension: a single projection is exact.
            _ = sweep(&r, &state.alpha)
            return Outcome(residual: r, sweeps: 1, converged: true)
        }
        var sweeps = 0
        var converged = false
        while sweeps < maxSweeps {
            // Irons–Tuck: X, F(X), F(F(X)); extrapolate; then continue from there.
            let x0 = state.alpha
            let d1 = sweep(&r, &state.alpha)
            sweeps += 1
            if d1 <= tol { converged = true; break }
            let x1 = state.alpha
            let d2 = sweep(&r, &state.alpha)
            sweeps += 1
            if d2 <= tol { converged = true; break }
            let x2 = state.alpha
            var num = 0.0, den = 0.0
            for d in 0..<g {
                for l in 0..<effects[d].levels {
                    let a = x2[d][l] - x1[d][l]
                    let b = a - (x1[d][l] - x0[d][l])
                    num += a * b
                    den += b * b
                }
            }
            guard den > 0 else { continue }
            let coef = num / den
            // X' = F(F(X)) − coef · (F(F(X)) − F(X)); move the residual by the change.
            var change = state.alpha
            for d in 0..<g {
                for l in 0..<effects[d].levels {
                    let next = x2[d][l] - coef * (x2[d][l] - x1[d][l])
                    change[d][l] = next - x2[d][l]
                    state.alpha[d][l] = next
                }
            }
            r.withUnsafeMutableBufferPointer { r in
                for d in 0..<g {
                    effects[d].ids.withUnsafeBufferPointer { id in
                        change[d].withUnsafeBufferPointer { c in
                            for i in 0..<count { r[i] -= c[Int(id[i])] }
                        }
                    }
                }
            }
        }
        return Outcome(residual: r, sweeps: sweeps, converged: converged)
    }

    /// One Gauss–Seidel sweep: for each dimension in turn, move each group's coefficient by
    /// the weighted mean of the current residual in the group. Returns the largest move.
    private func sweep(_ r: inout [Double], _ alpha: inout [[Double]]) -> Double {
        var largest = 0.0
        let n = count
        weights.withUnsafeBufferPointer { w in
            r.withUnsafeMutableBufferPointer { r in
                for d in effects.indices {
                    let levels = effects[d].levels
                    var sums = [Double](repeating: 0, count: levels)
                    sums.withUnsafeMutableBufferPointer { s in
                        if let runs = runs[d] {
                            // Rows sorted by this effect (pairs in a panel): sum each run in a
                            // register instead of adding to memory row by row.
                            runs.starts.withUnsafeBufferPointer { start in
                                runs.groups.withUnsafeBufferPointer { group in
                                    for k in 0..<group.count {
                                        var acc = 0.0
                                        for i in Int(start[k])..<Int(start[k + 1]) { acc += w[i] * r[i] }
                                        s[Int(group[k])] += acc
                                    }
                                }
                            }
                        } else {
                            effects[d].ids.withUnsafeBufferPointer { id in
                                for i in 0..<n { s[Int(id[i])] += w[i] * r[i] }
                            }
                        }
                        inverseWeight[d].withUnsafeBufferPointer { inv in
                            alpha[d].withUnsafeMutableBufferPointer { a in
                                for l in 0..<levels {
                                    let delta = s[l] * inv[l]
                                    s[l] = delta
                                    a[l] += delta
                                    largest = max(largest, abs(delta))
                                }
                            }
                        }
                        if let runs = runs[d] {
                            runs.starts.withUnsafeBufferPointer { start in
                                runs.groups.withUnsafeBufferPointer { group in
                                    for k in 0..<group.count {
                                        let m = s[Int(group[k])]
                                        for i in Int(start[k])..<Int(start[k + 1]) { r[i] -= m }
                                    }
                                }
                            }
                        } else {
                            effects[d].ids.withUnsafeBufferPointer { id in
                                for i in 0..<n { r[i] -= s[Int(id[i])] }
                            }
                        }
                    }
                }
            }
        }
        return largest
    }
}

/// Consecutive rows in the same group, when rows come sorted by a fixed effect.
struct Runs: Sendable {
    /// Start row of each run, and one past the last row at the end.
    var starts: [Int32]
    var groups: [Int32]

    /// The runs of `ids`, or nil when they are too short to pay (under four rows on average).
    init?(_ ids: [Int32]) {
        var starts: [Int32] = [0]
        var groups: [Int32] = []
        guard let first = ids.first else { return nil }
        groups.append(first)
        for i in 1..<max(ids.count, 1) where ids[i] != ids[i - 1] {
            starts.append(Int32(i))
            groups.append(ids[i])
            if groups.count * 4 > ids.count { return nil }
        }
        starts.append(Int32(ids.count))
        self.starts = starts
        self.groups = groups
    }
}
