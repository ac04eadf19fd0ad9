import Dispatch
public import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import Synchronization
public import TarifCore
public import TarifStore

/// Tarif's tables in a PostgreSQL database, shared by any number of stateless servers.
///
/// The queries are the ``TariffStore`` ones, the same as on SQLite; only the full-text
/// search is PostgreSQL's own (a weighted `tsvector` with a GIN index). The store's methods
/// are synchronous, like the embedded database's: each query runs on a connection of a
/// small pool, on an event loop of the store's own (never the caller's), and the calling
/// thread waits for it, as it would for SQLite's disk reads.
public final class PostgresStore: TariffStore {
    public let location: PostgresLocation
    private let group: MultiThreadedEventLoopGroup
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let idle = Mutex<[PostgresConnection]>([])
    private let nextID = Atomic<Int>(1)
    private let maxIdle: Int

    /// How the published search index cuts and folds words (``SearchRanking/searchText(_:)``);
    /// a database published otherwise is refused (its searches would answer otherwise).
    public static let searchVersion = "unicode61-words-3"

    /// Connects once, to fail early with a clear message, and checks that a data build has
    /// loaded the schema with this version's tables.
    public init(url: String, maxIdleConnections: Int = 8, logger: Logger = Logger(label: "tarif.postgres")) throws {
        location = try PostgresLocation(url: url)
        configuration = try Self.configuration(location)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.logger = logger
        maxIdle = maxIdleConnections
        do {
            let rows = try fetch("SELECT value FROM tarif_meta WHERE key = 'schema'", [])
            let found = try rows.first?.text("value")
            guard found == TarifDatabase.schemaVersion else {
                throw TarifError(
                    .database,
                    "\(location.description) was built by another version of Tarif (tables \(found ?? "unknown"), this one reads \(TarifDatabase.schemaVersion)); run `tarif data build --database-url …` again")
            }
            let search = try fetch("SELECT value FROM tarif_meta WHERE key = 'search'", []).first?.text("value")
            guard search == Self.searchVersion else {
                throw TarifError(
                    .database,
                    "\(location.description) was built by another version of Tarif (its search index \(search ?? "does not fold diacritics"), this one reads \(Self.searchVersion)); run `tarif data build --database-url …` again")
            }
        } catch {
            closeAll()
            throw Self.explain(error, location: location)
        }
    }

    deinit { closeAll() }

    /// Closes the idle connections, waiting for each, then stops the event loop.
    private func closeAll() {
        for connection in idle.withLock({ idle in defer { idle = [] }; return idle }) { _ = try? wait(connection.close()) }
        try? group.syncShutdownGracefully()
    }

    public var storeDescription: String { location.description }

    public func fetch(_ sql: String, _ arguments: [SQLValue]) throws -> [StoreRow] {
        let query = try Self.query(sql, arguments)
        var attempt = 0
        while true {
            let connection: PostgresConnection
            do { connection = try acquire() } catch { throw Self.explain(error, location: location) }
            do {
                let rows = try wait(connection.query(query, logger: logger).flatMapThrowing(Self.rows(from:)))
                release(connection)
                return rows
            } catch {
                // A connection the server closed (a restart, an idle timeout) is dropped and
                // the query tried once more on a new one; any other error is the answer.
                if connection.isClosed, attempt == 0 {
                    attempt += 1
                    continue
                }
                if !connection.isClosed { release(connection) }
                throw Self.explain(error, location: location, sql: sql)
            }
        }
    }

    /// The lines PostgreSQL's full-text search matches over the same texts as SQLite's FTS5
    /// index (every word a prefix of a word of the line's descriptions or path, or that word
    /// itself for one letter: ``SearchRanking/matchesAsPrefix(_:)``), in
    /// ``SearchRanking``'s order: the same answer as SQLite's.
    public func search(_ query: String, in schedule: StoredSchedule, limit: Int = 50) throws -> [TariffLine] {
        // Words folded as SQLite's index folds them; the published texts were folded alike.
        let words = Self.searchWords(query).map { word in
            let folded = SearchRanking.folded(word)
            return SearchRanking.matchesAsPrefix(word) ? folded + ":*" : folded
        }
        guard !words.isEmpty else { return [] }
        let rows = schedule.rowFilter("l")
        let candidates = try fetch(
            """
            SELECT \(Self.candidateColumns) FROM tariff_line l, to_tsquery('simple', ?) q
            WHERE \(rows.sql) AND l.search @@ q
            """,
            [.text(words.joined(separator: " & "))] + rows.arguments)
        return try rankedLines(candidates, for: query, limit: limit)
    }

