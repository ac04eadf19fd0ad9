public import TarifCore

/// The WTO Regional Trade Agreements database's "All RTAs" export (RTA-IS, `AllRTAs` and
/// `RTA Changes` sheets of the xlsx the site delivers): one record per agreement as notified.
public struct WTORTAExport: Sendable {
    public typealias Record = RTARecord
    public typealias PartyDates = RTAPartyDates

    public var records: [Record]

    /// The most agreements read (the export of January 2026 has 655).
    public static let maxRecords = 10_000
    static let required = [
        "RTA ID", "RTA Name", "Coverage", "Type", "Notification", "Status", "Date of Signature (G)", "Date of Entry into Force (G)",
        "Date of Entry into Force (S)", "Inactive Date", "RTA Composition", "Current signatories", "Original signatories",
        "Specific Entry/Exit dates", "Remarks",
    ]

    /// Reads the export.
    /// - Throws: ``TarifError`` naming the sheet and cell of the first problem.
    public init(path: String, displayName: String) throws {
        let workbook = try XLSXWorkbook(path: path, displayName: displayName)
        let rows = try workbook.rows(of: "AllRTAs")
        guard let header = rows.first else { throw TarifError(.badFile, "the AllRTAs sheet is empty", at: SourceLocation(file: displayName, field: "AllRTAs")) }
        var column: [String: String] = [:]
        for (letter, name) in header.cells { column[name.trimming(" ")] = letter }
        for name in Self.required where column[name] == nil {
            throw TarifError(.badFile, "the AllRTAs sheet has no column '\(name)'", at: SourceLocation(file: displayName, field: "AllRTAs!1"))
        }
        guard rows.count - 1 <= Self.maxRecords else {
            throw TarifError(.tooLarge, "\(rows.count - 1) agreements; at most \(Self.maxRecords) are read", at: SourceLocation(file: displayName))
        }
        var records: [Record] = []
        var seen: Set<Int> = []
        for row in rows.dropFirst() where !row.cells.isEmpty {
            func cell(_ name: String) -> String { row.cells[column[name]!]?.trimming(" \n") ?? "" }
            func at(_ name: String) -> SourceLocation { SourceLocation(file: displayName, field: "AllRTAs!\(column[name]!)\(row.number)") }
            func day(_ name: String) throws -> Day? {
                let text = cell(name)
                if text.isEmpty { return nil }
                guard let d = XLSXWorkbook.day(serial: text) else { throw TarifError(.badFile, "'\(InputLimits.echo(text))' is not a date", at: at(name)) }
                return d
            }
            guard let id = Int(cell("RTA ID")), id > 0 else {
                throw TarifError(.badFile, "'\(InputLimits.echo(cell("RTA ID")))' is not an RTA ID", at: at("RTA ID"))
            }
            guard seen.insert(id).inserted else { throw TarifError(.badFile, "RTA ID \(id) is listed twice", at: at("RTA ID")) }
            records.append(
                Record(
                    id: id, name: cell("RTA Name"), coverage: cell("Coverage"), type: cell("Type"), notification: cell("Notification"),
                    status: cell("Status"), signedGoods: try day("Date of Signature (G)"), inForceGoods: try day("Date of Entry into Force (G)"),
                    inForceServices: try day("Date of Entry into Force (S)"), inactive: try day("Inactive Date"),
                    composition: cell("RTA Composition"), currentSignatories: Self.list(cell("Current signatories")),
                    originalSignatories: Self.list(cell("Original signatories")),
                    partyDates: try Self.partyDates(cell("Specific Entry/Exit dates"), at: at("Specific Entry/Exit dates")),
                    remarks: cell("Remarks"), row: row.number))
        }
        // The changes sheet: its rows by RTA ID, attached to their agreement.
        if workbook.sheetNames.contains("RTA Changes") {
            let changeRows = try workbook.rows(of: "RTA Changes")
            var letter: [String: String] = [:]
            for (l, name) in changeRows.first?.cells ?? [:] { letter[name.trimming(" ")] = l }
            func cell(_ row: XLSXWorkbook.Row, _ name: String) -> String { letter[name].flatMap { row.cells[$0] }?.trimming(" \n") ?? "" }
            var byID: [Int: Int] = [:]
            for (i, r) in records.enumerated() { byID[r.id] = i }
            for row in changeRows.dropFirst() {
                guard let id = Int(cell(row, "RTA ID")), let i = byID[id] else { continue }
                records[i].changes.append(
                    RTAChange(
                        parties: cell(row, "Parties concerned"), affects: cell(row, "Changes affect"),
                        notified: XLSXWorkbook.day(serial: cell(row, "Date of notification of changes")),
                        signed: XLSXWorkbook.day(serial: cell(row, "Date of signature of changes")),
                        inForce: XLSXWorkbook.day(serial: cell(row, "Date of entry into force of changes")), remarks: cell(row, "Remarks")))
            }
        }
        self.records = records
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ";").map { $0.trimming(" ") }.filter { !$0.isEmpty }
    }

    static let months = ["Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12]

    /// `Nauru(01-Jan-9999 - ); Vanuatu(11-Oct-2022 - ); United Kingdom(01-Jan-1973 - 31-Jan-2020)`.
    static func partyDates(_ text: String, at: SourceLocation) throws -> [PartyDates] {
        var out: [PartyDates] = []
        for item in text.split(separator: ";") {
            let s = item.trimming(" ")
            guard !s.isEmpty else { continue }
            guard let open = s.lastIndex(of: "("), s.hasSuffix(")") else {
                throw TarifError(.badFile, "'\(InputLimits.echo(s))' is not 'Party(dd-Mon-yyyy - dd-Mon-yyyy)'", at: at)
            }
            let party = s[..<open].trimming(" ")
            let inside = s[s.index(after: open)..<s.index(before: s.endIndex)]
            // "dd-Mon-yyyy - dd-Mon-yyyy", either side may be empty.
            let halves: (String, String) = {
                if let r = inside.firstRange(of: " -") { return (inside[..<r.lowerBound].trimming(" "), inside[r.upperBound...].trimming(" ")) }
                return (inside.trimming(" "), "")
            }()
            func date(_ text: String) throws -> (Day?, pending: Bool) {
                if text.isEmpty { return (nil, false) }
                let p = text.split(separator: "-").map { String($0) }
                guard p.count == 3, let dd = Int(p[0]), let mm = months[p[1]], let yy = Int(p[2]) else {
                    throw TarifError(.badFile, "'\(InputLimits.echo(text))' is not a date dd-Mon-yyyy in '\(InputLimits.echo(s))'", at: at)
                }
                if yy == 9999 { return (nil, true) }
                guard let day = Day(year: yy, month: mm, day: dd) else {
                    throw TarifError(.badFile, "'\(text)' is not a day in '\(InputLimits.echo(s))'", at: at)
                }
                return (day, false)
            }
            let (entry, pending) = try date(halves.0)
            let (exit, _) = try date(halves.1)
            out.append(PartyDates(party: party, entry: entry, exit: exit, pending: pending))
        }
        return out
    }
}

/// The RTA export as a publication `tarif data build` loads: each agreement a record the
/// registry takes beside its curated agreements.
public struct WTORTAReader: PublicationReader {
    public static let format = "wto-rta-xlsx"
    public static let scheduleRoles: [String] = []
    public init() {}

    public func read(_ source: ByteSource, emit: (ImportEvent) throws -> Void) throws {
        let export = try WTORTAExport(path: source.path, displayName: source.displayName)
        guard !export.records.isEmpty else {
            throw TarifError(.badFile, "the export lists no agreement", at: SourceLocation(file: source.displayName, field: "AllRTAs"))
        }
        for record in export.records { try emit(.rtaRecord(record)) }
        _ = try source.finishHash()
    }
}
