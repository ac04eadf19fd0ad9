public import TarifCore

/// Everything the registry is built from: countries from the country-codes
/// publication, and the facts Tarif curates (WTO membership, institutions,
/// agreements, programs), each with its source.
public struct RegistryInput: Sendable {
    public var countries: [Country]
    public var wto: [WTOEntry]
    public var wtoSource: SourceRef?
    /// Members that do not claim developing-country status.
    public var developed: [CountryCode]
    public var developedSource: SourceRef?
    public var ldcGraduations: [LDCGraduation]
    /// UN region used for a country when deriving agreement forms, where it differs from M49's.
    public var regionOverrides: [CountryCode: String]
    public var institutions: [Institution]
    public var agreements: [Agreement]
    public var programs: [PreferenceProgram]
    /// Origins an importer denies MFN treatment (US column 2 countries).
    public var mfnWithdrawals: [MFNWithdrawal]
    /// Lines on which a program excludes some of its beneficiaries (HTSUS General Note 4(d)).
    public var lineExclusions: [LineExclusion]
    /// The national instruments that enact agreements' tariff schedules (Indonesia's PMKs).
    public var scheduleInstruments: [ScheduleInstrument] = []

    public init(
        countries: [Country], wto: [WTOEntry] = [], wtoSource: SourceRef? = nil, developed: [CountryCode] = [],
        developedSource: SourceRef? = nil, ldcGraduations: [LDCGraduation] = [], regionOverrides: [CountryCode: String] = [:],
        institutions: [Institution] = [], agreements: [Agreement] = [], programs: [PreferenceProgram] = [],
        mfnWithdrawals: [MFNWithdrawal] = [], lineExclusions: [LineExclusion] = [], scheduleInstruments: [ScheduleInstrument] = []
    ) {
        self.scheduleInstruments = scheduleInstruments
        self.mfnWithdrawals = mfnWithdrawals
        self.lineExclusions = lineExclusions
        self.countries = countries
        self.wto = wto
        self.wtoSource = wtoSource
        self.developed = developed
        self.developedSource = developedSource
        self.ldcGraduations = ldcGraduations
        self.regionOverrides = regionOverrides
        self.institutions = institutions
        self.agreements = agreements
        self.programs = programs
    }
}

