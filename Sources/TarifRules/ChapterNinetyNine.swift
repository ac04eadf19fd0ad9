public import TarifCore
public import TarifRegistry

/// The authority under which a heading of HTSUS chapter 99 (subchapters III–IV) imposes or
/// lifts a duty, by the heading's group: what a user needs beside the heading's number.
///
/// Curated from the HTSUS structure and the proclamations and orders the headings implement,
/// as classified by the Budget Lab at Yale's tariff-rate-tracker (`config/policy_params.yaml`
/// @9919812, `authority_ranges`; MIT; a third party's reading), with the 2026 groups its
/// revision calendar dates (9903.03 Section 122 from 2026 Revision 4; 9903.79 semiconductors,
/// U.S. note 39, from 2026 Revision 1). A group not listed is reported as not classified.
public enum ChapterNinetyNine {
    public struct Authority: Sendable, Hashable, Codable {
        /// `IEEPA`, `Section 232`, `Section 301`, `Section 122`, `Section 201`.
        public var name: String
        /// What the group holds, in a few words.
        public var measure: String
        /// The statute.
        public var statute: String
    }

    static let ieepa = "International Emergency Economic Powers Act (50 U.S.C. 1701 et seq.)"
    static let s232 = "Trade Expansion Act of 1962, section 232 (19 U.S.C. 1862)"
    static let s301 = "Trade Act of 1974, section 301 (19 U.S.C. 2411)"
    static let s201 = "Trade Act of 1974, section 201 (19 U.S.C. 2251)"
    static let s122 = "Trade Act of 1974, section 122 (19 U.S.C. 2132)"

    /// The authority of a chapter 99 heading; nil outside 9903 or for a group not classified.
    public static func authority(of heading: TariffCode) -> Authority? {
        let d = heading.digits
        guard d.hasPrefix("9903"), d.count >= 6, let group = Int(d.dropFirst(4).prefix(2)) else { return nil }
        let item = d.count >= 8 ? Int(d.dropFirst(6).prefix(2)) ?? 0 : 0
        switch group {
        case 1 where item <= 24:
            return Authority(name: "IEEPA", measure: "duties on goods of Canada, Mexico and China (orders of 2025 on the northern and southern borders and synthetic opioids)", statute: ieepa)
        case 1, 2:
            return Authority(name: "IEEPA", measure: "reciprocal duties by country (Executive Order 14257 and the orders amending it)", statute: ieepa)
        case 3:
            return Authority(name: "Section 122", measure: "temporary import surcharge for balance of payments", statute: s122)
        case 40...45:
            return Authority(name: "Section 201", measure: "safeguard measures", statute: s201)
        case 74, 76, 78, 79, 80...85, 94:
            return Authority(name: "Section 232", measure: "national-security duties (steel, aluminium, copper, vehicles and parts, timber, semiconductors)", statute: s232)
        case 86...89, 91, 92:
            return Authority(name: "Section 301", measure: "duties in response to a trading partner's practices (China lists 1–4A, aircraft disputes)", statute: s301)
        default:
            return nil
        }
    }

    /// The day IEEPA duties stopped: none is collected on goods entered on or after it. The
    /// Supreme Court held that IEEPA does not authorise tariffs (Learning Resources, Inc. v. Trump,
    /// Nos. 24-1287 and 25-250, decided 20 February 2026); the executive order "Ending Certain
    /// Tariff Actions" of 20 February 2026 ended the duties of EO 14193, 14194, 14195, 14245,
    /// 14257, 14323 and 14329 as amended, for goods entered on or after 12:00 a.m. ET on 24
    /// February 2026 (CBP CSMS message of 2026-02-23). The HTSUS still prints the headings in
    /// 2026 Revision 4 and later: the instrument wins, and `tarif data conflicts` lists it.
    public static let ieepaEnded = Day(year: 2026, month: 2, day: 24)!

    /// The last day of the Section 122 surcharge: 150 days from 24 February 2026, the limit of
    /// 19 U.S.C. 2132(a) unless extended by Act of Congress, counting 24 February as the first
    /// day (some accounts say "through 24 July"). No extension is recorded in Tarif's sources.
    public static let section122LastDay = Day(year: 2026, month: 7, day: 23)!

