public import TarifCore
public import TarifRegistry

/// An importer's schedule as the audit reads it: one version's lines and rates, the
/// staged preferential rates loaded for it, and the chapter 99 layers its lines point to.
public struct AuditInput: Sendable {
    public var info: ScheduleInfo
    public var lines: [TariffLine]
    public var rates: [LineRate]
    public var staged: [(StagedSchedule, StagedRate)]
    /// Additional duties by the line whose footnotes name them.
    public var layers: [TariffCode: [AdditionalDuty]]
    /// The version's chapter 99 headings (all of subchapter III), and the scope-list entries,
    /// for deciding the headings that charge goods of the countries they name on every line.
    public var chapter99Headings: [AdditionalDuty] = []
    public var countryHeadings: [AdditionalDuty] = []
    public var scopeRows: [Chapter99ScopeRow] = []

    public init(
        info: ScheduleInfo, lines: [TariffLine], rates: [LineRate], staged: [(StagedSchedule, StagedRate)] = [],
        layers: [TariffCode: [AdditionalDuty]] = [:]
    ) {
        self.info = info
        self.lines = lines
        self.rates = rates
        self.staged = staged
        self.layers = layers
    }
}

/// The MFN audit: GATT 1994 Art. I:1 applied to a whole schedule on one day.
///
/// For every line with an MFN rate and every origin, the audit finds what the goods pay
/// apart from the MFN rate — a program code the origin receives (as the registry's
/// programs grant it), a staged preferential rate, column 2 where MFN is withdrawn, a
/// chapter 99 duty for named origins, or a hypothetical grant — and classifies each
/// difference through ``Justifier``: justified (by which exception, under which
/// instrument), unjustified (a finding under Art. I:1, with every exception tried and
/// why it fails) or undetermined (the data cannot tell). Where an origin has several
/// preferences on a line, the difference is the best rate it gets, and it is justified
/// when a justified preference gives a rate as good.
public struct MFNAudit: Sendable {
    public let registry: Registry

    public init(registry: Registry) {
        self.registry = registry
    }

    struct GroupKey: Hashable {
        var status: Verdict.Status
        var exception: MFNException?
        var instrument: String
        var reasons: [String]
    }

    struct Grant {
        var measure: AuditMeasure
        var rate: DutyExpression
        var text: String
        var verdict: Verdict
    }

