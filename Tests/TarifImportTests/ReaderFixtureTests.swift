import Foundation
import TarifCore
import TarifTesting
import Testing

@testable import TarifImport

/// The readers on small files written here, including broken ones.
struct ReaderFixtureTests {
    static let btkiHeader = "hs_code,chapter,description_id,description_en,import_duty,export_duty,ppn,ppnbm,hs_level\n"

    func events(_ reader: some PublicationReader, _ name: String, _ text: String) throws -> [ImportEvent] {
        let path = try TestData.fixture(name, text)
        var out: [ImportEvent] = []
        try reader.read(try ByteSource(path: path, displayName: name)) { out.append($0) }
        return out
    }

    func error(_ reader: some PublicationReader, _ name: String, _ text: String) -> TarifError? {
        do {
            _ = try events(reader, name, text)
            return nil
        } catch { return error as? TarifError }
    }

    /// AHTN's uncoded group rows ("- - Other:") are not in the BTKI file: a deeper line after
    /// a dutiable 8-digit line does not belong to it (1006.30.99 is not "Other fragrant rice").
    @Test func aDutiableLineIsNeverAParent() throws {
        let text = Self.btkiHeader + """
            10.06,10,Beras.,Rice.,,,,,4
            10.06.30,10,- Beras setengah giling :,- Semi-milled rice :,,,,,6
            10.06.30.70,10,- - Beras beraroma lainnya,- - Other fragrant rice,"450,-/kg",-,-,-,8
            10.06.30.91,10,- - - Beras setengah masak,- - - Parboiled rice,"450,-/kg",-,-,-,8
            10.06.30.99,10,- - - Lain-lain,- - - Other,"450,-/kg",-,-,-,8

            """
        let lines = try events(BTKIReader(), "btki.csv", text).compactMap { if case .line(_, let l) = $0 { l } else { nil } }
        #expect(lines.map(\.path) == [[], ["Rice."], ["Rice.", "Semi-milled rice"], ["Rice.", "Semi-milled rice"], ["Rice.", "Semi-milled rice"]])
    }

    @Test func btkiLinesRatesAndDescriptionsInBothLanguages() throws {
        let text = Self.btkiHeader + """
            10.06,10,Beras.,Rice.,,,,,4
            10.06.30,10,- Beras setengah giling :,- Semi-milled rice :,,,,,6
            10.06.30.99,10,- - - Lain-lain,- - - Other,"450,-/kg",-,-,-,8
            22.03.00.11,22,- - Bir,- - Beer,"14.000,-/liter",-,11,-,8
            87.03.80.17,87,- - - Lain-lain,- - - Other,"12,5",*),11*),"15*); 20*)",8

            """
        let events = try events(BTKIReader(), "btki.csv", text)
        let lines = events.compactMap { if case .line(_, let l) = $0 { l } else { nil } }
        #expect(lines.map(\.code.digits) == ["1006", "100630", "10063099", "22030011", "87038017"])
        #expect(lines[2].descriptionLocal == "Lain-lain")
        #expect(lines[2].descriptionEnglish == "Other")
        #expect(lines[2].path == ["Rice.", "Semi-milled rice"])
        let rates = events.compactMap { if case .rate(_, let r) = $0 { r } else { nil } }
        let rice = try #require(rates.first { $0.code.digits == "10063099" && $0.kind == .mfn })
        #expect(rice.expression?.summary == "450 IDR / kg")
        #expect(rates.filter { $0.code.digits == "87038017" }.map(\.kind) == [.mfn, .exportDuty, .vat, .luxuryTax])
    }

    @Test func btkiErrorsNameLineAndField() {
        let bad = Self.btkiHeader + "10.06,10,Beras.,Rice.,,,,,4\n10.0X.30.99,10,x,y,5,-,-,-,8\n"
        let e = error(BTKIReader(), "bad.csv", bad)
        #expect(e?.code == .badCode)
        #expect(e?.location == SourceLocation(file: "bad.csv", line: 3, field: "hs_code"))

        let level = Self.btkiHeader + "10.06.30.99,10,x,y,5,-,-,-,6\n"
        #expect(error(BTKIReader(), "level.csv", level)?.message.contains("hs_level 6") == true)

        let columns = "hs_code,description\n1006,Rice\n"
        #expect(error(BTKIReader(), "cols.csv", columns)?.message.contains("lacks column(s)") == true)
    }

    @Test func unreadableRateIsListedNotFatal() throws {
        let text = Self.btkiHeader + "10.06.30.99,10,x,y,banana,-,-,-,8\n"
        let events = try events(BTKIReader(), "r.csv", text)
        let unparsed = events.compactMap { if case .unparsed(_, let u) = $0 { u } else { nil } }
        #expect(unparsed.count == 1)
        #expect(unparsed.first?.location == SourceLocation(file: "r.csv", line: 2, column: 5, field: "import_duty"))
    }

