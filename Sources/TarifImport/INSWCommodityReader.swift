public import TarifCore

/// Indonesia's National Single Window commodity look-up (`insw.go.id/intr`) as saved JSON:
/// `{"data": [{"hs_code": "01012100", "preferential_tariff": [{"preference": "ATIGA (…)",
/// "no_skep": "PMK 43/PMK.010/2022", "tgl_skep": "2022-03-30", "berlaku": "2022-04-01",
/// "years": [{"tahun": "Tahun 2022", "nilai": "0%"}, …], "seterusnya": true}, …]}]}`.
///
/// Each record is a line's rate under each agreement's schedule, year by year, the last
/// continuing thereafter (`seterusnya`): a staged preference. A year's rate holds from
/// 1 January, or from the day the instrument took effect when that is later. The file names
/// each agreement itself (the catalog's agreement is `*`); RCEP's schedules are per partner
/// (`RCEP-Korea`, `RCEP-ASEAN`), and become one staged schedule per partner country.
public struct INSWCommodityReader: StagingReader {
    public static let format = "insw-commodity-json"
    public init() {}

    /// The agreement (registry id) and partners of each scheme name's prefix.
    static let schemes: [String: (agreement: String, partners: [String]?)] = [
        "ATIGA": ("ATIGA", nil), "ACFTA": ("ACFTA", nil), "AKFTA": ("AKFTA", nil), "AANZFTA": ("AANZFTA", nil), "AIFTA": ("AIFTA", nil),
        "AJCEP": ("AJCEP", nil), "AHKFTA": ("AHKFTA", nil), "IJEPA": ("IJEPA", nil), "IACEPA": ("IA-CEPA", nil), "ICCEPA": ("IC-CEPA", nil),
        "IECEPA": ("IE-CEPA", nil), "IKCEPA": ("IK-CEPA", nil), "IUAE-CEPA": ("IUAE-CEPA", nil),
        "RCEP-ASEAN": ("RCEP", ["BRN", "KHM", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM"]), "RCEP-Australia": ("RCEP", ["AUS"]),
        "RCEP-China": ("RCEP", ["CHN"]), "RCEP-Japan": ("RCEP", ["JPN"]), "RCEP-Korea": ("RCEP", ["KOR"]),
        "RCEP-New Zealand": ("RCEP", ["NZL"]),
    ]
    static let maxRecords = 100_000

    public func read(
        _ source: ByteSource, config: StagingSource, country: (String) -> Country?, emit: (StagedSchedule, StagedRate) throws -> Void
    ) throws {
        let document = try JSONArrayReader(source: source).document()
        let records = document["data"]?.array ?? []
        guard !records.isEmpty else {
            throw TarifError(.badFile, "the file has no \"data\" records", at: SourceLocation(file: source.displayName, field: "data"))
        }
        guard records.count <= Self.maxRecords else {
            throw TarifError(.tooLarge, "\(records.count) records; at most \(Self.maxRecords) are read", at: SourceLocation(file: source.displayName, field: "data"))
        }
        let parser = DutyExpressionParser(dialect: .btki)
        for (i, record) in records.enumerated() {
            func at(_ field: String) -> SourceLocation { SourceLocation(file: source.displayName, field: "data[\(i)].\(field)") }
            let codeText = record["hs_code"]?.text ?? ""
            let code: TariffCode
            do { code = try TariffCode(codeText) } catch let e as TarifError { throw e.located(at("hs_code")) }
            for (k, p) in (record["preferential_tariff"]?.array ?? []).enumerated() {
                func here(_ field: String) -> SourceLocation { at("preferential_tariff[\(k)].\(field)") }
                let name = p["preference"]?.text ?? ""
                let key = String(name.split(separator: "(", maxSplits: 1).first ?? "").trimming(" ")
                guard let scheme = Self.schemes[key] else {
                    throw TarifError(
                        .badFile, "preference '\(InputLimits.echo(name))' is not an agreement Tarif maps (\(Self.schemes.keys.sorted().joined(separator: ", ")))",
                        at: here("preference"))
                }
                let instrument = (p["no_skep"]?.text ?? "").trimming(" ")
                guard !instrument.isEmpty else { throw TarifError(.badFile, "\(key) names no instrument", at: here("no_skep")) }
                let effective: Day
                do { effective = try Day(iso: p["berlaku"]?.text ?? "") } catch let e as TarifError { throw e.located(here("berlaku")) }
                let signed = p["tgl_skep"]?.text ?? ""
                let continues = p["seterusnya"].map { if case .bool(let b) = $0 { b } else { false } } ?? false
                // Year → rate; a later year wins a shared first day.
                var stages: [(day: Day, year: Int, text: String, expression: DutyExpression)] = []
                for (y, entry) in (p["years"]?.array ?? []).enumerated() {
                    let yearText = entry["tahun"]?.text ?? ""
                    guard let year = Int(yearText.split(separator: " ").last ?? ""), (1990...2100).contains(year) else {
                        throw TarifError(.badDate, "'\(InputLimits.echo(yearText))' is not 'Tahun YYYY'", at: here("years[\(y)].tahun"))
                    }
                    let text = (entry["nilai"]?.text ?? "").trimming(" ")
                    let expression: DutyExpression
                    do {
                        guard let e = try parser.parse(text) else {
                            throw TarifError(.badRate, "the rate for \(year) is empty")
                        }
                        expression = e
                    } catch let e as TarifError {
                        throw e.located(here("years[\(y)].nilai"))
                    }
                    let day = max(Day(year: year, month: 1, day: 1)!, effective)
                    if let last = stages.last, last.year >= year {
                        throw TarifError(.badFile, "year \(year) comes after \(last.year)", at: here("years[\(y)].tahun"))
                    }
                    if let last = stages.last, last.day == day { stages.removeLast() }
                    stages.append((day, year, text, expression))
                }
                guard !stages.isEmpty else { throw TarifError(.badFile, "\(key) gives no yearly rate", at: here("years")) }
                let partners: [CountryCode?] = try scheme.partners.map { list in
                    try list.map { c -> CountryCode? in
                        guard let found = country(c) else {
                            throw TarifError(.badCountry, "partner \(c) of \(key) is not a known country", at: here("preference"))
                        }
                        return found.code
                    }
                } ?? [nil]
                for partner in partners {
                    let schedule = StagedSchedule(
                        importer: .indonesia, agreement: scheme.agreement, partner: partner, title: "\(key) schedule of Indonesia (\(instrument))",
                        legalSource: "\(instrument)\(signed.isEmpty || signed == "null" ? "" : ", signed \(signed)"), in force \(effective)",
                        currency: .idr, sourceFile: config.sourceFile)
                    for (n, s) in stages.enumerated() {
                        let last = n == stages.count - 1
                        try emit(
                            schedule,
                            StagedRate(
                                importer: .indonesia, partner: partner, code: code, validFrom: s.day, text: s.text, expression: s.expression,
                                staging: last ? (continues ? "\(s.year) rate, continuing thereafter" : "\(s.year) rate; the record states none after") : "\(s.year) rate"))
                    }
                }
            }
        }
    }
}
