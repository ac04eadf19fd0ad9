public import TarifCore
public import TarifRegistry
public import TarifRules

/// Everything a consignment pays at the border: the valuation, each item with its base, rate,
/// amount and legal basis, and the total in the importer's currency.
public struct LandedCostAnswer: Sendable, Codable {
    public var importer: CountryCode
    public var origin: CountryCode?
    public var code: TariffCode
    public var day: Day
    public var valuation: Valuation
    /// The customs duty's answer: its treatment and rate.
    public var treatment: String
    public var dutyRate: String
    public var items: [LandedItem]
    /// The sum of the items; `nil` when an item's amount is not known (its note says what is missing).
    public var total: Money?
    /// The total as a share of the customs value, in percent (two places).
    public var shareOfValue: ExactDecimal?
    public var notes: [String]
    public var english: String
    public var indonesian: String
    /// The exporting country's export duty where its schedule marks the goods' lines as subject
    /// to one (Indonesia's bea keluar): outside the total, which is the importer's border.
    public var exportDuty: ExportDutyMark?
}

/// The export duty the exporter's schedule marks on the goods' HS subheading: the lines that
/// carry the mark, what it refers to, and why its amount is not computed.
public struct ExportDutyMark: Sendable, Codable, Hashable {
    public var exporter: CountryCode
    public var schedule: String
    /// The exporter's lines under the goods' HS subheading that carry the mark.
    public var lines: [TariffCode]
    /// Whether every line of the subheading carries it (otherwise it depends on the exporter's own line).
    public var everyLine: Bool
    /// As published (`*)`).
    public var mark: String
    public var legalBasis: String
    public var note: String
    public var noteIndonesian: String
}

