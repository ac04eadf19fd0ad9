public import TarifCore

/// Which way an agreement's preferences flow between two countries.
public enum PreferenceDirection: String, Sendable, Codable {
    /// Each grants the other.
    case mutual
    /// The first country grants the second (a GSP grantor and its beneficiary).
    case firstGrantsSecond = "first-grants-second"
    case secondGrantsFirst = "second-grants-first"
}

/// An agreement two countries share on a day, and how.
public struct SharedAgreement: Sendable, Hashable, Codable {
    public var agreement: String
    public var shortName: String
    public var name: String
    public var direction: PreferenceDirection
    public var form: AgreementForm
    public var type: AgreementType
    public var basis: [NotificationBasis]
    /// When each country's participation began.
    public var firstSince: Day
    public var secondSince: Day
}

/// One country's place in one agreement, as of a day.
public struct Participation: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable {
        case inForce = "in-force"
        case notYet = "not-yet-in-force"
        case ended
    }
    public var agreement: String
    public var shortName: String
    public var name: String
    public var form: AgreementForm
    public var type: AgreementType
    public var role: PartyRole
    public var side: String
    public var from: Day
    public var to: Day?
    public var status: Status
    /// Through which bloc, when the country takes part as a member of one.
    public var via: String?
}

/// Why a country is or is not eligible under a program on a day.
public struct Eligibility: Sendable, Hashable, Codable {
    public var importer: CountryCode
    public var program: String
    public var agreement: String
    public var origin: CountryCode
    public var day: Day
    public var eligible: Bool
    /// Each condition checked, in order, with its outcome.
    public var reasons: [String]
    /// The conditions that failed (empty when eligible).
    public var failures: [String]
}

/// A country, everything it belongs to, and where it stands on a day.
public struct CountryProfile: Sendable, Codable {
    public struct InstitutionMembership: Sendable, Hashable, Codable {
        public var institution: String
        public var name: String
        public var kind: InstitutionKind
        public var from: FactDate
        public var to: FactDate?
        public var memberOnDay: Bool
        public var note: String?
    }
    public var country: Country
    public var day: Day
    public var wtoStatus: String
    public var wtoMemberSince: FactDate?
    public var developmentStatus: DevelopmentStatus?
    public var developmentNote: String
    public var institutions: [InstitutionMembership]
    public var agreements: [Participation]
}

/// Filters for ``Registry/agreements(matching:)``.
public struct AgreementFilter: Sendable {
    public var party: CountryCode?
    public var partner: CountryCode?
    public var inForceOn: Day?
    public var form: AgreementForm?
    public var type: AgreementType?
    public var basis: NotificationBasis?

    public init(
        party: CountryCode? = nil, partner: CountryCode? = nil, inForceOn: Day? = nil, form: AgreementForm? = nil,
        type: AgreementType? = nil, basis: NotificationBasis? = nil
    ) {
        self.party = party
        self.partner = partner
        self.inForceOn = inForceOn
        self.form = form
        self.type = type
        self.basis = basis
    }
}

extension Registry {
    // MARK: Fast paths

    /// The number of agreements under which `a` and `b` give each other, or one the
    /// other, preferences on `day`. Allocation-free; the benchmark's subject.
    @inlinable
    public func sharedCount(_ a: CountryCode, _ b: CountryCode, on day: Day) -> Int {
        var n = 0
        forEachShared(a, b, Int32(day.ordinal)) { _, _, _ in n += 1 }
        return n
    }

    /// Calls `body` once per agreement under which `a` and `b` are both covered on day
    /// `d`, on different sides, with roles that grant: a merge of the two countries'
    /// coverage, both sorted by agreement.
    @inlinable
    func forEachShared(_ a: CountryCode, _ b: CountryCode, _ d: Int32, _ body: (Cover, Cover, PreferenceDirection) -> Void) {
        guard let ca = cover[a], let cb = cover[b] else { return }
        var j = 0
        var last: Int32 = -1
        for x in ca where x.contains(d) && x.agreement != last {
            while j < cb.count && cb[j].agreement < x.agreement { j += 1 }
            var k = j
            while k < cb.count && cb[k].agreement == x.agreement {
                let y = cb[k]
                if y.contains(d), y.side != x.side, let direction = Self.direction(x.role, y.role) {
                    body(x, y, direction)
                    last = x.agreement
                    break
                }
                k += 1
            }
        }
    }

