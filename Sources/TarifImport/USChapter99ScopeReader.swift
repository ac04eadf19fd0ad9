#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TarifCore

/// The product lists that decide which goods the 2025–2026 US chapter 99 headings cover, as the
/// Budget Lab at Yale's tariff-rate-tracker extracted them from the U.S. notes to chapter 99 and
/// the orders and proclamations (`resources/*.csv`, MIT; a third party's reading of the law, so
/// every answer built on it says so).
///
/// The catalog names the directory; each file Tarif knows is read into ``Chapter99ScopeRow``s
/// under a list name that says what the list means:
///
/// | file | list |
/// |---|---|
/// | `ieepa_exempt_products.csv` (hts10, start, end) | `annex-ii`: Annex II of EO 14257 (U.S. note 2(v)(iii)) |
/// | `country_eo_exempt_products.csv` (ch99_code, hts10, start, end, source) | `exempt-from:<ch99_code>`: an order's annex of products exempt from that heading |
/// | `fentanyl_carveout_products.csv` (hts8, ch99_code) | `<ch99_code>`: the products that heading describes |
/// | `floor_exempt_products.csv` (hts8, ch99_code, start) | `<ch99_code>` |
/// | `s232_metal_chapter_products.csv` (metal, kind), `s232_copper_products.csv` (heading) | `section-232`, until 5 April 2026 |
/// | `s232_annex_products.csv` (annex, metal) | `section-232` from 6 April 2026; annex 2 (taken out of Section 232): `section-232-removed` |
/// | `s232_derivative_products.csv` (heading, metal) | `section-232-derivative`, until 5 April 2026 |
///
/// The words in brackets are kept as each entry's ``Chapter99ScopeRow/detail``: TarifRules'
/// ``Section232`` reads from them which heading charges the goods.
/// | `s122_exempt_products.csv` (hts8) | `section-122-exempt` |
///
/// Other files of the directory (Section 301 lists, which the HTS's own footnotes give, census
/// codes, the project's parameters) are not read. A date that is not ISO (`NA` and empty are
/// "open"), a code that is not 4–10 digits, an end before a start, or a missing column is an
/// error naming the file and line, and nothing is loaded.
public struct USChapter99ScopeReader: PublicationReader {
    public static let format = "us-ch99-scope-csv"
    public static let scheduleRoles: [String] = []
    public init() {}

    public static let maxFileBytes = 16 << 20
    public static let maxRows = 200_000
    public static var readsDirectory: Bool { true }

    /// How one file is read: its code, list and date columns.
    struct Layout: Sendable {
        var file: String
        var code: String
        /// A fixed list name, or nil to take it from `listColumn`.
        var list: String?
        var listColumn: String? = nil
        var listPrefix: String = ""
        var start: String? = nil
        var end: String? = nil
        /// The first day when the file gives none (the measure's own start).
        var defaultStart: String? = nil
        /// The last day when the file gives none (the day a later regime replaced the list).
        var defaultEnd: String? = nil
        var source: String
        var sourceColumn: String? = nil
        /// Columns whose words are kept as the entry's ``Chapter99ScopeRow/detail``.
        var detailColumns: [String] = []
        /// Another list for the entries whose value in `column` is `value` (`annex` 2: the
        /// products the April 2026 proclamation took out of Section 232).
        var otherList: (column: String, value: String, list: String)? = nil
    }

    /// The day the Section 232 annex regime replaced the earlier lists (the proclamation of
    /// 2 April 2026, effective 6 April; HTS 2026 revision 5): the lists of the earlier regime
    /// end the day before, as their publisher reads them (`policy_params.yaml`: the metal-chapter
    /// list is "pre-annex-era").
    static let annexRegimeEve = "2026-04-05"

