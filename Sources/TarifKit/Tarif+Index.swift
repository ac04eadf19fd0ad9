public import TarifCore
public import TarifRegistry
public import TarifRules

extension Tarif {
    /// Builds the in-memory resolution index over every MFN schedule version (or those of
    /// `importers`) and every staged schedule, with eligibility precomputed for `origins`
    /// (default: every country). With `days`, only the versions in force on one of them: a
    /// schedule loaded with its history has a version per revision (43 of the US HTS), and
    /// indexing them all costs as much as indexing 43 schedules.
    public func resolutionIndex(
        importers: [CountryCode]? = nil, origins: [CountryCode]? = nil, registry: Registry? = nil, days: Set<Day>? = nil
    ) throws -> ResolutionIndex {
        let registry = try registry ?? self.registry()
        let wanted = importers.map(Set.init)
        var versions: [ResolutionIndex.VersionInput] = []
        var staged: [(StagedSchedule, StagedRate)] = []
        var seen: Set<CountryCode> = []
        for s in try store.schedules() where s.info.series == ScheduleInfo.mfnSeries(for: s.info.importer) {
            if let wanted, !wanted.contains(s.info.importer) { continue }
            if let days, !days.contains(where: s.validity.contains) { continue }
            let (lines, rates, _) = try store.allLines(in: s)
            versions.append(
                .init(
                    importer: s.info.importer, validFrom: s.info.validFrom, currency: s.info.currency, lines: lines, rates: rates,
                    validUntil: s.info.validUntil))
            if seen.insert(s.info.importer).inserted { staged += try store.allStagedRates(importer: s.info.importer) }
        }
        if versions.isEmpty {
            throw TarifError(.notFound, "no tariff schedules to index; run `tarif data build` first")
        }
        return ResolutionIndex(registry: registry, versions: versions, staged: staged, origins: origins)
    }
}