extension Tarif {
    /// The landed cost of a consignment: its customs value as the importer's law takes it,
    /// the duty (with the additional duties that apply), and the taxes and charges of the border.
    /// - Throws: ``TarifError`` naming the field that is missing or wrong (`--freight` for a CIF
    ///   basis, `--fx` for a foreign currency, `--quantity` for a specific duty, …).
    public func landed(
        importer: CountryCode, origin: CountryCode?, code: TariffCode, on day: Day, price: ConsignmentPrice, quantities: [Quantity] = [],
        facts: [RateFact.Kind: ExactDecimal] = [:], components: [String: ExactDecimal] = [:], alternative: Int? = nil,
        inputs: BorderTaxInputs = BorderTaxInputs(), registry: Registry? = nil
    ) throws -> LandedCostAnswer {
        let registry = try registry ?? self.registry()
        let currency = try schedule(for: importer, on: day).info.currency
        let valuation = try CustomsValuation.value(of: price, importer: importer, currency: currency)
        var exchangeRates: [Currency: ExactDecimal] = [:]
        if price.currency != currency, let fx = price.exchangeRate { exchangeRates[price.currency] = fx }
        let r = try duty(
            importer: importer, origin: origin, code: code, on: day, customsValue: valuation.customsValue.amount, quantities: quantities, facts: facts,
            components: components, exchangeRates: exchangeRates, alternative: alternative, registry: registry)
        guard let applied = r.appliedTreatment else {
            throw TarifError(.notFound, "no treatment applies to \(code.formatted) into \(importer) on \(day)")
        }
        guard let duty = applied.duty else {
            let missing = applied.missing.map(\.description)
            let what = missing.isEmpty ? "the duty of \(applied.label) (\(applied.rateText ?? "?"))" : missing.joined(separator: ", ")
            throw TarifError(
                .badInput,
                "the duty cannot be computed without \(what)\(applied.missing.contains { $0.kind == .quantity } ? ": give --quantity" : "")")
        }
        var items = [
            LandedItem(
                key: "duty", name: "Customs duty", nameIndonesian: "Bea masuk", base: valuation.customsValue, rate: applied.rateText ?? "—", amount: duty,
                legalBasis: "\(applied.label): \(applied.legalBasis)")
        ]
        var additional: Money?
        if let total = r.dutyWithAdditional, total != duty {
            let extra = Money(try total.amount - duty.amount, total.currency)
            additional = extra
            let headings = r.additionalDuties.filter { $0.applies == true }.map(\.heading.formatted).joined(separator: ", ")
            items.append(
                LandedItem(
                    key: "additional-duties", name: "Additional duties (\(headings))", nameIndonesian: "Bea masuk tambahan (\(headings))",
                    base: valuation.customsValue, rate: r.additionalDuties.filter { $0.applies == true }.map(\.rateText).joined(separator: " + "),
                    amount: extra, legalBasis: r.additionalDuties.filter { $0.applies == true }.map { "HTSUS \($0.heading.formatted): \($0.reason)" }.joined(separator: "; ")))
        }
        let published = importer == .indonesia ? try rate(importer: importer, code: code, on: day).rates : []
        var inputs = inputs
        if importer == .unitedStates, inputs.mpfExemption == nil {
            let programs = r.applied.compactMap { r.treatments[$0].kind == .mfn ? nil : r.treatments[$0].program }
            inputs.mpfExemption = BorderTaxes.mpfExemption(programs: programs, origin: origin) { code in
                guard let origin else { return false }
                return (try? registry.eligibility(origin: origin, importer: importer, program: code, on: day).eligible) ?? false
            }
        }
        items += try BorderTaxes.items(
            importer: importer, day: day, code: r.code, valuation: valuation, duty: duty, additional: additional, scheduleRates: published, inputs: inputs)
        var total: Money? = Money(0, currency)
        for item in items {
            guard let t = total else { break }
            total = try item.amount.map { Money(try t.amount + $0.amount, currency) }
        }
        let value = valuation.customsValue.amount
        let share = try total.flatMap { t in value.isZero ? nil : try (t.amount * 100).divided(by: value, scale: 2, rule: .halfUp) }
        var notes = r.notes
        if r.dutyWithAdditional == nil, r.additionalDuties.contains(where: { $0.applies == nil }) {
            notes.append("an additional duty could not be decided (see `tarif duty`): the total leaves it out")
        }
        let (english, indonesian) = Self.landedWords(importer: importer, code: r.code, day: day, items: items, total: total, share: share, valuation: valuation)
        let exportDuty = try origin.flatMap { o in o == importer ? nil : try self.exportDuty(exporter: o, code: r.code, on: day) }
        if let exportDuty { notes.append(exportDuty.note) }
        return LandedCostAnswer(
            importer: importer, origin: origin, code: r.code, day: day, valuation: valuation, treatment: applied.label, dutyRate: applied.rateText ?? "—",
            items: items, total: total, shareOfValue: share, notes: notes, english: english, indonesian: indonesian, exportDuty: exportDuty)
    }

