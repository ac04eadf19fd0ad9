import TarifCore
public import TarifSimulation

/// A PPML estimation as a user asks it (command line or HTTP): the formula, the clusters and
/// the variance, checked before the data are touched.
public struct GravityStudy: Sendable {
    public var formula: GravityFormula
    /// Each cluster variable as its columns (`exporter^importer` → ["exporter", "importer"]).
    public var clusters: [[String]]
    public var options: PPML.Options
    public var dropSingletons: Bool

    /// - Parameters:
    ///   - vcov: `iid`, `hetero` (or `robust`, `HC1`) or `cluster` (or `CRV1`); default cluster
    ///     when clusters are given, else iid.
    ///   - place: where the options came from, for errors (`--vcov` or `query`).
    /// - Throws: ``TarifError`` for a malformed formula, an unknown variance or clustered
    ///   errors without a cluster variable.
    public init(formula: String, clusters: [String], vcov: String?, keepSingletons: Bool = false,
                tolerance: Double = 1e-10, maxIterations: Int = 100, place: String = "options") throws {
        self.formula = try GravityFormula(parsing: formula)
        self.clusters = clusters.flatMap { $0.split(separator: ",") }.map { $0.split(separator: "^").map { String($0).trimming(" ") } }
        guard tolerance > 0, tolerance < 1, (1...100_000).contains(maxIterations) else {
            throw TarifError(.badNumber, "the tolerance must be between 0 and 1 and the iterations 1 to 100,000", at: SourceLocation(file: place, field: "tolerance"))
        }
        options = PPML.Options()
        options.tolerance = tolerance
        options.maxIterations = maxIterations
        switch vcov ?? (self.clusters.isEmpty ? "iid" : "cluster") {
        case "iid": options.vcov = .iid
        case "hetero", "robust", "HC1": options.vcov = .hetero
        case "cluster", "CRV1": options.vcov = .cluster
        case let other: throw TarifError(.badInput, "vcov \(other): write iid, hetero or cluster", at: SourceLocation(file: place, field: "vcov"))
        }
        if options.vcov == .cluster && self.clusters.isEmpty {
            throw TarifError(.missingInput, "clustered standard errors need a cluster variable (e.g. exporter^importer)", at: SourceLocation(file: place, field: "cluster"))
        }
        dropSingletons = !keepSingletons
    }

    /// Estimates on `panel`, reporting each iteration to `progress`.
    /// - Parameter deadline: the fit stops with `.timeout` at the first iteration past it
    ///   (the server's time limit: the work ends when the answer has been given up).
    public func estimate(
        _ panel: Panel, progress: (@Sendable (PPML.Step) -> Void)? = nil, deadline: ContinuousClock.Instant? = nil
    ) throws -> GravityEstimate {
        let sample = try GravitySample(panel: panel, formula: formula, clusters: clusters, dropSingletons: dropSingletons)
        var options = options
        options.dropSingletons = dropSingletons
        options.deadline = deadline
        return try PPML.fit(sample, options: options, progress: progress)
    }
}

/// A general-equilibrium counterfactual as a user asks it: the economy's columns, σ, the
/// reference importer, where the trade costs come from, and the shocks.
public struct GEStudy: Sendable {
    /// The trade-cost coefficients: estimated by PPML with a formula on the same data, or given.
    public enum Costs: Sendable {
        case estimate(GravityFormula)
        case given([(GravityFormula.Regressor, Double)])
    }

    public struct Outcome: Sendable {
        public var result: GEResult
        public var costs: [(GravityFormula.Regressor, Double)]
        /// Regressors dropped as collinear in the estimation (not trade costs).
        public var collinear: [String]
    }

    public var exporter = "exporter"
    public var importer = "importer"
    public var output: String
    public var expenditure: String
    public var sigma: Double
    public var reference: String
    public var costs: Costs
    public var shocks: [GEShock]

    /// - Parameter place: where the shocks came from, for errors (`--shock`, `query`).
    public init(output: String, expenditure: String, sigma: Double, reference: String, costs: Costs, shocks: [GEShock], place: String = "--shock") throws {
        guard !shocks.isEmpty else {
            throw TarifError(.missingInput, "give the counterfactual as a shock (e.g. pta=1@CAN,JPN)", at: SourceLocation(file: place, field: "shock"))
        }
        self.output = output
        self.expenditure = expenditure
        self.sigma = sigma
        self.reference = reference
        self.costs = costs
        self.shocks = shocks
    }

    /// Builds the economy from `panel` (one year), estimating the costs first when asked, and solves it.
    public func run(_ panel: Panel) throws -> Outcome {
        var collinear: [String] = []
        let coefficients: [(GravityFormula.Regressor, Double)]
        switch costs {
        case .given(let list):
            coefficients = list
        case .estimate(let spec):
            let estimate = try PPML.fit(try GravitySample(panel: panel, formula: spec))
            coefficients = zip(spec.regressors, spec.regressors.map { r in estimate.coefficient(r.description)?.estimate }).compactMap { r, b in b.map { (r, $0) } }
            collinear = estimate.collinear
        }
        let economy = try StructuralGE.economy(
            panel: panel, exporter: exporter, importer: importer, output: output, expenditure: expenditure, costs: coefficients, shocks: shocks)
        let result = try StructuralGE.simulate(economy, parameters: .init(sigma: sigma, referenceImporter: reference))
        return Outcome(result: result, costs: coefficients, collinear: collinear)
    }

    /// A regressor named as in a formula (`lndist`, `log(dist)`).
    public static func regressor(_ name: String, place: String = "coefficients") throws -> GravityFormula.Regressor {
        guard let r = try GravityFormula(parsing: "y ~ \(name)").regressors.first else {
            throw TarifError(.badInput, "'\(InputLimits.echo(name))' is not a variable", at: SourceLocation(file: place))
        }
        return r
    }
}