    /// Runs the audit.
    /// - Parameters:
    ///   - origins: the origins to consider (default: every country in the registry but the importer).
    ///   - grants: hypothetical grants to test alongside the schedule.
    ///   - progress: called with (lines done, lines in all) now and then.
    public func run(
        _ input: AuditInput, on day: Day, origins: [CountryCode]? = nil, grants: [HypotheticalGrant] = [],
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) -> AuditReport {
        let importer = input.info.importer
        let justifier = Justifier(registry: registry, importer: importer, day: day)
        let origins = (origins ?? Array(registry.countries.keys)).filter { $0 != importer }.sorted()
        let members = origins.filter { registry.wtoMember(.country($0), on: day) }
        let memberSet = Set(members)
        let importerIsMember = registry.wtoMember(.country(importer), on: day)
        var notes: [String] = []
        if !importerIsMember {
            notes.append("\(importer) is not a WTO Member on \(day): GATT Art. I:1 does not bind it; differences are listed without a finding")
        }

        // Who receives each program code on the day, and the verdict for each.
        var receivers: [String: [(CountryCode, Verdict)]] = [:]
        var programAgreement: [String: Agreement] = [:]
        var unusedReason: [String: String] = [:]
        for code in registry.programCodes(of: importer) {
            guard let program = registry.program(importer: importer, code: code), let ag = try? registry.agreement(named: program.agreement)
            else { continue }
            programAgreement[code] = ag
            if program.beneficiaries == .allOrigins { continue }  // applied to every origin: no difference
            let who = origins.filter { registry.isEligible(origin: $0, importer: importer, program: code, on: day) }
            receivers[code] = who.map { ($0, justifier.preference(ag, origin: $0)) }
            if who.isEmpty {
                unusedReason[code] = justifier.inForce(ag).map { "\(code) (\(ag.shortName)): \($0)" }
                    ?? "\(code) (\(ag.shortName)): no origin considered receives it on \(day)"
            }
        }
        let starred = Set(receivers.keys.filter { $0.hasSuffix("*") })

        // Staged preferential rates: the stage in force on the day, per line code and agreement.
        var stagedByCode: [TariffCode: [(agreement: Agreement, partner: CountryCode?, rate: StagedRate)]] = [:]
        var stagedReceivers: [String: [(CountryCode, Verdict)]] = [:]
        for (s, r) in input.staged where r.validFrom <= day {
            guard let ag = try? registry.agreement(named: s.agreement) else {
                notes.append("staged schedule '\(s.title)' names \(s.agreement), which is not in the registry; not audited")
                continue
            }
            var list = stagedByCode[r.code, default: []]
            if let i = list.firstIndex(where: { $0.agreement.id == ag.id && $0.partner == s.partner }) {
                if list[i].rate.validFrom < r.validFrom { list[i].rate = r }
            } else {
                list.append((ag, s.partner, r))
            }
            stagedByCode[r.code] = list
            if stagedReceivers[ag.id] == nil {
                stagedReceivers[ag.id] = origins.filter { registry.grantsPreference(importer: importer, origin: $0, agreement: ag.id, on: day) }
                    .map { ($0, justifier.preference(ag, origin: $0)) }
            }
        }

        // Column 2.
        var withdrawn: [(CountryCode, MFNWithdrawal, Verdict)] = []
        for o in origins {
            if let w = registry.mfnWithdrawal(importer: importer, origin: o, on: day) { withdrawn.append((o, w, justifier.withdrawal(w))) }
        }
        let withdrawnSet = Set(withdrawn.map(\.0))

        // Hypothetical grants.
        var whatIf: [(HypotheticalGrant, Verdict, [(Agreement, Verdict)])] = []
        for g in grants {
            let named = g.agreement.flatMap { try? registry.agreement(named: $0) }
            var (v, covering) = justifier.anyAgreement(origin: g.origin, only: named)
            if g.agreement != nil, named == nil {
                v = Verdict(
                    status: .unjustified, exception: nil, instrument: g.agreement!, holds: [],
                    failures: [.init(exception: nil, article: "—", reason: "\(g.agreement!) is not an agreement in the registry")], conditional: false)
            }
            whatIf.append((g, v, covering))
        }

        // Lines.
        var mfn: [TariffCode: LineRate] = [:]
        var column2: [TariffCode: LineRate] = [:]
        var special: [TariffCode: [LineRate]] = [:]
        for r in input.rates where r.expression != nil {
            switch r.kind {
            case .mfn: mfn[r.code] = r
            case .nonMFN: column2[r.code] = r
            case .preferential: if r.program != nil { special[r.code, default: []].append(r) }
            default: break
            }
        }
        let descriptions = Dictionary(input.lines.map { ($0.code, $0.qualifiedDescription) }, uniquingKeysWith: { a, _ in a })
        let codes = mfn.keys.sorted()
        // Staged codes attach to the line itself or the nearest line above that carries rates.
        var stagedOnLine: [TariffCode: [(agreement: Agreement, partner: CountryCode?, rate: StagedRate)]] = [:]
        for (code, list) in stagedByCode {
            if let c = code.selfOrAncestor(where: { mfn[$0] != nil }) { stagedOnLine[c, default: []] += list }
        }

        let europeanUnion = registry.members(of: "EU", on: day)
        let countries = input.countryHeadings.isEmpty && input.chapter99Headings.isEmpty
            ? nil : CountryHeadingAudit(input: input, day: day, europeanUnion: europeanUnion)
        if countries != nil {
            notes.append(
                "Chapter 99 headings that charge goods of the countries they name (IEEPA orders) are decided on every line by their exceptions and the scope lists (Annex II, Section 232 lists: a third party's reading of the U.S. notes); facts no list holds (donations, goods in transit, U.S. content) are taken as absent. Headings charging any country alike (9903.01.25, 9903.03.01) treat Members alike and are not differences under Art. I:1.")
            if countries?.section232 != nil {
                notes.append(
                    "Section 232: on each listed line, the heading for goods of a country no heading singles out is compared with the heading for each origin one does (the UK's lower rates, Russia's, the vehicle deals' 15% floors); a difference is an advantage or disadvantage under Art. I:1. Duties on a metal content are compared rate to rate.")
            }
        }
        var decided: [CountryHeadingAudit.Key: Bool?] = [:]
        var acc = Accumulator()
        var whatIfLines = Array(repeating: (lines: 0, differing: 0, direction: DifferenceDirection?.none), count: whatIf.count)
        let n = members.count
        let allPairs = n * (n - 1) / 2
        for (k, code) in codes.enumerated() {
            if k % 2000 == 0 { progress?(k, codes.count) }
            let base = mfn[code]!
            let m = base.expression!
            var byOrigin: [CountryCode: [Grant]] = [:]
            for r in special[code] ?? [] {
                guard let p = r.program, let list = receivers[p], !list.isEmpty else { continue }
                let measure = AuditMeasure(kind: .program, name: p, agreement: programAgreement[p]?.id)
                for (o, v) in list {
                    if starred.contains(p), registry.lineExclusion(importer: importer, program: p, code: code, origin: o, on: day) != nil { continue }
                    byOrigin[o, default: []].append(Grant(measure: measure, rate: r.expression!, text: r.text, verdict: v))
                }
            }
            for s in stagedOnLine[code] ?? [] {
                let measure = AuditMeasure(kind: .staged, name: s.agreement.id, agreement: s.agreement.id)
                for (o, v) in stagedReceivers[s.agreement.id] ?? [] where s.partner == nil || s.partner == o {
                    byOrigin[o, default: []].append(Grant(measure: measure, rate: s.rate.expression, text: s.rate.text, verdict: v))
                }
            }
            for (i, (g, v, _)) in whatIf.enumerated() where g.code.contains(code) {
                whatIfLines[i].lines += 1
                let d = Self.direction(g.rate, against: m)
                if d != nil { whatIfLines[i].differing += 1 }
                if whatIfLines[i].direction == nil { whatIfLines[i].direction = d }
                byOrigin[g.origin, default: []].append(
                    Grant(measure: AuditMeasure(kind: .whatIf, name: g.description, agreement: g.agreement), rate: g.rate, text: g.rateText, verdict: v))
            }

            // Each origin's difference on this line: the key groups origins paying the same.
            var keys: [CountryCode: Int] = [:]
            var lineHasDifference = false
            for (o, list) in byOrigin where !withdrawnSet.contains(o) {
                guard let (chosen, direction) = Self.decide(list, mfn: m) else { continue }
                lineHasDifference = true
                acc.add(line: code, origin: o, measure: chosen.measure, rate: chosen.text, mfnText: base.text, direction: direction, verdict: chosen.verdict)
                if memberSet.contains(o) { keys[o] = chosen.rate.core.hashValue }
            }
            if let c2 = column2[code], let e2 = c2.expression {
                for (o, _, v) in withdrawn {
                    guard let d = Self.direction(e2, against: m) else { continue }
                    lineHasDifference = true
                    acc.add(line: code, origin: o, measure: AuditMeasure(kind: .column2, name: "column 2"), rate: c2.text, mfnText: base.text, direction: d, verdict: v)
                    if memberSet.contains(o) { keys[o] = e2.core.hashValue }
                }
            }
            for layer in input.layers[code] ?? [] where layer.effect != .noChange && !layer.origins.isEmpty && layer.column == "general" {
                if let from = layer.effectiveFrom, day < from { continue }
                if let through = layer.effectiveThrough, day > through { continue }
                if ChapterNinetyNine.lapse(of: layer.heading, on: day) != nil { continue }
                let measure = AuditMeasure(kind: .additionalDuty, name: layer.heading.formatted)
                let verdictFor: (CountryCode) -> Verdict = { o in Self.layerVerdict(layer, origin: o, day: day, justifier: justifier) }
                for o in layer.origins where origins.contains(o) {
                    lineHasDifference = true
                    acc.add(
                        line: code, origin: o, measure: measure, rate: layer.rateText, mfnText: base.text, direction: .disadvantage, verdict: verdictFor(o))
                    if memberSet.contains(o) { keys[o] = (keys[o] ?? 0) &+ layer.heading.hashValue }
                }
            }
            // The headings charging goods of the countries they name (IEEPA orders), decided for
            // this line by their exceptions and the scope lists.
            if let countries {
                let scope = countries.scope(of: code)
                let usmca = (special[code] ?? []).contains { $0.program == "S" || $0.program == "S+" }
                let mfnPercent = m.adValoremRate?.value
                for h in countries.charging {
                    for o in h.origins where origins.contains(o) && !withdrawnSet.contains(o) {
                        // Lines the lists treat alike get the same answer: decided once.
                        let key = CountryHeadingAudit.Key(heading: h.heading, origin: o, usmca: usmca, mfnPercent: mfnPercent, scope: scope)
                        let applies: Bool?
                        if let known = decided[key] {
                            applies = known
                        } else {
                            var decider = ChapterNinetyNineScope(
                                headings: countries.headings, scope: scope, origin: o, day: day, appliedKind: .mfn, usmca: usmca, excepting: countries.excepting)
                            decider.mfnPercent = mfnPercent
                            applies = decider.decide(h).applies
                            decided[key] = applies
                        }
                        guard applies == true else { continue }
                        lineHasDifference = true
                        acc.add(
                            line: code, origin: o, measure: AuditMeasure(kind: .additionalDuty, name: h.heading.formatted), rate: h.rateText,
                            mfnText: base.text, direction: .disadvantage, verdict: Self.layerVerdict(h, origin: o, day: day, justifier: justifier))
                        if memberSet.contains(o) { keys[o] = (keys[o] ?? 0) &+ h.heading.hashValue }
                    }
                }
            }
            // The Section 232 duty: the heading the lists assign for goods of a country no heading
            // singles out, against the heading for each origin that one does (the UK's lower
            // rates, Russia's 200%, the deals' floors).
            if let countries, let s232 = countries.section232 {
                let scope = countries.scope(of: code)
                if Section232.onAList(scope) {
                    let mfnPercent = m.adValoremRate?.value
                    let reference = Section232.decide(
                        scope: scope, headings: s232.headings, origin: nil, day: day, mfnPercent: mfnPercent, europeanUnion: s232.europeanUnion)
                    let referenceBurden = Section232.burden(of: reference, mfnPercent: mfnPercent)
                    for o in s232.singledOut where origins.contains(o) && !withdrawnSet.contains(o) {
                        let outcome = Section232.decide(
                            scope: scope, headings: s232.headings, origin: o, day: day, mfnPercent: mfnPercent, europeanUnion: s232.europeanUnion)
                        guard let h = Section232.heading(of: outcome), h != Section232.heading(of: reference),
                            let layer = s232.headings.byCode[h.formatted]
                        else { continue }
                        let direction: DifferenceDirection
                        if let a = Section232.burden(of: outcome, mfnPercent: mfnPercent), let b = referenceBurden, a.basis == b.basis {
                            if a.percent == b.percent { continue }
                            direction = a.percent < b.percent ? .advantage : .disadvantage
                        } else {
                            direction = .different
                        }
                        lineHasDifference = true
                        acc.add(
                            line: code, origin: o, measure: AuditMeasure(kind: .additionalDuty, name: h.formatted), rate: layer.rateText,
                            mfnText: base.text, direction: direction, verdict: Self.layerVerdict(layer, origin: o, day: day, justifier: justifier))
                        if memberSet.contains(o) { keys[o] = (keys[o] ?? 0) &+ h.hashValue }
                    }
                }
            }
            if lineHasDifference { acc.linesWithDifferences += 1 }
            // Pairs of Members paying different duties: all pairs less those within a group.
            var groups: [Int: Int] = [:]
            for (_, key) in keys { groups[key, default: 0] += 1 }
            var same = (n - keys.count) * (n - keys.count - 1) / 2
            for (_, g) in groups { same += g * (g - 1) / 2 }
            acc.pairsDifferent += allPairs - same
            acc.flush(descriptions: descriptions)
        }
        progress?(codes.count, codes.count)

        var checks: [ProgramCheck] = []
        var printedCount: [String: Int] = [:]
        for list in special.values { for r in list { printedCount[r.program!, default: 0] += 1 } }
        func check(_ measure: AuditMeasure, _ list: [(CountryCode, Verdict)], printed: Int) {
            let grouped = Dictionary(grouping: list) { GroupKey(status: $0.1.status, exception: $0.1.exception, instrument: $0.1.instrument, reasons: $0.1.status == .justified ? [] : $0.1.failures.map(\.reason)) }
            for (k, v) in grouped {
                checks.append(
                    ProgramCheck(
                        measure: measure, status: k.status, exception: k.exception, instrument: k.instrument, reasons: k.reasons,
                        origins: v.map(\.0).sorted(), linesPrinted: printed))
            }
        }
        for (code, list) in receivers where !list.isEmpty {
            check(AuditMeasure(kind: .program, name: code, agreement: programAgreement[code]?.id), list, printed: printedCount[code] ?? 0)
        }
        for (id, list) in stagedReceivers where !list.isEmpty {
            let printed = stagedOnLine.values.reduce(0) { $0 + ($1.contains { $0.agreement.id == id } ? 1 : 0) }
            check(AuditMeasure(kind: .staged, name: id, agreement: id), list, printed: printed)
        }
        checks.sort { ($1.status.rank, $0.measure.name) < ($0.status.rank, $1.measure.name) }

        let answers = whatIf.enumerated().map { i, w in
            Self.answer(w.0, w.1, w.2, lines: whatIfLines[i], importer: importer, day: day)
        }
        var unused = unusedReason.sorted { $0.key < $1.key }.map(\.value)
        let printed = Set(special.values.flatMap { $0.compactMap(\.program) })
        unused = unused.filter { u in printed.contains(where: { u.hasPrefix($0 + " (") }) }
        if input.staged.isEmpty, special.isEmpty {
            notes.append("\(input.info.title) publishes no preferential rates and no preferential schedule is loaded for \(importer): only MFN, column 2 and hypothetical grants can differ")
        }
        return AuditReport(
            importer: importer, day: day, schedule: input.info.title, legalSource: input.info.legalSource, importerIsMember: importerIsMember,
            origins: origins.count, members: members.count, linesScanned: codes.count, linesWithDifferences: acc.linesWithDifferences,
            pairsCompared: allPairs * codes.count, pairsTreatedDifferently: acc.pairsDifferent, differences: acc.counts,
            conditionalDifferences: acc.conditional, unconditionalDifferences: acc.unconditional, groups: acc.groupList(), programs: checks,
            findings: acc.findings, unjustifiedByChapter: acc.unjustifiedByChapter, undeterminedByChapter: acc.undeterminedByChapter,
            whatIf: answers, unused: unused, notes: notes)
    }

