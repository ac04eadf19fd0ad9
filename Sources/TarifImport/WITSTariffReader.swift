import Foundation
import TarifCore
import ZIPFoundation

/// A WITS "DataJob" download of UNCTAD TRAINS national tariff lines, as any WITS user gets
/// it: a zip holding one CSV (`Reporter, ReporterName, Partner, PartnerName, Year, TL, TLS,
/// Duty Type, Duty Code, AV Duty Rate, Specific Duty Rate, TrfLineDescription,
/// DutyTypeDescription, Duty Nature, AvMethod, Note`) in Windows-1252, and a
/// `[Content_Types].xml` that is ignored.
///
/// One file is one reporter's tariff in one year: one schedule version. `TL` is the national
/// line as a number (chapters 01–09 lose their leading zero: `901111000` is 0901.11.10.00).
/// `Duty Type` 0 is the MFN applied rate; `Duty Type` 3 with `Duty Code` 0/1/2/3 are the
/// ASEAN FTA (CEPT/ATIGA), ASEAN–China, ASEAN–Korea and ASEAN–India rates, emitted as
/// preferential rates under the program codes `AFTA`, `ACFTA`, `AKFTA`, `AIFTA`, which the
/// registry ties to the agreements in force. `AV Duty Rate` is a percentage; `Specific Duty
/// Rate` is text (`Rp 450/kg`, `Rp 125000/L`); `Duty Nature` `N` ("duty rate not provided")
/// carries no rate and is noted.
public struct WITSTariffReader: PublicationReader {
    public static let format = "wits-trains-zip"
    public static let scheduleRoles = ["mfn"]
    public init() {}

    /// Duty Type 3's codes (preferential regimes of an ASEAN reporter) → program code.
    public static let programs: [String: String] = ["0": "AFTA", "1": "ACFTA", "2": "AKFTA", "3": "AIFTA"]
    /// The most bytes the CSV may hold once inflated (the largest real one is 6.3 MB).
    static let maxCSVBytes = 256 << 20
    static let columns = [
        "TL", "Duty Type", "Duty Code", "AV Duty Rate", "Specific Duty Rate", "TrfLineDescription", "Duty Nature", "Note", "Year",
    ]

    public func read(_ source: ByteSource, emit: (ImportEvent) throws -> Void) throws {
        var seenLines: Set<TariffCode> = []
        var seenRates: Set<String> = []
        var year: String?
        try WITSRecords.forEach(source, columns: Self.columns, download: "a WITS tariff-line download") { row in
                let field = row.field
                let at = row.at
                let rowYear = field("Year")
                if let year, rowYear != year {
                    throw TarifError(.badFile, "year \(rowYear) in a file of year \(year): one download is one year", at: at("Year"))
                }
                year = rowYear
                let printed = field("TL")
                // Some downloads went through a program that wrote round numbers in scientific
                // notation (`2.05e+08` for 205000000, 0205.00.00.00): read exactly, or refused.
                guard let tl = Self.lineNumber(printed) else {
                    throw TarifError(.badCode, "'\(InputLimits.echo(printed))' is not a tariff line number", at: at("TL"))
                }
                let code: TariffCode
                do { code = try TariffCode(paddingLostZero: tl) } catch let e as TarifError { throw e.located(at("TL")) }
                if seenLines.insert(code).inserted {
                    try emit(.line(schedule: "mfn", TariffLine(code: code, indent: 0, descriptionEnglish: field("TrfLineDescription"))))
                }
                let type = field("Duty Type")
                let program: String?
                switch type {
                case "0": program = nil
                case "3":
                    guard let p = Self.programs[field("Duty Code")] else {
                        throw TarifError(.badFile, "duty code '\(InputLimits.echo(field("Duty Code")))' of duty type 3 is not one of 0–3", at: at("Duty Code"))
                    }
                    program = p
                default:
                    throw TarifError(.badFile, "duty type '\(InputLimits.echo(type))' is neither 0 (MFN) nor 3 (preferential)", at: at("Duty Type"))
                }
                guard seenRates.insert("\(code.digits)|\(program ?? "")").inserted else {
                    throw TarifError(.badFile, "line \(code) has a second \(program ?? "MFN") rate", at: at("TL"))
                }
                let note = field("Note")
                if !note.isEmpty {
                    try emit(.note(schedule: "mfn", LineNote(code: code, kind: "wits_note", text: "\(program ?? "MFN"): \(note)")))
                }
                if field("Duty Nature") == "N" { return }
                let kind: RateKind = program == nil ? .mfn : .preferential
                let av = field("AV Duty Rate")
                let specific = field("Specific Duty Rate")
                let text = specific.isEmpty ? (av.isEmpty ? "" : av + "%") : specific
                do {
                    guard let expression = try Self.rate(av: av, specific: specific) else { return }
                    try emit(.rate(schedule: "mfn", LineRate(code: code, kind: kind, program: program, text: text, expression: expression)))
                } catch let error as TarifError {
                    let where_ = specific.isEmpty ? at("AV Duty Rate") : at("Specific Duty Rate")
                    try emit(.unparsed(schedule: "mfn", UnparsedRate(location: where_, code: code, kind: kind, text: text, reason: error.message)))
                }
        }
    }

