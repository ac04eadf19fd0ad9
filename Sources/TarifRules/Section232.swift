public import TarifCore

/// Which Section 232 heading of chapter 99 charges a US line, for an origin on a day, and how.
///
/// The U.S. notes to subchapter III (16 for steel, 19 for aluminium, 36 for copper, 33 for
/// vehicles) enumerate the products each heading covers; Tarif reads those enumerations from the
/// scope lists (``Chapter99ScopeRow``, whose `detail` gives the metal and kind, the annex or the
/// heading) and maps them to the headings here. The rate is the heading's own, read from the
/// version in force: 25% then 50% under the same heading number, "+ a duty of 50% upon the
/// value of the copper content", the 15% floor of annex III.
///
/// The map, and its sources:
/// - **12 March 2025 to 5 April 2026** (Proclamations 10895 and 10896 of 10 February 2025, in
///   force 12 March 2025, which ended the country exemptions and quotas of 2018; Proclamation
///   10947, 50% from 4 June 2025; Proclamation 10962, copper from 1 August 2025): steel articles
///   of note 16(j) → 9903.81.87; steel derivatives of 16(l) (the 2020 derivatives, note
///   16(a)(ii) before) → 9903.81.89, of 16(m) → 9903.81.90, of 16(n) (charged on the steel
///   content) → 9903.81.91; aluminium articles of 19(g) → 9903.85.02; derivatives of 19(i) (the
///   2020 ones, 19(a)(iii) before) → 9903.85.04, 19(j) → 9903.85.07, 19(k) (on the aluminium
///   content) → 9903.85.08; copper of 36(b) → 9903.78.01 (on the copper content). Goods of the
///   United Kingdom: 9903.81.94/.96/.97/.98 and 9903.85.12/.13/.14/.15 in their place, from
///   their own headings' day (Proclamation 10947 kept the UK at 25%). The headings' own
///   exceptions that name the origin and charge without condition take their place (Russian
///   aluminium, 9903.85.67/.68, 200%: Proclamation 10522 of 2023).
/// - **From 6 April 2026** (the proclamation of 2 April 2026 restructuring the metals duties
///   into annexes; 9903.82 in HTS 2026 revision 5; annex I-C from 8 June 2026, Proclamation
///   11032): annex I-A → 9903.82.02 (+50%), for the UK 9903.82.04 (+25%, not copper); annex
///   I-B → 9903.82.09 (+25%), for the UK 9903.82.05 (+15%, not copper); annex I-C → 9903.82.09,
///   or 9903.82.22 (15%) for goods of the countries that heading names; annex III → 9903.82.10
///   (15% in all, lines whose column 1 rate is under 15%) or 9903.82.11 (no change); annex II
///   → no Section 232 duty. The annex of each product, and the annexes' rates that the headings
///   are matched by, are the Budget Lab's reading of the proclamation (`s232_annex_products.csv`,
///   `policy_params.yaml`), a third party's, which the answer cites as such.
/// - **Vehicles** (Proclamation 10908, from 3 April 2025): the curated list → 9903.94.01; for
///   goods of Japan, the EU and Korea, once their deals are in the version, 9903.94.41/.51/.61
///   (15% in all) or 9903.94.40/.50/.60 (no additional duty) by the line's column 1 rate; for
///   goods of the UK, 9903.94.31 (7.5%) within its quota, which the answer names as an assumption.
///
/// Not computed, and said so: the regime before 12 March 2025 (9903.80.01, 9903.85.01 with the
/// 2018 country exemptions, quotas and product exclusions), derivatives whose heading the list
/// does not give, vehicle parts, trucks, timber and semiconductors (no list loaded).
public enum Section232 {
    /// The first day of the 2025 regime (Proclamations 10895 and 10896).
    public static let regime2025 = Day(year: 2025, month: 3, day: 12)!
    /// The day the 2025 regime's rate rose from 25% to 50% (Proclamation 10947 of 3 June 2025,
    /// in force 12:01 a.m. 4 June 2025; the UK's stayed at 25%).
    public static let fiftyPercentFrom = Day(year: 2025, month: 6, day: 4)!
    /// The 2025 regime's headings whose rate Proclamation 10947 raised.
    public static let raisedByProclamation10947: Set<String> = [
        "9903.81.87", "9903.81.89", "9903.81.90", "9903.81.91", "9903.85.02", "9903.85.04", "9903.85.07", "9903.85.08",
    ]
    /// The first day of the annex regime.
    public static let annexRegime = Day(year: 2026, month: 4, day: 6)!

