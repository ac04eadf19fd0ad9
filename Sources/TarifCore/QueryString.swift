/// A URL query string read as a form encodes it (`application/x-www-form-urlencoded`):
/// `name=value` pairs split on the bytes `&` and `=`, `+` read as a space and `%XX` as a
/// byte. The HTTP service reads its questions with it; it is here, apart from the server,
/// so that it can be tested and fuzzed on its own.
public struct QueryString: Sendable {
    /// The parameters as written, names as they are and values decoded (left as written when
    /// the percent-decoding fails); a name given twice keeps both.
    public let parameters: [(name: Substring, value: String)]

    /// Reads `name=value&…` (a few parameters: a list searched by name costs less than a dictionary).
    public init(_ query: String?) {
        guard let query, !query.isEmpty else {
            parameters = []
            return
        }
        let utf8 = query.utf8
        parameters = utf8.split(separator: UInt8(ascii: "&")).map { pair in
            guard let eq = pair.firstIndex(of: UInt8(ascii: "=")) else { return (Substring(pair), "") }
            return (Substring(pair[..<eq]), Self.decoded(Substring(pair[utf8.index(after: eq)...])))
        }
    }

    /// A value as a form encodes it: `+` is a space, `%XX` a byte; left as written when the
    /// decoding fails.
    public static func decoded(_ raw: Substring) -> String {
        let utf8 = raw.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) else { return String(raw) }
        let spaced = utf8.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: " ") : $0 }
        guard spaced.contains(UInt8(ascii: "%")) else { return String(decoding: spaced, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(spaced.count)
        var i = 0
        while i < spaced.count {
            if spaced[i] == UInt8(ascii: "%") {
                guard i + 2 < spaced.count, let hi = hex(spaced[i + 1]), let lo = hex(spaced[i + 2]) else {
                    return String(decoding: spaced, as: UTF8.self)  // not percent-encoded: as written
                }
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(spaced[i])
                i += 1
            }
        }
        return String(validating: out, as: UTF8.self) ?? String(decoding: spaced, as: UTF8.self)
    }

    private static func hex(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): b - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The last value of `name`; nil when absent.
    public subscript(_ name: String) -> String? { parameters.last { $0.name == name }?.value }

    /// Every value of a repeatable parameter, in order.
    public func all(_ name: String) -> [String] { parameters.filter { $0.name == name }.map(\.value) }
}
