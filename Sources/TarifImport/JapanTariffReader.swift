#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TarifCore

/// Japan's Customs Tariff Schedule (実行関税率表) as a directory of per-chapter JSON trees
/// (`j_09_tariff_data.json[.gz]`) named by an `index.json[.gz]`, the form the schedule is
/// scraped into from Japan Customs' pages: each node has `stat_code` (6 digits, dotted),
/// `hs_code` (the 3 national digits), `desc` (Japanese), `rate` (27 columns), `unit`,
/// `law` (other-law codes) and `children`.
///
/// The catalog names the index; the reader opens the chapter files beside it, and the
/// publication's content hash covers the index and every chapter it names.
///
/// Which rate is the MFN rate (Customs Tariff Act Art. 3 and 5; Temporary Tariff Measures
/// Act Art. 2): the temporary rate (暫定) replaces the general one (基本) where given; the
/// WTO rate (WTO協定) applies to goods of Members where it is lower, and the schedule prints
/// it in brackets where it is not. The GSP (特恵), LDC (特別特恵) and the 22 EPA columns become
/// preferential rates under program codes the registry ties to their agreements. A code the
/// schedule prints on several nodes (sub-conditions, as for pork's gate price) gets, in each
/// column, the rates of those nodes as alternatives named by their conditions.
public struct JapanTariffReader: PublicationReader {
    public static let format = "jpn-tariff-json"
    public static let scheduleRoles = ["mfn"]
    public init() {}

    /// The rate columns: Japanese key → program code (nil: the MFN columns).
    public static let columns: [(key: String, program: String?)] = [
        ("基本", nil), ("暫定", nil), ("WTO協定", nil), ("特恵", "GSP"), ("特別特恵", "LDC"),
        ("EPA_シンガポール", "SG"), ("EPA_メキシコ", "MX"), ("EPA_マレーシア", "MY"), ("EPA_チリ", "CL"), ("EPA_タイ", "TH"),
        ("EPA_インドネシア", "ID"), ("EPA_ブルネイ", "BN"), ("EPA_アセアン", "ASEAN"), ("EPA_フィリピン", "PH"),
        ("EPA_スイス", "CH"), ("EPA_ベトナム", "VN"), ("EPA_インド", "IN"), ("EPA_ペルー", "PE"), ("EPA_豪州", "AU"),
        ("EPA_モンゴル", "MN"), ("EPA_CPTPP", "TPP"), ("EPA_欧州連合", "EU"), ("EPA_英国", "UK"),
        ("EPA_RCEP_アセアン豪州NZ", "RCEP"), ("EPA_RCEP_中国", "RCEP-CN"), ("EPA_RCEP_韓国", "RCEP-KR"), ("EPA_日米貿易協定", "US"),
    ]
    static let known = Set(columns.map(\.key))
    /// The most chapter files an index may name (the schedule has 96).
    static let maxChapters = 100

    /// Changes when the reader reads the same bytes into different rows, so that a database
    /// built before loads the schedule again (2: CPTPP rates for named parties, CR LF rows).
    static let revision = "jpn-tariff-json reader 2"

    public static func contentHash(of path: String, displayName: String) throws -> String {
        var hasher = SHA256()
        hasher.update(Array(revision.utf8))
        hasher.update(Array(try ByteSource.contentHash(of: path, displayName: displayName).utf8))
        for chapter in try chapterFiles(index: path, displayName: displayName) {
            hasher.update(Array(try ByteSource.contentHash(of: chapter.path, displayName: chapter.display).utf8))
        }
        return hasher.finalizeHex()
    }

