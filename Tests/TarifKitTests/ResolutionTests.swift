import Foundation
import TarifCore
import TarifImport
import TarifRegistry
import TarifRules
import TarifTesting
import Testing

@testable import TarifKit

/// Duty resolution on the real schedules and the curated registry.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct ResolutionTests {
    static let built: Result<(Tarif, Registry, ResolutionIndex), any Error> = Result {
        let tarif = try RealDatabaseTests.built.get()
        let registry = try tarif.registry()
        return (tarif, registry, try tarif.resolutionIndex(registry: registry))
    }

    func resolve(_ importer: String, _ line: String, from origin: String?, on day: String, value: ExactDecimal? = 10_000, quantity: String? = nil)
        throws -> DutyResolution
    {
        let (tarif, registry, _) = try Self.built.get()
        return try tarif.duty(
            importer: try CountryCode(importer), origin: try origin.map { try CountryCode($0) }, code: try TariffCode(line), on: try Day(iso: day),
            customsValue: value, quantities: try quantity.map { [try Quantity(parsing: $0)] } ?? [], registry: registry)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var importer: String
        var line: String
        var origin: String?
        var day: String
        var quantity: String? = nil
        var applied: [String]
        var appliedKind: Treatment.Kind
        var duty: ExactDecimal?
        /// A treatment that must be listed as excluded, and a phrase of its reason.
        var excluded: (label: String, reason: String)? = nil
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "USMCA free from MEX against a specific MFN", importer: "USA", line: "0709.30.20", origin: "MEX", day: "2026-03-01",
            quantity: "5000kg", applied: ["USMCA (S)"], appliedKind: .preferential, duty: 0),
        Case(
            name: "GSP after 2020-12-31: lapsed, MFN applies", importer: "USA", line: "0405.90.05", origin: "IDN", day: "2026-03-01",
            applied: ["MFN"], appliedKind: .mfn, duty: 1_000, excluded: ("US-GSP (A+)", "ended 2021-01-01")),
        Case(
            name: "Cuba pays column 2", importer: "USA", line: "0101.29.00", origin: "CUB", day: "2026-03-01", applied: ["non-MFN (column 2)"],
            appliedKind: .nonMFN, duty: 2_000, excluded: ("MFN", "withdrew MFN treatment")),
        Case(
            name: "North Korea pays column 2", importer: "USA", line: "6109.10.00", origin: "PRK", day: "2026-03-01",
            applied: ["non-MFN (column 2)"], appliedKind: .nonMFN, duty: 9_000),
        Case(
            name: "Russia after the 2022 withdrawal", importer: "USA", line: "6109.10.00", origin: "RUS", day: "2026-03-01",
            applied: ["non-MFN (column 2)"], appliedKind: .nonMFN, duty: 9_000),
        Case(
            name: "A* line, origin's GSP lapsed", importer: "USA", line: "0202.30.10.00", origin: "BRA", day: "2026-03-01", applied: ["MFN"],
            appliedKind: .mfn, duty: 400, excluded: ("US-GSP (A*)", "ended 2021-01-01")),
        Case(
            name: "no preference for the origin", importer: "USA", line: "6109.10.00", origin: "VNM", day: "2026-03-01", applied: ["MFN"],
            appliedKind: .mfn, duty: 1_650),
        Case(
            name: "two FTA partners, CAFTA-DR", importer: "USA", line: "6109.10.00", origin: "CRI", day: "2026-03-01", applied: ["CAFTA-DR (P)"],
            appliedKind: .preferential, duty: 0),
        Case(
            name: "Indonesia's rice from Viet Nam: MFN specific, ATIGA without a loaded rate", importer: "IDN", line: "1006.30.99",
            origin: "VNM", day: "2024-01-01", quantity: "2000000kg", applied: ["MFN"], appliedKind: .mfn, duty: 900_000_000,
            excluded: ("ATIGA", "no ATIGA rate for this line is loaded")),
        Case(
            name: "AUSFTA free on a 4.4% line", importer: "USA", line: "8715.00.00", origin: "AUS", day: "2026-03-01",
            applied: ["US-AU (AU)"], appliedKind: .preferential, duty: 0),
    ]

    @Test(arguments: cases) func realCases(_ c: Case) throws {
        let value: ExactDecimal = c.importer == "IDN" ? 1_000_000_000 : 10_000
        let r = try resolve(c.importer, c.line, from: c.origin, on: c.day, value: value, quantity: c.quantity)
        #expect(r.applied.map { r.treatments[$0].label } == c.applied, "\(r.treatments.map(\.label))")
        #expect(r.appliedTreatment?.kind == c.appliedKind)
        if let duty = c.duty { #expect(r.appliedTreatment?.duty?.amount == duty) }
        if let (label, reason) = c.excluded {
            let t = try #require(r.treatments.first { $0.label == label }, "\(r.treatments.map(\.label))")
            #expect(t.excludedBecause?.contains(reason) == true, "\(t.excludedBecause ?? "nil")")
        }
        for t in r.treatments {
            #expect(!t.legalBasis.article.isEmpty && !t.legalBasis.instrument.isEmpty, "\(t.label) has no legal basis")
        }
        #expect(!r.explanation.english.isEmpty && !r.explanation.indonesian.isEmpty)
    }

    @Test func rice() throws {
        let r = try resolve("IDN", "1006.30.99", from: "VNM", on: "2024-01-01", value: 1_000_000_000, quantity: "2000000kg")
        let labels = Set(r.treatments.map(\.label))
        #expect(labels.isSuperset(of: ["MFN", "ATIGA", "RCEP"]))
        #expect(r.treatments.first { $0.label == "RCEP" }?.rate == nil)
        #expect(r.explanation.indonesian.contains("Bea masuk yang terutang adalah 900.000.000,00 IDR"))
        // Without the quantity, the Indonesian text says what is missing in Indonesian (it said "tanpa the quantity in kg").
        let open = try resolve("IDN", "1006.30.99", from: "VNM", on: "2024-01-01", value: 1_000_000_000, quantity: nil)
        #expect(open.explanation.indonesian.contains("Bea masuk belum dapat dihitung tanpa jumlah barang dalam kg"), "\(open.explanation.indonesian)")
        #expect(!open.explanation.indonesian.contains("the quantity"))
        // RCEP is not yet in force for Indonesia on 2022-06-01.
        let before = try resolve("IDN", "1006.30.99", from: "VNM", on: "2022-06-01", value: 1_000_000_000, quantity: "2000000kg")
        #expect(!before.treatments.contains { $0.label == "RCEP" })
    }

    @Test func stagedCommitmentsAccompanyTheSchedulesProgramRate() throws {
        // 8715.00.00 (ITA TL 87150000): base 4.4%, AUSFTA immediate elimination, staged 0 from 2005.
        let r = try resolve("USA", "8715.00.00", from: "AUS", on: "2026-03-01")
        let au = try #require(r.treatments.first { $0.label == "US-AU (AU)" })
        #expect(au.notes.contains { $0.contains("staged commitment") && $0.contains("from 2005-01-01") }, "\(au.notes)")
        let staged = try RealDatabaseTests.built.get().store.stagedRates(
            importer: .unitedStates, code: try TariffCode("0101.90.20"), on: try Day(iso: "2006-06-01"))
        #expect(staged.first?.rate.text == "3.4%")  // 6.8% base, four-year staging: 5.1, 3.4, 1.7, 0
        #expect(staged.first?.validUntil == (try Day(iso: "2007-01-01")))
    }

    @Test func chapter99LayersAreListedApart() throws {
        let cn = try resolve("USA", "6109.10.00", from: "CHN", on: "2026-03-01")
        let layer = try #require(cn.additionalDuties.first { $0.heading.formatted == "9903.88.15" })
        #expect(layer.applies == true)
        #expect(layer.effect == .addOn)
        #expect(layer.duty == Money(750, .usd))
        #expect(cn.appliedTreatment?.duty == Money(1_650, .usd))  // not folded in
        // + 10% of the Section 122 surcharge (9903.03.01, any country, from 2026-02-24).
        #expect(cn.additionalDuties.first { $0.heading.formatted == "9903.03.01" }?.duty == Money(1_000, .usd))
        #expect(cn.dutyWithAdditional == Money(3_400, .usd))
        let vn = try resolve("USA", "6109.10.00", from: "VNM", on: "2026-03-01")
        #expect(vn.additionalDuties.first { $0.heading.formatted == "9903.88.15" }?.applies == false)
    }

    @Test func theFastPathAgreesWithTheFullResolution() throws {
        let (tarif, registry, index) = try Self.built.get()
        let day = try Day(iso: "2026-03-01")
        let codes = index.rateLines(of: .unitedStates, on: day).filter { $0.digits.prefix(2) != "99" }
        let origins = ["MEX", "CAN", "VNM", "CHN", "CUB", "RUS", "KOR", "AUS", "CRI", "IDN", "HTI", "JOR", "BRA"].map { try! CountryCode($0) }
        var checked = 0
        for (i, code) in codes.enumerated() where i % 97 == 0 {
            for origin in origins {
                let full = try tarif.duty(importer: .unitedStates, origin: origin, code: code, on: day, customsValue: 10_000, registry: registry)
                let context = DutyContext(currency: .usd, customsValue: Money(10_000, .usd), day: day)
                let quick = try #require(try index.resolve(importer: .unitedStates, origin: origin, code: code, day: day, context: context))
                let applied = try #require(full.appliedTreatment)
                #expect(quick.label == applied.label, "\(code) from \(origin)")
                #expect(quick.duty == applied.duty, "\(code) from \(origin)")
                checked += 1
            }
        }
        #expect(checked > 1_000)
    }

    /// The server writes resolutions by hand (``JSONWriter``); over real lines of the three
    /// schedules, origins of every standing, with and without a value and a quantity, the
    /// bytes are JSONEncoder's (sorted keys), and every optional part of an answer is met.
    @Test func handWrittenJSONIsTheEncodersJSON() throws {
        let (tarif, registry, index) = try Self.built.get()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let origins = ["MEX", "CHN", "VNM", "CUB", "IDN", "SGP", "JPN", "GBR", "AUS", "KOR", "HTI", "BRA"].map { try! CountryCode($0) } + [nil]
        var seen: Set<String> = []
        var compared = 0
        for (importer, day) in [("USA", "2026-03-01"), ("GBR", "2026-03-01"), ("IDN", "2025-06-01"), ("GBR", "2020-06-01")] {
            let importer = try CountryCode(importer), day = try Day(iso: day)
            let codes = index.rateLines(of: importer, on: day)
            for (i, code) in codes.enumerated() where i % 53 == 0 || code.digits.hasPrefix("1701") || code.digits.hasPrefix("2204") {
                let origin = origins[i % origins.count]
                let value: ExactDecimal? = i % 3 == 0 ? nil : 10_000
                let quantities = i % 2 == 0 ? [try Quantity(parsing: "1200 kg")] : []
                let r = try tarif.duty(importer: importer, origin: origin, code: code, on: day, customsValue: value, quantities: quantities, registry: registry)
                let written = JSONWriter.encode(r)
                let encoded = try encoder.encode(r)
                #expect(written == Array(encoded), "\(importer) \(code) from \(origin?.rawValue ?? "-")")
                if written != Array(encoded) { return }
                compared += 1
                if r.fallback != nil { seen.insert("fallback") }
                if r.origin == nil { seen.insert("no origin") }
                if r.line.descriptionLocal != nil { seen.insert("local description") }
                if !r.additionalDuties.isEmpty { seen.insert("additional duties") }
                if r.dutyWithAdditional != nil { seen.insert("duty with additional") }
                if r.scheduleValidity.end != nil { seen.insert("validity end") }
                for t in r.treatments {
                    if t.marginOfPreference != nil { seen.insert("margin") }
                    if t.program != nil { seen.insert("program") }
                    if !t.missing.isEmpty { seen.insert("missing") }
                    if t.excludedBecause != nil { seen.insert("excluded") }
                    if t.rate.map({ if case .specific = $0.core { true } else { false } }) == true { seen.insert("specific rate") }
                }
            }
        }
        #expect(compared > 1_000)
        #expect(seen == [
            "fallback", "no origin", "local description", "additional duties", "duty with additional", "validity end", "margin", "program",
            "missing", "excluded", "specific rate",
        ])
    }

    @Test func batchTotalsEqualTheSumOfSingleResolutions() throws {
        let (tarif, registry, index) = try Self.built.get()
        let day = try Day(iso: "2026-03-01")
        let codes = index.rateLines(of: .unitedStates, on: day).filter { $0.digits.prefix(2) != "99" }
        let origins = ["MEX", "VNM", "CHN", "CUB", "KOR", "CRI", "IDN"]
        var csv = "importer,origin,line,date,value,quantity\n"
        var expected: ExactDecimal = .zero
        var saved: ExactDecimal = .zero
        for i in 0..<300 {
            let code = codes[(i * 7919) % codes.count]
            let origin = origins[i % origins.count]
            let value = ExactDecimal(1_000 + i * 13)
            csv += "USA,\(origin),\(code.formatted),2026-03-01,\(value),100kg\n"
            let r = try tarif.duty(
                importer: .unitedStates, origin: try CountryCode(origin), code: code, on: day, customsValue: value,
                quantities: [try Quantity(parsing: "100kg")], registry: registry)
            if let d = r.appliedTreatment?.duty { expected = try expected + d.roundedToMinorUnit.amount }
            if r.appliedTreatment?.kind == .preferential, let f = r.fallback.flatMap({ r.treatments[$0].duty }), let d = r.appliedTreatment?.duty {
                saved = try saved + Money(try f.amount - d.amount, f.currency).roundedToMinorUnit.amount
            }
        }
        csv += "USA,VNM,0000.00,2026-03-01,10,\n"  // a bad row is reported, not fatal
        let path = try TestData.temporaryDirectory().appendingPathComponent("batch.csv").path
        try csv.write(toFile: path, atomically: true, encoding: .utf8)
        var out = ""
        var runner = BatchRunner(index: index)
        runner.blockSize = 2_048
        let summary = try runner.run(path: path) { out += String(decoding: $0, as: UTF8.self) }
        #expect(summary.shipments == 301)
        #expect(summary.failed == 1)
        #expect(summary.totalDuty["USD"] == expected)
        #expect(summary.savedByPreferences["USD"] ?? .zero == saved)
        let rows = out.split(separator: "\n")
        #expect(rows.count == 302)
        #expect(rows.last?.contains("line 302:") == true)
    }

    /// Rows cut across blocks anywhere, resolved by one worker or two, give the same output;
    /// CSV quoting, CRLF, a byte order mark, blank lines and bad rows are read as they should be.
    @Test func batchOutputDoesNotDependOnTheBlocks() throws {
        let (_, _, index) = try Self.built.get()
        let csv = "\u{FEFF}Importer, Origin ,line,date,value,quantity,note\r\n"
            + "USA,MEX,6109.10.00,2026-03-01,10000,100kg,plain\r\n"
            + "USA,\"VNM\",\"6109.10.00\",2026-03-01,\"1,000.50\",,\"two\nlines, and a comma\"\n"
            + "\n"
            + "usa, CHN ,0901.21.00,2026-03-01,  250 ,,\"say \"\"hi\"\"\"\n"
            + "USA,,6109.10.00,2026-03-01,10,,no origin\n"
            + "USA,ZZZZ,6109.10.00,2026-03-01,10,,bad origin\n"
            + "USA,VNM,6109.10.00,2026-02-30,10,,bad day\n"
            + "USA,VNM,6109.10.00,2026-03-01,-5,,negative\n"
            + "XXX,VNM,6109.10.00,2026-03-01,5,,no schedule\n"
            + "USA,VNM,6109.10.00,2026-03-01,5,3 parsecs,bad quantity\n"
            + "GBR,IDN,0901.21.00.00,2026-03-01,5,,é\n"
            + "IDN,VNM,1006.30.99,2024-01-01,1000000000,2000000kg,last\n"
            + "USA,QQQ,6109.10.00,2026-03-01,10,,unknown origin\n"
            + "USA,Mexico,6109.10.00,2026-03-01,10,,a name\n"
            + "USA,VNM,6109.10.00,2026-03-01,10000000000000000000000000000000000,,huge value\n"
            + "IDN,VNM,1006.30.99,2024-01-01,1,10000000000000000000000000kg,huge quantity\n"
            + "USA,VNM\n"
            + "GBR,IDN,0901.21.00.00,2020-06-01,5,,before the UKGT"
        let path = try TestData.fixture("blocks.csv", csv)
        func run(blockSize: Int, workers: Int) throws -> (String, BatchSummary) {
            var runner = BatchRunner(index: index)
            runner.blockSize = blockSize
            runner.workers = workers
            var out: [UInt8] = []
            let summary = try runner.run(path: path) { out += $0 }
            return (String(decoding: out, as: UTF8.self), summary)
        }
        let (reference, summary) = try run(blockSize: 1 << 20, workers: 1)
        for size in [1, 2, 7, 40, 97, 300] {
            for workers in [0, 1, 2, 3] {  // 0 is taken as 1
                let (out, s) = try run(blockSize: size, workers: workers)
                #expect(out == reference, "block size \(size), \(workers) workers")
                #expect(s == summary, "block size \(size), \(workers) workers")
            }
        }
        let rows = reference.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(rows[0] == BatchRunner.outputHeader)
        #expect(summary.shipments == 17)
        #expect(summary.failed == 9)
        // Rows name the line they start on; the quoted line break and the blank line count.
        #expect(rows[1].hasPrefix("2,USA,MEX,6109.10.00,2026-03-01,10000,100kg,"))
        #expect(rows[2].hasPrefix("3,USA,VNM,6109.10.00,2026-03-01,\"1,000.50\",,"))
        #expect(rows[3].hasPrefix("6,usa, CHN ,0901.21.00,2026-03-01,  250 ,,MFN,mfn,"))
        #expect(rows[4].hasPrefix("7,USA,,6109.10.00,2026-03-01,10,,MFN,mfn,"))
        // An error cell with a comma is quoted.
        #expect(rows[5].hasSuffix(",,,,,,,,line 8: unknown country 'ZZZZ'"))
        #expect(rows[6].hasSuffix("line 9: '2026-02-30' is not a day of the calendar"))
        #expect(rows[7].hasSuffix("line 10: value -5 is negative; it must be zero or more"))
        #expect(rows[8].contains("line 11: unknown country 'XXX'"))
        #expect(rows[9].contains(",,,,,,,,\"line 12: 'parsecs' in '3 parsecs' is not a unit"))
        #expect(rows[10].hasPrefix("13,GBR,IDN,0901.21.00.00,2026-03-01,5,,"))
        #expect(rows[10].contains(",GBP,"))  // the UK Global Tariff's currency from 2021
        #expect(rows[11].hasPrefix("14,IDN,VNM,1006.30.99,2024-01-01,1000000000,2000000kg,MFN,mfn,450 IDR / kg,900000000,IDR,"))
        // An unknown origin is refused as a single question refuses it; names are read.
        #expect(rows[12].contains("line 15: unknown country 'QQQ'"))
        #expect(rows[13].hasPrefix("16,USA,Mexico,6109.10.00,2026-03-01,10,,USMCA"))
        // Out-of-bound numbers and a short row are reported in their rows; the batch goes on.
        #expect(rows[14].contains("line 17: value 10000000000000000000000000000000000 is beyond the limit of 10^18"))
        #expect(rows[15].contains("line 18: quantity 10000000000000000000000000 is beyond the limit of 10^15"))
        #expect(rows[16] == "19,,,,,,,,,,,,,,line 19: the row has 2 fields; the header has 7")
        #expect(rows[17].hasPrefix("20,GBR,IDN,0901.21.00.00,2020-06-01,5,,") && rows[17].contains(",EUR,"))  // the EU CET until 2020
        #expect(rows[18] == "")

        // A quote left open stops the run, naming the line, whatever the blocks.
        let open = try TestData.fixture("open.csv", "importer,origin,line,date,value\nUSA,MEX,6109.10.00,2026-03-01,1\nUSA,\"MEX,6109.10.00,2026-03-01,1\n")
        let noColumn = try TestData.fixture("nocol.csv", "importer,origin,code,value\nUSA,MEX,6109.10.00,1\n")
        for size in [1, 16, 1 << 20] {
            var runner = BatchRunner(index: index)
            runner.blockSize = size
            #expect(throws: TarifError(.truncated, "the file ends inside a quoted field that starts here", at: SourceLocation(file: open, line: 3, column: 5))) {
                try runner.run(path: open) { _ in }
            }
            let e = #expect(throws: TarifError.self) { try runner.run(path: noColumn) { _ in } }
            #expect(e?.message.contains("no 'date' column") == true)
        }
    }

    @Test func marketsAndOriginsRank() throws {
        let (_, _, index) = try Self.built.get()
        let day = try Day(iso: "2026-03-01")
        let markets = try index.markets(from: .indonesia, product: try TariffCode("0901.21"), on: day)
        #expect(markets.map(\.importer).contains(.unitedStates))
        #expect(!markets.map(\.importer).contains(.indonesia))
        let origins = try index.origins(to: .unitedStates, code: try TariffCode("6109.10.00"), on: day, context: DutyContext(currency: .usd, day: day))
        let mex = try #require(origins.firstIndex { $0.origin.rawValue == "MEX" })
        let vnm = try #require(origins.firstIndex { $0.origin.rawValue == "VNM" })
        let cub = try #require(origins.firstIndex { $0.origin.rawValue == "CUB" })
        #expect(mex < vnm && vnm < cub)
        let svg = SVGBarChart(title: "t <x>", unit: "%", bars: [.init(label: "A&B", value: 2)]).render()
        #expect(svg.hasPrefix("<svg") && svg.contains("A&amp;B") && svg.contains("t &lt;x&gt;"))
    }
}
