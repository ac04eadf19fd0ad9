public import TarifCore

/// A span of the nomenclature as rules of origin write it: `15.11`, `1511.10`, `chapter 15`,
/// `0101-0106`, `2824.10 through 2824.90`. Both ends are compared at their own length:
/// `0101-0106` holds every code whose heading is 0101 to 0106.
public struct CodeRange: Sendable, Hashable, Codable, CustomStringConvertible {
    public var from: TariffCode
    public var to: TariffCode

    public init(_ from: TariffCode, _ to: TariffCode? = nil) {
        self.from = from
        self.to = to ?? from
    }

    /// Parses `1511`, `15.11`, `1511.10-1511.90`, `0101 through 0106`, `chapter 15`, `ch. 15`.
    /// - Throws: ``TarifError`` `.badCode` naming the text.
    public init(parsing text: String) throws {
        var t = text.trimming(" ").lowercased()
        for prefix in ["chapters ", "chapter ", "ch. ", "ch.", "headings ", "heading ", "subheadings ", "subheading ", "hs "] where t.hasPrefix(prefix) {
            t = String(t.dropFirst(prefix.count)).trimming(" ")
            break
        }
        let parts: [String]
        if let r = t.firstRange(of: " through ") ?? t.firstRange(of: " to ") {
            parts = [String(t[..<r.lowerBound]), String(t[r.upperBound...])]
        } else if let dash = t.firstIndex(where: { $0 == "-" || $0 == "–" }), t.firstIndex(of: ".") == nil || t.count > 7 {
            parts = [String(t[..<dash]), String(t[t.index(after: dash)...])]
        } else {
            parts = [t]
        }
        do {
            let a = try Self.code(parts[0])
            let b = parts.count > 1 ? try Self.code(parts[1]) : a
            guard a.length == b.length, a <= b else {
                throw TarifError(.badCode, "'\(InputLimits.echo(text))' is not a range: its ends must have the same length and run upward")
            }
            self.init(a, b)
        } catch let e as TarifError {
            throw TarifError(.badCode, e.message.contains(text) ? e.message : "'\(InputLimits.echo(text))': \(e.message)")
        }
    }

    /// Codes as rules write them (`15.11` is heading 1511, `chapter 5` is chapter 05):
    /// ``TariffCode``'s own reading.
    static func code(_ s: String) throws -> TariffCode { try TariffCode(s.trimming(" ")) }

    /// Larger for narrower ranges: longer codes first, then fewer codes between the ends.
    /// The rule that applies to a product is the covering range with the largest value.
    public var specificity: Int { Int(from.length) * 1_000_000 - Int(to.value - from.value) }

    /// Whether `code` lies in the range, comparing at the range's length (a shorter code
    /// is in it only when every code under it would be).
    public func contains(_ code: TariffCode) -> Bool {
        if code.length >= from.length {
            let c = code.prefix(Int(from.length))
            return from <= c && c <= to
        }
        // A code coarser than the range: inside only if the range covers all of it.
        return from.prefix(Int(code.length)) == code && to.prefix(Int(code.length)) == code
            && from == TariffCode.first(under: code, length: from.length) && to == TariffCode.last(under: code, length: to.length)
    }

    public var description: String { from == to ? from.formatted : "\(from.formatted)-\(to.formatted)" }
}

extension TariffCode {
    /// The lowest and highest codes of `length` digits under `code` (`0100` and `0199` under `01`).
    static func first(under code: TariffCode, length: UInt8) -> TariffCode? {
        var v = code.value
        for _ in 0..<(Int(length) - Int(code.length)) { v *= 10 }
        return try? TariffCode(String(repeating: "0", count: max(0, Int(length) - String(v).count)) + String(v))
    }

    static func last(under code: TariffCode, length: UInt8) -> TariffCode? {
        var v = code.value
        for _ in 0..<(Int(length) - Int(code.length)) { v = v * 10 + 9 }
        return try? TariffCode(String(repeating: "0", count: max(0, Int(length) - String(v).count)) + String(v))
    }
}
