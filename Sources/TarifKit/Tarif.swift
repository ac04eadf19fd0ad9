import Foundation
import Synchronization
public import TarifCore
public import TarifRegistry
public import TarifRules
public import TarifStore

/// The library's entry point: a store of loaded schedules and the questions it answers.
public struct Tarif: Sendable {
    /// Where the data are read from: the embedded SQLite database or a shared PostgreSQL one.
    public let store: any TariffStore

    public init(store: any TariffStore) {
        self.store = store
    }

    public init(database: TarifDatabase) {
        self.store = database
    }

    /// Opens the database at `path` (creating an empty one if needed).
    public init(path: String) throws {
        self.store = try TarifDatabase(path: path)
    }

    /// The embedded database, when the store is one (data builds write to it).
    public var database: TarifDatabase? { store as? TarifDatabase }

    /// The MFN schedule of `importer` in force on `day`.
    /// - Throws: ``TarifError`` `.unknownImporter` naming the importers there are, or
    ///   `.notFound` when no version holds on that day.
    public func schedule(for importer: CountryCode, on day: Day) throws -> StoredSchedule {
        try Self.schedule(for: importer, on: day, among: try store.schedules())
    }

    /// The MFN schedule of `importer` in force on `day` among `all` the stored versions.
    static func schedule(for importer: CountryCode, on day: Day, among all: [StoredSchedule]) throws -> StoredSchedule {
        let versions = all.filter { $0.info.series == ScheduleInfo.mfnSeries(for: importer) }
        guard !versions.isEmpty else {
            let known = Set(all.map(\.info.importer.rawValue)).sorted()
            let hint = known.isEmpty ? "the database is empty; run `tarif data build` first" : "importers with schedules: \(known.joined(separator: ", "))"
            throw TarifError(.unknownImporter, "no tariff schedule for \(importer) (\(hint))")
        }
        guard let version = versions.last(where: { $0.validity.contains(day) }) else {
            // Versions that follow one another (the revisions of a history) are one span.
            var runs: [(first: StoredSchedule, count: Int, end: Day?)] = []
            for v in versions.sorted(by: { $0.validity.start < $1.validity.start }) {
                if let last = runs.last, let end = last.end, end == v.validity.start {
                    runs[runs.count - 1] = (last.first, last.count + 1, v.validity.end)
                } else {
                    runs.append((v, 1, v.validity.end))
                }
            }
            let spans = runs.map { r in
                let until = r.end.map { " until \($0.adding(days: -1))" } ?? ""
                return r.count == 1 ? "\(r.first.info.title) from \(r.first.validity.start)\(until)"
                    : "\(r.count) versions from \(r.first.info.title), \(r.first.validity.start)\(until)"
            }.joined(separator: "; ")
            let before = runs.first.map { day < $0.first.validity.start ? "\(day) is before the first version loaded; " : "" } ?? ""
            throw TarifError(.notFound, "\(importer) has no schedule in force on \(day) (\(before)loaded: \(spans))")
        }
        return version
    }

    /// Lines under a code prefix.
    public func lines(importer: CountryCode, under prefix: TariffCode, on day: Day, limit: Int = 500) throws -> (StoredSchedule, [TariffLine]) {
        let s = try schedule(for: importer, on: day)
        return (s, try store.lines(under: prefix, in: s, limit: limit))
    }

    /// Lines whose descriptions match the words of `query`, in English or the importer's language.
    public func search(importer: CountryCode, _ query: String, on day: Day, limit: Int = 50) throws -> (StoredSchedule, [TariffLine]) {
        let s = try schedule(for: importer, on: day)
        return (s, try store.searchAcrossLevels(query, in: s, limit: limit))
    }

    /// A line, its published rates (all kinds) and notes, as in force on `day`.
    public func rate(importer: CountryCode, code: TariffCode, on day: Day) throws -> RateAnswer {
        var answer = try rate(code: code, in: try schedule(for: importer, on: day))
        answer.bindings = try bindings(importer: importer, code: answer.line.code, nomenclature: answer.schedule.info.nomenclature, on: day)
        return answer
    }