    /// Whether `origin` gets `importer`'s program `code` on `day`. Allocation-free.
    @inlinable
    public func isEligible(origin: CountryCode, importer: CountryCode, program code: String, on day: Day) -> Bool {
        guard let p = programIndex[importer]?[code] else { return false }
        return isEligible(origin: origin, importer: importer, programAt: p, on: day)
    }

    /// ``isEligible(origin:importer:program:on:)`` for the program at index `p` of ``programs``
    /// (one of `importer`'s, as ``programAndAgreement(importer:code:)`` finds it).
    @inlinable
    public func isEligible(origin: CountryCode, importer: CountryCode, programAt p: Int, on day: Day) -> Bool {
        let agreement = programAgreement[p]
        guard agreement >= 0 else { return false }
        let d = Int32(day.ordinal)
        guard let ci = cover[importer] else { return false }
        let grantor: Cover
        if let applied = programs[p].applied {
            // The importer's own law sets the days; its side is its place in the agreement on any day.
            guard applied.contains(day), let g = Self.any(ci, agreement), g.role != .beneficiary else { return false }
            grantor = g
        } else {
            guard let g = Self.find(ci, agreement, d), g.role != .beneficiary else { return false }
            grantor = g
        }
        switch programs[p].beneficiaries {
        case .allOrigins: return true
        case .parties, .leastDevelopedParties:
            if let only = programs[p].only, !only.contains(origin) { return false }
            if let granted = programs[p].grantedTo {
                guard granted.contains(origin) else { return false }
            } else {
                guard let co = cover[origin], let beneficiary = Self.find(co, agreement, d), beneficiary.side != grantor.side,
                    beneficiary.role != .grantor
                else { return false }
            }
            if programs[p].beneficiaries == .leastDevelopedParties { return isLeastDeveloped(origin, ordinal: d) }
            return true
        }
    }

    /// The first of a country's covers by an agreement, whatever its days.
    @inlinable
    static func any(_ covers: [Cover], _ agreement: Int32) -> Cover? {
        covers.first { $0.agreement == agreement }
    }

