public import TarifCore
public import TarifRegistry
public import TarifRules

extension Tarif {
    /// What the MFN audit reads for `importer` on `day`: the schedule version in force,
    /// its lines and rates, the staged preferential rates loaded for it, and the chapter
    /// 99 headings its footnotes name, parsed once each.
    public func auditInput(importer: CountryCode, on day: Day, registry: Registry) throws -> AuditInput {
        let s = try schedule(for: importer, on: day)
        let (lines, rates, notes) = try store.allLines(in: s)
        let lineByCode = Dictionary(lines.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        var ratesByCode: [TariffCode: [LineRate]] = [:]
        var rateLines: Set<TariffCode> = []
        for r in rates {
            ratesByCode[r.code, default: []].append(r)
            if r.kind == .mfn { rateLines.insert(r.code) }
        }
        let lookup = CountryLookup(Array(registry.countries.values))
        var parsed: [TariffCode: AdditionalDuty?] = [:]
        var layers: [TariffCode: [AdditionalDuty]] = [:]
        let notesByCode = Dictionary(grouping: notes, by: \.code)
        for (code, list) in notesByCode {
            let headings = Self.chapter99References(in: list)
            guard !headings.isEmpty else { continue }
            guard let target = code.selfOrAncestor(where: rateLines.contains) else { continue }
            for h in headings {
                if parsed[h] == nil {
                    parsed[h] = lineByCode[h].flatMap { line in
                        AdditionalDuty.parse(
                            line: line, rates: ratesByCode[h] ?? [], legalSource: s.info.legalSource, country: { lookup.find($0)?.code })
                    }
                }
                if let layer = parsed[h]!, !(layers[target]?.contains { $0.heading == h } ?? false) { layers[target, default: []].append(layer) }
            }
        }
        var input = AuditInput(
            info: s.info, lines: lines, rates: rates, staged: try store.allStagedRates(importer: importer), layers: layers)
        if importer == .unitedStates {
            // The headings charging goods of named countries, decided on every line (MFNAudit).
            let headings = try chapter99Headings(in: s, lookup: lookup, europeanUnion: registry.members(of: "EU", on: day))
            input.chapter99Headings = headings.all
            input.countryHeadings = headings.charging
            input.scopeRows = try store.allChapter99Scope() + CuratedScopeLists.shared.allRows()
        }
        return input
    }

    /// Audits `importer`'s schedule in force on `day` against GATT 1994 Art. I:1 and its exceptions.
    /// - Parameters:
    ///   - origins: the origins to consider (default: every country in the registry).
    ///   - grants: hypothetical grants to test.
    public func audit(
        importer: CountryCode, on day: Day, origins: [CountryCode]? = nil, grants: [HypotheticalGrant] = [], registry: Registry? = nil,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> AuditReport {
        let registry = try registry ?? self.registry()
        let input = try auditInput(importer: importer, on: day, registry: registry)
        for g in grants where registry.countries[g.origin] == nil {
            _ = try registry.country(named: g.origin.rawValue)
        }
        var report = MFNAudit(registry: registry).run(input, on: day, origins: origins, grants: grants, progress: progress)
        report.bindings = try bindingReport(importer: importer, on: day, applied: input)
        return report
    }

    /// Art. II:1(b) for `importer` on `day`: its MFN rates against its WTO bindings (the series
    /// `XXX-BOUND`), or `nil` when no bound schedule is loaded.
    public func bindingReport(importer: CountryCode, on day: Day, applied input: AuditInput) throws -> BindingReport? {
        guard let bound = try boundSchedule(for: importer, on: day) else { return nil }
        let (lines, rates, notes) = try store.allLines(in: bound)
        let ceilings = Dictionary(rates.filter { $0.kind == .bound }.compactMap { r in r.expression.map { (r.code, (r.text, $0)) } }, uniquingKeysWith: { a, _ in a })
        let unbound = Set(notes.filter { $0.kind == "binding_status" && $0.text == "unbound" }.map(\.code))
        let entries: [BindingAudit.Bound] = lines.compactMap { line in
            if let c = ceilings[line.code] { return BindingAudit.Bound(code: line.code, rate: c.1, text: c.0) }
            if unbound.contains(line.code) { return BindingAudit.Bound(code: line.code, rate: nil, text: "unbound") }
            return nil
        }
        let applied = input.rates.filter { $0.kind == .mfn }.compactMap { r in r.expression.map { (code: r.code, text: r.text, rate: $0) } }
        return BindingAudit.check(
            applied: applied, bound: entries, sameNomenclature: bound.info.nomenclature == input.info.nomenclature,
            appliedSchedule: "\(input.info.title) (\(input.info.nomenclature))", boundSchedule: "\(bound.info.title) (\(bound.info.nomenclature))",
            boundLegalSource: bound.info.legalSource)
    }
}