    /// The version of `importer`'s WTO bound schedule in force on `day`, if one is loaded.
    public func boundSchedule(for importer: CountryCode, on day: Day) throws -> StoredSchedule? {
        try store.schedules().last { $0.info.series == ScheduleInfo.boundSeries(for: importer) && $0.validity.contains(day) }
    }

    /// The bound lines bearing on `code` (see ``BindingsFound``), or `nil` without a bound schedule.
    public func bindings(importer: CountryCode, code: TariffCode, nomenclature: String, on day: Day) throws -> BindingsFound? {
        guard let bound = try boundSchedule(for: importer, on: day) else { return nil }
        let same = bound.info.nomenclature == nomenclature
        var lines: [TariffLine] = []
        var own: TariffLine?
        if same {
            var c: TariffCode? = code
            while let k = c, own == nil {
                own = try store.line(k, in: bound)
                c = k.parent
            }
        }
        if let own {
            lines = [own]
        } else if let hs6 = code.hs6 {
            lines = try store.lines(under: hs6, in: bound, limit: 50)
        }
        return BindingsFound(
            schedule: "\(bound.info.title) (\(bound.info.nomenclature))", legalSource: bound.info.legalSource, sameNomenclature: same,
            lines: try lines.map { l in
                let notes = try store.notes(for: l.code, in: bound)
                let rate = try store.rates(for: l.code, in: bound).flatMap { $0.0 == l.code ? $0.1.first { $0.kind == .bound } : nil }
                let unbound = notes.contains { $0.kind == "binding_status" && $0.text == "unbound" }
                return BindingsFound.Line(
                    code: l.code, description: l.descriptionEnglish, bound: rate?.text ?? (unbound ? "unbound" : "no ceiling on the line (see its parts)"),
                    notes: notes.filter { $0.kind != "binding_status" }.map(\.text))
            })
    }

    /// A line, its published rates and notes in the schedule version `s`.
    public func rate(code: TariffCode, in s: StoredSchedule) throws -> RateAnswer {
        let line = try requireLine(code, in: s)
        let (publishedOn, rates) = try store.rates(for: code, in: s) ?? (code, [])
        return RateAnswer(schedule: s, line: line, publishedOn: publishedOn, rates: rates, notes: try store.notes(for: code, in: s))
    }

    /// Every treatment a consignment can get, the one that applies, and why.
    /// - Parameters:
    ///   - origin: the origin of the goods; `nil` resolves MFN only.
    ///   - registry: the registry to use (built from the database when `nil`).
    /// - Throws: ``TarifError`` for an unknown importer or line, or a line with no MFN (or column 2) rate.
    public func duty(
        importer: CountryCode, origin: CountryCode? = nil, code: TariffCode, on day: Day, customsValue: ExactDecimal?,
        quantities: [Quantity] = [], facts: [RateFact.Kind: ExactDecimal] = [:], components: [String: ExactDecimal] = [:],
        exchangeRates: [Currency: ExactDecimal] = [:], alternative: Int? = nil, registry: Registry? = nil
    ) throws -> DutyResolution {
        // Without an origin and without country data (a database of schedules only), MFN needs no registry.
        let registry = try registry ?? (origin == nil && store.countries().isEmpty ? Registry(RegistryInput(countries: [])) : self.registry())
        if let origin, registry.countries[origin] == nil {
            _ = try registry.country(named: origin.rawValue)
        }
        let tariff = try lineTariff(importer: importer, code: code, on: day, registry: registry)
        let currency = tariff.schedule.info.currency
        let context = DutyContext(
            currency: currency, customsValue: customsValue.map { Money($0, currency) }, quantities: quantities,
            componentValues: components.mapValues { Money($0, currency) }, facts: facts, day: day,
            exchangeRates: exchangeRates, alternative: alternative)
        return try DutyResolver(registry: registry).resolve(tariff, origin: origin, day: day, context: context)
    }

    /// What the schedule in force on `day` publishes for a line: its rates, the stages of
    /// loaded preferential schedules, and the chapter 99 headings its footnotes point to.
    public func lineTariff(importer: CountryCode, code: TariffCode, on day: Day, registry: Registry) throws -> LineTariff {
        try lineTariff(
            code: code, in: try schedule(for: importer, on: day), on: day, lookup: CountryLookup(Array(registry.countries.values)),
            europeanUnion: registry.members(of: "EU", on: day))
    }

