import Foundation
public import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import TarifCore
public import TarifStore

/// Copies a built embedded database into PostgreSQL, all or nothing.
///
/// The tables are made from the SQLite schema itself (so a new migration needs no second
/// copy of the DDL): integers become `bigint`, text becomes `text COLLATE "C"` (byte order,
/// as SQLite compares), every table gains SQLite's `rowid`, and the unique and plain indexes
/// are made again. `tariff_line` gains a weighted `tsvector` for the full-text search.
///
/// Everything happens in one transaction: the tables are made and filled (`COPY`) in a
/// schema of their own, then the live schema is dropped and the new one renamed in its
/// place. Servers reading the live schema go on answering from it during the copy; an
/// error or an interruption leaves it untouched. Two builds of the same schema wait for
/// each other (an advisory lock).
public enum PostgresPublisher {
    /// What a publication copied: rows per table, in load order.
    public struct Report: Sendable {
        public var location: PostgresLocation
        public var tables: [(table: String, rows: Int)]
        public var seconds: Double
    }

    public static func publish(
        _ database: TarifDatabase, to url: String, logger: Logger = Logger(label: "tarif.postgres"),
        progress: @Sendable (_ table: String, _ copied: Int, _ of: Int) -> Void = { _, _, _ in }
    ) async throws -> Report {
        let location = try PostgresLocation(url: url)
        let started = Date()
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: try PostgresStore.configuration(location), id: 0, logger: logger)
        } catch {
            throw PostgresStore.explain(error, location: location)
        }
        var copied: [(String, Int)] = []
        do {
            let live = quoted(location.schema)
            let build = quoted(location.schema + "_build")
            try await run(connection, "BEGIN", logger)
            try await run(connection, "SELECT pg_advisory_xact_lock(hashtext('tarif data build ' || '\(location.schema)'))", logger)
            try await run(connection, "DROP SCHEMA IF EXISTS \(build) CASCADE", logger)
            try await run(connection, "CREATE SCHEMA \(build)", logger)
            // COPY names its table unqualified (postgres-nio quotes the name whole).
            try await run(connection, "SET LOCAL search_path TO \(build)", logger)
            for table in try database.dataTables() {
                let columns = try database.fetch(#"SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY cid"#, [.text(table)])
                try await run(connection, try createTable(table, in: build, columns: columns), logger)
                let names = try ["rowid"] + columns.map { try $0.text("name") }
                let count = try database.fetch("SELECT count(*) AS n FROM \(quoted(table))", []).first?.int("n") ?? 0
                let search = table == "tariff_line" ? try SearchColumns(columns: names) : nil
                let rows = try await copy(table, columns: names, from: database, on: connection, logger: logger, extend: search.map { ($0.extend, SearchColumns.names) }) {
                    progress(table, $0, count)
                }
                for statement in try indexes(of: table, in: build, database: database) { try await run(connection, statement, logger) }
                copied.append((table, rows))
            }
            try await run(connection, "CREATE TABLE \(build).tarif_meta (key text COLLATE \"C\" PRIMARY KEY, value text NOT NULL)", logger)
            let meta = [
                ("schema", TarifDatabase.schemaVersion), ("search", PostgresStore.searchVersion),
                ("built_at", ISO8601DateFormatter().string(from: Date())),
                ("built_from", database.location),
            ]
            for (key, value) in meta {
                var binds = PostgresBindings()
                binds.append(key)
                binds.append(value)
                try await connection.query(PostgresQuery(unsafeSQL: "INSERT INTO \(build).tarif_meta VALUES ($1, $2)", binds: binds), logger: logger)
            }
            try await run(connection, "DROP SCHEMA IF EXISTS \(live) CASCADE", logger)
            try await run(connection, "ALTER SCHEMA \(build) RENAME TO \(live)", logger)
            try await run(connection, "COMMIT", logger)
            for (table, _) in copied { try await run(connection, "ANALYZE \(live).\(quoted(table))", logger) }
        } catch {
            try? await run(connection, "ROLLBACK", logger)
            try? await connection.close()
            throw PostgresStore.explain(error, location: location)
        }
        try? await connection.close()
        return Report(location: location, tables: copied, seconds: Date().timeIntervalSince(started))
    }

    static func quoted(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    static func run(_ connection: PostgresConnection, _ sql: String, _ logger: Logger) async throws {
        try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
    }

    /// `CREATE TABLE` from SQLite's `pragma_table_info` rows.
    static func createTable(_ table: String, in schema: String, columns: [StoreRow]) throws -> String {
        var definitions = ["rowid bigint NOT NULL"]
        var key: [(Int, String)] = []
        for column in columns {
            let name = try column.text("name")
            let declared = try column.text("type").uppercased()
            let type =
                declared.contains("INT") ? "bigint"
                : declared.contains("REAL") || declared.contains("FLOA") || declared.contains("DOUB") ? "double precision"
                : "text COLLATE \"C\""
            definitions.append("\(quoted(name)) \(type)\(try column.bool("notnull") ? " NOT NULL" : "")")
            let pk = try column.int("pk")
            if pk > 0 { key.append((pk, name)) }
        }
        if !key.isEmpty { definitions.append("PRIMARY KEY (\(key.sorted { $0.0 < $1.0 }.map { quoted($0.1) }.joined(separator: ", ")))") }
        if table == "tariff_line" {
            // The words as SQLite's index cuts and folds them, written by the copy (SearchColumns).
            definitions.append("search_a text COLLATE \"C\"")
            definitions.append("search_b text COLLATE \"C\"")
            definitions.append(
                """
                search tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('simple', coalesce(search_a, '')), 'A')
                    || setweight(to_tsvector('simple', coalesce(search_b, '')), 'B')) STORED
                """)
        }
        return "CREATE TABLE \(schema).\(quoted(table)) (\n    \(definitions.joined(separator: ",\n    "))\n)"
    }

    /// The table's SQLite indexes (unique constraints and `CREATE INDEX`), made again, and
    /// the full-text index of `tariff_line`.
    static func indexes(of table: String, in schema: String, database: TarifDatabase) throws -> [String] {
        var statements: [String] = []
        for index in try database.fetch(#"SELECT name, "unique", origin FROM pragma_index_list(?) ORDER BY seq DESC"#, [.text(table)]) {
            guard try index.text("origin") != "pk" else { continue }
            let columns = try database.fetch("SELECT name FROM pragma_index_info(?) ORDER BY seqno", [.text(try index.text("name"))])
                .map { quoted(try $0.text("name")) }
            let unique = try index.bool("unique") ? "UNIQUE " : ""
            statements.append("CREATE \(unique)INDEX ON \(schema).\(quoted(table)) (\(columns.joined(separator: ", ")))")
        }
        if table == "tariff_line" { statements.append("CREATE INDEX ON \(schema).tariff_line USING gin (search)") }
        return statements
    }

    /// Streams a table in rowid order, 20,000 rows at a time, as `COPY … FROM STDIN` text.
    /// SQLite itself writes each chunk (escapes, separators, `\N` for null) as one string,
    /// so the copy costs little more than reading the rows.
    /// - Parameter extend: columns SQLite does not have, and what to add at the end of each row
    ///   as COPY writes it (fields separated by tabs) for them, already in COPY's form.
    static func copy(
        _ table: String, columns: [String], from database: TarifDatabase, on connection: PostgresConnection,
        logger: Logger, extend: (add: @Sendable (Substring) -> String, columns: [String])? = nil, progress: (Int) -> Void
    ) async throws -> Int {
        let fields = columns.map { name -> String in
            let column = name == "rowid" ? "rowid" : quoted(name)
            return #"CASE WHEN \#(column) IS NULL THEN '\N' ELSE "#
                + #"replace(replace(replace(replace(CAST(\#(column) AS TEXT), '\', '\\'), char(9), '\t'), char(10), '\n'), char(13), '\r') END"#
        }
        let select = """
            SELECT count(*) AS n, max(rowid) AS last, group_concat(line, char(10)) || char(10) AS text FROM (
                SELECT rowid, \(fields.joined(separator: " || char(9) || ")) AS line
                FROM \(quoted(table)) WHERE rowid > ? ORDER BY rowid LIMIT 20000)
            """
        var total = 0
        var after: Int64 = Int64.min
        var failure: (any Error)?
        try await connection.copyFrom(table: table, columns: columns + (extend?.columns ?? []), logger: logger) { writer in
            while true {
                let chunk: StoreRow
                do {
                    guard let row = try database.fetch(select, [.integer(after)]).first else { return }
                    chunk = row
                    guard try chunk.int("n") > 0 else { return }
                    after = try chunk.integer("last")
                } catch {
                    failure = error
                    throw error
                }
                var text = try chunk.text("text")
                if let extend = extend?.add {
                    var extended = ""
                    extended.reserveCapacity(text.utf8.count * 2)
                    for row in text.split(separator: "\n") {
                        extended += row
                        extended += extend(row)
                        extended += "\n"
                    }
                    text = extended
                }
                try await writer.write(ByteBuffer(string: text))
                total += try chunk.int("n")
                progress(total)
            }
        }
        if let failure { throw failure }
        return total
    }
}

