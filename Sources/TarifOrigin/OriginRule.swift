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
    /// MaxNOM: the non-originating materials in `scope` are worth at most `percent` of the
    /// good's ex-works price (or FOB value, by `basis`).
    case maxNonOriginating(percent: ExactDecimal, scope: MaterialScope, basis: ValueBasis)
    /// A change of chapter, heading or subheading in which non-originating materials that do
    /// not change (of `within`, or any when empty) may still be used up to `percent` of the
    /// ex-works price: the tolerance some rules grant ("However, materials of the same
    /// heading may be used, provided …").
    case tariffShiftAllowing(ShiftLevel, except: [CodeRange], percent: ExactDecimal, within: [CodeRange])
    /// "Manufacture from materials of any heading": no change of classification required,
    /// but no non-originating material of the excepted ranges.
    case anyHeading(except: [CodeRange])
    /// "Manufacture from materials of heading 7206, 7207…": every non-originating material
    /// is classified in one of the ranges.
    case materialsFrom([CodeRange])
    /// "All the materials of chapter 3 used are wholly obtained": no non-originating material
    /// of the ranges.
    case whollyObtainedMaterials([CodeRange])
    /// The value of the non-originating materials does not exceed that of the originating ones.
    case nonOriginatingNotAboveOriginating
    /// The originating materials of the ranges are worth more than `percent` of the ex-works price.
    case minOriginating(percent: ExactDecimal, ranges: [CodeRange])
    /// By weight: the materials of `scope` (the non-originating ones only when
    /// `nonOriginating`) weigh at most `percent` of the product's weight, or of the weight of
    /// all the materials of `of` used.
    case maxWeight(percent: ExactDecimal, scope: [CodeRange], nonOriginating: Bool, of: [CodeRange])

    public var description: String {
        switch self {
        case .whollyObtained: return "WO"
        case .tariffShift(let level, let except):
            return level.abbreviation + (except.isEmpty ? "" : " except from " + except.map(\.description).joined(separator: ", "))
        case .regionalValueContent(let p): return "RVC\(p.normalized)"
        case .specificProcess(let s): return "SP(\(s))"
        case .anyOf(let list): return list.map { c in if case .allOf = c { return "(\(c))" } else { return c.description } }.joined(separator: " or ")
        case .allOf(let list): return list.map { c in if case .anyOf = c { return "(\(c))" } else { return c.description } }.joined(separator: " and ")
        case .maxNonOriginating(let p, let scope, let basis):
            var args = [p.normalized.description]
            switch scope {
            case .all: break
            case .sameLevel(let level): args.append("same \(level.rawValue)")
            case .ranges(let r): args.append(r.map(\.description).joined(separator: ", "))
            case .allExcept(let r): args.append("except " + r.map(\.description).joined(separator: ", "))
            }
            if basis == .fob { args.append("FOB") }
            return args.count == 1 ? "MaxNOM\(args[0])" : "MaxNOM(\(args.joined(separator: "; ")))"
        case .tariffShiftAllowing(let level, let except, let p, let within):
            return OriginCriterion.tariffShift(level, except: except).description + " allowing \(p.normalized)"
                + (within.isEmpty ? "" : " of " + within.map(\.description).joined(separator: ", "))
        case .anyHeading(let except): return "ANY" + (except.isEmpty ? "" : " except from " + except.map(\.description).joined(separator: ", "))
        case .materialsFrom(let r): return "FROM(\(r.map(\.description).joined(separator: ", ")))"
        case .whollyObtainedMaterials(let r): return "WO(\(r.map(\.description).joined(separator: ", ")))"
        case .nonOriginatingNotAboveOriginating: return "NOM<=OM"
        case .minOriginating(let p, let r): return "MinOM(\(p.normalized); \(r.map(\.description).joined(separator: ", ")))"
        case .maxWeight(let p, let scope, let nom, let of):
            var args = ["\(p.normalized)", scope.map(\.description).joined(separator: ", ")]
            if !of.isEmpty { args.append("of " + of.map(\.description).joined(separator: ", ")) }
            return (nom ? "MaxWeightNOM(" : "MaxWeight(") + args.joined(separator: "; ") + ")"
        }
    }
}