    /// The same, in the schedule version `schedule`, naming countries through `lookup`.
    func lineTariff(code: TariffCode, in schedule: StoredSchedule, on day: Day, lookup: CountryLookup, europeanUnion: [CountryCode] = []) throws -> LineTariff {
        let importer = schedule.info.importer
        let answer = try rate(code: code, in: schedule)
        var layers: [AdditionalDuty] = []
        for heading in Self.chapter99References(in: answer.notes) {
            guard let line = try store.line(heading, in: answer.schedule), let (on, rates) = try store.rates(for: heading, in: answer.schedule),
                on == heading,
                let layer = AdditionalDuty.parse(
                    line: line, rates: rates, legalSource: answer.schedule.info.legalSource, country: { lookup.find($0)?.code })
            else { continue }
            layers.append(layer)
        }
        var tariff = LineTariff(
            schedule: answer.schedule, line: answer.line, publishedOn: answer.publishedOn, rates: answer.rates,
            staged: try store.stagedRates(importer: importer, code: code, on: day), layers: layers)
        if importer == .unitedKingdom { tariff.quotas = try store.quotas(importer: importer, code: code) }
        let headings = try chapter99Headings(in: answer.schedule, lookup: lookup, europeanUnion: europeanUnion)
        tariff.chapter99Headings = headings.all
        tariff.countryHeadings = headings.charging
        if !tariff.chapter99Headings.isEmpty {
            tariff.chapter99Scope = try store.chapter99Scope(for: code)
            tariff.chapter99Scope.covering += CuratedScopeLists.shared.rows(covering: code)
            if !tariff.chapter99Scope.partial.isEmpty {
                // A list naming every statistical line under this one names all of it.
                tariff.chapter99Scope.children = try store.lines(under: code, in: answer.schedule, limit: 1000)
                    .filter { $0.code.length > code.length && !$0.code.digits.isEmpty }.map(\.code.digits)
            }
        }
        return tariff
    }

    /// The version's chapter 99 headings (subchapter III, 9903): all of them (`all`), and those
    /// that charge goods of countries they name or of any country (`charging`), read once per
    /// version and scope publication and kept (``CountryHeadingMemo``). A heading the compiler
    /// marks suspended is left out; so is one that some line's footnote names (Section 301's
    /// lists: the footnotes say which lines it covers, so it is a layer of those lines only).
    func chapter99Headings(in schedule: StoredSchedule, lookup: CountryLookup, europeanUnion: [CountryCode]) throws -> CountryHeadingMemo.Headings {
        // What the headings are follows from the version's content and the scope lists loaded.
        let scopeHash = try store.fetch(
            "SELECT content_hash FROM source_file WHERE format = ? AND superseded_at IS NULL ORDER BY id DESC LIMIT 1",
            [.text("us-ch99-scope-csv")]
        ).first.map { try $0.text("content_hash") } ?? ""
        let key = CountryHeadingMemo.Key(
            store: store.storeDescription, series: schedule.info.series, from: schedule.info.validFrom, content: schedule.info.contentHash, scope: scopeHash)
        if let known = CountryHeadingMemo.shared.find(key) { return known }
        let (lines, rates) = try store.linesAndRates(under: try TariffCode("9903"), in: schedule)
        let byCode = Dictionary(grouping: rates, by: \.code)
        let rows = schedule.rowFilter()
        let referencing = try store.fetch("SELECT DISTINCT text FROM line_note WHERE \(rows.sql) AND text LIKE ?", rows.arguments + [.text("%99__.%")])
        let listed = Set(try referencing.flatMap { Self.chapter99References(inText: try $0.text("text")) })
        let lists = scopeHash.isEmpty ? [] : try store.chapter99ScopeLists()
        var all: [AdditionalDuty] = []
        var charging: [AdditionalDuty] = []
        for line in lines where line.code.length == 8 && !line.descriptionEnglish.contains("provision suspended")
            && !line.descriptionEnglish.contains("provision terminated")
        {
            guard var d = AdditionalDuty.parse(
                line: line, rates: byCode[line.code] ?? [], legalSource: schedule.info.legalSource, country: { lookup.find($0)?.code })
            else { continue }
            d.productList = Self.scopeList(of: d, text: line.descriptionEnglish, loaded: lists)
            if d.origins.isEmpty, line.descriptionEnglish.contains("product of the European Union") { d.origins = europeanUnion }
            if line.descriptionEnglish.contains("or a member nation of the European Union") {
                d.origins = (d.origins + europeanUnion.filter { !d.origins.contains($0) })
            }
            // A list decides such a heading; a condition word in its text ("civil aircraft") does not.
            if d.productList != nil, let c = d.condition, c != "usmca", c != "column2" { d.condition = nil }
            all.append(d)
            if !listed.contains(line.code), d.effect != .noChange, d.anyCountry || !d.origins.isEmpty {
                d.legalBasis = "HTSUS chapter 99 heading \(line.code), naming the goods' country\(d.anyCountry ? " (any country)" : ""); \(schedule.info.legalSource)"
                charging.append(d)
            }
        }
        let found = CountryHeadingMemo.Headings(all: all, charging: charging)
        CountryHeadingMemo.shared.keep(found, for: key)
        return found
    }