    // MARK: Connections

    private func acquire() throws -> PostgresConnection {
        if let connection = idle.withLock({ $0.popLast() }) {
            if !connection.isClosed { return connection }
        }
        let id = nextID.add(1, ordering: .relaxed).oldValue
        return try wait(PostgresConnection.connect(on: group.next(), configuration: configuration, id: id, logger: logger))
    }

    private func release(_ connection: PostgresConnection) {
        let kept = idle.withLock { idle -> Bool in
            guard idle.count < maxIdle else { return false }
            idle.append(connection)
            return true
        }
        if !kept { connection.close().whenComplete { _ in } }
    }

    /// Waits for a future of the store's own event loop from any thread but that loop's
    /// (callers are never on it: it runs only the store's connections).
    private func wait<T: Sendable>(_ future: EventLoopFuture<T>) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<T, any Error>?>(nil)
        future.whenComplete { outcome in
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }

    // MARK: Translation

    static func configuration(_ location: PostgresLocation) throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let socket = location.socketDirectory {
            configuration = .init(
                unixSocketPath: socket + "/.s.PGSQL.\(location.port)", username: location.user, password: location.password,
                database: location.database)
        } else {
            let tls: PostgresConnection.Configuration.TLS
            switch location.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            configuration = .init(
                host: location.host, port: location.port, username: location.user, password: location.password,
                database: location.database, tls: tls)
        }
        configuration.options.additionalStartupParameters = [("search_path", location.schema), ("application_name", "tarif")]
        return configuration
    }

    /// `?` placeholders (outside quotes) become `$1`, `$2`, … with the values bound in order.
    static func query(_ sql: String, _ arguments: [SQLValue]) throws -> PostgresQuery {
        var text = ""
        text.reserveCapacity(sql.utf8.count + 8)
        var n = 0
        var quoted = false
        for c in sql {
            if c == "'" { quoted.toggle() }
            if c == "?", !quoted {
                n += 1
                text += "$\(n)"
            } else {
                text.append(c)
            }
        }
        guard n == arguments.count else {
            throw TarifError(.database, "query has \(n) placeholders but \(arguments.count) values: \(sql.prefix(80))")
        }
        var binds = PostgresBindings(capacity: arguments.count)
        for value in arguments {
            switch value {
            case .null: binds.appendNull()
            case .integer(let i): binds.append(i)
            case .real(let d): binds.append(d)
            case .text(let s): binds.append(s)
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: binds)
    }

    static func rows(from result: PostgresQueryResult) throws -> [StoreRow] {
        guard let first = result.rows.first else { return [] }
        let columns = StoreRow.Columns(first.map(\.columnName))
        return try result.rows.map { row in
            var values: [SQLValue] = []
            values.reserveCapacity(columns.names.count)
            for cell in row { values.append(try value(cell)) }
            return StoreRow(columns: columns, values: values)
        }
    }

    /// A cell as a value, read straight from its bytes: the binary forms of the integer types
    /// (big-endian) and the UTF-8 of the text types; anything else through postgres-nio's decoder.
    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard var bytes = cell.bytes else { return .null }
        if cell.format == .binary {
            switch cell.dataType {
            case .text, .varchar, .name, .bpchar: return .text(bytes.readString(length: bytes.readableBytes) ?? "")
            case .int8 where bytes.readableBytes == 8: return .integer(bytes.readInteger(as: Int64.self)!)
            case .int4 where bytes.readableBytes == 4: return .integer(Int64(bytes.readInteger(as: Int32.self)!))
            case .int2 where bytes.readableBytes == 2: return .integer(Int64(bytes.readInteger(as: Int16.self)!))
            default: break
            }
        }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .float4, .float8: return .real(try cell.decode(Double.self))
        default: return .text(try cell.decode(String.self))
        }
    }

    /// PostgreSQL's errors as Tarif's, with the server's own message and where.
    static func explain(_ error: any Error, location: PostgresLocation, sql: String? = nil) -> any Error {
        if error is TarifError { return error }
        var message = "\(location.description): "
        if let psql = error as? PSQLError {
            if let server = psql.serverInfo?[.message] {
                message += server
                if psql.serverInfo?[.sqlState] == "42P01" {
                    message += " (no Tarif tables in schema \(location.schema): run `tarif data build --database-url …` first)"
                }
            } else {
                message += "\(psql.code)"
                if let underlying = psql.underlying { message += " (\(underlying))" }
            }
        } else {
            message += "\(error)"
        }
        if let sql { message += " [in \(sql.split(separator: "\n").first ?? "")]" }
        return TarifError(.database, message)
    }
}
