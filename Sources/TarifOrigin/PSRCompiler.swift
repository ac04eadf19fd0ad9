public import TarifCore

/// One alternative of a product-specific rule as compiled: the legal text, the criterion it
/// says in the rule language, and the period it holds in.
public struct CompiledAlternative: Sendable, Hashable, Codable {
    /// The legal text, without its Markdown (links, bold) and without the period.
    public var text: String
    /// `nil` when the text could not be read (``reason`` says why).
    public var criterion: OriginCriterion?
    public var reason: String?
    /// The first and last day it holds, where the text dates it ("(1st Jan 2026 onwards)").
    public var validFrom: Day?
    public var validUntil: Day?
    /// It holds only for goods within a quota.
    public var quota: Bool
    public var footnotes: [String]
    /// What the text says that the criterion does not check (shown to the user).
    public var caveats: [String]

    /// Whether the criterion asks the producer to declare a process or condition that a bill
    /// of materials cannot show.
    public var needsDeclaration: Bool { criterion.map(Self.hasProcess) ?? true }

    static func hasProcess(_ c: OriginCriterion) -> Bool {
        switch c {
        case .specificProcess: return true
        case .anyOf(let l), .allOf(let l): return l.contains(where: hasProcess)
        default: return false
        }
    }

    public func holds(on day: Day) -> Bool {
        (validFrom.map { $0 <= day } ?? true) && (validUntil.map { day <= $0 } ?? true)
    }
}

/// A published rule set with its alternatives compiled.
public struct CompiledRuleSet: Sendable, Hashable, Codable {
    public var source: OriginRuleSet
    public var alternatives: [CompiledAlternative]

    /// The rule on `day`: the alternatives in force, any one of which confers origin. An
    /// alternative Tarif cannot read becomes a condition the producer declares, marked so.
    public func rule(on day: Day) -> (criterion: OriginCriterion, alternatives: [CompiledAlternative])? {
        let inForce = alternatives.filter { $0.holds(on: day) }
        guard !inForce.isEmpty else { return nil }
        let criteria = inForce.map { $0.criterion ?? .specificProcess("(not read by Tarif: check by hand) " + $0.text) }
        return (criteria.count == 1 ? criteria[0] : .anyOf(criteria), inForce)
    }
}

/// Compiles the legal wording of product-specific rules (the UK's origin reference documents
/// as the UK Trade Tariff publishes them) into the rule language.
///
/// What it reads: value limits on non-originating materials (MaxNOM, all of them, those of the
/// product's heading, or of named headings and chapters; of the ex-works price or FOB); changes
/// of chapter, heading or subheading with their exceptions and allowances ("However, materials
/// of the same heading may be used, provided …"); "materials of any heading"; production from
/// materials of named headings; wholly obtained goods and materials; regional value content;
/// "non-originating not above originating"; alternatives and conjunctions; dated periods.
/// Processes and stages of production ("Weaving combined with dyeing", "Manufacture from
/// yarn") become conditions the producer declares. A value condition it cannot read, or one by
/// weight or volume, is not compiled and says why.
public enum PSRCompiler {
    /// Compiles every rule of `set`, joining fragments the publisher split and alternatives.
    public static func compile(_ set: OriginRuleSet) -> CompiledRuleSet {
        // The publisher splits one rule over several entries ("Manufacture in which:" then
        // "- the value …"); `or` starts an alternative, `and` adds a condition to the one before.
        var groups: [(texts: [String], conjunct: [String], rule: OriginRuleSet.Rule)] = []
        for r in set.rules where r.appliesToImports {
            let text = r.text.trimming(" \n")
            // A bullet ("- chemical materials …") continues the list before it whatever its operator says.
            if var last = groups.last, r.joiner != "or" || text.hasPrefix("- "), r.joiner == "and" || isContinuation(text, after: last.texts.last ?? "") {
                if r.joiner == "and" { last.conjunct.append(text) } else { last.texts.append(text) }
                last.rule.footnotes += r.footnotes
                groups[groups.count - 1] = last
            } else {
                groups.append(([text], [], r))
            }
        }
        let alternatives = groups.map { g -> CompiledAlternative in
            var a = compile(text: g.texts.joined(separator: "\n\n"))
            for extra in g.conjunct {
                let b = compile(text: extra)
                a.text += "\n\nand " + b.text
                if let x = a.criterion, let y = b.criterion { a.criterion = balancingProcesses(.allOf([x, y])) } else {
                    a.criterion = nil
                    a.reason = a.reason ?? b.reason
                }
                a.caveats += b.caveats
            }
            a.quota = g.rule.quota || a.quota
            a.footnotes = g.rule.footnotes
            return a
        }
        return CompiledRuleSet(source: set, alternatives: alternatives)
    }

