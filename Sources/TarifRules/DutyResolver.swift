public import TarifCore
public import TarifRegistry

/// Resolves a consignment against a line: GATT Art. I:1 and its exceptions applied.
///
/// The candidates are the MFN rate (owed to WTO Members, extended by the importer's own
/// law to others), each preference the origin is a party to or a beneficiary of (from
/// the schedule's program codes, from loaded staged schedules, and every agreement in
/// force between the two even where the line has no preferential rate), and the non-MFN
/// rate where the importer has withdrawn MFN treatment. The applied treatment is the
/// lowest duty among those the importer must grant (HTSUS General Note 3(a)(iii): "the
/// lowest rate of duty provided for any applicable program"), assuming origin is proved.
public struct DutyResolver: Sendable {
    public let registry: Registry
    /// The agreements an origin takes part in on a day; a long-running service passes a
    /// memo (the answer is the same for every line), a one-off resolution asks the registry.
    public let originAgreements: @Sendable (CountryCode, Day) -> Set<String>

    /// The wording of each agreement's preferences, written once (a long-running service
    /// passes it); nil: written for each resolution.
    public let wording: PreferenceWording?

    public init(
        registry: Registry, wording: PreferenceWording? = nil, originAgreements: (@Sendable (CountryCode, Day) -> Set<String>)? = nil
    ) {
        self.registry = registry
        // A wording is found by agreement index: one written for another registry is not used.
        self.wording = wording.flatMap { $0.byAgreement.map(\.id) == registry.agreements.map(\.id) ? $0 : nil }
        self.originAgreements = originAgreements ?? { [registry] origin, day in Self.agreements(of: origin, on: day, in: registry) }
    }

    /// The wording of agreement `a` (an index into the registry's agreements).
    func words(_ a: Int) -> PreferenceWording.Words {
        wording?.byAgreement[a] ?? PreferenceWording.words(registry.agreements[a])
    }

    /// The agreements `origin` takes part in on `day`, as the resolver uses them.
    public static func agreements(of origin: CountryCode, on day: Day, in registry: Registry) -> Set<String> {
        Set(registry.participations(origin, on: day).map(\.agreement))
    }

