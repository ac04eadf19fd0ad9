#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TarifCore

/// Australia's Working Tariff (Customs Tariff Act 1995) as scraped into JSON from the
/// Australian Border Force's pages: Schedule 3 (`tariff-schedule3.json[.gz]`, sections →
/// chapters → headings → classifications with `referenceNumber`, `statisticalCode`,
/// `unit`, `description`, `dutyRate`) and, beside it, the FTA schedules 4A–16
/// (`tariff-schedules-fta.json[.gz]`, `{"Schedule 9A": [{hsCode, description, dutyRate}]}`).
///
/// The law the reader applies:
/// - The general rate (Schedule 3, column 3) is owed by every origin: Australia has no
///   column 2, so it is the MFN rate.
/// - The special rates run together after it (`5% DCS4% CAFree DCT5%`) are for the classes
///   of s. 14; a class a cell does not name pays, under s. 16, Free if it is New Zealand,
///   Papua New Guinea, a Forum Island or a Least Developed Country, and the general rate
///   otherwise (Canada, the developing-country classes).
/// - A cell that phases (`5% From1July2018 3.75% From1July2019 Free`) is read at its last
///   stage; every stage's date must be on or before the edition's, which the tests check.
/// - An FTA schedule lists only the lines whose rate for originating goods is not Free: an
///   originating good on any other line is Free, and the rate's text says so.
/// - A numbered rate for one party (`(Rate No. 002) United Kingdom:` in the CPTPP's 8B)
///   becomes a program of its own (`CPTPP-GBR`); the other parties keep the line's own.
public struct AustralianTariffReader: PublicationReader {
    public static let format = "aus-working-tariff-json"
    public static let scheduleRoles = ["mfn"]
    public init() {}

    /// The FTA schedules: the Act's schedule number → program code in the registry.
    public static let ftaSchedules: [(schedule: String, program: String)] = [
        ("Schedule 4A", "SAFTA"), ("Schedule 5", "AUSFTA"), ("Schedule 6", "TAFTA"), ("Schedule 6A", "PAFTA"),
        ("Schedule 7", "ACIFTA"), ("Schedule 8", "AANZFTA"), ("Schedule 8A", "PACER"), ("Schedule 8B", "CPTPP"),
        ("Schedule 9", "MAFTA"), ("Schedule 9A", "IACEPA"), ("Schedule 10", "KAFTA"), ("Schedule 10A", "AIECTA"),
        ("Schedule 11", "JAEPA"), ("Schedule 12", "CHAFTA"), ("Schedule 13", "AHKFTA"), ("Schedule 14", "RCEP"),
        ("Schedule 15", "AUKFTA"), ("Schedule 16", "UAECEPA"),
    ]
    /// Parties a numbered rate may name, by the name the schedules print.
    static let partyNames = ["United Kingdom": "GBR"]
    /// Classes that are Free where a cell sets out no rate for them (s. 16).
    static let freeByDefault = ["NZ", "PG", "FI", "LDC"]
    /// Schedule 1 abbreviations of single countries Schedule 3 names (s. 14(1)(h)), with a program.
    static let namedCountries: Set<String> = ["MY"]
    static let ftaFileName = "tariff-schedules-fta.json"
    /// The most rows an FTA schedule may have (the longest, 8B, has 613).
    static let maxFTARows = 50_000

    public static func contentHash(of path: String, displayName: String) throws -> String {
        var hasher = SHA256()
        hasher.update(Array(try ByteSource.contentHash(of: path, displayName: displayName).utf8))
        let fta = try ftaFile(beside: path, displayName: displayName)
        hasher.update(Array(try ByteSource.contentHash(of: fta.path, displayName: fta.display).utf8))
        return hasher.finalizeHex()
    }

    static func ftaFile(beside path: String, displayName: String) throws -> (path: String, display: String) {
        guard let found = ByteSource.existing(ftaFileName, besides: path, displayName: displayName) else {
            throw TarifError(.io, "the FTA schedules '\(ftaFileName)' (or '.gz') are not beside Schedule 3", at: SourceLocation(file: displayName))
        }
        return found
    }

    /// One row of an FTA schedule, read.
    struct FTARow {
        var party: String?
        var text: String
        var from: Day?
        var note: String?
        var at: SourceLocation
        var problem: String?
    }

