import Foundation
import TarifImport
public import TarifCore
public import TarifRegistry
public import TarifRules

/// The market-access matrix: the applied tariff of every (importer, origin, line) on a day,
/// with the treatment behind each cell and its margin of preference, and the aggregates
/// analysts compare markets and origins by.
public enum MarketAccessMatrix {
    /// What to compute.
    public struct Question: Sendable {
        public var day: Day
        /// `nil`: every importer with a schedule in force on the day.
        public var importers: [CountryCode]?
        /// `nil`: every country of the registry.
        public var origins: [CountryCode]?
        /// HS codes or prefixes (`0901`, `09`); `nil`: every line.
        public var products: [TariffCode]?
        /// Write the cells (CSV and Parquet) and not only the aggregates.
        public var cells = true
        /// Trade flows to weight the averages with (``TradeFlows``).
        public var flows: TradeFlows?

        public init(day: Day, importers: [CountryCode]? = nil, origins: [CountryCode]? = nil, products: [TariffCode]? = nil) {
            self.day = day
            self.importers = importers
            self.origins = origins
            self.products = products
        }
    }

    /// The sums one aggregate row is made of (exact), for an (importer, origin) pair or a
    /// chapter of it.
    public struct Sums: Sendable, Hashable {
        /// Cells (lines).
        public var lines = 0
        /// Cells whose applied rate is ad valorem (or free): the averages are over them.
        public var adValoremLines = 0
        public var rateSum: ExactDecimal = .zero
        public var dutyFree = 0
        /// Cells where both the applied and the MFN (or column 2) rate are ad valorem.
        public var marginLines = 0
        public var marginSum: ExactDecimal = .zero
        /// Cells under a preference.
        public var preferential = 0
        /// With trade flows: Σ value × the subheading's simple average, and Σ value, over the
        /// origin's exports to the importer of subheadings with an ad valorem rate.
        public var weightedSum = 0.0
        public var weight = 0.0

        public var tradeWeightedAverage: Double? { weight > 0 ? weightedSum / weight : nil }

        public var averageRate: ExactDecimal? { adValoremLines == 0 ? nil : try? rateSum.divided(by: ExactDecimal(adValoremLines), scale: 4, rule: .halfUp) }
        public var averageMargin: ExactDecimal? { marginLines == 0 ? nil : try? marginSum.divided(by: ExactDecimal(marginLines), scale: 4, rule: .halfUp) }
        /// The share of lines that are duty free, in percent (two places).
        public var dutyFreeShare: ExactDecimal? { lines == 0 ? nil : try? ExactDecimal(dutyFree * 100).divided(by: ExactDecimal(lines), scale: 2, rule: .halfUp) }

        /// Adds one cell.
        mutating func add(rate: ExactDecimal?, margin: ExactDecimal?, free: Bool, preferential p: Bool) throws(TarifError) {
            lines += 1
            if let rate {
                adValoremLines += 1
                try rateSum += rate
            }
            if free { dutyFree += 1 }
            if let margin {
                marginLines += 1
                try marginSum += margin
            }
            if p { preferential += 1 }
        }

        mutating func add(_ o: Sums) throws(TarifError) {
            lines += o.lines
            adValoremLines += o.adValoremLines
            try rateSum += o.rateSum
            dutyFree += o.dutyFree
            marginLines += o.marginLines
            try marginSum += o.marginSum
            preferential += o.preferential
        }
    }

    /// What a run wrote.
    public struct Manifest: Sendable, Codable {
        public struct Schedule: Sendable, Codable {
            public var importer: String
            public var title: String
            public var validFrom: String
            public var lines: Int
            public var legalSource: String
        }
        public var day: String
        public var generatedBy: String
        public var schedules: [Schedule]
        public var origins: Int
        public var products: [String]?
        public var cells: Int
        /// The database's data tag (a digest of the publications loaded): the registry and schedules behind the cells.
        public var dataTag: String
        public var files: [String: String]
        public var columns: [String: String]
        public var notes: [String]
    }