    /// How `rate` compares with the MFN rate `m`: `nil` when it is the same.
    static func direction(_ rate: DutyExpression, against m: DutyExpression) -> DifferenceDirection? {
        if rate.core == m.core { return nil }
        if let a = rate.adValoremRate?.value, let b = m.adValoremRate?.value {
            return a == b ? nil : (a < b ? .advantage : .disadvantage)
        }
        if rate.adValoremRate?.value == .zero { return .advantage }
        if m.adValoremRate?.value == .zero { return .disadvantage }
        return .different
    }

    /// The difference an origin's preferences make on a line: the best one, and, among
    /// those as good, the one with the most favourable verdict.
    static func decide(_ grants: [Grant], mfn m: DutyExpression) -> (Grant, DifferenceDirection)? {
        let differing = grants.compactMap { g in direction(g.rate, against: m).map { (g, $0) } }
        guard !differing.isEmpty else { return nil }
        let keys = differing.map { $0.0.rate.adValoremRate?.value }
        if keys.allSatisfy({ $0 != nil }) {
            let best = keys.map { $0! }.min()!
            let tied = differing.indices.filter { keys[$0]! == best }.map { differing[$0] }
            return tied.min { $0.0.verdict.status < $1.0.verdict.status }
        }
        // Not all rankable: the least favourable verdict among them decides (an unjustified
        // preference that may be the better one is not covered by the others).
        return differing.max { $0.0.verdict.status < $1.0.verdict.status }
    }

