public import TarifCore

/// A run of chapter 99 headings a heading's text names ("9903.01.26–9903.01.33"), or one.
public struct HeadingRange: Sendable, Hashable, Codable, CustomStringConvertible {
    public var low: TariffCode
    public var high: TariffCode

    public init(_ low: TariffCode, _ high: TariffCode) {
        self.low = low
        self.high = high
    }

    public func contains(_ code: TariffCode) -> Bool { code.length == low.length && low <= code && code <= high }
    public var description: String { low == high ? low.formatted : "\(low.formatted)–\(high.formatted)" }
}

extension AdditionalDuty {
    /// Whether this heading's text names `e` among its exceptions.
    func excepts(_ e: AdditionalDuty) -> Bool {
        e.heading != heading && exceptions.contains { $0.contains(e.heading) }
    }

    /// Whether a line whose column 1 rate is `percent` is within the bounds the heading's text
    /// sets ("less than 15 percent", "equal to or greater than"); true when it sets none.
    func admitsColumnOne(_ percent: ExactDecimal) -> Bool {
        (columnOneBelow.map { percent < $0 } ?? true) && (columnOneAtLeast.map { percent >= $0 } ?? true)
    }

    /// Every heading named after the text's first "except" ("except for products described in
    /// headings A–B, C, and except as provided for in heading D"): single headings and runs
    /// written with a dash or "through". At most 64.
    static func exceptions(in text: String) -> [HeadingRange] {
        let bytes = Array(text.utf8)
        guard let start = firstIndex(of: Array("xcept".utf8), in: bytes) else { return [] }
        func code(at i: Int) -> TariffCode? {
            // 9903.dd.dd, not part of a longer number.
            guard i + 10 <= bytes.count, bytes[i] == 57, bytes[i + 1] == 57, bytes[i + 4] == 46, bytes[i + 7] == 46 else { return nil }
            for k in [0, 1, 2, 3, 5, 6, 8, 9] where !(48...57).contains(bytes[i + k]) { return nil }
            if i + 10 < bytes.count, (48...57).contains(bytes[i + 10]) { return nil }
            if i > 0, (48...57).contains(bytes[i - 1]) || bytes[i - 1] == 46 { return nil }
            return try? TariffCode(String(decoding: bytes[i..<(i + 10)], as: UTF8.self))
        }
        var found: [(at: Int, code: TariffCode)] = []
        var i = start
        while i < bytes.count, found.count < 128 {
            if let c = code(at: i) {
                found.append((i, c))
                i += 10
            } else {
                i += 1
            }
        }
        var out: [HeadingRange] = []
        var k = 0
        while k < found.count, out.count < 64 {
            let a = found[k]
            if k + 1 < found.count {
                let between = String(decoding: bytes[(a.at + 10)..<found[k + 1].at], as: UTF8.self).trimming(" ")
                if ["–", "-", "—", "through", "to"].contains(between), a.code <= found[k + 1].code {
                    out.append(HeadingRange(a.code, found[k + 1].code))
                    k += 2
                    continue
                }
            }
            out.append(HeadingRange(a.code, a.code))
            k += 1
        }
        return out
    }

    static func firstIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        for i in 0...(bytes.count - needle.count) where bytes[i] == needle[0] && Array(bytes[i..<(i + needle.count)]) == needle {
            return i
        }
        return nil
    }

    /// The conditions a heading's text turns on, by the words that mark them: for a heading that
    /// charges, only those that narrow whom it charges (a heading's own in-transit exception is
    /// not its condition).
    static let conditionMarks: [(words: String, condition: String, charging: Bool)] = [
        ("transshipped", "goods CBP has determined were transshipped to evade duties", true),
        ("privileged foreign status", "goods admitted to a foreign-trade zone under privileged foreign status before the measure", true),
        ("melted and poured", "where the metal was melted and poured (a fact of the goods' history)", true),
        ("certificate", "goods with (or without) a certificate the heading names", true),
        ("exclusion granted", "goods covered by an exclusion granted by the Secretary of Commerce", true),
        ("general note 11", "usmca", false),
        ("general note 3(b)", "column2", false),
        ("donations", "donations to relieve human suffering", false),
        ("informational materials", "informational materials (publications, films, recordings, artworks…)", false),
        ("loaded onto a vessel", "goods already in transit when the measure took effect", false),
        ("U.S. content", "the U.S. content of the goods (at least 20% of their customs value)", false),
        ("accompanied baggage", "goods for personal use in accompanied baggage", false),
        ("civil aircraft", "civil aircraft, their engines, parts and components", false),
        ("textiles or apparel", "textiles or apparel qualifying under the heading's note", false),
    ]

    static func condition(in text: String, charging: Bool) -> String? {
        // "Except for goods loaded onto a vessel … before <day>" opening a heading is its own
        // in-transit exception (it dates the heading), not the goods it describes.
        let ownTransit = text.hasPrefix("Except for goods loaded onto a vessel")
        return conditionMarks.first { (!charging || $0.charging) && !(ownTransit && $0.words == "loaded onto a vessel") && text.contains($0.words) }?.condition
    }
}

