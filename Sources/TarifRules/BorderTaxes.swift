public import TarifCore

/// One item of what a consignment pays at the border: its base, rate, amount and legal basis.
public struct LandedItem: Sendable, Hashable, Codable {
    /// `duty`, `additional-duties`, `ppn`, `ppnbm`, `pph22`, `vat`, `mpf`, `hmf`, `consumption-tax`, `gst`.
    public var key: String
    public var name: String
    public var nameIndonesian: String
    public var base: Money?
    public var rate: String
    /// `nil` when an input the item needs is missing (the note says which).
    public var amount: Money?
    public var legalBasis: String
    public var notes: [String] = []

    public init(
        key: String, name: String, nameIndonesian: String, base: Money?, rate: String, amount: Money?, legalBasis: String, notes: [String] = []
    ) {
        self.key = key
        self.name = name
        self.nameIndonesian = nameIndonesian
        self.base = base
        self.rate = rate
        self.amount = amount
        self.legalBasis = legalBasis
        self.notes = notes
    }
}

/// The facts about the importer and the shipment the border taxes turn on, with the
/// statutory default where the law has one.
public struct BorderTaxInputs: Sendable, Hashable {
    public enum Transport: String, Sendable, Hashable, Codable, CaseIterable { case sea, air, land, mail }
    public enum Entry: String, Sendable, Hashable, Codable, CaseIterable { case formal, informal }

    /// How the goods arrive (the US Harbor Maintenance Fee is charged on sea shipments).
    public var transport: Transport = .sea
    /// The US entry type; `nil`: formal above USD 2,500 (19 CFR 143.21), informal at or below.
    public var entry: Entry?
    /// Indonesia: the importer holds an importer identification number (API), so PPh 22 is
    /// 2.5% rather than 7.5%.
    public var importerIdentification = true
    /// Indonesia: the PPh 22 rate where the goods are on a list of PMK 34/PMK.010/2017 (10%, 7.5%, 0.5%).
    public var pph22Rate: ExactDecimal?
    /// Indonesia: the PPnBM rate that fits the goods, among those the schedule prints for the line.
    public var ppnbmRate: ExactDecimal?
    /// The UK: the VAT rate of the goods where it is not the standard rate (5%, 0%).
    public var vatRate: ExactDecimal?
    /// Japan: whether the goods are food (飲食料品) for the reduced consumption tax; `nil`: by chapter.
    public var food: Bool?
    /// The UK: transport, insurance and other costs from the place of entry to the first
    /// destination in the UK, which the value for VAT adds (VATA 1994 s. 21(3)).
    public var incidentalCosts: ExactDecimal?
    /// The US: why the goods are exempt from the Merchandise Processing Fee, with the
    /// provision (``BorderTaxes/mpfExemption(programs:origin:eligible:)``); `nil`: the fee is due.
    public var mpfExemption: String?

    public init() {}
}

