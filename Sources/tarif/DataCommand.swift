import ArgumentParser
import Foundation
import TarifCore
import TarifImport
import TarifKit
import TarifPostgres
import TarifStore

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Build the database from the official publications and inspect what it holds.",
        subcommands: [Build.self, Import.self, Verify.self, Publish.self, Status.self, Unparsed.self, Conflicts.self, RTAs.self])

    struct Build: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load every publication of the catalog from the data directory (skipping files already loaded).",
            discussion: """
                With --database-url (or $TARIF_DATABASE_URL) the embedded database is built first, then copied
                into PostgreSQL in one transaction (as `tarif data publish`): servers reading it go on answering
                from the previous data until the copy commits.
                """)

        @Option(name: .long, help: "Data directory (default: $TARIF_DATA, else ../shared/data).")
        var data: String?

        @Flag(name: .long, help: "Load a publication even when it would empty or shrink what it replaces (refused otherwise).")
        var force = false

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let directory: URL
            let path = Locations.database(explicit: store.db)
            let started = Date()
            let database: TarifDatabase
            do {
                directory = try Locations.dataDirectory(explicit: data)
                database = try TarifDatabase(path: path)
                let builder = DataBuilder(database: database, progress: TerminalProgress(), allowShrink: force)
                let reports = try builder.build(from: directory, catalog: try Catalog.bundled())
                let seconds = Date().timeIntervalSince(started)
                var footer = ["Database: \(path)", "Data: \(directory.path)", String(format: "Time: %.2f s", seconds)]
                footer += Self.conflicts(database: database, directory: directory)
                try LoadSummary(reports: reports).print(format: store.format, footer: footer)
            } catch let error as TarifError {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode.failure
            }
            if let url = store.postgresURL { try await Publish.publish(database, to: url, format: store.format) }
        }

        /// The registry beside the WTO's RTA export, when the data directory has it: each disagreement.
        static func conflicts(database: TarifDatabase, directory: URL) -> [String] {
            var out: [String] = []
            let tarif = Tarif(database: database)
            do {
                let records = try tarif.store.rtaRecords()
                if !records.isEmpty {
                    let c = RTAComparison(registry: try tarif.registry(), records: records, countries: try tarif.store.countries())
                    out += ["Registry against the WTO RTA export (\(records.count) agreements): \(c.conflicts.count) disagreements, the curated instrument standing (tarif data conflicts):"]
                        + c.conflicts.map { "  \($0.agreement) \($0.fact): \($0.curated) (WTO export \($0.export))" }
                }
            } catch {
                out.append("The WTO RTA export could not be compared: \(error)")
            }
            do {
                let schedule = try tarif.instrumentConflicts()
                if !schedule.isEmpty {
                    out += ["The US schedule against the instruments that ended its duties (the instrument stands):"] + schedule.map { "  " + $0 }
                }
            } catch {
                out.append("The US schedule could not be compared with the instruments: \(error)")
            }
            return out
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the embedded database into PostgreSQL, all or nothing, for servers that share it.",
            discussion: """
                tarif data publish --database-url postgres://tarif:secret@db.internal/tarif
                The tables go to the URL's schema (?schema=, default tarif), made in a schema of their own and
                put in place of the old one when the copy commits: an error leaves the old data untouched.
                """)

        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let url = store.postgresURL else { throw ValidationError("give --database-url (or set TARIF_DATABASE_URL)") }
            let path = Locations.database(explicit: store.db)
            guard FileManager.default.fileExists(atPath: path) else {
                throw ValidationError("no database at \(path); build it with `tarif data build` (or give --db)")
            }
            let database: TarifDatabase
            do { database = try TarifDatabase(path: path) } catch let error as TarifError {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode.failure
            }
            try await Self.publish(database, to: url, format: store.format)
        }

        static func publish(_ database: TarifDatabase, to url: String, format: OutputFormat) async throws {
            let progress = TerminalProgress()
            do {
                let report = try await PostgresPublisher.publish(database, to: url) { table, rows, total in
                    progress.report(phase: "copying \(table) into PostgreSQL", fraction: total == 0 ? 1 : Double(rows) / Double(total))
                }
                progress.finish(phase: "copy")
                struct Copied: Encodable { var table: String, rows: Int }
                try Output(format: format).emit(
                    header: ["table", "rows"], rows: report.tables.map { [$0.table, String($0.rows)] },
                    json: report.tables.map { Copied(table: $0.table, rows: $0.rows) },
                    footer: ["Copied into \(report.location.description)", String(format: "Time: %.2f s", report.seconds)])
            } catch let error as TarifError {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode.failure
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load one schedule file: an MFN schedule as a new version from --valid-from, or a staged preferential schedule.",
            discussion: """
                tarif data import btki-2025.csv --reader btki-csv --importer IDN --valid-from 2025-01-01 --legal-source "PMK …"
                tarif data import atiga-idn.csv --reader tarif-staging-csv --importer IDN --agreement ATIGA --legal-source "PMK …, Annex"
                tarif data import australia.csv --reader ita-fta-csv --agreement US-AU --legal-source "AUSFTA Annex 2-B"
                The staged CSV format is described in docs/staging.md.
                """)

        @Argument(help: "The file to load.")
        var file: String

        @Flag(name: .long, help: "Load it even when it would empty or shrink the version it replaces (refused otherwise).")
        var force = false

        @Option(name: .customLong("reader"), help: "Its format: btki-csv, ukgt-csv, hts-json; staged: tarif-staging-csv, ita-fta-csv.")
        var reader: String

        @Option(name: .long, help: "The importer, ISO alpha-3 (IDN, USA…); ita-fta-csv files name it in each row.")
        var importer: String?

        @Option(name: .long, help: "MFN schedules: the first day the schedule is in force, YYYY-MM-DD.")
        var validFrom: String?

        @Option(name: .long, help: "Staged schedules: the agreement, as the registry names it (ATIGA, RCEP, US-AU).")
        var agreement: String?

        @Option(name: .long, help: "Staged schedules: the only origin the rates are for (default: every party the importer grants).")
        var partner: String?

        @Option(name: .long, help: "Staged schedules: the day each staging year starts, MM-DD (default 01-01).")
        var yearStart: String?

        @Option(name: .long, help: "The legal instrument that enacts it.")
        var legalSource: String

        @Option(name: .long, help: "A title for the schedule (default: the file name).")
        var title: String?

        @Option(name: .long, help: "The nomenclature it follows (default: as the current version of the series).")
        var nomenclature: String?

        @OptionGroup var store: StoreOptions

        func run() throws {
            try TarifCLI.run {
                let name = URL(fileURLWithPath: file).lastPathComponent
                if StagingFormats.reader(for: reader) != nil {
                    guard let agreement else { throw TarifError(.badFile, "--agreement is needed for a staged schedule (\(reader))") }
                    let (month, day) = try DataBuilder.yearStart(yearStart)
                    let database = try TarifDatabase(path: Locations.database(explicit: store.db))
                    let report = try DataBuilder(database: database, progress: TerminalProgress(), allowShrink: force).loadStaging(
                        path: file, displayName: name, format: reader,
                        config: StagingSource(
                            agreement: agreement, importer: try importer.map { try CountryCode($0) }, partner: try partner.map { try CountryCode($0) },
                            title: title ?? name, legalSource: legalSource, yearStartMonth: month, yearStartDay: day, sourceFile: name))
                    try LoadSummary(reports: [report]).print(format: store.format, footer: [])
                    return
                }
                try PublicationFormatsCLI.requireSingleSchedule(reader)
                guard let importerText = importer, let validFrom else {
                    throw TarifError(.badFile, "--importer and --valid-from are needed to load an MFN schedule (\(reader))")
                }
                let importer = try CountryCode(importerText)
                let day = try Day(iso: validFrom)
                let currency = try PublicationFormatsCLI.currency(for: reader)
                let database = try TarifDatabase(path: Locations.database(explicit: store.db))
                let report = try DataBuilder(database: database, progress: TerminalProgress(), allowShrink: force).load(
                    path: file, displayName: name, format: reader
                ) { hash in
                    [
                        "mfn": ScheduleInfo(
                            series: ScheduleInfo.mfnSeries(for: importer), importer: importer, title: title ?? name,
                            nomenclature: nomenclature ?? "as published", currency: currency, validFrom: day, legalSource: legalSource,
                            sourceFile: name, contentHash: hash)
                    ]
                }
                try LoadSummary(reports: [report]).print(format: store.format, footer: [])
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the database against the catalog's files: each file's content in force, each schedule whole.",
            discussion: """
                tarif data verify              # one row per publication: ok, not in force, short, missing file
                tarif data verify --repair     # load again, all or nothing, each publication not in force
                Exits with status 1 when anything is not ok (after --repair: when anything could not be repaired).
                """)

        @Option(name: .long, help: "Data directory (default: $TARIF_DATA, else ../shared/data).")
        var data: String?

        @Flag(name: .long, help: "Reload from its file each publication whose content is not in force.")
        var repair = false

        @OptionGroup var store: StoreOptions

        func run() throws {
            try TarifCLI.run {
                let directory = try Locations.dataDirectory(explicit: data)
                let database = try TarifDatabase(path: Locations.database(explicit: store.db))
                let entries = try DataBuilder(database: database, progress: TerminalProgress()).verify(
                    from: directory, catalog: try Catalog.bundled(), repair: repair)
                let rows = entries.map { [$0.file, $0.format, $0.status.rawValue, $0.detail] }
                try Output(format: store.format).emit(header: ["file", "format", "status", "detail"], rows: rows, json: entries, footer: [])
                if entries.contains(where: { $0.status != .ok && $0.status != .repaired }) { throw ExitCode.failure }
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the schedule versions in the database and the span each holds.")

        @OptionGroup var options: QueryOptions

        func run() throws {
            try TarifCLI.run {
                let tarif = try options.open()
                let schedules = try tarif.store.schedules()
                let rows = schedules.map { s in
                    [
                        s.info.importer.rawValue, s.info.title, s.validity.start.description, s.validity.end.map(\.description) ?? "—",
                        String(s.lineCount), String(s.rateCount), String(s.unparsedCount), s.info.sourceFile,
                    ]
                }
                let counts = try tarif.store.referenceCounts()
                let staged = try tarif.store.stagedSchedules()
                var footer = ["HS entries: \(counts["hs_entry"] ?? 0), sections: \(counts["hs_section"] ?? 0), countries: \(counts["country"] ?? 0)"]
                footer.append(staged.isEmpty ? "No staged preferential schedules loaded." : "Staged preferential schedules:")
                for s in staged {
                    footer.append(
                        "  \(s.schedule.importer) ← \(s.schedule.partner?.rawValue ?? "all parties") \(s.schedule.agreement): \(s.lines) lines, \(s.stages) stages \(s.firstStage.map(\.description) ?? "")…\(s.lastStage.map(\.description) ?? "") (\(s.schedule.title); \(s.schedule.legalSource))")
                }
                try Output(format: options.format).emit(
                    header: ["importer", "schedule", "from", "until", "lines", "rates", "unparsed", "file"], rows: rows, json: schedules,
                    footer: footer)
            }
        }
    }

    struct Unparsed: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the rates of an importer's schedule that could not be read.")

        @Argument(help: "The importer, ISO alpha-3.")
        var importer: String

        @OptionGroup var options: QueryOptions

        func run() throws {
            try TarifCLI.run {
                let tarif = try options.open()
                let schedule = try tarif.schedule(for: try CountryCode(importer), on: try options.day())
                let list = try tarif.store.unparsed(in: schedule)
                try Output(format: options.format).emit(
                    header: ["line", "kind", "text", "where", "reason"],
                    rows: list.map { [$0.code.formatted, $0.kind.rawValue, $0.text, $0.location.description, $0.reason] }, json: list,
                    footer: ["\(list.count) unparsed of \(list.count + schedule.rateCount) rates in \(schedule.info.title)"])
            }
        }
    }
}

/// The WTO's RTA export as the user names it, or where the data directory keeps it.
struct RTAExportOptions: ParsableArguments {
    static let defaultPath = "preferences_agreements/wto_rta_is_allrtas_2026-01.xlsx"

    @Option(name: .long, help: "The WTO RTA-IS 'All RTAs' export (.xlsx; default: the one `data build` loaded, else \(RTAExportOptions.defaultPath) in the data directory).")
    var file: String?

    @Option(name: .long, help: "Data directory (default: $TARIF_DATA, else ../shared/data).")
    var data: String?

    /// The export's agreements: from `--file` when given, else as `data build` stored them,
    /// else read from the data directory (a database built without the export).
    func records(_ tarif: Tarif) throws -> [RTARecord] {
        if file == nil, case let stored = try tarif.store.rtaRecords(), !stored.isEmpty { return stored }
        let path = try file ?? Locations.dataDirectory(explicit: data).appendingPathComponent(Self.defaultPath).path
        return try WTORTAExport(path: path, displayName: file ?? Self.defaultPath).records
    }
}

extension DataCommand {
    struct Conflicts: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List where the curated registry and the WTO's RTA export disagree (the curated instrument stands).",
            discussion: """
                Compares every curated agreement that has a WTO RTA ID with the export: the date of signature, the
                entry into force for goods, and each party's own entry and exit dates.
                """)

        @OptionGroup var export: RTAExportOptions
        @OptionGroup var options: QueryOptions

        func run() throws {
            try TarifCLI.run {
                let tarif = try options.open()
                let comparison = RTAComparison(registry: try tarif.registry(), records: try export.records(tarif), countries: try tarif.store.countries())
                var footer = ["\(comparison.conflicts.count) disagreements; the curated fact stands (the instrument's own), the export's is shown beside it."]
                if !comparison.unmatchedParties.isEmpty {
                    footer.append("Party names of the export no country matches: \(comparison.unmatchedParties.joined(separator: ", "))")
                }
                if !comparison.missingIDs.isEmpty { footer.append("Curated RTA IDs the export lacks: \(comparison.missingIDs.joined(separator: ", "))") }
                let schedule = try tarif.instrumentConflicts()
                if !schedule.isEmpty {
                    footer += ["The US schedule against the instruments that ended its duties (the instrument stands):"] + schedule.map { "  " + $0 }
                }
                try Output(format: options.format).emit(
                    header: ["agreement", "RTA ID", "fact", "curated", "WTO export", "curated source"],
                    rows: comparison.conflicts.map { [$0.agreement, String($0.rtaID), $0.fact, $0.curated, $0.export, $0.source] },
                    json: comparison.conflicts, footer: footer)
            }
        }
    }

    struct RTAs: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rtas",
            abstract: "List the agreements of the WTO's RTA export (all 655), with the curated agreement that carries each RTA ID.")

        @Option(name: .long, help: "Only agreements a party of which has this name (as the export writes it: 'Indonesia').")
        var party: String?

        @OptionGroup var export: RTAExportOptions
        @OptionGroup var options: QueryOptions

        func run() throws {
            try TarifCLI.run {
                let tarif = try options.open()
                let records = try export.records(tarif).filter { r in
                    guard let party else { return true }
                    let key = party.lowercased()
                    return (r.currentSignatories + r.originalSignatories).contains { $0.lowercased() == key }
                }
                let registry = try tarif.registry()
                var inRegistry: [Int: String] = [:]
                var curated: Set<Int> = []
                for a in registry.agreements {
                    guard let id = a.wtoRTAID, inRegistry[id] == nil else { continue }
                    inRegistry[id] = a.id
                    if a.origin != RegistryLoader.rtaOrigin { curated.insert(id) }
                }
                let entered = records.filter { inRegistry[$0.id] != nil && !curated.contains($0.id) }.count
                try Output(format: options.format).emit(
                    header: ["RTA ID", "name", "type", "status", "goods in force", "parties", "in the registry as"],
                    rows: records.map {
                        [String($0.id), $0.name, $0.type, $0.status, $0.inForceGoods?.description ?? "—", String($0.currentSignatories.count), inRegistry[$0.id] ?? "not entered"]
                    },
                    json: records,
                    footer: [
                        "\(records.count) agreements of the WTO export: \(records.filter { curated.contains($0.id) }.count) curated, \(entered) entered as WTO-<RTA ID>, the rest not entered (fewer than two parties Tarif resolves, or the same parties as a UK scheme)"
                    ])
            }
        }
    }
}