/// The registry's invariants failed: every problem found, each naming the record.
public struct RegistryProblems: Error, Sendable, CustomStringConvertible {
    public var problems: [String]
    public var description: String {
        "the registry data has \(problems.count) problem\(problems.count == 1 ? "" : "s"):\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

/// Countries, the WTO, institutions, agreements and programs, with an in-memory
/// index that answers "which agreements do A and B share on D" and "is X eligible
/// under program P on D" without allocating.
public struct Registry: Sendable {
    /// One country's coverage by one agreement over one span (a party entry, or a
    /// bloc party expanded through the bloc's membership).
    @usableFromInline
    struct Cover: Sendable {
        @usableFromInline var agreement: Int32
        @usableFromInline var side: Int32
        @usableFromInline var role: PartyRole
        @usableFromInline var start: Int32
        @usableFromInline var end: Int32

        @inlinable func contains(_ ordinal: Int32) -> Bool { ordinal >= start && ordinal < end }
    }

    public let countries: [CountryCode: Country]
    public let institutions: [Institution]
    public let agreements: [Agreement]
    public let programs: [PreferenceProgram]
    /// The form of each agreement, derived from its parties, by index.
    public let forms: [AgreementForm]
    public let wtoSource: SourceRef?
    public let developedSource: SourceRef?

    let wto: [PartyRef: WTOEntry]
    let developed: Set<CountryCode>
    let graduations: [CountryCode: LDCGraduation]
    let institutionIndex: [String: Int]
    let agreementNames: [String: Int]
    @usableFromInline let cover: [CountryCode: [Cover]]
    @usableFromInline let programIndex: [CountryCode: [String: Int]]
    @usableFromInline let programAgreement: [Int32]
    /// Each importer's programs by the agreement they carry out.
    let programsByAgreement: [CountryCode: [String: [PreferenceProgram]]]
    /// The first day (ordinal) each country on the UN LDC list is no longer on it (`Int32.max`: still on it).
    @usableFromInline let ldcUntil: [CountryCode: Int32]
    /// MFN withdrawals by importer.
    public let mfnWithdrawals: [CountryCode: [MFNWithdrawal]]
    /// Line exclusions by importer and program.
    let lineExclusions: [CountryCode: [String: [LineExclusion]]]
    /// Schedule instruments by importer and agreement id.
    let scheduleInstruments: [CountryCode: [String: [ScheduleInstrument]]]

    /// Builds and checks the registry.
    /// - Throws: ``RegistryProblems`` listing every broken invariant.
    public init(_ input: RegistryInput) throws {
        var problems: [String] = []
        var countries: [CountryCode: Country] = [:]
        for c in input.countries { countries[c.code] = c }
        self.countries = countries
        self.wtoSource = input.wtoSource
        self.developedSource = input.developedSource

        // Institutions.
        var institutionIndex: [String: Int] = [:]
        for (i, inst) in input.institutions.enumerated() {
            if institutionIndex[Self.key(inst.id)] != nil { problems.append("institution \(inst.id) is defined twice") }
            institutionIndex[Self.key(inst.id)] = i
        }
        for inst in input.institutions {
            if inst.sources.isEmpty { problems.append("institution \(inst.id) has no source") }
            var earliest = inst.founded
            var chain = inst.predecessor
            var seen: Set<String> = [inst.id]
            while let p = chain, let j = institutionIndex[Self.key(p)], seen.insert(p).inserted {
                earliest = min(earliest, input.institutions[j].founded)
                chain = input.institutions[j].predecessor
            }
            for link in [inst.predecessor, inst.successor].compactMap({ $0 }) where institutionIndex[Self.key(link)] == nil {
                problems.append("institution \(inst.id) names \(link) as predecessor or successor, which is not an institution")
            }
            for m in inst.members {
                if countries[m.member] == nil { problems.append("institution \(inst.id): member \(m.member) is not a known country") }
                if m.from < earliest { problems.append("institution \(inst.id): \(m.member) joins on \(m.from), before the institution was founded (\(earliest))") }
                if let to = m.to, to <= m.from { problems.append("institution \(inst.id): \(m.member) leaves on \(to), not after joining on \(m.from)") }
                if let ended = inst.ended, m.from >= ended { problems.append("institution \(inst.id): \(m.member) joins on \(m.from), after the institution ended") }
            }
        }
        self.institutions = input.institutions
        self.institutionIndex = institutionIndex

        // WTO.
        var wto: [PartyRef: WTOEntry] = [:]
        for e in input.wto {
            if wto[e.party] != nil { problems.append("WTO: \(e.party) is listed twice") }
            wto[e.party] = e
            switch e.party {
            case .country(let c) where countries[c] == nil: problems.append("WTO: \(c) is not a known country")
            case .bloc(let b) where institutionIndex[Self.key(b)] == nil: problems.append("WTO: @\(b) is not an institution")
            default: break
            }
            if e.status == .member, e.since == nil { problems.append("WTO: member \(e.party) has no date of membership") }
        }
        if !input.wto.isEmpty, input.wtoSource == nil { problems.append("WTO membership has no source") }
        self.wto = wto
        self.developed = Set(input.developed)
        for c in input.developed where countries[c] == nil { problems.append("development status: \(c) is not a known country") }
        var graduations: [CountryCode: LDCGraduation] = [:]
        var ldcUntil: [CountryCode: Int32] = [:]
        for g in input.ldcGraduations {
            if countries[g.country] == nil { problems.append("LDC graduation: \(g.country) is not a known country") }
            graduations[g.country] = g
        }
        // The UN list as the country-codes file gives it, ended at each graduation; graduated
        // countries the file no longer flags were on the list until their graduation.
        for c in input.countries where c.isLeastDeveloped || graduations[c.code] != nil {
            ldcUntil[c.code] = graduations[c.code].map { Int32($0.graduated.day.ordinal) } ?? Int32.max
        }
        self.graduations = graduations
        self.ldcUntil = ldcUntil

        // Agreements.
        var agreementNames: [String: Int] = [:]
        var ids: Set<String> = []
        for (i, a) in input.agreements.enumerated() {
            if !ids.insert(Self.key(a.id)).inserted { problems.append("agreement \(a.id) is defined twice") }
            for name in [a.id, a.shortName] + (a.aliases ?? []) {
                let k = Self.key(name)
                if agreementNames[k] == nil || Self.key(a.id) == k { agreementNames[k] = i }
            }
        }
        self.agreementNames = agreementNames

        var cover: [CountryCode: [Cover]] = [:]
        var forms: [AgreementForm] = []
        let regionOf: (CountryCode) -> String = { input.regionOverrides[$0] ?? countries[$0]?.region ?? "" }
        for (i, a) in input.agreements.enumerated() {
            let label = "agreement \(a.id)"
            if a.sources.isEmpty { problems.append("\(label) has no source") }
            if a.parties.isEmpty { problems.append("\(label) has no parties") }
            for w in a.waivers ?? [] {
                if let u = w.until, u <= w.from { problems.append("\(label): waiver '\(w.decision)' ends before it starts") }
            }
            if let s = a.supersededBy, ids.contains(Self.key(s)) == false { problems.append("\(label) is superseded by \(s), which is not an agreement") }
            if let f = a.inForce, let e = a.ended, e <= f { problems.append("\(label) ends on \(e), not after entering into force on \(f)") }
            if let s = a.signed, let f = a.inForce, f < s { problems.append("\(label) enters into force on \(f), before it was signed on \(s)") }
            var sides: [String: Int32] = [:]
            for p in a.parties {
                let who = "\(label): party \(p.party)"
                if let from = p.from, let f = a.inForce, from < f {
                    problems.append("\(who) enters on \(from), before the agreement's entry into force (\(f))")
                }
                if let from = p.from ?? a.inForce, let to = p.to, to <= from { problems.append("\(who) leaves on \(to), not after entering on \(from)") }
                if p.source == nil, a.sources.isEmpty { problems.append("\(who) has no source") }
                let side = sides[p.effectiveSide] ?? {
                    let n = Int32(sides.count)
                    sides[p.effectiveSide] = n
                    return n
                }()
                switch p.party {
                case .country(let c):
                    if countries[c] == nil { problems.append("\(who) is not a known country") }
                case .bloc(let b):
                    if let j = institutionIndex[Self.key(b)] {
                        if input.institutions[j].members.isEmpty { problems.append("\(who): the institution's members are not curated") }
                    } else {
                        problems.append("\(who) is not an institution")
                    }
                }
                for (c, v, _) in Self.coverage(of: p, in: a, institutions: input.institutions, index: institutionIndex) {
                    cover[c, default: []].append(
                        Cover(
                            agreement: Int32(i), side: side, role: p.effectiveRole, start: Int32(v.start.ordinal),
                            end: v.end.map { Int32($0.ordinal) } ?? Int32.max))
                }
            }
            let form = Self.deriveForm(a, region: regionOf, institutions: input.institutions, index: institutionIndex)
            forms.append(form)
            let roles = Set(a.parties.map(\.effectiveRole))
            if roles.contains(.grantor) != roles.contains(.beneficiary) {
                problems.append("\(label) has grantors without beneficiaries or beneficiaries without grantors")
            }
            if roles == [.reciprocal], sides.count < 2 { problems.append("\(label) has all its parties on one side") }
            if let recorded = a.composition {
                let derived = Self.deriveComposition(a)
                if recorded != derived {
                    problems.append("\(label) is recorded as \(recorded.rawValue) but its parties make it \(derived.rawValue)")
                }
            }
        }
        for key in cover.keys { cover[key]!.sort { ($0.agreement, $0.start) < ($1.agreement, $1.start) } }
        self.cover = cover
        self.forms = forms
        self.agreements = input.agreements

        var programIndex: [CountryCode: [String: Int]] = [:]
        var programAgreement: [Int32] = []
        for (i, p) in input.programs.enumerated() {
            if programIndex[p.importer]?[p.code] != nil { problems.append("program \(p.importer) \(p.code) is defined twice") }
            programIndex[p.importer, default: [:]][p.code] = i
            for c in p.grantedTo ?? [] where countries[c] == nil {
                problems.append("program \(p.importer) \(p.code) is granted to \(c), which is not a known country")
            }
            if let a = p.applied, let to = a.to, to <= a.from { problems.append("program \(p.importer) \(p.code) stops applying before it starts") }
            if let a = agreementNames[Self.key(p.agreement)] {
                programAgreement.append(Int32(a))
            } else {
                problems.append("program \(p.importer) \(p.code) names agreement \(p.agreement), which is not in the registry")
                programAgreement.append(-1)
            }
        }
        for p in input.programs {
            guard let parent = p.partyRatesOf else { continue }
            if let i = programIndex[p.importer]?[parent] {
                if input.programs[i].agreement != p.agreement {
                    problems.append("program \(p.importer) \(p.code) sets aside \(parent)'s rates but is under another agreement")
                }
                if input.programs[i].partyRatesOf != nil {
                    problems.append("program \(p.importer) \(p.code) sets aside \(parent), which itself sets aside another program")
                }
            } else {
                problems.append("program \(p.importer) \(p.code) sets aside the rates of \(parent), which is not one of \(p.importer)'s programs")
            }
            if (p.only ?? []).isEmpty { problems.append("program \(p.importer) \(p.code) holds party rates but names no party ('only')") }
        }
        self.programs = input.programs
        self.programIndex = programIndex
        programsByAgreement = Dictionary(grouping: input.programs, by: \.importer).mapValues { Dictionary(grouping: $0, by: \.agreement) }
        self.programAgreement = programAgreement

        var withdrawals: [CountryCode: [MFNWithdrawal]] = [:]
        for w in input.mfnWithdrawals {
            if countries[w.importer] == nil { problems.append("MFN withdrawal names importer \(w.importer), which is not a country") }
            if countries[w.country] == nil { problems.append("MFN withdrawal by \(w.importer) names \(w.country), which is not a country") }
            if w.sources.isEmpty { problems.append("MFN withdrawal by \(w.importer) from \(w.country) has no source") }
            if let to = w.to, to.day <= w.from.day { problems.append("MFN withdrawal by \(w.importer) from \(w.country) ends before it starts") }
            withdrawals[w.importer, default: []].append(w)
        }
        self.mfnWithdrawals = withdrawals
        var exclusions: [CountryCode: [String: [LineExclusion]]] = [:]
        for x in input.lineExclusions {
            if programIndex[x.importer]?[x.program] == nil {
                problems.append("line exclusion \(x.importer) \(x.program) \(x.code) names a program the registry does not have")
            }
            if x.source.title.isEmpty { problems.append("line exclusion \(x.importer) \(x.program) \(x.code) has no source") }
            exclusions[x.importer, default: [:]][x.program, default: []].append(x)
        }
        self.lineExclusions = exclusions
        var instruments: [CountryCode: [String: [ScheduleInstrument]]] = [:]
        for s in input.scheduleInstruments {
            guard let a = agreementNames[Self.key(s.agreement)] else {
                problems.append("schedule instrument \(s.instrument) of \(s.importer) names agreement \(s.agreement), which is not in the registry")
                continue
            }
            if s.source.title.isEmpty { problems.append("schedule instrument \(s.instrument) of \(s.importer) has no source") }
            for p in s.partners ?? [] where countries[p] == nil {
                problems.append("schedule instrument \(s.instrument) of \(s.importer) names partner \(p), which is not a country")
            }
            instruments[s.importer, default: [:]][agreements[a].id, default: []].append(s)
        }
        self.scheduleInstruments = instruments

        if !problems.isEmpty { throw RegistryProblems(problems: problems) }
    }

    /// Names compare without case, spaces or punctuation: "ASEAN–China" = "asean china" = "ASEANCHINA".
    public static func key(_ s: String) -> String {
        // ASCII names (nearly all) byte by byte; others through Unicode's letters and case.
        var ascii = true
        let key = String(unsafeUninitializedCapacity: s.utf8.count) { buffer in
            var n = 0
            for b in s.utf8 {
                switch b {
                case UInt8(ascii: "a")...UInt8(ascii: "z"): buffer[n] = b - 32
                case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "*"): buffer[n] = b
                case 0x80...:
                    ascii = false
                    return 0
                default: continue
                }
                n += 1
            }
            return n
        }
        if ascii { return key }
        return String(String.UnicodeScalarView(s.uppercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "+" || $0 == "*" }))
    }

    /// The countries a party entry covers and over which days: the country itself, or
    /// each member of a bloc while it is a member (`via` names the bloc).
    static func coverage(
        of p: Party, in a: Agreement, institutions: [Institution], index: [String: Int]
    ) -> [(country: CountryCode, span: Validity, via: String?)] {
        guard let tenure = a.tenure(of: p) else { return [] }
        switch p.party {
        case .country(let c):
            return [(c, tenure.validity, nil)]
        case .bloc(let b):
            guard let j = index[key(b)] else { return [] }
            return institutions[j].members.compactMap { m in
                intersect(tenure.validity, m.tenure.validity).map { (m.member, $0, "@" + b) }
            }
        }
    }

    static func intersect(_ a: Validity, _ b: Validity) -> Validity? {
        let start = max(a.start, b.start)
        let end: Day? = [a.end, b.end].compactMap { $0 }.min()
        if let end, end <= start { return nil }
        return Validity(start: start, end: end)
    }
}
