import Foundation
public import GRDB

/// The embedded SQLite database and its schema migrations.
///
/// One value owns one `DatabaseQueue`; it is `Sendable` and may be shared across tasks.
public struct TarifDatabase: Sendable {
    public let writer: any DatabaseWriter
    /// The file, or `:memory:`.
    public let location: String

    /// Opens (creating if needed) the database file at `path` and migrates it.
    /// - Throws: ``TarifCore/TarifError`` `.database` when the file cannot be opened or migrated.
    public init(path: String) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        do {
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            self.writer = queue
            self.location = path
            try Self.migrator.migrate(queue)
        } catch let error as DatabaseError {
            throw StoreError.database(error, "opening \(path)")
        }
    }

    /// A database in memory, for tests.
    public static func inMemory() throws -> TarifDatabase {
        try TarifDatabase(writer: DatabaseQueue(), location: ":memory:")
    }

    init(writer: any DatabaseWriter, location: String) throws {
        self.writer = writer
        self.location = location
        try Self.migrator.migrate(writer)
    }

    /// The migrations that make this version's tables, as one string: a PostgreSQL copy
    /// records it, and a server of another version refuses to read that copy.
    public static var schemaVersion: String {
        migrator.migrations.map { $0.prefix(while: { $0 != ":" }) }.joined(separator: ",")
    }

    /// The tables that hold data, in an order that loads parents before children (the
    /// full-text index, SQLite's own tables and GRDB's migration log excluded).
    public func dataTables() throws -> [String] {
        try read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                        AND name NOT LIKE 'line_search%' AND name != 'grdb_migrations' ORDER BY rowid
                    """)
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: nomenclature, countries, schedules, rates") { db in
            try db.execute(
                sql: """
                    CREATE TABLE source_file (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        format TEXT NOT NULL,
                        content_hash TEXT NOT NULL,
                        loaded_at TEXT NOT NULL,
                        item_count INTEGER NOT NULL,
                        UNIQUE (format, content_hash)
                    );
                    CREATE TABLE hs_section (numeral TEXT PRIMARY KEY, name TEXT NOT NULL);
                    CREATE TABLE hs_entry (
                        code TEXT PRIMARY KEY,
                        level INTEGER NOT NULL,
                        section TEXT NOT NULL,
                        parent TEXT,
                        description TEXT NOT NULL
                    );
                    CREATE TABLE country (
                        code TEXT PRIMARY KEY,
                        alpha2 TEXT NOT NULL,
                        numeric TEXT NOT NULL,
                        name TEXT NOT NULL,
                        official_name TEXT NOT NULL,
                        region TEXT NOT NULL,
                        subregion TEXT NOT NULL,
                        ldc INTEGER NOT NULL,
                        lldc INTEGER NOT NULL,
                        sids INTEGER NOT NULL,
                        currency TEXT NOT NULL,
                        independence TEXT NOT NULL
                    );
                    CREATE TABLE schedule (
                        id INTEGER PRIMARY KEY,
                        series TEXT NOT NULL,
                        importer TEXT NOT NULL,
                        title TEXT NOT NULL,
                        nomenclature TEXT NOT NULL,
                        currency TEXT NOT NULL,
                        valid_from TEXT NOT NULL,
                        legal_source TEXT NOT NULL,
                        source_file_id INTEGER NOT NULL REFERENCES source_file(id),
                        content_hash TEXT NOT NULL,
                        UNIQUE (series, valid_from)
                    );
                    CREATE INDEX schedule_importer ON schedule(importer, valid_from);
                    CREATE TABLE tariff_line (
                        id INTEGER PRIMARY KEY,
                        schedule_id INTEGER NOT NULL REFERENCES schedule(id) ON DELETE CASCADE,
                        code TEXT NOT NULL,
                        digits INTEGER NOT NULL,
                        hs6 TEXT,
                        indent INTEGER NOT NULL,
                        description_en TEXT NOT NULL,
                        description_local TEXT,
                        units TEXT NOT NULL,
                        path TEXT NOT NULL,
                        UNIQUE (schedule_id, code)
                    );
                    CREATE TABLE rate (
                        id INTEGER PRIMARY KEY,
                        schedule_id INTEGER NOT NULL REFERENCES schedule(id) ON DELETE CASCADE,
                        code TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        program TEXT,
                        text TEXT NOT NULL,
                        form TEXT NOT NULL,
                        expression TEXT NOT NULL
                    );
                    CREATE INDEX rate_line ON rate(schedule_id, code);
                    CREATE TABLE line_note (
                        schedule_id INTEGER NOT NULL REFERENCES schedule(id) ON DELETE CASCADE,
                        code TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        text TEXT NOT NULL
                    );
                    CREATE INDEX line_note_line ON line_note(schedule_id, code);
                    CREATE TABLE unparsed_rate (
                        schedule_id INTEGER NOT NULL REFERENCES schedule(id) ON DELETE CASCADE,
                        code TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        text TEXT NOT NULL,
                        reason TEXT NOT NULL,
                        location TEXT NOT NULL
                    );
                    CREATE VIRTUAL TABLE line_search USING fts5(
                        description_en, description_local, path,
                        content='tariff_line', content_rowid='id',
                        tokenize='unicode61 remove_diacritics 2'
                    );
                    """)
        }
        migrator.registerMigration("v2: preference schemes") { db in
            try db.execute(
                sql: """
                    CREATE TABLE preference_scheme (
                        importer TEXT NOT NULL,
                        code TEXT NOT NULL,
                        title TEXT NOT NULL,
                        valid_from TEXT NOT NULL,
                        document TEXT NOT NULL,
                        PRIMARY KEY (importer, code)
                    );
                    """)
        }
        migrator.registerMigration("v3: staged preferential schedules") { db in
            try db.execute(
                sql: """
                    CREATE TABLE staged_schedule (
                        id INTEGER PRIMARY KEY,
                        source_file_id INTEGER NOT NULL REFERENCES source_file(id),
                        importer TEXT NOT NULL,
                        agreement TEXT NOT NULL,
                        partner TEXT NOT NULL,
                        title TEXT NOT NULL,
                        legal_source TEXT NOT NULL,
                        currency TEXT NOT NULL,
                        source_file TEXT NOT NULL,
                        UNIQUE (importer, agreement, partner, title)
                    );
                    CREATE TABLE staged_rate (
                        staged_schedule_id INTEGER NOT NULL REFERENCES staged_schedule(id) ON DELETE CASCADE,
                        code TEXT NOT NULL,
                        valid_from TEXT NOT NULL,
                        text TEXT NOT NULL,
                        expression TEXT NOT NULL,
                        base_rate TEXT,
                        staging TEXT
                    );
                    CREATE INDEX staged_rate_code ON staged_rate(code, staged_schedule_id, valid_from);
                    """)
        }
        migrator.registerMigration("v4: publications superseded") { db in
            // A file stays "loaded" only while what it wrote is in force: a later load that
            // replaces one of its schedules or its reference rows marks it superseded.
            try db.execute(sql: "ALTER TABLE source_file ADD COLUMN superseded_at TEXT")
        }
        migrator.registerMigration("v5: schedule versions with a known end") { db in
            // A version covering a known span (a year of WITS/TRAINS data) ends there, even
            // when no later version is loaded.
            try db.execute(sql: "ALTER TABLE schedule ADD COLUMN valid_until TEXT")
        }
        migrator.registerMigration("v6: the WTO's RTA records") { db in
            // Each agreement of the WTO RTA database's export, as a JSON document the registry reads.
            try db.execute(sql: "CREATE TABLE rta_record (id INTEGER PRIMARY KEY, name TEXT NOT NULL, document TEXT NOT NULL)")
        }
        migrator.registerMigration("v7: schedule histories as validity intervals") { db in
            // A series loaded as a history (every revision of the US HTS) keeps one row per
            // line and state, not a copy per revision: the revisions after the first share its
            // rows (`rows_of`), each row holding from `valid_from` until `valid_until` (NULL: still).
            // A schedule loaded alone owns its rows, which hold throughout (`valid_from` empty).
            // Counts are kept on the version, as counting interval rows per version would be slow.
            try db.execute(
                sql: """
                    ALTER TABLE schedule ADD COLUMN rows_of INTEGER REFERENCES schedule(id) ON DELETE CASCADE;
                    ALTER TABLE schedule ADD COLUMN revision TEXT;
                    ALTER TABLE schedule ADD COLUMN line_count INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE schedule ADD COLUMN rate_count INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE schedule ADD COLUMN unparsed_count INTEGER NOT NULL DEFAULT 0;
                    UPDATE schedule SET
                        line_count = (SELECT count(*) FROM tariff_line l WHERE l.schedule_id = schedule.id),
                        rate_count = (SELECT count(*) FROM rate r WHERE r.schedule_id = schedule.id),
                        unparsed_count = (SELECT count(*) FROM unparsed_rate u WHERE u.schedule_id = schedule.id);
                    CREATE TABLE tariff_line_v7 (
                        id INTEGER PRIMARY KEY,
                        schedule_id INTEGER NOT NULL REFERENCES schedule(id) ON DELETE CASCADE,
                        code TEXT NOT NULL,
                        digits INTEGER NOT NULL,
                        hs6 TEXT,
                        indent INTEGER NOT NULL,
                        description_en TEXT NOT NULL,
                        description_local TEXT,
                        units TEXT NOT NULL,
                        path TEXT NOT NULL,
                        valid_from TEXT NOT NULL DEFAULT '',
                        valid_until TEXT
                    );
                    INSERT INTO tariff_line_v7 (id, schedule_id, code, digits, hs6, indent, description_en, description_local, units, path)
                        SELECT id, schedule_id, code, digits, hs6, indent, description_en, description_local, units, path FROM tariff_line;
                    DROP TABLE tariff_line;
                    ALTER TABLE tariff_line_v7 RENAME TO tariff_line;
                    CREATE INDEX tariff_line_code ON tariff_line(schedule_id, code);
                    ALTER TABLE rate ADD COLUMN valid_from TEXT NOT NULL DEFAULT '';
                    ALTER TABLE rate ADD COLUMN valid_until TEXT;
                    ALTER TABLE line_note ADD COLUMN valid_from TEXT NOT NULL DEFAULT '';
                    ALTER TABLE line_note ADD COLUMN valid_until TEXT;
                    ALTER TABLE unparsed_rate ADD COLUMN valid_from TEXT NOT NULL DEFAULT '';
                    ALTER TABLE unparsed_rate ADD COLUMN valid_until TEXT;
                    INSERT INTO line_search (line_search) VALUES ('rebuild');
                    """)
        }
        migrator.registerMigration("v8: product-specific rules of origin") { db in
            // Each row of a scheme's published rules (UK Trade Tariff), as a JSON document
            // that TarifOrigin compiles; found by scheme and 10-digit range.
            try db.execute(
                sql: """
                    CREATE TABLE origin_rule_set (
                        importer TEXT NOT NULL, scheme TEXT NOT NULL, position INTEGER NOT NULL,
                        low TEXT NOT NULL, high TEXT NOT NULL, document TEXT NOT NULL,
                        PRIMARY KEY (importer, scheme, position));
                    """)
        }
        migrator.registerMigration("v9: chapter 99 scope lists") { db in
            // The product lists deciding which goods a US chapter 99 heading covers (Annex II,
            // Section 232 lists, orders' annexes), found by the HTS digits they name.
            try db.execute(
                sql: """
                    CREATE TABLE chapter99_scope (
                        list TEXT NOT NULL, prefix TEXT NOT NULL, valid_from TEXT, valid_through TEXT, source TEXT NOT NULL);
                    CREATE INDEX chapter99_scope_prefix ON chapter99_scope (prefix);
                    """)
        }
        migrator.registerMigration("v10: what the chapter 99 scope lists say of each entry") { db in
            // The metal and kind, annex or heading of a Section 232 entry decide which heading
            // charges the goods. The lists loaded before lack them: they are dropped, with the
            // record of their file, so that the next `data build` loads them again.
            try db.execute(
                sql: """
                    ALTER TABLE chapter99_scope ADD COLUMN detail TEXT NOT NULL DEFAULT '';
                    DELETE FROM chapter99_scope;
                    DELETE FROM source_file WHERE format = 'us-ch99-scope-csv';
                    """)
        }
        migrator.registerMigration("v11: tariff-rate quotas") { db in
            // The quotas of a preference (the UK's FTA quotas): found by importer and the code
            // they are written on (every line under it).
            try db.execute(
                sql: """
                    CREATE TABLE tariff_quota (importer TEXT NOT NULL, agreement TEXT NOT NULL, prefix TEXT NOT NULL, document TEXT NOT NULL);
                    CREATE INDEX tariff_quota_prefix ON tariff_quota (importer, prefix);
                    """)
        }
        migrator.registerMigration("v12: where a history's rows start and end") { db in
            // `changes` between two revisions reads the rows that start or end between them;
            // partial indexes hold only a history's rows (a schedule loaded alone has none), and
            // cover the query, so the rows themselves are not read. A line's rows are found by code
            // with their days in the index, so the rows of other days are not read either.
            try db.execute(
                sql: """
                    CREATE INDEX tariff_line_from ON tariff_line (schedule_id, valid_from, valid_until, code) WHERE valid_from <> '';
                    CREATE INDEX tariff_line_until ON tariff_line (schedule_id, valid_until, valid_from, code) WHERE valid_until IS NOT NULL;
                    CREATE INDEX rate_from ON rate (schedule_id, valid_from, valid_until, code) WHERE valid_from <> '';
                    CREATE INDEX rate_until ON rate (schedule_id, valid_until, valid_from, code) WHERE valid_until IS NOT NULL;
                    CREATE INDEX line_note_from ON line_note (schedule_id, valid_from, valid_until, code) WHERE valid_from <> '';
                    CREATE INDEX line_note_until ON line_note (schedule_id, valid_until, valid_from, code) WHERE valid_until IS NOT NULL;
                    DROP INDEX tariff_line_code;
                    CREATE INDEX tariff_line_code ON tariff_line (schedule_id, code, valid_from, valid_until);
                    DROP INDEX rate_line;
                    CREATE INDEX rate_line ON rate (schedule_id, code, valid_from, valid_until);
                    DROP INDEX line_note_line;
                    CREATE INDEX line_note_line ON line_note (schedule_id, code, valid_from, valid_until);
                    """)
        }
        return migrator
    }
}