    @inlinable
    static func find(_ covers: [Cover], _ agreement: Int32, _ d: Int32) -> Cover? {
        var lo = 0
        var hi = covers.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if covers[mid].agreement < agreement { lo = mid + 1 } else { hi = mid }
        }
        while lo < covers.count && covers[lo].agreement == agreement {
            if covers[lo].contains(d) { return covers[lo] }
            lo += 1
        }
        return nil
    }

    @inlinable
    static func direction(_ a: PartyRole, _ b: PartyRole) -> PreferenceDirection? {
        switch (a, b) {
        case (.reciprocal, .reciprocal): return .mutual
        case (.grantor, .beneficiary), (.reciprocal, .beneficiary): return .firstGrantsSecond
        case (.beneficiary, .grantor), (.beneficiary, .reciprocal): return .secondGrantsFirst
        default: return nil
        }
    }

    @inlinable
    func isLeastDeveloped(_ c: CountryCode, ordinal d: Int32) -> Bool {
        guard let until = ldcUntil[c] else { return false }
        return d < until
    }

    // MARK: Look-ups with suggestions

    /// A country by alpha-3 or alpha-2 code or by name.
    /// - Throws: ``TarifError`` `.notFound` suggesting the closest names.
    public func country(named text: String) throws -> Country {
        let code = try countryCode(named: text)
        guard let c = countries[code] else { throw TarifError(.notFound, "unknown country '\(InputLimits.echo(text))'") }  // found there
        return c
    }

    /// The code of ``country(named:)``, without copying the country's record.
    public func countryCode(named text: String) throws -> CountryCode {
        try InputLimits.checkName(text, field: "country")
        let trimmed = text.trimmingSpaces
        if trimmed.utf8.count == 3, let code = try? CountryCode(trimmed), countries.index(forKey: code) != nil { return code }
        let k = Self.key(trimmed)
        if let c = countries.values.first(where: { $0.alpha2 == k || Self.key($0.name) == k || Self.key($0.officialName) == k }) {
            return c.code
        }
        let names = countries.values.flatMap { [$0.code.rawValue, $0.name] }
        throw TarifError(.notFound, "unknown country '\(InputLimits.echo(text))'" + Suggest.phrase(for: trimmed, among: names))
    }

    /// The programs of `importer`'s schedule that carry out the agreement `id`, in the order listed.
    public func programs(of importer: CountryCode, forAgreement id: String) -> [PreferenceProgram] {
        programsByAgreement[importer]?[id] ?? []
    }

    /// The instruments by which `importer` enacts agreement `id`'s schedule for goods of
    /// `origin`, in force on `day` (the latest first).
    public func scheduleInstruments(of importer: CountryCode, agreement id: String, origin: CountryCode, on day: Day) -> [ScheduleInstrument] {
        (scheduleInstruments[importer]?[id] ?? [])
            .filter { $0.inForce <= day && ($0.partners?.contains(origin) ?? true) }
            .sorted { $0.inForce > $1.inForce }
    }

    /// An agreement by id, short name or alias, ignoring case and punctuation.
    /// - Throws: ``TarifError`` `.notFound` suggesting the closest names.
    public func agreement(named text: String) throws -> Agreement {
        agreements[try agreementIndex(named: text)]
    }

    /// ``agreement(named:)`` as an index into ``agreements``.
    public func agreementIndex(named text: String) throws -> Int {
        try InputLimits.checkName(text, field: "agreement")
        // An id as stored (already in key form, as resolutions pass it) needs no new key.
        if let i = agreementNames[text] ?? agreementNames[Self.key(text)] { return i }
        let names = agreements.flatMap { [$0.id, $0.shortName] + ($0.aliases ?? []) }
        throw TarifError(.notFound, "unknown agreement '\(InputLimits.echo(text))'" + Suggest.phrase(for: text, among: names))
    }

    /// The members of an institution on `day`, by code (none when the registry lacks it).
    public func members(of institution: String, on day: Day) -> [CountryCode] {
        guard let i = try? self.institution(named: institution) else { return [] }
        return i.members.filter { $0.tenure.contains(day) }.map(\.member).sorted { $0.rawValue < $1.rawValue }
    }

    public func institution(named text: String) throws -> Institution {
        try InputLimits.checkName(text, field: "institution")
        let k = Self.key(text)
        if let i = institutionIndex[k] { return institutions[i] }
        if let inst = institutions.first(where: { Self.key($0.name) == k || ($0.aliases ?? []).contains { Self.key($0) == k } }) {
            return inst
        }
        let names = institutions.flatMap { [$0.id, $0.name] + ($0.aliases ?? []) }
        throw TarifError(.notFound, "unknown institution '\(InputLimits.echo(text))'" + Suggest.phrase(for: text, among: names))
    }

    public func form(of agreement: Agreement) -> AgreementForm {
        forms[agreementNames[Self.key(agreement.id)]!]
    }

    // MARK: Questions

    /// The agreements under which `a` and `b` give each other, or one the other,
    /// preferences on `day`. Parties on the same side (two ASEAN members under
    /// ASEAN–China) do not count.
    public func common(_ a: CountryCode, _ b: CountryCode, on day: Day) -> [SharedAgreement] {
        shared(a, b, on: day).map { s in
            let ag = agreements[s.index]
            return SharedAgreement(
                agreement: ag.id, shortName: ag.shortName, name: ag.name, direction: s.direction, form: forms[s.index],
                type: ag.type, basis: ag.basis, firstSince: Day(ordinal: Int(s.first.start)), secondSince: Day(ordinal: Int(s.second.start)))
        }
    }

    /// The agreements `a` and `b` share on `day` (as ``forEachShared(_:_:_:_:)`` finds them), by
    /// short name: the index of each, both parties' coverage and the direction. Sorted as
    /// indices, since an agreement is a large value to move.
    private func shared(_ a: CountryCode, _ b: CountryCode, on day: Day) -> [(index: Int, first: Cover, second: Cover, direction: PreferenceDirection)] {
        var found: [(index: Int, first: Cover, second: Cover, direction: PreferenceDirection)] = []
        forEachShared(a, b, Int32(day.ordinal)) { x, y, direction in found.append((Int(x.agreement), x, y, direction)) }
        let agreements = self.agreements  // the closure takes the array, not the whole registry
        found.sort { agreements[$0.index].shortName < agreements[$1.index].shortName }
        return found
    }

    /// The agreements in force between `a` and `b` on `day` with the direction of their
    /// preferences, in the order of ``common(_:_:on:)`` (by short name), as indices into
    /// ``agreements``: for a caller that needs more of them than ``SharedAgreement`` tells.
    public func sharedAgreements(_ a: CountryCode, _ b: CountryCode, on day: Day) -> [(agreement: Int, direction: PreferenceDirection)] {
        shared(a, b, on: day).map { ($0.index, $0.direction) }
    }

    /// Whether `origin` gets `importer`'s program `code` on `day`, with every condition explained.
    /// - Throws: ``TarifError`` `.notFound` for a program the importer does not have.
    public func eligibility(origin: CountryCode, importer: CountryCode, program code: String, on day: Day) throws -> Eligibility {
        guard let p = programIndex[importer]?[code] else {
            let known = programs.filter { $0.importer == importer }.map(\.code)
            let hint = known.isEmpty ? " (the registry has no programs for \(importer))" : Suggest.phrase(for: code, among: known)
            throw TarifError(.notFound, "\(importer) has no program '\(code)'" + hint)
        }
        let program = programs[p]
        let a = Int(programAgreement[p])
        let ag = agreements[a]
        var reasons: [String] = ["\(importer) \(code): \(program.name) (\(program.provision)), under \(ag.name)"]
        var ok = true
        var failures: [String] = []
        func fail(_ reason: String) {
            reasons.append(reason)
            failures.append(reason)
        }
        if let v = ag.validity, v.contains(day) {
            reasons.append("\(ag.shortName) is in force on \(day) (from \(v.start)\(v.end.map { ", until \($0.adding(days: -1))" } ?? ""))")
        } else if let v = ag.validity {
            ok = false
            fail(day < v.start ? "\(ag.shortName) is not yet in force on \(day) (from \(v.start))" : "\(ag.shortName) no longer applies on \(day) (ended \(v.end!))")
        } else {
            ok = false
            fail("\(ag.shortName) has not entered into force")
        }
        let d = Int32(day.ordinal)
        var grantor = cover[importer].flatMap { Self.find($0, Int32(a), d) }
        if let applied = program.applied {
            grantor = cover[importer].flatMap { Self.any($0, Int32(a)) }
            if applied.contains(day) {
                reasons.append("\(importer) applies \(code) under its own law on \(day) (from \(applied.from)\(applied.to.map { ", until \($0)" } ?? ""))")
                if !ok, ag.validity != nil {
                    // The agreement's own dates do not bind the national application.
                    ok = true
                    failures.removeAll()
                }
            } else {
                ok = false
                fail("\(importer) applies \(code) under its own law only from \(applied.from)\(applied.to.map { " until \($0)" } ?? "")")
            }
        }
        if grantor == nil {
            ok = false
            fail("\(importer) is not a granting party on \(day)")
        }
        switch program.beneficiaries {
        case .allOrigins:
            reasons.append("the program applies to goods of every origin (\(NotificationBasis.mfnConcession.article))")
        case .parties, .leastDevelopedParties:
            if let only = program.only, !only.contains(origin) {
                ok = false
                fail("\(code) covers only goods of \(only.map(\.rawValue).joined(separator: ", "))")
            }
            let mine = cover[origin].flatMap { Self.find($0, Int32(a), d) }
            if let granted = program.grantedTo {
                if granted.contains(origin) {
                    reasons.append("\(importer)'s law gives \(code) to goods of \(origin) (it names the origins itself: \(granted.map(\.rawValue).joined(separator: ", ")))")
                } else {
                    ok = false
                    fail("\(importer)'s law gives \(code) only to goods of \(granted.map(\.rawValue).joined(separator: ", "))")
                }
            } else if let mine, mine.side != grantor?.side ?? -1, mine.role != .grantor {
                reasons.append("\(origin) is a \(mine.role == .beneficiary ? "beneficiary" : "party") on \(day) (since \(Day(ordinal: Int(mine.start))))")
            } else if let mine, mine.side == grantor?.side {
                ok = false
                fail("\(origin) is on the importer's own side of \(ag.shortName)")
            } else {
                ok = false
                let spans = participations(origin, on: day, onlyIn: Int32(a))
                if let s = spans.first {
                    fail(
                        s.status == .notYet ? "\(origin) takes part only from \(s.from)" : "\(origin) took part until \(s.to.map { $0.adding(days: -1).description } ?? "?")")
                } else {
                    fail("\(origin) is not a party to or beneficiary of \(ag.shortName)")
                }
            }
            if program.beneficiaries == .leastDevelopedParties {
                if isLeastDeveloped(origin, ordinal: d) {
                    reasons.append("\(origin) is on the UN list of least developed countries on \(day)")
                } else {
                    ok = false
                    fail("\(origin) is not on the UN list of least developed countries on \(day)")
                }
            }
        }
        if let note = program.note { reasons.append(note) }
        return Eligibility(importer: importer, program: code, agreement: ag.id, origin: origin, day: day, eligible: ok, reasons: reasons, failures: failures)
    }

    /// Every agreement `country` takes part in, directly or through a bloc, with its status on `day`.
    public func participations(_ country: CountryCode, on day: Day) -> [Participation] {
        participations(country, on: day, onlyIn: nil)
    }

    /// ``participations(_:on:)``, in one agreement (by index) when `only` is given.
    func participations(_ country: CountryCode, on day: Day, onlyIn only: Int32?) -> [Participation] {
        var out: [Participation] = []
        // Only the agreements that cover the country at some time (the cover index), in order.
        var seen = Set<Int32>()
        for i in (cover[country] ?? []).map(\.agreement) where (only == nil || i == only) && seen.insert(i).inserted {
            let a = agreements[Int(i)]
            for p in a.parties {
                // Only the party entries that can cover the country: itself, or a bloc it belongs to.
                switch p.party {
                case .country(let c): if c != country { continue }
                case .bloc(let b):
                    guard let j = institutionIndex[Self.key(b)], institutions[j].members.contains(where: { $0.member == country }) else { continue }
                }
                for (c, v, via) in Self.coverage(of: p, in: a, institutions: institutions, index: institutionIndex) where c == country {
                    let status: Participation.Status = v.contains(day) ? .inForce : (day < v.start ? .notYet : .ended)
                    out.append(Participation(
                        agreement: a.id, shortName: a.shortName, name: a.name, form: forms[Int(i)], type: a.type, role: p.effectiveRole,
                        side: p.effectiveSide, from: v.start, to: v.end, status: status, via: via))
                }
            }
        }
        return out.sorted { ($0.from, $0.shortName) < ($1.from, $1.shortName) }
    }

    /// The countries covered by an agreement, with their side, role and status on `day`.
    public func parties(of agreement: Agreement, on day: Day) -> [(CountryCode, Participation)] {
        guard let i = agreementNames[Self.key(agreement.id)] else { return [] }
        return participations(inAgreement: i, on: day).sorted { ($0.0, $0.1.from) < ($1.0, $1.1.from) }
    }

    /// Each country's participation in agreement `i`, one per party entry and span.
    func participations(inAgreement i: Int, on day: Day) -> [(CountryCode, Participation)] {
        let a = agreements[i]
        return a.parties.flatMap { p in
            Self.coverage(of: p, in: a, institutions: institutions, index: institutionIndex).map { c, v, via in
                let status: Participation.Status = v.contains(day) ? .inForce : (day < v.start ? .notYet : .ended)
                return (
                    c,
                    Participation(
                        agreement: a.id, shortName: a.shortName, name: a.name, form: forms[i], type: a.type, role: p.effectiveRole,
                        side: p.effectiveSide, from: v.start, to: v.end, status: status, via: via)
                )
            }
        }
    }

    /// The development status of `country` on `day`, and what it rests on.
    public func developmentStatus(_ country: CountryCode, on day: Day) -> (DevelopmentStatus?, String) {
        if isLeastDeveloped(country, ordinal: Int32(day.ordinal)) {
            let g = graduations[country].map { " (graduates on \($0.graduated): \($0.source.title))" } ?? ""
            return (.leastDeveloped, "on the UN list of least developed countries\(g)")
        }
        let graduated = graduations[country].map { " It left the UN LDC list on \($0.graduated)." } ?? ""
        if developed.contains(country) { return (.developed, "does not claim developing-country status" + graduated) }
        if wtoMember(.country(country), on: day) {
            return (.developing, "a WTO Member designating itself as developing (the WTO has no definition)" + graduated)
        }
        return (nil, "not a WTO Member on that day; no WTO development status" + graduated)
    }

    /// Whether `party` is a WTO Member on `day`.
    public func wtoMember(_ party: PartyRef, on day: Day) -> Bool {
        guard let e = wto[party], e.status == .member, let since = e.since else { return false }
        return since.day <= day
    }

    public func wtoEntry(_ party: PartyRef) -> WTOEntry? { wto[party] }

    public var wtoEntries: [WTOEntry] { wto.values.sorted { $0.party < $1.party } }

    /// A country's memberships, agreements and status on `day`.
    public func profile(_ country: CountryCode, on day: Day) throws -> CountryProfile {
        guard let c = countries[country] else { return try profile(self.country(named: country.rawValue).code, on: day) }
        let entry = wto[.country(country)]
        let wtoStatus: String
        switch entry?.status {
        case .member?: wtoStatus = wtoMember(.country(country), on: day) ? "member" : "not yet a member on \(day)"
        case .observer?: wtoStatus = "observer"
        case nil: wtoStatus = "not a member"
        }
        let (status, note) = developmentStatus(country, on: day)
        let memberships = institutions.flatMap { inst in
            inst.members.filter { $0.member == country }.map {
                CountryProfile.InstitutionMembership(
                    institution: inst.id, name: inst.name, kind: inst.kind, from: $0.from, to: $0.to, memberOnDay: $0.tenure.contains(day),
                    note: $0.note)
            }
        }
        return CountryProfile(
            country: c, day: day, wtoStatus: wtoStatus, wtoMemberSince: entry?.status == .member ? entry?.since : nil,
            developmentStatus: status, developmentNote: note, institutions: memberships, agreements: participations(country, on: day))
    }

    /// Agreements matching every filter given, in order of entry into force.
    public func agreements(matching f: AgreementFilter) -> [(Agreement, AgreementForm)] {
        var out: [(Agreement, AgreementForm)] = []
        for (i, a) in agreements.enumerated() {
            if let form = f.form, forms[i] != form { continue }
            if let t = f.type, a.type != t { continue }
            if let b = f.basis, !a.basis.contains(b) { continue }
            if let day = f.inForceOn, !(a.validity?.contains(day) ?? false) { continue }
            if let party = f.party {
                let covers = cover[party]?.filter { $0.agreement == Int32(i) } ?? []
                if covers.isEmpty { continue }
                if let day = f.inForceOn, !covers.contains(where: { $0.contains(Int32(day.ordinal)) }) { continue }
                if let partner = f.partner {
                    let day = f.inForceOn
                    let theirs = cover[partner]?.filter { $0.agreement == Int32(i) } ?? []
                    let shares = covers.contains { x in
                        theirs.contains { y in
                            x.side != y.side && Self.direction(x.role, y.role) != nil
                                && (day.map { x.contains(Int32($0.ordinal)) && y.contains(Int32($0.ordinal)) } ?? true)
                        }
                    }
                    if !shares { continue }
                }
            } else if let partner = f.partner, cover[partner]?.contains(where: { $0.agreement == Int32(i) }) != true {
                continue
            }
            out.append((a, forms[i]))
        }
        // Agreements not yet in force sort last.
        let never = Day(year: 9999, month: 12, day: 31)!
        return out.sorted { ($0.0.inForce?.day ?? never, $0.0.shortName) < ($1.0.inForce?.day ?? never, $1.0.shortName) }
    }
}

extension String {
    var trimmingSpaces: String {
        // Text that starts and ends with a visible ASCII byte (a code as written) has nothing to trim.
        func visibleASCII(_ b: UInt8?) -> Bool { b.map { $0 > 0x20 && $0 < 0x7F } ?? true }
        if visibleASCII(utf8.first) && visibleASCII(utf8.last) { return self }
        guard first?.isWhitespace == true || last?.isWhitespace == true else { return self }
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
