public import TarifCore

/// The delivery terms of a sale (Incoterms 2020): which costs the invoice price includes.
public enum Incoterm: String, Sendable, Codable, CaseIterable {
    case exw = "EXW", fca = "FCA", fas = "FAS", fob = "FOB", cfr = "CFR", cif = "CIF", cpt = "CPT", cip = "CIP"
    case dap = "DAP", dpu = "DPU", ddp = "DDP"

    /// Parses a term in any case.
    /// - Throws: ``TarifError`` `.badInput` naming the terms there are.
    public init(parsing text: String) throws(TarifError) {
        guard let term = Incoterm(rawValue: text.uppercased()) else {
            throw TarifError(
                .badInput, "--incoterm '\(InputLimits.echo(text))' is not an Incoterm; one of \(Incoterm.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = term
    }

    /// The price includes carriage to the importer's border (C terms).
    var includesFreight: Bool { [.cfr, .cif, .cpt, .cip].contains(self) }
    /// The price includes insurance to the importer's border.
    var includesInsurance: Bool { [.cif, .cip].contains(self) }
    /// The price includes costs after the goods arrive (delivered terms): no customs value follows from it alone.
    var delivered: Bool { [.dap, .dpu, .ddp].contains(self) }
}

/// What the user says of a consignment's price: the invoice amount, its currency and terms,
/// and the carriage and insurance to the importer's border, in the same currency.
public struct ConsignmentPrice: Sendable, Hashable {
    public var amount: ExactDecimal
    public var currency: Currency
    public var incoterm: Incoterm
    public var freight: ExactDecimal?
    public var insurance: ExactDecimal?
    /// Units of the importer's currency per unit of `currency` (the rate the customs uses).
    public var exchangeRate: ExactDecimal?

    public init(
        amount: ExactDecimal, currency: Currency, incoterm: Incoterm, freight: ExactDecimal? = nil, insurance: ExactDecimal? = nil,
        exchangeRate: ExactDecimal? = nil
    ) {
        self.amount = amount
        self.currency = currency
        self.incoterm = incoterm
        self.freight = freight
        self.insurance = insurance
        self.exchangeRate = exchangeRate
    }
}

/// The customs value as the importer's law takes it, in its currency, and how it was reached.
public struct Valuation: Sendable, Hashable, Codable {
    /// `CIF` (cost, insurance and freight to the border: Indonesia, Japan, the UK) or `FOB`
    /// (free on board at export: the United States, Australia).
    public var basis: String
    public var customsValue: Money
    /// Carriage and insurance to the border, in the importer's currency, when known.
    public var freight: Money?
    public var insurance: Money?
    /// Each step, in words (conversion, what was added or taken away).
    public var steps: [String]
    /// The legal basis of the valuation.
    public var legalBasis: String
}

/// The valuation rules and the official exchange rates of the importers Tarif holds.
public enum CustomsValuation {
    /// CIF or FOB, and the provision that sets it.
    public static func basis(of importer: CountryCode) -> (basis: String, legalBasis: String)? {
        switch importer.rawValue {
        case "IDN": ("CIF", "Law 10/1995 on Customs as amended by Law 17/2006, Art. 15: customs value = transaction value, with costs, insurance and freight to the port of importation")
        case "JPN": ("CIF", "Customs Tariff Act (Act No. 54 of 1910), Art. 4(1): price actually paid, with carriage and insurance to the port of import")
        case "GBR": ("CIF", "Taxation (Cross-border Trade) Act 2018, s. 15 and the Customs (Import Duty) (EU Exit) Regulations 2018, reg. 84: transport and insurance to the place of entry into the UK included")
        case "USA": ("FOB", "19 U.S.C. 1401a(b)(4)(A): transaction value excludes international freight and insurance")
        case "AUS": ("FOB", "Customs Act 1901, s. 159 and s. 154 (FOB price): the customs value excludes overseas freight and insurance")
        default: nil
        }
    }

    /// The rate of exchange the importer's customs applies, which the user should supply.
    public static func officialRate(of importer: CountryCode) -> String {
        switch importer.rawValue {
        case "IDN": "the Minister of Finance's weekly rate for customs (Kurs Menteri Keuangan), in force on the day the import declaration is registered"
        case "JPN": "Japan Customs' published weekly rate (the rate of the week before the previous week, Customs Tariff Act Art. 4-7)"
        case "GBR": "HMRC's monthly exchange rate for the month of import"
        case "USA": "the Federal Reserve Bank of New York's certified rate on the day of export (31 U.S.C. 5151; 19 CFR 159.32)"
        case "AUS": "the rate published by the Australian Border Force for the day of export (Customs Act 1901, s. 161)"
        default: "the rate the customs of \(importer) applies on the day"
        }
    }

    /// The customs value in the importer's currency from what the user gives.
    /// - Throws: ``TarifError`` `.badInput` naming the missing or wrong field: a delivered
    ///   term, freight or insurance the basis needs, an exchange rate for a foreign currency,
    ///   negative amounts, a value that would be negative once carriage is taken away.
    public static func value(of price: ConsignmentPrice, importer: CountryCode, currency: Currency) throws(TarifError) -> Valuation {
        guard let (basis, legalBasis) = basis(of: importer) else {
            throw TarifError(.notFound, "Tarif holds no valuation rule for \(importer)")
        }
        for (field, v) in [("--value", price.amount), ("--freight", price.freight), ("--insurance", price.insurance), ("--fx", price.exchangeRate)] {
            if let v, v.isNegative { throw TarifError(.badInput, "\(field) is negative (\(v)); amounts and rates must be zero or more") }
        }
        if price.incoterm.delivered {
            throw TarifError(
                .badInput,
                "--incoterm \(price.incoterm.rawValue) is a delivered price: it includes costs after the goods arrive (and, for DDP, the duties), so no customs value follows from it; give the FOB or CIF price")
        }
        var steps: [String] = []
        var rate = ExactDecimal(1)
        if price.currency != currency {
            guard let fx = price.exchangeRate, !fx.isZero else {
                throw TarifError(
                    .badInput,
                    "--fx \(price.currency)=RATE is needed: the price is in \(price.currency) and \(importer)'s duties in \(currency); \(importer)'s customs converts at \(officialRate(of: importer))")
            }
            rate = fx
            steps.append("converted at \(fx) \(currency) per \(price.currency) (give \(officialRate(of: importer)))")
        }
        func convert(_ x: ExactDecimal) throws(TarifError) -> ExactDecimal { try (x * rate).rounded(scale: currency.minorUnitDigits) }
        func g(_ x: ExactDecimal) -> String { Money(x, currency).grouped }
        let amount = try convert(price.amount)
        let freight = try price.freight.map { (f) throws(TarifError) in try convert(f) }
        let insurance = try price.insurance.map { (i) throws(TarifError) in try convert(i) }
        let term = price.incoterm.rawValue
        var value = amount
        switch basis {
        case "CIF":
            if !price.incoterm.includesFreight {
                guard let freight else {
                    throw TarifError(.badInput, "--freight is needed: \(importer) values goods CIF and an \(term) price does not include carriage to the border")
                }
                value = try value + freight
                steps.append("\(term) \(g(amount)) + freight \(g(freight))")
            }
            if !price.incoterm.includesInsurance {
                guard let insurance else {
                    throw TarifError(.badInput, "--insurance is needed: \(importer) values goods CIF and an \(term) price does not include insurance to the border")
                }
                value = try value + insurance
                steps.append("+ insurance \(g(insurance))")
            }
            if price.incoterm == .exw { steps.append("an EXW price leaves out loading and carriage in the country of export: --freight must cover them up to \(importer)'s border") }
        default:  // FOB
            if price.incoterm.includesFreight {
                guard let freight else {
                    throw TarifError(.badInput, "--freight is needed: \(importer) values goods FOB and a \(term) price includes carriage, which is taken away")
                }
                value = try value - freight
                steps.append("\(term) \(g(amount)) − freight \(g(freight))")
            }
            if price.incoterm.includesInsurance {
                guard let insurance else {
                    throw TarifError(.badInput, "--insurance is needed: \(importer) values goods FOB and a \(term) price includes insurance, which is taken away")
                }
                value = try value - insurance
                steps.append("− insurance \(g(insurance))")
            }
            if value.isNegative {
                throw TarifError(.badInput, "--freight and --insurance (\(g(try amount - value))) exceed the \(term) price \(g(amount))")
            }
            if price.incoterm == .exw { steps.append("an EXW price leaves out loading in the country of export, which the customs value includes where the buyer pays it") }
        }
        // The carriage and insurance to the border, where the price or the user states them.
        var inFreight = freight.map { Money($0, currency) }
        var inInsurance = insurance.map { Money($0, currency) }
        if basis == "CIF", price.incoterm.includesFreight, freight == nil { inFreight = nil }
        if basis == "CIF", price.incoterm.includesInsurance, insurance == nil { inInsurance = nil }
        steps.append("customs value (\(basis)): \(g(value))")
        return Valuation(
            basis: basis, customsValue: Money(value, currency), freight: inFreight, insurance: inInsurance, steps: steps, legalBasis: legalBasis)
    }
}

extension ExactDecimal {
    var isNegative: Bool { self < ExactDecimal(0) }
}
