public import Foundation
public import TarifCore
public import TarifImport
public import TarifStore

/// Receives progress from long work: a phase name and the share done.
public protocol ProgressObserver: Sendable {
    /// `fraction` runs from 0 to 1 within `phase`.
    func report(phase: String, fraction: Double)
    /// The phase is done.
    func finish(phase: String)
}

/// Reports nothing.
public struct SilentProgress: ProgressObserver {
    public init() {}
    public func report(phase: String, fraction: Double) {}
    public func finish(phase: String) {}
}

/// Loads official publications into the database: the whole catalog, or one file.
public struct DataBuilder: Sendable {
    public let database: TarifDatabase
    public let progress: any ProgressObserver
    /// Load a publication even when it empties or shrinks what it replaces (`--force`).
    public var allowShrink: Bool

    public init(database: TarifDatabase, progress: any ProgressObserver = SilentProgress(), allowShrink: Bool = false) {
        self.database = database
        self.progress = progress
        self.allowShrink = allowShrink
    }

    /// Loads every publication of the catalog found in `directory`, each in its own
    /// transaction; one already loaded with the same content is skipped.
    /// - Throws: the first ``TarifError``; publications loaded before it stay loaded, the failing one leaves nothing.
    public func build(from directory: URL, catalog: Catalog) throws -> [LoadReport] {
        try catalog.publications.map { publication in
            let path = directory.appendingPathComponent(publication.path).path
            if let history = publication.history {
                return try loadHistory(calendar: path, displayName: publication.path, entry: history)
            }
            if let staging = publication.staging {
                let (month, day) = try Self.yearStart(staging.yearStart)
                return try loadStaging(
                    path: path, displayName: publication.path, format: publication.format,
                    config: StagingSource(
                        agreement: staging.agreement, importer: staging.importer, partner: staging.partner, title: staging.title,
                        legalSource: staging.legalSource, yearStartMonth: month, yearStartDay: day, sourceFile: publication.path))
            }
            let schedules = publication.schedules ?? [:]
            return try load(
                path: path, displayName: publication.path, format: publication.format,
                minimumLines: schedules.compactMapValues(\.minimumLines)
            ) { hash in
                schedules.mapValues { $0.info(file: publication.path, contentHash: hash) }
            }
        }
    }

    /// Parses a staging year start, `MM-DD`.
    public static func yearStart(_ text: String?) throws -> (Int, Int) {
        guard let text else { return (1, 1) }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, (1...12).contains(parts[0]), (1...31).contains(parts[1]) else {
            throw TarifError(.badDate, "year start '\(InputLimits.echo(text))' is not MM-DD (01-01 for calendar years)")
        }
        return (parts[0], parts[1])
    }

    /// Loads a staged preferential schedule of `format` (`tarif-staging-csv`, `ita-fta-csv`)
    /// in one transaction, after checking the agreement is in the registry.
    /// - Throws: ``TarifError`` for an unknown format or agreement, or bad content (nothing is written).
    public func loadStaging(path: String, displayName: String, format: String, config: StagingSource) throws -> LoadReport {
        guard let reader = StagingFormats.reader(for: format) else {
            let known = StagingFormats.all.map { $0.format } + PublicationFormats.all.map { $0.format }
            throw TarifError(.unknownFormat, "'\(format)' is not a format Tarif reads; it reads \(known.joined(separator: ", "))")
        }
        let hash = try type(of: reader).contentHash(of: path, displayName: displayName)
        if try database.isLoaded(format: format, contentHash: hash) {
            return LoadReport(fileName: displayName, format: format, alreadyLoaded: true)
        }
        let countries = try database.countries()
        guard !countries.isEmpty else {
            throw TarifError(.notFound, "load the country codes first (tarif data build) so that the schedule's countries can be named")
        }
        let registry = try Tarif(database: database).registry()
        var config = config
        // `*`: the file names the agreement of each schedule itself (checked as they come).
        if config.agreement != "*" { config.agreement = try registry.agreement(named: config.agreement).id }
        let lookup = CountryLookup(countries)
        let source = try ByteSource(path: path, displayName: displayName)
        defer { source.close() }
        var count = 0
        let load = PublicationLoad(fileName: displayName, format: format, contentHash: hash, schedules: [:], allowShrink: allowShrink)
        var skipped: [UnparsedRate] = []
        var report = try database.load(load) { sink in
            try reader.read(source, config: config, country: lookup.find, emit: { schedule, rate in
                guard (try? registry.agreementIndex(named: schedule.agreement)) != nil else {
                    throw TarifError(.notFound, "the file names agreement \(schedule.agreement), which is not in the registry", at: SourceLocation(file: displayName))
                }
                count += 1
                if count & 255 == 0 {
                    progress.report(phase: displayName, fraction: Double(source.offsetOnDisk) / Double(max(1, source.sizeOnDisk)))
                }
                try sink.addStagedRate(rate, schedule: schedule)
            }, unparsed: { skipped.append($0) })
        }
        report.stagedUnparsed = skipped
        progress.finish(phase: displayName)
        return report
    }