    public static let cellColumns: [(name: String, type: ParquetWriter.ColumnType, optional: Bool, meaning: String)] = [
        ("importer", .string, false, "ISO alpha-3 of the importing country"),
        ("origin", .string, false, "ISO alpha-3 of the origin of the goods"),
        ("line", .string, false, "the importer's tariff line (the level its rates are published on)"),
        ("kind", .string, false, "mfn, preferential or non-mfn (column 2: MFN treatment withdrawn)"),
        ("regime", .string, false, "the treatment applied: MFN, or the agreement with its program (USMCA (S))"),
        ("agreement", .string, true, "the registry id of the agreement behind a preference"),
        ("rate", .string, false, "the applied rate as Tarif reads it"),
        ("ad_valorem", .double, true, "the applied rate in percent when it is ad valorem (or free); empty for specific and compound rates"),
        ("mfn_rate", .string, false, "the MFN (or column 2) rate the origin would pay without the preference"),
        ("mfn_ad_valorem", .double, true, "that rate in percent when ad valorem"),
        ("margin", .double, true, "the margin of preference in percentage points (mfn_ad_valorem - ad_valorem) when both are ad valorem"),
    ]

    /// Computes the matrix of `question` on `index` (built for the day) and writes, into
    /// `directory`: `cells.csv` and `cells.parquet` (unless `question.cells` is false),
    /// `pairs.csv` (per importer and origin), `chapters.csv` (per importer, origin and HS chapter)
    /// and `manifest.json`. Everything is written into a sibling directory first and renamed
    /// into place at the end (an existing `directory` is replaced only then): an interrupted
    /// run leaves no half-written output.
    /// - Throws: ``TarifError`` for an importer with no schedule in force on the day, an
    ///   unknown origin, or a directory that cannot be written.
    public static func write(
        _ question: Question, index: ResolutionIndex, dataTag: String, schedules: [StoredSchedule], to directory: String,
        progress: any ProgressObserver = SilentProgress()
    ) throws -> Manifest {
        let day = question.day
        let inForce = index.importerCodes.filter { index.currency(of: $0, on: day) != nil }
        let importers = question.importers ?? inForce
        for i in importers where !inForce.contains(i) {
            throw TarifError(
                .notFound, "\(i) has no schedule in force on \(day) (importers with one: \(inForce.map(\.rawValue).joined(separator: ", ")))")
        }
        let origins = try (question.origins ?? index.registry.countries.keys.sorted()).map { o in
            guard index.registry.countries[o] != nil else { return try index.registry.country(named: o.rawValue).code }
            return o
        }
        let originPosition = Dictionary(uniqueKeysWithValues: origins.enumerated().map { ($1, $0) })

        let fm = FileManager.default
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let partial = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).partial-\(ProcessInfo.processInfo.processIdentifier)")
        try? fm.removeItem(at: partial)
        do { try fm.createDirectory(at: partial, withIntermediateDirectories: true) } catch {
            throw TarifError(.io, "cannot create \(partial.path) (the matrix is written there first, then renamed to \(target.path)): \(error.localizedDescription)")
        }
        do {
            let manifest = try compute(
                question, importers: importers, origins: origins, originPosition: originPosition, index: index, dataTag: dataTag, schedules: schedules,
                into: partial, progress: progress)
            if fm.fileExists(atPath: target.path) {
                let old = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).old-\(ProcessInfo.processInfo.processIdentifier)")
                try fm.moveItem(at: target, to: old)
                try fm.moveItem(at: partial, to: target)
                try? fm.removeItem(at: old)
            } else {
                try fm.moveItem(at: partial, to: target)
            }
            return manifest
        } catch {
            try? fm.removeItem(at: partial)
            throw error
        }
    }

    /// One cell's columns after importer, origin and line (the same for every origin of a group).
    struct CellTail {
        var kind: String
        var regime: String
        var agreement: String?
        var rate: String
        var adValorem: ExactDecimal?
        var mfnRate: String
        var mfnAdValorem: ExactDecimal?
        var margin: ExactDecimal?
        var free: Bool
        var preferential: Bool
        var csv: String

        init(_ q: QuickDuty) throws(TarifError) {
            kind = q.kind == .mfn ? "mfn" : q.kind == .nonMFN ? "non-mfn" : "preferential"
            regime = q.label
            agreement = q.agreement
            rate = q.rate.summary
            adValorem = q.rate.adValoremRate?.value
            mfnRate = q.floorRate.summary
            mfnAdValorem = q.floorRate.adValoremRate?.value
            if let a = adValorem, let m = mfnAdValorem { margin = try m - a } else { margin = nil }
            free = adValorem?.isZero == true
            preferential = q.kind == .preferential
            func f(_ s: String) -> String { LandedBatch.csvField(s) }
            csv = [kind, f(regime), f(agreement ?? ""), f(rate), adValorem?.normalized.description ?? "", f(mfnRate),
                   mfnAdValorem?.normalized.description ?? "", margin?.normalized.description ?? ""].joined(separator: ",")
        }
    }

    static func compute(
        _ question: Question, importers: [CountryCode], origins: [CountryCode], originPosition: [CountryCode: Int], index: ResolutionIndex,
        dataTag: String, schedules: [StoredSchedule], into dir: URL, progress: any ProgressObserver
    ) throws -> Manifest {
        let day = question.day
        var csv: FileHandle?
        var parquet: ParquetWriter?
        if question.cells {
            let path = dir.appendingPathComponent("cells.csv").path
            guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
                throw TarifError(.io, "cannot write \(path)")
            }
            csv = h
            try h.write(contentsOf: Data((cellColumns.map(\.name).joined(separator: ",") + "\n").utf8))
            parquet = try ParquetWriter(
                path: dir.appendingPathComponent("cells.parquet").path, columns: cellColumns.map { .init($0.name, $0.type, optional: $0.optional) })
        }
        defer { try? csv?.close() }
        var pairs: [[Sums]] = []
        var chapters: [[Sums]] = []  // [importer][origin * 100 + chapter]
        var cells = 0
        var manifestSchedules: [Manifest.Schedule] = []
        var buffer = ""
        buffer.reserveCapacity(1 << 20)
        for (k, importer) in importers.enumerated() {
            // Sums per origin for cells resolved one origin at a time, per group for the others
            // (a group's origins share every such cell): added together at the end.
            var pair = Array(repeating: Sums(), count: origins.count)
            var chapter = Array(repeating: Sums(), count: origins.count * 100)
            var groupPair: [Sums] = []
            var groupChapter: [[Sums]] = []
            var groupOf = Array(repeating: -1, count: origins.count)
            var tails: [QuickDuty: CellTail] = [:]
            // With trade flows: the ad valorem rates summed per HS subheading, per group and per origin.
            let importerFlows = question.flows?.byImporter[importer]
            var groupHS: [[Int32: (sum: Double, count: Int)]] = []
            var originHS: [[Int32: (sum: Double, count: Int)]] = importerFlows == nil ? [] : Array(repeating: [:], count: origins.count)
            let currency = index.currency(of: importer, on: day) ?? .usd
            let context = DutyContext(currency: currency, customsValue: Money(100, currency), quantities: [], componentValues: [:], facts: [:], day: day, exchangeRates: [:], alternative: nil)
            var lines = Set<TariffCode>()
            let prefix = importer.rawValue + ","
            cells += try index.forEachMatrixCell(importer: importer, origins: origins, on: day, products: question.products, context: context) {
                code, g, whole, group, q in
                // Most cells repeat a few treatments: their columns are formatted once.
                let tail: CellTail
                if let t = tails[q] { tail = t } else {
                    tail = try CellTail(q)
                    tails[q] = tail
                }
                lines.insert(code)
                let ch = Int(code.digits.prefix(2)) ?? 0
                let line = code.formatted
                let hs6 = importerFlows == nil ? nil : Int32(code.digits.prefix(6))
                if whole {
                    while groupPair.count <= g {
                        groupPair.append(Sums())
                        groupChapter.append(Array(repeating: Sums(), count: 100))
                        groupHS.append([:])
                    }
                    if let hs6, let r = tail.adValorem { groupHS[g][hs6, default: (0, 0)].sum += r.doubleValue; groupHS[g][hs6, default: (0, 0)].count += 1 }
                    if groupPair[g].lines == 0 { for origin in group { groupOf[originPosition[origin]!] = g } }
                    // What each origin of the group gets, once per origin at the end.
                    try groupPair[g].add(rate: tail.adValorem, margin: tail.margin, free: tail.free, preferential: tail.preferential)
                    try groupChapter[g][ch].add(rate: tail.adValorem, margin: tail.margin, free: tail.free, preferential: tail.preferential)
                } else {
                    let o = originPosition[group.first!]!
                    if let hs6, let r = tail.adValorem { originHS[o][hs6, default: (0, 0)].sum += r.doubleValue; originHS[o][hs6, default: (0, 0)].count += 1 }
                    try pair[o].add(rate: tail.adValorem, margin: tail.margin, free: tail.free, preferential: tail.preferential)
                    try chapter[o * 100 + ch].add(rate: tail.adValorem, margin: tail.margin, free: tail.free, preferential: tail.preferential)
                }
                if let parquet, let h = csv {
                    for origin in group {
                        buffer += prefix
                        buffer += origin.rawValue
                        buffer += ","
                        buffer += line
                        buffer += ","
                        buffer += tail.csv
                        buffer += "\n"
                        if buffer.utf8.count >= 1 << 20 {
                            try h.write(contentsOf: Data(buffer.utf8))
                            buffer.removeAll(keepingCapacity: true)
                        }
                        parquet.string(0, importer.rawValue)
                        parquet.string(1, origin.rawValue)
                        parquet.string(2, line)
                        parquet.string(3, tail.kind)
                        parquet.string(4, tail.regime)
                        parquet.string(5, tail.agreement)
                        parquet.string(6, tail.rate)
                        parquet.double(7, tail.adValorem?.doubleValue)
                        parquet.string(8, tail.mfnRate)
                        parquet.double(9, tail.mfnAdValorem?.doubleValue)
                        parquet.double(10, tail.margin?.doubleValue)
                        try parquet.endRow()
                    }
                }
            }
            for o in origins.indices where groupOf[o] >= 0 {
                let g = groupOf[o]
                try pair[o].add(groupPair[g])
                for ch in 0..<100 where groupChapter[g][ch].lines > 0 { try chapter[o * 100 + ch].add(groupChapter[g][ch]) }
            }
            // Trade-weighted averages: each HS subheading's simple average of the origin's ad
            // valorem rates, weighted by the origin's exports of it to the importer.
            if let importerFlows {
                for (o, origin) in origins.enumerated() {
                    guard let flows = importerFlows[origin] else { continue }
                    for (hs6, value) in flows {
                        var sum = originHS[o][hs6]?.sum ?? 0
                        var count = originHS[o][hs6]?.count ?? 0
                        if groupOf[o] >= 0, let g = groupHS[groupOf[o]][hs6] {
                            sum += g.sum
                            count += g.count
                        }
                        guard count > 0 else { continue }
                        let average = sum / Double(count)
                        pair[o].weightedSum += value * average
                        pair[o].weight += value
                        chapter[o * 100 + Int(hs6 / 10_000)].weightedSum += value * average
                        chapter[o * 100 + Int(hs6 / 10_000)].weight += value
                    }
                }
            }
            pairs.append(pair)
            chapters.append(chapter)
            if let s = schedules.last(where: { $0.info.importer == importer && $0.info.series == ScheduleInfo.mfnSeries(for: importer) && $0.validity.contains(day) }) {
                manifestSchedules.append(.init(importer: importer.rawValue, title: s.info.title, validFrom: s.info.validFrom.description, lines: lines.count, legalSource: s.info.legalSource))
            }
            progress.report(phase: "matrix", fraction: Double(k + 1) / Double(importers.count))
        }
        if let h = csv {
            try h.write(contentsOf: Data(buffer.utf8))
            try h.close()
            csv = nil
            try parquet?.close()
        }
        progress.finish(phase: "matrix")
        try writeAggregates(importers: importers, origins: origins, pairs: pairs, chapters: chapters, dir: dir)
        var files = ["pairs.csv": "per importer and origin", "chapters.csv": "per importer, origin and HS chapter", "manifest.json": "this file"]
        if question.cells {
            files["cells.csv"] = "one row per (importer, origin, line)"
            files["cells.parquet"] = "the same cells in Parquet (PLAIN, uncompressed)"
        }
        let manifest = Manifest(
            day: day.description, generatedBy: "tarif matrix", schedules: manifestSchedules, origins: origins.count,
            products: question.products?.map(\.formatted), cells: cells, dataTag: dataTag, files: files,
            columns: Dictionary(uniqueKeysWithValues: cellColumns.map { ($0.name, $0.meaning) }),
            notes: [
                "Each cell is the treatment `tarif duty` applies to goods of the origin (proof of origin assumed where a preference needs it), without the US chapter 99 additional duties, which depend on the consignment.",
                "Averages are simple averages over the lines whose applied rate is ad valorem or free; specific and compound rates are counted in lines, not in the averages.",
                "The margin of preference is in percentage points, where both the applied and the MFN (or column 2) rate are ad valorem.",
            ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(manifest).write(to: dir.appendingPathComponent("manifest.json"))
        return manifest
    }

    public static let aggregateHeader =
        "lines,ad_valorem_lines,simple_average,duty_free_lines,duty_free_share,margin_lines,average_margin,preferential_lines,weighted_trade,trade_weighted_average"

    static func aggregateFields(_ s: Sums) -> String {
        [String(s.lines), String(s.adValoremLines), s.averageRate?.normalized.description ?? "", String(s.dutyFree),
         s.dutyFreeShare?.normalized.description ?? "", String(s.marginLines), s.averageMargin?.normalized.description ?? "", String(s.preferential),
         s.weight > 0 ? String(format: "%.2f", s.weight) : "", s.tradeWeightedAverage.map { String(format: "%.4f", $0) } ?? ""]
            .joined(separator: ",")
    }

    static func writeAggregates(importers: [CountryCode], origins: [CountryCode], pairs: [[Sums]], chapters: [[Sums]], dir: URL) throws {
        var p = "importer,origin," + aggregateHeader + "\n"
        var c = "importer,origin,chapter," + aggregateHeader + "\n"
        for (k, importer) in importers.enumerated() {
            for (o, origin) in origins.enumerated() where pairs[k][o].lines > 0 {
                p += "\(importer.rawValue),\(origin.rawValue),\(aggregateFields(pairs[k][o]))\n"
                for ch in 1..<100 where chapters[k][o * 100 + ch].lines > 0 {
                    c += "\(importer.rawValue),\(origin.rawValue),\(ch < 10 ? "0" : "")\(ch),\(aggregateFields(chapters[k][o * 100 + ch]))\n"
                }
            }
        }
        try Data(p.utf8).write(to: dir.appendingPathComponent("pairs.csv"))
        try Data(c.utf8).write(to: dir.appendingPathComponent("chapters.csv"))
    }

    /// The heat map of the per-pair simple averages (importers × origins) of a matrix written
    /// in `directory` (its `pairs.csv`).
    public static func heatMap(directory: String, day: String) throws -> SVGHeatMap {
        let path = URL(fileURLWithPath: directory).appendingPathComponent("pairs.csv").path
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch { throw TarifError(.io, "cannot read \(path): \(error.localizedDescription)") }
        var importers: [String] = []
        var origins: [String] = []
        var value: [String: Double] = [:]
        for (n, line) in text.split(separator: "\n").enumerated() where n > 0 {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 5 else { throw TarifError(.badFile, "a row of pairs.csv has \(f.count) fields", at: SourceLocation(file: path, line: n + 1)) }
            if !importers.contains(f[0]) { importers.append(f[0]) }
            if !origins.contains(f[1]) { origins.append(f[1]) }
            if let v = Double(f[4]) { value["\(f[0]),\(f[1])"] = v }
        }
        origins.sort()
        return SVGHeatMap(
            title: "Simple average applied tariff by importer and origin, \(day)", rows: importers, columns: origins,
            values: importers.map { i in origins.map { o in value["\(i),\(o)"] } }, unit: "%",
            caption: "Tarif matrix: the simple average of the ad valorem (or free) applied rates of each importer's lines for goods of each origin; grey: the importer itself")
    }

}