    /// What the Section 232 lists say of one line for an origin on a day.
    public enum Outcome: Sendable, Hashable {
        /// The line is on no Section 232 list on the day.
        case none
        /// On a list, and the duty is charged by this heading (its `applies`, `reason`,
        /// `rate` and `legalBasis` set; the duty is evaluated by the caller).
        case charged(AdditionalDuty, assumptions: [String])
        /// On a list, but the data cannot say which heading charges it, or whether: why.
        case undecided(String)
        /// On a list, under a regime or heading Tarif does not compute: what and why.
        case notComputed(String)
        /// On a list, and no Section 232 duty applies: why, and the heading that says so where
        /// one does (a deal's "no additional duty" heading).
        case exempt(String, heading: TariffCode?)
    }

    /// One heading a list entry maps to: the headings for some origins first, then the one for all.
    struct Candidate: Sendable, Hashable {
        var heading: String
        /// The origins it is for (nil: every origin the heading's own text allows; empty: those
        /// its text names; `EU`: the members of the European Union on the day).
        var origins: Set<String>?
        /// The heading charges the origin's goods only when they are entered under its note's
        /// terms (a quota): an assumption, and the next candidate decides.
        var conditional = false
    }

    struct Mapping: Sendable, Hashable {
        var candidates: [Candidate]
        /// The component a duty on the metal content is charged on (`steel-content`).
        var metal: String
    }

    /// The vehicle headings, 2025–2026: the deals' floors for Japan (from 16 September 2025),
    /// the EU and Korea (U.S. note 33(k)–(s): 15% in all where column 1 is under 15%, no
    /// additional duty otherwise), the UK's quota (33(i), 7.5%), and 25% for the rest.
    static let vehicles: [Candidate] = [
        Candidate(heading: "9903.94.31", origins: uk, conditional: true),
        Candidate(heading: "9903.94.41", origins: ["JPN"]), Candidate(heading: "9903.94.40", origins: ["JPN"]),
        Candidate(heading: "9903.94.51", origins: ["EU"]), Candidate(heading: "9903.94.50", origins: ["EU"]),
        Candidate(heading: "9903.94.61", origins: ["KOR"]), Candidate(heading: "9903.94.60", origins: ["KOR"]),
        Candidate(heading: "9903.94.01", origins: nil),
    ]

    static let uk: Set<String> = ["GBR"]

    /// The UK's heading in place of each heading for all, 2025 regime.
    static let ukHeading: [String: String] = [
        "9903.81.87": "9903.81.94", "9903.81.89": "9903.81.96", "9903.81.90": "9903.81.97", "9903.81.91": "9903.81.98",
        "9903.85.02": "9903.85.12", "9903.85.04": "9903.85.13", "9903.85.07": "9903.85.14", "9903.85.08": "9903.85.15",
    ]

    /// The headings of the 2025 regime that charge the derivative's full value (the others
    /// of the derivative lists charge the metal content).
    public static let fullValueDerivatives: Set<String> = ["9903.81.89", "9903.81.90", "9903.85.04", "9903.85.07"]

    /// The component named for the value of a metal's content.
    public static func contentComponent(_ metal: String) -> String { metal + "-content" }