    /// The export duty `exporter`'s schedule in force on `day` marks on the lines of `code`'s HS
    /// subheading (Indonesia's BTKI prints `*)` in its Bea Keluar column on 156 lines: palm
    /// fruit, crude and refined palm oil and their fractions, cocoa beans, wood, hides, mineral
    /// concentrates…), or `nil` when none is marked or the exporter has no schedule loaded.
    public func exportDuty(exporter: CountryCode, code: TariffCode, on day: Day) throws -> ExportDutyMark? {
        guard let hs6 = code.hs6,
              let s = try store.schedules().last(where: { $0.info.series == ScheduleInfo.mfnSeries(for: exporter) && $0.validity.contains(day) })
        else { return nil }
        var marked: [TariffCode] = []
        var mark = ""
        var leaves = 0
        for line in try store.lines(under: hs6, in: s, limit: 500) {
            guard let (publishedOn, rates) = try store.rates(for: line.code, in: s), publishedOn == line.code else { continue }
            leaves += 1
            if let r = rates.first(where: { $0.kind == .exportDuty && !["-", "", "0"].contains($0.text.trimmingCharacters(in: .whitespaces)) }) {
                marked.append(line.code)
                mark = r.text
            }
        }
        guard !marked.isEmpty else { return nil }
        let list = marked.map(\.formatted).joined(separator: ", ")
        let every = marked.count == leaves
        let which = every ? "every line of \(hs6.formatted)" : "\(list) (of \(leaves) lines under \(hs6.formatted): it depends on the exporter's own line)"
        let whichID = every ? "setiap pos \(hs6.formatted)" : "\(list) (dari \(leaves) pos di bawah \(hs6.formatted): tergantung pos ekspornya)"
        if exporter == .indonesia {
            return ExportDutyMark(
                exporter: exporter, schedule: s.info.title, lines: marked, everyLine: every, mark: mark,
                legalBasis: "\(s.info.legalSource), column Bea Keluar: '\(mark)' = subject to export duty as the Minister of Finance's regulation on export goods subject to export duty sets it (PMK 39/PMK.010/2022 when the BTKI was issued, since amended and replaced), under PP 55/2008 on export duty; the rates of palm products and cocoa beans follow the reference price (Harga Referensi) and export benchmark price (HPE) the Minister of Trade sets each period",
                note: "Leaving Indonesia, the exporter may owe bea keluar (export duty): the BTKI marks \(which) with '\(mark)'. Its rate is set by the Minister of Finance's regulation from the period's reference price; Tarif does not hold those rates, so the total above (the importer's border) leaves it out.",
                noteIndonesian: "Saat keluar dari Indonesia, eksportir mungkin terutang bea keluar: BTKI menandai \(whichID) dengan '\(mark)'. Tarifnya ditetapkan Peraturan Menteri Keuangan menurut harga referensi periode itu; Tarif tidak memuat tarif tersebut, sehingga jumlah di atas (di perbatasan negara pengimpor) tidak mencakupnya.")
        }
        return ExportDutyMark(
            exporter: exporter, schedule: s.info.title, lines: marked, everyLine: every, mark: mark, legalBasis: s.info.legalSource,
            note: "Leaving \(exporter), the exporter may owe export duty: its schedule marks \(which) with '\(mark)'; Tarif does not compute it, and the total above leaves it out.",
            noteIndonesian: "Saat keluar dari \(exporter), eksportir mungkin terutang bea keluar: tarif negara itu menandai \(whichID) dengan '\(mark)'; Tarif tidak menghitungnya, dan jumlah di atas tidak mencakupnya.")
    }

    static func landedWords(
        importer: CountryCode, code: TariffCode, day: Day, items: [LandedItem], total: Money?, share: ExactDecimal?, valuation: Valuation
    ) -> (String, String) {
        let listEN = items.map { "\($0.name) \($0.amount?.grouped ?? "not known")" }.joined(separator: "; ")
        let listID = items.map { "\($0.nameIndonesian) \($0.amount?.groupedIndonesian ?? "belum diketahui")" }.joined(separator: "; ")
        let value = valuation.customsValue.grouped
        let valueID = valuation.customsValue.groupedIndonesian
        let english: String
        let indonesian: String
        if let total {
            english = "On \(day), a consignment of \(code.formatted) entering \(importer) with a customs value (\(valuation.basis)) of \(value) pays: \(listEN). In all \(total.grouped)\(share.map { ", \($0.normalized)% of the customs value" } ?? "")."
            indonesian = "Pada \(day), kiriman \(code.formatted) yang masuk ke \(importer) dengan nilai pabean (\(valuation.basis)) \(valueID) membayar: \(listID). Seluruhnya \(total.groupedIndonesian)\(share.map { ", \(Money.indonesianNumber($0.normalized.description))% dari nilai pabean" } ?? "")."
        } else {
            english = "On \(day), a consignment of \(code.formatted) entering \(importer) with a customs value (\(valuation.basis)) of \(value) pays: \(listEN). The total is not known until the missing amounts are."
            indonesian = "Pada \(day), kiriman \(code.formatted) yang masuk ke \(importer) dengan nilai pabean (\(valuation.basis)) \(valueID) membayar: \(listID). Jumlah seluruhnya belum dapat dihitung sampai semua pos diketahui."
        }
        return (english, indonesian)
    }
}
