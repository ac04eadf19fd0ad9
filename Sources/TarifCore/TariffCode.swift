/// A goods-nomenclature code: an HS chapter (2 digits), heading (4), subheading (6),
/// or a national line below it (8, 10 or 12 digits; Japan's 9-digit statistical codes,
/// `0901.21.000`, are the subheading and three national digits).
///
/// The published forms all normalise to the same code: `10.06.30.99`, `1006.30.99`,
/// `1006 30 99` and `10063099` are one line. A spreadsheet that stored a code as a
/// number drops its leading zero (`1012100` for `01012100`); an odd number of digits
/// with no separators is read that way, except nine, which is a Japanese statistical
/// code (a reader of 10-digit codes stored as numbers uses ``init(paddingLostZero:)``).
public struct TariffCode: Sendable, Hashable, Comparable {
    /// The digits as a number (leading zeros are kept by `length`).
    public let value: UInt64
    /// How many digits: 2, 4, 6, 8, 9 (Japan), 10 or 12.
    public let length: UInt8

    /// Parses a code as published or typed.
    /// - Throws: ``TarifError`` `.badCode` saying what is wrong with `text`.
    public init(_ text: some StringProtocol) throws {
        let trimmed = text.trimmingCharacters(in: " \t")
        guard !trimmed.isEmpty else { throw TarifError(.badCode, "an empty tariff code") }
        guard trimmed.utf8.count <= 64 else {
            throw TarifError(.badCode, "'\(InputLimits.echo(trimmed))' is not a tariff code: longer than any (at most 12 digits)")
        }
        var value: UInt64 = 0
        var count = 0
        var current = 0
        var groups = 0
        var first = 0
        var laterGroupsOfTwo = true
        var lastGroup = 0
        var groupsOfTwoBeforeLast = true
        func endGroup() {
            if groups == 0 { first = current } else {
                if lastGroup != 0 && lastGroup != 2 { groupsOfTwoBeforeLast = false }
                if current != 2 { laterGroupsOfTwo = false }
                lastGroup = current
            }
            groups += 1
            current = 0
        }
        for scalar in trimmed.unicodeScalars {
            switch scalar {
            case "0"..."9":
                if count < 18 { value = value * 10 + UInt64(scalar.value - 48) }  // more digits are refused below
                count += 1
                current += 1
            case ".", " ", "-":
                guard current > 0 else {
                    throw TarifError(.badCode, "'\(InputLimits.echo(trimmed))' has two separators in a row")
                }
                endGroup()
            default:
                throw TarifError(
                    .badCode, "'\(InputLimits.echo(trimmed))' is not a tariff code: '\(Character(scalar))' is not a digit or separator")
            }
        }
        guard current > 0 else { throw TarifError(.badCode, "'\(InputLimits.echo(trimmed))' ends with a separator") }
        endGroup()
        let japanese = count == 9 && groups == 3 && first == 4 && lastGroup == 3 && groupsOfTwoBeforeLast
        if japanese || (groups == 1 && count == 9) {
            // Japan's statistical code: `0901.21.000` or its nine digits. (A 10-digit code
            // stored as a number has nine digits too: a reader of such a file says so with
            // ``init(paddingLostZero:)``.)
        } else if groups > 1 {
            // Dotted forms: the first group has 2 or 4 digits (chapter or heading), the rest 2.
            guard first == 2 || first == 4, laterGroupsOfTwo else {
                throw TarifError(
                    .badCode,
                    "'\(InputLimits.echo(trimmed))' is not a tariff code: groups after the first must have 2 digits (like 1006.30.99)")
            }
        } else if count % 2 == 1 {
            // A code stored as a number lost its leading zero.
            count += 1
        }
        guard count <= 12, count % 2 == 0 || count == 9 else {
            throw TarifError(.badCode, "'\(InputLimits.echo(trimmed))' has \(count) digits; a tariff code has 2, 4, 6, 8, 9 (Japan), 10 or 12")
        }
        guard value / Self.scale[count - 2] >= 1 else {
            throw TarifError(.badCode, "'\(InputLimits.echo(trimmed))' names chapter 00, which does not exist")
        }
        self.value = value
        self.length = UInt8(count)
    }