    /// The chapter files the index names, resolved beside it (`name` or `name.gz`).
    static func chapterFiles(index path: String, displayName: String) throws -> [(path: String, display: String, chapter: String)] {
        let source = try ByteSource(path: path, displayName: displayName, hashing: false, maxBytes: 8 << 20)
        defer { source.close() }
        let document = try JSONArrayReader(source: source).document()
        let chapters = document["chapters"]?.array ?? []
        let at = SourceLocation(file: displayName, field: "chapters")
        guard !chapters.isEmpty else { throw TarifError(.badFile, "the index names no chapter files", at: at) }
        guard chapters.count <= maxChapters else {
            throw TarifError(.tooLarge, "the index names \(chapters.count) chapter files; the schedule has at most \(maxChapters)", at: at)
        }
        var seen: Set<String> = []
        return try chapters.enumerated().map { i, c in
            let name = c["file_name"]?.text ?? ""
            let field = SourceLocation(file: displayName, field: "chapters[\(i)].file_name")
            guard !name.isEmpty, !name.contains("/"), !name.hasPrefix("."), name.utf8.count <= 200 else {
                throw TarifError(.badFile, "'\(InputLimits.echo(name))' is not the name of a file beside the index", at: field)
            }
            guard seen.insert(name).inserted else { throw TarifError(.badFile, "chapter file '\(name)' is named twice", at: field) }
            if let found = ByteSource.existing(name, besides: path, displayName: displayName) {
                return (found.path, found.display, c["chapter"]?.text ?? "")
            }
            throw TarifError(.io, "chapter file '\(name)' (or '\(name).gz') named by the index is not beside it", at: field)
        }
    }

    public func read(_ source: ByteSource, emit: (ImportEvent) throws -> Void) throws {
        let parser = JapaneseRateParser()
        for chapter in try Self.chapterFiles(index: source.path, displayName: source.displayName) {
            let file = try ByteSource(path: chapter.path, displayName: chapter.display, hashing: false)
            defer { file.close() }
            let json = JSONArrayReader(source: file)
            var state = ChapterState()
            while let node = try json.next() {
                try visit(node, path: [], file: chapter.display, line: json.elementLine, state: &state, emit: emit)
            }
            try flush(&state, parser: parser, emit: emit)
        }
        _ = try source.finishHash()
    }

    /// A code's nodes with rates, gathered until the chapter ends (a code's nodes sit together).
    struct Rated {
        var code: TariffCode
        var at: SourceLocation
        var nodes: [(condition: String, rates: [String: String])]
    }

    struct ChapterState {
        var emitted: Set<TariffCode> = []
        var rated: [Rated] = []
        var ratedIndex: [TariffCode: Int] = [:]
    }

    func visit(
        _ node: JSONValue, path: [String], file: String, line: Int, state: inout ChapterState, emit: (ImportEvent) throws -> Void
    ) throws {
        let at = SourceLocation(file: file, line: line, field: "stat_code")
        guard case .object = node else { throw TarifError(.badFile, "a node is not an object", at: at) }
        let stat = node["stat_code"]?.text ?? ""
        let national = node["hs_code"]?.text ?? ""
        let description = DutyExpressionParser.fold(node["desc"]?.text ?? "")
        var rates: [String: String] = [:]
        if case .object(let r)? = node["rate"] {
            for (key, value) in r {
                guard Self.known.contains(key) else {
                    throw TarifError(.badFile, "rate column '\(InputLimits.echo(key))' is not one of the schedule's 27 columns", at: at)
                }
                let text = value.text
                if !text.trimming(" \n\u{3000}").isEmpty { rates[key] = text }
            }
        }
        var below = path
        if !stat.isEmpty {
            let code: TariffCode
            do {
                code = try TariffCode(national.isEmpty ? stat : stat + "." + national)
            } catch let e as TarifError {
                throw e.located(at)
            }
            guard national.isEmpty || code.length == 9 else {
                throw TarifError(.badFile, "'\(stat)' + '\(national)' is not a 9-digit statistical code", at: at)
            }
            if state.emitted.insert(code).inserted {
                let units = (node["unit"].map { u -> [String] in
                    if case .object(let o) = u { return o.keys.sorted().compactMap { o[$0]?.text }.filter { !$0.isEmpty } }
                    return []
                }) ?? []
                try emit(
                    .line(
                        schedule: "mfn",
                        TariffLine(
                            code: code, indent: path.count, descriptionEnglish: "", descriptionLocal: description, units: units,
                            path: path)))
                let laws = (node["law"]?.array ?? []).map(\.text).filter { !$0.isEmpty }
                if !laws.isEmpty {
                    try emit(.note(schedule: "mfn", LineNote(code: code, kind: "other_laws", text: laws.joined(separator: " "))))
                }
            }
            if !rates.isEmpty {
                if let i = state.ratedIndex[code] {
                    state.rated[i].nodes.append((description, rates))
                } else {
                    state.ratedIndex[code] = state.rated.count
                    state.rated.append(Rated(code: code, at: at, nodes: [(description, rates)]))
                }
            }
            if !description.isEmpty { below.append(description) }
        }
        for child in node["children"]?.array ?? [] {
            try visit(child, path: below, file: file, line: line, state: &state, emit: emit)
        }
    }