    static func answer(
        _ g: HypotheticalGrant, _ v: Verdict, _ covering: [(Agreement, Verdict)], lines: (lines: Int, differing: Int, direction: DifferenceDirection?),
        importer: CountryCode, day: Day
    ) -> WhatIfAnswer {
        let names = covering.map { "\($0.0.shortName) (\($0.1.exception?.shortName ?? ""))" }
        let list = names.count > 1 ? names.dropLast().joined(separator: ", ") + " and " + names.last! : names.joined()
        let what = "\(importer) granting goods of \(g.origin) \(g.rateText) on \(g.code.formatted) on \(day)"
        var text: String
        if lines.lines == 0 {
            text = "\(what): the schedule has no line under \(g.code.formatted) with an MFN rate. "
        } else if lines.differing == 0 {
            text = "\(what): the MFN rate is already \(g.rateText) on every line under it, so there is no difference to justify. "
        } else {
            text = ""
        }
        switch v.status {
        case .justified where v.exception == .notAMember:
            text += "\(what) owes nothing under Art. I:1: \(v.holds.joined(separator: "; "))."
        case .justified:
            text += "\(what) is covered by \(list), provided \(g.origin) and \(importer) are parties on that day (they are) and the goods originate under the agreement's rules of origin."
        case .undetermined:
            text += "\(what) cannot be shown to be covered: \(v.summary)."
        case .unjustified:
            text += "\(what) would breach GATT 1994 Art. I:1 (\(g.origin) is a WTO Member owed MFN treatment): \(v.summary)."
        }
        return WhatIfAnswer(
            grant: g, verdict: v, coveredBy: covering.map(\.0.id), lines: lines.lines, linesDiffering: lines.differing, direction: lines.direction,
            answer: text)
    }
}

