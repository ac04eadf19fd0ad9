public import TarifCore
public import TarifRegistry

/// The applied treatment of a consignment, without the explanations: what batches,
/// rankings and services need, computed in a few hundred nanoseconds.
public struct QuickDuty: Sendable, Hashable {
    public var kind: Treatment.Kind
    /// The program code (`S`, `A+`) or, for a staged schedule, the agreement id; `nil` for MFN and column 2.
    public var program: String?
    /// The registry id of the agreement behind a preference.
    public var agreement: String?
    public var rate: DutyExpression
    public var duty: Money?
    /// The MFN (or column 2) duty the goods would pay without the preference.
    public var floorDuty: Money?
    public var floorRate: DutyExpression
    /// Further preferences tied with the applied one.
    public var tiedWith: [String]
    /// False when the preferences could not be ranked against the floor for lack of an input.
    public var ranked: Bool

    /// The duty the preference saves against the floor, when both are known.
    public var saved: Money? {
        guard let d = duty, let f = floorDuty else { return nil }
        return (try? f.amount - d.amount).map { Money($0, f.currency) }
    }

    public var label: String {
        switch kind {
        case .mfn: return "MFN"
        case .nonMFN: return "non-MFN (column 2)"
        case .preferential: return agreement.map { a in program.map { $0 == a ? a : "\(a) (\($0))" } ?? a } ?? (program ?? "preference")
        }
    }
}

/// An in-memory index of every schedule's rates, staged preferential rates, and each
/// origin's eligibility over time, answering resolutions without the database.
///
/// Eligibility is precomputed per importer and origin as a timeline of bit masks (one
/// bit per program code or staged agreement, one for an MFN withdrawal), cut at every
/// day the registry says an answer can change (``Registry/changeDays(importer:origin:)``);
/// a resolution is then a binary search, a hash look-up and the evaluation of a few rates.
/// The choice of the applied treatment is ``Ranking/choose(floor:candidates:duty:percent:)``,
/// the same as ``DutyResolver``'s.
public struct ResolutionIndex: Sendable {
    /// What a schedule version holds for one line that carries rates.
    struct Entry: Sendable {
        var mfn: Int32 = -1
        var column2: Int32 = -1
        var grants: [(bit: UInt8, expression: Int32)] = []
        /// Staged schedules' stages on this line, on a code above it, or on a code below it that
        /// has no line of its own (`code`: where they are published); a resolution takes, per
        /// schedule, those on the longest code that is the queried code or above it, as the store does.
        var staged: [(bit: UInt8, partner: CountryCode?, code: TariffCode, stages: [(from: Int32, expression: Int32)])] = []
    }

    struct Version: Sendable {
        var validFrom: Int32
        /// The first day it no longer holds when the version has a known end (else `Int32.max`).
        var validUntil: Int32 = .max
        /// The version's own currency (the UK's schedule was in EUR until 2020, GBP from 2021).
        var currency: Currency
        var entries: [TariffCode: Entry]
        var lines: [TariffCode]
        /// The codes with an MFN (or column 2) rate, in code order: a code's lines below it follow it.
        var rated: [TariffCode] = []
    }

    struct ImporterIndex: Sendable {
        var currency: Currency
        var versions: [Version]
        /// Bit i: program code i, then staged agreements.
        var bits: [String]
        var agreements: [String?]
        var starred: UInt64
        /// Per bit: the bit of the program whose rate it sets aside on a line where it has one (-1: none).
        var setsAside: [Int8]
        var timelines: [CountryCode: [(start: Int32, mask: UInt64)]]
    }

    static let withdrawnBit: UInt64 = 1 << 63

    let importers: [CountryCode: ImporterIndex]
    let expressions: [DutyExpression]
    public let registry: Registry

    /// One schedule version's content, as read from storage.
    public struct VersionInput: Sendable {
        public var importer: CountryCode
        public var validFrom: Day
        /// The first day the version no longer holds, when it has a known end.
        public var validUntil: Day?
        public var currency: Currency
        public var lines: [TariffLine]
        public var rates: [LineRate]

        public init(
            importer: CountryCode, validFrom: Day, currency: Currency, lines: [TariffLine], rates: [LineRate], validUntil: Day? = nil
        ) {
            self.importer = importer
            self.validFrom = validFrom
            self.validUntil = validUntil
            self.currency = currency
            self.lines = lines
            self.rates = rates
        }
    }