    /// The loaded scope list a heading's text points to: a list named by the heading itself, Annex
    /// II for "the subheadings enumerated in subdivision (v)(iii)", the Section 232 lists for
    /// "articles of iron or steel, derivative articles …", the Section 122 exemptions for
    /// subdivisions (aa)(ii) and (aa)(iii) (the list does not say which of the two).
    static func scopeList(of d: AdditionalDuty, text: String, loaded: Set<String>) -> String? {
        let candidates: [String?] = [
            d.heading.formatted,
            text.contains("enumerated in subdivision (v)(iii)") ? "annex-ii" : nil,
            text.hasPrefix("Articles of iron or steel") || text.hasPrefix("Articles of aluminum, of steel") ? "section-232" : nil,
            text.contains("subdivision (aa)(ii)") || text.contains("subdivision (aa)(iii)") ? "section-122-exempt" : nil,
        ]
        return candidates.compactMap { $0 }.first { loaded.contains($0) }
    }

    /// The chapter 99 headings (`9903.88.03`) named in a line's footnotes, in order, once each.
    public static func chapter99References(in notes: [LineNote]) -> [TariffCode] {
        var out: [TariffCode] = []
        for note in notes where note.kind.hasPrefix("footnote") {
            for code in chapter99References(inText: note.text) where !out.contains(code) { out.append(code) }
        }
        return out
    }

    /// The chapter 99 headings (`9903.88.03`) written in one text, in order, once each.
    static func chapter99References(inText text: String) -> [TariffCode] {
        var out: [TariffCode] = []
        let chars = Array(text)
        var i = 0
        while i + 10 <= chars.count {
            let s = String(chars[i..<(i + 10)])
            if s.hasPrefix("99"), s.enumerated().allSatisfy({ ($0.offset == 4 || $0.offset == 7) ? $0.element == "." : $0.element.isNumber }),
                i + 10 == chars.count || !chars[i + 10].isNumber,
                let code = try? TariffCode(s), !out.contains(code)
            {
                out.append(code)
                i += 10
            } else {
                i += 1
            }
        }
        return out
    }

    /// The cooperation registry: the countries of the database, the facts Tarif
    /// curates, and the preference schemes loaded from importers' publications.
    /// - Throws: ``TarifError`` when the database has no countries yet, or
    ///   ``RegistryProblems`` when the facts break an invariant.
    public func registry() throws -> Registry {
        let countries = try store.countries()
        guard !countries.isEmpty else {
            throw TarifError(.notFound, "the database has no countries; load countries/country-codes.csv with `tarif data build`")
        }
        return try Registry(RegistryLoader.input(countries: countries, schemes: try store.preferenceSchemes(), rtas: try store.rtaRecords()))
    }

