/// Reads the rates of Japan's Customs Tariff Schedule (実行関税率表) as Japan Customs
/// prints them, in Japanese.
///
/// The forms: `無税` (free); `3%`; `123.20円/l`, `4,800円/足`, `170万円/頭` (yen per unit);
/// `25%＋63円/kg` (compound); `A又はBのうちいずれか高い税率` / `低い税率` (the greater or the
/// lesser of two); a floor or cap after it (`ただしその税率が93円/lを下回る場合は93円/l`,
/// `（ただしその税率が50%を上回る場合は50%とする）`); a rate in brackets (in the WTO column:
/// the general or temporary rate is lower and applies); marks (`*`, `※`, `◎`, `◆2`), kept as
/// notes; and rates that hold for part of the goods only (`関税割当数量以内のもの　無税`, one
/// per line), read as alternatives whose condition the user confirms.
///
/// Rates stated through the customs value and a reference price (the gate-price system,
/// `(73.70円−課税価格)/kg`) are read as references: the duty depends on a price the line
/// does not hold. Ranges over a line's sub-items (`●無税〜3.5%`), "not conceded" (`非譲許`),
/// and rates for "part of" a line (`一部`) are not one rate: they are errors, listed unparsed.
public struct JapaneseRateParser: Sendable {
    public static let yen = Currency.jpy

    public init() {}

    /// A rate as read: the expression, and whether the whole rate was in brackets.
    public struct Reading: Sendable, Hashable {
        public var expression: DutyExpression
        public var bracketed: Bool
    }

    /// Parses one cell.
    /// - Returns: `nil` for an empty cell (no rate in this column).
    /// - Throws: ``TarifError`` `.badRate` saying what is not understood.
    public func parse(_ cell: String) throws -> Reading? {
        guard cell.utf8.count <= 4096 else {
            throw TarifError(.badRate, "cannot read rate '\(InputLimits.echo(cell))': longer than 4096 bytes")
        }
        let text = Self.normalize(cell)
        if text.isEmpty { return nil }
        let rows = Self.rows(ofNormalized: text)
        if rows.count > 1 || rows.first.map({ Self.conditionSplit($0) != nil }) == true {
            var options: [DutyExpression] = []
            for row in rows {
                guard let (condition, rate) = Self.conditionSplit(row) else {
                    throw fail(cell, "line '\(InputLimits.echo(row))' states a rate without the goods it is for")
                }
                options.append(.annotated(try single(rate, whole: cell).expression, note: condition))
            }
            return Reading(expression: .alternatives(options), bracketed: false)
        }
        return try single(rows.first ?? text, whole: cell)
    }

    /// The cell's rows as ``parse(_:)`` reads them: one per option of an `.alternatives`
    /// reading, in order (a proviso row `ただし…` joined to the row above it).
    public static func rows(of cell: String) -> [String] {
        rows(ofNormalized: normalize(cell))
    }

    static func rows(ofNormalized text: String) -> [String] {
        var rows: [String] = []
        for row in text.split(separator: "\n").map({ $0.trimming(" ") }) where !row.isEmpty {
            // A proviso (`ただし…`) on its own line belongs to the rate above it.
            if row.hasPrefix("ただし"), let last = rows.popLast() { rows.append(last + row) } else { rows.append(row) }
        }
        return rows
    }

    /// The parties an option's condition names (`(マレーシアに対する待遇)`,
    /// `(オーストラリア、カナダ及びニュージーランドに対する待遇)`), by their Japanese names as
    /// printed, and whether it names "the other parties" (`(他の締約国に対する待遇)`). A
    /// condition may name parties more than once (one quota each). Empty when it names none.
    public static func partyDesignations(in condition: String) -> (names: [String], others: Bool) {
        var names: [String] = []
        var others = false
        let marker = "に対する待遇)"
        var rest = Substring(normalize(condition))
        while let end = rest.firstRange(of: marker) {
            let before = rest[..<end.lowerBound]
            if let open = before.lastIndex(of: "(") {
                let group = before[before.index(after: open)...]
                for piece in group.replacing("及び", with: "、").split(separator: "、") {
                    let name = piece.trimming(" \u{3000}")
                    if name == "他の締約国" { others = true } else if !name.isEmpty { names.append(name) }
                }
            }
            rest = rest[end.upperBound...]
        }
        return (names, others)
    }

    func fail(_ whole: String, _ reason: String) -> TarifError {
        TarifError(.badRate, "cannot read rate '\(InputLimits.echo(whole))': \(reason)")
    }