    /// - Throws: ``TarifError`` `.notFound` when the line has no MFN rate and no other treatment applies.
    public func resolve(_ t: LineTariff, origin: CountryCode?, day: Day, context: DutyContext) throws -> DutyResolution {
        let info = t.schedule.info
        let importer = info.importer
        var treatments: [Treatment] = []
        var notes: [String] = []
        let withdrawal = origin.flatMap { registry.mfnWithdrawal(importer: importer, origin: $0, on: day) }
        let originAgreements = origin.map { self.originAgreements($0, day) } ?? []

        // MFN.
        var originStatus = "origin not stated: MFN assumed; state the origin (--from) to see preferences"
        if let origin {
            let member = registry.wtoMember(.country(origin), on: day)
            originStatus = withdrawal.map { "\(importer) has withdrawn MFN treatment from goods of \(origin) since \($0.from)" }
                ?? (member ? "\(origin) is a WTO Member on \(day): MFN treatment is owed (GATT 1994 Art. I:1)"
                    : "\(origin) is not a WTO Member on \(day): \(importer) extends its MFN rates to it under its own law")
        }
        // Treatments are appended, then completed in place (a treatment is a large value to copy).
        // Rates are read in place by index (a rate is a value of several fields to copy).
        if let mfn = t.rates.firstIndex(where: { $0.kind == .mfn }) {
            treatments.append(
                Treatment(
                    kind: .mfn, legalBasis: mfnBasis(info: info, origin: origin, day: day),
                    rateSource: t.rates[mfn].program.map { "\(Self.mfnColumn(importer)) (\($0) rate)" } ?? Self.mfnColumn(importer),
                    rateText: t.rates[mfn].text, rate: t.rates[mfn].expression, publishedOn: t.publishedOn))
            if let w = withdrawal, let origin {
                treatments[treatments.count - 1].excludedBecause =
                    "\(importer) withdrew MFN treatment from goods of \(origin) from \(w.from): \(w.instrument)"
            }
        }
        if let w = withdrawal, let origin {
            if let col2 = t.rates.firstIndex(where: { $0.kind == .nonMFN }) {
                treatments.append(
                    Treatment(
                        kind: .nonMFN, legalBasis: LegalBasis(article: w.justification, instrument: "\(w.instrument); \(info.legalSource)"),
                        rateSource: "column 2", rateText: t.rates[col2].text, rate: t.rates[col2].expression, publishedOn: t.publishedOn))
            } else {
                notes.append("\(importer) denies MFN treatment to \(origin) but publishes no column 2 rate on this line")
            }
        }

        // Preferences the schedule publishes by program code.
        var notOpen: [String] = []
        var incomplete: [String] = []
        var covered: Set<String> = []
        if let origin {
            // A column's rate for some parties on this line sets aside its rate for the others (Japan's CPTPP column).
            var setAside: [String: String] = [:]
            for r in t.rates where r.kind == .preferential {
                guard let code = r.program, let (pi, _) = registry.programAndAgreement(importer: importer, code: code),
                    let parent = registry.programs[pi].partyRatesOf, registry.programs[pi].only?.contains(origin) == true
                else { continue }
                setAside[parent] = code
            }
            for k in t.rates.indices where t.rates[k].kind == .preferential {
                guard let code = t.rates[k].program else { continue }
                // The program and its agreement are read in place in the registry (they are large values).
                guard let (pi, ai) = registry.programAndAgreement(importer: importer, code: code) else {
                    notes.append("program code \(code) on this line is not in the registry; it is not considered")
                    continue
                }
                let id = registry.agreements[ai].id
                func appendPreference() {
                    let w = words(ai)
                    treatments.append(
                        Treatment(
                            kind: .preferential, program: code, agreement: id,
                            legalBasis: preferenceBasis(ai, w, provision: registry.programs[pi].provision, info: info),
                            rateSource: "\(Self.specialColumn(importer)) (\(code))", rateText: t.rates[k].text, rate: t.rates[k].expression,
                            publishedOn: t.publishedOn, conditions: w.conditions))
                    covered.insert(id)
                }
                if let party = setAside[code] {
                    if registry.isEligible(origin: origin, importer: importer, programAt: pi, on: day) || originAgreements.contains(id) {
                        appendPreference()
                        treatments[treatments.count - 1].excludedBecause =
                            "the schedule sets a rate of its own for goods of \(origin) on this line (\(party)); \(code)'s rate here is the other parties'"
                    }
                } else if registry.isEligible(origin: origin, importer: importer, programAt: pi, on: day) {
                    appendPreference()
                    if code.hasSuffix("*") {
                        if let x = registry.lineExclusion(importer: importer, program: code, code: t.line.code, origin: origin, on: day) {
                            treatments[treatments.count - 1].excludedBecause = "\(origin) is excluded from \(code) on \(x.code) (\(x.source.title))"
                        } else if !registry.hasLineExclusions(importer: importer, program: code) {
                            treatments[treatments.count - 1].notes.append(
                                "\(code): some beneficiaries are excluded on this line; the list (\(registry.programs[pi].provision)) is not loaded, so \(origin) is assumed not to be one")
                        }
                    }
                } else if registry.programs[pi].beneficiaries == .allOrigins
                    || (originAgreements.contains(id) && registry.programs[pi].partyRatesOf == nil)
                {
                    let e = try registry.eligibility(origin: origin, importer: importer, program: code, on: day)
                    appendPreference()
                    treatments[treatments.count - 1].excludedBecause = e.failures.joined(separator: "; ")
                } else {
                    notOpen.append(code)
                    if let missing = registry.agreements[ai].partiesIncomplete, registry.agreements[ai].knownNonParties?.contains(origin) != true,
                        !incomplete.contains(where: { $0.hasPrefix(registry.agreements[ai].shortName) })
                    {
                        incomplete.append(
                            "\(registry.agreements[ai].shortName): \(origin) is not among the beneficiaries Tarif records, which are only part of the list (\(missing)); it may be one")
                    }
                }
            }
        }
        if !notOpen.isEmpty, let origin {
            notes.append("Preferences on this line not open to goods of \(origin): \(notOpen.joined(separator: ", ")).")
        }
        notes += incomplete

        // Staged preferential schedules.
        if let origin {
            for s in t.staged where s.schedule.partner == nil || s.schedule.partner == origin {
                guard let ai = try? registry.agreementIndex(named: s.schedule.agreement) else {
                    notes.append("staged schedule '\(s.schedule.title)' names agreement \(s.schedule.agreement), which is not in the registry")
                    continue
                }
                let id = registry.agreements[ai].id
                let refusal = registry.preferenceRefusal(importer: importer, origin: origin, agreement: id, on: day)
                if refusal != nil && !originAgreements.contains(id) { continue }
                let stageNote = "\(s.schedule.title): \(s.rate.text) from \(s.rate.validFrom)\(s.validUntil.map { " until \($0.adding(days: -1))" } ?? "")"
                if let i = treatments.firstIndex(where: { $0.agreement == id && $0.rate != nil }) {
                    treatments[i].notes.append("staged commitment: \(stageNote)")
                    continue
                }
                var p = Treatment(
                    kind: .preferential, agreement: id,
                    legalBasis: LegalBasis(
                        article: registry.agreements[ai].basis.first { $0 != .gatsV }?.article ?? NotificationBasis.notNotified.article,
                        instrument: "\(registry.agreements[ai].name); \(s.schedule.legalSource)"),
                    rateSource: s.schedule.title, rateText: s.rate.text, rate: s.rate.expression, publishedOn: s.rate.code,
                    conditions: words(ai).conditions)
                if let s0 = s.rate.staging { p.notes.append("staging category \(s0)\(s.rate.baseRate.map { ", base rate \($0)" } ?? "")") }
                if let refusal {
                    p.excludedBecause = refusal
                } else if day < s.rate.validFrom {
                    p.excludedBecause = "the schedule's first stage starts on \(s.rate.validFrom)"
                }
                covered.insert(id)
                treatments.append(p)
            }
        }

        // Agreements in force between the two with no rate on this line.
        if let origin {
            for (ai, direction) in registry.sharedAgreements(importer, origin, on: day) where direction != .secondGrantsFirst {
                let id = registry.agreements[ai].id
                // Sector concessions bound for all Members (pharmaceuticals, dyes, civil aircraft) are MFN, not preferences;
                // an agreement on services alone (ATISA) gives no tariff on goods.
                guard !covered.contains(id), !registry.agreements[ai].basis.contains(.mfnConcession),
                    registry.agreements[ai].coverage.contains(.goods)
                else { continue }
                // Program codes the importer uses on the day (a code of one publication's years only does not count).
                let programs = registry.programs(of: importer, forAgreement: id).filter { $0.applied?.contains(day) ?? true }
                let w = words(ai)
                let codes = programs.map(\.code)
                let shortName = registry.agreements[ai].shortName
                var why = codes.isEmpty
                    ? "\(shortName) is in force between \(importer) and \(origin) on \(day), but no \(shortName) rate for this line is loaded: \(info.title) publishes no preferential column for it"
                    : "\(shortName) is in force between \(importer) and \(origin) on \(day), but the schedule gives no rate under \(codes.joined(separator: ", ")) on this line"
                if codes.isEmpty {
                    if let instrument = registry.scheduleInstruments(of: importer, agreement: id, origin: origin, on: day).first {
                        why += ". \(importer) enacts \(shortName)'s schedule for goods of \(origin) by \(instrument.instrument) (in force \(instrument.inForce), \(instrument.nomenclature)): the rate for this line is there"
                    }
                    why += " (load the schedule with `tarif data import --reader tarif-staging-csv`)"
                }
                treatments.append(
                    Treatment(
                        kind: .preferential, program: codes.count == 1 ? codes[0] : nil, agreement: id,
                        legalBasis: preferenceBasis(ai, w, provision: programs.first?.provision, info: info),
                        rateText: nil, rate: nil, publishedOn: nil, conditions: w.conditions, excludedBecause: why))
            }
        }

        // Duties, AVEs and margins.
        for i in treatments.indices {
            guard let rate = treatments[i].rate else { continue }
            switch try rate.evaluate(in: context) {
            case .amount(let duty, let n):
                treatments[i].duty = duty
                treatments[i].notes += n
                if let value = context.customsValue {
                    treatments[i].adValoremEquivalent = DutyExpression.adValoremEquivalent(duty: duty, customsValue: value)
                }
            case .needs(let missing):
                treatments[i].missing = missing
            }
            if t.publishedOn != t.line.code, treatments[i].publishedOn == t.publishedOn {
                treatments[i].notes.append("the rate is published on \(t.publishedOn), the line above \(t.line.code)")
            }
        }
        let floor = withdrawal != nil ? treatments.firstIndex { $0.kind == .nonMFN } : treatments.firstIndex { $0.kind == .mfn }
        if let f = floor {
            for i in treatments.indices where treatments[i].kind == .preferential {
                if let d = treatments[i].duty, let m = treatments[f].duty { treatments[i].marginOfPreference = Money(try m.amount - d.amount, m.currency) }
                if let a = treatments[i].adValoremEquivalent, let b = treatments[f].adValoremEquivalent {
                    treatments[i].marginPoints = try b - a
                } else if let a = treatments[i].rate?.adValoremRate, let b = treatments[f].rate?.adValoremRate {
                    treatments[i].marginPoints = try b.value - a.value
                }
            }
        }

        // The applied treatment.
        guard let floor else {
            throw TarifError(.notFound, "\(importer) \(t.line.code) has no \(withdrawal == nil ? "MFN" : "column 2") rate in \(info.title)")
        }
        let open = treatments.indices.filter { treatments[$0].kind == .preferential && treatments[$0].isAvailable && treatments[$0].rate != nil }
        let choice = Ranking.choose(
            floor: floor, candidates: open, duty: { treatments[$0].duty?.amount },
            percent: { treatments[$0].rate?.adValoremRate?.value })
        if !choice.ranked {
            notes.append("The preferences cannot be ranked against \(treatments[floor].label) without \(Set(open.flatMap { treatments[$0].missing } + treatments[floor].missing).map(\.description).sorted().joined(separator: ", ")); \(treatments[floor].label) is shown as applying.")
        } else if choice.applied == [floor], !open.isEmpty {
            notes.append("No preference is below the \(treatments[floor].label) rate on this line; claiming one would save nothing.")
        }

        // Additional layers: the headings the line's footnotes name, then those naming the origin
        // (or any country), decided by their exceptions and the scope lists.
        let appliedKind = treatments[choice.applied[0]].kind
        var layers = t.layers.map { layer -> AdditionalDuty in
            var d = layer.deciding(origin: origin, day: day, treatment: appliedKind, context: context)
            if let lapse = ChapterNinetyNine.lapse(of: d.heading, on: day) {
                d.applies = false
                d.reason = lapse
                d.duty = nil
            }
            return d
        }
        let referenced = Set(layers.map(\.heading))
        var assumed: [String] = []
        var unread: [AdditionalDuty] = []
        var section232Undecided = false
        // A metal content stated for the Section 232 duty leaves the rest of the value as the
        // non-metal content the other duties charge (unless that is stated too).
        var context = context
        if context.componentValues[ChapterNinetyNineScope.nonMetalComponent] == nil, let value = context.customsValue {
            let metals = ["steel", "aluminum", "copper"].compactMap { m in context.componentValues[Section232.contentComponent(m)].map { (m, $0) } }
            if !metals.isEmpty {
                var metal = ExactDecimal.zero
                for (m, v) in metals {
                    guard v.amount >= .zero else {
                        throw TarifError(.badNumber, "the \(Section232.contentComponent(m)) stated (\(v.amount.normalized)) is negative; a metal content is zero or more")
                    }
                    metal = try metal + v.amount
                }
                guard metal <= value.amount else {
                    throw TarifError(
                        .badNumber,
                        "the metal content stated (\(metals.map { "\(Section232.contentComponent($0.0))=\($0.1.amount.normalized)" }.joined(separator: ", "))) is more than the customs value (\(value.amount.normalized))")
                }
                context.componentValues[ChapterNinetyNineScope.nonMetalComponent] = Money(try value.amount - metal, value.currency)
            }
        }
        if let origin {
            var decider = ChapterNinetyNineScope(
                headings: t.chapter99Headings, scope: t.chapter99Scope, origin: origin, day: day, appliedKind: appliedKind,
                usmca: treatments.contains { $0.agreement == "USMCA" && $0.isAvailable && $0.rate != nil })
            decider.mfnPercent = treatments.first { $0.kind == .mfn }?.rate?.adValoremRate?.value
            // The Section 232 duty, from the lists: it decides the Section 232 headings that name
            // countries too (the UK's, Russia's), unless Tarif cannot compute it for this line.
            let section232 = t.chapter99Headings.isEmpty || !Section232.onAList(t.chapter99Scope)
                ? Section232.Outcome.none
                : Section232.decide(
                    scope: t.chapter99Scope, headings: t.chapter99Headings, origin: origin, day: day, mfnPercent: decider.mfnPercent,
                    europeanUnion: registry.members(of: "EU", on: day))
            let section232Decides: Bool
            switch section232 {
            case .undecided, .notComputed: section232Decides = false
            default: section232Decides = true
            }
            for h in t.countryHeadings where !referenced.contains(h.heading) && (h.anyCountry || h.origins.contains(origin)) {
                if section232Decides, ChapterNinetyNine.authority(of: h.heading)?.name == "Section 232" { continue }
                var d = h.deciding(origin: origin, day: day, treatment: appliedKind, context: context)
                guard ChapterNinetyNineScope.decidesByCountry(h.heading) else {
                    // Section 232 and other headings that name countries cover products their
                    // U.S. notes list, which Tarif does not read: shown, not added.
                    guard !h.anyCountry, d.applies == true else { continue }
                    d.applies = nil
                    d.duty = nil
                    d.reason = "names goods of \(origin.rawValue) and is in force; whether it covers this line is its U.S. note's product list, which Tarif does not read for this heading: not added"
                    unread.append(d)
                    continue
                }
                // Dates and column first (the heading's own words), then its scope.
                if d.applies == false && !h.anyCountry { continue }
                if h.anyCountry, let from = h.effectiveFrom, day < from { continue }
                let outcome = decider.decide(h)
                d.applies = outcome.applies
                d.reason = outcome.reason
                d.duty = nil
                if outcome.applies == true, var rate = h.rate {
                    if outcome.onNonMetalContent, let percent = rate.adValoremRate {
                        rate = .adValorem(percent, basis: .component(ChapterNinetyNineScope.nonMetalComponent))
                        d.rate = rate
                    }
                    switch try? rate.evaluate(in: context) {
                    case .amount(let m, _)?: d.duty = m
                    case .needs(let missing)?:
                        d.reason += "; the amount needs " + missing.map(\.description).joined(separator: ", ")
                    default: break
                    }
                }
                if d.applies != false { assumed.append(contentsOf: outcome.assumptions.filter { !assumed.contains($0) }) }
                layers.append(d)
            }
            switch section232 {
            case .none: break
            case .charged(var d, let assumptions):
                guard !referenced.contains(d.heading) else { break }
                switch try d.rate?.evaluate(in: context) {
                case .amount(let m, _)?: d.duty = m
                case .needs(let missing)?:
                    d.reason += "; the amount needs " + missing.map(\.description).joined(separator: ", ")
                    if case .adValorem(_, .component(let name))? = d.rate { d.reason += " (--component \(name)=VALUE)" }
                default: break
                }
                assumed.append(contentsOf: assumptions.filter { !assumed.contains($0) })
                // A rate in place of the applied one (annex III's 15% in all) comes first;
                // the other layers add to it.
                if d.effect == .inLieu { layers.insert(d, at: 0) } else { layers.append(d) }
            case .undecided(let why):
                section232Undecided = true
                notes.append("Section 232: \(why).")
            case .notComputed(let why):
                section232Undecided = true
                notes.append("Section 232 applies to this line but Tarif does not compute it: \(why).")
            case .exempt(let why, _):
                notes.append("No Section 232 duty: \(why).")
            }
        }
        if !unread.isEmpty {
            notes.append(
                "Chapter 99 headings in force that name goods of \(origin!.rawValue), not applied here: "
                    + unread.map { "\($0.heading.formatted) \($0.rate.map { ($0.adValoremRate != nil ? "+" : "") + $0.summary } ?? $0.rateText)" }.joined(separator: ", ")
                    + ". Check the heading's U.S. note for this product.")
            layers.append(contentsOf: unread)
        }
        if !assumed.isEmpty {
            notes.append("Chapter 99 headings applied on these assumptions (each would change the answer): " + assumed.joined(separator: "; ") + ".")
        }
        if layers.contains(where: { $0.applies == nil && $0.effect != .noChange }) || section232Undecided {
            notes.append("Some chapter 99 headings cannot be decided from the data (see each heading's reason): the total with additional duties is not given.")
        }
        // The footnotes' headings count where they apply; a country heading left undecided leaves
        // the total unknown.
        var total = treatments[choice.applied[0]].duty
        for l in layers where l.effect != .noChange {
            if l.applies == true {
                switch l.effect {
                case .noChange: break
                case .addOn:
                    if let d = l.duty, let t = total { total = Money(try t.amount + d.amount, t.currency) } else { total = nil }
                case .inLieu: total = l.duty
                }
            } else if l.applies == nil, !referenced.contains(l.heading), ChapterNinetyNineScope.decidesByCountry(l.heading) {
                total = nil
            }
        }
        if section232Undecided { total = nil }

        // The tariff-rate quotas of the agreements open to the goods (of their partner).
        var quotas: [TariffQuota] = []
        if let origin, !t.quotas.isEmpty {
            let alpha2 = registry.countries[origin]?.alpha2
            quotas = t.quotas.filter { q in
                (q.partnerAlpha2 == nil || q.partnerAlpha2 == alpha2) && !(alpha2.map(q.exceptAlpha2.contains) ?? false)
                    // Open, or in force with no preferential rate of the line loaded (the quota is the agreement's still).
                    && treatments.contains { $0.agreement == q.agreement && ($0.isAvailable || $0.rate == nil) }
            }
            for q in quotas.prefix(20) {
                let on = q.code == t.line.code || q.code.contains(t.line.code) ? "" : " on \(q.code.formatted)"
                let rate = q.inQuota(on: day)
                var staged = ""
                if let year = rate.year, let stages = q.stages {
                    staged = year == stages.last?.year && day.year > year
                        ? " (the \(year) stage, the last published: it continues)" : " (the in-quota rate staged for \(year))"
                } else if let first = q.stages?.first {
                    staged = " (staged from \(first.year): \(first.text))"
                }
                notes.append(
                    "Tariff-rate quota \(q.orderNumber) (\(q.agreement))\(on): \(rate.text)\(staged) within \(q.volumeText)\(q.ratePeriod.map { ", \($0)" } ?? ""); "
                        + "the rate above applies beyond it. Claim it with the order number; whether volume is left is the customs' count (\(q.source)).")
            }
            if quotas.count > 20 { notes.append("\(quotas.count - 20) more tariff-rate quotas cover lines under this one (see the JSON quotas).") }
        }
        var resolution = DutyResolution(
            importer: importer, origin: origin, code: t.line.code, line: t.line, day: day, schedule: info,
            scheduleValidity: t.schedule.validity, customsValue: context.customsValue, quantities: context.quantities,
            treatments: treatments, applied: choice.applied, fallback: choice.applied == [floor] ? nil : floor,
            additionalDuties: layers, dutyWithAdditional: total, originStatus: originStatus, notes: notes,
            explanation: .init(english: "", indonesian: ""))
        resolution.quotas = quotas
        resolution.explanation = Explainer.explain(resolution)
        return resolution
    }