    /// Builds the index.
    /// - Parameters:
    ///   - versions: every MFN schedule version to index.
    ///   - staged: every stage of every staged schedule.
    ///   - origins: the origins to precompute eligibility for (default: every country in the registry).
    public init(
        registry: Registry, versions: [VersionInput], staged: [(StagedSchedule, StagedRate)], origins: [CountryCode]? = nil
    ) {
        self.registry = registry
        var expressions: [DutyExpression] = []
        var expressionIndex: [DutyExpression: Int32] = [:]
        func intern(_ e: DutyExpression) -> Int32 {
            if let i = expressionIndex[e] { return i }
            expressions.append(e)
            expressionIndex[e] = Int32(expressions.count - 1)
            return Int32(expressions.count - 1)
        }
        var result: [CountryCode: ImporterIndex] = [:]
        let origins = origins ?? Array(registry.countries.keys)
        for importer in Set(versions.map(\.importer)) {
            var bits = registry.programCodes(of: importer)
            var agreements: [String?] = bits.map { registry.program(importer: importer, code: $0)?.agreement }
            let stagedHere = staged.filter { $0.0.importer == importer }
            for a in Set(stagedHere.map { $0.0.agreement }).sorted() where bits.count < 63 {
                bits.append("staged:" + a)
                agreements.append(a)
            }
            let bitOf = Dictionary(bits.enumerated().map { ($1, UInt8($0)) }, uniquingKeysWith: { a, _ in a })
            var starred: UInt64 = 0
            for (i, b) in bits.enumerated() where b.hasSuffix("*") { starred |= 1 << UInt64(i) }
            let setsAside: [Int8] = bits.map { b in
                guard let parent = registry.program(importer: importer, code: b)?.partyRatesOf, let p = bitOf[parent] else { return -1 }
                return Int8(p)
            }

            // Staged stages by line code (with the agreement's bit and partner), sorted by day.
            var stagedByCode: [TariffCode: [(bit: UInt8, partner: CountryCode?, stages: [(from: Int32, expression: Int32)])]] = [:]
            var grouped: [String: (UInt8, CountryCode?, TariffCode, [(Int32, Int32)])] = [:]
            for (s, r) in stagedHere {
                guard let bit = bitOf["staged:" + s.agreement] else { continue }
                let key = "\(s.agreement)|\(s.partner?.rawValue ?? "")|\(r.code.digits)"
                grouped[key, default: (bit, s.partner, r.code, [])].3.append((Int32(r.validFrom.ordinal), intern(r.expression)))
            }
            for (_, g) in grouped {
                stagedByCode[g.2, default: []].append((g.0, g.1, g.3.sorted { $0.0 < $1.0 }.map { (from: $0.0, expression: $0.1) }))
            }

            var built: [Version] = []
            for v in versions.filter({ $0.importer == importer }).sorted(by: { $0.validFrom < $1.validFrom }) {
                var entries: [TariffCode: Entry] = [:]
                for r in v.rates {
                    guard let e = r.expression else { continue }
                    switch r.kind {
                    case .mfn: entries[r.code, default: Entry()].mfn = intern(e)
                    case .nonMFN: entries[r.code, default: Entry()].column2 = intern(e)
                    case .preferential:
                        if let p = r.program, let bit = bitOf[p] { entries[r.code, default: Entry()].grants.append((bit, intern(e))) }
                    default: break
                    }
                }
                // Each line takes the stages published on it and on the codes above it (the UK's
                // staging on an HS subheading applies to its lines), and the line nearest above a
                // code with stages but no line of its own keeps them for questions on that code.
                func attach(_ stages: [(bit: UInt8, partner: CountryCode?, stages: [(from: Int32, expression: Int32)])], on code: TariffCode, to target: TariffCode) {
                    guard var entry = entries[target] else { return }
                    let programAgreements = Set(entry.grants.compactMap { agreements[Int($0.bit)] })
                    entry.staged += stages.filter { s in !programAgreements.contains(agreements[Int(s.bit)] ?? "") }
                        .map { (bit: $0.bit, partner: $0.partner, code: code, stages: $0.stages) }
                    entries[target] = entry
                }
                if !stagedByCode.isEmpty {
                    for line in Array(entries.keys) {
                        var c: TariffCode? = line
                        while let p = c, p.length >= 4 {
                            if let stages = stagedByCode[p] { attach(stages, on: p, to: line) }
                            c = p.parent
                        }
                    }
                    for (code, stages) in stagedByCode where entries[code] == nil {
                        if let parent = Self.nearest(code, in: entries) { attach(stages, on: code, to: parent) }
                    }
                }
                built.append(
                    Version(
                        validFrom: Int32(v.validFrom.ordinal), validUntil: v.validUntil.map { Int32($0.ordinal) } ?? .max, currency: v.currency,
                        entries: entries, lines: v.lines.map(\.code), rated: entries.filter { $0.value.mfn >= 0 }.map(\.key).sorted()))
            }

            var timelines: [CountryCode: [(start: Int32, mask: UInt64)]] = [:]
            for origin in origins where origin != importer {
                let days = registry.changeDays(importer: importer, origin: origin)
                var segments: [(start: Int32, mask: UInt64)] = []
                let starts = [days.first.map { $0.adding(days: -1) } ?? Day(ordinal: 0)] + days
                for (k, day) in starts.enumerated() {
                    var mask: UInt64 = 0
                    for (i, b) in bits.enumerated() {
                        let ok: Bool
                        if b.hasPrefix("staged:") {
                            ok = registry.grantsPreference(importer: importer, origin: origin, agreement: String(b.dropFirst(7)), on: day)
                        } else {
                            ok = registry.isEligible(origin: origin, importer: importer, program: b, on: day)
                        }
                        if ok { mask |= 1 << UInt64(i) }
                    }
                    if registry.mfnWithdrawal(importer: importer, origin: origin, on: day) != nil { mask |= Self.withdrawnBit }
                    let start = k == 0 ? Int32.min : Int32(day.ordinal)
                    if let last = segments.last, last.mask == mask { continue }
                    segments.append((start, mask))
                }
                timelines[origin] = segments
            }
            result[importer] = ImporterIndex(
                currency: versions.first { $0.importer == importer }!.currency,
                versions: built, bits: bits, agreements: agreements, starred: starred, setsAside: setsAside, timelines: timelines)
        }
        self.importers = result
        self.expressions = expressions
    }

