import TarifCore

/// The syntax of one CSV record (RFC 4180, as Tarif reads it), shared by the streaming
/// ``CSVReader`` and readers that cut a file into blocks of whole records.
///
/// A field that starts with a quote is quoted: it may hold commas, line breaks and doubled
/// quotes (one quote each). A quote inside an unquoted field is kept as it is. A carriage
/// return outside quotes is dropped, so CRLF files read as LF files. A record ends at a line
/// break outside quotes, or at the end of the input.
///
/// The parser keeps the fields of the last record in one byte array it reuses, so reading
/// a record allocates nothing once the arrays have grown to the longest record.
public struct CSVRecordParser {
    /// The unescaped bytes of the last record's fields, one after the other.
    public private(set) var bytes: [UInt8] = []
    /// Where each field ends in ``bytes`` (each starts where the one before ends).
    public private(set) var ends: [Int] = []
    /// For messages: the column each field starts at, and the line it ends on.
    private var startColumns: [Int] = []
    private var endLines: [Int] = []
    /// The line after the last record parsed (its start line plus the line breaks it holds).
    public private(set) var nextLine = 1
    /// The name of the input in error messages.
    public let file: String

    public init(file: String) {
        self.file = file
    }

    /// The number of fields of the last record.
    public var count: Int { ends.count }

    /// Whether the last record is a blank line (one empty field).
    public var isBlank: Bool { ends.count == 1 && ends[0] == 0 }

    /// Field `i` of the last record, as bytes.
    public func field(_ i: Int) -> ArraySlice<UInt8> {
        bytes[(i == 0 ? 0 : ends[i - 1])..<ends[i]]
    }

    /// Field `i` of the last record, as text (checked as UTF-8 when the record was parsed).
    public func string(_ i: Int) -> String {
        String(decoding: field(i), as: UTF8.self)
    }

    /// Every field of the last record, as text.
    public func strings() -> [String] {
        (0..<ends.count).map(string)
    }

    /// A header row's fields without the UTF-8 byte order mark some programs write at the
    /// start of a file.
    public static func headerNames(_ fields: [String]) -> [String] {
        var names = fields
        if let f = names.first, f.hasPrefix("\u{FEFF}") { names[0] = String(f.dropFirst()) }
        return names
    }

    /// Parses the record that starts at `start` in `input`, on line `line`.
    ///
    /// - Parameter atEnd: whether `input` runs to the end of the file. When it does not, a
    ///   record that is not followed by a line break yet is incomplete.
    /// - Returns: the index just after the record (after its line break), or nil when the
    ///   record is incomplete (more input is needed to finish it).
    /// - Throws: ``TarifError`` `.truncated` when the file ends inside a quoted field,
    ///   `.badEncoding` when a field is not UTF-8 (each with its line and column).
    public mutating func parse(_ input: UnsafeBufferPointer<UInt8>, from start: Int, line: Int, atEnd: Bool) throws -> Int? {
        try parse(input, from: start, line: line, atEnd: atEnd, checkingEncoding: true)
    }

    private mutating func parse(
        _ input: UnsafeBufferPointer<UInt8>, from start: Int, line: Int, atEnd: Bool, checkingEncoding: Bool
    ) throws -> Int? {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        startColumns.removeAll(keepingCapacity: true)
        endLines.removeAll(keepingCapacity: true)
        var line = line
        let startLine = line
        var i = start
        var column = 1
        var fieldStartColumn = 1
        var fieldStart = 0
        var quoted = false
        let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), newline = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        func finishField() {
            ends.append(bytes.count)
            startColumns.append(fieldStartColumn)
            endLines.append(line)
        }
        while true {
            guard i < input.count else {
                guard atEnd else { return nil }
                if quoted {
                    throw TarifError(
                        .truncated, "the file ends inside a quoted field that starts here",
                        at: SourceLocation(file: file, line: startLine, column: fieldStartColumn))
                }
                finishField()
                break
            }
            if !quoted {
                // A run of ordinary bytes is copied at once.
                var j = i
                while j < input.count {
                    let b = input[j]
                    if b == comma || b == newline || b == cr || b == quote { break }
                    j += 1
                }
                if j > i {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[i..<j]))
                    column += j - i
                    i = j
                    continue
                }
            }
            let byte = input[i]
            i += 1
            column += 1
            if quoted {
                if byte == quote {
                    if i >= input.count && !atEnd { return nil }  // a doubled quote may follow in the next bytes
                    if i < input.count, input[i] == quote {
                        bytes.append(quote)
                        i += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == newline {
                        line += 1
                        column = 1
                    }
                    bytes.append(byte)
                }
                continue
            }
            if byte == comma {
                finishField()
                fieldStart = bytes.count
                fieldStartColumn = column
            } else if byte == newline {
                finishField()
                line += 1
                break
            } else if byte == cr {
                continue
            } else if byte == quote && bytes.count == fieldStart {
                quoted = true
            } else {
                bytes.append(byte)
            }
        }
        if checkingEncoding { try checkEncoding() }
        nextLine = line
        return i
    }

    /// Throws for the first field that is not UTF-8 (nearly every record is ASCII, checked at once).
    private func checkEncoding() throws {
        if bytes.allSatisfy({ $0 < 0x80 }) { return }
        for k in ends.indices where String(validating: field(k), as: UTF8.self) == nil {
            throw TarifError(
                .badEncoding, "the text is not valid UTF-8", at: SourceLocation(file: file, line: endLines[k], column: startColumns[k]))
        }
    }

    /// Where the last whole record in `input` ends (the index after its line break), when
    /// `input` starts at a record's start and may stop inside a record; nil when it holds no
    /// whole record. Used to cut a file into blocks of whole records.
    public mutating func endOfLastWholeRecord(in input: UnsafeBufferPointer<UInt8>) throws -> Int? {
        // Without a quote every line break ends a record.
        if !input.contains(UInt8(ascii: "\"")) {
            return input.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }
        }
        var position = 0
        var last: Int?
        // Records are only delimited here; their encoding is checked where they are read.
        while position < input.count, let end = try parse(input, from: position, line: 1, atEnd: false, checkingEncoding: false) {
            position = end
            last = end
        }
        return last
    }
}