    static let layouts: [Layout] = [
        Layout(
            file: "ieepa_exempt_products.csv", code: "hts10", list: "annex-ii", start: "effective_date_start", end: "effective_date_end",
            source: "Annex II to Executive Order 14257, as amended (U.S. note 2(v)(iii) to subchapter III of chapter 99), as listed by the Budget Lab at Yale"),
        Layout(
            file: "country_eo_exempt_products.csv", code: "hts10", list: nil, listColumn: "ch99_code", listPrefix: "exempt-from:",
            start: "effective_date_start", end: "effective_date_end", source: "", sourceColumn: "source"),
        Layout(
            file: "fentanyl_carveout_products.csv", code: "hts8", list: nil, listColumn: "ch99_code",
            source: "the products of the heading (U.S. note 2 to subchapter III of chapter 99), as listed by the Budget Lab at Yale"),
        Layout(
            file: "floor_exempt_products.csv", code: "hts8", list: nil, listColumn: "ch99_code", start: "effective_date_start",
            source: "the products of the heading (the framework's annex, U.S. note 2 to subchapter III of chapter 99), as listed by the Budget Lab at Yale"),
        Layout(
            file: "s232_metal_chapter_products.csv", code: "hts_prefix", list: "section-232", start: "effective_date", defaultEnd: annexRegimeEve,
            source: "Section 232 steel and aluminium articles (U.S. notes 16 and 19 to subchapter III of chapter 99; Proclamations 9704 and 9705 of 2018, as amended; until the annexes of 6 April 2026)",
            sourceColumn: "source", detailColumns: ["metal_type", "kind"]),
        Layout(
            file: "s232_copper_products.csv", code: "hts10", list: "section-232", defaultStart: "2025-08-01", defaultEnd: annexRegimeEve,
            source: "Section 232 copper articles (U.S. note 36 to subchapter III of chapter 99; Proclamation 10962, from 1 August 2025 until the annexes of 6 April 2026)",
            detailColumns: ["ch99_code"]),
        Layout(
            file: "s232_annex_products.csv", code: "hts_prefix", list: "section-232", start: "effective_date",
            source: "Section 232 metals annex (U.S. note 16 to subchapter III of chapter 99, as restructured from 6 April 2026)", sourceColumn: "source",
            detailColumns: ["annex", "metal_type"], otherList: ("annex", "2", "section-232-removed")),
        Layout(
            file: "s232_derivative_products.csv", code: "hts_prefix", list: "section-232-derivative", start: "effective_date", defaultEnd: annexRegimeEve,
            source: "Section 232 derivative articles of steel or aluminium (U.S. notes 16 and 19; Proclamations 10895, 10896 and 10947 of 2025; until the annexes of 6 April 2026)",
            detailColumns: ["ch99_code", "derivative_type"]),
        Layout(
            file: "s122_exempt_products.csv", code: "hts8", list: "section-122-exempt", defaultStart: "2026-02-24",
            source: "the products exempt from the Section 122 surcharge (the proclamation of 20 February 2026, U.S. note 2(aa) to subchapter III of chapter 99), as listed by the Budget Lab at Yale"),
    ]

    /// The files of `path` this reader knows, in the table's order; at least one must exist.
    static func files(directory path: String, displayName: String) throws -> [(layout: Layout, path: String, display: String)] {
        let found = layouts.compactMap { l -> (Layout, String, String)? in
            let p = path + "/" + l.file
            return access(p, R_OK) == 0 ? (l, p, displayName + "/" + l.file) : nil
        }
        guard !found.isEmpty else {
            throw TarifError(
                .badFile, "none of the scope files (\(layouts.map(\.file).joined(separator: ", "))) is in the directory",
                at: SourceLocation(file: displayName))
        }
        return found
    }

    public static func contentHash(of path: String, displayName: String) throws -> String {
        try ByteSource.contentHash(ofFiles: try files(directory: path, displayName: displayName).map { ($0.layout.file, $0.path, $0.display) })
    }

    public func read(_ source: ByteSource, emit: (ImportEvent) throws -> Void) throws {
        throw TarifError(.badFile, "the chapter 99 scope lists are a directory of CSV files: name the directory", at: SourceLocation(file: source.displayName))
    }

    public func read(directory path: String, displayName: String, progress: (Double) -> Void, emit: (ImportEvent) throws -> Void) throws {
        let files = try Self.files(directory: path, displayName: displayName)
        var total = 0
        for (i, f) in files.enumerated() {
            let source = try ByteSource(path: f.path, displayName: f.display, hashing: false, maxBytes: Self.maxFileBytes)
            defer { source.close() }
            var bytes: [UInt8] = []
            while true {
                let chunk = try source.read()
                if chunk.isEmpty { break }
                bytes.append(contentsOf: chunk)
            }
            let (rows, skipped) = try Self.rows(bytes, layout: f.layout, display: f.display)
            for (at, why) in skipped { try emit(.skipped(at, why)) }
            for row in rows {
                total += 1
                guard total <= Self.maxRows else {
                    throw TarifError(.tooLarge, "more than \(Self.maxRows) scope rows", at: SourceLocation(file: displayName))
                }
                try emit(.chapter99Scope(row))
            }
            progress(Double(i + 1) / Double(files.count))
        }
    }