    func flush(_ state: inout ChapterState, parser: JapaneseRateParser, emit: (ImportEvent) throws -> Void) throws {
        for r in state.rated {
            func at(_ key: String) -> SourceLocation { SourceLocation(file: r.at.file, line: r.at.line, field: "rate.\(key)") }
            // Per node: the MFN rate (WTO or national) and each preferential column.
            var mfn: [(condition: String, text: String, expression: DutyExpression)] = []
            var mfnColumns: Set<String> = []
            var perNode: [[String: (condition: String, text: String, expression: DutyExpression)]] = []
            var partyPrograms: [String: String] = [:]  // party program → the column's program
            var failures: [(key: String, text: String, reason: String)] = []
            for node in r.nodes {
                func read(_ key: String) -> JapaneseRateParser.Reading? {
                    guard let text = node.rates[key] else { return nil }
                    do { return try parser.parse(text) } catch let e as TarifError {
                        failures.append((key, text, e.message))
                    } catch {
                        failures.append((key, text, "\(error)"))
                    }
                    return nil
                }
                let general = read("基本")
                let temporary = read("暫定")
                let wto = read("WTO協定")
                let nationalKey = node.rates["暫定"] != nil ? "暫定" : "基本"
                let national = node.rates["暫定"] != nil ? temporary : general
                if let wto, !wto.bracketed {
                    mfn.append((node.condition, node.rates["WTO協定"]!, wto.expression))
                    mfnColumns.insert("WTO")
                } else if node.rates[nationalKey] != nil {
                    if let national {
                        mfn.append((node.condition, node.rates[nationalKey]!, national.expression))
                        mfnColumns.insert(nationalKey == "暫定" ? "temporary" : "general")
                    }
                } else if let wto {
                    mfn.append((node.condition, node.rates["WTO協定"]!, wto.expression))
                    mfnColumns.insert("WTO")
                }
                var here: [String: (condition: String, text: String, expression: DutyExpression)] = [:]
                for (key, program) in Self.columns {
                    guard let program, let reading = read(key) else { continue }
                    let text = node.rates[key]!
                    do {
                        if let split = try Self.splitByParty(reading.expression, cell: text) {
                            if let common = split.common { here[program] = (node.condition, common.text, common.expression) }
                            for (party, rate) in split.parties {
                                let code = "\(program)-\(party.rawValue)"
                                partyPrograms[code] = program
                                here[code] = (node.condition, rate.text, rate.expression)
                            }
                            continue
                        }
                    } catch let e as TarifError {
                        failures.append((key, text, e.message))
                        continue
                    }
                    here[program] = (node.condition, text, reading.expression)
                }
                perNode.append(here)
                for (key, label) in [("基本", "general"), ("暫定", "temporary"), ("WTO協定", "wto")] {
                    if let text = node.rates[key] {
                        let prefix = r.nodes.count > 1 ? "\(node.condition): " : ""
                        try emit(.note(schedule: "mfn", LineNote(code: r.code, kind: "rate_\(label)", text: prefix + DutyExpressionParser.fold(text))))
                    }
                }
            }
            for f in failures {
                let kind: RateKind = Self.columns.first { $0.key == f.key }?.program == nil ? .mfn : .preferential
                try emit(.unparsed(schedule: "mfn", UnparsedRate(location: at(f.key), code: r.code, kind: kind, text: f.text, reason: f.reason)))
            }
            if let rate = Self.combine(mfn, nodes: r.nodes.count) {
                // The column the MFN rate comes from (WTO, temporary or general) rides as its program.
                let column = mfnColumns.sorted().joined(separator: "/")
                try emit(.rate(schedule: "mfn", LineRate(code: r.code, kind: .mfn, program: column, text: rate.text, expression: rate.expression)))
            }
            // A party's rate on a node that names no party is the column's common rate there.
            let programs = Self.columns.compactMap(\.program) + partyPrograms.keys.sorted()
            for program in programs {
                let options = perNode.compactMap { node in node[program] ?? partyPrograms[program].flatMap { node[$0] } }
                guard let rate = Self.combine(options, nodes: r.nodes.count) else { continue }
                try emit(.rate(schedule: "mfn", LineRate(code: r.code, kind: .preferential, program: program, text: rate.text, expression: rate.expression)))
            }
        }
        state = ChapterState()
    }