    /// The digits of a line number as printed: plain digits, or an exact integer in scientific
    /// notation (`2.05e+08` → `205000000`); `nil` otherwise.
    static func lineNumber(_ text: String) -> String? {
        if !text.isEmpty, text.utf8.count <= 14, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) { return text }
        let lower = text.lowercased()
        guard text.utf8.count <= 16, let e = lower.firstIndex(of: "e") else { return nil }
        let mantissa = lower[..<e]
        var exponentText = lower[lower.index(after: e)...]
        if exponentText.hasPrefix("+") { exponentText = exponentText.dropFirst() }
        guard let exponent = Int(exponentText), (0...13).contains(exponent),
            mantissa.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 }), mantissa.utf8.filter({ $0 == 46 }).count <= 1
        else { return nil }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count > 1 ? parts[1] : ""
        guard !whole.isEmpty, fraction.count <= exponent else { return nil }
        let digits = String(whole) + fraction + String(repeating: "0", count: exponent - fraction.count)
        let trimmed = digits.drop { $0 == "0" }
        return trimmed.isEmpty ? nil : String(trimmed)
    }

    /// `5` → 5 %; `Rp 450/kg` → 450 IDR per kg; both empty → none.
    static func rate(av: String, specific: String) throws -> DutyExpression? {
        if !specific.isEmpty {
            var s = Substring(specific)
            if s.hasPrefix("Rp") { s = s.dropFirst(2) }
            guard let slash = s.firstIndex(of: "/") else {
                throw TarifError(.badRate, "cannot read specific rate '\(InputLimits.echo(specific))': no unit after '/'")
            }
            let number = s[..<slash].trimming(" ")
            guard let amount = NumberFormat.pointDecimal.parse(Substring(number)), !amount.isNegative, amount <= InputLimits.maxAmount else {
                throw TarifError(.badRate, "cannot read specific rate '\(InputLimits.echo(specific))': '\(InputLimits.echo(number))' is not an amount")
            }
            let unitText = s[s.index(after: slash)...].trimming(" ")
            guard let unit = UnitVocabulary.parse(unitText) else {
                throw TarifError(.badRate, "cannot read specific rate '\(InputLimits.echo(specific))': '\(InputLimits.echo(unitText))' is not a unit")
            }
            let rate = DutyExpression.specific(SpecificRate(amount: Money(amount, .idr), unit: unit))
            if av.isEmpty { return rate }
            guard let p = ExactDecimal(av), !p.isNegative, p <= ExactDecimal(1000) else {
                throw TarifError(.badRate, "cannot read rate '\(InputLimits.echo(av))': not a percentage")
            }
            return p.isZero ? rate : .sum([.adValorem(Percentage(p), basis: .customsValue), rate])
        }
        if av.isEmpty { return nil }
        guard let p = ExactDecimal(av), !p.isNegative, p <= ExactDecimal(1000) else {
            throw TarifError(.badRate, "cannot read rate '\(InputLimits.echo(av))': not a percentage")
        }
        return p.isZero ? .free(condition: nil) : .adValorem(Percentage(p), basis: .customsValue)
    }

    /// The zip's one CSV, inflated (bounded) and turned from Windows-1252 into UTF-8.
    static func csvBytes(path: String, displayName: String) throws -> [UInt8] {
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw TarifError(.badFile, "not a zip archive (a WITS download is one): \(error)", at: SourceLocation(file: displayName))
        }
        let csvs = archive.filter { $0.type == .file && $0.path.lowercased().hasSuffix(".csv") }
        guard csvs.count == 1, let entry = csvs.first else {
            throw TarifError(
                .badFile, "the archive holds \(csvs.count) CSV files; a WITS tariff-line download holds one", at: SourceLocation(file: displayName))
        }
        let raw = try entry.inflated(from: archive, limit: maxCSVBytes, what: "\(entry.path) in the archive", displayName: displayName)
        return Windows1252.utf8(raw)
    }
}