    /// The heading(s) an entry maps to; nil when Tarif has no mapping for it.
    static func mapping(for row: Chapter99ScopeRow) -> Mapping? {
        let words = row.detail.split(separator: " ").map(String.init)
        guard let first = words.first else { return nil }
        func of(_ heading: String, metal: String) -> Mapping {
            var c: [Candidate] = []
            if let u = ukHeading[heading] { c.append(Candidate(heading: u, origins: uk)) }
            c.append(Candidate(heading: heading, origins: nil))
            return Mapping(candidates: c, metal: contentComponent(metal))
        }
        if first.hasPrefix("9903.") {
            let metal = first == "9903.78.01" ? "copper" : (words.count > 1 ? words[1] : (first.hasPrefix("9903.85") ? "aluminum" : "steel"))
            return of(first, metal: metal)
        }
        if row.list == "section-232", words.count == 2, ["1a", "1b", "1c", "3"].contains(first) {
            let metal = words[1]
            let content = contentComponent(metal)
            switch first {
            case "1a":
                return Mapping(candidates: (metal == "copper" ? [] : [Candidate(heading: "9903.82.04", origins: uk)]) + [Candidate(heading: "9903.82.02", origins: nil)], metal: content)
            case "1b":
                return Mapping(candidates: (metal == "copper" ? [] : [Candidate(heading: "9903.82.05", origins: uk)]) + [Candidate(heading: "9903.82.09", origins: nil)], metal: content)
            case "1c":
                return Mapping(candidates: [Candidate(heading: "9903.82.22", origins: []), Candidate(heading: "9903.82.09", origins: nil)], metal: content)
            default:
                return Mapping(candidates: [Candidate(heading: "9903.82.10", origins: nil), Candidate(heading: "9903.82.11", origins: nil)], metal: content)
            }
        }
        if row.detail == "vehicles" { return Mapping(candidates: vehicles, metal: "") }
        guard words.count == 2 else { return nil }
        switch (words[0], words[1]) {
        case ("steel", "mill"): return of("9903.81.87", metal: "steel")
        case ("aluminum", "mill"): return of("9903.85.02", metal: "aluminum")
        case ("steel", "derivative"):
            if row.source.contains("16(m)") { return of("9903.81.90", metal: "steel") }
            if row.source.contains("16(a)(ii)") { return of("9903.81.89", metal: "steel") }
        case ("aluminum", "derivative"):
            if row.source.contains("19(j)") { return of("9903.85.07", metal: "aluminum") }
            if row.source.contains("19(a)(iii)") { return of("9903.85.04", metal: "aluminum") }
        default: break
        }
        return nil
    }

    /// The order in which entries decide: one naming its heading, then an annex, then copper's,
    /// then the metal chapters' (an entry of the derivative list is more specific than its
    /// chapter's).
    static func rank(_ row: Chapter99ScopeRow) -> Int {
        if row.list == "section-232-derivative" { return 0 }
        if row.detail.hasPrefix("1") || row.detail.hasPrefix("3 ") { return 1 }
        if row.detail.hasPrefix("9903.") { return 2 }
        return 3
    }

    /// The heading an outcome rests on (nil where none applies).
    public static func heading(of o: Outcome) -> TariffCode? {
        switch o {
        case .charged(let d, _): d.heading
        case .exempt(_, let h): h
        default: nil
        }
    }

    /// What an outcome charges, to rank origins against each other: the total ad valorem rate on
    /// the customs value (column 1 plus the heading's, or the heading's in place of it), or the
    /// rate on a metal content with that component's name; nil when it cannot be ranked.
    public static func burden(of o: Outcome, mfnPercent: ExactDecimal?) -> (percent: ExactDecimal, basis: String)? {
        switch o {
        case .none, .exempt: return mfnPercent.map { ($0, "") }
        case .undecided, .notComputed: return nil
        case .charged(let d, _):
            guard case .adValorem(let p, let basis)? = d.rate?.core else { return nil }
            if case .component(let name) = basis { return (p.value, name) }
            switch d.effect {
            case .inLieu: return (p.value, "")
            case .addOn: return mfnPercent.flatMap { try? ($0 + p.value, "") }
            case .noChange: return mfnPercent.map { ($0, "") }
            }
        }
    }

    /// The rate Proclamations 10895 and 10896 set (25%) when the version in force already prints
    /// Proclamation 10947's 50% before the day it took effect (HTS 2025 revisions 14 and 15, from
    /// 2 May 2025); nil when the heading's own rate stands.
    public static func beforeProclamation10947(_ h: AdditionalDuty, on day: Day) -> DutyExpression? {
        guard day < fiftyPercentFrom, raisedByProclamation10947.contains(h.heading.formatted),
            case .adValorem(let p, let basis)? = h.rate, p.value == 50
        else { return nil }
        return .adValorem(Percentage(25), basis: basis)
    }