    /// Every FTA schedule's rows by program and code.
    static func readFTA(path: String, display: String) throws -> [String: [TariffCode: [FTARow]]] {
        let source = try ByteSource(path: path, displayName: display, hashing: false, maxBytes: 64 << 20)
        defer { source.close() }
        let document = try JSONArrayReader(source: source).document()
        guard case .object(let schedules) = document else {
            throw TarifError(.badFile, "the FTA file is not an object of schedules", at: SourceLocation(file: display))
        }
        let programs = Dictionary(uniqueKeysWithValues: ftaSchedules.map { ($0.schedule, $0.program) })
        var out: [String: [TariffCode: [FTARow]]] = [:]
        for (name, rows) in schedules {
            if name == "Schedule 4" { continue }  // concessional items, not a preference
            guard let program = programs[name] else {
                throw TarifError(.badFile, "'\(InputLimits.echo(name))' is not one of the FTA schedules 4A–16", at: SourceLocation(file: display, field: name))
            }
            guard case .array(let list) = rows else {
                throw TarifError(.badFile, "\(name) is not a list of rows", at: SourceLocation(file: display, field: name))
            }
            guard list.count <= maxFTARows else {
                throw TarifError(.tooLarge, "\(name) has \(list.count) rows; at most \(maxFTARows) are read", at: SourceLocation(file: display, field: name))
            }
            var byCode: [TariffCode: [FTARow]] = [:]
            for (i, row) in list.enumerated() {
                let at = SourceLocation(file: display, field: "\(name)[\(i)].hsCode")
                guard case .object = row else { throw TarifError(.badFile, "a row is not an object", at: at) }
                var codeText = AustralianRateParser.clean(row["hsCode"]?.text ?? "")
                var note: String?
                if let star = codeText.firstIndex(of: "*") {
                    note = "prescribed goods only"
                    codeText = String(codeText[..<star])
                }
                let code: TariffCode
                do { code = try TariffCode(codeText) } catch let e as TarifError { throw e.located(at) }
                guard code.length == 8 else {
                    throw TarifError(.badFile, "'\(InputLimits.echo(codeText))' is not an 8-digit tariff classification", at: at)
                }
                // The description holds the code, then "(Rate No. 002) United Kingdom:" and "From 1 January 2022:".
                var qualifier = Substring(AustralianRateParser.clean(row["description"]?.text ?? ""))
                if qualifier.hasPrefix(code.formatted) { qualifier = qualifier.dropFirst(code.formatted.count) }
                if let star = qualifier.firstIndex(of: "*") { qualifier = qualifier[qualifier.index(after: star)...] }
                qualifier = qualifier.drop { $0 == " " }
                var r = FTARow(party: nil, text: "", from: nil, note: note, at: SourceLocation(file: display, field: "\(name)[\(i)].dutyRate"))
                var numbered = false
                if qualifier.hasPrefix("(*prescribed goods only)") { qualifier = qualifier.dropFirst(24).drop { $0 == " " } }
                if qualifier.hasPrefix("(Rate No.") {
                    numbered = true
                    guard let close = qualifier.firstIndex(of: ")") else {
                        throw TarifError(.badFile, "'(Rate No.' is not closed", at: SourceLocation(file: display, field: "\(name)[\(i)].description"))
                    }
                    qualifier = qualifier[qualifier.index(after: close)...].drop { $0 == " " }
                    if let colon = qualifier.firstIndex(of: ":"), !qualifier.hasPrefix("From") {
                        let party = String(qualifier[..<colon]).trimming(" ")
                        guard let iso = partyNames[party] else {
                            r.problem = "a numbered rate for '\(InputLimits.echo(party))', a party the reader does not know"
                            byCode[code, default: []].append(r)
                            continue
                        }
                        r.party = iso
                        qualifier = qualifier[qualifier.index(after: colon)...].drop { $0 == " " }
                    }
                }
                if let (day, rest) = try? AustralianRateParser.leadingDate(qualifier) {
                    r.from = day
                    qualifier = rest
                }
                var rate = Substring(AustralianRateParser.clean(row["dutyRate"]?.text ?? ""))
                do {
                    if let (day, rest) = try AustralianRateParser.leadingDate(rate) {
                        r.from = day
                        rate = rest
                    }
                } catch let e as TarifError {
                    r.problem = e.message
                }
                r.text = String(rate)
                if numbered, r.party == nil, r.problem == nil, !(row["description"]?.text ?? "").contains("Rate No. 001") {
                    // A second numbered rate is for some party; where the scrape lost its name, the row cannot be placed.
                    r.problem = "a numbered rate without the party it is for: the scraped text lost the name"
                }
                byCode[code, default: []].append(r)
            }
            out[program] = byCode
        }
        return out
    }

