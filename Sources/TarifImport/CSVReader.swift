import TarifCore

/// A streaming RFC 4180 CSV reader: quoted fields may hold commas, doubled quotes and
/// line breaks. It checks UTF-8 and reports file, line and column for every problem.
public final class CSVReader {
    public struct Record {
        /// The line on which the record starts (1-based).
        public let line: Int
        public let fields: [String]
    }

    let source: ByteSource
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var line = 1
    private var parser: CSVRecordParser
    public private(set) var header: [String] = []

    /// The longest record accepted.
    let maxRecordBytes: Int

    /// Opens `source` and reads its header row.
    /// - Parameter maxRecordBytes: the longest record (`nil`: ``InputLimits/maxCSVRecordBytes``).
    /// - Throws: ``TarifError`` when the file is empty or the header is not valid CSV.
    public init(source: ByteSource, maxRecordBytes: Int? = nil) throws {
        self.source = source
        self.maxRecordBytes = maxRecordBytes ?? InputLimits.maxCSVRecordBytes
        parser = CSVRecordParser(file: source.displayName)
        guard let first = try nextRecord() else {
            throw TarifError(.badFile, "the file is empty (no header row)", at: SourceLocation(file: source.displayName))
        }
        header = CSVRecordParser.headerNames(first.fields)
    }

    /// The index of each required column.
    /// - Throws: ``TarifError`` `.badFile` naming the missing columns.
    public func columns(_ names: [String]) throws -> [Int] {
        let missing = names.filter { !header.contains($0) }
        guard missing.isEmpty else {
            throw TarifError(
                .badFile, "the header lacks column(s) \(missing.joined(separator: ", ")); it has \(header.joined(separator: ", "))",
                at: SourceLocation(file: source.displayName, line: 1))
        }
        return names.map { header.firstIndex(of: $0)! }
    }

    /// The next data record; `nil` at the end. Records with a different number of fields
    /// from the header are errors.
    public func next() throws -> Record? {
        guard let record = try nextRecord() else { return nil }
        if record.fields.count == 1, record.fields[0].isEmpty { return try next() }  // blank line
        guard record.fields.count == header.count else {
            throw TarifError(
                .badFile, "the row has \(record.fields.count) fields; the header has \(header.count)",
                at: SourceLocation(file: source.displayName, line: record.line))
        }
        return record
    }

    private func fill() throws -> Bool {
        if atEnd { return false }
        let chunk = try source.read()
        if chunk.isEmpty {
            atEnd = true
            return false
        }
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        buffer.append(contentsOf: chunk)
        return true
    }

    private func nextRecord() throws -> Record? {
        if position >= buffer.count, try !fill() { return nil }
        while true {
            let end = try buffer.withUnsafeBufferPointer { try parser.parse($0, from: position, line: line, atEnd: atEnd) }
            if let end {
                let record = Record(line: line, fields: parser.strings())
                position = end
                line = parser.nextLine
                return record
            }
            // The record runs past the bytes read: read more (at the end of the file, parse it as
            // it is) — up to a bound, so a field left open or a row of megabytes is an error
            // after a megabyte, not after the whole file has been held and re-scanned.
            if buffer.count - position > maxRecordBytes {
                throw TarifError(
                    .tooLarge,
                    "the record starting on this line is longer than \(maxRecordBytes >> 10) KiB (a quoted field left open, or not a CSV of this kind?)",
                    at: SourceLocation(file: source.displayName, line: line))
            }
            _ = try fill()
        }
    }
}
