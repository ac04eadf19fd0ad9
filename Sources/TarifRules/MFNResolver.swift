public import TarifCore

/// Resolves the MFN treatment of a line: the applied rate of the importer's schedule
/// in force on the day, evaluated for the consignment.
///
/// This is the base every later treatment is measured against (preferences give a
/// margin below it; column 2 and remedies sit above it). Preferences and non-MFN
/// treatments are resolved by the agreement registry's rules, which add treatments
/// to the same ``DutyResolution``.
public struct MFNResolver: Sendable {
    public init() {}

    /// - Parameters:
    ///   - line: the asked line; `rates` the rates published on it or its nearest parent.
    ///   - context: what is known of the consignment (its currency must be the schedule's).
    /// - Returns: the resolution with the MFN treatment, or `nil` when the line has no MFN rate.
    public func resolve(
        importer: CountryCode, origin: CountryCode?, line: TariffLine, ratesPublishedOn: TariffCode, rates: [LineRate],
        schedule: StoredSchedule, context: DutyContext, day: Day
    ) -> DutyResolution? {
        guard let mfn = rates.first(where: { $0.kind == .mfn }), let expression = mfn.expression else { return nil }
        var treatment = Treatment(
            kind: .mfn, legalBasis: .mfn(schedule: schedule.info), rateText: mfn.text, rate: expression,
            publishedOn: ratesPublishedOn)
        switch expression.evaluate(in: context) {
        case .amount(let duty, let notes):
            treatment.duty = duty
            treatment.notes = notes
            if let value = context.customsValue, value.currency == duty.currency {
                treatment.adValoremEquivalent = DutyExpression.adValoremEquivalent(duty: duty, customsValue: value)
            }
        case .needs(let missing):
            treatment.missing = missing
        }
        if ratesPublishedOn != line.code {
            treatment.notes.append("the rate is published on \(ratesPublishedOn), the line above \(line.code)")
        }
        return DutyResolution(
            importer: importer, origin: origin, code: line.code, line: line, day: day, schedule: schedule.info,
            scheduleValidity: schedule.validity, customsValue: context.customsValue, quantities: context.quantities,
            treatments: [treatment], applied: [0], explanation: Self.explain(treatment, line: line, schedule: schedule.info, day: day))
    }

    static func explain(_ t: Treatment, line: TariffLine, schedule: ScheduleInfo, day: Day) -> DutyResolution.Explanation {
        let rate = t.rate.summary
        let dutyEN = t.duty.map { "The duty payable is \($0.grouped)." }
            ?? "The duty cannot be computed without \(t.missing.map(\.description).joined(separator: ", "))."
        let dutyID = t.duty.map { "Bea masuk yang terutang adalah \($0.grouped)." }
            ?? "Bea masuk belum dapat dihitung tanpa \(t.missing.map(\.description).joined(separator: ", "))."
        let english = """
            On \(day), \(schedule.importer) applies its most-favoured-nation (MFN) rate of \(rate) to line \(line.code) \
            ("\(line.descriptionEnglish)"), as set by \(schedule.legalSource). Under GATT 1994 Article I:1 this rate \
            is owed to goods of every WTO member alike unless a preference or another exception applies. \(dutyEN)
            """
        let indonesian = """
            Pada \(day), \(schedule.importer) mengenakan tarif MFN (most-favoured-nation) sebesar \(rate) atas pos \
            \(line.code) ("\(line.descriptionLocal ?? line.descriptionEnglish)"), sebagaimana ditetapkan oleh \
            \(schedule.legalSource). Berdasarkan Pasal I:1 GATT 1994, tarif ini berlaku sama bagi barang dari semua \
            anggota WTO kecuali berlaku preferensi atau pengecualian lain. \(dutyID)
            """
        return .init(english: english, indonesian: indonesian)
    }
}