    /// A code from a file that stored codes as numbers, so that a leading zero may be lost
    /// (`101210000` for `0101210000`): an odd number of digits gets its zero back.
    /// - Throws: ``TarifError`` `.badCode` as ``init(_:)``.
    public init(paddingLostZero text: some StringProtocol) throws {
        let trimmed = text.trimmingCharacters(in: " \t")
        if trimmed.utf8.count % 2 == 1, trimmed.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            try self.init("0" + trimmed)
        } else {
            try self.init(trimmed)
        }
    }

    init(value: UInt64, length: UInt8) {
        self.value = value
        self.length = length
    }

    /// The digits, with leading zeros: `10063099`.
    public var digits: String { text(dotted: false) }

    /// The digits, dotted after the heading and every two digits below it when `dotted`.
    /// Written from `value` into at most 17 bytes (the result is a small string: no allocation).
    private func text(dotted: Bool) -> String {
        let count = Int(length)
        let size = dotted && count > 4 ? count + (count == 9 ? 2 : (count - 4) / 2) : count
        return String(unsafeUninitializedCapacity: size) { buffer in
            var v = value
            var at = size
            for i in stride(from: count - 1, through: 0, by: -1) {
                at -= 1
                buffer[at] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
                if dotted, i >= 4, count == 9 ? (i == 4 || i == 6) : i % 2 == 0 {
                    at -= 1
                    buffer[at] = UInt8(ascii: ".")
                }
            }
            return size
        }
    }

    /// The first `count` digits (2 ≤ `count` ≤ `length`).
    public func prefix(_ count: Int) -> TariffCode {
        precondition(count <= Int(length) && count >= 2)
        var v = value
        for _ in 0..<(Int(length) - count) { v /= 10 }
        return TariffCode(value: v, length: UInt8(count))
    }

    /// The code one level up: two digits fewer, or the subheading above a Japanese
    /// 9-digit code; `nil` for a chapter.
    @inlinable
    public var parent: TariffCode? {
        switch length {
        case ...2: return nil
        case 9: return prefix(6)
        default: return prefix(Int(length) - 2)
        }
    }

    /// The code itself or the nearest code above it (one level at a time) for
    /// which `found` holds; `nil` when none down to the chapter does.
    public func selfOrAncestor(where found: (TariffCode) -> Bool) -> TariffCode? {
        var c = self
        while !found(c) {
            guard let p = c.parent else { return nil }
            c = p
        }
        return c
    }

    /// The HS chapter (2 digits).
    public var chapter: TariffCode { prefix(2) }
    /// The HS subheading this code sits under, when it has 6 or more digits.
    public var hs6: TariffCode? { length >= 6 ? prefix(6) : nil }

    /// Whether `other` is this code or a line below it.
    public func contains(_ other: TariffCode) -> Bool {
        other.length >= length && other.prefix(Int(length)) == self
    }

    /// The customary dotted form: `1006`, `1006.30`, `1006.30.99`, `6109.10.00.12`.
    public var formatted: String { text(dotted: true) }

    /// The order of the digit strings (`1006` before `100600` before `1006001`…), computed
    /// on the numbers: both padded to 12 digits, then the shorter first.
    public static func < (lhs: TariffCode, rhs: TariffCode) -> Bool {
        let l = lhs.value * Self.scale[12 - Int(lhs.length)], r = rhs.value * Self.scale[12 - Int(rhs.length)]
        return l != r ? l < r : lhs.length < rhs.length
    }

    private static let scale: [UInt64] = (0...12).map { (0..<$0).reduce(1) { p, _ in p * 10 } }
}

extension TariffCode: CustomStringConvertible {
    public var description: String { formatted }
}

extension TariffCode: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(try container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(formatted)
    }
}

extension StringProtocol {
    /// The text without the given leading and trailing characters.
    func trimmingCharacters(in set: String) -> String {
        // The sets are a few characters: searching them beats building a Set on every call.
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

extension StringProtocol {
    /// The text without the given leading and trailing characters (`"  a. ".trimming(" .")` is `"a"`).
    public func trimming(_ set: String) -> String { trimmingCharacters(in: set) }
}

extension StringProtocol {
    /// The first range where `needle` occurs (a Foundation-free `range(of:)`).
    public func firstRange(of needle: String) -> Range<Index>? {
        guard !needle.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].starts(with: needle) { return i..<index(i, offsetBy: needle.count) }
            i = index(after: i)
        }
        return nil
    }
}