    /// Full-width forms to ASCII, CR LF to LF, the ideographic space kept (it separates a
    /// condition from its rate).
    static func normalize(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s {
            switch ch {
            case "＋": out.append("+")
            case "（": out.append("(")
            case "）": out.append(")")
            case "％": out.append("%")
            case "−", "－": out.append("-")
            case "，": out.append(",")
            // CR LF is one Character in Swift: it must become LF, not pass as it is.
            case "\r\n": out.append("\n")
            case "\r": continue
            case "\t": out.append(" ")
            default: out.append(ch)
            }
        }
        return out.trimming(" \n")
    }

    /// `関税割当数量以内のもの　無税` → (condition, rate): the text before the last ideographic
    /// space, or before the last space when what follows is a rate and what precedes is words.
    static func conditionSplit(_ row: String) -> (String, String)? {
        if let i = row.lastIndex(of: "\u{3000}") {
            let condition = row[..<i].trimming(" \u{3000}")
            let rate = row[row.index(after: i)...].trimming(" \u{3000}")
            if !condition.isEmpty, !rate.isEmpty { return (condition, rate) }
        }
        if let i = row.lastIndex(of: " ") {
            let condition = row[..<i].trimming(" ")
            let rate = row[row.index(after: i)...].trimming(" ")
            if condition.hasSuffix("もの") || condition.hasSuffix("待遇)") { return (condition, rate) }
        }
        return nil
    }

    func single(_ text: String, whole: String) throws -> Reading {
        var s = Substring(text.trimming(" \u{3000}"))
        var notes: [String] = []
        // Footnote marks `◆2` at the end.
        while let diamond = s.lastIndex(of: "◆") {
            let mark = s[diamond...].trimming(" ")
            guard mark.dropFirst().allSatisfy(\.isNumber) else { break }
            notes.append("footnote \(mark)")
            s = s[..<diamond]
            s = Substring(s.trimming(" "))
        }
        // Leading marks.
        while let first = s.first, "*※◎●".contains(first) {
            if first == "●" {
                if s.contains("〜") || s.contains("非譲許") || s.contains("、") {
                    throw fail(whole, "the line's sub-items have different rates (● range); the schedule gives each item's rate in its notes")
                }
            }
            var mark = String(first)
            s = s.dropFirst()
            while let next = s.first, next == first {
                mark.append(next)
                s = s.dropFirst()
            }
            notes.append("mark \(mark)")
        }
        if s.contains("〜") {
            throw fail(whole, "a range of rates over the line's sub-items (〜), not one rate")
        }
        if s.contains("非譲許") {
            throw fail(whole, "some of the line's goods are not conceded (非譲許): no single preferential rate")
        }
        if s.contains("一部") {
            throw fail(whole, "the rate holds for part (一部) of the line only")
        }
        var bracketed = false
        let trimmed = s.trimming(" ")
        if trimmed.hasPrefix("("), trimmed.hasSuffix(")"), Self.closes(trimmed) {
            bracketed = true
            s = Substring(trimmed.dropFirst().dropLast().trimming(" \n"))
        } else {
            s = Substring(trimmed)
        }
        var expression = try rate(String(s), original: whole)
        for note in notes.reversed() { expression = .annotated(expression, note: note) }
        return Reading(expression: expression, bracketed: bracketed)
    }

    /// Whether the opening bracket at the start closes only at the end.
    static func closes(_ s: String) -> Bool {
        var depth = 0
        for (k, ch) in s.enumerated() {
            if ch == "(" { depth += 1 }
            if ch == ")" {
                depth -= 1
                if depth == 0 && k != s.count - 1 { return false }
            }
        }
        return depth == 0
    }

