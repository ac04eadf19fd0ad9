/// The outcome of a GE counterfactual: per country, per pair, and how the solves went.
/// Changes are in percent of the baseline; "baseline" trade is the model's, not the observed.
public struct GEResult: Sendable, Codable {
    public struct Country: Sendable, Hashable, Codable {
        public var country: String
        /// 100 (pᵢ′ − 1): baseline prices are 1.
        public var factoryGatePriceChange: Double
        /// Inward multilateral resistance Pⱼ (consumer incidence of trade costs).
        public var baselineIMR: Double
        public var conditionalIMR: Double
        public var experimentIMR: Double
        public var imrChange: Double
        /// Outward multilateral resistance πᵢ (producer incidence).
        public var baselineOMR: Double
        public var conditionalOMR: Double
        public var experimentOMR: Double
        public var omrChange: Double
        public var baselineOutput: Double
        public var experimentOutput: Double
        public var outputChange: Double
        public var baselineExpenditure: Double
        public var experimentExpenditure: Double
        public var expenditureChange: Double
        /// Real GDP Yᵢ/Pᵢ (Yotov et al. 2016).
        public var realGDPChange: Double
        /// (Eᵢ/Pᵢ) / (Eᵢ′/Pᵢ′), as gegravity reports it (below 1: a gain).
        public var welfareStatistic: Double
        /// 100 ((Eᵢ′/Pᵢ′) / (Eᵢ/Pᵢ) − 1): the welfare gain in percent.
        public var welfareChange: Double
        /// Terms of trade pᵢ/Pᵢ.
        public var termsOfTradeChange: Double
        /// Shipments including intranational trade, and foreign exports only.
        public var exportsChange: Double
        public var foreignExportsChange: Double
        public var importsChange: Double
        public var foreignImportsChange: Double
        public var intranationalTradeChange: Double
        public var baselineForeignExports: Double
        public var experimentForeignExports: Double
    }

    public struct Flow: Sendable, Hashable, Codable {
        public var exporter: String
        public var importer: String
        /// tᵢⱼ^{1−σ} before and after.
        public var baselineCost: Double
        public var experimentCost: Double
        public var baselineTrade: Double
        public var experimentTrade: Double
        public var tradeChange: Double
    }

    /// How one solve ended: steps taken and the largest equation residual left.
    public struct Diagnostics: Sendable, Hashable, Codable {
        public var stage: String
        public var iterations: Int
        public var residual: Double
        public var method: String
    }

    public var sigma: Double
    public var referenceImporter: String
    public var countries: [Country]
    public var bilateral: [Flow]
    public var diagnostics: [Diagnostics]

    public func country(_ code: String) -> Country? { countries.first { $0.country == code } }
}