    /// A version's chapter 99 headings prepared for many questions: by number, with the headings
    /// each one's exceptions name.
    public struct Headings: Sendable {
        let all: [AdditionalDuty]
        let byCode: [String: AdditionalDuty]
        /// Each heading's excepting headings, when prepared for many questions (the audit).
        let exceptingMap: [TariffCode: [AdditionalDuty]]?

        /// - Parameter prepared: whether to index every heading's exceptions at once (worth it
        ///   for many questions; one question looks up the exceptions of one heading).
        public init(_ headings: [AdditionalDuty], prepared: Bool = false) {
            all = headings
            byCode = Dictionary(headings.map { ($0.heading.formatted, $0) }, uniquingKeysWith: { a, _ in a })
            exceptingMap = prepared ? ChapterNinetyNineScope.exceptingMap(headings) : nil
        }

        /// The headings in force that `h`'s exceptions name.
        func excepting(_ h: AdditionalDuty) -> [AdditionalDuty] {
            guard !h.exceptions.isEmpty else { return [] }
            if let exceptingMap { return exceptingMap[h.heading] ?? [] }
            return all.filter(h.excepts)
        }

        /// The origins some Section 232 heading or deal singles out (the UK, Russia, the deals'
        /// partners): for any other origin the answer is that for goods of no such country.
        public func singledOut(europeanUnion: [CountryCode]) -> Set<CountryCode> {
            var out = Set(byCode.values.filter { ChapterNinetyNine.authority(of: $0.heading)?.name == "Section 232" }.flatMap(\.origins))
            for c in vehicles + [Candidate(heading: "", origins: uk)] {
                for o in c.origins ?? [] { if o == "EU" { out.formUnion(europeanUnion) } else if let code = try? CountryCode(o) { out.insert(code) } }
            }
            return out
        }
    }

    /// Decides the Section 232 duty of a line (its list entries in `scope`) for goods of
    /// `origin` on `day`, against the version's headings.
    public static func decide(
        scope: Chapter99Scope, headings: [AdditionalDuty], origin: CountryCode, day: Day, mfnPercent: ExactDecimal?,
        europeanUnion: [CountryCode] = []
    ) -> Outcome {
        // Most lines are on no list: answered before the headings are indexed.
        guard onAList(scope) else { return .none }
        return decide(scope: scope, headings: Headings(headings), origin: origin, day: day, mfnPercent: mfnPercent, europeanUnion: europeanUnion)
    }

    /// Whether any Section 232 list entry touches the line (on any day).
    public static func onAList(_ scope: Chapter99Scope) -> Bool {
        scope.covering.contains { $0.list.hasPrefix("section-232") } || scope.partial.contains { $0.list.hasPrefix("section-232") }
    }