/// Collects differences: counts, groups and line-by-line findings.
struct Accumulator {
    struct GroupKey: Hashable {
        var measure: AuditMeasure
        var status: Verdict.Status
        var exception: MFNException?
        var reasons: [String]
        var direction: DifferenceDirection
        var instrument: String
        var conditional: Bool
        var tried: [MFNException]
    }
    struct GroupValue {
        var origins: Set<CountryCode>
        var lines: Set<TariffCode>
        var differences: Int
    }
    struct FindingKey: Hashable {
        var measure: AuditMeasure
        var rate: String
        var direction: DifferenceDirection
        var verdict: Verdict
    }

    var counts: [Verdict.Status: Int] = [:]
    var conditional = 0
    var unconditional = 0
    var linesWithDifferences = 0
    var pairsDifferent = 0
    var groups: [GroupKey: GroupValue] = [:]
    var findings: [AuditFinding] = []
    var unjustifiedByChapter: [String: Int] = [:]
    var undeterminedByChapter: [String: Int] = [:]
    var pending: [FindingKey: [CountryCode]] = [:]
    var pendingLine: TariffCode?
    var pendingMFN = ""

    mutating func add(
        line: TariffCode, origin: CountryCode, measure: AuditMeasure, rate: String, mfnText: String, direction: DifferenceDirection,
        verdict: Verdict
    ) {
        counts[verdict.status, default: 0] += 1
        if verdict.conditional { conditional += 1 } else { unconditional += 1 }
        let reasons = verdict.status == .justified ? [] : verdict.failures.map(\.reason)
        let key = GroupKey(
            measure: measure, status: verdict.status, exception: verdict.exception, reasons: reasons, direction: direction,
            instrument: verdict.instrument, conditional: verdict.conditional, tried: verdict.failures.compactMap(\.exception))
        var g = groups[key] ?? GroupValue(origins: [], lines: [], differences: 0)
        g.origins.insert(origin)
        g.lines.insert(line)
        g.differences += 1
        groups[key] = g
        guard verdict.status != .justified else { return }
        let chapter = line.chapter.digits
        if verdict.status == .unjustified { unjustifiedByChapter[chapter, default: 0] += 1 } else { undeterminedByChapter[chapter, default: 0] += 1 }
        pendingLine = line
        pendingMFN = mfnText
        pending[FindingKey(measure: measure, rate: rate, direction: direction, verdict: verdict), default: []].append(origin)
    }

