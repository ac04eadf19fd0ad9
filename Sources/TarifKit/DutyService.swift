public import TarifCore
public import TarifRegistry
public import TarifRules
public import TarifStore
import Synchronization

/// Answers rate and duty questions from memory, for a long-running process such as the
/// HTTP server: the schedule versions, the registry and the country names are read once,
/// and each line's published tariff is kept after its first use. The data change only
/// with a data build, after which the process makes a new service. Safe from any thread.
public final class DutyService: Sendable {
    public let tarif: Tarif
    public let registry: Registry
    /// Every stored schedule version (MFN series and others), as `tarif schedules` lists them.
    public let schedules: [StoredSchedule]
    /// A short digest of the loaded source files (``TarifDatabase/sourceFingerprint()``):
    /// equal for equal data, different after a build that loads anything new.
    public let dataTag: String
    let lookup: CountryLookup
    /// Each agreement's preference wording, written once for every resolution.
    private let wording: PreferenceWording
    private let cache: Mutex<LineCache>
    private let rankingIndex = Mutex<[(versions: [Int64], index: ResolutionIndex)]>([])
    /// The resolver every question uses, made once: it takes the origin's agreements from a memo.
    private let resolver: DutyResolver
    /// Each importer's MFN schedule versions, as indices into `schedules` in their order (those
    /// ``Tarif/schedule(for:on:among:)`` chooses among): the version in force is found per
    /// question without filtering or copying the schedule records.
    private let mfnVersions: [CountryCode: [Int]]
    /// The importers with staged preferential schedules: their line's tariff depends on the
    /// day (the stage in force); every other importer's is the same on every day of a version,
    /// so it is kept once per version and line.
    private let stagedImporters: Set<CountryCode>

    /// - Parameter capacity: lines kept in memory (two generations of `capacity / 2`; a line
    ///   used in either generation stays).
    public init(tarif: Tarif, capacity: Int = 100_000) throws {
        self.tarif = tarif
        registry = try tarif.registry()
        let schedules = try tarif.store.schedules()
        self.schedules = schedules
        var versions: [CountryCode: [Int]] = [:]
        for importer in Set(schedules.map(\.info.importer)) {
            let series = ScheduleInfo.mfnSeries(for: importer)
            versions[importer] = schedules.indices.filter { schedules[$0].info.series == series }
        }
        mfnVersions = versions
        lookup = CountryLookup(Array(registry.countries.values))
        wording = PreferenceWording(registry)
        let memo = ParticipationMemo(registry)
        resolver = DutyResolver(registry: registry, wording: wording) { memo.agreements(of: $0, on: $1) }
        stagedImporters = Set(try tarif.store.fetch("SELECT DISTINCT importer FROM staged_schedule", []).map { try CountryCode(try $0.text("importer")) })
        dataTag = try Self.dataTag(of: tarif.store)
        cache = Mutex(LineCache(generation: max(1, capacity / 2)))
    }

    /// The MFN schedule of `importer` in force on `day` (as ``Tarif/schedule(for:on:)``).
    public func schedule(for importer: CountryCode, on day: Day) throws -> StoredSchedule {
        if let i = versionInForce(for: importer, on: day) { return schedules[i] }
        return try Tarif.schedule(for: importer, on: day, among: schedules)  // its error
    }

    /// The index in `schedules` of ``schedule(for:on:)``'s version; nil when there is none.
    private func versionInForce(for importer: CountryCode, on day: Day) -> Int? {
        mfnVersions[importer]?.last { schedules[$0].validity.contains(day) }
    }

    /// What the schedule in force publishes for a line (as ``Tarif/lineTariff(importer:code:on:registry:)``),
    /// from memory after the first time.
    public func lineTariff(importer: CountryCode, code: TariffCode, on day: Day) throws -> LineTariff {
        if let kept = try keptLineTariff(importer: importer, code: code, on: day) { return kept }
        let schedule = try schedule(for: importer, on: day)
        let tariff = try checkingFreshness { try tarif.lineTariff(code: code, in: schedule, on: day, lookup: lookup, europeanUnion: registry.members(of: "EU", on: day)) }
        cache.withLock { $0.insert(tariff, for: cacheKey(schedule: schedule.id, importer: importer, code: code, day: day)) }
        return tariff
    }

    /// A line's tariff is kept per version and line, and per day only where staged schedules make it depend on the day.
    private func cacheKey(schedule: Int64, importer: CountryCode, code: TariffCode, day: Day) -> LineCache.Key {
        LineCache.Key(schedule: schedule, code: code, day: stagedImporters.contains(importer) ? day : Day(ordinal: 0))
    }

    /// ``lineTariff(importer:code:on:)`` when the line is in memory already; nil when it would
    /// have to be read from the store.
    public func keptLineTariff(importer: CountryCode, code: TariffCode, on day: Day) throws -> LineTariff? {
        let id = try versionInForce(for: importer, on: day).map { schedules[$0].id } ?? schedule(for: importer, on: day).id
        return cache.withLock { $0.find(cacheKey(schedule: id, importer: importer, code: code, day: day)) }
    }

    /// A line's published rates and notes (as ``Tarif/rate(importer:code:on:)``).
    public func rate(importer: CountryCode, code: TariffCode, on day: Day) throws -> RateAnswer {
        let schedule = try schedule(for: importer, on: day)
        return try checkingFreshness { try tarif.rate(code: code, in: schedule) }
    }

