public import TarifCore
public import TarifRules

/// One line's duty through every version of a schedule: a step where something changed.
public struct LineHistory: Sendable, Codable {
    /// A span of days over which the line's duty did not change.
    public struct Step: Sendable, Codable {
        public var from: Day
        /// The first day of the next step; nil for the last.
        public var until: Day?
        /// The versions the step spans (their revision names, or titles).
        public var versions: [String]
        /// The treatment that applies and its published rate; nil when the line is not in the version.
        public var treatment: String?
        public var rateText: String?
        /// The chapter 99 layers that apply, with their authority: `9903.88.15 +7.5% (Section 301)`.
        public var layers: [String]
        /// The duty on the stated value with the layers that apply, as a percentage of it,
        /// when it can be computed (a specific rate needs its quantity).
        public var percentOfValue: ExactDecimal?
        /// Chapter 99 headings in force that name the origin but whose product scope is not
        /// evaluated (not in the duty): the reciprocal and other orders by country.
        public var namedHeadings: [String] = []
        /// What changed from the step before.
        public var change: String?
        /// Why there is no answer for the step (the line is not in that version).
        public var missing: String?
    }

    public var importer: CountryCode
    public var origin: CountryCode?
    public var code: TariffCode
    public var customsValue: ExactDecimal
    public var steps: [Step]
}

extension Tarif {
    /// The duty on a line for goods of `origin` through every version of `importer`'s
    /// schedule that holds between `from` and `to` (every version when nil), resolved in each
    /// as `tarif duty` resolves it on the version's first day (and on the days a measure or a
    /// scope-list entry touching the line starts or ends inside it), then merged where nothing changed.
    public func lineHistory(
        importer: CountryCode, code: TariffCode, origin: CountryCode?, from: Day? = nil, to: Day? = nil, customsValue: ExactDecimal = 10_000,
        quantities: [Quantity] = []
    ) throws -> LineHistory {
        let registry = try self.registry()
        if let origin, registry.countries[origin] == nil { _ = try registry.country(named: origin.rawValue) }
        let series = ScheduleInfo.mfnSeries(for: importer)
        let versions = try store.schedules().filter { v in
            v.info.series == series && (to.map { v.validity.start <= $0 } ?? true) && (from.map { f in v.validity.end.map { $0 > f } ?? true } ?? true)
        }
        guard !versions.isEmpty else {
            _ = try schedule(for: importer, on: from ?? Day.today())  // its error names what there is
            throw TarifError(.notFound, "no version of \(series) holds between \(from?.description ?? "the first") and \(to?.description ?? "the last")")
        }
        var steps: [LineHistory.Step] = []
        var lastKey: [String]?
        // Each version from its first day, cut where a legal instrument ended a measure the
        // version still prints (ChapterNinetyNine.lapse: IEEPA duties, the Section 122 surcharge),
        // and the days the Section 232 regimes and rates changed (Section232).
        // So are the days an entry of the scope lists touching the line starts or ends (Annex II
        // took in coffee on 2025-11-13, inside Revision 31).
        var cutDays: Set<Day> = [
            ChapterNinetyNine.ieepaEnded, ChapterNinetyNine.section122LastDay.adding(days: 1), Section232.regime2025, Section232.fiftyPercentFrom,
            Section232.annexRegime,
        ]
        if importer == .unitedStates {
            let scope = try store.chapter99Scope(for: code)
            for row in scope.covering + scope.partial + CuratedScopeLists.shared.rows(covering: code) {
                if let f = row.from { cutDays.insert(f) }
                if let t = row.through { cutDays.insert(t.adding(days: 1)) }
            }
        }
        let cuts = cutDays.sorted()
        var segments: [(version: StoredSchedule, from: Day, until: Day?)] = []
        for v in versions {
            var start = max(v.validity.start, from ?? v.validity.start)
            for cut in cuts where cut > start && (v.validity.end.map { cut < $0 } ?? true) && (to.map { cut <= $0 } ?? true) {
                segments.append((v, start, cut))
                start = cut
            }
            segments.append((v, start, v.validity.end))
        }
        for (v, day, until) in segments {
            let name = v.revision ?? v.info.title
            var step = LineHistory.Step(from: day, until: until, versions: [name], layers: [])
            do {
                let r = try duty(importer: importer, origin: origin, code: code, on: day, customsValue: customsValue, quantities: quantities, registry: registry)
                let applied = r.appliedTreatment
                step.treatment = applied?.label
                step.rateText = applied?.rateText
                func label(_ layer: AdditionalDuty) -> String {
                    let authority = ChapterNinetyNine.authority(of: layer.heading).map { " (\($0.name))" } ?? ""
                    let rate = layer.rate.map { (layer.effect == .addOn ? "+" : "") + $0.summary } ?? layer.rateText
                    return "\(layer.heading.formatted) \(rate)\(authority)"
                }
                step.layers = r.additionalDuties.filter { $0.applies == true && $0.effect != .noChange }.map(label)
                // Headings naming the origin, not added: undecided though they name it. (A footnoted
                // heading is undecided only when it names no origin or none is given: not one of these.)
                step.namedHeadings = r.additionalDuties.filter { layer in
                    layer.applies == nil && layer.effect != .noChange && origin.map { layer.origins.contains($0) } == true
                }.map(label)
                // No total where a layer cannot be decided (a Section 232 duty Tarif does not
                // compute): the step shows none rather than the duty without it.
                if let total = r.dutyWithAdditional, customsValue > 0 {
                    step.percentOfValue = try? (total.amount * 100).divided(by: customsValue, scale: 4)
                }
            } catch let e as TarifError where e.code == .notFound {
                step.missing = e.message
            }
            let key = [step.treatment ?? "", step.rateText ?? "", step.missing == nil ? "" : "missing", step.percentOfValue == nil ? "no total" : ""]
                + step.layers + ["|"] + step.namedHeadings
            if key == lastKey, var last = steps.popLast() {
                last.until = step.until
                if last.versions.last != name { last.versions.append(name) }
                steps.append(last)
                continue
            }
            if let previous = steps.last {
                var what: [String] = []
                if previous.missing == nil, step.missing != nil { what.append("the line is not in \(name)") }
                if previous.missing != nil, step.missing == nil { what.append("the line appears") }
                if previous.rateText != step.rateText || previous.treatment != step.treatment {
                    what.append("\(previous.treatment ?? "—") \(previous.rateText ?? "") → \(step.treatment ?? "—") \(step.rateText ?? "")")
                }
                for l in step.layers where !previous.layers.contains(l) { what.append("+ \(l)") }
                for l in previous.layers where !step.layers.contains(l) { what.append("− \(l)") }
                for l in step.namedHeadings where !previous.namedHeadings.contains(l) { what.append("named: \(l)") }
                for l in previous.namedHeadings where !step.namedHeadings.contains(l) { what.append("no longer named: \(l)") }
                step.change = what.joined(separator: "; ")
            }
            lastKey = key
            steps.append(step)
        }
        if steps.allSatisfy({ $0.missing != nil }), let last = steps.last?.missing {
            throw TarifError(.notFound, "\(code.formatted) is in no version of \(series) from \(steps[0].from): \(last)")
        }
        return LineHistory(importer: importer, origin: origin, code: code, customsValue: customsValue, steps: steps)
    }
}
