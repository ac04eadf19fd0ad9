/// Reads the rates of Australia's Customs Tariff Act 1995 as the Working Tariff prints
/// them: `Free`, `5%`, `$0.526/L`, `$107.99/L of alcohol`, `$2,445.26/kg of tobacco
/// content`, `$1.52829/stick`, `$12,000 each`, `5%, and $107.99/L of alcohol`,
/// `5%, or, if lower, $0.45/kg TSS`, and the Schedule 3 cells in which the general rate,
/// the special rates by class of country (`DCS4%`, `CAFree`, `NZ/PG/FI/DC/LDC $0.526/L`)
/// and the phasing (`From1July2018 3.75%`) run together.
///
/// Amounts are Australian dollars. A litre "of alcohol" is a litre of the goods times
/// their alcoholic strength: `$107.99/L of alcohol` on 10 l at 40 % vol is 4 l × 107.99.
public struct AustralianRateParser: Sendable {
    /// The longest cell read (the longest in the Working Tariff is under 400 characters).
    public static let maxCellLength = 4096

    /// The classes of country of s. 14 that Schedule 3 writes before a special rate.
    public static let classes: Set<String> = ["NZ", "PG", "FI", "LDC", "DC", "DCS", "DCT", "CA", "SG"]

    public init() {}

    /// One stage of a Schedule 3 cell: the day it starts (nil for the first), the general
    /// rate and the special rates it sets out, each with the classes it is for.
    public struct Phase: Sendable, Hashable {
        public var from: Day?
        public var general: String
        public var special: [Special]
    }

    public struct Special: Sendable, Hashable {
        /// `["NZ", "PG", "FI", "DC", "LDC"]`, or a country's abbreviation (`["MY"]`).
        public var classes: [String]
        public var text: String
    }

    // MARK: Cleaning

    /// The text without HTML character references (`&#58;` → `:`), zero-width and no-break
    /// spaces, and with white space folded.
    public static func clean(_ text: String) -> String {
        var out = ""
        var chars = Substring(text)
        while let c = chars.first {
            if c == "&", let end = chars.prefix(10).firstIndex(of: ";") {
                let entity = chars[chars.index(after: chars.startIndex)..<end]
                if let decoded = decodeEntity(entity) {
                    out.append(decoded)
                    chars = chars[chars.index(after: end)...]
                    continue
                }
            }
            switch c {
            case "\u{200B}", "\u{FEFF}", "\u{200C}", "\u{200D}": break
            case "\u{00A0}", "\t", "\r", "\n": out.append(" ")
            default: out.append(c)
            }
            chars = chars.dropFirst()
        }
        return DutyExpressionParser.fold(out)
    }