    func mfnBasis(info: ScheduleInfo, origin: CountryCode?, day: Day) -> LegalBasis {
        guard let origin, !registry.wtoMember(.country(origin), on: day) || !registry.wtoMember(.country(info.importer), on: day) else {
            return .mfn(schedule: info)
        }
        let national = info.importer.rawValue == "USA"
            ? "HTSUS General Note 3(a)(i): column 1 rates apply to products of every country not named in General Note 3(b)" : info.legalSource
        return LegalBasis(
            article: "\(info.importer)'s MFN rate, extended to a non-Member under national law (GATT 1994 Art. I:1 binds only toward WTO Members)",
            instrument: national == info.legalSource ? national : "\(national); \(info.legalSource)")
    }

    func preferenceBasis(_ a: Int, _ words: PreferenceWording.Words, provision: String?, info: ScheduleInfo) -> LegalBasis {
        var instrument = registry.agreements[a].name
        if let provision { instrument += "; " + provision }
        instrument += "; " + info.legalSource
        return LegalBasis(article: words.article, instrument: instrument)
    }

    static func mfnColumn(_ importer: CountryCode) -> String {
        switch importer.rawValue {
        case "USA": return "column 1 General"
        case "IDN": return "Bea Masuk (MFN)"
        case "JPN": return "MFN: the WTO rate where lower, else the temporary or general rate"
        default: return "MFN"
        }
    }