    /// The Japanese names of the CPTPP parties a column may name (`（マレーシアに対する待遇）`).
    static let partyNames: [String: CountryCode] = [
        "マレーシア": "MYS", "ベトナム": "VNM", "カナダ": "CAN", "ニュージーランド": "NZL", "オーストラリア": "AUS", "チリ": "CHL",
        "メキシコ": "MEX", "ペルー": "PER", "シンガポール": "SGP", "ブルネイ": "BRN", "英国": "GBR", "連合王国": "GBR",
    ].mapValues { try! CountryCode($0) }

    /// A cell whose options name the parties they are for, read as the other parties' rate
    /// (`common`: the options that name no party, or "the other parties") and each named
    /// party's rate (its own options and those that name no party, in the cell's order).
    /// - Returns: `nil` when no option names a party (the cell is one rate for all).
    /// - Throws: ``TarifError`` `.badRate` when an option names a party the reader does not know.
    static func splitByParty(_ expression: DutyExpression, cell: String) throws -> (
        common: (text: String, expression: DutyExpression)?, parties: [(CountryCode, (text: String, expression: DutyExpression))]
    )? {
        guard case .alternatives(let options) = expression else { return nil }
        let rows = JapaneseRateParser.rows(of: cell)
        guard rows.count == options.count else { return nil }
        struct Option {
            var row: String
            /// The rate alone when the condition is only the designation.
            var expression: DutyExpression
            var annotated: DutyExpression
            var parties: [CountryCode]
            var others: Bool
        }
        var read: [Option] = []
        var named = false
        for (row, option) in zip(rows, options) {
            guard case .annotated(let inner, let condition) = option else { return nil }
            let designation = JapaneseRateParser.partyDesignations(in: condition)
            var parties: [CountryCode] = []
            for name in designation.names {
                guard let party = partyNames[name] else {
                    throw TarifError(.badRate, "cannot read rate '\(InputLimits.echo(cell))': it names a party, '\(InputLimits.echo(name))', that is not one of the agreement's")
                }
                if !parties.contains(party) { parties.append(party) }
            }
            named = named || !parties.isEmpty || designation.others
            // A condition that is only the designation leaves the rate unconditional.
            let rest = condition.replacing(#/\([^()]*に対する待遇\)/#, with: "").trimming(" \u{3000}")
            read.append(Option(row: row, expression: rest.isEmpty ? inner : option, annotated: option, parties: parties, others: designation.others))
        }
        guard named else { return nil }
        func rate(_ chosen: [Option]) -> (text: String, expression: DutyExpression)? {
            guard let first = chosen.first else { return nil }
            let text = chosen.map { DutyExpressionParser.fold($0.row.replacing("\u{3000}", with: " ")) }.joined(separator: " | ")
            if chosen.count == 1 { return (text, first.expression) }
            return (text, .alternatives(chosen.map(\.annotated)))
        }
        let common = rate(read.filter { $0.parties.isEmpty })
        var order: [CountryCode] = []
        for o in read { for p in o.parties where !order.contains(p) { order.append(p) } }
        let parties = order.compactMap { party in
            rate(read.filter { ($0.parties.isEmpty && !$0.others) || $0.parties.contains(party) }).map { (party, $0) }
        }
        return (common, parties)
    }

    /// One node's rate as it is; several nodes' rates as alternatives named by their conditions.
    static func combine(_ options: [(condition: String, text: String, expression: DutyExpression)], nodes: Int) -> (text: String, expression: DutyExpression)? {
        guard let first = options.first else { return nil }
        if nodes == 1 { return (DutyExpressionParser.fold(first.text), first.expression) }
        let text = options.map { "\($0.condition): \(DutyExpressionParser.fold($0.text))" }.joined(separator: " | ")
        return (text, .alternatives(options.map { .annotated($0.expression, note: $0.condition) }))
    }
}
