import TarifCore
import TarifRegistry

/// Finds a country as files write it: ISO alpha-3 or alpha-2, its name or official
/// name, ignoring case and punctuation ("United States", "Russian Federation").
struct CountryLookup: Sendable {
    let byKey: [String: Country]

    init(_ countries: [Country]) {
        var m: [String: Country] = [:]
        for c in countries {
            // The first country to claim a name keeps it.
            for k in [c.name, c.officialName, c.alpha2] where !k.isEmpty && m[Registry.key(k)] == nil { m[Registry.key(k)] = c }
            m[Registry.key(c.code.rawValue)] = c
        }
        for (alias, code) in Self.aliases { if let c = countries.first(where: { $0.code.rawValue == code }) { m[Registry.key(alias)] = c } }
        byKey = m
    }

    /// Names official texts use that the ISO/UN names do not.
    static let aliases: [(String, String)] = [
        ("United States", "USA"), ("United States of America", "USA"), ("Russia", "RUS"), ("Russian Federation", "RUS"),
        ("China", "CHN"), ("Korea", "KOR"), ("South Korea", "KOR"), ("North Korea", "PRK"), ("Vietnam", "VNM"), ("Viet Nam", "VNM"),
        ("Laos", "LAO"), ("Burma", "MMR"), ("Hong Kong", "HKG"), ("Taiwan", "TWN"), ("Macau", "MAC"), ("Iran", "IRN"),
        ("Syria", "SYR"), ("Bolivia", "BOL"), ("Venezuela", "VEN"), ("Tanzania", "TZA"), ("Moldova", "MDA"),
        ("United Kingdom", "GBR"), ("Turkey", "TUR"), ("Türkiye", "TUR"), ("Czech Republic", "CZE"),
        // As the WTO writes Members (its RTA database's parties).
        ("Korea, Republic of", "KOR"), ("Hong Kong, China", "HKG"), ("Chinese Taipei", "TWN"), ("Macao, China", "MAC"),
        ("Kyrgyz Republic", "KGZ"), ("Moldova, Republic of", "MDA"), ("Slovak Republic", "SVK"),
        ("Lao People's Democratic Republic", "LAO"), ("Bolivia, Plurinational State of", "BOL"),
        ("Venezuela, Bolivarian Republic of", "VEN"), ("Congo, Democratic Republic of the", "COD"),
        ("Saint Kitts and Nevis", "KNA"), ("Saint Lucia", "LCA"), ("Saint Vincent and the Grenadines", "VCT"), ("The Gambia", "GMB"),
        ("Gambia, The", "GMB"), ("Kingdom of Bahrain", "BHR"), ("Kingdom of Saudi Arabia", "SAU"), ("State of Kuwait", "KWT"),
        ("State of Qatar", "QAT"), ("Côte d'Ivoire", "CIV"), ("North Macedonia", "MKD"), ("Eswatini", "SWZ"), ("Cabo Verde", "CPV"),
        ("Syrian Arab Republic", "SYR"), ("Lebanese Republic", "LBN"), ("Bahrain, Kingdom of", "BHR"), ("Kuwait, the State of", "KWT"),
        ("Saudi Arabia, Kingdom of", "SAU"), ("Sao Tomé and Principe", "STP"), ("Korea, Democratic People's Republic of", "PRK"),
        ("Virgin Islands, British", "VGB"), ("Falkland Islands (Islas Malvinas)", "FLK"), ("Netherlands, Kingdom of, with respect to Aruba", "ABW"),
        ("British Overseas Territory of Saint Helena, Ascension and Tristan da Cunha", "SHN"),
    ]

    func find(_ text: String) -> Country? {
        byKey[Registry.key(text)]
    }
}