    public func read(_ source: ByteSource, emit: (ImportEvent) throws -> Void) throws {
        let parser = AustralianRateParser()
        let ftaFile = try Self.ftaFile(beside: source.path, displayName: source.displayName)
        let fta = try Self.readFTA(path: ftaFile.path, display: ftaFile.display)
        var listed = Set(fta.values.flatMap(\.keys))
        let json = JSONArrayReader(source: source)
        var emitted: Set<TariffCode> = []
        // The scrape prints some chapters twice (under two sections); a classification's rates are read once.
        var rated: [TariffCode: String] = [:]
        var path = PathStack()
        while let section = try json.next() {
            let line = json.elementLine
            guard case .object = section else {
                throw TarifError(.badFile, "a section is not an object", at: SourceLocation(file: source.displayName, line: line))
            }
            for (c, chapter) in (section["chapters"]?.array ?? []).enumerated() {
                for (h, heading) in (chapter["headings"]?.array ?? []).enumerated() {
                    path = PathStack()  // each heading starts its own outline
                    for (k, row) in (heading["classifications"]?.array ?? []).enumerated() {
                        let field = "chapters[\(c)].headings[\(h)].classifications[\(k)]"
                        let at = SourceLocation(file: source.displayName, line: line, field: field + ".referenceNumber")
                        var reference = AustralianRateParser.clean(row["referenceNumber"]?.text ?? "")
                        // Marks after the number ("2707.10.00*", "2939.11.00#") are kept as a note.
                        let mark = String(reference.drop { $0.isNumber || $0 == "." })
                        if !mark.isEmpty, mark.count <= 3, mark.allSatisfy({ $0 == "*" || $0 == "#" }) { reference.removeLast(mark.count) }
                        let rateText = AustralianRateParser.clean(row["dutyRate"]?.text ?? "")
                        let statistical = AustralianRateParser.clean(row["statisticalCode"]?.text ?? "")
                        let description = AustralianRateParser.clean(row["description"]?.text ?? "")
                        guard !reference.isEmpty, reference.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "." }) else {
                            throw TarifError(.badFile, "'\(InputLimits.echo(reference))' is not a tariff classification", at: at)
                        }
                        let digits = reference.filter(\.isNumber).count
                        guard digits == 6 || digits == 8 else {
                            // A reference the scrape cut short ("9503.00.9"): list it if it carries a rate.
                            if !rateText.isEmpty, let code = try? TariffCode(String(reference.filter(\.isNumber).prefix(6))) {
                                try emit(.unparsed(schedule: "mfn", UnparsedRate(
                                    location: at, code: code, kind: .mfn, text: rateText,
                                    reason: "the reference number '\(InputLimits.echo(reference))' is cut short, so the line the rate is for is unknown")))
                            }
                            continue
                        }
                        let code: TariffCode
                        do { code = try TariffCode(reference) } catch let e as TarifError { throw e.located(at) }
                        let depth = description.prefix { $0 == "-" }.count
                        let text = description.drop { $0 == "-" || $0 == " " }
                        let parents = path.enter(depth: depth, text: String(text))
                        let unit = AustralianRateParser.clean(row["unit"]?.text ?? "")
                        let units = unit.isEmpty || unit == ".." ? [] : [unit]
                        if emitted.insert(code).inserted {
                            try emit(.line(schedule: "mfn", TariffLine(code: code, indent: depth, descriptionEnglish: String(text), units: units, path: parents)))
                            if !mark.isEmpty, mark.count <= 3 {
                                try emit(.note(schedule: "mfn", LineNote(code: code, kind: "mark", text: "marked '\(mark)' in the Working Tariff")))
                            }
                        } else if !statistical.isEmpty, rateText.isEmpty, let stat = try? TariffCode(reference + "." + statistical), stat.length == 10 {
                            if emitted.insert(stat).inserted {
                                try emit(.line(schedule: "mfn", TariffLine(code: stat, indent: depth, descriptionEnglish: String(text), units: units, path: parents)))
                            }
                        }
                        guard !rateText.isEmpty else { continue }
                        guard code.length == 8 else {
                            try emit(.unparsed(schedule: "mfn", UnparsedRate(
                                location: at, code: code, kind: .mfn, text: rateText, reason: "a rate on a 6-digit subheading, not on a classification")))
                            continue
                        }
                        if let earlier = rated[code] {
                            if earlier != rateText {
                                try emit(.unparsed(schedule: "mfn", UnparsedRate(
                                    location: SourceLocation(file: source.displayName, line: line, field: field + ".dutyRate"), code: code, kind: .mfn,
                                    text: rateText, reason: "\(code.formatted) is printed twice with different rates; the first ('\(InputLimits.echo(earlier))') is kept")))
                            }
                            continue
                        }
                        rated[code] = rateText
                        listed.remove(code)
                        try emitLine(
                            code: code, cell: rateText, at: SourceLocation(file: source.displayName, line: line, field: field + ".dutyRate"),
                            fta: fta, parser: parser, emit: emit)
                    }
                }
            }
        }
        // FTA rows for classifications Schedule 3 does not have.
        let chapters = Set(rated.keys.map(\.chapter))
        for code in listed.sorted() {
            for (program, rows) in fta.sorted(by: { $0.key < $1.key }) {
                for row in rows[code] ?? [] {
                    try emit(.unparsed(schedule: "mfn", UnparsedRate(
                        location: row.at, code: code, kind: .preferential, text: row.text,
                        reason: "\(program) lists \(code.formatted), but Schedule 3 as published has no rate for it (\(chapters.contains(code.chapter) ? "the line is missing from the scrape" : "the scrape lacks chapter \(code.chapter.digits)")), so the line's general rate is unknown")))
                }
            }
        }
        _ = try source.finishHash()
    }

    /// One classification's general, special and FTA rates.
    func emitLine(
        code: TariffCode, cell: String, at: SourceLocation, fta: [String: [TariffCode: [FTARow]]], parser: AustralianRateParser,
        emit: (ImportEvent) throws -> Void
    ) throws {
        let phases: [AustralianRateParser.Phase]
        do { phases = try parser.phases(cell) } catch let e as TarifError {
            try emit(.unparsed(schedule: "mfn", UnparsedRate(location: at, code: code, kind: .mfn, text: cell, reason: e.message)))
            return
        }
        guard let last = phases.last else { return }
        if phases.count > 1 {
            try emit(.note(schedule: "mfn", LineNote(code: code, kind: "phasing", text: cell)))
        }
        if let from = last.from {
            try emit(.note(schedule: "mfn", LineNote(code: code, kind: "rate_from", text: "the rates in force from \(from)")))
        }
        func rate(_ text: String, kind: RateKind, program: String?, shown: String? = nil, note: String? = nil) throws {
            do {
                guard var expression = try parser.parse(text) else { return }
                if let note { expression = .annotated(expression, note: note) }
                try emit(.rate(schedule: "mfn", LineRate(code: code, kind: kind, program: program, text: shown ?? text, expression: expression)))
            } catch let e as TarifError {
                try emit(.unparsed(schedule: "mfn", UnparsedRate(location: at, code: code, kind: kind, text: text, reason: e.message)))
            }
        }
        try rate(last.general, kind: .mfn, program: "general")
        var setOut: Set<String> = []
        for special in last.special {
            for cls in special.classes {
                if cls == "SG" { continue }  // s. 14(1)(j) repealed (2017): Singapore's rates are SAFTA's, Schedule 4A
                guard AustralianRateParser.classes.contains(cls) || Self.namedCountries.contains(cls) else {
                    try emit(.unparsed(schedule: "mfn", UnparsedRate(
                        location: at, code: code, kind: .preferential, text: "\(cls) \(special.text)",
                        reason: "'\(cls)' is not a class of s. 14 or a country Tarif has a program for")))
                    continue
                }
                setOut.insert(cls)
                try rate(special.text, kind: .preferential, program: cls)
            }
        }
        for cls in Self.freeByDefault where !setOut.contains(cls) {
            try emit(.rate(schedule: "mfn", LineRate(
                code: code, kind: .preferential, program: cls, text: "Free (no \(cls) rate set out: s. 16)", expression: .free(condition: nil))))
        }
        for (schedule, program) in Self.ftaSchedules {
            let rows = fta[program]?[code] ?? []
            let number = schedule.dropFirst("Schedule ".count)
            let common = rows.filter { $0.party == nil }
            let forParty = rows.filter { $0.party != nil }
            if common.count > 1 {
                try emit(.unparsed(schedule: "mfn", UnparsedRate(
                    location: common[1].at, code: code, kind: .preferential, text: common[1].text, reason: "\(schedule) lists \(code.formatted) twice")))
            }
            func emitRow(_ row: FTARow?, program: String) throws {
                guard let row else {
                    try emit(.rate(schedule: "mfn", LineRate(
                        code: code, kind: .preferential, program: program, text: "Free (not listed in Schedule \(number))", expression: .free(condition: nil))))
                    return
                }
                if let problem = row.problem {
                    try emit(.unparsed(schedule: "mfn", UnparsedRate(location: row.at, code: code, kind: .preferential, text: row.text, reason: problem)))
                    return
                }
                let shown = row.from.map { "From \($0): \(row.text)" } ?? row.text
                do {
                    guard var expression = try parser.parse(row.text) else {
                        throw TarifError(.badRate, "the row states no rate")
                    }
                    if let note = row.note { expression = .annotated(expression, note: note) }
                    try emit(.rate(schedule: "mfn", LineRate(code: code, kind: .preferential, program: program, text: shown, expression: expression)))
                } catch let e as TarifError {
                    try emit(.unparsed(schedule: "mfn", UnparsedRate(location: row.at, code: code, kind: .preferential, text: row.text, reason: e.message)))
                }
            }
            if program == "CPTPP" {
                try emitRow(common.first, program: program)
                try emitRow(forParty.first { $0.party == "GBR" } ?? common.first, program: "CPTPP-GBR")
            } else {
                try emitRow(common.first ?? forParty.first, program: program)
            }
        }
    }
}