    /// The same against prepared headings; a nil `origin` stands for goods of a country no
    /// heading or deal singles out (the audit's reference).
    public static func decide(
        scope: Chapter99Scope, headings: Headings, origin: CountryCode?, day: Day, mfnPercent: ExactDecimal?,
        europeanUnion: [CountryCode] = []
    ) -> Outcome {
        if case .listed(let row) = scope.membership("section-232-removed", on: day) {
            return .exempt("taken out of Section 232 (annex II of the proclamation of 2 April 2026; \(row.source))", heading: nil)
        }
        let lists = ["section-232", "section-232-derivative"]
        let rows = scope.covering.filter { lists.contains($0.list) && $0.holds(on: day) }.sorted { rank($0) < rank($1) }
        guard let row = rows.first else {
            for list in lists {
                if case .partly(let codes) = scope.membership(list, on: day) {
                    return .undecided("only \(codes.joined(separator: ", ")) under this line are on the Section 232 lists: state the 10-digit line")
                }
            }
            return .none
        }
        let entry = "\(row.prefix) is listed\(row.detail.isEmpty ? "" : " (\(row.detail))")\(row.from.map { " from \($0)" } ?? "") (\(row.source))"
        if day < regime2025, row.detail != "vehicles" {
            return .notComputed(
                "\(entry); before 12 March 2025 the 2018 regime applied (9903.80.01, 9903.85.01 and their derivatives' headings), with country exemptions, quotas and product exclusions Tarif does not compute")
        }
        guard let mapping = mapping(for: row) else {
            return .notComputed("\(entry); the list does not say which Section 232 heading charges it")
        }
        let byCode = headings.byCode
        let whose = origin?.rawValue ?? "a country no heading names"
        var chosen: AdditionalDuty?
        var assumptions: [String] = []
        for c in mapping.candidates {
            guard let h = byCode[c.heading] else { continue }
            if let origins = c.origins {
                // For named origins: the curated ones, or (an empty set) those the heading's text names.
                var named = origins.isEmpty ? Set(h.origins.map(\.rawValue)) : origins
                if named.contains("EU") { named.formUnion(europeanUnion.map(\.rawValue)) }
                guard let origin, named.contains(origin.rawValue) else { continue }
            }
            if let from = h.effectiveFrom, day < from { continue }
            if let through = h.effectiveThrough, day > through { continue }
            if c.conditional {
                assumptions.append("not entered under \(h.heading.formatted) (\(h.effect == .noChange ? "no additional duty" : h.rateText), for goods of \(whose) entered under the terms of its U.S. note, within its quota)")
                continue
            }
            // Headings split by the line's column 1 rate (annex III's floor, the vehicle deals).
            if h.columnOneBelow != nil || h.columnOneAtLeast != nil {
                guard let p = mfnPercent else {
                    return .undecided("\(entry); \(h.heading.formatted) turns on the line's column 1 rate, which is not ad valorem here: its ad valorem equivalent decides")
                }
                if !h.admitsColumnOne(p) { continue }
            }
            chosen = h
            break
        }
        guard var h = chosen else {
            return .notComputed("\(entry); the heading for it (\(mapping.candidates.map(\.heading).joined(separator: " or "))) is not in the version in force")
        }
        // An exception of the heading that names the origin charges in its place (or, when it
        // turns on a fact of the goods, is an assumption); one that turns on a fact for all
        // origins is an assumption too.
        for e in headings.excepting(h) {
            if let from = e.effectiveFrom, day < from { continue }
            if let through = e.effectiveThrough, day > through { continue }
            if let origin, e.origins.contains(origin) {
                if e.condition == nil {
                    if e.effect == .noChange { return .exempt("\(e.heading.formatted): goods of \(origin.rawValue) (\(String(e.description.prefix(100)))…)", heading: e.heading) }
                    assumptions.append("\(e.heading.formatted) charges goods of \(origin.rawValue) in place of \(h.heading.formatted)")
                    h = e
                    break
                }
                assumptions.append("not \(e.condition!) (\(e.heading.formatted), for goods of \(origin.rawValue): \(e.effect == .noChange ? "no additional duty" : e.rateText))")
            } else if e.origins.isEmpty, let c = e.condition {
                assumptions.append("not \(c) (\(e.heading.formatted))")
            }
        }
        if let c = h.condition, origin.map(h.origins.contains) == true || mapping.candidates.contains(where: { $0.heading == h.heading.formatted && $0.origins != nil }) {
            return .undecided("\(entry); \(h.heading.formatted) charges goods of \(whose) only when \(c)")
        }
        if h.effect == .noChange {
            return .exempt("\(entry); \(h.heading.formatted): no additional duty for this line", heading: h.heading)
        }
        var d = h
        if case .adValorem(let percent, .component(let name))? = d.rate, name.contains("content"), !mapping.metal.isEmpty {
            d.rate = .adValorem(percent, basis: .component(mapping.metal))
        }
        d.applies = true
        d.reason = "Section 232: \(entry) → \(d.heading.formatted)"
        if let corrected = beforeProclamation10947(d, on: day) {
            d.rate = corrected
            d.reason += "; 25% before 4 June 2025: the version in force prints 50%, which Proclamation 10947 applies only from that day"
        }
        d.legalBasis = "Section 232 of the Trade Expansion Act of 1962 (19 U.S.C. 1862); HTSUS chapter 99 heading \(d.heading.formatted) and its U.S. note"
        return .charged(d, assumptions: assumptions)
    }
}
