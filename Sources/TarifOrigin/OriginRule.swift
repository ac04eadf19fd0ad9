public import TarifCore

/// The level at which a change in tariff classification is required.
public enum ShiftLevel: String, Sendable, Hashable, Codable {
    /// CC: change of chapter (2 digits).
    case chapter
    /// CTH: change of tariff heading (4 digits).
    case heading
    /// CTSH: change of tariff subheading (6 digits).
    case subheading

    public var digits: Int {
        switch self {
        case .chapter: return 2
        case .heading: return 4
        case .subheading: return 6
        }
    }

    public var abbreviation: String {
        switch self {
        case .chapter: return "CC"
        case .heading: return "CTH"
        case .subheading: return "CTSH"
        }
    }
}

/// A product-specific rule of origin, as agreements publish them: `WO`, `CC`, `CTH`,
/// `CTSH` (each with `except from …`), `RVC40`, a specific process, and their
/// combinations with `or` and `and` (and binds tighter; parentheses group).
public indirect enum OriginCriterion: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Wholly obtained or produced in one party.
    case whollyObtained
    /// Every non-originating material classified outside the product's chapter, heading
    /// or subheading, and none in the excepted ranges.
    case tariffShift(ShiftLevel, except: [CodeRange])
    /// Regional value content of at least `percent` of the value (by the regime's formulas).
    case regionalValueContent(percent: ExactDecimal)
    /// A named manufacturing or processing operation carried out in the party.
    case specificProcess(String)
    case anyOf([OriginCriterion])
    case allOf([OriginCriterion])

    public var description: String {
        switch self {
        case .whollyObtained: return "WO"
        case .tariffShift(let level, let except):
            return level.abbreviation + (except.isEmpty ? "" : " except from " + except.map(\.description).joined(separator: ", "))
        case .regionalValueContent(let p): return "RVC\(p.normalized)"
        case .specificProcess(let s): return "SP(\(s))"
        case .anyOf(let list): return list.map { c in if case .allOf = c { return "(\(c))" } else { return c.description } }.joined(separator: " or ")
        case .allOf(let list): return list.map { c in if case .anyOf = c { return "(\(c))" } else { return c.description } }.joined(separator: " and ")
        }
    }
}

/// Reads the rule language.
///
/// Grammar (case-insensitive):
/// ```
/// rule    := conj ("or" conj)*
/// conj    := term ("and" term)*
/// term    := "(" rule ")" | "WO" | shift ["except" ["from"] ranges] | "RVC" ["("] number ["%"] [")"] | "SP" "(" text ")"
/// shift   := "CC" | "CTH" | "CTSH"
/// ranges  := range (("," | "or" | "and") range)*        — a range: 15.11, 1511.10-1511.90, chapter 15
/// ```
/// An `or`/`and` inside an exception list continues the list when a code follows it.
public enum OriginRuleParser {
    struct Token: Equatable {
        var text: String
        var offset: Int
    }

    /// - Throws: ``TarifError`` `.badInput` naming the token and its position (1-based character).
    public static func parse(_ text: String) throws -> OriginCriterion {
        guard text.utf8.count <= maxLength else {
            throw TarifError(.tooLarge, "rule '\(InputLimits.echo(text))' is longer than \(maxLength) bytes; no rule of origin is")
        }
        var tokens = try tokenize(text)
        // The parser descends once per parenthesis: its depth is bounded before it starts.
        var depth = 0
        for token in tokens {
            if token.text == "(" { depth += 1 } else if token.text == ")" { depth -= 1 }
            if depth > maxNesting { throw error(text, token, "parentheses nested more than \(maxNesting) deep") }
        }
        var i = 0
        let rule = try parseOr(&tokens, &i, text)
        if i < tokens.count { throw error(text, tokens[i], "unexpected '\(tokens[i].text)' after a complete rule") }
        return rule
    }

    /// The longest rule text read (the longest in the published rule sets is under 1,000 characters).
    public static let maxLength = 8_192
    /// The deepest nesting of parentheses read.
    public static let maxNesting = 16

    static func error(_ text: String, _ t: Token?, _ message: String) -> TarifError {
        let position = t.map { " at character \($0.offset + 1)" } ?? " at the end"
        return TarifError(.badInput, "rule '\(InputLimits.echo(text))'\(position): \(message)")
    }

