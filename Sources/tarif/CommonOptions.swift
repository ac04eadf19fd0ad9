import ArgumentParser
import Foundation
import TarifCore
import TarifKit
import TarifPostgres

/// How query results are printed.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// The database and the output format: options every command takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "Database file (default: $TARIF_DB, else ~/.local/share/tarif/tarif.sqlite).")
    var db: String?

    @Option(
        name: .long,
        help: "Read a PostgreSQL database instead, postgres://user:password@host:port/database (default: $TARIF_DATABASE_URL).")
    var databaseURL: String?

    @Option(name: .long, help: "Output format: table, json or csv.")
    var format: OutputFormat = .table

    /// The PostgreSQL URL from the option or the environment, if any.
    var postgresURL: String? {
        (databaseURL ?? ProcessInfo.processInfo.environment["TARIF_DATABASE_URL"]).flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The existing database (never creates one: a query on an empty file would only mislead).
    func open() throws -> Tarif {
        if let url = postgresURL { return Tarif(store: try PostgresStore(url: url)) }
        let path = Locations.database(explicit: db)
        guard FileManager.default.fileExists(atPath: path) else {
            throw TarifError(.io, "no database at \(path); build it with `tarif data build` (or give --db)")
        }
        return try Tarif(path: path)
    }
}

/// Options every query command takes.
struct QueryOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions

    var db: String? { store.db }
    var format: OutputFormat { store.format }

    @Option(name: .long, help: "The day the question is about, YYYY-MM-DD (default: today).")
    var on: String?

    func day() throws -> Day {
        guard let on else { return Day.today() }
        return try Day(iso: on)
    }

    func open() throws -> Tarif { try store.open() }
}


enum TarifCLI {
    /// Runs a command body, turning Tarif's errors into a clear message and exit code 1.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as TarifError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