/// The taxes and charges each importer Tarif holds levies on an importation besides the
/// customs duty, on the day, each with its legal instrument (curated: the rates change by law
/// on the days written here).
public enum BorderTaxes {
    /// The items after the customs duty, for `importer` on `day`.
    /// - Parameters:
    ///   - duty: the customs duty (the applied treatment's).
    ///   - additional: the additional duties that apply (the US chapter 99 layers), when any.
    ///   - scheduleRates: the line's published rates, whose PPN and PPnBM columns Indonesia's answer reads.
    /// - Throws: ``TarifError`` for an input that does not fit (a PPnBM rate the schedule does not print).
    public static func items(
        importer: CountryCode, day: Day, code: TariffCode, valuation: Valuation, duty: Money, additional: Money?, scheduleRates: [LineRate],
        inputs: BorderTaxInputs
    ) throws(TarifError) -> [LandedItem] {
        let currency = valuation.customsValue.currency
        let value = valuation.customsValue.amount
        let duties = try duty.amount + (additional?.amount ?? 0)
        func money(_ x: ExactDecimal) -> Money { Money(x, currency) }
        func percent(_ base: ExactDecimal, _ rate: ExactDecimal) throws(TarifError) -> ExactDecimal {
            try (base * rate).over(100, scale: currency.minorUnitDigits, rule: .halfUp)
        }
        switch importer.rawValue {
        case "IDN": return try indonesia(day: day, value: value, duties: duties, rates: scheduleRates, inputs: inputs, money: money, percent: percent)
        case "GBR":
            guard day >= Day(year: 2021, month: 1, day: 1)! else { return [] }
            let rate = inputs.vatRate ?? 20
            let base = try duties + value + (inputs.incidentalCosts ?? 0)
            var item = LandedItem(
                key: "vat", name: "Import VAT", nameIndonesian: "PPN impor (VAT Inggris)", base: money(base), rate: "\(rate.normalized)%",
                amount: money(try percent(base, rate)),
                legalBasis: "Value Added Tax Act 1994, s. 1(1)(c) and s. 2(1) (standard rate 20%); value for VAT: s. 21(2)-(3), customs value + duty + incidental costs to the first destination in the UK")
            if inputs.vatRate == nil {
                item.notes.append("the standard rate: Tarif does not hold the line's VAT rate (food, children's clothing and books are zero-rated; some goods 5%): give --vat-rate")
            }
            if inputs.incidentalCosts == nil {
                item.notes.append("costs from the place of entry to the first destination in the UK are added when given (--incidental)")
            }
            return [item]
        case "USA": return try unitedStates(day: day, value: value, inputs: inputs, money: money, percent: percent)
        case "JPN": return try japan(day: day, code: code, value: value, duties: duties, inputs: inputs, money: money)
        case "AUS":
            guard let freight = valuation.freight, let insurance = valuation.insurance else {
                throw TarifError(
                    .badInput,
                    "--freight and --insurance are needed: Australia's GST is charged on the value of the taxable importation, which adds international transport and insurance to the customs value")
            }
            let base = try value + freight.amount + insurance.amount + duties
            return [
                LandedItem(
                    key: "gst", name: "GST on the taxable importation", nameIndonesian: "GST (pajak barang dan jasa Australia)", base: money(base),
                    rate: "10%", amount: money(try percent(base, 10)),
                    legalBasis:
                        "A New Tax System (Goods and Services Tax) Act 1999, s. 13-5 and s. 13-20 (value of the taxable importation: customs value + international transport and insurance + customs duty); rate 10%, s. 9-70",
                    notes: ["wine equalisation tax and luxury car tax, which the value adds where they apply, are not held"])
            ]
        default: return []
        }
    }

    // MARK: Indonesia