/// Trade flows to weight the matrix's averages: a CSV with the columns `exporter`, `importer`,
/// `hs6` and `value` (any currency, the same throughout: only shares matter), one row per
/// exporter, importer and HS subheading.
public struct TradeFlows: Sendable {
    /// importer → exporter → (HS subheading as a number, value).
    public var byImporter: [CountryCode: [CountryCode: [(hs6: Int32, value: Double)]]] = [:]
    public var rows = 0

    /// At most this many rows.
    public static let maxRows = 20_000_000

    /// Reads and checks a flows file.
    /// - Throws: ``TarifError`` naming the file, line and column: a missing column, an unknown
    ///   country, a code that is not an HS subheading, a negative or malformed value, a row
    ///   that repeats another's exporter, importer and subheading, too many rows.
    public static func read(path: String, registry: Registry) throws -> TradeFlows {
        let source = try ByteSource(path: path, hashing: false)
        defer { source.close() }
        let reader = try CSVReader(source: source)
        let names = reader.header.map { $0.lowercased().trimmingCharacters(in: .whitespaces) }
        let wanted = ["exporter", "importer", "hs6", "value"]
        let missing = wanted.filter { !names.contains($0) }
        guard missing.isEmpty else {
            throw TarifError(
                .badFile, "a flows file needs the columns exporter, importer, hs6, value; it lacks \(missing.joined(separator: ", ")) (it has \(reader.header.joined(separator: ", ")))",
                at: SourceLocation(file: source.displayName, line: 1))
        }
        let col = wanted.map { names.firstIndex(of: $0)! }
        var flows = TradeFlows()
        var seen: [String: Int] = [:]
        var countries: [String: CountryCode] = [:]
        while let record = try reader.next() {
            flows.rows += 1
            guard flows.rows <= maxRows else { throw TarifError(.tooLarge, "more than \(maxRows) rows", at: SourceLocation(file: source.displayName, line: record.line)) }
            func at(_ k: Int) -> SourceLocation { SourceLocation(file: source.displayName, line: record.line, field: wanted[k]) }
            let exporterText = record.fields[col[0]].trimmingCharacters(in: .whitespaces)
            let importerText = record.fields[col[1]].trimmingCharacters(in: .whitespaces)
            let exporter = try countries[exporterText] ?? located(at(0)) { try registry.countryCode(named: exporterText) }
            let importer = try countries[importerText] ?? located(at(1)) { try registry.countryCode(named: importerText) }
            countries[exporterText] = exporter
            countries[importerText] = importer
            let hsText = record.fields[col[2]].filter { $0 != "." && $0 != " " }
            guard hsText.count == 6, hsText.allSatisfy(\.isASCII), hsText.allSatisfy(\.isNumber), let hs6 = Int32(hsText) else {
                throw TarifError(.badInput, "'\(InputLimits.echo(record.fields[col[2]]))' is not an HS subheading (6 digits, like 090121)", at: at(2))
            }
            let valueText = record.fields[col[3]]
            let value = try located(at(3)) { try InputLimits.number(valueText, field: "value", kind: .amount) }
            let key = "\(exporter.rawValue)\(importer.rawValue)\(hsText)"
            if let first = seen[key] {
                throw TarifError(.badFile, "\(exporter) to \(importer) of \(hsText) is given twice (first on line \(first))", at: SourceLocation(file: source.displayName, line: record.line))
            }
            seen[key] = record.line
            flows.byImporter[importer, default: [:]][exporter, default: []].append((hs6, value.doubleValue))
        }
        return flows
    }

    /// `body`'s ``TarifError`` located at `place`.
    static func located<T>(_ place: SourceLocation, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as TarifError { throw TarifError(e.code, e.message, at: place) }
    }
}
