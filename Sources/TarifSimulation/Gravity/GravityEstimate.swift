/// The result of a PPML gravity estimation.
public struct GravityEstimate: Sendable, Codable {
    public struct Coefficient: Sendable, Hashable, Codable {
        public var name: String
        public var estimate: Double
        public var standardError: Double
        /// estimate / standard error; `p` from the normal distribution (two-sided).
        public var z: Double
        public var p: Double
    }

    public struct Dimension: Sendable, Hashable, Codable {
        public var name: String
        public var levels: Int
    }

    public var coefficients: [Coefficient]
    /// The variance matrix of the coefficients, in their order.
    public var covariance: [[Double]]
    /// Regressors dropped as collinear with the fixed effects or the other regressors.
    public var collinear: [String]
    public var observations: Int
    public var dropped: GravitySample.Dropped
    public var fixedEffects: [Dimension]
    public var clusters: [Dimension]
    public var variance: PPML.VarianceKind
    /// IRLS iterations and the final relative deviance change.
    public var iterations: Int
    public var deviance: Double
    public var criterion: Double
    public var logLikelihood: Double
    /// McFadden's pseudo-R² against the constant-only model.
    public var pseudoR2: Double

    public func coefficient(_ name: String) -> Coefficient? { coefficients.first { $0.name == name } }
}

extension PPML.VarianceKind: Codable {
    public init(from decoder: any Decoder) throws {
        let s = try decoder.singleValueContainer().decode(String.self)
        switch s {
        case "hetero", "heteroskedasticity-robust": self = .hetero
        case "cluster", "clustered": self = .cluster
        default: self = .iid
        }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
