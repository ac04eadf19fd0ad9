public import TarifCore

/// Where a curated fact comes from: the legal instrument, notification or official page.
public struct SourceRef: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The instrument or page: "ASEAN Trade in Goods Agreement, Art. 98", "WTO, Members and Observers".
    public var title: String
    public var url: String?

    public init(title: String, url: String? = nil) {
        self.title = title
        self.url = url
    }

    public var description: String { url.map { "\(title) <\($0)>" } ?? title }
}

/// A date as precisely as its source states it: a day, or only a month or a year.
///
/// A month or year stands for its first day in date arithmetic; ``precision`` keeps
/// that approximation visible wherever the date is shown.
public struct FactDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Precision: String, Sendable, Codable { case day, month, year }

    public let day: Day
    public let precision: Precision

    public init(_ day: Day, precision: Precision = .day) {
        self.day = day
        self.precision = precision
    }

    /// Parses `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    /// - Throws: ``TarifError`` `.badDate` naming the text.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        switch parts.count {
        case 3: self.init(try Day(iso: text))
        case 2, 1:
            guard parts[0].count == 4, let year = Int(parts[0]), parts.count == 1 || parts[1].count == 2,
                let month = parts.count == 2 ? Int(parts[1]) : 1, let first = Day(year: year, month: month, day: 1)
            else { throw TarifError(.badDate, "'\(InputLimits.echo(text))' is not a date in the form YYYY-MM-DD, YYYY-MM or YYYY") }
            self.init(first, precision: parts.count == 2 ? .month : .year)
        default:
            throw TarifError(.badDate, "'\(InputLimits.echo(text))' is not a date in the form YYYY-MM-DD, YYYY-MM or YYYY")
        }
    }

    public static func < (lhs: FactDate, rhs: FactDate) -> Bool { lhs.day < rhs.day }

    public var description: String {
        let s = day.description
        switch precision {
        case .day: return s
        case .month: return String(s.prefix(7))
        case .year: return String(s.prefix(4))
        }
    }
}

/// Decodes a value written as one string in files, turning a parse error into a
/// decoding error at the field's path.
func decodeParsing<T>(_ decoder: any Decoder, _ parse: (String) throws -> T) throws -> T {
    let text = try decoder.singleValueContainer().decode(String.self)
    do { return try parse(text) } catch let error as TarifError {
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
    }
}