/// Decides which of a version's chapter 99 headings cover one consignment: the headings that
/// name its origin (or any country), less those whose exceptions cover the goods, as the
/// headings' own text says ("except for products described in headings …") and the scope
/// lists tell (``Chapter99Scope``).
///
/// An excepting heading covers the goods when: it has a product list and the line is on it on
/// the day; it names countries and the origin is one (and none of its own exceptions covers the
/// goods); it turns on the USMCA (general note 11) and the applied treatment is the USMCA; it
/// names general note 3(b) and column 2 applies. A heading turning on a fact no list holds
/// (donations, goods in transit, U.S. content) is taken not to cover the goods, and the answer
/// says so. A line only part of which is on a list is undecided.
public struct ChapterNinetyNineScope: Sendable {
    public let headings: [AdditionalDuty]
    public let scope: Chapter99Scope
    public let origin: CountryCode
    public let day: Day
    public let appliedKind: Treatment.Kind
    /// Whether the USMCA's preference is open to the goods (they may be entered under it).
    public let usmca: Bool

    /// The headings each heading's exceptions name, when prepared once for many questions.
    let exceptingMap: [TariffCode: [AdditionalDuty]]?
    /// The line's column 1 (MFN) rate when ad valorem, in percent: some headings charge only
    /// lines below (or at and above) a rate.
    public var mfnPercent: ExactDecimal?

    public init(
        headings: [AdditionalDuty], scope: Chapter99Scope, origin: CountryCode, day: Day, appliedKind: Treatment.Kind, usmca: Bool,
        excepting: [TariffCode: [AdditionalDuty]]? = nil
    ) {
        self.headings = excepting == nil ? headings.sorted { $0.heading < $1.heading } : headings
        self.scope = scope
        self.origin = origin
        self.day = day
        self.appliedKind = appliedKind
        self.usmca = usmca
        self.exceptingMap = excepting
    }

    /// For each heading, the headings its exceptions name (for deciding many lines and origins
    /// against one version's headings).
    public static func exceptingMap(_ headings: [AdditionalDuty]) -> [TariffCode: [AdditionalDuty]] {
        let sorted = headings.sorted { $0.heading < $1.heading }
        var out: [TariffCode: [AdditionalDuty]] = [:]
        for h in sorted where !h.exceptions.isEmpty {
            out[h.heading] = sorted.filter(h.excepts)
        }
        return out
    }

    /// Whether a heading's countries are its scope (the IEEPA orders' and the Section 122
    /// headings, 9903.01–9903.03, whose U.S. note 2 charges all goods of the countries named,
    /// less the exceptions the headings list). Other groups (Section 232, 301) charge products
    /// their notes enumerate.
    public static func decidesByCountry(_ heading: TariffCode) -> Bool {
        let d = heading.digits
        return d.count == 8 && (d.hasPrefix("990301") || d.hasPrefix("990302") || d.hasPrefix("990303"))
    }

    /// The component a duty on the non-metal content of a Section 232 derivative is charged on.
    public static let nonMetalComponent = "non-metal"
    /// The day from which the duties of the other authorities apply to the non-metal content of
    /// Section 232 derivative articles, rather than not at all (Proclamation 10947, 4 June 2025).
    public static let nonMetalContentFrom = Day(year: 2025, month: 6, day: 4)!

    public enum Cover: Sendable, Hashable {
        case yes(String)
        case no
        /// Only part of the line is on the list that decides it.
        case partly(String)
        /// A Section 232 derivative article: the metal content is the 232 heading's; the rest is not.
        case metalContent(String)
    }

    public struct Outcome: Sendable, Hashable {
        public var applies: Bool?
        public var reason: String
        /// Facts taken as absent, each with the heading that would change the answer.
        public var assumptions: [String]
        /// Charged on the non-metal content only.
        public var onNonMetalContent: Bool
    }

