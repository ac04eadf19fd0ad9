public import TarifCore
public import TarifRegistry

/// Whether a difference in treatment between Members is covered by an exception to GATT
/// 1994 Art. I:1, and the conditions checked to say so.
public struct Verdict: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CodingKeyRepresentable, CaseIterable, Comparable {
        /// An exception covers it, its conditions hold on the day.
        case justified
        /// The data cannot tell (a waiver not recorded, a justification not curated); said plainly.
        case undetermined
        /// No exception covers it: a finding under Art. I:1.
        case unjustified

        public static func < (a: Status, b: Status) -> Bool { a.rank < b.rank }
        var rank: Int {
            switch self {
            case .justified: return 0
            case .undetermined: return 1
            case .unjustified: return 2
            }
        }
    }

    /// One exception tried and why it does not cover the difference (or cannot be shown to).
    public struct Failure: Sendable, Hashable, Codable {
        public var exception: MFNException?
        /// The text reference of the exception, or of the missing notification.
        public var article: String
        public var reason: String
    }

    public var status: Status
    /// The exception that covers the difference (justified only).
    public var exception: MFNException?
    /// The instrument relied on or invoked: an agreement, a waiver decision, a national law.
    public var instrument: String
    /// The conditions that were checked and hold.
    public var holds: [String]
    /// The exceptions tried that do not cover it.
    public var failures: [Failure]
    /// True when the advantage is given in exchange for the beneficiary's own concessions
    /// (a reciprocal agreement), so other Members could have it only on the same conditions:
    /// the conditional-MFN situation the seed paper contrasts with Art. I:1's "unconditionally".
    public var conditional: Bool

    /// The article a finding breaches.
    public static let breached = "GATT 1994 Art. I:1 (most-favoured-nation treatment: any advantage granted to a product of any country shall be accorded immediately and unconditionally to the like product of all other Members)"

    /// One line for tables: what covers it, or why nothing does.
    public var summary: String {
        switch status {
        case .justified: return "\(exception?.shortName ?? "covered"): \(instrument)"
        case .undetermined, .unjustified: return failures.map(\.reason).joined(separator: "; ")
        }
    }
}

/// Tests whether the exceptions an importer relies on cover a difference in treatment,
/// checking each exception's own conditions on the day (no I/O; one per importer and day, used on one thread: it caches each agreement's parties).
///
/// The conditions are those of the provisions cited in ``MFNException/article``: Art. XXIV
/// needs a free-trade area or customs union in force for both parties (a partial-scope
/// or a unilateral arrangement is neither); the Enabling Clause 2(a) needs a developed
/// grantor, developing beneficiaries and no reciprocity; 2(c) needs developing parties;
/// 2(d) least-developed beneficiaries; a waiver needs a decision covering the day. A
/// country outside the WTO is owed nothing under Art. I:1.
public final class Justifier {
    public let registry: Registry
    public let importer: CountryCode
    public let day: Day
    private var partyCache: [String: [CountryCode: [Participation]]] = [:]

    public init(registry: Registry, importer: CountryCode, day: Day) {
        self.registry = registry
        self.importer = importer
        self.day = day
    }

    /// Whether Art. I:1 binds the importer toward `origin` on the day.
    public func owesMFN(to origin: CountryCode) -> Bool {
        registry.wtoMember(.country(importer), on: day) && registry.wtoMember(.country(origin), on: day)
    }

    /// The verdict on an advantage the importer gives goods of `origin` under `agreement`.
    public func preference(_ ag: Agreement, origin: CountryCode) -> Verdict {
        let reciprocal = standing(origin, in: ag).contains { $0.role == .reciprocal }
        if !owesMFN(to: origin) { return nonMember(origin, instrument: ag.name, conditional: reciprocal) }
        var holds: [String] = []
        var failures: [Verdict.Failure] = []
        var undetermined = false
        let bases = ag.basis.filter { $0 != .gatsV }
        for basis in bases {
            guard let exception = MFNException(basis: basis) else {
                if basis == .notNotified {
                    failures.append(
                        .init(
                            exception: nil, article: "GATT 1994 Art. XXIV:7(a); Enabling Clause para. 4(a)",
                            reason: "\(ag.shortName) is not notified to the WTO under any exception (\(ag.type.rawValue))"))
                }
                continue
            }
            let result = check(exception, ag, origin: origin)
            switch result {
            case .holds(let h):
                holds += h
                return Verdict(
                    status: .justified, exception: exception, instrument: instrument(ag, exception, origin: origin), holds: holds, failures: [],
                    conditional: reciprocal)
            case .fails(let reason):
                failures.append(.init(exception: exception, article: exception.article, reason: reason))
            case .unknown(let reason):
                undetermined = true
                failures.append(.init(exception: exception, article: exception.article, reason: reason))
            }
        }
        if bases.isEmpty {
            failures.append(.init(exception: nil, article: "GATT 1994 Art. XXIV:7(a)", reason: "\(ag.shortName) records no WTO basis"))
        }
        return Verdict(
            status: undetermined ? .undetermined : .unjustified, exception: nil, instrument: ag.name, holds: holds, failures: failures,
            conditional: reciprocal)
    }