    /// Turns the current line's pending differences into findings, one per measure and verdict.
    mutating func flush(descriptions: [TariffCode: String]) {
        guard let line = pendingLine else { return }
        for (k, origins) in pending.sorted(by: { ($0.key.measure.name, $0.key.verdict.status.rank) < ($1.key.measure.name, $1.key.verdict.status.rank) }) {
            findings.append(
                AuditFinding(
                    line: line, description: descriptions[line] ?? "", measure: k.measure, origins: origins.sorted(), rateText: k.rate,
                    mfnRateText: pendingMFN, direction: k.direction, verdict: k.verdict))
        }
        pending.removeAll(keepingCapacity: true)
        pendingLine = nil
    }

    func groupList() -> [AuditGroup] {
        groups.map { k, v in
            AuditGroup(
                measure: k.measure, status: k.status, exception: k.exception, instrument: k.instrument, conditional: k.conditional,
                direction: k.direction, reasons: k.reasons, exceptionsTried: k.tried, origins: v.origins.sorted(), lines: v.lines.count, differences: v.differences)
        }.sorted { ($0.status.rank, $0.differences, $1.measure.name) > ($1.status.rank, $1.differences, $0.measure.name) }
    }
}

extension MFNAudit {
    /// The verdict on a chapter 99 duty that charges goods of `origin` (and not others'): the
    /// WTO position curated for its authority (``ChapterNinetyNine/wtoPosition(of:on:)``), or
    /// "not curated".
    static func layerVerdict(_ layer: AdditionalDuty, origin o: CountryCode, day: Day, justifier: Justifier) -> Verdict {
        guard justifier.owesMFN(to: o) else { return justifier.nonMember(o, instrument: layer.legalBasis, conditional: false) }
        guard let p = ChapterNinetyNine.wtoPosition(of: layer.heading, on: day) else {
            return Verdict(
                status: .undetermined, exception: nil, instrument: layer.legalBasis, holds: [],
                failures: [
                    .init(exception: nil, article: "—", reason: "the WTO justification of heading \(layer.heading.formatted) (\(layer.rateText)) is not curated in the registry")
                ], conditional: false)
        }
        return Verdict(
            status: p.status, exception: nil, instrument: layer.legalBasis, holds: [],
            failures: [.init(exception: p.invoked, article: p.article, reason: p.reason)], conditional: false)
    }
}