    static func indonesia(
        day: Day, value: ExactDecimal, duties: ExactDecimal, rates: [LineRate], inputs: BorderTaxInputs, money: (ExactDecimal) -> Money,
        percent: (ExactDecimal, ExactDecimal) throws(TarifError) -> ExactDecimal
    ) throws(TarifError) -> [LandedItem] {
        // Nilai impor: the customs value plus the import duties (UU PPN Art. 1 angka 20 jo. PMK 131/2024).
        let importValue = try value + duties
        var items: [LandedItem] = []

        // PPnBM: the schedule prints its rate(s) for a luxury good; the user says which fits.
        let luxury = rates.first { $0.kind == .luxuryTax }
        let printed = luxury.map { Self.percents(in: $0.text) } ?? []
        var ppnbm: ExactDecimal?
        if let chosen = inputs.ppnbmRate {
            guard printed.contains(chosen) || (luxury == nil && chosen.isZero) else {
                throw TarifError(
                    .badInput,
                    luxury == nil
                        ? "--ppnbm \(chosen.normalized): the schedule prints no PPnBM for this line"
                        : "--ppnbm \(chosen.normalized) is not one of the rates the schedule prints for this line (\(luxury!.text))")
            }
            ppnbm = chosen
        } else if printed.count == 1 {
            ppnbm = printed[0]
        }
        let isLuxury = luxury != nil && !(ppnbm?.isZero ?? false)

        // PPN.
        let vat = rates.first { $0.kind == .vat }
        if let vat {
            let (rate, fraction, basis) = ppnRate(on: day, luxury: isLuxury)
            let base = try fraction.map { (f) throws(TarifError) in try (try importValue * f.numerator).over(f.denominator, scale: 2, rule: .halfUp) } ?? importValue
            var item = LandedItem(
                key: "ppn", name: "VAT on importation (PPN)", nameIndonesian: "Pajak Pertambahan Nilai (PPN) impor", base: money(base),
                rate: fraction.map { "\(rate.normalized)% × \($0.numerator)/\($0.denominator) of the import value" } ?? "\(rate.normalized)%",
                amount: money(try percent(base, rate)), legalBasis: basis)
            if vat.text.contains("*") {
                item.notes.append("the schedule marks the line's PPN '\(vat.text)': a condition or facility may apply to these goods")
            }
            items.append(item)
        } else {
            items.append(
                LandedItem(
                    key: "ppn", name: "VAT on importation (PPN)", nameIndonesian: "Pajak Pertambahan Nilai (PPN) impor", base: money(importValue), rate: "—",
                    amount: money(0),
                    legalBasis: "BTKI 2022 (PMK 26/PMK.010/2022) prints no PPN for this line",
                    notes: [
                        "no PPN is charged here because the schedule prints none for the line (goods not taxable or exempt, UU PPN Art. 4A and 16B); check that the goods qualify"
                    ]))
        }

        if let luxury {
            var item = LandedItem(
                key: "ppnbm", name: "Sales tax on luxury goods (PPnBM)", nameIndonesian: "Pajak Penjualan atas Barang Mewah (PPnBM)",
                base: money(importValue), rate: ppnbm.map { "\($0.normalized)%" } ?? luxury.text, amount: try ppnbm.map { (r) throws(TarifError) in money(try percent(importValue, r)) },
                legalBasis: "UU PPN (UU 8/1983 as amended by UU 7/2021) Art. 5 and 8; rates by the goods' group: PP 73/2019 (motor vehicles) and PMK 141/PMK.010/2021 (other goods); BTKI 2022 prints \(luxury.text)")
            if ppnbm == nil {
                item.notes.append("the schedule prints several rates (\(luxury.text)) by the kind of goods: give the one that fits with --ppnbm")
            }
            items.append(item)
        }

        // PPh Pasal 22 on importation.
        let pph = inputs.pph22Rate ?? (inputs.importerIdentification ? ExactDecimal(significand: 25, scale: 1) : ExactDecimal(significand: 75, scale: 1))
        var pphItem = LandedItem(
            key: "pph22", name: "Income tax prepaid on importation (PPh Article 22)", nameIndonesian: "PPh Pasal 22 impor", base: money(importValue),
            rate: "\(pph.normalized)%", amount: money(try percent(importValue, pph)),
            legalBasis: "UU PPh Art. 22(1)(a); PMK 34/PMK.010/2017 Art. 2(1)(a) and 3: 2.5% of the import value with an importer identification number (API), 7.5% without, other rates for goods on the regulation's lists")
        if inputs.pph22Rate == nil {
            pphItem.notes.append(
                inputs.importerIdentification
                    ? "2.5%: the importer is taken to hold an API (--no-api: 7.5%); goods on PMK 34/2017's lists pay 10% or 7.5% (--pph22)"
                    : "7.5%: the importer holds no API; goods on PMK 34/2017's lists pay 10% (--pph22)")
        }
        items.append(pphItem)
        return items
    }

