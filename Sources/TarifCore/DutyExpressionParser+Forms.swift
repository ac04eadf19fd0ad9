extension DutyExpressionParser {
    static let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]

    /// `15.00% (01 JAN-14 FEB, 16 JUN-31 DEC), 0.00% (15 FEB-15 JUN)`; the last rate may
    /// have no period, meaning the rest of the year.
    func parseSeasonal(_ s: String) throws -> DutyExpression? {
        guard s.contains("("), Self.months.contains(where: { s.uppercased().contains($0) }) else { return nil }
        var items: [SeasonalRate] = []
        var rateText = ""
        var periodText = ""
        var depth = 0
        var index = s.startIndex
        while index < s.endIndex {
            let ch = s[index]
            switch ch {
            case "(":
                depth += 1
                guard depth == 1 else { throw fail(s, "nested parentheses") }
            case ")":
                guard depth == 1 else { throw fail(s, "')' without '('") }
                depth = 0
                items.append(
                    SeasonalRate(rate: try parseBounded(rateText.trimmingCharacters(in: " ,")), periods: try parsePeriods(periodText, whole: s)))
                rateText = ""
                periodText = ""
            default:
                if depth == 1 { periodText.append(ch) } else { rateText.append(ch) }
            }
            index = s.index(after: index)
        }
        guard depth == 0 else { throw fail(s, "'(' without ')'") }
        let rest = rateText.trimmingCharacters(in: " ,")
        if !rest.isEmpty { items.append(SeasonalRate(rate: try parseBounded(rest), periods: [])) }
        return .seasonal(items)
    }

    /// `01 JAN-14 FEB, 1 NOV-31 DEC`, `01 JUL - 31 JAN`, `01-31 DEC`, `01 JAN-30 JUNE`.
    func parsePeriods(_ text: String, whole: String) throws -> [SeasonalPeriod] {
        try text.split(separator: ",").map { part in
            let ends = part.split(separator: "-").map { $0.trimmingCharacters(in: " ") }
            guard ends.count == 2 else { throw fail(whole, "'\(part)' is not a period 'DD MON-DD MON'") }
            guard let to = monthDay(ends[1]) else { throw fail(whole, "'\(ends[1])' is not a day and month") }
            let from: (Int, Int)
            if let d = Int(ends[0]) { from = (to.0, d) } else if let md = monthDay(ends[0]) { from = md } else {
                throw fail(whole, "'\(ends[0])' is not a day and month")
            }
            return SeasonalPeriod(
                fromMonth: from.0, fromDay: clamp(from.1, from.0), toMonth: to.0, toDay: clamp(to.1, to.0))
        }
    }

    /// `(month, day)` from `14 FEB` or `30 JUNE`.
    func monthDay(_ text: String) -> (Int, Int)? {
        let words = text.split(separator: " ")
        guard words.count == 2, let d = Int(words[0]), (1...31).contains(d) else { return nil }
        let name = words[1].uppercased().prefix(3)
        guard let m = Self.months.firstIndex(of: String(name)) else { return nil }
        return (m + 1, d)
    }

    /// A day past the month's end (the CET prints `31 APR`) is the month's last day.
    func clamp(_ day: Int, _ month: Int) -> Int {
        min(day, Day.daysIn(month: month, year: 2000))
    }

    /// `6.8¢/kg less 0.020668¢/kg for each degree under 100 degrees (and fractions of a
    /// degree in proportion) but not less than 4.3535¢/kg`.
    func parseGraduated(_ s: String) throws -> DutyExpression {
        let cleaned = s.replacingAll("(and fractions of a degree in proportion)", with: "")
        let text = DutyExpressionParser.fold(cleaned)
        guard let lessRange = Substring(text).range(of: " less "),
            let eachRange = Substring(text).range(of: " for each degree under "),
            let notLess = Substring(text).range(of: " but not less ")
        else { throw fail(s, "a graduated rate needs 'less … for each degree under … but not less …'") }
        let baseText = String(text[..<lessRange.lowerBound])
        let stepText = String(text[lessRange.upperBound..<eachRange.lowerBound])
        let thresholdText = String(text[eachRange.upperBound..<notLess.lowerBound]).replacingAll(" degrees", with: "")
        var floorText = String(text[notLess.upperBound...])
        if floorText.hasPrefix("than ") { floorText = String(floorText.dropFirst(5)) }
        func specific(_ t: String) throws -> SpecificRate {
            guard let r = try parseSpecific(t.replacingAll("¢ /", with: "¢/").trimmingCharacters(in: " "), whole: s)
            else { throw fail(s, "'\(t)' is not an amount per unit") }
            return r
        }
        guard let threshold = ExactDecimal(thresholdText.trimmingCharacters(in: " ")) else {
            throw fail(s, "'\(thresholdText)' is not a number of degrees")
        }
        return .graduated(
            GraduatedRate(
                base: try specific(baseText), step: try specific(stepText), fact: .polarization,
                threshold: threshold, floor: try specific(floorText)))
    }
}
