import GRDB
public import TarifCore

extension TarifDatabase: TariffStore {
    public var storeDescription: String { "sqlite \(location)" }

    public func fetch(_ sql: String, _ arguments: [SQLValue]) throws -> [StoreRow] {
        try read { db in
            let statement = try db.cachedStatement(sql: sql)
            let columns = StoreRow.Columns(statement.columnNames)
            let bound = StatementArguments(arguments.map { value -> DatabaseValue in
                switch value {
                case .null: .null
                case .integer(let i): i.databaseValue
                case .real(let d): d.databaseValue
                case .text(let s): s.databaseValue
                }
            })
            var rows: [StoreRow] = []
            let cursor = try Row.fetchCursor(statement, arguments: bound)
            while let row = try cursor.next() {
                var values: [SQLValue] = []
                values.reserveCapacity(columns.names.count)
                for value in row.databaseValues {
                    switch value.storage {
                    case .null: values.append(.null)
                    case .int64(let i): values.append(.integer(i))
                    case .double(let d): values.append(.real(d))
                    case .string(let s): values.append(.text(s))
                    case .blob: throw TarifError(.database, "unexpected binary value in \(sql.prefix(60))")
                    }
                }
                rows.append(StoreRow(columns: columns, values: values))
            }
            return rows
        }
    }

    /// The lines SQLite's FTS5 index matches (every word a prefix of a word of the line's
    /// descriptions or path, or that word itself for one letter: ``SearchRanking/matchesAsPrefix(_:)``), in ``SearchRanking``'s order. (`CROSS JOIN` keeps the index as
    /// the outer loop: without an ORDER BY on its rank SQLite would otherwise walk the
    /// schedule's lines and run the match for each.)
    public func search(_ query: String, in schedule: StoredSchedule, limit: Int = 50) throws -> [TariffLine] {
        let words = Self.searchWords(query).map { SearchRanking.matchesAsPrefix($0) ? "\"\($0)\"*" : "\"\($0)\"" }
        guard !words.isEmpty else { return [] }
        let rows = schedule.rowFilter("l")
        let candidates = try fetch(
            """
            SELECT \(Self.candidateColumns) FROM line_search s CROSS JOIN tariff_line l ON l.id = s.rowid
            WHERE line_search MATCH ? AND \(rows.sql)
            """,
            [.text(words.joined(separator: " "))] + rows.arguments)
        return try rankedLines(candidates, for: query, limit: limit)
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try writer.read(body) } catch let error as DatabaseError { throw StoreError.database(error, "reading") }
    }
}