    static func decodeEntity(_ name: Substring) -> Character? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return " "
        default: break
        }
        guard name.first == "#" else { return nil }
        let digits = name.dropFirst()
        let value: UInt32?
        if digits.first == "x" || digits.first == "X" {
            value = UInt32(digits.dropFirst(), radix: 16)
        } else {
            value = UInt32(digits)
        }
        guard let value, let scalar = Unicode.Scalar(value) else { return nil }
        if scalar == "\u{00A0}" || scalar == "\u{200B}" { return " " }
        return Character(scalar)
    }

    // MARK: Dates

    static let months = [
        "january": 1, "february": 2, "feburary": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
        "september": 9, "october": 10, "november": 11, "december": 12,
    ]

    /// `From 31 May 2023: …`, `From1July2018 …`, `From1January20173.75%` at the start of
    /// `text`: the day and the rest.
    /// - Throws: ``TarifError`` `.badRate` when "From" is not followed by a real day.
    public static func leadingDate(_ text: Substring) throws -> (day: Day, rest: Substring)? {
        guard text.hasPrefix("From") else { return nil }
        var s = text.dropFirst(4).drop { $0 == " " }
        let day = s.prefix { $0.isASCII && $0.isNumber }
        guard (1...2).contains(day.count) else { throw TarifError(.badRate, "'From' is not followed by a day of the month in '\(InputLimits.echo(String(text)))'") }
        s = s.dropFirst(day.count).drop { $0 == " " }
        let month = s.prefix { $0.isLetter }
        guard let m = months[month.lowercased()] else {
            throw TarifError(.badRate, "'\(InputLimits.echo(String(month)))' is not a month in '\(InputLimits.echo(String(text)))'")
        }
        s = s.dropFirst(month.count).drop { $0 == " " }
        let year = s.prefix(4)
        guard year.count == 4, year.allSatisfy({ $0.isASCII && $0.isNumber }), let y = Int(year), let d = Int(day) else {
            throw TarifError(.badRate, "no four-digit year after '\(month)' in '\(InputLimits.echo(String(text)))'")
        }
        guard let date = Day(year: y, month: m, day: d) else {
            throw TarifError(.badRate, "\(d) \(month) \(y) is not a day, in '\(InputLimits.echo(String(text)))'")
        }
        s = s.dropFirst(4).drop { $0 == " " }
        if s.first == ":" { s = s.dropFirst().drop { $0 == " " } }
        return (date, s)
    }

    // MARK: Schedule 3 cells

    /// Splits a Schedule 3 rate cell into its phases, each with its general and special rates.
    /// - Returns: `[]` for an empty cell.
    /// - Throws: ``TarifError`` `.badRate` for a cell over ``maxCellLength`` or a bad date.
    public func phases(_ cell: String) throws -> [Phase] {
        guard cell.utf8.count <= Self.maxCellLength else {
            throw TarifError(.badRate, "a rate cell of \(cell.utf8.count) bytes is longer than \(Self.maxCellLength)")
        }
        let text = Self.clean(cell).replacingAll(";", with: "")
        if text.isEmpty { return [] }
        // Cut at each "From <day>".
        var segments: [(from: Day?, text: Substring)] = []
        var rest = Substring(text)
        var current: (from: Day?, start: Substring.Index) = (nil, rest.startIndex)
        var i = rest.startIndex
        while i < rest.endIndex {
            if rest[i...].hasPrefix("From"), i == rest.startIndex || rest[rest.index(before: i)] == " " || rest[rest.index(before: i)].isNumber
                || rest[rest.index(before: i)] == "%" || rest[rest.index(before: i)] == "e"
            {
                if let (day, after) = try Self.leadingDate(rest[i...]) {
                    segments.append((current.from, rest[current.start..<i]))
                    current = (day, after.startIndex)
                    i = after.startIndex
                    continue
                }
            }
            i = rest.index(after: i)
        }
        segments.append((current.from, rest[current.start...]))
        rest = ""
        return segments.compactMap { segment in
            let body = segment.text.trimmingCharacters(in: " ")
            if body.isEmpty && segment.from == nil { return nil }
            return splitClasses(body, from: segment.from)
        }
    }

    /// `5% DCS4% CAFree DCT5%` → general `5%`, DCS `4%`, CA `Free`, DCT `5%`.
    func splitClasses(_ body: String, from: Day?) -> Phase {
        let chars = Array(body)
        var marks: [(start: Int, end: Int, classes: [String])] = []
        var i = 0
        while i < chars.count {
            let before: Character? = i > 0 ? chars[i - 1] : nil
            guard chars[i].isUppercase, chars[i].isASCII, before == nil || before == " " || before == "%" || before!.isNumber || before == "e" else {
                i += 1
                continue
            }
            // A run of upper-case words joined by "/".
            var j = i
            var codes: [String] = []
            var word = ""
            while j < chars.count, (chars[j].isUppercase && chars[j].isASCII) || chars[j] == "/" {
                if chars[j] == "/" {
                    codes.append(word)
                    word = ""
                } else {
                    word.append(chars[j])
                }
                j += 1
            }
            codes.append(word)
            // "Free" begins with an upper-case F: the class word ends before it.
            if j < chars.count, chars[j] == "r", let last = codes.last, last.count >= 2, last.hasSuffix("F") {
                codes[codes.count - 1] = String(last.dropLast())
                j -= 1
            }
            var k = j
            while k < chars.count, chars[k] == " " { k += 1 }
            let startsRate = k < chars.count && (chars[k] == "$" || chars[k].isNumber || (chars[k] == "F" && k + 1 < chars.count && chars[k + 1] == "r"))
            let known = codes.allSatisfy { Self.classes.contains($0) || ($0.count == 2) } && !codes.contains("")
            if startsRate, known, !codes.isEmpty {
                marks.append((i, k, codes))
                i = k
            } else {
                i = max(j, i + 1)
            }
        }
        let general = String(chars[0..<(marks.first?.start ?? chars.count)]).trimmingCharacters(in: " ")
        var special: [Special] = []
        for (n, m) in marks.enumerated() {
            let end = n + 1 < marks.count ? marks[n + 1].start : chars.count
            special.append(Special(classes: m.classes, text: String(chars[m.end..<end]).trimmingCharacters(in: " ")))
        }
        return Phase(from: from, general: general, special: special)
    }

    // MARK: One rate

    /// Parses one rate.
    /// - Returns: `nil` for an empty text.
    /// - Throws: ``TarifError`` `.badRate` saying what is not understood.
    public func parse(_ raw: String) throws -> DutyExpression? {
        guard raw.utf8.count <= Self.maxCellLength else {
            throw TarifError(.badRate, "a rate of \(raw.utf8.count) bytes is longer than \(Self.maxCellLength)")
        }
        let text = Self.clean(raw).trimmingCharacters(in: " ,")
        if text.isEmpty { return nil }
        if text.hasSuffix(" plus") || text == "plus" {
            throw TarifError(.badRate, "'\(InputLimits.echo(text))' ends in 'plus': the rest of the rate is missing from the text")
        }
        // Beer: "$10.57/L of alcohol, calculated on that alcohol content by which the percentage
        // by volume of alcohol of the goods exceeds 1.15" — only the alcohol above 1.15 % vol counts.
        let beerClause = ", calculated on that alcohol content by which the percentage by volume of alcohol of the goods exceeds "
        if let r = text.firstRange(of: beerClause) {
            let threshold = String(text[r.upperBound...]).trimmingCharacters(in: " .")
            guard let above = NumberFormat.pointDecimal.parse(threshold[...]), above >= .zero, above < 100,
                case .specific(var rate) = try term(String(text[..<r.lowerBound]), whole: text), let fact = rate.perFact
            else {
                throw fail(text, "the alcohol content above which the rate is charged is not one amount per litre of alcohol above a strength")
            }
            rate.perFact = RateFact(fact.kind, multiplier: fact.multiplier, above: above)
            return .specific(rate)
        }
        // Blended fuel: "$0.526/L of gasoline plus $0.526/L of ethanol plus $0.526/L of other
        // substances (if any) in the blend" charges every litre of the blend at one rate.
        if text.hasSuffix(" in the blend"), text.contains(" plus ") {
            let parts = text.dropLast(" in the blend".count).split(separator: " plus ").map { String($0) }
            let rates = try parts.map { part -> SpecificRate in
                let words = part.replacingAll(" (if any)", with: "")
                guard let slash = words.firstIndex(of: "/"), words[slash...].hasPrefix("/L of ") else {
                    throw fail(text, "'\(InputLimits.echo(part))' is not an amount per litre of a component")
                }
                guard case .specific(let rate) = try term(String(words[..<slash]) + "/L", whole: text) else {
                    throw fail(text, "'\(InputLimits.echo(part))' is not an amount per litre")
                }
                return rate
            }
            guard let first = rates.first, rates.allSatisfy({ $0.amount == first.amount }) else {
                throw fail(text, "the components of the blend are charged at different rates")
            }
            return .annotated(.specific(first), note: "per litre of the blend, each component at the same rate")
        }
        if let r = text.firstRange(of: ", or, if lower, ") {
            let a = try term(String(text[..<r.lowerBound]), whole: text)
            let b = try term(String(text[r.upperBound...]), whole: text)
            return .atMost(a, cap: b)
        }
        let parts = text.split(separator: ", and ").map(String.init)
        let terms = try parts.map { try term($0, whole: text) }
        return terms.count == 1 ? terms[0] : .sum(terms)
    }

    func fail(_ whole: String, _ reason: String) -> TarifError {
        TarifError(.badRate, "cannot read rate '\(InputLimits.echo(whole))': \(reason)")
    }

    func term(_ raw: String, whole: String) throws -> DutyExpression {
        let s = raw.trimmingCharacters(in: " ,")
        if s == "Free" || s == "Free." { return .free(condition: nil) }
        if s.hasSuffix("%") {
            guard let n = NumberFormat.pointDecimal.parse(Substring(s.dropLast()).trimmingCharacters(in: " ")[...]), n >= .zero else {
                throw fail(whole, "'\(s)' is not a percentage")
            }
            return .adValorem(Percentage(n), basis: .customsValue)
        }
        guard s.hasPrefix("$") else { throw fail(whole, "'\(InputLimits.echo(s))' is neither Free, a percentage nor a dollar amount") }
        var body = Substring(s.dropFirst()).drop { $0 == " " }
        let number = body.prefix { $0.isNumber || $0 == "." || $0 == "," }
        guard let amount = NumberFormat.pointDecimal.parse(String(number).replacingAll(",", with: "")[...]), amount >= .zero else {
            throw fail(whole, "'$\(number)' is not an amount")
        }
        body = body.dropFirst(number.count).drop { $0 == " " }
        let money = Money(amount, .aud)
        if body == "each" { return .specific(SpecificRate(amount: money, unit: MeasurementUnit(.count, symbol: "each"))) }
        guard body.first == "/" else { throw fail(whole, "no unit after '$\(number)'") }
        let unitText = body.dropFirst().trimmingCharacters(in: " ")
        let (unitWord, qualifier) = {
            if let r = unitText.firstRange(of: " of ") { return (String(unitText[..<r.lowerBound]), String(unitText[r.upperBound...])) }
            if let r = unitText.firstRange(of: " ") { return (String(unitText[..<r.lowerBound]), String(unitText[r.upperBound...])) }
            return (unitText, "")
        }()
        let unit: MeasurementUnit
        switch unitWord.lowercased() {
        case "kg": unit = MeasurementUnit(.mass, symbol: "kg")
        case "l": unit = MeasurementUnit(.volume, symbol: "L")
        case "stick": unit = MeasurementUnit(.count, symbol: "stick")
        default: throw fail(whole, "'\(InputLimits.echo(unitWord))' is not a unit Tarif reads")
        }
        switch qualifier.lowercased() {
        case "":
            return .specific(SpecificRate(amount: money, unit: unit))
        case "alcohol":
            guard unit.dimension == .volume else { throw fail(whole, "'of alcohol' after a unit that is not a volume") }
            return .specific(SpecificRate(amount: money, unit: unit, perFact: RateFact(.alcoholStrength, multiplier: ExactDecimal(significand: 1, scale: 2))))
        case "tobacco content", "gasoline", "diesel", "biodiesel", "tss":
            let words = qualifier.lowercased() == "tss" ? "total soluble solids" : qualifier.lowercased().hasSuffix("content") ? qualifier.lowercased() : "\(qualifier.lowercased()) content"
            return .specific(SpecificRate(amount: money, unit: MeasurementUnit(unit.dimension, qualifier: words, symbol: unit.symbol)))
        default:
            throw fail(whole, "'of \(InputLimits.echo(qualifier))' is not a quantity Tarif reads")
        }
    }
}