/// The table `data build` and `data import` print.
struct LoadSummary {
    let reports: [LoadReport]

    func print(format: OutputFormat, footer: [String]) throws {
        var rows: [[String]] = []
        for r in reports {
            if r.alreadyLoaded {
                rows.append([r.fileName, "", "already loaded (same content)", "", "", "", ""])
            } else if r.stagedRates > 0 {
                rows.append([
                    r.fileName, "", "staged preferential schedule", String(r.stagedRates) + " stages", "", "",
                    r.stagedUnparsed.isEmpty ? "" : String(r.stagedUnparsed.count),
                ])
            } else if let first = r.revisions.first, let last = r.revisions.last {
                rows.append([
                    r.fileName, first.series, "history: \(r.revisions.count) revisions, \(first.validFrom) to \(last.validFrom)",
                    "\(r.historySpans) line states", String(last.rates), "", "",
                ])
            } else if r.schedules.isEmpty {
                rows.append([r.fileName, "", "reference data", String(r.referenceRows), "", "", ""])
            }
            for s in r.schedules {
                let share = s.rates + s.unparsed.count == 0 ? 0 : Double(s.unparsed.count) / Double(s.rates + s.unparsed.count) * 100
                rows.append([
                    r.fileName, s.series, "from \(s.validFrom)", String(s.lines), String(s.rates), String(s.notes),
                    "\(s.unparsed.count) (\(String(format: "%.2f", share))%)",
                ])
            }
        }
        var lines = footer
        // The first few of each schedule; the whole list is `tarif data unparsed IMPORTER` (and the JSON output).
        let shown = 10
        for r in reports {
            for e in r.excluded { lines.append("not loaded: \(e)") }
            for u in r.stagedUnparsed.prefix(shown) { lines.append("unparsed: \(u.location): \(u.text) — \(u.reason)") }
            if r.stagedUnparsed.count > shown {
                lines.append("unparsed: … \(r.stagedUnparsed.count - shown) more in \(r.fileName) (the JSON output lists them all)")
            }
            for s in r.schedules {
                for u in s.unparsed.prefix(shown) { lines.append("unparsed: \(u.location): \(u.text) — \(u.reason)") }
                if s.unparsed.count > shown {
                    lines.append("unparsed: … \(s.unparsed.count - shown) more in \(s.series) from \(s.validFrom): tarif data unparsed \(s.series.prefix(3)) --on \(s.validFrom)")
                }
            }
        }
        try Output(format: format).emit(
            header: ["file", "series", "schedule", "lines/rows", "rates", "notes", "unparsed"], rows: rows, json: reports, footer: lines)
    }
}

enum PublicationFormatsCLI {
    static func requireSingleSchedule(_ format: String) throws {
        guard ["btki-csv", "hts-json"].contains(format) else {
            throw TarifError(.unknownFormat, "'\(format)' cannot be imported alone; `data import` reads btki-csv or hts-json (the UK file loads with `data build`)")
        }
    }

    static func currency(for format: String) throws -> Currency {
        format == "btki-csv" ? .idr : .usd
    }
}