    /// The rows of one file. Lines starting with `#` are comments.
    static func rows(_ input: [UInt8], layout: Layout, display: String) throws -> (rows: [Chapter99ScopeRow], skipped: [(SourceLocation, String)]) {
        var skipped: [(SourceLocation, String)] = []
        // Blank the comment lines (keeping their line breaks, so line numbers stay true).
        var bytes = input
        var lineStart = true
        var inComment = false
        for i in bytes.indices {
            if lineStart && bytes[i] == UInt8(ascii: "#") { inComment = true }
            if bytes[i] == UInt8(ascii: "\n") {
                inComment = false
                lineStart = true
                continue
            }
            lineStart = false
            if inComment { bytes[i] = UInt8(ascii: " ") }
        }
        var parser = CSVRecordParser(file: display)
        var records: [(line: Int, fields: [String])] = []
        try bytes.withUnsafeBufferPointer { buf in
            var position = 0
            var line = 1
            while position < buf.count, let end = try parser.parse(buf, from: position, line: line, atEnd: true) {
                let fields = parser.strings()
                if !(fields.count == 1 && fields[0].allSatisfy({ $0 == " " || $0 == "\r" })) { records.append((line, fields)) }
                position = end
                line = parser.nextLine
            }
        }
        guard let header = records.first.map({ CSVRecordParser.headerNames($0.fields) }) else {
            throw TarifError(.badFile, "the file is empty (no header row)", at: SourceLocation(file: display))
        }
        func column(_ name: String?) throws -> Int? {
            guard let name else { return nil }
            guard let i = header.firstIndex(of: name) else {
                throw TarifError(.badFile, "the header lacks column \(name); it has \(header.joined(separator: ", "))", at: SourceLocation(file: display, line: records[0].line))
            }
            return i
        }
        let code = try column(layout.code)!
        let listColumn = try column(layout.listColumn)
        let start = try column(layout.start)
        let end = try column(layout.end)
        let sourceColumn = try column(layout.sourceColumn)
        let detailColumns = try layout.detailColumns.map { try column($0)! }
        let otherColumn = try column(layout.otherList?.column)
        let defaultStart = try layout.defaultStart.map { try Day(iso: $0) }
        let defaultEnd = try layout.defaultEnd.map { try Day(iso: $0) }
        var out: [Chapter99ScopeRow] = []
        for (line, fields) in records.dropFirst() {
            let at = SourceLocation(file: display, line: line)
            guard fields.count == header.count else {
                throw TarifError(.badFile, "the row has \(fields.count) fields; the header has \(header.count)", at: at)
            }
            let digits = fields[code].filter { $0 != "." && $0 != " " }
            if (11...14).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
                // Longer than any HTS line (the publisher's slip, e.g. 850511007000): it can
                // match no line, so it is left out and listed.
                skipped.append((at, "'\(digits)' is longer than an HTS statistical line (10 digits): no line can match it, left out"))
                continue
            }
            guard (4...10).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw TarifError(.badFile, "'\(InputLimits.echo(fields[code]))' in column \(layout.code) is not an HTS code of 4 to 10 digits", at: at)
            }
            var list: String
            if let fixed = layout.list {
                list = fixed
                if let other = layout.otherList, let c = otherColumn, fields[c].trimming(" \r") == other.value { list = other.list }
            } else {
                let heading = fields[listColumn!].trimming(" \r")
                guard heading.hasPrefix("9903."), heading.count == 10, (try? TariffCode(heading)) != nil else {
                    throw TarifError(.badFile, "'\(InputLimits.echo(heading))' in column \(layout.listColumn!) is not a chapter 99 heading (9903.xx.xx)", at: at)
                }
                list = layout.listPrefix + heading
            }
            func day(_ i: Int?) throws -> Day? {
                guard let i else { return nil }
                let t = fields[i].trimming(" \r")
                if t.isEmpty || t == "NA" { return nil }
                do { return try Day(iso: t) } catch {
                    throw TarifError(.badDate, "'\(InputLimits.echo(t))' in column \(header[i]) is not a date (YYYY-MM-DD, NA or empty)", at: at)
                }
            }
            let from = try day(start) ?? defaultStart
            let through = try day(end) ?? defaultEnd
            if let from, let through, through < from {
                throw TarifError(.badDate, "the entry ends (\(through)) before it starts (\(from))", at: at)
            }
            let source = sourceColumn.map { fields[$0].trimming(" \r") }.flatMap { $0.isEmpty ? nil : $0 }
            let detail = detailColumns.map { fields[$0].trimming(" \r") }.filter { !$0.isEmpty }.joined(separator: " ")
            guard detail.utf8.count <= 200 else {
                throw TarifError(.tooLarge, "the entry's \(layout.detailColumns.joined(separator: ", ")) run to \(detail.utf8.count) bytes (at most 200)", at: at)
            }
            out.append(
                Chapter99ScopeRow(
                    list: list, prefix: digits, from: from, through: through,
                    source: source.map { layout.source.isEmpty ? $0 : layout.source + "; " + $0 } ?? layout.source, detail: detail))
        }
        return (out, skipped)
    }
}
