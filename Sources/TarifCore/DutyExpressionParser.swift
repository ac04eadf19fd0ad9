/// Reads the duty expressions of the BTKI, the UK Global Tariff / EU CET and the US HTS.
///
/// The parser works on the publication's text, after folding white space: it
/// recognises whole-text forms first (references in words, seasonal lists,
/// alternatives), then `MIN`/`MAX`, then `+`-joined terms.
public struct DutyExpressionParser: Sendable {
    public let dialect: RateDialect

    public init(dialect: RateDialect) {
        self.dialect = dialect
    }

    /// Parses one rate as published.
    /// - Returns: `nil` when the cell states no rate (empty, `-`).
    /// - Throws: ``TarifError`` `.badRate` saying which part is not understood.
    public func parse(_ text: String) throws -> DutyExpression? {
        var s = Self.joinHyphenation(Self.fold(text))
        // A full stop ending the sentence ("… + 50%.", "… of the copper content.") is not part
        // of the rate; one after a digit may be (a number's own point is never last, but keep it).
        if s.count > 1, s.hasSuffix("."), let before = s.dropLast().last, !before.isNumber, before != "." {
            s.removeLast()
            s = s.trimmingCharacters(in: " ")
        }
        if s.isEmpty || s == "-" || s == "–" { return nil }
        return try parseWhole(s)
    }

    /// White space folded to single spaces, no-break spaces included.
    public static func fold(_ text: String) -> String {
        var out = ""
        var lastWasSpace = true
        for ch in text {
            if ch == " " || ch == "\u{00A0}" || ch == "\t" || ch == "\n" || ch == "\r" {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
            } else {
                out.append(ch)
                lastWasSpace = false
            }
        }
        if out.hasSuffix(" ") { out.removeLast() }
        return out
    }