    static func isContinuation(_ text: String, after previous: String) -> Bool {
        let p = previous.trimming(" \n")
        if p.hasSuffix(":") || p.hasSuffix(",") || p.hasSuffix("*and*") || p.hasSuffix(" and") || p.hasSuffix(";") { return true }
        if text.hasPrefix("- ") || text.hasPrefix("-\u{00A0}") || text.hasPrefix("*and*") { return true }
        if let f = text.unicodeScalars.first, f.properties.isLowercase { return true }
        let lower = text.lowercased()
        return lower.hasPrefix("within the above limit") || lower.hasPrefix("however,") && !p.lowercased().hasSuffix(" or.")
    }

    /// Compiles one alternative's text.
    public static func compile(text raw: String) -> CompiledAlternative {
        let (dated, from, until) = period(in: raw)
        let text = joinSoftBreaks(clean(dated))
        var out = CompiledAlternative(text: text, criterion: nil, reason: nil, validFrom: from, validUntil: until, quota: false, footnotes: [], caveats: [])
        var lower = normalise(text)
        if lower.has("quota") {
            out.quota = true
            out.caveats.append("holds only within the quota the text names")
        }
        if lower.hasSuffix(" or") { lower = String(lower.dropLast(3)) }
        do {
            out.criterion = balancingProcesses(try sentence(lower, caveats: &out.caveats))
        } catch {
            out.reason = error.reason
        }
        return out
    }

    /// The criterion with every process's words holding balanced parentheses: a bracket the
    /// wording opens in one condition and closes in the next ("tetrabromo-(bisphenol" … "A)")
    /// would make `SP(…)` read back differently. An unmatched bracket is dropped.
    /// Nested conjunctions and disjunctions are flattened too ("CTH and (MaxNOM50 and X)" is
    /// "CTH and MaxNOM50 and X", as the rule language reads it).
    static func balancingProcesses(_ c: OriginCriterion) -> OriginCriterion {
        switch c {
        case .specificProcess(let text):
            // Spaces at the ends and runs of them are the rule language's separators, not words.
            let words = balanced(text).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
            return .specificProcess(words.joined(separator: " "))
        case .anyOf(let parts):
            return .anyOf(parts.map(balancingProcesses).flatMap { p -> [OriginCriterion] in if case .anyOf(let inner) = p { inner } else { [p] } })
        case .allOf(let parts):
            return .allOf(parts.map(balancingProcesses).flatMap { p -> [OriginCriterion] in if case .allOf(let inner) = p { inner } else { [p] } })
        default: return c
        }
    }

    static func balanced(_ text: String) -> String {
        var chars = Array(text)
        var open: [Int] = []
        var drop: Set<Int> = []
        for (i, ch) in chars.enumerated() {
            if ch == "(" { open.append(i) } else if ch == ")" { if open.popLast() == nil { drop.insert(i) } }
        }
        drop.formUnion(open)
        guard !drop.isEmpty else { return text }
        chars = chars.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
        return String(chars)
    }

    struct Unread: Error {
        var reason: String
    }

    // MARK: - Text