    /// The PPN rate on `day`, the fraction of the import value it is charged on, and the law.
    static func ppnRate(on day: Day, luxury: Bool) -> (rate: ExactDecimal, fraction: (numerator: ExactDecimal, denominator: ExactDecimal)?, basis: String) {
        if day < Day(year: 2022, month: 4, day: 1)! {
            return (10, nil, "UU PPN (UU 8/1983 as amended by UU 42/2009) Art. 4(1)(b) and 7(1): 10% of the import value")
        }
        if day < Day(year: 2025, month: 1, day: 1)! {
            return (11, nil, "UU PPN Art. 7(1)(a) as amended by UU 7/2021 (Harmonisasi Peraturan Perpajakan): 11% of the import value from 1 April 2022")
        }
        if luxury {
            return (12, nil, "UU PPN Art. 7(1)(b) as amended by UU 7/2021: 12% from 1 January 2025; PMK 131/2024 Art. 2: on the full import value for luxury goods (subject to PPnBM)")
        }
        return (
            12, (11, 12),
            "UU PPN Art. 7(1)(b) as amended by UU 7/2021: 12% from 1 January 2025; PMK 131/2024 Art. 3: on 11/12 of the import value (nilai lain) for goods other than luxury goods"
        )
    }

    /// The percentages a schedule cell prints (`15*); 20*); 25*)` → 15, 20, 25).
    static func percents(in text: String) -> [ExactDecimal] {
        text.split(whereSeparator: { $0 == ";" || $0 == " " }).compactMap { piece in
            ExactDecimal(piece.filter { $0.isNumber || $0 == "." || $0 == "," }.replacing(",", with: "."))
        }
    }

    // MARK: United States

    /// The Merchandise Processing Fee by fiscal year (from 1 October): ad valorem rate, the
    /// formal entry's floor and cap, the automated informal entry's fee (class code 311a).
    static let mpfYears: [(from: Day, percent: ExactDecimal, minimum: ExactDecimal, maximum: ExactDecimal, informal: ExactDecimal, source: String)] = [
        (Day(year: 2023, month: 10, day: 1)!, ExactDecimal(significand: 3464, scale: 4), ExactDecimal(significand: 3167, scale: 2), ExactDecimal(significand: 61435, scale: 2),
         ExactDecimal(significand: 253, scale: 2), "CBP, Customs User Fees To Be Adjusted for Inflation in Fiscal Year 2024"),
        (Day(year: 2024, month: 10, day: 1)!, ExactDecimal(significand: 3464, scale: 4), ExactDecimal(significand: 3271, scale: 2), ExactDecimal(significand: 63462, scale: 2),
         ExactDecimal(significand: 262, scale: 2), "CBP, Customs User Fees To Be Adjusted for Inflation in Fiscal Year 2025 (FR Doc. 2024-15990, 2024-07-22)"),
        (Day(year: 2025, month: 10, day: 1)!, ExactDecimal(significand: 3464, scale: 4), ExactDecimal(significand: 3358, scale: 2), ExactDecimal(significand: 65150, scale: 2),
         ExactDecimal(significand: 269, scale: 2), "CBP Dec. 25-10, 90 FR 34665 (2025-07-23)"),
    ]

    /// The US programs whose originating goods are exempt from the Merchandise Processing Fee
    /// when claimed under the program's SPI (19 CFR 24.23(c); HTSUS General Statistical Note
    /// 3(c); CBP's "Merchandise Processing Fee (MPF) and Preferential Trade Program" table,
    /// CSMS 18-000579): the FTAs with Australia, Bahrain, Chile, Colombia, CAFTA-DR, Israel,
    /// Korea, Oman, Panama, Peru, Singapore, and NAFTA and USMCA. Not those with Jordan or
    /// Morocco, nor Japan's agreement, nor GSP, AGOA or the sector agreements by themselves.
    public static let mpfExemptPrograms: Set<String> = [
        "AU", "BH", "CL", "CO", "IL", "KR", "OM", "P", "P+", "PA", "PE", "SG", "S", "S+", "CA", "MX",
    ]