    /// Whether heading `h` (one that charges and names the origin or any country) covers the goods.
    public func decide(_ h: AdditionalDuty) -> Outcome {
        var assumptions: [String] = []
        if let lapse = ChapterNinetyNine.lapse(of: h.heading, on: day) {
            return Outcome(applies: false, reason: lapse, assumptions: [], onNonMetalContent: false)
        }
        if let c = h.condition {
            return Outcome(applies: false, reason: "charges only \(c); not assumed", assumptions: [], onNonMetalContent: false)
        }
        if let bound = columnOneMismatch(h) {
            return Outcome(applies: bound.isEmpty ? nil : false, reason: bound.isEmpty ? Self.noAdValorem(h) : bound, assumptions: [], onNonMetalContent: false)
        }
        if let list = h.productList {
            switch scope.membership(list, on: day) {
            case .listed: break
            case .notListed:
                return Outcome(applies: false, reason: "the line is not among the products the heading covers (\(Self.listName(list)))", assumptions: [], onNonMetalContent: false)
            case .partly(let codes):
                return Outcome(applies: nil, reason: "only \(codes.joined(separator: ", ")) under this line are among the products the heading covers: state the 10-digit line", assumptions: [], onNonMetalContent: false)
            }
        }
        if case .listed(let row) = scope.membership("exempt-from:" + h.heading.formatted, on: day) {
            return Outcome(applies: false, reason: "exempt: \(row.prefix) is in the order's annex of products excepted from it (\(row.source))", assumptions: [], onNonMetalContent: false)
        }
        let path: Set<TariffCode> = [h.heading]
        var undecided: [String] = []
        var metal = false
        for e in excepting(h) {
            switch covers(e, depth: 0, path: path, assumptions: &assumptions) {
            case .yes(let why):
                return Outcome(applies: false, reason: "excepted: \(why)", assumptions: assumptions, onNonMetalContent: false)
            case .partly(let why): if !undecided.contains(why) { undecided.append(why) }
            case .metalContent(let why):
                if day >= Self.nonMetalContentFrom {
                    metal = true
                    assumptions.append(why)
                } else {
                    return Outcome(applies: false, reason: "excepted: \(why)", assumptions: assumptions, onNonMetalContent: false)
                }
            case .no: break
            }
        }
        if !undecided.isEmpty {
            return Outcome(applies: nil, reason: "undecided: " + undecided.joined(separator: "; "), assumptions: assumptions, onNonMetalContent: false)
        }
        let whose = h.anyCountry ? "goods of any country" : "goods of \(origin.rawValue)"
        let checked = h.exceptions.isEmpty ? "" : "; none of its exceptions (\(h.exceptions.map(\.description).joined(separator: ", "))) covers them"
        let content = metal ? "; on the value of the non-metal content only (state it: --component \(Self.nonMetalComponent)=VALUE)" : ""
        return Outcome(applies: true, reason: "\(whose)\(checked)\(content)", assumptions: assumptions, onNonMetalContent: metal)
    }

    /// Why the line's column 1 rate is outside the heading's bounds ("" when the rate is not ad
    /// valorem, so the bounds cannot be checked); nil when within them or the heading has none.
    func columnOneMismatch(_ h: AdditionalDuty) -> String? {
        guard h.columnOneBelow != nil || h.columnOneAtLeast != nil else { return nil }
        guard let p = mfnPercent else { return "" }
        if let below = h.columnOneBelow, p >= below { return "charges lines whose column 1 rate is under \(below.normalized)%; this line's is \(p.normalized)%" }
        if let atLeast = h.columnOneAtLeast, p < atLeast { return "concerns lines whose column 1 rate is \(atLeast.normalized)% or more; this line's is \(p.normalized)%" }
        return nil
    }

    static func noAdValorem(_ h: AdditionalDuty) -> String {
        "the heading turns on the line's column 1 rate (\(h.columnOneBelow.map { "under \($0.normalized)%" } ?? "\(h.columnOneAtLeast!.normalized)% or more")), which is not ad valorem here: its ad valorem equivalent decides"
    }

    /// The headings in force in the version that `h`'s exceptions name.
    func excepting(_ h: AdditionalDuty) -> [AdditionalDuty] {
        guard !h.exceptions.isEmpty else { return [] }
        if let exceptingMap { return exceptingMap[h.heading] ?? [] }
        return headings.filter(h.excepts)
    }