    /// Markdown to plain text: links to their words, no bold or italics, HTML tags and
    /// entities decoded, hyphen variants unified.
    public static func clean(_ s: String) -> String {
        var out = ""
        var chars = Array(s)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "[", let close = chars[i...].firstIndex(of: "]"), close + 1 < chars.count, chars[close + 1] == "(",
                let end = chars[(close + 1)...].firstIndex(of: ")")
            {
                out += String(chars[(i + 1)..<close])
                i = end + 1
                continue
            }
            if c == "<", let end = chars[i...].firstIndex(of: ">"), end - i < 200 {
                i = end + 1
                continue
            }
            if c == "*" {
                i += 1
                continue
            }
            out.append(c)
            i += 1
        }
        for (entity, value) in [("&nbsp;", " "), ("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&apos;", "'")] {
            out = out.replacingAll(entity, with: value)
        }
        chars = Array(out)
        out = ""
        var lastSpace = false
        for c in chars {
            let d: Character = c == "\u{2010}" || c == "\u{2011}" ? "-" : (c == "\u{00A0}" || c == "\t" ? " " : c)
            if d == " " {
                if !lastSpace { out.append(d) }
                lastSpace = true
            } else {
                out.append(d)
                lastSpace = false
            }
        }
        return out.trimming(" \n")
    }

    /// Joins a line broken inside a sentence ("30% of the\n\nex-works price") and keeps the
    /// breaks between bullets and list items.
    static func joinSoftBreaks(_ text: String) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: true).map { $0.trimming(" ") }.filter { !$0.isEmpty }
        var out = ""
        for line in lines {
            let first = line.unicodeScalars.first
            // A line that goes on with the sentence: in lower case after no stop, or a code after a comma.
            if let last = out.last, !line.hasPrefix("-"), let f = first,
                (!":;.,".contains(last) && f.properties.isLowercase) || (last == "," && f.properties.numericType != nil)
            {
                out += " " + line
            } else {
                out += (out.isEmpty ? "" : "\n\n") + line
            }
        }
        return out
    }

    /// Lower case, one line, "good" read as "product".
    static func normalise(_ text: String) -> String {
        var s = text.lowercased()
        s = s.replacingAll("\n", with: " \u{1}")  // a line break is kept as a marker for bullets
        s = s.replacingAll("  ", with: " ")
        for (a, b) in [
            ("of the good", "of the product"), ("the goods", "the product"), ("the good ", "the product "), ("the products", "the product"),
            ("ex works", "ex-works"), ("ex -works", "ex-works"), ("exworks", "ex-works"), ("ex-work price", "ex-works price"),
            ("materials used is classified", "materials used are classified"),
        ] {
            s = s.replacingAll(a, with: b)
        }
        return s.trimming(" .;\u{1}")
    }

    static let months = ["jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12]

    /// A dated period "(1st Jan 2021 to 31st Dec 2022)" or "(1st Jan 2026 onwards)", taken out of the text.
    static func period(in text: String) -> (String, Day?, Day?) {
        guard let open = text.fastRange(of: "(1st ") ?? text.fastRange(of: "(2nd ") ?? text.fastRange(of: "(3rd ") ?? firstDatedParen(text) else { return (text, nil, nil) }
        guard let close = text[open.upperBound...].firstIndex(of: ")") else { return (text, nil, nil) }
        let inner = String(text[text.index(after: open.lowerBound)..<close]).lowercased()
        let parts = inner.split(separator: " to ", omittingEmptySubsequences: false).map(String.init)
        func day(_ s: String) -> Day? {
            let w = s.trimming(" ").split(separator: " ").map(String.init)
            guard w.count == 3, let m = months[String(w[1].prefix(3))], let y = Int(w[2]) else { return nil }
            let d = Int(w[0].filter(\.isNumber)) ?? 0
            return Day(year: y, month: m, day: d)
        }
        var from: Day?
        var until: Day?
        if parts.count == 2 {
            from = day(parts[0])
            until = day(parts[1])
        } else if inner.hasSuffix(" onwards") {
            from = day(String(inner.dropLast(8)))
        } else if inner.hasPrefix("until ") {
            until = day(String(inner.dropFirst(6)))
        }
        guard from != nil || until != nil else { return (text, nil, nil) }
        var rest = text
        rest.removeSubrange(open.lowerBound...close)
        rest = rest.replacingAll("** **", with: "").replacingAll("****", with: "").replacingAll(" .", with: ".")
        return (rest, from, until)
    }

    static func firstDatedParen(_ text: String) -> Range<String.Index>? {
        var search = text.startIndex
        while let r = text[search...].fastRange(of: "(") {
            let after = text[r.upperBound...]
            if after.first?.isNumber == true, after.prefix(16).contains(where: { $0 == " " }), after.has(")") {
                let word = after.split(separator: " ").dropFirst().first.map { String($0.prefix(3)).lowercased() } ?? ""
                if months[word] != nil { return r }
            }
            search = r.upperBound
        }
        return nil
    }

    // MARK: - Sentences and clauses

    static func sentence(_ s: String, caveats: inout [String]) throws(Unread) -> OriginCriterion {
        var s = s
        // Sets (GRI 3): each item meets its own rule.
        if s.hasPrefix("each item in the set") || s.has("rule which would apply to it if it were not included in the set") {
            return .specificProcess(s.replacingAll("\u{1}", with: ""))
        }
        // "X. However, Y": Y widens or narrows X.
        var provisos: [String] = []
        for marker in [". however, ", ". however ", " however, ", ". however: ", ". the materials of this description "] {
            if let r = s.fastRange(of: marker) {
                // The proviso runs to the end of its bullet; the bullets after it stay in the rule.
                let rest = s[r.upperBound...]
                let end = rest.fastRange(of: "\u{1}- ")?.lowerBound ?? rest.endIndex
                var proviso = String(rest[..<end]).trimming(" .,;\u{1}")
                for tail in [", and", " and"] where proviso.hasSuffix(tail) { proviso = String(proviso.dropLast(tail.count)) }
                if marker.hasPrefix(". the materials of this") { proviso = "materials of the same description as the product " + proviso }
                provisos.append(proviso)
                s = String(s[..<r.lowerBound]) + (end < rest.endIndex ? " \u{1}" + String(rest[end...]) : "")
                break
            }
        }
        var main = try alternatives(s, caveats: &caveats)
        for p in provisos { main = try proviso(p, on: main, caveats: &caveats) }
        return main
    }

    /// "A or Manufacture B": alternatives written in one text.
    static func alternatives(_ s: String, caveats: inout [String]) throws(Unread) -> OriginCriterion {
        var parts: [String] = []
        var rest = s
        while let r = [" or manufacture ", " or production ", "; or "].lazy.compactMap({ rest.fastRange(of: $0) }).first {
            parts.append(String(rest[..<r.lowerBound]))
            let keep = rest[r.lowerBound..<r.upperBound].hasPrefix("; or") ? "" : (rest[r.lowerBound..<r.upperBound].has("manufacture") ? "manufacture " : "production ")
            rest = keep + String(rest[r.upperBound...])
        }
        parts.append(rest)
        if parts.count == 1 { return try conjunction(s, caveats: &caveats) }
        var out: [OriginCriterion] = []
        for p in parts { out.append(try conjunction(p.trimming(" .,;\u{1}"), caveats: &caveats)) }
        return .anyOf(out)
    }

    static let leads = [
        "manufacture in which:", "manufacture in which", "manufacture:", "production in which:", "production in which", "production:",
        "other operations in which", "other operations than those referred to in column in which", "operations in which",
    ]

    /// "Manufacture in which: - A - B": every clause holds.
    static func conjunction(_ s: String, caveats: inout [String]) throws(Unread) -> OriginCriterion {
        var body = s.trimming(" \u{1}")
        let lower = body
        // A list of materials to start from is one condition (a stage of production).
        if lower.hasPrefix("manufacture from:") || lower.hasPrefix("production from:") || lower.hasPrefix("manufacture from: ") {
            return try clause(body, caveats: &caveats)
        }
        var led = false
        for lead in leads where body.hasPrefix(lead) {
            body = String(body.dropFirst(lead.count))
            led = true
            break
        }
        // Bullets: "- a \u{1}- b", or lines.
        var items = body.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init).map { $0.trimming(" -.;,\u{1}") }.filter { !$0.isEmpty }
        if items.count == 1, led || body.hasPrefix("- ") {
            items = body.split(separator: " - ", omittingEmptySubsequences: false).map(String.init).map { $0.trimming(" -.;,\u{1}") }.filter { !$0.isEmpty }
        }
        if items.count == 1 {
            // "…, except that of the product, in which the value …"
            for sep in [", in which ", " and in which ", ", where "] {
                if let r = items[0].fastRange(of: sep) {
                    items = [String(items[0][..<r.lowerBound]), String(items[0][r.upperBound...])]
                    break
                }
            }
        }
        var disjunctive = false
        items = items.map { item in
            var t = item
            for end in [", and", " and", ", or", " or"] where t.hasSuffix(end) {
                if end.hasSuffix("or") { disjunctive = true }
                t = String(t.dropLast(end.count))
            }
            if t.hasPrefix("and ") { t = String(t.dropFirst(4)) }
            return t.trimming(" ,;.")
        }.filter { !$0.isEmpty }
        guard !items.isEmpty else { throw Unread(reason: "no condition after '\(s.prefix(40))'") }
        if items.count == 1 { return try clause(led ? "in which " + items[0] : items[0], caveats: &caveats) }
        var out: [OriginCriterion] = []
        for item in items { out.append(try clause(item, caveats: &caveats)) }
        return disjunctive ? .anyOf(out) : .allOf(out)
    }

    static let shiftPhrases: [(String, ShiftLevel)] = [
        ("at the 2-digit level", .chapter), ("at the 4-digit level", .heading), ("at the 6-digit level", .subheading),
        ("any other chapter", .chapter), ("chapter other than that of the product", .chapter), ("any chapter, except that of the product", .chapter),
        ("any chapter except that of the product", .chapter),
        ("subheading other than that of the product", .subheading), ("any subheading, except that of the product", .subheading),
        ("any subheading except that of the product", .subheading), ("any other subheading", .subheading),
        ("heading other than that of the product", .heading), ("any heading, except that of the product", .heading),
        ("any heading except that of the product", .heading), ("any other heading", .heading), ("any heading, except those of the product", .heading),
    ]

    /// One condition.
    static func clause(_ c: String, caveats: inout [String]) throws(Unread) -> OriginCriterion {
        let c = c.replacingAll("\u{1}", with: "").trimming(" .;,")
        if c.isEmpty { throw Unread(reason: "an empty condition") }
        if c.has("%") { return try valueClause(c, caveats: &caveats) }
        if c.has("non-originating materials used does not exceed the value of") || c.has("non-originating materials used does not exceed the value of all the originating") {
            return .nonOriginatingNotAboveOriginating
        }
        if c.has("wholly obtained") {
            let r = ranges(in: c)
            if c.has(" used") || c.has("materials of") {
                if !r.isEmpty, c.has("materials of") { return .whollyObtainedMaterials(r) }
                return .specificProcess(c)
            }
            return .whollyObtained
        }
        if c.has("within any one of these subheading") || c.has("from materials of any heading") || c.has("non-originating materials of any heading")
            || c.has("including other materials of")
        {
            if c.has("except") {
                let after = c.split(separator: "except", omittingEmptySubsequences: false).map(String.init).dropFirst().joined(separator: "except")
                if after.has("that of the product") == false {
                    let r = ranges(in: after)
                    guard !r.isEmpty else { return .specificProcess(c) }
                    if after.has("from assemblies") || after.has(" for ") || after.has("materials of the same description") {
                        caveats.append("the exception is limited by description (\(after.trimming(" ")))); Tarif excepts the whole of \(r.map(\.description).joined(separator: ", "))")
                    }
                    return .anyHeading(except: r)
                }
            } else {
                return .anyHeading(except: [])
            }
        }
        for (phrase, level) in shiftPhrases where c.has(phrase) {
            var except: [CodeRange] = []
            if let r = c.fastRange(of: "except") {
                var after = String(c[r.upperBound...])
                after = after.replacingAll("that of the product", with: "").replacingAll("those of the product", with: "")
                except = ranges(in: after)
                if !except.isEmpty, after.has("from assemblies") || after.has(" for ") {
                    caveats.append("the exception is limited by description; Tarif excepts the whole of \(except.map(\.description).joined(separator: ", "))")
                }
            }
            return .tariffShift(level, except: except)
        }
        if c.hasPrefix("a change to ") { return .specificProcess(c) }
        if c.hasPrefix("manufacture from") || c.hasPrefix("production from") {
            let words = c.drop(while: { $0 != " " }).dropFirst(5)
            let r = ranges(in: String(words))
            if !r.isEmpty, c.has("of chapter") || c.has("of heading") || c.has("of subheading") || c.has("materials of") {
                let described = !(c.has("from materials of") || c.has("from non-originating materials of") || c.has("from other materials of"))
                if described { caveats.append("the rule names the materials in words as well as by heading (\(c)); Tarif checks the heading") }
                return .materialsFrom(r)
            }
        }
        return .specificProcess(c)
    }

    /// A condition with a percentage: a value limit, a regional value content, or a process
    /// with a proviso on a material described in words.
    static func valueClause(_ c: String, caveats: inout [String]) throws(Unread) -> OriginCriterion {
        let percents = percentages(in: c)
        guard let first = percents.first else { throw Unread(reason: "a percentage Tarif cannot read in '\(c.prefix(80))'") }
        if c.has("weight") { return weightClause(c, first) }
        if c.has("by volume") || c.has("by number") { return .specificProcess(c) }
        // "the value of all the originating nuts … of heading 0801 … used exceeds 60%"
        if c.has(" exceeds "), c.has("originating"), !c.has("non-originating"), !c.has("not exceed") {
            let r = ranges(in: c)
            guard !r.isEmpty else { return .specificProcess(c) }
            return .minOriginating(percent: first, ranges: r)
        }
        if c.has("regional value content") || c.has("(rvc") {
            return .regionalValueContent(percent: first)
        }
        let value = ["ex-works", "(exw)", "free on board", "fob", "transaction value", "(maxnom)"].contains(where: { c.has($0) })
        let valueLeads = [
            "in which", "the value", "value", "where", "a maximum", "the maximum", "manufacture in which", "a change from within", "production in which",
            "manufacture by", "within the above limit", "manufacture from materials of any heading",
        ]
        let processFirst = !valueLeads.contains(where: { c.hasPrefix($0) })
        guard value else {
            if processFirst { return .specificProcess(c) }
            throw Unread(reason: "a percentage of something other than the ex-works price or FOB value (\(c.prefix(80))…)")
        }
        // "A maximum of 55% of the ex-works price (EXW) is made up of non-originating parts"
        if c.hasPrefix("a maximum of") || c.has("maximum value of non-originating materials") {
            return .maxNonOriginating(percent: first, scope: .all, basis: .exWorks)
        }
        let verbs = ["does not exceed", "must not exceed", "do not exceed", "cannot exceed", "only used up to a value of", "not exceed"]
        guard let verb = verbs.lazy.compactMap({ c.fastRange(of: $0) }).first else {
            if processFirst { return .specificProcess(c) }
            throw Unread(reason: "a value condition without 'does not exceed' (\(c.prefix(80))…)")
        }
        var subject = String(c[..<verb.lowerBound])
        // A process with a proviso on a material named in words: declared as a whole.
        if processFirst, !subject.has("value of all the materials"), !subject.has("non-originating materials"),
            !subject.has("materials of"), !subject.has("materials classified")
        {
            return .specificProcess(c)
        }
        // The process before the value condition ("Manufacture by electrolytic treatment in which …").
        var prefix: OriginCriterion?
        if c.hasPrefix("manufacture by"), let r = subject.fastRange(of: " in which ") {
            prefix = .specificProcess(String(subject[..<r.lowerBound]))
            subject = String(subject[r.upperBound...])
        }
        if c.hasPrefix("manufacture from materials of any heading"), let r = subject.fastRange(of: " in which ") ?? subject.fastRange(of: ", provided") {
            prefix = try clause(String(subject[..<r.lowerBound]), caveats: &caveats)
            subject = String(subject[r.upperBound...])
        }
        let scope: MaterialScope
        if let ex = subject.fastRange(of: "except"), !subject.has("except that of the product") {
            // "the value of all the materials used, except natural rubber": by code when coded.
            let r = ranges(in: String(subject[ex.upperBound...]))
            guard !r.isEmpty else { return prefix.map { .allOf([$0, .specificProcess(c)]) } ?? .specificProcess(c) }
            scope = .allExcept(r)
        } else if subject.has("same heading") || subject.has("this heading") {
            scope = .sameLevel(.heading)
        } else if subject.has("same subheading") {
            scope = .sameLevel(.subheading)
        } else if subject.has("same chapter") {
            scope = .sameLevel(.chapter)
        } else if case let r = ranges(in: subject), !r.isEmpty {
            scope = .ranges(r)
        } else if subject.has("materials") || subject.has("parts") || subject.has("maxnom") {
            // A limit on materials named in words ("the originating nuts", "the cloth") is the producer's to declare.
            guard !subject.has("value of the ") || subject.has("materials used") || subject.has("non-originating") else {
                return prefix.map { .allOf([$0, .specificProcess(c)]) } ?? .specificProcess(c)
            }
            scope = .all
        } else {
            // A limit on a material named in words ("the value of the cloth", "their value").
            return prefix.map { .allOf([$0, .specificProcess(c)]) } ?? .specificProcess(c)
        }
        let after = String(c[verb.upperBound...])
        var criterion: OriginCriterion = .maxNonOriginating(percent: first, scope: scope, basis: after.has("free on board") && !after.has("ex-works") ? .fob : .exWorks)
        if percents.count >= 2, after.has("ex-works"), after.has("free on board") || after.has("fob") {
            criterion = .anyOf([.maxNonOriginating(percent: percents[0], scope: scope, basis: .exWorks), .maxNonOriginating(percent: percents[1], scope: scope, basis: .fob)])
        } else if percents.count >= 2 {
            throw Unread(reason: "several percentages in one condition (\(c.prefix(80))…)")
        }
        if let prefix { return .allOf([prefix, criterion]) }
        return criterion
    }

    /// A condition by weight: "the weight of the materials of chapter 4 used does not exceed 40%
    /// of the weight of the final product", "at least 70% by weight of the … of heading 2401 used
    /// is originating". Materials named in words (sugar, grapes) make it a condition to declare.
    static func weightClause(_ c: String, _ percent: ExactDecimal) -> OriginCriterion {
        if let by = c.fastRange(of: "% by weight of") {
            let r = ranges(in: String(c[by.upperBound...]))
            guard !r.isEmpty, c.has("originating"), let rest = ExactDecimal("100").flatMap({ try? $0 - percent }) else { return .specificProcess(c) }
            return .maxWeight(percent: rest, scope: r, nonOriginating: true, of: r)
        }
        let verbs = ["does not exceed", "do not exceed", "must not exceed", "not exceed"]
        guard let w = c.fastRange(of: "weight of"), let verb = verbs.lazy.compactMap({ c[w.upperBound...].fastRange(of: $0) }).first else { return .specificProcess(c) }
        let subject = String(c[w.upperBound..<verb.lowerBound])
        let scope = ranges(in: subject)
        // Words left once the ranges and the usual words are taken out name a material in words.
        var rest = subject
        for word in [
            "non-originating", "originating", "materials", "material", "all the", "the", "of", "used", "in production", "individual", "total", "net",
            "chapters", "chapter", "headings", "heading", "subheadings", "subheading", "from", "to", "and", "or", ",",
        ] {
            rest = rest.replacingAll(word, with: " ")
        }
        guard !scope.isEmpty, rest.allSatisfy({ $0 == " " || $0.isNumber || $0 == "." || $0 == "-" }) else { return .specificProcess(c) }
        let after = String(c[verb.upperBound...])
        var of: [CodeRange] = []
        if !(after.has("of the final product") || after.has("weight of the product") || after.has("of the net weight of the product")) {
            of = ranges(in: after)
            guard !of.isEmpty else { return .specificProcess(c) }
        }
        return .maxWeight(percent: percent, scope: scope, nonOriginating: subject.has("non-originating"), of: of)
    }

    /// "However, …" after a rule.
    static func proviso(_ p: String, on main: OriginCriterion, caveats: inout [String]) throws(Unread) -> OriginCriterion {
        let percents = percentages(in: p)
        if p.has("may be used"), percents.count == 1, p.has("ex-works") {
            let tolerance = percents[0]
            let scopeRanges = p.has("same heading") || p.has("same description") ? [] : ranges(in: p)
            if p.has("same description") {
                return .allOf([main, .specificProcess("materials of the same description as the product are used up to \(tolerance.normalized)% of the ex-works price at most")])
            }
            func widen(_ c: OriginCriterion) -> OriginCriterion? {
                switch c {
                case .tariffShift(let level, let except): return .tariffShiftAllowing(level, except: except, percent: tolerance, within: scopeRanges)
                case .allOf(let l):
                    var done = false
                    let m = l.map { x -> OriginCriterion in
                        if !done, let w = widen(x) {
                            done = true
                            return w
                        }
                        return x
                    }
                    return done ? .allOf(m) : nil
                default: return nil
                }
            }
            if let w = widen(main) { return w }
            if case .anyHeading = main { return main }
            return .allOf([main, .specificProcess(p)])
        }
        if p.has("may not be used") {
            let r = ranges(in: p)
            guard !r.isEmpty else { return .allOf([main, .specificProcess(p)]) }
            switch main {
            case .tariffShift(let level, let except): return .tariffShift(level, except: except + r)
            case .anyHeading(let except): return .anyHeading(except: except + r)
            default: return .allOf([main, .whollyObtainedMaterials(r)])
            }
        }
        if p.has("must not exceed") || p.has("does not exceed") {
            return .allOf([main, try valueClause(p.hasPrefix("the value") ? p : "the value of " + p, caveats: &caveats)])
        }
        if p.has("may be used") {
            caveats.append("the rule also allows: \(p); Tarif does not apply this allowance (check it by hand when a material needs it)")
            return main
        }
        return .allOf([main, .specificProcess(p)])
    }

    // MARK: - Numbers and codes

    /// The percentages in a text, in order ("55%", "47.5 %").
    static func percentages(in s: String) -> [ExactDecimal] {
        var out: [ExactDecimal] = []
        let chars = Array(s)
        for (i, c) in chars.enumerated() where c == "%" {
            var j = i - 1
            while j >= 0, chars[j] == " " { j -= 1 }
            var k = j
            while k >= 0, chars[k].isNumber || chars[k] == "." || chars[k] == "," { k -= 1 }
            guard k < j else { continue }
            let digits = String(chars[(k + 1)...j]).replacingAll(",", with: ".")
            if let v = ExactDecimal(digits), !v.isNegative, v <= .hundred { out.append(v) }
        }
        return out
    }

    /// The codes a text names by chapter, heading or subheading: "chapter 11", "heading 7206,
    /// 7207, 7218 or 7224", "headings 3901 to 3906", "subheading 2710.19".
    public static func ranges(in s: String) -> [CodeRange] {
        let words = s.replacingAll(",", with: " , ").replacingAll(";", with: " ; ").replacingAll("(", with: " ").replacingAll(")", with: " ")
            .split(separator: " ").map(String.init)
        var out: [CodeRange] = []
        var level: Int?
        var i = 0
        func code(_ w: String, _ digits: Int) -> TariffCode? {
            let d = w.trimming(".").filter { $0 != "." }
            guard !d.isEmpty, d.allSatisfy(\.isNumber) else { return nil }
            if digits == 2, d.count <= 2 { return try? TariffCode(d.count == 1 ? "0" + d : d) }
            guard d.count == digits || (digits == 6 && d.count == 6) || (digits == 4 && d.count == 4) else {
                return d.count >= 4 && d.count.isMultiple(of: 2) && d.count <= 10 ? try? TariffCode(d) : nil
            }
            return try? TariffCode(d)
        }
        while i < words.count {
            let w = words[i]
            switch w {
            case "chapter", "chapters": level = 2
            case "heading", "headings": level = 4
            case "subheading", "subheadings": level = 6
            case ",", "or", "and", "nor": break
            case "to", "through":
                if let l = level, i + 1 < words.count, var last = out.last {
                    var j = i + 1
                    if ["chapter", "heading", "subheading", "headings", "chapters", "subheadings"].contains(words[j]), j + 1 < words.count { j += 1 }
                    if let b = code(words[j], l), b.length == last.from.length, last.from <= b {
                        last.to = b
                        out[out.count - 1] = last
                        i = j
                    }
                }
            default:
                if let l = level, let c = code(w, l) {
                    out.append(CodeRange(c))
                } else {
                    level = nil
                }
            }
            i += 1
        }
        return out
    }
}