    /// A rate with its "whichever" and "provided that" clauses.
    func rate(_ s: String, original: String) throws -> DutyExpression {
        if s.contains("課税価格") || s.contains("基準輸入価格") {
            return .reference(DutyReference(.referencePrice, text: original.trimming(" \n")))
        }
        var body = Substring(s)
        var floor: DutyExpression?
        var cap: DutyExpression?
        // `（ただしその税率がXを上回る場合はXとする）`: a cap.
        if let r = body.firstRange(of: "(ただしその税率が") ?? body.firstRange(of: "ただしその税率が") {
            let clause = body[r.upperBound...].trimming(" )")
            body = Substring(body[..<r.lowerBound].trimming(" \n"))
            if let k = clause.firstRange(of: "を下回る場合は") {
                floor = try terms(String(clause[k.upperBound...].trimming(" とする")), original: original)
            } else if let k = clause.firstRange(of: "を上回る場合は") {
                cap = try terms(String(clause[k.upperBound...].trimming(" とする")), original: original)
            } else {
                throw fail(original, "the proviso '\(InputLimits.echo(clause))' is not a floor (を下回る場合は) or a cap (を上回る場合は)")
            }
        }
        var expression: DutyExpression
        if let r = body.firstRange(of: "のうちいずれか高い税率") ?? body.firstRange(of: "のうちいずれか低い税率") {
            let higher = body[r].contains("高い")
            let choices = body[..<r.lowerBound]
            let rest = body[r.upperBound...].trimming(" ")
            guard rest.isEmpty else { throw fail(original, "'\(InputLimits.echo(rest))' follows the choice of rates") }
            guard let or = choices.firstRange(of: "又は") else {
                throw fail(original, "'whichever is \(higher ? "higher" : "lower")' names only one rate")
            }
            let a = try terms(String(choices[..<or.lowerBound]), original: original)
            let b = try terms(String(choices[or.upperBound...]), original: original)
            expression = higher ? .atLeast(a, floor: b) : .atMost(a, cap: b)
        } else {
            expression = try terms(String(body), original: original)
        }
        if let floor { expression = .atLeast(expression, floor: floor) }
        if let cap { expression = .atMost(expression, cap: cap) }
        return expression
    }

    /// `25%+63円/kg`: terms joined by `+`.
    func terms(_ s: String, original: String) throws -> DutyExpression {
        let parts = s.split(separator: "+", omittingEmptySubsequences: false).map { $0.trimming(" \n()") }
        guard parts.count <= 4, !parts.contains(where: \.isEmpty) else {
            throw fail(original, "'\(InputLimits.echo(s))' is not a rate or a sum of rates")
        }
        let read = try parts.map { try term($0, original: original) }
        return read.count == 1 ? read[0] : .sum(read)
    }

    func term(_ s: String, original: String) throws -> DutyExpression {
        if s == "無税" { return .free(condition: nil) }
        if s.hasSuffix("%") {
            guard let v = ExactDecimal(s.dropLast().trimming(" ")), !v.isNegative, v <= ExactDecimal(1000) else {
                throw fail(original, "'\(InputLimits.echo(s))' is not a percentage")
            }
            return .adValorem(Percentage(v), basis: .customsValue)
        }
        if let yen = s.firstRange(of: "円/") {
            var number = s[..<yen.lowerBound].replacingAll(",", with: "")
            var multiplier = ExactDecimal.one
            if number.hasSuffix("万") {
                number.removeLast()
                multiplier = ExactDecimal(10_000)
            }
            guard let v = ExactDecimal(number.trimming(" ")), !v.isNegative, v.scale <= 6 else {
                throw fail(original, "'\(InputLimits.echo(s))' does not start with an amount of yen")
            }
            let unitText = s[yen.upperBound...].trimming(" \n")
            guard let unit = Self.units[unitText] else {
                throw fail(original, "'\(unitText)' is not a unit of Japan's tariff (kg, l, kl, ㎡, 頭, 本, 枚, 足, 個)")
            }
            return .specific(SpecificRate(amount: Money(try v * multiplier, Self.yen), unit: unit))
        }
        throw fail(original, "'\(InputLimits.echo(s))' is not a rate (無税, N%, N円/unit)")
    }

    /// The units Japan's tariff charges specific duties on.
    static let units: [String: MeasurementUnit] = [
        "kg": MeasurementUnit(.mass, symbol: "kg"),
        "l": MeasurementUnit(.volume, symbol: "l"),
        "kl": MeasurementUnit(.volume, factor: ExactDecimal(1000), symbol: "kl"),
        "㎡": MeasurementUnit(.area, symbol: "m2"),
        "m2": MeasurementUnit(.area, symbol: "m2"),
        "頭": MeasurementUnit(.count, symbol: "head"),
        "本": MeasurementUnit(.count, symbol: "piece"),
        "枚": MeasurementUnit(.count, symbol: "sheet"),
        "個": MeasurementUnit(.count, symbol: "piece"),
        "足": MeasurementUnit(.pairs, symbol: "pair"),
    ]
}

extension StringProtocol {
    /// Every occurrence of `target` replaced by `replacement` (a Foundation-free `replacingOccurrences`).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