/// The two columns PostgreSQL's full-text index reads in `tariff_line`: a line's descriptions
/// (English and the importer's language) and its path, written as SQLite's index sees their
/// words (``SearchRanking/searchText(_:)``: folded, separated by single spaces). PostgreSQL's
/// `simple` parser then finds exactly those words: it would otherwise keep characters beyond
/// ASCII inside words (the C locale takes them all for letters), and numbers, hosts, paths and
/// hyphenated words whole (`5.00`, `e.g`, `1,2-dimethyl`), where SQLite separates words.
struct SearchColumns: Sendable {
    static let names = ["search_a", "search_b"]
    let english: Int, local: Int, path: Int

    init(columns: [String]) throws {
        func index(_ name: String) throws -> Int {
            guard let i = columns.firstIndex(of: name) else { throw TarifError(.database, "tariff_line has no column \(name)") }
            return i
        }
        english = try index("description_en")
        local = try index("description_local")
        path = try index("path")
    }

    /// The two fields to add to a row of `tariff_line` as COPY writes it.
    func extend(_ row: Substring) -> String {
        let fields = row.split(separator: "\t", omittingEmptySubsequences: false)
        func text(_ i: Int) -> String { i < fields.count ? Self.unescaped(fields[i]) : "" }
        let a = SearchRanking.searchText(text(english) + " " + text(local))
        let b = SearchRanking.searchText(text(path))
        return "\t" + a + "\t" + b  // letters, digits and spaces: nothing to escape
    }

    /// A field of COPY's text form as text: `\N` (null) is empty, and an escaped backslash,
    /// tab, line feed or carriage return is a space (none is part of a word).
    static func unescaped(_ field: Substring) -> String {
        if field == "\\N" { return "" }
        guard field.utf8.contains(UInt8(ascii: "\\")) else { return String(field) }
        var out = ""
        var escaped = false
        for c in field {
            if escaped {
                out.append(" ")
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }
}