    /// Why a US importation is exempt from the MPF: an applied preference of an exempt FTA
    /// (`programs`: the applied treatments' SPIs), or goods that are products of a least-developed
    /// beneficiary developing country or of a CBERA beneficiary (`eligible`: whether the origin
    /// is a beneficiary of `A+`, of `E`, on the day); `nil` when none applies.
    public static func mpfExemption(programs: [String], origin: CountryCode?, eligible: (String) -> Bool) -> String? {
        if let spi = programs.first(where: { mpfExemptPrograms.contains($0) }) {
            return "exempt: originating goods entered under SPI \(spi) (19 CFR 24.23(c); HTSUS General Statistical Note 3(c))"
        }
        guard let origin else { return nil }
        if eligible("A+") {
            return "exempt: products of a least-developed beneficiary developing country, \(origin) (19 CFR 24.23(c)(1); CBP CSMS 14-000077)"
        }
        if eligible("E") {
            return "exempt: products of a Caribbean Basin Economic Recovery Act beneficiary, \(origin) (19 CFR 24.23(c)(1); CBP CSMS 14-000077)"
        }
        return nil
    }

    static func unitedStates(
        day: Day, value: ExactDecimal, inputs: BorderTaxInputs, money: (ExactDecimal) -> Money,
        percent: (ExactDecimal, ExactDecimal) throws(TarifError) -> ExactDecimal
    ) throws(TarifError) -> [LandedItem] {
        var items: [LandedItem] = []
        let entry = inputs.entry ?? (value > 2_500 ? .formal : .informal)
        if let exemption = inputs.mpfExemption {
            items.append(
                LandedItem(
                    key: "mpf", name: "Merchandise Processing Fee", nameIndonesian: "Merchandise Processing Fee (biaya pemrosesan barang)", base: money(value),
                    rate: "exempt", amount: money(0), legalBasis: "19 U.S.C. 58c(a)(9)-(10) and (b); 19 CFR 24.23(c)", notes: [exemption]))
        } else if let year = mpfYears.last(where: { $0.from <= day }) {
            let statute = "19 U.S.C. 58c(a)(9)-(10) and (b)(8)-(9); 19 CFR 24.23(b)(1)-(2); amounts of the fiscal year from \(year.from): \(year.source)"
            if entry == .formal {
                let raw = try percent(value, year.percent)
                let fee = min(max(raw, year.minimum), year.maximum)
                var item = LandedItem(
                    key: "mpf", name: "Merchandise Processing Fee (formal entry)", nameIndonesian: "Merchandise Processing Fee (biaya pemrosesan barang, entri formal)",
                    base: money(value), rate: "\(year.percent.normalized)%, at least \(money(year.minimum).grouped), at most \(money(year.maximum).grouped)",
                    amount: money(try fee.rounded(scale: 2)), legalBasis: statute)
                if fee != raw { item.notes.append(fee == year.minimum ? "the floor applies (\(year.percent.normalized)% would be \(money(raw).grouped))" : "the cap applies (\(year.percent.normalized)% would be \(money(raw).grouped))") }
                item.notes.append("due: the goods are not entered under an FTA whose originating goods are exempt, nor products of a least-developed or CBERA beneficiary (19 CFR 24.23(c))")
                items.append(item)
            } else {
                items.append(
                    LandedItem(
                        key: "mpf", name: "Merchandise Processing Fee (informal entry, automated)", nameIndonesian: "Merchandise Processing Fee (entri informal)",
                        base: nil, rate: "\(money(year.informal).grouped) per entry", amount: money(year.informal), legalBasis: statute,
                        notes: ["an informal entry (value USD 2,500 or less, 19 CFR 143.21(a)); a manual entry adds a surcharge, not included"]))
            }
        } else {
            items.append(
                LandedItem(
                    key: "mpf", name: "Merchandise Processing Fee", nameIndonesian: "Merchandise Processing Fee", base: money(value), rate: "—", amount: nil,
                    legalBasis: "19 U.S.C. 58c(a)(9)", notes: ["Tarif holds the fee's amounts from fiscal year 2024 (1 October 2023)"]))
        }
        if inputs.transport == .sea {
            items.append(
                LandedItem(
                    key: "hmf", name: "Harbor Maintenance Fee", nameIndonesian: "Harbor Maintenance Fee (biaya pemeliharaan pelabuhan)", base: money(value),
                    rate: "0.125%", amount: money(try (try percent(value, ExactDecimal(significand: 125, scale: 3))).rounded(scale: 2)),
                    legalBasis: "26 U.S.C. 4461-4462; 19 CFR 24.24: 0.125% of the value of commercial cargo unloaded at a US port",
                    notes: ["a sea shipment (--transport air, land or mail: no fee)"]))
        }
        return items
    }

