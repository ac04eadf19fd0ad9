public import TarifCore

/// The provisions of WTO law under which a Member may treat the goods of some Members
/// differently from those of others, despite GATT 1994 Art. I:1 — and the one case where
/// Art. I:1 does not bind at all (the origin is not a Member).
///
/// Each case carries the text reference an audit cites when the exception covers a
/// difference, or when it was invoked and its conditions do not hold.
public enum MFNException: String, Sendable, Hashable, Codable, CaseIterable {
    /// Customs unions and free-trade areas (and interim agreements leading to them).
    case customsUnionOrFreeTradeArea = "gatt-xxiv"
    /// Advantages to adjacent countries to facilitate frontier traffic.
    case frontierTraffic = "gatt-xxiv-3"
    /// Generalized, non-reciprocal, non-discriminatory preferences of developed to developing countries.
    case enablingClauseGSP = "enabling-clause-2a"
    /// Regional or global arrangements among developing countries.
    case enablingClauseDeveloping = "enabling-clause-2c"
    /// Special treatment of the least-developed countries.
    case enablingClauseLDC = "enabling-clause-2d"
    /// A decision of the Ministerial Conference or General Council waiving Art. I:1.
    case waiver = "wto-waiver"
    /// Import restrictions to safeguard the balance of payments.
    case balanceOfPayments = "gatt-xii"
    /// Emergency action on imports of particular products.
    case safeguard = "gatt-xix"
    /// Anti-dumping and countervailing duties.
    case antiDumping = "gatt-vi"
    /// General exceptions (public morals, health, exhaustible natural resources, …).
    case generalExceptions = "gatt-xx"
    /// Security exceptions.
    case security = "gatt-xxi"
    /// Non-application of the multilateral trade agreements between two Members.
    case nonApplication = "wto-xiii"
    /// Not an exception: the origin is not a WTO Member, so Art. I:1 owes it nothing.
    case notAMember = "non-member"

    /// The provision's text reference.
    public var article: String {
        switch self {
        case .customsUnionOrFreeTradeArea:
            return "GATT 1994 Art. XXIV:5 and XXIV:8 (customs unions and free-trade areas: duties eliminated on substantially all the trade between the parties; notified under Art. XXIV:7(a))"
        case .frontierTraffic: return "GATT 1994 Art. XXIV:3(a) (advantages to adjacent countries to facilitate frontier traffic)"
        case .enablingClauseGSP:
            return "Enabling Clause (1979 Decision, L/4903) para. 2(a) and footnote 3 (generalized, non-reciprocal and non-discriminatory preferences granted by developed to developing countries)"
        case .enablingClauseDeveloping:
            return "Enabling Clause (1979 Decision, L/4903) para. 2(c) (regional or global arrangements among developing countries)"
        case .enablingClauseLDC: return "Enabling Clause (1979 Decision, L/4903) para. 2(d) (special treatment of the least-developed among the developing countries)"
        case .waiver: return "WTO Agreement Art. IX:3 and IX:4 (waiver of an obligation, for a stated period)"
        case .balanceOfPayments: return "GATT 1994 Art. XII and XVIII:B (restrictions to safeguard the balance of payments)"
        case .safeguard: return "GATT 1994 Art. XIX and the Agreement on Safeguards (emergency action on imports)"
        case .antiDumping: return "GATT 1994 Art. VI (anti-dumping and countervailing duties)"
        case .generalExceptions: return "GATT 1994 Art. XX (general exceptions)"
        case .security: return "GATT 1994 Art. XXI (security exceptions)"
        case .nonApplication: return "WTO Agreement Art. XIII (non-application between particular Members)"
        case .notAMember: return "no obligation: GATT 1994 Art. I:1 binds a Member only toward the other Members"
        }
    }

    /// A short name for tables and charts.
    public var shortName: String {
        switch self {
        case .customsUnionOrFreeTradeArea: return "Art. XXIV"
        case .frontierTraffic: return "Art. XXIV:3"
        case .enablingClauseGSP: return "Enabling Clause 2(a)"
        case .enablingClauseDeveloping: return "Enabling Clause 2(c)"
        case .enablingClauseLDC: return "Enabling Clause 2(d)"
        case .waiver: return "waiver"
        case .balanceOfPayments: return "Art. XII"
        case .safeguard: return "Art. XIX"
        case .antiDumping: return "Art. VI"
        case .generalExceptions: return "Art. XX"
        case .security: return "Art. XXI"
        case .nonApplication: return "WTO Art. XIII"
        case .notAMember: return "non-Member"
        }
    }

    /// The exception an agreement notified under `basis` relies on, if any.
    public init?(basis: NotificationBasis) {
        switch basis {
        case .gattXXIV: self = .customsUnionOrFreeTradeArea
        case .enablingClause: self = .enablingClauseDeveloping
        case .enablingClauseGSP: self = .enablingClauseGSP
        case .enablingClauseLDC: self = .enablingClauseLDC
        case .wtoWaiver: self = .waiver
        case .gatsV, .mfnConcession, .notNotified: return nil
        }
    }
}

/// A WTO decision waiving a Member's obligations (GATT Art. I:1) for a scheme, for a period.
public struct Waiver: Sendable, Hashable, Codable {
    /// The decision: "General Council, Decision of 23 July 2025".
    public var decision: String
    public var from: FactDate
    /// The first day the waiver no longer covers (absent: no end stated).
    public var until: FactDate?
    public var source: SourceRef

    public init(decision: String, from: FactDate, until: FactDate? = nil, source: SourceRef) {
        self.decision = decision
        self.from = from
        self.until = until
        self.source = source
    }

    public var validity: Validity { Validity(start: from.day, end: until?.day) }
}
