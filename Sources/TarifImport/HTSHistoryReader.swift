import Foundation
public import TarifCore

/// Every revision of the US HTS in one directory (`hts_2025_basic.json.gz` …
/// `hts_2026_rev_10.json.gz`, each USITC's JSON export of that revision), dated by a calendar
/// beside them (`revision_dates.csv`: `revision, effective_date, policy_effective_date, …,
/// policy_event`).
///
/// A revision named without its year in the calendar (`rev_7`) is of the year it took
/// effect in; its file is `hts_<year>_<revision>.json(.gz)`. A calendar row without its
/// file is an error; a file without a calendar row is not loaded, and the reason is
/// reported (with the calendar's own note on it when one mentions it).
public struct HTSHistoryReader: Sendable {
    public static let format = "hts-history"
    /// Revisions a calendar may list (the 2025–2026 series has 44).
    public static let maxRevisions = 1_000

    /// One calendar row, with the file it names.
    public struct Revision: Sendable, Hashable {
        /// The name as the calendar writes it (`rev_7`, `2026_rev_9`).
        public var name: String
        /// With its year (`2025_rev_7`), as the file names it.
        public var fullName: String
        public var effective: Day
        /// Where the calendar dates the change of policy otherwise (an earlier or later day).
        public var policyEffective: Day?
        public var event: String?
        public var fileName: String
        public var line: Int
    }

    /// A file of the directory that is not loaded, and why.
    public struct Excluded: Sendable, Hashable {
        public var fileName: String
        public var reason: String
    }

    public let calendarPath: String
    public let calendarDisplayName: String

    public init(calendarPath: String, displayName: String) {
        self.calendarPath = calendarPath
        calendarDisplayName = displayName
    }

