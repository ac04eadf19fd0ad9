/// A national tariff schedule as one published version: whose it is, from when it
/// holds, and which file it was read from.
public struct ScheduleInfo: Sendable, Hashable, Codable {
    /// A stable name of the series: `IDN-BTKI`, `GBR-UKGT`, `GBR-EUCET`, `USA-HTS`.
    public var series: String
    public var importer: CountryCode
    /// The publication's title: "BTKI 2022 (PMK 26/PMK.010/2022)".
    public var title: String
    /// The nomenclature the lines follow: "AHTN 2022", "CN 2020", "HTSUS 2026".
    public var nomenclature: String
    /// The currency its specific rates and duties are in.
    public var currency: Currency
    /// The first day this version is in force; it holds until the next version of the series starts,
    /// or until `validUntil` when the publication covers a known span only (a year of WITS/TRAINS data).
    public var validFrom: Day
    /// The first day this version no longer holds, when known and earlier than the next version.
    public var validUntil: Day?
    /// The legal instrument that enacts it, or the official source.
    public var legalSource: String
    /// The file it was read from (its name) and the SHA-256 of its bytes.
    public var sourceFile: String
    public var contentHash: String

    public init(
        series: String, importer: CountryCode, title: String, nomenclature: String, currency: Currency,
        validFrom: Day, legalSource: String, sourceFile: String, contentHash: String, validUntil: Day? = nil
    ) {
        self.validUntil = validUntil
        self.series = series
        self.importer = importer
        self.title = title
        self.nomenclature = nomenclature
        self.currency = currency
        self.validFrom = validFrom
        self.legalSource = legalSource
        self.sourceFile = sourceFile
        self.contentHash = contentHash
    }
}