    static func specialColumn(_ importer: CountryCode) -> String {
        importer.rawValue == "USA" ? "column 1 Special" : "preferential rate"
    }
}

/// The words of a preference that depend on its agreement alone: the articles that justify
/// it and the conditions for claiming it.
public struct PreferenceWording: Sendable {
    public struct Words: Sendable {
        /// The agreement's id.
        public var id: String
        /// The agreement's legal bases other than GATS Art. V, joined ("not notified" when none).
        public var article: String
        public var conditions: [String]
    }

    /// By agreement, in the registry's order.
    let byAgreement: [Words]

    /// The words of every agreement of `registry` (the resolver's registry: they are found by index).
    public init(_ registry: Registry) {
        byAgreement = registry.agreements.map(Self.words)
    }

    static func words(_ ag: Agreement) -> Words {
        var article = ""
        for b in ag.basis where b != .gatsV { article += article.isEmpty ? b.article : "; " + b.article }
        let proofs = ag.proofOfOrigin ?? []
        return Words(
            id: ag.id,
            article: article.isEmpty ? NotificationBasis.notNotified.article : article,
            conditions: proofs.isEmpty
                ? ["the goods must originate under \(ag.shortName)'s rules of origin; a claim for preferential treatment at entry"]
                : ["the goods must originate under \(ag.shortName)'s rules of origin", "proof of origin: " + proofs.joined(separator: " or ")])
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

/// The choice of the applied treatment, shared by the full and the fast resolvers so
/// that both pick the same one.
public enum Ranking {
    /// Picks the lowest duty among `candidates` and the `floor` treatment (MFN or column 2).
    ///
    /// Duties are compared when all are known, else ad valorem rates when all are ad
    /// valorem; otherwise the ranking cannot be made and the floor is returned. The floor
    /// wins ties (a preference equal to it saves nothing); preferences tied below it are all returned.
    @inlinable
    public static func choose(
        floor: Int, candidates: [Int], duty: (Int) -> ExactDecimal?, percent: (Int) -> ExactDecimal?
    ) -> (applied: [Int], ranked: Bool) {
        if candidates.isEmpty { return ([floor], true) }
        // Duties are never negative: a free preference is lowest whatever the others need.
        let zero = ExactDecimal.zero
        if duty(floor) != zero && percent(floor) != zero {
            let free = candidates.filter { duty($0) == zero || (duty($0) == nil && percent($0) == zero) }
            if !free.isEmpty { return (free, true) }
        }
        let byDuty = duty(floor) != nil && candidates.allSatisfy { duty($0) != nil }
        if !byDuty {
            guard percent(floor) != nil, candidates.allSatisfy({ percent($0) != nil }) else { return ([floor], false) }
        }
        func key(_ i: Int) -> ExactDecimal? { byDuty ? duty(i) : percent(i) }
        let f = key(floor)!
        var best = f
        var winners: [Int] = []
        for c in candidates {
            let k = key(c)!
            if k < best {
                best = k
                winners = [c]
            } else if k == best, k < f {
                winners.append(c)
            }
        }
        return (winners.isEmpty ? [floor] : winners, true)
    }
}
