import TarifCore

/// A JSON value, as read by ``JSONArrayReader``. Numbers keep their text so no
/// digit is lost to binary floating point.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The string, or `""` for null/absent; numbers as their text.
    public var text: String {
        switch self {
        case .string(let s): s
        case .number(let n): n
        case .bool(let b): b ? "true" : "false"
        default: ""
        }
    }

    public var array: [JSONValue] {
        if case .array(let a) = self { return a }
        return []
    }
}

/// Reads a file whose top level is a JSON array, one element at a time, so a large
/// export is never held whole. Errors carry the line and column.
public final class JSONArrayReader {
    let source: ByteSource
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    private var line = 1
    private var column = 1
    private var started = false
    private var finished = false
    /// The line on which the element last returned by ``next()`` starts.
    public private(set) var elementLine = 0
    /// How many arrays and objects enclose the value being read (the top-level array counts).
    private var depth = 0
    private let maxDepth: Int

    /// - Parameter maxDepth: the deepest nesting of arrays and objects accepted; deeper is an
    ///   error at the bracket that passes it (never a stack overflow).
    ///   `nil`: ``InputLimits/maxJSONDepth``.
    public init(source: ByteSource, maxDepth: Int? = nil) {
        self.source = source
        self.maxDepth = maxDepth ?? InputLimits.maxJSONDepth
    }

    /// The whole file as one JSON value (for small files whose top level is an object).
    /// - Throws: ``TarifError`` for malformed JSON, bad UTF-8, trailing content or a file cut short.
    public func document() throws -> JSONValue {
        skipSpace()
        let v = try value()
        try expectEnd()
        finished = true
        return v
    }

    /// The next element of the top-level array; `nil` after the closing bracket.
    /// - Throws: ``TarifError`` for malformed JSON, bad UTF-8 or a file cut short.
    public func next() throws -> JSONValue? {
        if finished { return nil }
        if !started {
            skipSpace()
            guard try peek() == UInt8(ascii: "[") else { throw error("the file does not start with a JSON array '['") }
            advance()
            started = true
            depth = 1
            skipSpace()
            if try peek() == UInt8(ascii: "]") {
                advance()
                try expectEnd()
                return nil
            }
        } else {
            skipSpace()
            let c = try peek()
            if c == UInt8(ascii: "]") {
                advance()
                try expectEnd()
                return nil
            }
            guard c == UInt8(ascii: ",") else { throw error("expected ',' or ']' between array elements") }
            advance()
            skipSpace()
        }
        elementLine = line
        return try value()
    }

    private func expectEnd() throws {
        finished = true
        skipSpace()
        if let _ = try? peek() { throw error("text after the end of the top-level array") }
    }

    func error(_ message: String) -> TarifError {
        TarifError(.badFile, message, at: SourceLocation(file: source.displayName, line: line, column: column))
    }

    private func ensure() throws -> Bool {
        if position < buffer.count { return true }
        if atEnd { return false }
        let chunk = try source.read()
        if chunk.isEmpty {
            atEnd = true
            return false
        }
        buffer = chunk
        position = 0
        return true
    }

    private func peek() throws -> UInt8 {
        guard try ensure() else {
            throw TarifError(.truncated, "the JSON ends early (cut short?)", at: SourceLocation(file: source.displayName, line: line, column: column))
        }
        return buffer[position]
    }

    private func advance() {
        if buffer[position] == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else {
            column += 1
        }
        position += 1
    }

    private func skipSpace() {
        while (try? ensure()) == true {
            let c = buffer[position]
            guard c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 else { return }
            advance()
        }
    }

    /// Enters an array or object, refusing nesting deeper than `maxDepth`.
    private func enter() throws {
        guard depth < maxDepth else {
            throw TarifError(
                .tooLarge, "arrays and objects are nested more than \(maxDepth) deep here; no publication Tarif reads is",
                at: SourceLocation(file: source.displayName, line: line, column: column))
        }
        depth += 1
        advance()
    }