/// Windows-1252, the encoding of WITS downloads (`’` is 0x92), to UTF-8.
enum Windows1252 {
    /// 0x80–0x9F; 0 where the code page leaves the byte undefined (kept as U+FFFD).
    static let high: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    static func utf8(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 16)
        for b in bytes {
            if b < 0x80 {
                out.append(b)
                continue
            }
            let scalar = b < 0xA0 ? (high[Int(b - 0x80)] == 0 ? 0xFFFD : high[Int(b - 0x80)]) : UInt32(b)
            out.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8))
        }
        return out
    }
}

/// The records of a WITS CSV download, after its header: each field by column name, trimmed,
/// with its location (file, line, column). A missing column, a short row or an empty file is
/// an error that says where.
enum WITSRecords {
    struct Row {
        let fields: [String]
        let index: [String: Int]
        let file: String
        let line: Int

        func field(_ name: String) -> String {
            let i = index[name]!
            return i < fields.count ? fields[i].trimming(" ") : ""
        }

        func at(_ name: String) -> SourceLocation { SourceLocation(file: file, line: line, column: index[name]! + 1, field: name) }
    }

    /// Reads the download's CSV (hashing the zip as the publication's content) and hands each record to `body`.
    static func forEach(_ source: ByteSource, columns: [String], download: String, _ body: (Row) throws -> Void) throws {
        let csv = try WITSTariffReader.csvBytes(path: source.path, displayName: source.displayName)
        _ = try source.finishHash()
        let file = source.displayName + " (csv)"
        var parser = CSVRecordParser(file: file)
        var index: [String: Int] = [:]
        var position = 0
        var line = 1
        try csv.withUnsafeBufferPointer { buffer in
            while position < buffer.count {
                guard let end = try parser.parse(buffer, from: position, line: line, atEnd: true), end > position else { break }
                position = end
                let recordLine = line
                line = parser.nextLine
                if parser.isBlank { continue }
                let fields = parser.strings()
                if index.isEmpty {
                    let names = CSVRecordParser.headerNames(fields)
                    for name in columns {
                        guard let i = names.firstIndex(of: name) else {
                            throw TarifError(
                                .badFile, "the CSV has no column '\(name)'; \(download) has \(columns.joined(separator: ", "))",
                                at: SourceLocation(file: file, line: recordLine))
                        }
                        index[name] = i
                    }
                    continue
                }
                guard fields.count > index.values.max()! else {
                    throw TarifError(.badFile, "the row has \(fields.count) fields; the header has more", at: SourceLocation(file: file, line: recordLine))
                }
                try body(Row(fields: fields, index: index, file: file, line: recordLine))
            }
        }
        guard !index.isEmpty else { throw TarifError(.badFile, "the CSV is empty", at: SourceLocation(file: file)) }
    }
}