extension StringProtocol {
    /// The first occurrence of `needle`, found by comparing UTF-8 bytes (the generic search of
    /// the standard library is many times slower, and the compiler runs it for every rule).
    func fastRange(of needle: String) -> Range<Index>? {
        let n = Array(needle.utf8)
        guard !n.isEmpty else { return nil }
        let found: Int?? = utf8.withContiguousStorageIfAvailable { h in Self.search(h, n) }
        let at: Int?
        if let found { at = found } else { at = Array(utf8).withUnsafeBufferPointer { Self.search($0, n) } }
        guard let at else { return nil }
        let lower = utf8.index(utf8.startIndex, offsetBy: at)
        return lower..<utf8.index(lower, offsetBy: n.count)
    }

    static func search(_ h: UnsafeBufferPointer<UInt8>, _ n: [UInt8]) -> Int? {
        guard h.count >= n.count else { return nil }
        let first = n[0]
        var i = 0
        let last = h.count - n.count
        while i <= last {
            if h[i] == first {
                var j = 1
                while j < n.count, h[i + j] == n[j] { j += 1 }
                if j == n.count { return i }
            }
            i += 1
        }
        return nil
    }

    func has(_ needle: String) -> Bool { fastRange(of: needle) != nil }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard let first = fastRange(of: target) else { return self }
        var out = String(self[..<first.lowerBound])
        out += replacement
        var rest = self[first.upperBound...]
        while let r = rest.fastRange(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}