    /// Loads one file of `format`, filling the schedules `schedules(contentHash)` describes.
    /// - Throws: ``TarifError`` for a missing file, an unknown format, a role with no schedule, or bad content.
    /// - Parameter minimumLines: per role, the fewest lines a whole publication holds.
    public func load(
        path: String, displayName: String, format: String, minimumLines: [String: Int] = [:],
        schedules: (String) throws -> [String: ScheduleInfo]
    ) throws -> LoadReport {
        let reader = try PublicationFormats.reader(for: format)
        let hash = try type(of: reader).contentHash(of: path, displayName: displayName)
        if try database.isLoaded(format: format, contentHash: hash) {
            return LoadReport(fileName: displayName, format: format, alreadyLoaded: true)
        }
        let infos = try schedules(hash)
        let roles = type(of: reader).scheduleRoles
        let missingRoles = roles.filter { infos[$0] == nil }
        guard missingRoles.isEmpty else {
            throw TarifError(.badFile, "format \(format) fills schedule(s) \(missingRoles.joined(separator: ", ")), which are not described")
        }
        let load = PublicationLoad(
            fileName: displayName, format: format, contentHash: hash, schedules: infos, minimumLines: minimumLines, allowShrink: allowShrink)
        func add(_ event: ImportEvent, to sink: inout LoadSink) throws {
            switch event {
                case .hsSection(let s): try sink.addSection(s)
                case .hsEntry(let e): try sink.addHSEntry(e)
                case .country(let c): try sink.addCountry(c)
                case .line(let role, let l): try sink.addLine(l, role: role)
                case .rate(let role, let r): try sink.addRate(r, role: role)
                case .note(let role, let n): try sink.addNote(n, role: role)
                case .unparsed(let role, let u): try sink.addUnparsed(u, role: role)
                case .preferenceScheme(let s): try sink.addPreferenceScheme(s)
                case .rtaRecord(let r): try sink.addRTARecord(r)
                case .originRuleSet(let r): try sink.addOriginRuleSet(r)
                case .chapter99Scope(let r): try sink.addChapter99Scope(r)
                case .quota(let q): try sink.addQuota(q)
                case .skipped(let at, let why): sink.skip(at, why)
            }
        }
        let report: LoadReport
        if type(of: reader).readsDirectory {
            report = try database.load(load) { sink in
                try reader.read(directory: path, displayName: displayName, progress: { progress.report(phase: displayName, fraction: $0) }) { event in
                    try add(event, to: &sink)
                }
            }
        } else {
            let source = try ByteSource(path: path, displayName: displayName)
            defer { source.close() }
            var events = 0
            report = try database.load(load) { sink in
                try reader.read(source) { event in
                    events += 1
                    if events & 1023 == 0 {
                        progress.report(phase: displayName, fraction: Double(source.offsetOnDisk) / Double(max(1, source.sizeOnDisk)))
                    }
                    try add(event, to: &sink)
                }
            }
        }
        progress.finish(phase: displayName)
        return report
    }