    // MARK: Japan

    /// Whether a line's goods are food (飲食料品) by their chapter: chapters 2-4 and 7-12, 15-21,
    /// and waters, soft drinks and vinegar (2201, 2202, 2209); not live animals, alcoholic
    /// drinks or tobacco.
    public static func isFood(_ code: TariffCode) -> Bool {
        let d = code.digits
        let chapter = Int(d.prefix(2)) ?? 0
        if [2, 3, 4, 7, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 20, 21].contains(chapter) { return true }
        return ["2201", "2202", "2209"].contains(String(d.prefix(4)))
    }

    static func japan(
        day: Day, code: TariffCode, value: ExactDecimal, duties: ExactDecimal, inputs: BorderTaxInputs, money: (ExactDecimal) -> Money
    ) throws(TarifError) -> [LandedItem] {
        guard day >= Day(year: 2019, month: 10, day: 1)! else {
            return [
                LandedItem(
                    key: "consumption-tax", name: "Consumption tax", nameIndonesian: "Pajak konsumsi Jepang", base: nil, rate: "—", amount: nil,
                    legalBasis: "Consumption Tax Act (Act No. 108 of 1988)", notes: ["Tarif holds the rates from 1 October 2019"])
            ]
        }
        let food = inputs.food ?? isFood(code)
        // National rate 7.8% (reduced 6.24%); the local consumption tax is 22/78 of the national tax.
        let national = food ? ExactDecimal(significand: 624, scale: 2) : ExactDecimal(significand: 78, scale: 1)
        // The base is rounded down to 1,000 yen and each tax to 100 yen (Act on General Rules for National Taxes, Art. 118-119; Local Tax Act Art. 20-4-2).
        let base = try (try value + duties).over(1000, scale: 0, rule: .down) * 1000
        let nationalTax = try (try base * national).over(10_000, scale: 0, rule: .down) * 100
        let localTax = try (try nationalTax * 22).over(7_800, scale: 0, rule: .down) * 100
        var notes = [
            food
                ? "the reduced rate (8%: 6.24% national, 1.76% local) for food (飲食料品) other than alcoholic drinks\(inputs.food == nil ? ", by the line's chapter; --food no if the goods are not food" : "")"
                : "the standard rate (10%: 7.8% national, 2.2% local)\(inputs.food == nil ? ", by the line's chapter; --food yes if the goods are food (飲食料品)" : "")",
            "individual excise taxes (liquor, tobacco, petroleum), which the base adds, are not held",
        ]
        notes.append("the base rounded down to 1,000 yen, each tax to 100 yen")
        return [
            LandedItem(
                key: "consumption-tax", name: "Consumption tax on importation (national)", nameIndonesian: "Pajak konsumsi impor Jepang (nasional)",
                base: money(base), rate: "\(national.normalized)%", amount: money(nationalTax),
                legalBasis:
                    "Consumption Tax Act (Act No. 108 of 1988) Art. 4(2), 28(4) (base: CIF value + customs duty + excise taxes) and 29; reduced rate: Supplementary Provisions of Act No. 15 of 2016, Art. 34",
                notes: notes),
            LandedItem(
                key: "local-consumption-tax", name: "Local consumption tax", nameIndonesian: "Pajak konsumsi daerah Jepang", base: money(nationalTax),
                rate: "22/78 of the national tax", amount: money(localTax), legalBasis: "Local Tax Act (Act No. 226 of 1950) Art. 72-77 and 72-83"),
        ]
    }
}

extension ExactDecimal {
    /// `self / divisor` at `scale` places, for a divisor that is not zero.
    func over(_ divisor: ExactDecimal, scale: Int, rule: RoundingRule) throws(TarifError) -> ExactDecimal {
        guard let q = try divided(by: divisor, scale: scale, rule: rule) else { throw TarifError(.overflow, "division by zero") }
        return q
    }
}
