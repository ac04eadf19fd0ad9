import Foundation
import TarifCore

/// The estimation sample of a gravity formula over a panel: outcome, regressors and fixed
/// effects for the observations kept, with what was dropped and why.
///
/// Dropping follows fixest/pyfixest: rows with a missing or infinite value (`log(0)`) are
/// removed; observations in a fixed-effect group whose flows are all zero are separated
/// (their fixed effect would be −∞; they carry no information on the coefficients) and
/// removed; singletons (the only observation of a group) are removed when asked, which does
/// not change the coefficients but does change the degrees of freedom. Both are repeated
/// until nothing more is removed. Negative flows are an error.
public struct GravitySample: Sendable {
    public var outcome: [Double]
    public var regressorNames: [String]
    /// One array per regressor (column-major).
    public var regressors: [[Double]]
    public var effects: [FixedEffectIndex]
    public var clusters: [FixedEffectIndex]
    public var dropped: Dropped

    public struct Dropped: Sendable, Hashable, Codable {
        /// Rows with a missing value (empty cell, NaN) or a non-finite transformed value.
        public var missing = 0
        /// Observations in a fixed-effect group with only zero flows.
        public var separated = 0
        /// Observations alone in their fixed-effect group.
        public var singletons = 0
        /// Zero flows that the regressors (with the fixed effects) predict perfectly
        /// (``Separation``): dropped before the fit, as ppmlhdfe does.
        public var separatedByRegressors = 0
        public var total: Int { missing + separated + singletons + separatedByRegressors }

        public init() {}

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            missing = try c.decode(Int.self, forKey: .missing)
            separated = try c.decode(Int.self, forKey: .separated)
            singletons = try c.decode(Int.self, forKey: .singletons)
            separatedByRegressors = try c.decodeIfPresent(Int.self, forKey: .separatedByRegressors) ?? 0
        }
    }

    public var count: Int { outcome.count }

    /// - Parameters:
    ///   - clusters: the cluster dimensions (each one or more columns joined by `^`).
    ///   - dropSingletons: remove singletons (pyfixest's default `fixef_rm = "singleton"`).
    /// - Throws: ``TarifError``: an unknown column, negative flows (naming the row), a
    ///   sample left empty or with only zero flows.
    public init(panel: Panel, formula: GravityFormula, clusters clusterSpecs: [[String]] = [], dropSingletons: Bool = true) throws {
        let n = panel.rowCount
        var keep = [Bool](repeating: true, count: n)
        var dropped = Dropped()

        let y = try panel.numbers(formula.outcome)
        var xs: [[Double]] = []
        for r in formula.regressors {
            var v = try panel.numbers(r.column)
            if r.logarithm { v = v.map { $0 > 0 ? log($0) : ($0 == 0 ? -.infinity : .nan) } }
            xs.append(v)
        }
        func combine(_ names: [String]) throws -> [Int32] {
            var codes = try panel.categories(names[0]).codes
            guard names.count > 1 else { return codes }
            for name in names.dropFirst() {
                let (next, levels) = try panel.categories(name)
                codes = FixedEffectIndex.interact(codes, next, levelsOfB: levels.count).ids
            }
            return codes
        }
        let fe = try formula.fixedEffects.map(combine)
        let cl = try clusterSpecs.map(combine)

        for i in 0..<n {
            var ok = y[i].isFinite
            for x in xs where !x[i].isFinite { ok = false }
            for c in fe where c[i] < 0 { ok = false }
            for c in cl where c[i] < 0 { ok = false }
            if !ok { keep[i] = false; dropped.missing += 1; continue }
            if y[i] < 0 {
                throw TarifError(.badNumber, "negative \(formula.outcome) (\(y[i])); Poisson needs flows of zero or more",
                                 at: panel.location(ofRow: i, field: formula.outcome))
            }
        }

        // Separation and singletons, until stable.
        var changed = !fe.isEmpty
        while changed {
            changed = false
            for codes in fe {
                let size = Int(codes.max() ?? 0) + 1
                var sum = [Double](repeating: 0, count: size)
                var members = [Int32](repeating: 0, count: size)
                for i in 0..<n where keep[i] {
                    sum[Int(codes[i])] += y[i]
                    members[Int(codes[i])] += 1
                }
                for i in 0..<n where keep[i] {
                    if sum[Int(codes[i])] == 0 {
                        keep[i] = false; dropped.separated += 1; changed = true
                    } else if dropSingletons, members[Int(codes[i])] == 1 {
                        keep[i] = false; dropped.singletons += 1; changed = true
                    }
                }
            }
        }

        let kept = keep.indices.filter { keep[$0] }
        guard !kept.isEmpty else {
            throw TarifError(.missingInput, "no observations left (\(dropped.missing) missing, \(dropped.separated) separated, \(dropped.singletons) singletons)",
                             at: SourceLocation(file: panel.source))
        }
        let outcome = kept.map { y[$0] }
        guard outcome.contains(where: { $0 > 0 }) else {
            throw TarifError(.badNumber, "every \(formula.outcome) in the sample is zero: nothing to estimate", at: SourceLocation(file: panel.source))
        }
        func dense(_ codes: [Int32], name: String) -> FixedEffectIndex {
            var index = [Int32](repeating: -1, count: Int(codes.max() ?? 0) + 1)
            var levels: Int32 = 0
            var ids = [Int32](repeating: 0, count: kept.count)
            for (j, i) in kept.enumerated() {
                let c = Int(codes[i])
                if index[c] < 0 { index[c] = levels; levels += 1 }
                ids[j] = index[c]
            }
            return FixedEffectIndex(name: name, ids: ids, levels: Int(levels))
        }
        self.outcome = outcome
        self.regressorNames = formula.regressors.map(\.description)
        self.regressors = xs.map { x in kept.map { x[$0] } }
        self.effects = zip(fe, formula.fixedEffects).map { dense($0, name: $1.joined(separator: "^")) }
        self.clusters = zip(cl, clusterSpecs).map { dense($0, name: $1.joined(separator: "^")) }
        self.dropped = dropped
    }
}