    /// The verdict on the importer's withdrawal of MFN treatment from `origin` (column 2 rates).
    public func withdrawal(_ w: MFNWithdrawal) -> Verdict {
        let origin = w.country
        if !owesMFN(to: origin) { return nonMember(origin, instrument: w.instrument, conditional: false) }
        let since = registry.wtoEntry(.country(origin))?.since.map { " since \($0)" } ?? ""
        switch w.exception {
        case nil:
            return Verdict(
                status: .undetermined, exception: nil, instrument: w.instrument, holds: [],
                failures: [.init(exception: nil, article: "—", reason: "the WTO justification of \(w.instrument) is not curated (\(w.justification))")],
                conditional: false)
        case .notAMember?:
            return Verdict(
                status: .unjustified, exception: nil, instrument: w.instrument, holds: [],
                failures: [
                    .init(
                        exception: .notAMember, article: MFNException.notAMember.article,
                        reason: "the withdrawal rests on \(origin) not being a WTO Member, but \(origin) is a Member\(since)")
                ], conditional: false)
        case let e?:
            return Verdict(
                status: .justified, exception: e, instrument: "\(w.instrument) — \(w.justification)",
                holds: ["\(origin) is a WTO Member\(since); \(importer) invokes \(e.shortName)"] + (e == .security
                    ? ["Art. XXI is invoked by the Member itself; panels review whether the invocation meets Art. XXI(b) (Russia — Traffic in Transit, WT/DS512/R)"] : []),
                failures: [], conditional: false)
        }
    }

    /// The verdict on an advantage given to `origin` with no agreement named: covered if
    /// some agreement under which the importer grants the origin preferences on the day is.
    /// - Parameter only: the agreement the grant invokes, if one is named.
    public func anyAgreement(origin: CountryCode, only: Agreement? = nil) -> (Verdict, [(Agreement, Verdict)]) {
        let candidates: [Agreement]
        if let only {
            candidates = [only]
        } else {
            var ids: [String] = []
            for p in registry.participations(importer, on: day) where p.role != .beneficiary && !ids.contains(p.agreement) {
                ids.append(p.agreement)
            }
            candidates = ids.compactMap { try? registry.agreement(named: $0) }
                .filter { ag in !ag.basis.contains(.mfnConcession) && standing(origin, in: ag).isEmpty == false }
        }
        var covering: [(Agreement, Verdict)] = []
        var best: Verdict?
        var failures: [Verdict.Failure] = []
        for ag in candidates {
            let v = preference(ag, origin: origin)
            if v.status == .justified {
                covering.append((ag, v))
                if best == nil { best = v }
            } else {
                failures += v.failures
                if v.status == .undetermined, best == nil || best!.status == .unjustified { best = v }
            }
        }
        covering.sort { $0.0.shortName < $1.0.shortName }
        if let b = covering.first?.1 { return (b, covering) }
        if !owesMFN(to: origin) { return (nonMember(origin, instrument: "—", conditional: false), []) }
        if candidates.isEmpty {
            failures.append(
                .init(
                    exception: nil, article: "GATT 1994 Art. XXIV; Enabling Clause",
                    reason: "no agreement or scheme under which \(importer) grants preferences to \(origin) is recorded"))
        }
        let status: Verdict.Status = best?.status == .undetermined ? .undetermined : .unjustified
        return (Verdict(status: status, exception: nil, instrument: candidates.map(\.shortName).joined(separator: ", "), holds: [], failures: failures, conditional: false), [])
    }

    // MARK: Conditions

    enum Check {
        case holds([String])
        case fails(String)
        case unknown(String)
    }

    func nonMember(_ origin: CountryCode, instrument: String, conditional: Bool) -> Verdict {
        let who = registry.wtoMember(.country(importer), on: day) ? "\(origin) is not a WTO Member on \(day)" : "\(importer) is not a WTO Member on \(day)"
        return Verdict(status: .justified, exception: .notAMember, instrument: instrument, holds: [who], failures: [], conditional: conditional)
    }

    /// Every participation of `country` in `ag` (all spans), cached per agreement.
    func standing(_ country: CountryCode, in ag: Agreement) -> [Participation] {
        if partyCache[ag.id] == nil {
            var byCountry: [CountryCode: [Participation]] = [:]
            for (c, p) in registry.parties(of: ag, on: day) { byCountry[c, default: []].append(p) }
            partyCache[ag.id] = byCountry
        }
        return partyCache[ag.id]![country] ?? []
    }

    func instrument(_ ag: Agreement, _ e: MFNException, origin: CountryCode) -> String {
        if e == .waiver, let w = (ag.waivers ?? []).first(where: { $0.validity.contains(day) }) { return "\(ag.name); \(w.decision)" }
        return ag.name
    }