    /// Runs a store read that relies on this service's list of schedules. When it finds
    /// nothing and the store's data are no longer those this service loaded (a data build
    /// replaced the schedule meanwhile), the answer would be wrong, not "not found": it
    /// throws `.staleData` instead, for the caller to reload and ask again.
    func checkingFreshness<T>(_ read: () throws -> T) throws -> T {
        do { return try read() } catch let error as TarifError where error.code == .notFound {
            if let now = try? Self.dataTag(of: tarif.store), now != dataTag {
                throw TarifError(.staleData, "the data changed while this question was answered (a data build finished); ask again")
            }
            throw error
        }
    }

    /// Every treatment, the applied one and why (as ``Tarif/duty(importer:origin:code:on:customsValue:quantities:facts:components:exchangeRates:alternative:registry:)``).
    public func duty(
        importer: CountryCode, origin: CountryCode?, code: TariffCode, on day: Day, customsValue: ExactDecimal?,
        quantities: [Quantity] = []
    ) throws -> DutyResolution {
        try checkKnown(origin)
        return try resolve(try lineTariff(importer: importer, code: code, on: day), origin: origin, on: day, customsValue: customsValue, quantities: quantities)
    }

    /// ``duty(importer:origin:code:on:customsValue:quantities:)`` without the store: nil when
    /// the line is not in memory yet. Cheap enough for a thread that must not wait on I/O.
    public func dutyFromMemory(
        importer: CountryCode, origin: CountryCode?, code: TariffCode, on day: Day, customsValue: ExactDecimal?,
        quantities: [Quantity] = []
    ) throws -> DutyResolution? {
        try checkKnown(origin)
        guard let tariff = try keptLineTariff(importer: importer, code: code, on: day) else { return nil }
        return try resolve(tariff, origin: origin, on: day, customsValue: customsValue, quantities: quantities)
    }

    /// Throws the registry's error (with suggestions) for an origin it does not know.
    private func checkKnown(_ origin: CountryCode?) throws {
        if let origin, registry.countries.index(forKey: origin) == nil { _ = try registry.country(named: origin.rawValue) }
    }

    private func resolve(
        _ tariff: LineTariff, origin: CountryCode?, on day: Day, customsValue: ExactDecimal?, quantities: [Quantity]
    ) throws -> DutyResolution {
        let currency = tariff.schedule.info.currency
        let context = DutyContext(
            currency: currency, customsValue: customsValue.map { Money($0, currency) }, quantities: quantities,
            componentValues: [:], facts: [:], day: day, exchangeRates: [:], alternative: nil)
        return try resolver.resolve(tariff, origin: origin, day: day, context: context)
    }

    /// The in-memory index over the schedule versions in force on `day` and every origin,
    /// that ranks markets and origins: built on first use (a second or two) and kept, the
    /// last few (``keptIndexes``) for as many sets of versions (most days share today's).
    public func index(on day: Day) throws -> ResolutionIndex {
        let versions = mfnVersions.values.compactMap { ids in ids.last { schedules[$0].validity.contains(day) }.map { schedules[$0].id } }.sorted()
        return try rankingIndex.withLock { built in
            if let i = built.firstIndex(where: { $0.versions == versions }) {
                let hit = built.remove(at: i)
                built.append(hit)
                return hit.index
            }
            let index = try tarif.resolutionIndex(registry: registry, days: [day])
            built.append((versions, index))
            if built.count > Self.keptIndexes { built.removeFirst() }
            return index
        }
    }

    /// Ranking indexes kept, the most recently used last.
    public static let keptIndexes = 3

    /// Lines kept in memory now.
    public var cachedLines: Int { cache.withLock { $0.newer.count + $0.older.count } }

    /// Lines kept in memory: when the newer generation is full it becomes the older one and
    /// the older one is dropped; a hit in the older generation moves the line back.
    struct LineCache: ~Copyable {
        struct Key: Hashable {
            var schedule: Int64
            var code: TariffCode
            var day: Day
        }
        let generation: Int
        var newer: [Key: LineTariff] = [:]
        var older: [Key: LineTariff] = [:]

        init(generation: Int) { self.generation = generation }

        mutating func find(_ key: Key) -> LineTariff? {
            if let hit = newer[key] { return hit }
            guard let hit = older.removeValue(forKey: key) else { return nil }
            insert(hit, for: key)
            return hit
        }

        mutating func insert(_ value: LineTariff, for key: Key) {
            if newer.count >= generation {
                older = newer
                newer = [:]
            }
            newer[key] = value
        }
    }

    /// The tag of the data a store holds now: the digest of its source fingerprint.
    public static func dataTag(of store: any TariffStore) throws -> String {
        digest(try store.sourceFingerprint().joined(separator: "\n"))
    }

    /// FNV-1a, 64 bits, in hexadecimal: a short tag, not a security digest.
    public static func digest(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

/// The agreements each origin takes part in, by day (the same for every line): at most
/// 50,000 (origin, day) pairs, then started again.
private final class ParticipationMemo: Sendable {
    private struct Key: Hashable {
        var origin: CountryCode
        var day: Day
    }

    private let registry: Registry
    private let memo = Mutex<[Key: Set<String>]>([:])

    init(_ registry: Registry) { self.registry = registry }

    func agreements(of origin: CountryCode, on day: Day) -> Set<String> {
        let key = Key(origin: origin, day: day)
        if let hit = memo.withLock({ $0[key] }) { return hit }
        let found = DutyResolver.agreements(of: origin, on: day, in: registry)
        memo.withLock { memo in
            if memo.count >= 50_000 { memo = [:] }
            memo[key] = found
        }
        return found
    }
}