    /// Whether `e` covers the goods; `path` holds the headings above it in this question (a cycle
    /// of exceptions ends there).
    func covers(_ e: AdditionalDuty, depth: Int, path: Set<TariffCode>, assumptions: inout [String]) -> Cover {
        guard !path.contains(e.heading), depth < 4 else { return .no }
        let path = path.union([e.heading])
        if let from = e.effectiveFrom, day < from { return .no }
        if let through = e.effectiveThrough, day > through { return .no }
        if !e.origins.isEmpty, !e.origins.contains(origin) { return .no }
        // A heading for lines above or below a column 1 rate covers the other lines not at all
        // (where the rate is not ad valorem, one of such a pair covers the goods either way).
        if let m = columnOneMismatch(e), !m.isEmpty { return .no }
        let named = e.origins.isEmpty ? "" : " of \(e.origins.map(\.rawValue).joined(separator: ", "))"
        if let list = e.productList {
            switch scope.membership(list, on: day) {
            case .listed(let row):
                return .yes("\(e.heading.formatted): \(Self.listName(list))\(named), on which \(row.prefix) is listed\(row.from.map { " from \($0)" } ?? "") (\(row.source))")
            case .partly(let codes):
                return .partly("only \(codes.joined(separator: ", ")) under this line are on \(e.heading.formatted)'s list (\(Self.listName(list))): state the 10-digit line")
            case .notListed:
                if list == "section-232", case .listed(let row) = scope.membership("section-232-derivative", on: day) {
                    if Section232.fullValueDerivatives.contains(String(row.detail.prefix(10))) {
                        return .yes("\(e.heading.formatted): a Section 232 derivative article charged on its full value (\(row.prefix), \(row.detail), \(row.source))")
                    }
                    return .metalContent("a Section 232 derivative article (\(row.prefix), \(row.source)): its metal content is \(e.heading.formatted)'s")
                }
                if list == "section-232" {
                    assumptions.append("not a Section 232 article Tarif has no list for (vehicle parts, medium- and heavy-duty vehicles, timber, semiconductors): such goods are \(e.heading.formatted)'s, not this duty's")
                }
                return .no
            }
        }
        if let c = e.condition {
            switch c {
            case "usmca":
                if usmca {
                    assumptions.append("the goods are entered under the USMCA, whose rate is open to them (origin proved): otherwise \(e.heading.formatted) does not except them")
                    return .yes("\(e.heading.formatted): entered free under the USMCA (general note 11)")
                }
                if ["CAN", "MEX"].contains(origin.rawValue) {
                    assumptions.append("not entered under the USMCA: USMCA-originating goods are \(e.heading.formatted)'s (claim the USMCA to see them so)")
                }
                return .no
            case "column2":
                return appliedKind == .nonMFN ? .yes("\(e.heading.formatted): goods of a country in general note 3(b)") : .no
            default:
                assumptions.append("not \(c) (\(e.heading.formatted))")
                return .no
            }
        }
        if !e.origins.isEmpty {
            // The products of the origin that heading describes: all of them, less its own exceptions.
            var inner: [String] = []
            for x in excepting(e) {
                switch covers(x, depth: depth + 1, path: path, assumptions: &inner) {
                case .yes: return .no
                case .partly(let why): return .partly(why)
                // A derivative's non-metal content is still the country heading's (from 4 June
                // 2025; before, the whole article is the Section 232 heading's).
                case .metalContent: if day < Self.nonMetalContentFrom { return .no }
                case .no: break
                }
            }
            assumptions.append(contentsOf: inner.filter { !assumptions.contains($0) })
            let rate = e.effect == .noChange ? "no additional duty" : e.rateText
            return .yes("\(e.heading.formatted) covers goods\(named) (\(rate))")
        }
        assumptions.append("outside \(e.heading.formatted), whose scope Tarif cannot read (\(String(e.description.prefix(80)))…)")
        return .no
    }

    /// What a list is, for answers.
    public static func listName(_ list: String) -> String {
        switch list {
        case "annex-ii": "Annex II of the reciprocal order (U.S. note 2(v)(iii))"
        case "section-232": "articles subject to Section 232"
        case "section-232-derivative": "Section 232 derivative articles"
        case "section-122-exempt": "the products exempt from the Section 122 surcharge"
        default: list.hasPrefix("exempt-from:") ? "products excepted from \(list.dropFirst(12))" : "the products of \(list)"
        }
    }
}