    var calendarName: String { String(calendarPath.split(separator: "/").last ?? "") }
    var directory: String { calendarPath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/") }
    func path(_ name: String) -> String { ByteSource.beside(name, of: calendarPath, displayName: calendarDisplayName).path }
    /// A file of the history as the user sees it (`tariffs_history/usa_hts/hts_2025_rev_7.json.gz`).
    public func display(_ name: String) -> String { ByteSource.beside(name, of: calendarPath, displayName: calendarDisplayName).display }

    /// The revisions of the calendar in its order, and the files it does not date.
    /// - Throws: ``TarifError`` with file and line for a bad row, a duplicate revision, or a
    ///   revision without its file.
    public func plan() throws -> (revisions: [Revision], excluded: [Excluded]) {
        let source = try ByteSource(path: path(calendarName), displayName: display(calendarName), maxBytes: 4 << 20)
        defer { source.close() }
        let csv = try CSVReader(source: source, maxRecordBytes: 16 << 10)
        let columns = try csv.columns(["revision", "effective_date", "policy_effective_date", "policy_event"])
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory))
        var revisions: [Revision] = []
        var names: Set<String> = []
        while let record = try csv.next() {
            let at = { (field: String) in SourceLocation(file: display(calendarName), line: record.line, field: field) }
            guard revisions.count < Self.maxRevisions else {
                throw TarifError(.tooLarge, "the calendar lists more than \(Self.maxRevisions) revisions", at: at("revision"))
            }
            let name = record.fields[columns[0]].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw TarifError(.badFile, "revision '\(InputLimits.echo(name))' is not a revision name (letters, digits and _)", at: at("revision"))
            }
            let effective: Day
            do { effective = try Day(iso: record.fields[columns[1]]) } catch let e as TarifError { throw e.located(at("effective_date")) }
            let policy = record.fields[columns[2]]
            let policyDay: Day?
            if policy.isEmpty || policy == "NA" { policyDay = nil } else {
                do { policyDay = try Day(iso: policy) } catch let e as TarifError { throw e.located(at("policy_effective_date")) }
            }
            let event = record.fields[columns[3]]
            let hasYear = name.count > 5 && name.prefix(4).allSatisfy(\.isNumber) && name.dropFirst(4).first == "_"
            let fullName = hasYear ? name : "\(effective.year)_\(name)"
            guard names.insert(fullName).inserted else {
                throw TarifError(.badFile, "revision \(fullName) is listed twice", at: at("revision"))
            }
            guard let file = ["hts_\(fullName).json.gz", "hts_\(fullName).json"].first(where: files.contains) else {
                throw TarifError(
                    .notFound, "the calendar dates revision \(fullName), but \(display("hts_\(fullName).json.gz")) is not there",
                    at: at("revision"))
            }
            revisions.append(
                Revision(
                    name: name, fullName: fullName, effective: effective, policyEffective: policyDay,
                    event: event.isEmpty || event == "NA" ? nil : event, fileName: file, line: record.line))
        }
        let dated = Set(revisions.map(\.fileName))
        var excluded: [Excluded] = []
        for file in files.sorted() where file.hasPrefix("hts_") && (file.hasSuffix(".json.gz") || file.hasSuffix(".json")) && !dated.contains(file) {
            let stem = file.dropFirst(4).prefix { $0 != "." }
            let said = revisions.first { $0.event?.contains(stem) == true }
            let reason =
                "the calendar has no row for revision \(stem), so it has no day to take effect and is not loaded"
                + (said.map { "; the calendar's note on \($0.fullName) says: \($0.event!)" } ?? "")
            excluded.append(Excluded(fileName: file, reason: reason))
        }
        return (revisions, excluded)
    }

    /// What one revision publishes, line by line, and the SHA-256 of the file's content (as
    /// `hts-json` identifies the file when it is loaded alone).
    /// - Throws: ``TarifError`` at the first problem of the file.
    public func states(of revision: Revision, memo: USHTSReader.Memo, progress: (Double) -> Void = { _ in }) throws -> (
        states: [LineState], contentHash: String
    ) {
        let source = try ByteSource(path: path(revision.fileName), displayName: display(revision.fileName))
        defer { source.close() }
        var states: [LineState] = []
        var index: [TariffCode: Int] = [:]
        func at(_ code: TariffCode) throws -> Int {
            guard let i = index[code] else {
                throw TarifError(.badFile, "a rate or note of \(code.formatted) comes before its line", at: SourceLocation(file: source.displayName))
            }
            return i
        }
        var events = 0
        try USHTSReader().read(source, memo: memo) { event in
            events += 1
            if events & 4095 == 0 { progress(Double(source.offsetOnDisk) / Double(max(1, source.sizeOnDisk))) }
            switch event {
            case .line(_, let line):
                if index[line.code] != nil {
                    throw TarifError(.badFile, "line \(line.code.formatted) is published twice", at: SourceLocation(file: source.displayName))
                }
                index[line.code] = states.count
                states.append(LineState(line: line))
            case .rate(_, let rate): states[try at(rate.code)].rates.append(rate)
            case .note(_, let note): states[try at(note.code)].notes.append(note)
            case .unparsed(_, let u): states[try at(u.code)].unparsed.append(u)
            default: throw TarifError(.badFile, "an HTS revision holds only lines, rates and notes", at: SourceLocation(file: source.displayName))
            }
        }
        return (states, try source.finishHash())
    }

    /// What identifies the history: the SHA-256 of the calendar and of every revision file
    /// it dates, in its order, as stored (31 MB compressed, where their content is 600 MB).
    /// - Returns: the history's hash, and each revision file's (equal ones are the same bytes).
    public func contentHash(of revisions: [Revision]) throws -> (history: String, files: [String]) {
        var hasher = SHA256()
        hasher.update(Array(try ByteSource.storedHash(of: path(calendarName), displayName: display(calendarName)).utf8))
        var files: [String] = []
        for r in revisions {
            let stored = try ByteSource.storedHash(of: path(r.fileName), displayName: display(r.fileName))
            files.append(stored)
            hasher.update(Array("\(r.fullName):\(stored)".utf8))
        }
        return (hasher.finalizeHex(), files)
    }
}