    static func nearest(_ code: TariffCode, in entries: [TariffCode: Entry]) -> TariffCode? {
        var c = code.parent
        while let p = c {
            if entries[p] != nil { return p }
            c = p.parent
        }
        return nil
    }

    /// The importers indexed.
    public var importerCodes: [CountryCode] { importers.keys.sorted() }

    /// The currency of the version of an importer's schedule in force on `day`: duties on
    /// that day are payable in it.
    public func currency(of importer: CountryCode, on day: Day) -> Currency? {
        guard let imp = importers[importer], let v = Self.version(imp.versions, Int32(day.ordinal)) else { return nil }
        return imp.versions[v].currency
    }

    /// The lines of the version of `importer`'s schedule in force on `day`.
    public func lines(of importer: CountryCode, on day: Day) -> [TariffCode] {
        guard let imp = importers[importer], let v = Self.version(imp.versions, Int32(day.ordinal)) else { return [] }
        return imp.versions[v].lines
    }

    /// The codes that carry an MFN rate in the version of `importer`'s schedule in force on `day` (the rate lines).
    public func rateLines(of importer: CountryCode, on day: Day) -> [TariffCode] {
        guard let imp = importers[importer], let v = Self.version(imp.versions, Int32(day.ordinal)) else { return [] }
        return imp.versions[v].rated
    }