    static func tokenize(_ text: String) throws -> [Token] {
        var out: [Token] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" { i += 1; continue }
            if "(),;".contains(c) {
                out.append(Token(text: String(c), offset: i))
                i += 1
                // SP( text ): take everything up to the matching parenthesis as one token.
                if c == "(", let last = out.dropLast().last, last.text.uppercased() == "SP" {
                    let start = i
                    var depth = 1
                    while i < chars.count, depth > 0 {
                        if chars[i] == "(" { depth += 1 } else if chars[i] == ")" { depth -= 1 }
                        if depth > 0 { i += 1 }
                    }
                    guard i < chars.count else { throw error(text, Token(text: "(", offset: start - 1), "SP( is not closed") }
                    out.append(Token(text: String(chars[start..<i]).trimming(" "), offset: start))
                }
                continue
            }
            let start = i
            while i < chars.count, !" \t(),;".contains(chars[i]) { i += 1 }
            out.append(Token(text: String(chars[start..<i]), offset: start))
        }
        return out
    }

    static func keyword(_ t: Token?) -> String { t?.text.lowercased() ?? "" }

    static func parseOr(_ t: inout [Token], _ i: inout Int, _ text: String) throws -> OriginCriterion {
        try parseList(&t, &i, text, joinedBy: "or", make: OriginCriterion.anyOf) { try parseAnd(&$0, &$1, $2) }
    }

    static func parseAnd(_ t: inout [Token], _ i: inout Int, _ text: String) throws -> OriginCriterion {
        try parseList(&t, &i, text, joinedBy: "and", make: OriginCriterion.allOf) { try parseTerm(&$0, &$1, $2) }
    }

    /// `item (word item)*`: one item alone, or several combined by `make`.
    static func parseList(
        _ t: inout [Token], _ i: inout Int, _ text: String, joinedBy word: String, make: ([OriginCriterion]) -> OriginCriterion,
        item: (inout [Token], inout Int, String) throws -> OriginCriterion
    ) throws -> OriginCriterion {
        var list = [try item(&t, &i, text)]
        while i < t.count, keyword(t[i]) == word {
            i += 1
            list.append(try item(&t, &i, text))
        }
        return list.count == 1 ? list[0] : make(list)
    }

    static func isRangeStart(_ t: [Token], _ i: Int) -> Bool {
        guard i < t.count else { return false }
        let k = keyword(t[i])
        return k.first?.isNumber == true || ["chapter", "chapters", "heading", "headings", "subheading", "subheadings", "ch.", "hs"].contains(k)
    }

    static func parseTerm(_ t: inout [Token], _ i: inout Int, _ text: String) throws -> OriginCriterion {
        guard i < t.count else { throw error(text, nil, "a criterion (WO, CC, CTH, CTSH, RVC40, SP(…)) is missing") }
        let token = t[i]
        let k = keyword(token)
        i += 1
        if k == "(" {
            let inner = try parseOr(&t, &i, text)
            guard i < t.count, t[i].text == ")" else { throw error(text, i < t.count ? t[i] : nil, "')' expected") }
            i += 1
            return inner
        }
        if k == "wo" { return .whollyObtained }
        if k == "sp" {
            guard i + 2 < t.count + 1, i < t.count, t[i].text == "(", i + 1 < t.count else { throw error(text, token, "SP needs its process in parentheses: SP(text)") }
            let process = t[i + 1].text
            i += 2
            guard i < t.count, t[i].text == ")" else { throw error(text, i < t.count ? t[i] : nil, "')' expected after the process") }
            i += 1
            guard !process.isEmpty else { throw error(text, token, "SP() names no process") }
            return .specificProcess(process)
        }
        let shifts: [String: ShiftLevel] = ["cc": .chapter, "cth": .heading, "ctsh": .subheading]
        if let level = shifts[k] {
            var except: [CodeRange] = []
            if i < t.count, keyword(t[i]) == "except" {
                i += 1
                if i < t.count, keyword(t[i]) == "from" { i += 1 }
                guard isRangeStart(t, i) else {
                    throw error(text, i < t.count ? t[i] : nil, "'except from' must be followed by a code or range, like 15.11\(i < t.count ? ", not '\(t[i].text)'" : "")")
                }
                while isRangeStart(t, i) {
                    var words = [t[i]]
                    i += 1
                    // "chapter 15", "1511.10 through 1511.90"
                    if ["chapter", "chapters", "heading", "headings", "subheading", "subheadings", "ch.", "hs"].contains(keyword(words[0])), i < t.count {
                        words.append(t[i])
                        i += 1
                    }
                    if i + 1 < t.count, ["through", "to"].contains(keyword(t[i])) {
                        words.append(t[i])
                        words.append(t[i + 1])
                        i += 2
                    }
                    do {
                        except.append(try CodeRange(parsing: words.map(\.text).joined(separator: " ")))
                    } catch let e as TarifError {
                        throw error(text, words[0], e.message)
                    }
                    // A separator continues the list only when another range follows.
                    if i < t.count, [",", ";", "or", "and"].contains(keyword(t[i])), isRangeStart(t, i + 1) { i += 1 } else { break }
                }
            }
            return .tariffShift(level, except: except)
        }
        if k.hasPrefix("rvc") {
            var rest = String(token.text.dropFirst(3))
            if rest.isEmpty, i < t.count, t[i].text == "(" {
                guard i + 2 < t.count, t[i + 2].text == ")" else { throw error(text, t[i], "RVC( must hold a percentage and close: RVC(40)") }
                rest = t[i + 1].text
                i += 3
            } else if rest.isEmpty, i < t.count, t[i].text.first?.isNumber == true {
                rest = t[i].text
                i += 1
            }
            if rest.hasSuffix("%") { rest.removeLast() }
            guard let p = ExactDecimal(rest), !p.isNegative, p <= .hundred else {
                throw error(text, token, "'\(token.text)' needs a percentage from 0 to 100, like RVC40 or RVC(35)")
            }
            return .regionalValueContent(percent: p)
        }
        throw error(text, token, "'\(token.text)' is not a criterion (WO, CC, CTH, CTSH, RVC40, SP(…))")
    }
}