    /// Whether `country` takes part in `ag` on the day, and if not, why.
    func party(_ country: CountryCode, _ ag: Agreement) -> (Participation?, String?) {
        let spans = standing(country, in: ag)
        if let p = spans.first(where: { $0.status == .inForce }) { return (p, nil) }
        if let p = spans.first(where: { $0.status == .notYet }) {
            return (nil, "\(ag.shortName) enters into force for \(country) only on \(p.from); the preference is given before it")
        }
        if let p = spans.first(where: { $0.status == .ended }) {
            return (nil, "\(country) no longer takes part in \(ag.shortName) on \(day) (until \(p.to.map { $0.adding(days: -1).description } ?? "?"))")
        }
        return (nil, "\(country) is not a party to \(ag.shortName)")
    }

    func inForce(_ ag: Agreement) -> String? {
        guard let v = ag.validity else { return "\(ag.shortName) has not entered into force" }
        if v.contains(day) { return nil }
        return day < v.start ? "\(ag.shortName) enters into force only on \(v.start)" : "\(ag.shortName) ended on \(v.end!) (it lapsed before \(day))"
    }

    func developed(_ c: CountryCode) -> Bool { registry.developmentStatus(c, on: day).0 == .developed }

    func check(_ e: MFNException, _ ag: Agreement, origin: CountryCode) -> Check {
        if let why = inForce(ag) { return .fails(why) }
        let (imp, impWhy) = party(importer, ag)
        guard let imp else { return .fails(impWhy ?? "\(importer) is not a party to \(ag.shortName)") }
        let (org, orgWhy) = party(origin, ag)
        guard let org else { return .fails(orgWhy ?? "\(origin) is not a party to \(ag.shortName)") }
        if org.side == imp.side { return .fails("\(origin) is on \(importer)'s own side of \(ag.shortName)") }
        let both = "\(importer) and \(origin) are parties on \(day) (\(origin) since \(org.from))"
        switch e {
        case .customsUnionOrFreeTradeArea:
            switch ag.type {
            case .freeTradeAgreement, .customsUnion, .economicIntegration:
                guard imp.role == .reciprocal, org.role == .reciprocal else {
                    return .fails("\(ag.shortName) is not reciprocal between \(importer) and \(origin); a free-trade area eliminates duties both ways (Art. XXIV:8(b))")
                }
                return .holds([both, "\(ag.shortName) is a \(ag.type.rawValue) notified under Art. XXIV"])
            case .partialScope:
                return .unknown("\(ag.shortName) is a partial-scope agreement notified under Art. XXIV; whether it covers substantially all the trade (Art. XXIV:8(b)) is not established here")
            default:
                return .fails("\(ag.shortName) is a \(ag.type.rawValue), not a customs union or free-trade area")
            }
        case .enablingClauseDeveloping:
            if developed(importer) { return .fails("\(importer) is a developed Member; para. 2(c) covers arrangements among developing countries only") }
            if developed(origin) { return .fails("\(origin) is a developed Member; para. 2(c) covers arrangements among developing countries only") }
            return .holds([both, "both are developing Members (self-designated) on \(day)"])
        case .enablingClauseGSP:
            if !developed(importer) { return .fails("\(importer) is not a developed Member; para. 2(a) covers preferences granted by developed countries") }
            if developed(origin) { return .fails("\(origin) is a developed Member; a GSP may benefit developing countries only (para. 2(a), footnote 3)") }
            if org.role != .beneficiary || ag.parties.contains(where: { $0.effectiveRole == .reciprocal }) {
                return .fails("\(ag.shortName) is reciprocal (\(origin) takes part as \(org.role.rawValue)); a GSP must be non-reciprocal (para. 2(a), footnote 3)")
            }
            return .holds([both, "\(importer) is a developed Member and \(origin) a developing one on \(day)", "non-reciprocal: \(origin) is a beneficiary"])
        case .enablingClauseLDC:
            if registry.developmentStatus(origin, on: day).0 != .leastDeveloped {
                return .fails("\(origin) is not on the UN list of least developed countries on \(day) (para. 2(d))")
            }
            if org.role != .beneficiary { return .fails("\(ag.shortName) is reciprocal; para. 2(d) covers special treatment of least-developed countries") }
            return .holds([both, "\(origin) is least developed on \(day)"])
        case .waiver:
            let waivers = ag.waivers ?? []
            if let w = waivers.first(where: { $0.validity.contains(day) }) {
                return .holds([both, "waiver \(w.decision) covers \(day) (from \(w.from)\(w.until.map { ", until \($0)" } ?? ""))"])
            }
            guard let last = waivers.filter({ $0.from.day <= day }).max(by: { $0.from < $1.from }) else {
                return .unknown(
                    waivers.isEmpty
                        ? "\(ag.shortName) relies on a WTO waiver, but no waiver decision is recorded"
                        : "no waiver recorded for \(ag.shortName) covers \(day) (the first recorded begins \(waivers.map(\.from).min()!))")
            }
            return .unknown(
                "the last waiver recorded for \(ag.shortName) (\(last.decision)) ended on \(last.until.map(\.description) ?? "?"); no later waiver is recorded — without one, the preference breaches Art. I:1")
        case .frontierTraffic, .balanceOfPayments, .safeguard, .antiDumping, .generalExceptions, .security, .nonApplication, .notAMember:
            return .unknown("\(e.shortName) is not a basis on which tariff preferences are checked")
        }
    }
}
