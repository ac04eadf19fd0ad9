/// A preference scheme as an importer's customs authority publishes it: its code,
/// title, dates and the countries it covers, before the registry classifies it.
public struct PreferenceScheme: Sendable, Hashable, Codable {
    public var importer: CountryCode
    public var code: String
    public var title: String
    /// The day the scheme took effect in the importer's tariff.
    public var validFrom: Day
    /// The last day it applies, when the publication gives one.
    public var validTo: Day?
    /// Members as published: ISO 3166 alpha-2 codes, `EU`, or a lower-case group label (`andean`).
    public var members: [String]
    /// The proofs of origin accepted (`Statement on origin`, `Importer's knowledge`).
    public var proofs: [String]
    /// Cumulation methods to the countries they reach (`bilateral`, `diagonal`, `extended`).
    public var cumulation: [String: [String]]
    /// The origin reference document: its title and date.
    public var originReference: String?
    /// Official pages about the scheme.
    public var links: [String]

    public init(
        importer: CountryCode, code: String, title: String, validFrom: Day, validTo: Day?, members: [String], proofs: [String],
        cumulation: [String: [String]], originReference: String?, links: [String]
    ) {
        self.importer = importer
        self.code = code
        self.title = title
        self.validFrom = validFrom
        self.validTo = validTo
        self.members = members
        self.proofs = proofs
        self.cumulation = cumulation
        self.originReference = originReference
        self.links = links
    }
}
