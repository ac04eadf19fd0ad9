public import TarifCore

extension AdditionalDuty {
    /// Reads a chapter 99 heading from its line and rates.
    ///
    /// The origins come from "the product of X" in the description or the lines above
    /// it, the dates from "on or after <date>" and "through <date>"; the effect from the
    /// rate's form: a sum with "the duty provided in the applicable subheading" adds its
    /// other parts; that phrase alone changes nothing; any other rate replaces the applied one.
    /// - Parameter country: resolves a country name as written ("China", "the Russian Federation").
    /// - Returns: `nil` when the heading has no rate in any column.
    public static func parse(
        line: TariffLine, rates: [LineRate], legalSource: String, country: (String) -> CountryCode?
    ) -> AdditionalDuty? {
        let general = rates.first { $0.kind == .mfn }
        let column2 = rates.first { $0.kind == .nonMFN }
        guard let chosen = general ?? column2, let expression = chosen.expression else { return nil }
        let text = (line.path + [line.descriptionEnglish]).joined(separator: " ")
        var effect: Effect
        var rate: DutyExpression?
        switch expression.core {
        case .reference:
            effect = .noChange
        case .sum(let parts) where parts.contains(where: { if case .reference = $0.core { return true } else { return false } }):
            let rest = parts.filter { if case .reference = $0.core { return false } else { return true } }
            effect = .addOn
            rate = rest.count == 1 ? rest[0] : .sum(rest)
        default:
            effect = .inLieu
            rate = expression
        }
        var duty = AdditionalDuty(
            heading: line.code, description: line.qualifiedDescription, rateText: chosen.text,
            column: general != nil ? "general" : "column 2", effect: effect, rate: rate, origins: origins(in: text, country: country),
            effectiveFrom: date(after: "on or after ", in: text), effectiveThrough: date(after: "through ", in: text),
            legalBasis: "HTSUS chapter 99 heading \(line.code), referred to in the line's footnotes; \(legalSource)")
        let own = line.descriptionEnglish
        if duty.effectiveFrom == nil, own.hasPrefix("Except for goods loaded onto a vessel") {
            // "Except for goods … in transit … before 12:01 a.m. eastern daylight time on April 9,
            // 2025": the heading charges goods entered from that day (the rest were in transit).
            duty.effectiveFrom = date(after: "time on ", in: own)
        }
        duty.anyCountry = own.contains("product of any country") && !own.contains("identified in general note 3(b)")
        duty.exceptions = exceptions(in: own)
        (duty.columnOneBelow, duty.columnOneAtLeast) = columnOneBounds(in: own)
        duty.condition = condition(in: own, charging: effect != .noChange)
        return duty
    }

    /// Decides whether the layer applies to goods of `origin` on `day` under a treatment of `kind`.
    public func deciding(origin: CountryCode?, day: Day, treatment kind: Treatment.Kind, context: DutyContext) -> AdditionalDuty {
        var out = self
        if let from = effectiveFrom, day < from {
            out.applies = false
            out.reason = "applies to entries on or after \(from)"
        } else if let through = effectiveThrough, day > through {
            out.applies = false
            out.reason = "applied to entries through \(through)"
        } else if origins.isEmpty {
            out.applies = nil
            out.reason = "the heading names no origin; whether it applies depends on its U.S. note"
        } else if let origin, !origins.contains(origin) {
            out.applies = false
            out.reason = "for goods of \(origins.map(\.rawValue).joined(separator: ", ")) only"
        } else if origin == nil {
            out.applies = nil
            out.reason = "for goods of \(origins.map(\.rawValue).joined(separator: ", ")); state the origin"
        } else if column == "column 2" && kind != .nonMFN {
            out.applies = false
            out.reason = "modifies the column 2 rate, which does not apply"
        } else {
            out.applies = true
            out.reason = effect == .noChange
                ? "an exclusion heading: the goods it covers pay the applicable subheading's rate"
                : "goods of \(origin!) covered by the heading's U.S. note, assumed from the line's footnote"
        }
        if out.applies == true, let rate {
            // (An amount that overflows here overflows the treatment's own duty first, which reports it.)
            if case .amount(let m, _)? = try? rate.evaluate(in: context) { out.duty = m }
        }
        return out
    }

    /// The countries a heading names as "the product of A, B, C, or D" ("China and Hong Kong",
    /// "China, including Hong Kong and Macau"); a mention after "except" is an exclusion, not a
    /// country the heading charges ("any country … except for articles the product of China").
    static func origins(in text: String, country: (String) -> CountryCode?) -> [CountryCode] {
        var found: [CountryCode] = []
        var rest = Substring(text)
        while let r = rest.firstRange(of: "product of ") {
            defer { rest = rest[r.upperBound...] }
            if rest[..<r.lowerBound].suffix(40).contains("except") { continue }
            var segment = rest[r.upperBound...]
            for stop in [":", ";", "(", " as provided", " as described", " as ", " that ", " which ", " entered", " except", " under ", " for "] {
                if let s = segment.firstRange(of: stop) { segment = segment[..<s.lowerBound] }
            }
            var names = [String(segment)]
            for separator in [", including ", ", ", " or "] {
                names = names.flatMap { $0.split(separator: separator, omittingEmptySubsequences: true).map(String.init) }
            }
            func clean(_ name: String) -> String {
                var n = name.trimming(" .,")
                for prefix in ["the ", "or ", "and ", "including "] where n.hasPrefix(prefix) { n = String(n.dropFirst(prefix.count)) }
                return n
            }
            // A name with "and" in it ("Trinidad and Tobago") is tried whole before it is split.
            for piece in names {
                let parts = country(clean(piece)) != nil ? [piece] : piece.split(separator: " and ", omittingEmptySubsequences: true).map(String.init)
                for n in parts.map(clean) {
                    if let c = country(n), !found.contains(c) { found.append(c) }
                }
            }
        }
        return found
    }

    /// "column 1-General less than 15 percent" → (15, nil); "column 1 equal to or greater than 15
    /// percent" → (nil, 15).
    static func columnOneBounds(in text: String) -> (below: ExactDecimal?, atLeast: ExactDecimal?) {
        guard let c = text.firstRange(of: "column 1") else { return (nil, nil) }
        let rest = text[c.upperBound...].prefix(80)
        func number(after marker: String) -> ExactDecimal? {
            guard let r = rest.firstRange(of: marker) else { return nil }
            let n = rest[r.upperBound...].prefix { $0.isNumber || $0 == "." }
            guard !n.isEmpty, rest[r.upperBound...].dropFirst(n.count).hasPrefix(" percent") else { return nil }
            return ExactDecimal(String(n))
        }
        return (number(after: "less than "), number(after: "equal to or greater than "))
    }

    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]

    /// The date written "Month D, YYYY" after `marker`.
    static func date(after marker: String, in text: String) -> Day? {
        guard let r = text.firstRange(of: marker) else { return nil }
        let words = text[r.upperBound...].split(separator: " ", maxSplits: 3).map { $0.trimming(",.;") }
        guard words.count >= 3, let m = months.firstIndex(of: words[0]), let d = Int(words[1]), let y = Int(words[2]) else { return nil }
        return Day(year: y, month: m + 1, day: d)
    }
}
