public import TarifCore
public import TarifRegistry

/// One line of a bill of materials.
public struct Material: Sendable, Hashable, Codable {
    /// Where it came from (the file's line), for messages.
    public var row: Int
    public var code: TariffCode
    /// The country the material originates in, when known; `nil`: unknown (non-originating).
    public var origin: CountryCode?
    /// Its value (CIF at import for non-originating materials; the price paid for others).
    public var value: ExactDecimal
    public var description: String
    /// Whether the supplier proves it originating under the agreement (a certificate or
    /// declaration). `nil`: not stated.
    public var originating: Bool?
    /// Its net weight (any unit, the same as the product's), for rules by weight.
    public var weight: ExactDecimal?

    public init(
        row: Int, code: TariffCode, origin: CountryCode?, value: ExactDecimal, description: String = "", originating: Bool? = nil, weight: ExactDecimal? = nil
    ) {
        self.weight = weight
        self.row = row
        self.code = code
        self.origin = origin
        self.value = value
        self.description = description
        self.originating = originating
    }
}

/// A shipment in transit through a country on its way to the importer.
public struct Transit: Sendable, Hashable, Codable {
    public var country: CountryCode
    /// True when anything other than unloading, reloading or keeping the goods in good
    /// condition was done there.
    public var processed: Bool

    public init(country: CountryCode, processed: Bool = false) {
        self.country = country
        self.processed = processed
    }
}

/// How a good was made and shipped: what the rules of origin look at.
public struct Production: Sendable, Hashable, Codable {
    public var product: TariffCode
    /// The party where the good was produced and from which it is exported.
    public var exporter: CountryCode
    public var importer: CountryCode?
    public var materials: [Material]
    /// FOB value of the good (the value RVC is computed on); zero when not given.
    public var fob: ExactDecimal
    /// The ex-works price (the value a MaxNOM is a share of), when given.
    public var exWorks: ExactDecimal?
    /// The product's net weight, for rules by weight (the unit of the materials' weights).
    public var weight: ExactDecimal?
    public var labour: ExactDecimal
    public var overhead: ExactDecimal
    public var profit: ExactDecimal
    public var otherCosts: ExactDecimal
    /// The operations carried out on the materials (`packaging`, `assembly`, …); `nil`: not stated.
    public var operations: [String]?
    /// The specific processes carried out, for rules that name one.
    public var processes: [String]
    /// The producer declares the good wholly obtained or produced in the exporting party.
    public var whollyObtained: Bool
    public var transits: [Transit]

    public init(
        product: TariffCode, exporter: CountryCode, importer: CountryCode? = nil, materials: [Material], fob: ExactDecimal,
        labour: ExactDecimal = .zero, overhead: ExactDecimal = .zero, profit: ExactDecimal = .zero, otherCosts: ExactDecimal = .zero,
        operations: [String]? = nil, processes: [String] = [], whollyObtained: Bool = false, transits: [Transit] = [],
        exWorks: ExactDecimal? = nil, weight: ExactDecimal? = nil
    ) {
        self.exWorks = exWorks
        self.weight = weight
        self.product = product
        self.exporter = exporter
        self.importer = importer
        self.materials = materials
        self.fob = fob
        self.labour = labour
        self.overhead = overhead
        self.profit = profit
        self.otherCosts = otherCosts
        self.operations = operations
        self.processes = processes
        self.whollyObtained = whollyObtained
        self.transits = transits
    }
}

/// How a regional value content is computed.
public enum RVCFormula: String, Sendable, Hashable, Codable, CaseIterable {
    /// (originating materials + direct labour + direct overhead + profit + other costs) / FOB × 100 (ATIGA).
    case direct
    /// (FOB − non-originating materials) / FOB × 100 (ATIGA).
    case indirect
    /// (value − non-originating materials) / value × 100, the value being FOB here.
    case buildDown = "build-down"
    /// originating materials / value × 100.
    case buildUp = "build-up"

    public var formula: String {
        switch self {
        case .direct: return "(VOM + labour + overhead + profit + other costs) / FOB × 100"
        case .indirect: return "(FOB − VNM) / FOB × 100"
        case .buildDown: return "(value − VNM) / value × 100"
        case .buildUp: return "VOM / value × 100"
        }
    }
}

/// Which materials from other countries count as originating.
public enum Cumulation: String, Sendable, Hashable, Codable {
    /// Only materials originating in the exporting party.
    case none
    /// Materials originating in the exporting or the importing party.
    case bilateral
    /// Materials originating in any party to the agreement.
    case diagonal
    /// As diagonal, and materials produced in any party count toward the value content
    /// even when they are not themselves originating.
    case full
}

/// An operation that never confers origin, however the rule is met.
public struct MinimalOperation: Sendable, Hashable, Codable {
    /// The name used on the command line (`packaging`).
    public var id: String
    public var text: String

    public init(id: String, text: String) {
        self.id = id
        self.text = text
    }
}

/// An agreement's general rules of origin: its default product rule and how value
/// content, de minimis, cumulation, minimal operations, consignment and proof work.
public struct OriginRegime: Sendable, Hashable, Codable {
    public var id: String
    /// The registry id of the agreement.
    public var agreement: String
    public var name: String
    /// The rule for products with no product-specific rule, in the rule language.
    public var generalRule: String
    public var formulas: [RVCFormula]
    /// Non-originating materials that fail a tariff shift are disregarded up to this share of FOB.
    public var deMinimisPercent: ExactDecimal?
    /// What the de minimis is a share of (FOB when not given).
    public var deMinimisBasis: ValueBasis?
    public var cumulation: Cumulation
    public var minimalOperations: [MinimalOperation]
    /// What direct consignment requires, in words.
    public var directConsignment: String?
    public var proofOfOrigin: [String]
    /// Each general rule with its provision.
    public var provisions: [String: String]
    public var sources: [SourceRef]
    public var notes: [String]?

    public init(
        id: String, agreement: String, name: String, generalRule: String, formulas: [RVCFormula], deMinimisPercent: ExactDecimal?,
        cumulation: Cumulation, minimalOperations: [MinimalOperation], directConsignment: String?, proofOfOrigin: [String],
        provisions: [String: String], sources: [SourceRef], notes: [String]?, deMinimisBasis: ValueBasis? = nil
    ) {
        self.deMinimisBasis = deMinimisBasis
        self.id = id
        self.agreement = agreement
        self.name = name
        self.generalRule = generalRule
        self.formulas = formulas
        self.deMinimisPercent = deMinimisPercent
        self.cumulation = cumulation
        self.minimalOperations = minimalOperations
        self.directConsignment = directConsignment
        self.proofOfOrigin = proofOfOrigin
        self.provisions = provisions
        self.sources = sources
        self.notes = notes
    }
}

/// A product-specific rule: the codes it covers, the rule, and where it is published.
public struct ProductRule: Sendable, Hashable, Codable {
    public var agreement: String
    public var codes: CodeRange
    public var text: String
    public var criterion: OriginCriterion
    public var source: String
    /// The file line it was read from.
    public var row: Int

    public init(agreement: String, codes: CodeRange, text: String, criterion: OriginCriterion, source: String, row: Int = 0) {
        self.agreement = agreement
        self.codes = codes
        self.text = text
        self.criterion = criterion
        self.source = source
        self.row = row
    }
}
