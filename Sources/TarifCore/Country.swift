/// A country or territory as ISO 3166 and the UN M49 standard list it, with the
/// UN's LDC, LLDC and SIDS groupings.
public struct Country: Sendable, Hashable, Codable {
    public var code: CountryCode
    public var alpha2: String
    public var numeric: String
    /// The short name (CLDR display name): "Indonesia", "Viet Nam" is "Vietnam" here.
    public var name: String
    /// The UN's formal English name, where it has one.
    public var officialName: String
    public var region: String
    public var subregion: String
    /// UN least developed country (LDC).
    public var isLeastDeveloped: Bool
    /// UN landlocked developing country (LLDC).
    public var isLandlockedDeveloping: Bool
    /// UN small island developing state (SIDS).
    public var isSmallIslandDeveloping: Bool
    /// ISO 4217 currency code, where one is listed.
    public var currency: String
    /// Independent state, or the ISO note on its status ("Part of FI", "Territory of US").
    public var independence: String

    public init(
        code: CountryCode, alpha2: String, numeric: String, name: String, officialName: String, region: String,
        subregion: String, isLeastDeveloped: Bool, isLandlockedDeveloping: Bool, isSmallIslandDeveloping: Bool,
        currency: String, independence: String
    ) {
        self.code = code
        self.alpha2 = alpha2
        self.numeric = numeric
        self.name = name
        self.officialName = officialName
        self.region = region
        self.subregion = subregion
        self.isLeastDeveloped = isLeastDeveloped
        self.isLandlockedDeveloping = isLandlockedDeveloping
        self.isSmallIslandDeveloping = isSmallIslandDeveloping
        self.currency = currency
        self.independence = independence
    }
}