    private func value() throws -> JSONValue {
        skipSpace()
        let c = try peek()
        switch c {
        case UInt8(ascii: "{"):
            try enter()
            defer { depth -= 1 }
            var object: [String: JSONValue] = [:]
            skipSpace()
            if try peek() == UInt8(ascii: "}") {
                advance()
                return .object(object)
            }
            while true {
                skipSpace()
                guard try peek() == UInt8(ascii: "\"") else { throw error("expected a key in quotes") }
                let key = try string()
                skipSpace()
                guard try peek() == UInt8(ascii: ":") else { throw error("expected ':' after key \"\(key)\"") }
                advance()
                object[key] = try value()
                skipSpace()
                let d = try peek()
                advance()
                if d == UInt8(ascii: "}") { return .object(object) }
                guard d == UInt8(ascii: ",") else { throw error("expected ',' or '}' in an object") }
            }
        case UInt8(ascii: "["):
            try enter()
            defer { depth -= 1 }
            var array: [JSONValue] = []
            skipSpace()
            if try peek() == UInt8(ascii: "]") {
                advance()
                return .array(array)
            }
            while true {
                array.append(try value())
                skipSpace()
                let d = try peek()
                advance()
                if d == UInt8(ascii: "]") { return .array(array) }
                guard d == UInt8(ascii: ",") else { throw error("expected ',' or ']' in an array") }
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default:
            var text: [UInt8] = []
            while try ensure() {
                let d = buffer[position]
                guard (d >= 0x30 && d <= 0x39) || d == UInt8(ascii: "-") || d == UInt8(ascii: "+") || d == UInt8(ascii: ".")
                    || d == UInt8(ascii: "e") || d == UInt8(ascii: "E")
                else { break }
                text.append(d)
                advance()
                if text.count > 400 { throw error("a number longer than 400 characters") }
            }
            guard !text.isEmpty else { throw error("unexpected character '\(Character(Unicode.Scalar(c)))'") }
            return .number(String(decoding: text, as: UTF8.self))
        }
    }

    private func literal(_ word: String) throws {
        for expected in word.utf8 {
            guard try peek() == expected else { throw error("expected '\(word)'") }
            advance()
        }
    }

    private func string() throws -> String {
        let startLine = line, startColumn = column
        advance()  // opening quote
        var bytes: [UInt8] = []
        while true {
            guard try ensure() else {
                throw TarifError(
                    .truncated, "the file ends inside a string that starts here",
                    at: SourceLocation(file: source.displayName, line: startLine, column: startColumn))
            }
            let c = buffer[position]
            advance()
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\") {
                let e = try peek()
                advance()
                switch e {
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard try peek() == UInt8(ascii: "\\") else { throw error("a lone UTF-16 surrogate") }
                        advance()
                        guard try peek() == UInt8(ascii: "u") else { throw error("a lone UTF-16 surrogate") }
                        advance()
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("a high UTF-16 surrogate not followed by a low one") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw error("\\u escape is not a character") }
                    bytes.append(contentsOf: Array(String(Character(u)).utf8))
                default: bytes.append(e)
                }
            } else {
                bytes.append(c)
            }
            if bytes.count > InputLimits.maxJSONStringBytes {
                throw TarifError(
                    .tooLarge, "a string longer than \(InputLimits.maxJSONStringBytes) bytes starts here",
                    at: SourceLocation(file: source.displayName, line: startLine, column: startColumn))
            }
        }
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw TarifError(
                .badEncoding, "the string is not valid UTF-8",
                at: SourceLocation(file: source.displayName, line: startLine, column: startColumn))
        }
        return s
    }

    private func hex4() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = try peek()
            advance()
            guard let d = Character(Unicode.Scalar(c)).hexDigitValue else { throw error("bad \\u escape") }
            v = v * 16 + UInt32(d)
        }
        return v
    }
}
