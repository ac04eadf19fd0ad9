public import TarifCore
import TarifRules

extension Tarif {
    /// Where the US schedule loaded prints a chapter 99 duty that a legal instrument has ended
    /// (``ChapterNinetyNine/lapse(of:on:)``): each version that still prints such headings after
    /// the day they ended, with how many and an example. The instrument stands in every answer;
    /// this lists the disagreement.
    public func instrumentConflicts() throws -> [String] {
        let series = ScheduleInfo.mfnSeries(for: .unitedStates)
        var out: [String] = []
        for v in try store.schedules() where v.info.series == series {
            // The last day the version holds, or the first day of the lapse if it runs on.
            let last = v.validity.end?.adding(days: -1) ?? Day.today()
            if v.validity.start < Section232.fiftyPercentFrom {
                // Proclamation 10947's 50% printed before 4 June 2025.
                let (lines, rates) = try store.linesAndRates(under: try TariffCode("9903"), in: v)
                let early = lines.filter { line in
                    Section232.raisedByProclamation10947.contains(line.code.formatted)
                        && rates.contains { $0.code == line.code && $0.kind == .mfn && $0.text.contains("50%") }
                }
                if let first = early.first {
                    out.append(
                        "\(v.revision ?? v.info.title) (from \(v.validity.start)) prints \(early.count) Section 232 heading(s) at 50% (e.g. \(first.code.formatted)), "
                            + "though Proclamation 10947 raised them from 25% only for goods entered from \(Section232.fiftyPercentFrom): 25% applied before that day")
                }
            }
            guard last >= ChapterNinetyNine.ieepaEnded else { continue }
            let (lines, rates) = try store.linesAndRates(under: try TariffCode("9903"), in: v)
            let charging = Set(rates.filter { $0.kind == .mfn && $0.text.contains("+") }.map(\.code))
            var ended: [String: [TariffCode]] = [:]
            for line in lines where line.code.length == 8 && charging.contains(line.code)
                && !line.descriptionEnglish.contains("provision suspended") && !line.descriptionEnglish.contains("provision terminated")
            {
                if ChapterNinetyNine.lapse(of: line.code, on: last) != nil {
                    ended[ChapterNinetyNine.authority(of: line.code)?.name ?? "?", default: []].append(line.code)
                }
            }
            for (authority, codes) in ended.sorted(by: { $0.key < $1.key }) {
                let day = authority == "IEEPA" ? ChapterNinetyNine.ieepaEnded : ChapterNinetyNine.section122LastDay.adding(days: 1)
                out.append(
                    "\(v.revision ?? v.info.title) (from \(v.validity.start)) prints \(codes.count) \(authority) heading(s) that charge (e.g. \(codes[0].formatted)), "
                        + "though \(authority) duties ended for goods entered from \(day): not applied from that day")
            }
        }
        return out
    }
}