    /// The lines with a rate that `product` covers or that cover it (`0901` → `0901.21.00`…;
    /// `0901.21.000` → `0901.21`), in code order: a binary search, not a scan of the schedule.
    public func rateLines(of importer: CountryCode, on day: Day, related product: TariffCode) -> [TariffCode] {
        guard let imp = importers[importer], let v = Self.version(imp.versions, Int32(day.ordinal)) else { return [] }
        let version = imp.versions[v]
        var out: [TariffCode] = []
        var above = product.parent
        while let p = above {
            if let e = version.entries[p], e.mfn >= 0 { out.append(p) }
            above = p.parent
        }
        out.reverse()
        let rated = version.rated
        var lo = 0
        var hi = rated.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if rated[mid] < product { lo = mid + 1 } else { hi = mid }
        }
        while lo < rated.count, product.contains(rated[lo]) {
            out.append(rated[lo])
            lo += 1
        }
        return out
    }

    /// An origin's eligibility mask on day `d` from its timeline (0 before the first segment).
    @inline(__always)
    static func mask(in timeline: [(start: Int32, mask: UInt64)], on d: Int32) -> UInt64 {
        var lo = 0
        var hi = timeline.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if timeline[mid].start <= d { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 ? timeline[lo - 1].mask : 0
    }

    @inline(__always)
    static func version(_ versions: [Version], _ d: Int32) -> Int? {
        var lo = 0
        var hi = versions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if versions[mid].validFrom <= d { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0, d < versions[lo - 1].validUntil else { return nil }
        return lo - 1
    }

    /// The applied treatment for a consignment, or `nil` when the importer, the line or
    /// its MFN (or column 2) rate is not in the index. The same choice as
    /// ``DutyResolver/resolve(_:origin:day:context:)``, without its explanations.
    /// - Throws: ``TarifError`` `.overflow` when a duty does not fit (never within ``InputLimits``).
    public func resolve(importer: CountryCode, origin: CountryCode?, code: TariffCode, day: Day, context: DutyContext) throws(TarifError) -> QuickDuty? {
        guard let imp = importers[importer] else { return nil }
        let d = Int32(day.ordinal)
        guard let v = Self.version(imp.versions, d) else { return nil }
        let version = imp.versions[v]
        var c = code
        var entry = version.entries[c]
        while entry == nil, let p = c.parent {
            c = p
            entry = version.entries[c]
        }
        guard let entry else { return nil }
        let mask = origin.flatMap { imp.timelines[$0] }.map { Self.mask(in: $0, on: d) } ?? 0
        let withdrawn = mask & Self.withdrawnBit != 0
        let floorExpression = withdrawn ? entry.column2 : entry.mfn
        guard floorExpression >= 0 else { return nil }

        // Candidates: index 0 is the floor; then (bit, expression).
        var exprs: [Int32] = [floorExpression]
        var bits: [UInt8] = [255]
        if origin != nil && mask & ~Self.withdrawnBit != 0 {
            var mask = mask
            for g in entry.grants where mask & (1 << UInt64(g.bit)) != 0 && imp.setsAside[Int(g.bit)] >= 0 {
                mask &= ~(1 << UInt64(imp.setsAside[Int(g.bit)]))
            }
            for g in entry.grants where mask & (1 << UInt64(g.bit)) != 0 {
                if imp.starred & (1 << UInt64(g.bit)) != 0,
                    registry.lineExclusion(importer: importer, program: imp.bits[Int(g.bit)], code: code, origin: origin!, on: day) != nil
                {
                    continue
                }
                exprs.append(g.expression)
                bits.append(g.bit)
            }
            // Per staged schedule, the stages on the longest code that is `code` or above it.
            var chosen: [(bit: UInt8, partner: CountryCode?, code: TariffCode, stages: [(from: Int32, expression: Int32)])] = []
            for s in entry.staged where mask & (1 << UInt64(s.bit)) != 0 && (s.partner == nil || s.partner == origin) && s.code.contains(code) {
                if let k = chosen.firstIndex(where: { $0.bit == s.bit && $0.partner == s.partner }) {
                    if s.code.length > chosen[k].code.length { chosen[k] = s }
                } else {
                    chosen.append(s)
                }
            }
            for s in chosen {
                guard let stage = s.stages.last(where: { $0.from <= d }) else { continue }
                exprs.append(stage.expression)
                bits.append(s.bit)
            }
        }
        var duties: [ExactDecimal?] = []
        duties.reserveCapacity(exprs.count)
        for e in exprs {
            if case .amount(let m, _) = try expressions[Int(e)].evaluate(in: context) { duties.append(m.amount) } else { duties.append(nil) }
        }
        let choice = Ranking.choose(
            floor: 0, candidates: Array(1..<exprs.count), duty: { duties[$0] },
            percent: { self.expressions[Int(exprs[$0])].adValoremRate?.value })
        let a = choice.applied[0]
        let currency = context.currency
        let floorDuty = duties[0].map { Money($0, currency) }
        if a == 0 {
            return QuickDuty(
                kind: withdrawn ? .nonMFN : .mfn, program: nil, agreement: nil, rate: expressions[Int(floorExpression)], duty: floorDuty,
                floorDuty: floorDuty, floorRate: expressions[Int(floorExpression)], tiedWith: [], ranked: choice.ranked)
        }
        let bit = Int(bits[a])
        let name = imp.bits[bit].hasPrefix("staged:") ? String(imp.bits[bit].dropFirst(7)) : imp.bits[bit]
        return QuickDuty(
            kind: .preferential, program: name, agreement: imp.agreements[bit], rate: expressions[Int(exprs[a])],
            duty: duties[a].map { Money($0, currency) }, floorDuty: floorDuty, floorRate: expressions[Int(floorExpression)],
            tiedWith: choice.applied.dropFirst().map { i in
                let b = imp.bits[Int(bits[i])]
                return b.hasPrefix("staged:") ? String(b.dropFirst(7)) : b
            }, ranked: choice.ranked)
    }
}

extension ResolutionIndex {
    /// The tariff lines of `importer`'s version in force on `day` on which the matrix is
    /// read: the codes of HS chapters 01-97 carrying an MFN rate with none below them (the US
    /// 8-digit lines, the BTKI's 8-digit lines, Japan's 9-digit ones…), in code order, those
    /// `products` cover or that cover a product when `products` is given. National chapters 98
    /// and 99 (special provisions, the US additional duties) are not goods' lines.
    public func matrixLines(of importer: CountryCode, on day: Day, products: [TariffCode]? = nil) -> [TariffCode] {
        let rated = rateLines(of: importer, on: day)
        var out: [TariffCode] = []
        out.reserveCapacity(rated.count)
        for (i, code) in rated.enumerated() {
            if i + 1 < rated.count, code.contains(rated[i + 1]) { continue }
            if code.digits.hasPrefix("98") || code.digits.hasPrefix("99") { continue }
            if let products, !products.contains(where: { $0.contains(code) || code.contains($0) }) { continue }
            out.append(code)
        }
        return out
    }

    /// Every cell of the market-access matrix of `importer` on `day`: for each line of
    /// ``matrixLines(of:on:products:)`` and each origin, the applied treatment as
    /// ``resolve(importer:origin:code:day:context:)`` gives it. Origins whose eligibility is the
    /// same on the day (most of them: the MFN origins, each agreement's parties) are resolved
    /// once and handed together to `body`; a line whose answer depends on the origin itself (a
    /// program excluding some beneficiaries line by line, a staged rate for one partner) is
    /// resolved per origin. `context` is the consignment every cell is valued on. `body` gets the
    /// group's number (the same origins under the same number for every line of the importer)
    /// and whether the cells are the whole group's or one origin's of it.
    /// - Returns: the number of cells (lines × origins).
    @discardableResult
    public func forEachMatrixCell(
        importer: CountryCode, origins: [CountryCode], on day: Day, products: [TariffCode]? = nil, context: DutyContext,
        _ body: (_ code: TariffCode, _ group: Int, _ whole: Bool, _ origins: ArraySlice<CountryCode>, _ duty: QuickDuty) throws -> Void
    ) throws -> Int {
        guard let imp = importers[importer], let v = Self.version(imp.versions, Int32(day.ordinal)) else { return 0 }
        let d = Int32(day.ordinal)
        // The origins grouped by their mask on the day, in the order given within a group.
        var groupOf: [UInt64: Int] = [:]
        var groups: [(mask: UInt64, origins: [CountryCode])] = []
        for origin in origins where origin != importer {
            let mask = imp.timelines[origin].map { Self.mask(in: $0, on: d) } ?? 0
            if let g = groupOf[mask] { groups[g].origins.append(origin) } else {
                groupOf[mask] = groups.count
                groups.append((mask, [origin]))
            }
        }
        let version = imp.versions[v]
        var cells = 0
        for code in matrixLines(of: importer, on: day, products: products) {
            guard let entry = version.entries[code] else { continue }
            let partnered = entry.staged.contains { $0.partner != nil }
            for (g, group) in groups.enumerated() {
                let starred = entry.grants.contains { group.mask & (1 << UInt64($0.bit)) != 0 && imp.starred & (1 << UInt64($0.bit)) != 0 }
                if partnered || starred {
                    for k in group.origins.indices {
                        guard let q = try resolve(importer: importer, origin: group.origins[k], code: code, day: day, context: context) else { continue }
                        try body(code, g, false, group.origins[k...k], q)
                        cells += 1
                    }
                } else if let q = try resolve(importer: importer, origin: group.origins[0], code: code, day: day, context: context) {
                    try body(code, g, true, group.origins[...], q)
                    cells += group.origins.count
                }
            }
        }
        return cells
    }
}
