public import TarifCore

/// Questions the duty resolver asks of the registry: MFN status, grants under an
/// agreement, line exclusions, and the days on which any answer can change.
extension Registry {
    /// The withdrawal of MFN treatment by `importer` from goods of `origin` in force on `day`, if any.
    public func mfnWithdrawal(importer: CountryCode, origin: CountryCode, on day: Day) -> MFNWithdrawal? {
        mfnWithdrawals[importer]?.first { $0.country == origin && $0.validity.contains(day) }
    }

    /// Whether `importer` gives goods of `origin` the preferences of `agreement` on `day`:
    /// both covered, on different sides, the importer granting and the origin receiving.
    public func grantsPreference(importer: CountryCode, origin: CountryCode, agreement id: String, on day: Day) -> Bool {
        guard let a = agreementNames[Self.key(id)] else { return false }
        return grantsPreference(importer: importer, origin: origin, agreementIndex: Int32(a), ordinal: Int32(day.ordinal))
    }

    @usableFromInline
    func grantsPreference(importer: CountryCode, origin: CountryCode, agreementIndex a: Int32, ordinal d: Int32) -> Bool {
        guard let ci = cover[importer], let grantor = Self.find(ci, a, d), grantor.role != .beneficiary,
            let co = cover[origin], let receiver = Self.find(co, a, d), receiver.side != grantor.side, receiver.role != .grantor
        else { return false }
        return true
    }

    /// Why `origin` does not get `agreement`'s preferences from `importer` on `day`, or `nil` when it does.
    public func preferenceRefusal(importer: CountryCode, origin: CountryCode, agreement id: String, on day: Day) -> String? {
        guard let a = agreementNames[Self.key(id)] else { return "\(id) is not in the registry" }
        let ag = agreements[a]
        if grantsPreference(importer: importer, origin: origin, agreementIndex: Int32(a), ordinal: Int32(day.ordinal)) { return nil }
        if let v = ag.validity, !v.contains(day) {
            return day < v.start ? "\(ag.shortName) is not yet in force on \(day) (from \(v.start))" : "\(ag.shortName) ended on \(v.end!)"
        }
        if ag.validity == nil { return "\(ag.shortName) has not entered into force" }
        let mine = participations(origin, on: day).filter { $0.agreement == ag.id }
        let importers = participations(importer, on: day).filter { $0.agreement == ag.id }
        if importers.allSatisfy({ $0.status != .inForce }) {
            if let p = importers.first, p.status == .notYet { return "\(ag.shortName) is in force for \(importer) only from \(p.from)" }
            return "\(importer) does not apply \(ag.shortName) on \(day)"
        }
        if let p = mine.first(where: { $0.status == .inForce }), let q = importers.first(where: { $0.status == .inForce }), p.side == q.side {
            return "\(origin) is on the same side of \(ag.shortName) as \(importer)"
        }
        if let p = mine.first(where: { $0.status == .notYet }) { return "\(ag.shortName) is in force for \(origin) only from \(p.from)" }
        if let p = mine.first(where: { $0.status == .ended }) { return "\(origin) left \(ag.shortName) on \(p.to.map(\.description) ?? "?")" }
        return "\(origin) is not a party to \(ag.shortName)"
    }

    /// The exclusion of `origin` from `importer`'s program `program` on line `code`, if the registry records one.
    public func lineExclusion(importer: CountryCode, program: String, code: TariffCode, origin: CountryCode, on day: Day) -> LineExclusion? {
        lineExclusions[importer]?[program]?.first {
            $0.origin == origin && $0.code.contains(code) && ($0.from.map { $0.day <= day } ?? true) && ($0.to.map { day < $0.day } ?? true)
        }
    }

    /// Whether the registry records any line exclusions for `importer`'s program (so that a
    /// missing entry means "not excluded" rather than "not known").
    public func hasLineExclusions(importer: CountryCode, program: String) -> Bool {
        !(lineExclusions[importer]?[program]?.isEmpty ?? true)
    }

    /// Every day, in order, on which an answer about `origin`'s goods entering `importer`
    /// can change: entries into force and ends of either's participations, LDC
    /// graduation, MFN withdrawal and restoration. Between two such days every
    /// eligibility and grant answer is constant.
    public func changeDays(importer: CountryCode, origin: CountryCode) -> [Day] {
        var days: Set<Int32> = []
        for c in (cover[importer] ?? []) + (cover[origin] ?? []) {
            days.insert(c.start)
            if c.end != Int32.max { days.insert(c.end) }
        }
        if let u = ldcUntil[origin], u != Int32.max { days.insert(u) }
        for p in programs where p.importer == importer {
            if let a = p.applied {
                days.insert(Int32(a.from.day.ordinal))
                if let to = a.to { days.insert(Int32(to.day.ordinal)) }
            }
        }
        for w in mfnWithdrawals[importer] ?? [] where w.country == origin {
            days.insert(Int32(w.from.day.ordinal))
            if let to = w.to { days.insert(Int32(to.day.ordinal)) }
        }
        return days.sorted().map { Day(ordinal: Int($0)) }
    }

    /// The program codes the registry knows for `importer`.
    public func programCodes(of importer: CountryCode) -> [String] {
        programs.filter { $0.importer == importer }.map(\.code)
    }

    /// The program `code` of `importer`.
    public func program(importer: CountryCode, code: String) -> PreferenceProgram? {
        programIndex[importer]?[code].map { programs[$0] }
    }

    /// A program of `importer` and the agreement it carries out, as indices into ``programs``
    /// and ``agreements`` (both large values, read in place); nil when either is not in the registry.
    public func programAndAgreement(importer: CountryCode, code: String) -> (program: Int, agreement: Int)? {
        guard let p = programIndex[importer]?[code], programAgreement[p] >= 0 else { return nil }
        return (p, Int(programAgreement[p]))
    }
}