    @Test func csvQuotingEncodingAndTruncation() throws {
        let header = Self.btkiHeader
        let multiline = header + "10.06.30.99,10,\"Lain-lain, dengan \"\"koma\"\"\nbaris dua\",Other,5,-,-,-,8\n"
        let lines = try events(BTKIReader(), "q.csv", multiline).compactMap { if case .line(_, let l) = $0 { l } else { nil } }
        #expect(lines.first?.descriptionLocal == "Lain-lain, dengan \"koma\"\nbaris dua")

        let cut = header + "10.06.30.99,10,\"Lain-lain"
        let truncated = error(BTKIReader(), "cut.csv", cut)
        #expect(truncated?.code == .truncated)
        #expect(truncated?.location?.line == 2)

        var latin1 = Array((header + "10.06.30.99,10,Caf").utf8)
        latin1 += [0xE9] + Array(",y,5,-,-,-,8\n".utf8)
        let path = try TestData.fixture("latin1.csv", Data(latin1))
        do {
            try BTKIReader().read(try ByteSource(path: path, displayName: "latin1.csv")) { _ in }
            Issue.record("invalid UTF-8 was accepted")
        } catch let e as TarifError {
            #expect(e.code == .badEncoding)
            #expect(e.location?.line == 2)
        }

        let ragged = header + "10.06.30.99,10,x\n"
        #expect(error(BTKIReader(), "ragged.csv", ragged)?.message.contains("has 3 fields") == true)
    }

    @Test func ukCodesRegainLostZerosAndFlagsAreChecked() throws {
        let header = "commodity,description,cet_duty_rate,ukgt_duty_rate,change,trade_remedy_applies,cet_applies_until_trade_remedy_transition_reviews_concluded,suspension_applies,atq_applies\n"
        let text = header + """
            1012990,"Live horses",11.5%,10.0%,Simplified,False,False,False,False
            1039110,Pigs,41.20 EUR / 100 kg,34.00 GBP/100kg,Currency conversion,True,False,False,False

            """
        let events = try events(UKGlobalTariffReader(), "uk.csv", text)
        let lines = events.compactMap { if case .line(let role, let l) = $0, role == "ukgt" { l } else { nil } }
        #expect(lines.map(\.code.formatted) == ["0101.29.90", "0103.91.10"])
        let rates = events.compactMap { if case .rate(let role, let r) = $0 { (role, r) } else { nil } }
        #expect(rates.first { $0.0 == "cet" && $0.1.code.digits == "01012990" }?.1.text == "11.5%")
        #expect(rates.first { $0.0 == "ukgt" && $0.1.code.digits == "01039110" }?.1.expression?.summary == "34 GBP / 100 kg")
        let notes = events.compactMap { if case .note(_, let n) = $0 { n } else { nil } }
        #expect(notes.contains { $0.kind == "trade_remedy" && $0.code.digits == "01039110" })

        let badFlag = header + "1012990,x,1%,1%,No change,Maybe,False,False,False\n"
        let e = error(UKGlobalTariffReader(), "flag.csv", badFlag)
        #expect(e?.location == SourceLocation(file: "flag.csv", line: 2, column: 6, field: "trade_remedy_applies"))
    }

    static let htsJSON = """
        [ {"htsno":"0101","indent":"0","description":"Live horses:","units":[],"general":"","special":"","other":"","footnotes":[]},
          {"htsno":"","indent":"1","description":"Horses:","units":[],"general":"","special":"","other":"","footnotes":null},
          {"htsno":"0101.30.00","indent":"2","description":"Asses","units":[],"general":"6.8%",
           "special":"Free (A+,AU,CL) 1.2% (KR)","other":"15%",
           "footnotes":[{"columns":["general"],"value":"See 9903.88.15. ","type":"endnote"}],"additionalDuties":null},
          {"htsno":"0101.30.00.10","indent":"3","description":"Male","units":["No."],"general":"","special":"","other":"","footnotes":[]}
        ]
        """

    @Test func htsLinesProgramsAndFootnotes() throws {
        let events = try events(USHTSReader(), "hts.json", Self.htsJSON)
        let lines = events.compactMap { if case .line(_, let l) = $0 { l } else { nil } }
        #expect(lines.map(\.code.formatted) == ["0101", "0101.30.00", "0101.30.00.10"])
        #expect(lines[1].path == ["Live horses:", "Horses:"])
        #expect(lines[2].units == ["No."])
        let rates = events.compactMap { if case .rate(_, let r) = $0 { r } else { nil } }
        #expect(rates.filter { $0.kind == .preferential }.map { $0.program ?? "" } == ["A+", "AU", "CL", "KR"])
        #expect(rates.first { $0.program == "KR" }?.expression == .adValorem(Percentage(ExactDecimal("1.2")!), basis: .customsValue))
        #expect(rates.first { $0.kind == .nonMFN }?.text == "15%")
        #expect(events.contains { if case .note(_, let n) = $0 { n.text == "See 9903.88.15." } else { false } })
    }

