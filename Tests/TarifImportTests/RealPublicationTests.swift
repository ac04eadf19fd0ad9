import TarifCore
import TarifTesting
import Testing

@testable import TarifImport

/// Each reader on the real file in `../shared/data`: the counts the publication has,
/// and a parse rate of at least 99.5% of its rate cells.
struct RealPublicationTests {
    struct Tally {
        var lines: [String: [Int: Int]] = [:]  // role → digits → count
        var rates: [String: Int] = [:]
        var unparsed: [String: [UnparsedRate]] = [:]
        var notes = 0
        var entries = 0

        mutating func add(_ event: ImportEvent) {
            switch event {
            case .line(let role, let line): lines[role, default: [:]][Int(line.code.length), default: 0] += 1
            case .rate(let role, _): rates[role, default: 0] += 1
            case .unparsed(let role, let u): unparsed[role, default: []].append(u)
            case .note: notes += 1
            case .hsEntry, .hsSection, .country, .preferenceScheme, .rtaRecord, .originRuleSet, .chapter99Scope, .quota, .skipped: entries += 1
            }
        }

        func unparsedShare(_ role: String) -> Double {
            let bad = Double(unparsed[role]?.count ?? 0)
            return bad / (bad + Double(rates[role] ?? 0))
        }
    }

    func tally(_ reader: some PublicationReader, _ file: String) throws -> Tally {
        let source = try ByteSource(path: TestData.path(file), displayName: file)
        var tally = Tally()
        try reader.read(source) { tally.add($0) }
        return tally
    }

    @Test(.enabled(if: TestData.isAvailable, "needs ../shared/data"))
    func btkiHas11552LinesAndParses() throws {
        let t = try tally(BTKIReader(), "tariffs_mfn/idn_btki2022_mfn.csv")
        #expect(t.lines["mfn"]?[8] == 11_552)
        #expect(t.lines["mfn"]?[6] == 2_009)
        #expect(t.lines["mfn"]?[4] == 1_070)
        #expect(t.unparsedShare("mfn") < 0.005, "unparsed: \(t.unparsed["mfn"]?.prefix(10).map { "\($0.text): \($0.reason)" } ?? [])")
    }

    @Test(.enabled(if: TestData.isAvailable, "needs ../shared/data"))
    func ukGlobalTariffHas11830CommoditiesInBothSchedules() throws {
        let t = try tally(UKGlobalTariffReader(), "tariffs_mfn/gbr_ukgt_2021_vs_eu_cet.csv")
        #expect(t.lines["ukgt"]?.values.reduce(0, +) == 11_830)
        #expect(t.lines["cet"]?.values.reduce(0, +) == 11_830)
        for role in ["ukgt", "cet"] {
            #expect(t.unparsedShare(role) < 0.005, "\(role) unparsed: \(t.unparsed[role]?.prefix(10).map { "\($0.text): \($0.reason)" } ?? [])")
        }
    }

    @Test(.enabled(if: TestData.isAvailable, "needs ../shared/data"))
    func usHTSHasEveryNumberedRowAndParses() throws {
        let t = try tally(USHTSReader(), "tariffs_mfn/usa_hts_2026_rev10.json.gz")
        // 35,509 rows, of which 5,912 are unnumbered headers: 19,856 ten-digit, 6,687 eight-digit,
        // 2,093 six-digit and 961 four-digit lines.
        #expect(t.lines["mfn"]?[10] == 19_856)
        #expect(t.lines["mfn"]?[8] == 6_687)
        #expect(t.lines["mfn"]?[6] == 2_093)
        #expect(t.lines["mfn"]?[4] == 961)
        #expect(t.unparsedShare("mfn") < 0.005, "unparsed: \(t.unparsed["mfn"]?.prefix(20).map { "\($0.text): \($0.reason)" } ?? [])")
    }

    @Test(.enabled(if: TestData.isAvailable, "needs ../shared/data"))
    func hsNomenclatureHasItsLevels() throws {
        let source = try ByteSource(path: TestData.path("hs/hs2022_harmonized-system.csv"))
        var counts: [Int: Int] = [:]
        try HSNomenclatureReader().read(source) { event in
            if case .hsEntry(let e) = event { counts[Int(e.code.length), default: 0] += 1 }
        }
        #expect(counts == [2: 97, 4: 1_229, 6: 5_613])
    }

    @Test(.enabled(if: TestData.isAvailable, "needs ../shared/data"))
    func countryCodesHave249EntriesAnd45LDCs() throws {
        let source = try ByteSource(path: TestData.path("countries/country-codes.csv"))
        var countries: [Country] = []
        try CountryCodesReader().read(source) { if case .country(let c) = $0 { countries.append(c) } }
        #expect(countries.count == 249)
        #expect(countries.filter(\.isLeastDeveloped).count == 45)
        #expect(countries.first { $0.code.rawValue == "IDN" }?.region == "Asia")
    }
}