    func requireLine(_ code: TariffCode, in s: StoredSchedule) throws -> TariffLine {
        if let line = try store.line(code, in: s) { return line }
        let below = try store.lines(under: code, in: s, limit: 5)
        let hint: String
        if !below.isEmpty {
            hint = "; lines under it: \(below.map(\.code.formatted).joined(separator: ", "))\(below.count == 5 ? ", …" : "")"
        } else {
            var nearby: [TariffLine] = []
            var above = code.parent
            while nearby.isEmpty, let a = above, a.length >= 4 {
                nearby = try store.lines(under: a, in: s, limit: 5)
                above = a.parent
            }
            hint = nearby.isEmpty ? "" : "; nearby lines: \(nearby.map(\.code.formatted).joined(separator: ", "))"
        }
        throw TarifError(.notFound, "\(s.info.importer) has no line \(code) in \(s.info.title)\(hint)")
    }
}

/// A line with the rates and notes its schedule publishes for it.
public struct RateAnswer: Sendable, Codable {
    public var schedule: StoredSchedule
    public var line: TariffLine
    /// The code the rates are published on (the line itself or the nearest line above).
    public var publishedOn: TariffCode
    public var rates: [LineRate]
    public var notes: [LineNote]
    /// The WTO bindings that bear on the line (GATT 1994 Art. II:1(b)), where a bound schedule is loaded.
    public var bindings: BindingsFound? = nil
}

/// The bound lines of a Member's Schedule that bear on an applied line: its own code in the
/// same nomenclature, else every bound line under the same HS subheading (then indicative).
public struct BindingsFound: Sendable, Codable {
    public struct Line: Sendable, Codable {
        public var code: TariffCode
        public var description: String
        /// `40%`, or `unbound`.
        public var bound: String
        public var notes: [String]
    }

    public var schedule: String
    public var legalSource: String
    public var sameNomenclature: Bool
    public var lines: [Line]
}

/// The country-naming chapter 99 headings of the versions read so far (a few hundred each),
/// by store and version: the last few versions asked about.
final class CountryHeadingMemo: Sendable {
    struct Key: Hashable {
        var store: String
        var series: String
        var from: Day
        var content: String
        /// The scope lists' content hash ("" when none is loaded).
        var scope: String
    }

    struct Headings: Sendable {
        var all: [AdditionalDuty]
        var charging: [AdditionalDuty]
    }

    static let shared = CountryHeadingMemo()
    private let kept = Mutex<[(Key, Headings)]>([])
    static let capacity = 64

    func find(_ key: Key) -> Headings? { kept.withLock { $0.first { $0.0 == key }?.1 } }

    func keep(_ headings: Headings, for key: Key) {
        kept.withLock { list in
            list.removeAll { $0.0 == key }
            list.append((key, headings))
            if list.count > Self.capacity { list.removeFirst() }
        }
    }
}

/// The Section 232 product lists Tarif curates (`Registry/us-section232-lists.json`), each with
/// its instrument: what the scope files lack (vehicles, Proclamation 10908 Annex I).
struct CuratedScopeLists: Decodable, Sendable {
    struct List: Decodable, Sendable {
        var list: String
        var what: String
        var source: String
        var from: Day
        /// What decides the heading (``Chapter99ScopeRow/detail``): `vehicles` → 9903.94.01.
        var detail: String?
        var subheadings: [String]
    }

    var lists: [List]

    static func load() throws -> CuratedScopeLists { try BundledResource.decode(CuratedScopeLists.self, "us-section232-lists", in: "Registry") }

    /// A bundled file that does not decode is a build defect (CuratedScopeListTests load it
    /// strictly); answers go on without it rather than fail.
    static let shared: CuratedScopeLists = (try? load()) ?? CuratedScopeLists(lists: [])

    /// Every curated entry.
    func allRows() -> [Chapter99ScopeRow] {
        lists.flatMap { l in
            l.subheadings.map {
                Chapter99ScopeRow(list: l.list, prefix: $0.filter(\.isNumber), from: l.from, through: nil, source: "\(l.what): \(l.source)", detail: l.detail ?? "")
            }
        }
    }

    /// The curated entries naming `code` or a code above it.
    func rows(covering code: TariffCode) -> [Chapter99ScopeRow] {
        let digits = code.digits
        return allRows().filter { digits.hasPrefix($0.prefix) }
    }
}