    /// Why a heading the HTSUS prints no longer applies on `day`, when a legal instrument ended it.
    public static func lapse(of heading: TariffCode, on day: Day) -> String? {
        guard let a = authority(of: heading) else { return nil }
        if a.name == "IEEPA", day >= ieepaEnded {
            return "no longer collected: IEEPA duties ended for goods entered on or after \(ieepaEnded) (Learning Resources, Inc. v. Trump, decided 2026-02-20; executive order \"Ending Certain Tariff Actions\" of 2026-02-20; CBP CSMS of 2026-02-23), though the HTSUS still prints the heading"
        }
        if a.name == "Section 122", day > section122LastDay {
            return "lapsed: a Section 122 surcharge lasts at most 150 days unless Congress extends it (19 U.S.C. 2132(a)); the 150th day was \(section122LastDay) and no extension is recorded"
        }
        return nil
    }

    /// Where the WTO law stands on an additional duty that treats some Members' goods worse
    /// than others' (GATT 1994 Art. I:1), by the heading's authority: the exception the United
    /// States invokes and what has been ruled on it. `nil` for an authority not curated.
    public struct WTOPosition: Sendable, Hashable {
        public var status: Verdict.Status
        /// The exception invoked, if any.
        public var invoked: MFNException?
        public var article: String
        public var reason: String
    }

    public static func wtoPosition(of heading: TariffCode, on day: Day) -> WTOPosition? {
        guard let a = authority(of: heading) else { return nil }
        switch a.name {
        case "IEEPA":
            let ended = day >= ieepaEnded
                ? "; its domestic legal basis was held invalid (Learning Resources, Inc. v. Trump, 2026-02-20) and the duties ended for goods entered from \(ieepaEnded)"
                : ""
            return WTOPosition(
                status: .undetermined, invoked: .security, article: "GATT 1994 Art. XXI(b)",
                reason: "the United States invokes Art. XXI for the IEEPA duties as national-security matters it judges for itself (its communications to the DSB of 14 February 2025 on China's request concerning EO 14195, and of 14 and 17 April 2025 on EO 14257, 14259 and 14266); whether Art. XXI(b)'s conditions hold is reviewable (Russia — Traffic in Transit, WT/DS512/R) and no panel has ruled on these duties\(ended)")
        case "Section 232":
            return WTOPosition(
                status: .undetermined, invoked: .security, article: "GATT 1994 Art. XXI(b)(iii)",
                reason: "the United States invokes Art. XXI for its Section 232 duties; the panels in US — Steel and Aluminium Products (WT/DS544/R, DS552, DS556, DS564, circulated 9 December 2022) found the 2018 steel and aluminium duties not justified under Art. XXI(b)(iii) (no emergency in international relations), but the reports were appealed and are not adopted")
        case "Section 301":
            let d = heading.digits
            if d.hasPrefix("990389") {
                return WTOPosition(
                    status: .undetermined, invoked: nil, article: "DSU Art. 22",
                    reason: "a suspension of concessions the DSB authorized in the large civil aircraft dispute (EC and certain member States — Large Civil Aircraft, DS316, authorization of 14 October 2019), which DSU Art. 22 permits up to the authorized level; Tarif does not check the level")
            }
            let ruled = d == "99038801" || d == "99038802"
            let panel = "the panel in US — Tariff Measures on Certain Goods from China (WT/DS543/R, circulated 15 September 2020) found the Section 301 duties on lists 1 and 2 (9903.88.01, 9903.88.02) inconsistent with Art. I:1 and II:1(a) and not justified under Art. XX(a) (public morals); the United States appealed, so the report is not adopted"
            return WTOPosition(
                status: ruled ? .unjustified : .undetermined, invoked: .generalExceptions, article: "GATT 1994 Art. I:1 and II:1; Art. XX(a)",
                reason: ruled ? panel : panel + "; this heading's list has no ruling of its own")
        default:
            return nil
        }
    }
}
