/// A scan of JSON text for how deeply arrays and objects nest, run before a recursive
/// decoder (Foundation's `JSONDecoder`) sees text from outside: a body nested 100,000 deep
/// is an error with its position, never a stack overflow.
public enum JSONNesting {
    /// - Parameters:
    ///   - bytes: the JSON text (UTF-8).
    ///   - limit: the deepest nesting accepted (``InputLimits/maxJSONDepth`` by default).
    ///   - place: where the text came from, for the error (`body`, a file name).
    /// - Throws: ``TarifError`` `.tooLarge` at the bracket that passes `limit` (line and column).
    public static func check(_ bytes: some Sequence<UInt8>, limit: Int = InputLimits.maxJSONDepth, place: String) throws(TarifError) {
        var depth = 0, line = 1, column = 0
        var inString = false, escaped = false
        for b in bytes {
            column += 1
            if b == UInt8(ascii: "\n") {
                line += 1
                column = 0
            }
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit {
                    throw TarifError(
                        .tooLarge, "arrays and objects are nested more than \(limit) deep", at: SourceLocation(file: place, line: line, column: column))
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
    }
}
