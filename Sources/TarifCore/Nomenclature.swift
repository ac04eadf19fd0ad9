/// A node of the Harmonized System: section, chapter (2), heading (4), subheading (6).
public struct HSEntry: Sendable, Hashable, Codable {
    public var code: TariffCode
    /// The Roman numeral of the section (I–XXI).
    public var section: String
    public var description: String
    /// The code one level up; `nil` for chapters.
    public var parent: TariffCode?

    public init(code: TariffCode, section: String, description: String, parent: TariffCode?) {
        self.code = code
        self.section = section
        self.description = description
        self.parent = parent
    }
}

/// A section of the HS (I–XXI).
public struct HSSection: Sendable, Hashable, Codable {
    public var numeral: String
    public var name: String

    public init(numeral: String, name: String) {
        self.numeral = numeral
        self.name = name
    }
}

/// A line of a national schedule, or a heading above it, as the importer publishes it.
public struct TariffLine: Sendable, Hashable, Codable {
    public var code: TariffCode
    /// Depth in the publication's indentation (US HTS), or digits-derived level.
    public var indent: Int
    public var descriptionEnglish: String
    /// The description in the importer's language, where published (Indonesian for the BTKI).
    public var descriptionLocal: String?
    /// Units of quantity the schedule asks for (US statistical units, `kg`, `No.`).
    public var units: [String]
    /// The descriptions of the lines above, outermost first (the HTS indent path).
    public var path: [String]

    public init(
        code: TariffCode, indent: Int, descriptionEnglish: String, descriptionLocal: String? = nil,
        units: [String] = [], path: [String] = []
    ) {
        self.code = code
        self.indent = indent
        self.descriptionEnglish = descriptionEnglish
        self.descriptionLocal = descriptionLocal
        self.units = units
        self.path = path
    }

    public var hs6: TariffCode? { code.hs6 }
}

/// Which duty or tax a rate in a schedule is.
public enum RateKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// The MFN applied import duty (GATT Art. I:1), e.g. BTKI "Bea Masuk", US column 1 General.
    case mfn
    /// A preferential import duty under a program (US column 1 Special, with its program code).
    case preferential
    /// The rate for origins without MFN treatment (US column 2).
    case nonMFN = "non_mfn"
    /// Export duty (BTKI "Bea Keluar").
    case exportDuty = "export_duty"
    /// Value-added tax on importation (BTKI "PPN").
    case vat
    /// Luxury-goods sales tax (BTKI "PPnBM").
    case luxuryTax = "luxury_tax"
    /// The WTO bound rate (GATT 1994 Art. II:1(b)): the ceiling of the MFN rate in the
    /// importer's Schedule of Concessions.
    case bound
}

/// One rate on one line of a schedule, as published and as parsed.
public struct LineRate: Sendable, Hashable, Codable {
    public var code: TariffCode
    public var kind: RateKind
    /// The program code a preferential rate is granted under (US `AU`, `A*`, `S+`…).
    public var program: String?
    /// The text as published.
    public var text: String
    /// The parsed expression; `nil` when the text could not be read (it is then in the unparsed list).
    public var expression: DutyExpression?

    public init(code: TariffCode, kind: RateKind, program: String? = nil, text: String, expression: DutyExpression?) {
        self.code = code
        self.kind = kind
        self.program = program
        self.text = text
        self.expression = expression
    }
}

/// A note the publication attaches to a line: a footnote, a trade-remedy or quota flag.
public struct LineNote: Sendable, Hashable, Codable {
    public var code: TariffCode
    /// `footnote`, `trade_remedy`, `suspension`, `quota`, `change`, `additional_duties`…
    public var kind: String
    public var text: String

    public init(code: TariffCode, kind: String, text: String) {
        self.code = code
        self.kind = kind
        self.text = text
    }
}

/// A rate the reader could not parse, with where it was and why.
public struct UnparsedRate: Sendable, Hashable, Codable {
    public var location: SourceLocation
    public var code: TariffCode
    public var kind: RateKind
    public var text: String
    public var reason: String

    public init(location: SourceLocation, code: TariffCode, kind: RateKind, text: String, reason: String) {
        self.location = location
        self.code = code
        self.kind = kind
        self.text = text
        self.reason = reason
    }
}

extension TariffLine {
    /// The description with the lines above it, innermost three: `Cotton > Men's (338)`.
    public var qualifiedDescription: String {
        (path.suffix(2) + [descriptionEnglish]).filter { !$0.isEmpty }.joined(separator: " › ")
    }
}