    /// `thou- sand` → `thousand`: the line-end hyphenation the HTS keeps from print.
    static func joinHyphenation(_ text: String) -> String {
        var out = ""
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            if chars[i] == "-", i > 0, i + 2 < chars.count, chars[i - 1].isLetter, chars[i + 1] == " ", chars[i + 2].isLowercase {
                i += 2
                continue
            }
            out.append(chars[i])
            i += 1
        }
        return out
    }

    func fail(_ text: String, _ reason: String) -> TarifError {
        TarifError(.badRate, "cannot read rate '\(InputLimits.echo(text))': \(reason)")
    }

    func parseWhole(_ s: String) throws -> DutyExpression {
        let lower = s.lowercased()
        if lower.hasPrefix("no change") {
            return .reference(DutyReference(.unchanged, text: s.trimmingCharacters(in: ".")))
        }
        if Self.isReferenceInWords(lower), !lower.contains("+") {
            return .reference(DutyReference(.otherProvision, text: s))
        }
        if s == "*)" { return .reference(DutyReference(.footnote, text: s)) }
        if lower == "entry price" { return .reference(DutyReference(.entryPrice, text: s)) }
        if s.contains(";") {
            let parts = s.split(separator: ";").map { $0.trimmingCharacters(in: " ") }.filter { !$0.isEmpty }
            return .alternatives(try parts.map { try parseWhole($0) })
        }
        if let seasonal = try parseSeasonal(s) { return seasonal }
        if lower.hasPrefix("free") {
            let rest = s.dropFirst(4).trimmingCharacters(in: " ,")
            return .free(condition: rest.isEmpty ? nil : rest)
        }
        if let range = Substring(s).range(of: ", but ") {
            let body = String(s[..<range.lowerBound])
            let note = String(s[s.index(after: range.lowerBound)...]).trimmingCharacters(in: " ")
            return .annotated(try parseWhole(body), note: note)
        }
        if s.hasSuffix("*)") {
            let body = String(s.dropLast(2)).trimmingCharacters(in: " ")
            return .annotated(try parseWhole(body), note: "*)")
        }
        if lower.contains(" less "), lower.contains("for each degree") {
            return try parseGraduated(s)
        }
        return try parseBounded(s)
    }

    /// `base [MIN floor] [MAX cap]`, in the order written.
    func parseBounded(_ s: String) throws -> DutyExpression {
        var pieces: [(String, String)] = []  // (keyword, text)
        var keyword = ""
        var current = ""
        for word in s.split(separator: " ", omittingEmptySubsequences: true) {
            if word == "MIN" || word == "MAX" {
                pieces.append((keyword, current))
                keyword = String(word)
                current = ""
            } else {
                current += current.isEmpty ? String(word) : " " + word
            }
        }
        pieces.append((keyword, current))
        guard !pieces[0].1.isEmpty else { throw fail(s, "nothing before \(pieces.count > 1 ? pieces[1].0 : "")") }
        var expression = try parseSum(pieces[0].1)
        for (kw, text) in pieces.dropFirst() {
            guard !text.isEmpty else { throw fail(s, "\(kw) has no rate after it") }
            let bound = try parseSum(text)
            expression = kw == "MIN" ? .atLeast(expression, floor: bound) : .atMost(expression, cap: bound)
        }
        return expression
    }

    func parseSum(_ s: String) throws -> DutyExpression {
        let terms = s.split(separator: "+", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: " ") }
        guard !terms.contains(where: \.isEmpty) else { throw fail(s, "a '+' with no term beside it") }
        let parsed = try terms.map { try parseTerm($0, whole: s) }
        return parsed.count == 1 ? parsed[0] : .sum(parsed)
    }

    /// Rates stated in words that point to another provision.
    static func isReferenceInWords(_ lower: String) -> Bool {
        ["the rate", "the duty rate", "a duty upon", "a duty equal", "a duty (in lieu", "see ", "the duty provided"]
            .contains { lower.hasPrefix($0) }
    }

    func parseTerm(_ t: String, whole: String) throws -> DutyExpression {
        let lower = t.lowercased()
        if Self.isReferenceInWords(lower) { return .reference(DutyReference(.otherProvision, text: t)) }
        if lower.hasPrefix("a duty of ") { return try parseTerm(String(t.dropFirst(10)), whole: whole) }
        switch t.uppercased() {
        case "FREE": return .free(condition: nil)
        case "EA": return .reference(DutyReference(.agriculturalComponent, text: "EA"))
        case "ADSZ": return .reference(DutyReference(.additionalDutySugar, text: "ADSZ"))
        case "ADFM": return .reference(DutyReference(.additionalDutyFlour, text: "ADFM"))
        default: break
        }
        if let percentage = try parsePercentage(t, whole: whole) { return percentage }
        if let specific = try parseSpecific(t, whole: whole) { return .specific(specific) }
        throw fail(whole, "'\(t)' is not a percentage, an amount per unit, or a known reference")
    }

    /// `12,5`, `6.8%`, `33 1/3%`, `25 percent of the fair retail value`, `3.5% on the case`.
    func parsePercentage(_ t: String, whole: String) throws -> DutyExpression? {
        var body = Substring(t)
        var basis = ValueBasis.customsValue
        let marker: Substring.Index?
        if let r = body.range(of: " percent") {
            marker = r.lowerBound
            body = body[..<r.lowerBound] + "%" + body[r.upperBound...]
        } else {
            marker = body.firstIndex(of: "%")
        }
        let numberPart: Substring
        if let m = marker ?? body.firstIndex(of: "%") {
            numberPart = body[..<m]
            let tail = body[body.index(after: m)...].trimmingCharacters(in: " ")
            if !tail.isEmpty {
                let words = tail.split(separator: " ")
                guard let first = words.first, first == "on" || first == "of" || first == "upon" else { return nil }
                var name = words.dropFirst().joined(separator: " ")
                if name.hasPrefix("the ") { name = String(name.dropFirst(4)) }
                guard !name.isEmpty else { throw fail(whole, "'\(t)' says the rate is charged on something but not on what") }
                basis = name == "entire set" ? .customsValue : .component(name)
            }
        } else {
            // A bare number is a percentage in the BTKI and in the EU's "7.2 MIN …".
            guard body.allSatisfy({ $0.isNumber || $0 == "." || $0 == "," }) else { return nil }
            numberPart = body
        }
        let n = numberPart.trimmingCharacters(in: " ")
        let words = n.split(separator: " ")
        if words.count == 2, let slash = words[1].firstIndex(of: "/") {
            // A mixed fraction: 33 1/3.
            guard let whole = ExactDecimal(words[0]), let num = Int(words[1][..<slash]),
                let den = Int(words[1][words[1].index(after: slash)...]), den > 0
            else { throw fail(whole, "'\(n)' is not a number") }
            return .adValorem(Percentage(try (try whole * ExactDecimal(den)) + ExactDecimal(num), denominator: den), basis: basis)
        }
        // Not a plain number before the %: not a percentage ("1.40 GBP / % vol / hl").
        guard let value = dialect.numberFormat.parse(Substring(n)) else { return nil }
        return .adValorem(Percentage(value), basis: basis)
    }

    /// `450,-/kg`, `93.10 GBP / 100 kg`, `1.6€/100kg/net`, `6.8¢/kg`, `$1.35/doz.`, `4¢ each`.
    func parseSpecific(_ t: String, whole: String) throws -> SpecificRate? {
        guard let (money, rest) = parseMoney(t) else { return nil }
        let unitText = rest.trimmingCharacters(in: " ")
        if unitText.lowercased() == "each" || unitText.lowercased().hasPrefix("each ") {
            let unit = MeasurementUnit(.count, symbol: "item")
            return SpecificRate(amount: money, unit: unit)
        }
        if unitText.lowercased().hasPrefix("for each ") {
            // "0.2¢ for each other piece or part": a count of the things named.
            let things = String(unitText.dropFirst(9))
            return SpecificRate(amount: money, unit: MeasurementUnit(.count, qualifier: things, symbol: "item"))
        }
        guard unitText.hasPrefix("/") else {
            throw fail(whole, "the amount \(money) is not followed by '/unit' or 'each'")
        }
        let spec = String(unitText.dropFirst())
        guard let parsed = UnitVocabulary.parseSpec(Self.spacedDigits(spec)) else {
            throw fail(whole, "'\(spec)' is not a unit Tarif knows")
        }
        return SpecificRate(amount: money, unit: parsed.unit, perFact: parsed.perFact)
    }

    /// `100kg` → `100 kg`: a digit directly followed by a letter gets a space between.
    static func spacedDigits(_ s: String) -> String {
        var out = ""
        var previous: Character = " "
        for ch in s {
            if previous.isNumber, ch.isLetter { out.append(" ") }
            out.append(ch)
            previous = ch
        }
        return out
    }

    /// An amount with its currency at the start of `t`, and what follows it.
    func parseMoney(_ t: String) -> (Money, Substring)? {
        let s = Substring(t)
        if s.hasPrefix("$") {
            let body = s.dropFirst()
            let end = body.firstIndex { !($0.isNumber || $0 == "." || $0 == ",") } ?? body.endIndex
            guard let v = NumberFormat.pointDecimal.parse(body[..<end]) else { return nil }
            return (Money(v, .usd), body[end...])
        }
        let end = s.firstIndex { !($0.isNumber || $0 == "." || $0 == ",") } ?? s.endIndex
        guard end > s.startIndex else { return nil }
        var numberText = s[..<end]
        var rest = s[end...]
        if dialect.numberFormat == .commaDecimal, rest.hasPrefix("-"), numberText.hasSuffix(",") {
            // Indonesian "450,-": whole rupiah.
            numberText = numberText.dropLast()
            rest = rest.dropFirst()
        }
        guard let value = dialect.numberFormat.parse(numberText) else { return nil }
        let afterSpace = rest.drop { $0 == " " }
        if afterSpace.hasPrefix("¢") {
            guard let dollars = try? value * ExactDecimal(significand: 1, scale: 2) else { return nil }
            return (Money(dollars, .usd), afterSpace.dropFirst())
        }
        if afterSpace.hasPrefix("€") { return (Money(value, .eur), afterSpace.dropFirst()) }
        for code in ["GBP", "EUR", "USD", "IDR"] where afterSpace.hasPrefix(code) {
            return (Money(value, Currency(unchecked: code)), afterSpace.dropFirst(3))
        }
        if dialect.numberFormat == .commaDecimal, afterSpace.hasPrefix("/") {
            return (Money(value, dialect.defaultCurrency), afterSpace)
        }
        return nil
    }
}