extension FactDate: Codable {
    public init(from decoder: any Decoder) throws {
        self = try decodeParsing(decoder) { try FactDate(parsing: $0) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A party to an agreement or a member of an institution: a country or customs
/// territory, or a bloc that acts as one (the EU in its agreements, EFTA, MERCOSUR).
///
/// In files a country is its alpha-3 code (`IDN`) and a bloc is its institution id
/// after `@` (`@EU`).
public enum PartyRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    case country(CountryCode)
    case bloc(String)

    public init(parsing text: String) throws {
        if text.hasPrefix("@") {
            let id = String(text.dropFirst())
            guard !id.isEmpty else { throw TarifError(.badCountry, "'@' must be followed by an institution id, like @EU") }
            self = .bloc(id)
        } else {
            self = .country(try CountryCode(text))
        }
    }

    public var description: String {
        switch self {
        case .country(let c): return c.rawValue
        case .bloc(let id): return "@" + id
        }
    }

    public var country: CountryCode? {
        if case .country(let c) = self { return c }
        return nil
    }

    public static func < (lhs: PartyRef, rhs: PartyRef) -> Bool { lhs.description < rhs.description }
}

extension PartyRef: Codable {
    public init(from decoder: any Decoder) throws {
        self = try decodeParsing(decoder) { try PartyRef(parsing: $0) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// A span of membership: from `from` (inclusive) until `to` (the first day no longer
/// a member; absent while it lasts).
public struct Tenure: Sendable, Hashable, Codable {
    public var from: FactDate
    public var to: FactDate?

    public init(from: FactDate, to: FactDate? = nil) {
        self.from = from
        self.to = to
    }

    public var validity: Validity { Validity(start: from.day, end: to?.day) }
    public func contains(_ day: Day) -> Bool { validity.contains(day) }
}

// MARK: - Countries and the WTO

/// A Member's development status as it matters in WTO law.
public enum DevelopmentStatus: String, Sendable, Codable, CaseIterable {
    /// A Member that does not claim developing-country status.
    case developed
    /// Every other Member: the WTO has no definition, Members designate themselves.
    case developing
    /// On the United Nations list of least developed countries on the day asked about.
    case leastDeveloped = "least-developed"
}

/// A WTO Member or observer and since when.
public struct WTOEntry: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable { case member, observer }
    public var party: PartyRef
    public var status: Status
    /// The day it became a Member (members only).
    public var since: FactDate?
    public var note: String?

    public init(party: PartyRef, status: Status, since: FactDate?, note: String? = nil) {
        self.party = party
        self.status = status
        self.since = since
        self.note = note
    }
}

/// A change to the UN list of least developed countries: a country leaves it.
public struct LDCGraduation: Sendable, Hashable, Codable {
    public var country: CountryCode
    /// The first day the country is no longer on the list.
    public var graduated: FactDate
    public var source: SourceRef
    public var note: String?
}

// MARK: - Institutions

/// What an institution is for, in the documents' terms.
public enum InstitutionKind: String, Sendable, Codable, CaseIterable {
    case worldwideTrade = "worldwide-trade"
    case worldwideFinancial = "worldwide-financial"
    case worldwideDevelopment = "worldwide-development"
    case regionalEconomic = "regional-economic"
    case regionalTradeBloc = "regional-trade-bloc"
    case commodity
}

/// One country's membership of an institution.
public struct Membership: Sendable, Hashable, Codable {
    public var member: CountryCode
    public var from: FactDate
    public var to: FactDate?
    public var note: String?
    public var source: SourceRef?

    public var tenure: Tenure { Tenure(from: from, to: to) }
}

/// An institution of international economic cooperation.
public struct Institution: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var aliases: [String]?
    public var kind: InstitutionKind
    public var description: String
    public var founded: FactDate
    /// The first day it no longer exists (NAFTA from 2020-07-01).
    public var ended: FactDate?
    public var predecessor: String?
    public var successor: String?
    /// Members with their own dates. Empty with ``membersNote`` when not curated.
    public var members: [Membership]
    /// Why the member list is incomplete or how it is kept, when that needs saying.
    public var membersNote: String?
    public var sources: [SourceRef]
}

// MARK: - Agreements

/// What an agreement does, in the WTO's terms.
public enum AgreementType: String, Sendable, Codable, CaseIterable {
    case freeTradeAgreement = "free-trade-agreement"
    case customsUnion = "customs-union"
    case economicIntegration = "economic-integration-agreement"
    case partialScope = "partial-scope-agreement"
    case unilateralPreference = "unilateral-preference-scheme"
    /// A plurilateral sectoral agreement whose tariff concessions are bound and applied on an MFN basis
    /// (civil aircraft, pharmaceuticals, dyes).
    case sectoralMFN = "sectoral-mfn-agreement"
    /// The multilateral agreements themselves (GATT 1994, the WTO Agreement).
    case multilateral = "multilateral-agreement"
}

/// What an agreement covers.
public enum Coverage: String, Sendable, Codable, CaseIterable { case goods, services }

/// The WTO provision an agreement is notified under or justified by.
public enum NotificationBasis: String, Sendable, Codable, CaseIterable {
    case gattXXIV = "gatt-xxiv"
    case enablingClause = "enabling-clause"
    case enablingClauseGSP = "enabling-clause-gsp"
    case enablingClauseLDC = "enabling-clause-ldc"
    case gatsV = "gats-v"
    case wtoWaiver = "wto-waiver"
    /// Concessions bound in the WTO schedules and applied to all Members.
    case mfnConcession = "mfn-concession"
    /// Not notified to the WTO (a national arrangement, or no notification found).
    case notNotified = "not-notified"

    /// The text reference of the provision.
    public var article: String {
        switch self {
        case .gattXXIV: return "GATT 1994 Art. XXIV (customs unions and free-trade areas)"
        case .enablingClause: return "Enabling Clause (1979 Decision, L/4903) para. 2(c) (arrangements among developing countries)"
        case .enablingClauseGSP: return "Enabling Clause (1979 Decision, L/4903) para. 2(a) (Generalized System of Preferences)"
        case .enablingClauseLDC: return "Enabling Clause (1979 Decision, L/4903) para. 2(d) (least-developed countries)"
        case .gatsV: return "GATS Art. V (economic integration)"
        case .wtoWaiver: return "WTO Agreement Art. IX:3 (waiver)"
        case .mfnConcession: return "GATT 1994 Art. II (bound concessions, applied to all Members under Art. I:1)"
        case .notNotified: return "not notified to the WTO"
        }
    }
}

/// The shape of an agreement, derived from its parties (never typed in).
public enum AgreementForm: String, Sendable, Codable, CaseIterable {
    /// Two parties, each a country, customs territory or a bloc acting as one.
    case bilateral
    /// More than two parties, all in one UN region.
    case regional
    /// More than two parties across regions, all granting each other the same.
    case plurilateral
    /// Two sides, at least one a group of parties, the sides in different regions.
    case interRegional = "inter-regional"
    /// Open to the whole WTO membership.
    case multilateral
    /// One or more grantors giving preferences to beneficiaries that give none back.
    case unilateral
}

/// How a party takes part.
public enum PartyRole: String, Sendable, Codable {
    /// Grants and receives the agreement's preferences with every party on another side.
    case reciprocal
    /// Grants preferences and receives none (the importer in a GSP scheme).
    case grantor
    /// Receives preferences and grants none.
    case beneficiary
}

/// One party to an agreement, with its own dates.
public struct Party: Sendable, Hashable, Codable {
    public var party: PartyRef
    /// Parties on the same side do not get the agreement's preferences from each other
    /// (ASEAN members under ASEAN–China). Absent: the party is a side of its own.
    public var side: String?
    public var role: PartyRole?
    /// When the agreement entered into force for this party. Absent: the agreement's own date.
    public var from: FactDate?
    /// The first day it no longer applies to this party (withdrawal, suspension, graduation).
    public var to: FactDate?
    public var note: String?
    public var source: SourceRef?

    public init(
        party: PartyRef, side: String? = nil, role: PartyRole? = nil, from: FactDate? = nil, to: FactDate? = nil,
        note: String? = nil, source: SourceRef? = nil
    ) {
        self.party = party
        self.side = side
        self.role = role
        self.from = from
        self.to = to
        self.note = note
        self.source = source
    }

    public var effectiveRole: PartyRole { role ?? .reciprocal }
    public var effectiveSide: String { side ?? party.description }
}

/// The WTO Secretariat's description of who the parties are (RTA database "composition").
public enum Composition: String, Sendable, Codable {
    case bilateral
    case bilateralOnePartyRTA = "bilateral-one-party-rta"
    case plurilateral
    case plurilateralOnePartyRTA = "plurilateral-one-party-rta"
    case unilateral
    case multilateral
}

/// A trade agreement or preference scheme.
public struct Agreement: Sendable, Hashable, Codable {
    /// Tarif's key: `RCEP`, `ATIGA`, `US-GSP`, `GBR-japan`.
    public var id: String
    public var name: String
    public var shortName: String
    public var aliases: [String]?
    public var wtoRTAID: Int?
    public var type: AgreementType
    public var coverage: [Coverage]
    public var basis: [NotificationBasis]
    public var signed: FactDate?
    public var inForce: FactDate?
    /// The first day it no longer applies (terminated, superseded, lapsed).
    public var ended: FactDate?
    public var supersededBy: String?
    /// How the parties were described by the source, checked against the derived form.
    public var composition: Composition?
    public var parties: [Party]
    /// The documentary evidence of origin a claim needs (`Form D`, `statement on origin`).
    public var proofOfOrigin: [String]?
    /// The WTO waivers a scheme notified as ``NotificationBasis/wtoWaiver`` relies on, each with its period.
    public var waivers: [Waiver]?
    public var sources: [SourceRef]
    public var notes: [String]?
    /// Set when the parties recorded are only part of the agreement's or scheme's own list (a
    /// GSP whose full list is in a gazette Tarif does not read): what is missing and where the
    /// full list is. An answer for an origin not recorded then says it may still be one.
    public var partiesIncomplete: String?
    /// With ``partiesIncomplete``: origins the sources say are not among them (graduated from a
    /// GSP), for which the answer gives no such caution.
    public var knownNonParties: [CountryCode]?
    /// Which file or publication the record came from (set when loading).
    public var origin: String?

    public init(
        id: String, name: String, shortName: String, aliases: [String]? = nil, wtoRTAID: Int? = nil, type: AgreementType,
        coverage: [Coverage], basis: [NotificationBasis], signed: FactDate? = nil, inForce: FactDate?, ended: FactDate? = nil,
        supersededBy: String? = nil, composition: Composition? = nil, parties: [Party], proofOfOrigin: [String]? = nil,
        waivers: [Waiver]? = nil, sources: [SourceRef], notes: [String]? = nil, origin: String? = nil
    ) {
        self.waivers = waivers
        self.id = id
        self.name = name
        self.shortName = shortName
        self.aliases = aliases
        self.wtoRTAID = wtoRTAID
        self.type = type
        self.coverage = coverage
        self.basis = basis
        self.signed = signed
        self.inForce = inForce
        self.ended = ended
        self.supersededBy = supersededBy
        self.composition = composition
        self.parties = parties
        self.proofOfOrigin = proofOfOrigin
        self.sources = sources
        self.notes = notes
        self.origin = origin
    }

    /// When the agreement itself applies: from entry into force until it ends.
    public var validity: Validity? { inForce.map { Validity(start: $0.day, end: ended?.day) } }

    /// The tenure of one party entry: its own dates, defaulting to the agreement's.
    public func tenure(of party: Party) -> Tenure? {
        guard let start = party.from ?? inForce else { return nil }
        let end: FactDate? = [party.to, ended].compactMap { $0 }.min()
        return Tenure(from: start, to: end)
    }
}

// MARK: - Programs

/// Who an importer's program code extends to.
public enum BeneficiaryRule: String, Sendable, Codable {
    /// The agreement's parties (or beneficiaries) on the other side from the importer.
    case parties
    /// Every origin: the concession is applied on an MFN basis.
    case allOrigins = "all-origins"
    /// The agreement's beneficiaries that are on the UN LDC list on the day.
    case leastDevelopedParties = "least-developed-parties"
}

/// A code an importer's tariff uses for a preference (`A+`, `KR`, `S`), tied to the
/// agreement or scheme behind it.
public struct PreferenceProgram: Sendable, Hashable, Codable {
    public var importer: CountryCode
    public var code: String
    public var agreement: String
    public var name: String
    public var beneficiaries: BeneficiaryRule
    /// The importer's provision that defines the code (HTSUS General Note 4).
    public var provision: String
    /// The program covers only these parties' goods (NAFTA's `CA` and `MX`).
    public var only: [CountryCode]?
    public var note: String?
    /// The origins the importer's own law gives the code to, where it names them itself
    /// instead of following the agreement's parties. Absent (the usual case): the
    /// agreement's parties or beneficiaries receive it.
    ///
    /// The registry keeps the national grant apart from the international instrument so
    /// that the MFN audit can compare the two: a name here that is no party is a finding.
    public var grantedTo: [CountryCode]?
    /// The days the importer applies the code under its own law, where they differ from
    /// the agreement's (a code kept in use after the scheme ended). Absent: the agreement's dates.
    public var applied: Tenure?
    /// The program whose rates this one sets aside, line by line, for the origins it covers:
    /// a column that prints a rate for some parties on some lines (Japan's CPTPP column,
    /// `（マレーシアに対する待遇）　3%` beside `（他の締約国に対する待遇）　1%`) is read as the
    /// parent program (the other parties' rate) and one program per named party. On a line
    /// where this program has a rate, its origins do not get the parent's rate there.
    public var partyRatesOf: String?

    public init(
        importer: CountryCode, code: String, agreement: String, name: String, beneficiaries: BeneficiaryRule, provision: String,
        only: [CountryCode]? = nil, note: String? = nil, grantedTo: [CountryCode]? = nil, applied: Tenure? = nil,
        partyRatesOf: String? = nil
    ) {
        self.importer = importer
        self.code = code
        self.agreement = agreement
        self.name = name
        self.beneficiaries = beneficiaries
        self.provision = provision
        self.only = only
        self.note = note
        self.grantedTo = grantedTo
        self.applied = applied
        self.partyRatesOf = partyRatesOf
    }
}

/// The national instrument that puts an agreement's tariff schedule into an importer's law:
/// Indonesia's PMK for each agreement's AHTN 2022 schedule. Where no rate of the schedule is
/// loaded, an answer names the instrument to consult.
public struct ScheduleInstrument: Sendable, Hashable, Codable {
    public var importer: CountryCode
    /// The registry id of the agreement.
    public var agreement: String
    /// The partners the schedule is for, where the agreement has one schedule per partner (RCEP).
    public var partners: [CountryCode]?
    /// `PMK 43/PMK.010/2022`, with the amending instruments (`jo. PMK 90/PMK.010/2022`).
    public var instrument: String
    public var signed: Day?
    /// The day the instrument took effect.
    public var inForce: Day
    /// The nomenclature of the schedule it enacts (`AHTN 2022`).
    public var nomenclature: String
    public var source: SourceRef

    public init(
        importer: CountryCode, agreement: String, partners: [CountryCode]?, instrument: String, signed: Day?, inForce: Day,
        nomenclature: String, source: SourceRef
    ) {
        self.importer = importer
        self.agreement = agreement
        self.partners = partners
        self.instrument = instrument
        self.signed = signed
        self.inForce = inForce
        self.nomenclature = nomenclature
        self.source = source
    }
}

/// An importer's refusal of MFN treatment to an origin: its goods pay the non-MFN
/// rates (US column 2), with the national instrument and the international justification.
public struct MFNWithdrawal: Sendable, Hashable, Codable {
    public var importer: CountryCode
    public var country: CountryCode
    public var from: FactDate
    /// The first day MFN treatment is restored, if it was.
    public var to: FactDate?
    /// The national law that withdraws MFN treatment: "Public Law 117-110, sec. 4".
    public var instrument: String
    /// Why this is consistent with the importer's WTO obligations, as the importer invokes it.
    public var justification: String
    /// The exception the justification rests on: ``MFNException/security`` for a Member,
    /// ``MFNException/notAMember`` for a country outside the WTO. Absent: not curated.
    public var exception: MFNException?
    public var sources: [SourceRef]

    public init(
        importer: CountryCode, country: CountryCode, from: FactDate, to: FactDate? = nil, instrument: String,
        justification: String, exception: MFNException? = nil, sources: [SourceRef]
    ) {
        self.exception = exception
        self.importer = importer
        self.country = country
        self.from = from
        self.to = to
        self.instrument = instrument
        self.justification = justification
        self.sources = sources
    }

    public var validity: Validity { Validity(start: from.day, end: to?.day) }
}

/// A line (or a code prefix) on which a program does not benefit one beneficiary:
/// HTSUS General Note 4(d) for the `A*` GSP code.
public struct LineExclusion: Sendable, Hashable, Codable {
    public var importer: CountryCode
    public var program: String
    /// The line or heading excluded (every line under it).
    public var code: TariffCode
    public var origin: CountryCode
    public var from: FactDate?
    public var to: FactDate?
    public var source: SourceRef

    public init(
        importer: CountryCode, program: String, code: TariffCode, origin: CountryCode, from: FactDate? = nil, to: FactDate? = nil,
        source: SourceRef
    ) {
        self.importer = importer
        self.program = program
        self.code = code
        self.origin = origin
        self.from = from
        self.to = to
        self.source = source
    }
}
