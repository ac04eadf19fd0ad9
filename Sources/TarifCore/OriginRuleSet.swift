/// One row of a published list of product-specific rules of origin, as the UK Trade Tariff
/// publishes them for each preference scheme: the commodity range it covers, the heading and
/// the description that limits an "ex" entry, and the rules in their legal wording.
/// Nothing here is interpreted; ``TarifOrigin`` compiles the wording.
public struct OriginRuleSet: Sendable, Hashable, Codable {
    /// One rule as published.
    public struct Rule: Sendable, Hashable, Codable {
        /// The legal text (Markdown with links, bold thresholds and dated periods).
        public var text: String
        /// The publisher's classes (`MAXNOM`, `CTH`, `WO`, …): a hint, not law.
        public var classes: [String]
        /// `or`, `and`, or `nil` (see ``TarifOrigin`` for how rules are joined).
        public var joiner: String?
        public var footnotes: [String]
        /// Whether the rule applies to imports into the importer (some apply to exports only).
        public var appliesToImports: Bool
        /// The rule holds only within a quota.
        public var quota: Bool

        public init(text: String, classes: [String], joiner: String?, footnotes: [String], appliesToImports: Bool, quota: Bool) {
            self.text = text
            self.classes = classes
            self.joiner = joiner
            self.footnotes = footnotes
            self.appliesToImports = appliesToImports
            self.quota = quota
        }
    }

    /// The scheme's code (`japan`, `dcts-ldcs`) in the importer's publication.
    public var scheme: String
    public var importer: CountryCode
    /// Its position in the scheme's file (0-based), which the rules' order follows.
    public var position: Int
    /// The heading column as published (`8703`, `ex 4409`, `0301-0309`, `ex Chapter 68`).
    public var heading: String
    /// The description that limits the entry to part of its range ("" when none).
    public var subdivision: String
    /// The lowest and highest 10-digit commodity codes covered.
    public var low: TariffCode
    public var high: TariffCode
    public var rules: [Rule]
    /// The file and element it was read from.
    public var location: String

    public init(
        scheme: String, importer: CountryCode, position: Int, heading: String, subdivision: String, low: TariffCode, high: TariffCode,
        rules: [Rule], location: String
    ) {
        self.scheme = scheme
        self.importer = importer
        self.position = position
        self.heading = heading
        self.subdivision = subdivision
        self.low = low
        self.high = high
        self.rules = rules
        self.location = location
    }

    /// Whether the entry is limited by description to part of its range ("ex" entries, and
    /// rows with a subdivision text).
    public var isPartial: Bool { heading.lowercased().hasPrefix("ex") || !subdivision.isEmpty }
}