/// The country headings of one audit, prepared once: those that charge goods of named
/// countries and are in force on the day, the headings their exceptions name, and the scope
/// lists indexed by the HTS digits they name.
struct CountryHeadingAudit {
    struct Key: Hashable {
        var heading: TariffCode
        var origin: CountryCode
        var usmca: Bool
        var mfnPercent: ExactDecimal?
        var scope: Chapter99Scope
    }

    let headings: [AdditionalDuty]
    let charging: [AdditionalDuty]
    let excepting: [TariffCode: [AdditionalDuty]]
    let byPrefix: [String: [Chapter99ScopeRow]]
    /// Every prefix the lists name, sorted, to find those below a line.
    let prefixes: [String]
    /// The digits of every line of the schedule, sorted, to find a line's children.
    let lineDigits: [String]
    /// The Section 232 headings prepared, and the origins they single out; nil without the lists.
    let section232: (headings: Section232.Headings, singledOut: [CountryCode], europeanUnion: [CountryCode])?

    init(input: AuditInput, day: Day, europeanUnion: [CountryCode] = []) {
        headings = input.chapter99Headings
        charging = input.countryHeadings.filter { h in
            ChapterNinetyNineScope.decidesByCountry(h.heading) && !h.anyCountry && !h.origins.isEmpty && h.effect != .noChange
                && h.column == "general" && (h.effectiveFrom.map { day >= $0 } ?? true) && (h.effectiveThrough.map { day <= $0 } ?? true)
                && ChapterNinetyNine.lapse(of: h.heading, on: day) == nil
        }
        excepting = ChapterNinetyNineScope.exceptingMap(headings)
        byPrefix = Dictionary(grouping: input.scopeRows, by: \.prefix)
        prefixes = byPrefix.keys.sorted()
        lineDigits = Set(input.lines.map(\.code.digits)).sorted()
        if input.scopeRows.contains(where: { $0.list.hasPrefix("section-232") }) {
            let prepared = Section232.Headings(input.chapter99Headings, prepared: true)
            section232 = (prepared, prepared.singledOut(europeanUnion: europeanUnion).sorted { $0.rawValue < $1.rawValue }, europeanUnion)
        } else {
            section232 = nil
        }
    }

    /// The scope entries touching `code`, with the lines below it.
    func scope(of code: TariffCode) -> Chapter99Scope {
        let digits = code.digits
        var covering: [Chapter99ScopeRow] = []
        for n in stride(from: min(10, digits.count), through: 4, by: -1) { covering += byPrefix[String(digits.prefix(n))] ?? [] }
        var partial: [Chapter99ScopeRow] = []
        var i = Self.lowerBound(prefixes, digits)
        while i < prefixes.count, prefixes[i].hasPrefix(digits) {
            if prefixes[i].count > digits.count { partial += byPrefix[prefixes[i]] ?? [] }
            i += 1
        }
        var children: [String] = []
        if !partial.isEmpty {
            var j = Self.lowerBound(lineDigits, digits)
            while j < lineDigits.count, lineDigits[j].hasPrefix(digits) {
                if lineDigits[j].count > digits.count { children.append(lineDigits[j]) }
                j += 1
            }
        }
        return Chapter99Scope(covering: covering, partial: partial, children: children)
    }

    static func lowerBound(_ sorted: [String], _ key: String) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid] < key { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
