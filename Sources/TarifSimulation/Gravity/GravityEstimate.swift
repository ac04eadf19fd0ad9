/// The result of a PPML gravity estimation.
public struct GravityEstimate: Sendable, Codable {
    public struct Coefficient: Sendable, Hashable, Codable {
        public var name: String
        public var estimate: Double
        public var standardError: Double
        /// estimate / standard error; `p` from the normal distribution (two-sided).
        public var z: Double
        public var p: Double

        private enum CodingKeys: String, CodingKey { case name, estimate, standardError, z, p }

        init(name: String, estimate: Double, standardError: Double, z: Double, p: Double) {
            self.name = name
            self.estimate = estimate
            self.standardError = standardError
            self.z = z
            self.p = p
        }

        /// A standard error that is not defined (a variance that is not positive) is `null`
        /// in JSON, which has no NaN.
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            estimate = try c.decode(Double.self, forKey: .estimate)
            standardError = try c.decodeIfPresent(Double.self, forKey: .standardError) ?? .nan
            z = try c.decodeIfPresent(Double.self, forKey: .z) ?? .nan
            p = try c.decodeIfPresent(Double.self, forKey: .p) ?? .nan
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(estimate, forKey: .estimate)
            for (value, key) in [(standardError, CodingKeys.standardError), (z, .z), (p, .p)] {
                if value.isFinite { try c.encode(value, forKey: key) } else { try c.encodeNil(forKey: key) }
            }
        }
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
    /// What the reader must know about the numbers (e.g. a variance that is not positive).
    public var notes: [String]

    init(coefficients: [Coefficient], covariance: [[Double]], collinear: [String], observations: Int, dropped: GravitySample.Dropped,
         fixedEffects: [Dimension], clusters: [Dimension], variance: PPML.VarianceKind, iterations: Int, deviance: Double,
         criterion: Double, logLikelihood: Double, pseudoR2: Double, notes: [String]) {
        self.coefficients = coefficients
        self.covariance = covariance
        self.collinear = collinear
        self.observations = observations
        self.dropped = dropped
        self.fixedEffects = fixedEffects
        self.clusters = clusters
        self.variance = variance
        self.iterations = iterations
        self.deviance = deviance
        self.criterion = criterion
        self.logLikelihood = logLikelihood
        self.pseudoR2 = pseudoR2
        self.notes = notes
    }

    private enum CodingKeys: String, CodingKey {
        case coefficients, covariance, collinear, observations, dropped, fixedEffects, clusters, variance
        case iterations, deviance, criterion, logLikelihood, pseudoR2, notes
    }

    /// Reads what `tarif gravity estimate --format json` wrote, including files written
    /// before `notes` existed.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            coefficients: try c.decode([Coefficient].self, forKey: .coefficients),
            covariance: try c.decode([[Double?]].self, forKey: .covariance).map { $0.map { $0 ?? .nan } },
            collinear: try c.decode([String].self, forKey: .collinear),
            observations: try c.decode(Int.self, forKey: .observations),
            dropped: try c.decode(GravitySample.Dropped.self, forKey: .dropped),
            fixedEffects: try c.decode([Dimension].self, forKey: .fixedEffects),
            clusters: try c.decode([Dimension].self, forKey: .clusters),
            variance: try c.decode(PPML.VarianceKind.self, forKey: .variance),
            iterations: try c.decode(Int.self, forKey: .iterations),
            deviance: try c.decode(Double.self, forKey: .deviance),
            criterion: try c.decode(Double.self, forKey: .criterion),
            logLikelihood: try c.decode(Double.self, forKey: .logLikelihood),
            pseudoR2: try c.decode(Double.self, forKey: .pseudoR2),
            notes: try c.decodeIfPresent([String].self, forKey: .notes) ?? [])
    }

    /// Writes every number JSON can hold; a variance that is not finite (no degrees of freedom
    /// left, a singular matrix) is null, as the coefficients' standard errors.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(coefficients, forKey: .coefficients)
        try c.encode(covariance.map { $0.map { $0.isFinite ? $0 : nil } }, forKey: .covariance)
        try c.encode(collinear, forKey: .collinear)
        try c.encode(observations, forKey: .observations)
        try c.encode(dropped, forKey: .dropped)
        try c.encode(fixedEffects, forKey: .fixedEffects)
        try c.encode(clusters, forKey: .clusters)
        try c.encode(variance, forKey: .variance)
        try c.encode(iterations, forKey: .iterations)
        try c.encode(deviance, forKey: .deviance)
        try c.encode(criterion, forKey: .criterion)
        try c.encode(logLikelihood, forKey: .logLikelihood)
        try c.encode(pseudoR2, forKey: .pseudoR2)
        try c.encode(notes, forKey: .notes)
    }

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
