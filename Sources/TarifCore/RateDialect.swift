/// How a publication writes its rates: number format, default currency, and
/// whether a bare number is a percentage.
public struct RateDialect: Sendable, Hashable, Codable {
    public var numberFormat: NumberFormat
    /// The currency of amounts that do not name one (`450,-/kg` in the BTKI is rupiah).
    public var defaultCurrency: Currency

    public init(numberFormat: NumberFormat, defaultCurrency: Currency) {
        self.numberFormat = numberFormat
        self.defaultCurrency = defaultCurrency
    }

    /// Indonesia's BTKI: `12,5`, `450,-/kg`, `14.000,-/liter`, footnote marks `11*)`.
    public static let btki = RateDialect(numberFormat: .commaDecimal, defaultCurrency: .idr)
    /// The UK Global Tariff and the EU CET beside it: `8.00% + 93.10 GBP / 100 kg`.
    public static let ukGlobalTariff = RateDialect(numberFormat: .pointDecimal, defaultCurrency: .gbp)
    /// The US HTS: `6.8¢/kg + 5%`, `$1.35/doz.`, `33 1/3%`.
    public static let usHTS = RateDialect(numberFormat: .pointDecimal, defaultCurrency: .usd)
}