/// Which non-originating materials a MaxNOM counts.
public enum MaterialScope: Sendable, Hashable, Codable {
    /// All of them.
    case all
    /// Those in the same chapter, heading or subheading as the product.
    case sameLevel(ShiftLevel)
    /// Those classified in the ranges.
    case ranges([CodeRange])
    /// All but those classified in the ranges.
    case allExcept([CodeRange])
}

/// The value a MaxNOM is a share of.
public enum ValueBasis: String, Sendable, Hashable, Codable {
    /// The ex-works price: what the producer is paid for the good at the factory gate.
    case exWorks = "EXW"
    /// The free-on-board value.
    case fob = "FOB"
}

/// Reads the rule language.
///
/// Grammar (case-insensitive):
/// ```
/// rule    := conj ("or" conj)*
/// conj    := term ("and" term)*
/// term    := "(" rule ")" | "WO" | "WO" "(" ranges ")" | shift ["except" ["from"] ranges] ["allowing" number ["of" ranges]]
///          | "RVC" ["("] number ["%"] [")"] | "SP" "(" text ")" | "ANY" ["except" ["from"] ranges] | "FROM" "(" ranges ")"
///          | "MaxNOM" number | "MaxNOM" "(" number [";" ("same" level | ranges)] [";" "FOB"] ")" | "NOM<=OM"
/// shift   := "CC" | "CTH" | "CTSH"
/// ranges  := range (("," | "or" | "and") range)*        — a range: 15.11, 1511.10-1511.90, chapter 15
/// ```
/// `MaxNOM` is a share of the ex-works price unless `FOB` is given; `allowing 20` lets
/// non-originating materials that do not make the change be used up to 20% of the ex-works price.
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

    /// `["except" ["from"] ranges]`.
    static func parseExcept(_ t: inout [Token], _ i: inout Int, _ text: String) throws -> [CodeRange] {
        guard i < t.count, keyword(t[i]) == "except" else { return [] }
        i += 1
        if i < t.count, keyword(t[i]) == "from" { i += 1 }
        return try parseRanges(&t, &i, text, after: "'except from'")
    }

    /// One or more ranges, separated by `,`, `;`, `or` or `and` when another range follows.
    static func parseRanges(_ t: inout [Token], _ i: inout Int, _ text: String, after what: String) throws -> [CodeRange] {
        guard isRangeStart(t, i) else {
            throw error(text, i < t.count ? t[i] : nil, "\(what) must be followed by a code or range, like 15.11\(i < t.count ? ", not '\(t[i].text)'" : "")")
        }
        var out: [CodeRange] = []
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
                out.append(try CodeRange(parsing: words.map(\.text).joined(separator: " ")))
            } catch let e as TarifError {
                throw error(text, words[0], e.message)
            }
            // A separator continues the list only when another range follows.
            if i < t.count, [",", ";", "or", "and"].contains(keyword(t[i])), isRangeStart(t, i + 1) { i += 1 } else { break }
        }
        return out
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
        if k == "wo", !(i < t.count && t[i].text == "(") { return .whollyObtained }
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
            let except = try parseExcept(&t, &i, text)
            if i < t.count, keyword(t[i]) == "allowing" {
                i += 1
                guard i < t.count, let p = ExactDecimal(t[i].text.hasSuffix("%") ? String(t[i].text.dropLast()) : t[i].text), !p.isNegative, p <= .hundred else {
                    throw error(text, i < t.count ? t[i] : nil, "'allowing' needs a percentage from 0 to 100")
                }
                i += 1
                var within: [CodeRange] = []
                if i < t.count, keyword(t[i]) == "of" {
                    i += 1
                    within = try parseRanges(&t, &i, text, after: "'allowing N of'")
                }
                return .tariffShiftAllowing(level, except: except, percent: p, within: within)
            }
            return .tariffShift(level, except: except)
        }
        if k == "any" { return .anyHeading(except: try parseExcept(&t, &i, text)) }
        if k == "nom<=om" { return .nonOriginatingNotAboveOriginating }
        if k == "from" || (k == "wo" && i < t.count && t[i].text == "(") {
            guard i < t.count, t[i].text == "(" else { throw error(text, token, "FROM needs its ranges in parentheses: FROM(7206, 7207)") }
            i += 1
            let ranges = try parseRanges(&t, &i, text, after: "'\(token.text)('")
            guard i < t.count, t[i].text == ")" else { throw error(text, i < t.count ? t[i] : nil, "')' expected after the ranges") }
            i += 1
            return k == "from" ? .materialsFrom(ranges) : .whollyObtainedMaterials(ranges)
        }
        if k == "minom" || k == "maxweight" || k == "maxweightnom" {
            guard i < t.count, t[i].text == "(", i + 1 < t.count, let p = ExactDecimal(t[i + 1].text.hasSuffix("%") ? String(t[i + 1].text.dropLast()) : t[i + 1].text),
                !p.isNegative, p <= .hundred
            else { throw error(text, token, "\(token.text) needs a percentage and ranges: \(token.text)(30; 2401)") }
            i += 2
            guard i < t.count, t[i].text == ";" else { throw error(text, i < t.count ? t[i] : nil, "';' and the ranges expected") }
            i += 1
            let scope = try parseRanges(&t, &i, text, after: "\(token.text)'s ';'")
            var of: [CodeRange] = []
            if k != "minom", i + 1 < t.count, t[i].text == ";", keyword(t[i + 1]) == "of" {
                i += 2
                of = try parseRanges(&t, &i, text, after: "'of'")
            }
            guard i < t.count, t[i].text == ")" else { throw error(text, i < t.count ? t[i] : nil, "')' expected") }
            i += 1
            return k == "minom" ? .minOriginating(percent: p, ranges: scope) : .maxWeight(percent: p, scope: scope, nonOriginating: k == "maxweightnom", of: of)
        }
        if k.hasPrefix("maxnom") {
            var rest = String(token.text.dropFirst(6))
            var scope = MaterialScope.all
            var basis = ValueBasis.exWorks
            if rest.isEmpty, i < t.count, t[i].text == "(" {
                i += 1
                guard i < t.count else { throw error(text, nil, "MaxNOM( needs a percentage") }
                rest = t[i].text
                i += 1
                while i < t.count, t[i].text == ";" {
                    i += 1
                    if keyword(i < t.count ? t[i] : nil) == "fob" {
                        basis = .fob
                        i += 1
                    } else if keyword(i < t.count ? t[i] : nil) == "exw" {
                        i += 1
                    } else if keyword(i < t.count ? t[i] : nil) == "same" {
                        i += 1
                        let levels: [String: ShiftLevel] = ["chapter": .chapter, "heading": .heading, "subheading": .subheading]
                        guard let level = levels[keyword(i < t.count ? t[i] : nil)] else {
                            throw error(text, i < t.count ? t[i] : nil, "'same' must be followed by chapter, heading or subheading")
                        }
                        scope = .sameLevel(level)
                        i += 1
                    } else if keyword(i < t.count ? t[i] : nil) == "except" {
                        i += 1
                        scope = .allExcept(try parseRanges(&t, &i, text, after: "MaxNOM's 'except'"))
                    } else {
                        scope = .ranges(try parseRanges(&t, &i, text, after: "MaxNOM's ';'"))
                    }
                }
                guard i < t.count, t[i].text == ")" else { throw error(text, i < t.count ? t[i] : nil, "')' expected to close MaxNOM(") }
                i += 1
            }
            if rest.hasSuffix("%") { rest.removeLast() }
            guard let p = ExactDecimal(rest), !p.isNegative, p <= .hundred else {
                throw error(text, token, "'\(token.text)' needs a percentage from 0 to 100, like MaxNOM50 or MaxNOM(20; same heading)")
            }
            return .maxNonOriginating(percent: p, scope: scope, basis: basis)
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
        throw error(text, token, "'\(token.text)' is not a criterion (WO, CC, CTH, CTSH, RVC40, MaxNOM50, ANY, FROM(…), SP(…), NOM<=OM)")
    }
}
