extension ExactDecimal {
    /// Parses plain decimal notation with a point: `12`, `-3.25`, `.5`, `+7.0`.
    ///
    /// Grouping separators and decimal commas are a publication's convention, not
    /// this type's: readers normalise them (see ``NumberFormat``) before calling this.
    /// - Returns: `nil` for anything else, or for more than 36 digits or `maxScale` places.
    public init?(_ text: some StringProtocol) {
        var significand: Int128 = 0
        var scale = 0
        var digits = 0
        var seenPoint = false
        var negative = false
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        if index < utf8.endIndex, utf8[index] == UInt8(ascii: "-") || utf8[index] == UInt8(ascii: "+") {
            negative = utf8[index] == UInt8(ascii: "-")
            index = utf8.index(after: index)
        }
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: ".") {
                if seenPoint { return nil }
                seenPoint = true
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits += 1
                if digits > 36 { return nil }
                significand = significand * 10 + Int128(byte - UInt8(ascii: "0"))
                if seenPoint {
                    scale += 1
                    if scale > Self.maxScale { return nil }
                }
            } else {
                return nil
            }
            index = utf8.index(after: index)
        }
        guard digits > 0 else { return nil }
        self.init(significand: negative ? -significand : significand, scale: scale)
    }
}

/// How a publication writes numbers.
public enum NumberFormat: Sendable, Hashable, Codable {
    /// `1,024.00`: point decimal, comma grouping (UK, US, ISO-style).
    case pointDecimal
    /// `14.000,-` or `12,5`: comma decimal, point grouping (Indonesia). A point
    /// followed by exactly three digits is grouping; any other point is read as a
    /// decimal point, since the BTKI also prints `7.5`.
    case commaDecimal

    /// Parses `text` in this format.
    /// - Returns: `nil` when the text is not a number in this format.
    public func parse(_ text: Substring) -> ExactDecimal? {
        // Without a comma a point-decimal number is plain notation (the usual case).
        if self == .pointDecimal && !text.utf8.contains(UInt8(ascii: ",")) { return ExactDecimal(text) }
        var cleaned = ""
        cleaned.reserveCapacity(text.utf8.count)
        let chars = Array(text)
        switch self {
        case .pointDecimal:
            for (i, c) in chars.enumerated() {
                if c == "," {
                    // Grouping comma: must be followed by exactly three digits.
                    let rest = chars[(i + 1)...].prefix { $0.isASCII && $0.isNumber }
                    guard rest.count == 3, i > 0 else { return nil }
                    continue
                }
                cleaned.append(c)
            }
        case .commaDecimal:
            var seenComma = false
            for (i, c) in chars.enumerated() {
                if c == "." {
                    let rest = chars[(i + 1)...].prefix { $0.isASCII && $0.isNumber }
                    let nextIsSeparatorOrEnd = i + 1 + rest.count == chars.count || chars[i + 1 + rest.count] == "," || chars[i + 1 + rest.count] == "."
                    if !seenComma, rest.count == 3, nextIsSeparatorOrEnd, i > 0 { continue }  // grouping
                    cleaned.append(".")
                } else if c == "," {
                    if seenComma { return nil }
                    seenComma = true
                    cleaned.append(".")
                } else {
                    cleaned.append(c)
                }
            }
        }
        return ExactDecimal(cleaned)
    }
}