    @Test func htsErrorsAndTruncation() throws {
        let cut = String(Self.htsJSON.prefix(200))
        #expect(error(USHTSReader(), "cut.json", cut)?.code == .truncated)
        let notArray = "{\"htsno\":\"0101\"}"
        #expect(error(USHTSReader(), "obj.json", notArray)?.message.contains("does not start with a JSON array") == true)
        let badIndent = "[{\"htsno\":\"0101\",\"indent\":\"x\"}]"
        #expect(error(USHTSReader(), "indent.json", badIndent)?.location?.field == "indent")
    }

    @Test(.enabled(if: TestData.isAvailable, "needs ../shared/data"))
    func aGzipFileCutShortIsReportedAsTruncated() throws {
        let whole = try Data(contentsOf: URL(fileURLWithPath: TestData.path("tariffs_mfn/usa_hts_2026_rev10.json.gz")))
        let path = try TestData.fixture("cut.json.gz", whole.prefix(whole.count / 2))
        #expect {
            try USHTSReader().read(try ByteSource(path: path, displayName: "cut.json.gz")) { _ in }
        } throws: { ($0 as? TarifError)?.code == .truncated }
    }

    @Test func unknownFormatListsTheKnownOnes() {
        #expect {
            try PublicationFormats.reader(for: "pdf")
        } throws: { ($0 as? TarifError)?.message.contains("btki-csv") == true }
    }
}

@Suite struct StagingReaderTests {
    static let countries: [String: Country] = [
        "IDN": Country(code: .indonesia, alpha2: "ID", numeric: "360", name: "Indonesia", officialName: "Republic of Indonesia", region: "Asia", subregion: "South-eastern Asia", isLeastDeveloped: false, isLandlockedDeveloping: false, isSmallIslandDeveloping: false, currency: "IDR", independence: "Yes"),
        "VNM": Country(code: try! CountryCode("VNM"), alpha2: "VN", numeric: "704", name: "Viet Nam", officialName: "Viet Nam", region: "Asia", subregion: "South-eastern Asia", isLeastDeveloped: false, isLandlockedDeveloping: false, isSmallIslandDeveloping: false, currency: "VND", independence: "Yes"),
    ]

    func read(_ text: String) throws -> [StagedRate] {
        let path = try TestData.fixture("staging.csv", text)
        let source = try ByteSource(path: path, displayName: "staging.csv")
        defer { source.close() }
        var out: [StagedRate] = []
        try StagingCSVReader().read(
            source, config: StagingSource(agreement: "ATIGA", importer: .indonesia, title: "t", legalSource: "l", sourceFile: "staging.csv"),
            country: { Self.countries[$0] }
        ) { _, r in out.append(r) }
        return out
    }

    @Test func readsStagesAndKeepsUnchangedYearsOut() throws {
        let rates = try read("code,description,base_rate,2022,2023,Y2024,2025\n1006.30.99,Beras,\"450,-/kg\",25,,20,20\n0901.21.10,Kopi,5,0,0,,\n")
        #expect(rates.map(\.text) == ["25", "20", "0"])
        #expect(rates.map(\.validFrom.description) == ["2022-01-01", "2024-01-01", "2022-01-01"])
        #expect(rates[0].expression.adValoremRate?.value == 25)
        #expect(rates[0].baseRate == "450,-/kg")
    }

    @Test func badInputNamesTheRowAndColumn() throws {
        #expect(throws: TarifError.self) { try read("hs,2022\n1006.30.99,5\n") }
        do {
            _ = try read("code,2022,2023\n1006.30.99,5,abc\n")
            Issue.record("no error")
        } catch let e as TarifError {
            #expect(e.description.contains("staging.csv:2"), "\(e)")
            #expect(e.description.contains("2023"), "\(e)")
        }
        do {
            _ = try read("code,2022\n1006.30.99,5\n1006.30.99,4\n")
            Issue.record("no error")
        } catch let e as TarifError {
            #expect(e.message.contains("appears twice"))
        }
        #expect(throws: TarifError.self) { try read("code,2023,2022\n1006.30.99,5,4\n") }
    }

    @Test func itaSpecificRatesBecomeCents() {
        #expect(ITAFTAReader.specific("0.9 cents/kg") == "0.9¢/kg")
        #expect(ITAFTAReader.specific("68 cents/head") == "68¢/head")
    }
}