    /// Loads a schedule's history (``HTSHistoryReader``) in one transaction: every revision
    /// the calendar dates, as versions sharing their unchanged lines. The same calendar and
    /// files loaded before are not read again.
    /// - Throws: ``TarifError`` for a bad calendar, a missing or bad revision file, or a
    ///   revision cut short (nothing is written).
    public func loadHistory(calendar path: String, displayName: String, entry: Catalog.HistoryEntry) throws -> LoadReport {
        let reader = HTSHistoryReader(calendarPath: path, displayName: displayName)
        let (revisions, excluded) = try reader.plan()
        let (hash, storedHashes) = try reader.contentHash(of: revisions)
        var skipped = LoadReport(fileName: displayName, format: HTSHistoryReader.format, alreadyLoaded: true)
        skipped.excluded = excluded.map { "\(reader.display($0.fileName)): \($0.reason)" }
        if try database.isLoaded(format: HTSHistoryReader.format, contentHash: hash) { return skipped }
        var history = ScheduleHistory()
        var files: [HistoryLoad.RevisionFile] = []
        // The revisions are read a few at a time, one per core (each worker with its memo of rate
        // texts), and added in order; a file with the same bytes as the one before is not read again.
        let workers = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount))
        let memos = (0..<workers).map { _ in USHTSReader.Memo() }
        var previous: (stored: String, states: [LineState], hash: String)?
        var next = 0
        while next < revisions.count {
            let batch = Array(next..<min(next + workers, revisions.count))
            let read = WorkerSlots<Result<(states: [LineState], contentHash: String), any Error>?>(repeating: nil, count: batch.count)
            let storedBefore = previous?.stored
            DispatchQueue.concurrentPerform(iterations: batch.count) { k in
                let i = batch[k]
                if k == 0, storedBefore == storedHashes[i] { return }  // the same bytes as the revision before
                if k > 0, storedHashes[batch[k - 1]] == storedHashes[i] { return }
                let phase = "\(displayName): \(revisions[i].fullName) (\(i + 1) of \(revisions.count))"
                let result = Result { try reader.states(of: revisions[i], memo: memos[k]) { progress.report(phase: phase, fraction: $0) } }
                read.update(k) { $0 = result }
            }
            let results = read.values
            for (k, i) in batch.enumerated() {
                let revision = revisions[i]
                let states: [LineState], fileHash: String
                if let result = results[k] {
                    (states, fileHash) = try result.get()
                } else if let p = previous {
                    (states, fileHash) = (p.states, p.hash)
                } else {
                    throw TarifError(.badFile, "revision \(revision.fullName) was not read", at: SourceLocation(file: displayName, line: revision.line))
                }
                do {
                    try history.add(name: revision.fullName, validFrom: revision.effective, states: states)
                } catch let e as TarifError {
                    throw e.located(SourceLocation(file: displayName, line: revision.line, field: "effective_date"))
                }
                previous = (storedHashes[i], states, fileHash)
                let policy = revision.policyEffective.map { " (policy change dated \($0))" } ?? ""
                files.append(
                    HistoryLoad.RevisionFile(
                        fileName: reader.display(revision.fileName), format: USHTSReader.format, contentHash: fileHash,
                        title: "\(entry.titlePrefix) \(revision.fullName.replacingOccurrences(of: "_", with: " "))\(policy)"))
            }
            next += batch.count
        }
        history.finish()
        let info = ScheduleInfo(
            series: entry.series, importer: entry.importer, title: entry.titlePrefix, nomenclature: entry.nomenclature, currency: entry.currency,
            validFrom: revisions.first?.effective ?? Day(year: 2000, month: 1, day: 1)!, legalSource: entry.legalSource, sourceFile: displayName,
            contentHash: hash)
        let load = PublicationLoad(fileName: displayName, format: HTSHistoryReader.format, contentHash: hash, schedules: [:], allowShrink: allowShrink)
        var report = try database.load(load) { sink in
            try sink.addHistory(HistoryLoad(info: info, files: files, history: history, minimumLines: entry.minimumLines))
        }
        report.excluded = skipped.excluded
        progress.finish(phase: displayName)
        return report
    }
}
