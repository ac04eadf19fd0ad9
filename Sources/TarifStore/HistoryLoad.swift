import GRDB
public import TarifCore

/// A schedule series loaded whole from its revisions (every US HTS revision of 2025–2026):
/// the calendar file that dates them, and each revision's own file.
public struct HistoryLoad: Sendable {
    /// One revision's publication: the file it was read from and what the version is called.
    public struct RevisionFile: Sendable {
        public var fileName: String
        /// The format and SHA-256 the file has when loaded alone, so that loading it alone
        /// afterwards (the same bytes) is recognised as loaded.
        public var format: String
        public var contentHash: String
        public var title: String

        public init(fileName: String, format: String, contentHash: String, title: String) {
            self.fileName = fileName
            self.format = format
            self.contentHash = contentHash
            self.title = title
        }
    }

    /// The series' facts; its title and first day are each revision's own.
    public var info: ScheduleInfo
    /// In the order of ``history``'s revisions.
    public var files: [RevisionFile]
    public var history: ScheduleHistory
    /// The fewest lines a revision can plausibly hold.
    public var minimumLines: Int?

    public init(info: ScheduleInfo, files: [RevisionFile], history: ScheduleHistory, minimumLines: Int?) {
        self.info = info
        self.files = files
        self.history = history
        self.minimumLines = minimumLines
    }
}

extension LoadSink {
    /// Writes a history: one schedule version per revision, the later ones sharing the first's
    /// rows, and each line state once with the days it holds. Versions of the series from the
    /// first revision's day to the last's are replaced; earlier and later ones are kept.
    /// - Throws: ``TarifError`` `.refused` when a revision would hold fewer lines than the
    ///   catalog expects or shrink the one before it by more than ``PublicationLoad/shrinkThreshold``
    ///   (unless the load allows shrinking), `.badFile` when the files and revisions disagree.
    public mutating func addHistory(_ history: HistoryLoad) throws {
        let revisions = history.history.revisions
        guard revisions.count == history.files.count, let first = revisions.first, let last = revisions.last else {
            throw TarifError(.badFile, "a history needs one file per revision and at least one revision", at: SourceLocation(file: load.fileName))
        }
        if !load.allowShrink {
            var problems: [String] = []
            for (i, r) in revisions.enumerated() {
                if let minimum = history.minimumLines, r.lineCount < minimum {
                    problems.append("revision \(r.name) would have \(r.lineCount) lines; the catalog expects at least \(minimum)")
                } else if i > 0, Double(r.lineCount) < Double(revisions[i - 1].lineCount) * PublicationLoad.shrinkThreshold {
                    problems.append("revision \(r.name) would have \(r.lineCount) lines where \(revisions[i - 1].name) has \(revisions[i - 1].lineCount)")
                }
            }
            try refuse(problems, because: "A revision cut short must not enter the history; if it really is smaller")
        }
        let series = history.info.series
        let range: StatementArguments = [series, first.validFrom.description, last.validFrom.description]
        try db.execute(
            sql: """
                UPDATE source_file SET superseded_at = ? WHERE superseded_at IS NULL AND id <> ? AND id IN
                    (SELECT source_file_id FROM schedule WHERE series = ? AND valid_from >= ? AND valid_from <= ?)
                """,
            arguments: [now, fileID] + range)
        // The first of an earlier history takes its later revisions with it (rows_of cascades).
        try db.execute(sql: "DELETE FROM schedule WHERE series = ? AND valid_from >= ? AND valid_from <= ?", arguments: range)
        var base: Int64?
        for (revision, file) in zip(revisions, history.files) {
            let revisionFile = try sourceFile(for: file, itemCount: revision.lineCount + revision.rateCount)
            let info = history.info
            try db.execute(
                sql: """
                    INSERT INTO schedule (series, importer, title, nomenclature, currency, valid_from, legal_source, source_file_id,
                        content_hash, valid_until, rows_of, revision, line_count, rate_count, unparsed_count)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    series, info.importer.rawValue, file.title, info.nomenclature, info.currency.code, revision.validFrom.description,
                    info.legalSource, revisionFile, file.contentHash, base, revision.name, revision.lineCount, revision.rateCount,
                    revision.unparsedCount,
                ])
            if base == nil { base = db.lastInsertedRowID }
            report.revisions.append(
                LoadReport.ScheduleCounts(series: series, validFrom: revision.validFrom, lines: revision.lineCount, rates: revision.rateCount))
        }
        guard let base else { return }
        for span in history.history.spans {
            let rowSpan: RowSpan = (span.validFrom.description, span.validUntil?.description)
            let state = span.state
            try insert(state.line, schedule: base, span: rowSpan)
            for rate in state.rates { try insert(rate, schedule: base, span: rowSpan) }
            for note in state.notes { try insert(note, schedule: base, span: rowSpan) }
            for u in state.unparsed { try insert(u, schedule: base, span: rowSpan) }
        }
        report.historySpans = history.history.spans.count
        historyLoaded = true
    }

    /// The source-file record of one revision's file: the one it has when loaded alone, in
    /// force again, or a new one.
    private func sourceFile(for file: HistoryLoad.RevisionFile, itemCount: Int) throws -> Int64 {
        if let row = try Row.fetchOne(
            db, sql: "SELECT id, name, loaded_at FROM source_file WHERE format = ? AND content_hash = ?", arguments: [file.format, file.contentHash])
        {
            let known: Int64 = row["id"]
            // Two revisions with the same content (one republished unchanged) share the record, named for both.
            let name: String = row["loaded_at"] == now ? "\(row["name"] as String) = \(file.fileName.split(separator: "/").last ?? "")" : file.fileName
            try db.execute(
                sql: "UPDATE source_file SET name = ?, loaded_at = ?, superseded_at = NULL, item_count = ? WHERE id = ?",
                arguments: [name, now, itemCount, known])
            return known
        }
        try db.execute(
            sql: "INSERT INTO source_file (name, format, content_hash, loaded_at, item_count) VALUES (?, ?, ?, ?, ?)",
            arguments: [file.fileName, file.format, file.contentHash, now, itemCount])
        return db.lastInsertedRowID
    }
}
