import Foundation
import TarifCore
import TarifImport
import TarifRules
import TarifTesting
import Testing

@testable import TarifKit

/// The Parquet writer on its own: the file's frame, the Thrift compact encoding, the
/// definition levels; read back by pyarrow and DuckDB when the Python environment is there.
struct ParquetWriterTests {
    @Test func thriftCompactEncodesFieldsListsAndStructs() {
        var t = Thrift()
        t.i32(1, 1)  // field 1, i32: header 0x15, zigzag(1) = 2
        t.i64(3, -1)  // delta 2, i64: 0x26, zigzag(-1) = 1
        t.binary(20, "ab")  // delta 17 > 15: type byte then the zigzag id (40)
        t.list(21, .i32, 2) { l in
            l.element32(0)
            l.element32(3)
        }
        t.structure(22) { s in s.i32(1, 150) }  // 150 → zigzag 300 → varint AC 02
        t.stop()
        #expect(t.bytes == [0x15, 0x02, 0x26, 0x01, 0x08, 0x28, 0x02, 0x61, 0x62, 0x19, 0x25, 0x00, 0x06, 0x1C, 0x15, 0xAC, 0x02, 0x00, 0x00])
    }

    @Test func definitionLevelsAreOneBitPackedRun() {
        // 10 levels: 2 groups of 8 → header (2 << 1) | 1 = 5; bits LSB first.
        #expect(ParquetWriter.bitPacked([1, 0, 1, 1, 0, 0, 0, 1, 1, 1]) == [0x05, 0b1000_1101, 0b0000_0011])
        #expect(ParquetWriter.bitPacked([]) == [0x01])
    }

    @Test func aFileHasItsMagicFooterAndRowGroups() throws {
        let path = try TestData.temporaryDirectory().appendingPathComponent("t.parquet").path
        let w = try ParquetWriter(path: path, columns: [.init("name", .string), .init("rate", .double, optional: true), .init("n", .int64)], rowGroupSize: 2)
        let rows: [(String, Double?, Int64)] = [("Free", 0, 1), ("", nil, -2), ("ÿ 日本", 16.5, Int64.max), ("x,\"y\"", nil, 0), ("last", 1e-9, 5)]
        for r in rows {
            w.string(0, r.0)
            w.double(1, r.1)
            w.int64(2, r.2)
            try w.endRow()
        }
        try w.close()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(Array(bytes.prefix(4)) == Array("PAR1".utf8) && Array(bytes.suffix(4)) == Array("PAR1".utf8))
        let footer = Int(bytes[bytes.count - 8]) | Int(bytes[bytes.count - 7]) << 8 | Int(bytes[bytes.count - 6]) << 16 | Int(bytes[bytes.count - 5]) << 24
        #expect(footer > 0 && footer < bytes.count - 12)
        #expect(w.rowGroups.count == 3 && w.totalRows == 5)
        if let python = PythonPeer.python {
            let out = try PythonPeer.run(
                python,
                """
                import sys, pyarrow.parquet as pq, duckdb
                t = pq.read_table(sys.argv[1])
                print(t.num_rows, pq.ParquetFile(sys.argv[1]).num_row_groups)
                print(repr(t.to_pylist()))
                print(duckdb.sql(f"select count(*), count(rate), sum(n) filter (where n < 100) from '{sys.argv[1]}'").fetchall())
                """, arguments: [path])
            let lines = out.split(separator: "\n").map(String.init)
            #expect(lines.first == "5 3", "\(out)")
            #expect(lines.count > 1 && lines[1].contains("'name': 'ÿ 日本', 'rate': 16.5, 'n': 9223372036854775807"), "\(out)")
            #expect(lines.count > 1 && lines[1].contains("{'name': '', 'rate': None, 'n': -2}"), "\(out)")
            #expect(lines.count > 2 && lines[2] == "[(5, 3, 4)]", "\(out)")
        }
    }
}

/// The Python with pyarrow and DuckDB the tests read Parquet with: `TARIF_PYTHON`, else the
/// benchmarks' environment (`Benchmarks/.venv`, which `scripts/test` creates).
/// `TARIF_REQUIRE_PYTHON=1` makes its absence a failure, so the test cannot pass by being skipped.
enum PythonPeer {
    static let python: String? = {
        let env = ProcessInfo.processInfo.environment
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [env["TARIF_PYTHON"], repository.appendingPathComponent("Benchmarks/.venv/bin/python").path].compactMap { $0 }
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0) && (try? run($0, "import pyarrow, duckdb", arguments: [])) != nil }
        if found == nil && env["TARIF_REQUIRE_PYTHON"] == "1" { Issue.record("no Python with pyarrow and duckdb (TARIF_PYTHON, Benchmarks/.venv)") }
        return found
    }()

    @discardableResult
    static func run(_ python: String, _ script: String, arguments: [String]) throws -> String {
        try TestData.run(python, ["-c", script] + arguments)
    }
}

/// The market-access matrix over the real schedules on 2026-08-01 (every importer: Australia,
/// the UK, Indonesia, Japan, the US).
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct MatrixRealTests {
    static let day = Day(year: 2026, month: 8, day: 1)!
    static let origins = ["IDN", "VNM", "THA", "MYS", "SGP", "PHL", "CHN", "JPN", "KOR", "AUS", "NZL", "USA", "MEX", "CAN", "GBR", "DEU", "BGD", "HTI", "CUB", "CHL"]
        .map { try! CountryCode($0) }

    struct Built: @unchecked Sendable {
        var tarif: Tarif
        var index: ResolutionIndex
        var directory: URL
        var manifest: MarketAccessMatrix.Manifest
    }

    static let built: Result<Built, any Error> = Result {
        let tarif = try RealDatabaseTests.built.get()
        let index = try tarif.resolutionIndex(days: [day])
        let directory = try TestData.temporaryDirectory().appendingPathComponent("matrix")
        var question = MarketAccessMatrix.Question(day: day)
        question.origins = origins
        let manifest = try MarketAccessMatrix.write(
            question, index: index, dataTag: try DutyService.dataTag(of: tarif.store), schedules: try tarif.store.schedules(), to: directory.path)
        return Built(tarif: tarif, index: index, directory: directory, manifest: manifest)
    }

    static func rows(_ path: URL) throws -> (header: [String], rows: [[String]]) {
        let reader = try CSVReader(source: try ByteSource(path: path.path, hashing: false))
        var rows: [[String]] = []
        while let r = try reader.next() { rows.append(r.fields) }
        return (reader.header, rows)
    }

    /// A random sample of 100,000 cells (seeded) equals the full resolution `tarif duty` gives
    /// for the same importer, origin, line and day: the treatment, the rate, the MFN rate.
    @Test func aSampleOfCellsIsTheFullResolution() throws {
        let b = try Self.built.get()
        let (header, rows) = try Self.rows(b.directory.appendingPathComponent("cells.csv"))
        #expect(header == MarketAccessMatrix.cellColumns.map(\.name))
        #expect(rows.count == b.manifest.cells)
        #expect(Set(rows.map { $0[0] }) == ["AUS", "GBR", "IDN", "JPN", "USA"])
        #expect(rows.count > 850_000, "\(rows.count) cells")
        let service = try DutyService(tarif: b.tarif)
        var rng = SplitMix64(seed: 20_261_205)
        var checked = 0
        var preferential = 0
        for _ in 0..<100_000 {
            let row = rows[Int(rng.next() % UInt64(rows.count))]
            let r = try service.duty(importer: try CountryCode(row[0]), origin: try CountryCode(row[1]), code: try TariffCode(row[2]), on: Self.day, customsValue: 100)
            let applied = try #require(r.appliedTreatment)
            // The floor: column 2 where the origin's MFN treatment is withdrawn, else MFN.
            let floor = try #require(r.treatments.first { $0.kind == .nonMFN } ?? r.treatments.first { $0.kind == .mfn })
            let expected = [
                applied.kind == .mfn ? "mfn" : applied.kind == .nonMFN ? "non-mfn" : "preferential", applied.label, applied.agreement ?? "",
                applied.rate?.summary ?? "", applied.rate?.adValoremRate?.value.normalized.description ?? "", floor.rate?.summary ?? "",
            ]
            let got = [row[3], row[4], row[5], row[6], row[7], row[8]]
            #expect(got == expected, "\(row[0]) \(row[2]) from \(row[1])")
            if got != expected { return }
            if row[3] == "preferential" { preferential += 1 }
            checked += 1
        }
        #expect(checked == 100_000 && preferential > 5_000, "\(preferential) preferential cells in the sample")
    }

    /// Every cell of chapter 09 and of rice, every importer × every country of the registry, equals
    /// the full resolution (exhaustive over that part of the matrix).
    @Test func everyCellOfCoffeeTeaSpicesAndRiceIsTheFullResolution() throws {
        let b = try Self.built.get()
        let service = try DutyService(tarif: b.tarif)
        let origins = b.index.registry.countries.keys.sorted()
        var cells = 0
        for importer in b.index.importerCodes {
            let context = DutyContext(currency: b.index.currency(of: importer, on: Self.day)!, customsValue: Money(100, b.index.currency(of: importer, on: Self.day)!), day: Self.day)
            try b.index.forEachMatrixCell(importer: importer, origins: origins, on: Self.day, products: [try TariffCode("09"), try TariffCode("1006")], context: context) {
                code, _, _, group, q in
                for origin in group {
                    let r = try service.duty(importer: importer, origin: origin, code: code, on: Self.day, customsValue: 100)
                    let applied = try #require(r.appliedTreatment)
                    #expect(q.label == applied.label && q.rate == applied.rate, "\(importer) \(code) from \(origin): \(q.label) \(q.rate.summary) vs \(applied.label) \(applied.rate?.summary ?? "-")")
                    cells += 1
                }
            }
        }
        #expect(cells > 60_000, "\(cells)")
    }

    /// pairs.csv and chapters.csv equal a straightforward recomputation from cells.csv.
    @Test func theAggregatesAreTheCellsSummed() throws {
        let b = try Self.built.get()
        let (_, rows) = try Self.rows(b.directory.appendingPathComponent("cells.csv"))
        struct Sum { var lines = 0, av = 0, free = 0, marginLines = 0, preferential = 0; var rate = ExactDecimal.zero, margin = ExactDecimal.zero }
        var pairs: [String: Sum] = [:]
        var chapters: [String: Sum] = [:]
        for r in rows {
            for (key, isPair) in [("\(r[0]),\(r[1])", true), ("\(r[0]),\(r[1]),\(r[2].prefix(2))", false)] {
                var s = (isPair ? pairs[key] : chapters[key]) ?? Sum()
                s.lines += 1
                if let v = ExactDecimal(r[7]) {
                    s.av += 1
                    s.rate = try s.rate + v
                    if v.isZero { s.free += 1 }
                }
                if let m = ExactDecimal(r[10]) {
                    s.marginLines += 1
                    s.margin = try s.margin + m
                }
                if r[3] == "preferential" { s.preferential += 1 }
                if isPair { pairs[key] = s } else { chapters[key] = s }
            }
        }
        func line(_ s: Sum) throws -> String {
            let avg = s.av == 0 ? "" : try #require(try s.rate.divided(by: ExactDecimal(s.av), scale: 4, rule: .halfUp)).normalized.description
            let share = try #require(try ExactDecimal(s.free * 100).divided(by: ExactDecimal(s.lines), scale: 2, rule: .halfUp)).normalized.description
            let margin = s.marginLines == 0 ? "" : try #require(try s.margin.divided(by: ExactDecimal(s.marginLines), scale: 4, rule: .halfUp)).normalized.description
            return "\(s.lines),\(s.av),\(avg),\(s.free),\(share),\(s.marginLines),\(margin),\(s.preferential)"
        }
        let (_, pairRows) = try Self.rows(b.directory.appendingPathComponent("pairs.csv"))
        #expect(pairRows.count == pairs.count)
        for r in pairRows {
            let expected = try line(try #require(pairs["\(r[0]),\(r[1])"]))
            #expect(r[2..<10].joined(separator: ",") == expected, "\(r[0]) \(r[1]): \(r[2..<10].joined(separator: ",")) vs \(expected)")
            #expect(r[10].isEmpty && r[11].isEmpty, "no trade weights given")
        }
        let (_, chapterRows) = try Self.rows(b.directory.appendingPathComponent("chapters.csv"))
        #expect(chapterRows.count == chapters.count)
        for r in chapterRows { #expect(r[3..<11].joined(separator: ",") == (try line(try #require(chapters["\(r[0]),\(r[1]),\(r[2])"]))), "\(r[0]) \(r[1]) \(r[2])") }
        // Mexico into the US: USMCA makes over 90% of the lines free; Cuba pays column 2 (a simple average over 30%).
        let mex = try #require(pairRows.first { $0[0] == "USA" && $0[1] == "MEX" })
        let cub = try #require(pairRows.first { $0[0] == "USA" && $0[1] == "CUB" })
        #expect(ExactDecimal(mex[6])! > 90 && ExactDecimal(cub[4])! > 30 && ExactDecimal(mex[4])! < 1, "\(mex) \(cub)")
    }

    /// cells.parquet holds the cells of cells.csv, as pyarrow and DuckDB read them.
    @Test func theParquetCellsAreTheCSVCells() throws {
        let b = try Self.built.get()
        guard let python = PythonPeer.python else { return }
        let out = try PythonPeer.run(
            python,
            """
            import sys, csv, pyarrow.parquet as pq, duckdb
            d = sys.argv[1]
            t = pq.read_table(d + '/cells.parquet')
            cols = t.column_names
            pa_rows = t.to_pylist()
            def text(v):
                if v is None: return ''
                if isinstance(v, float): return repr(v)
                return v
            with open(d + '/cells.csv', newline='') as f:
                r = csv.reader(f)
                header = next(r)
                assert header == cols, (header, cols)
                n = 0
                for row, p in zip(r, pa_rows):
                    for name, cell in zip(header, row):
                        v = p[name]
                        if isinstance(v, float):
                            assert cell != '' and abs(float(cell) - v) < 1e-9, (name, cell, v)
                        else:
                            assert (v or '') == cell, (name, cell, v)
                    n += 1
            assert n == len(pa_rows), (n, len(pa_rows))
            q = duckdb.sql(f"select count(*), count(distinct importer), count(distinct origin), sum(case when kind = 'preferential' then 1 else 0 end), round(avg(ad_valorem), 6) from '{d}/cells.parquet'").fetchall()[0]
            c = duckdb.sql(f"select count(*), count(distinct importer), count(distinct origin), sum(case when kind = 'preferential' then 1 else 0 end), round(avg(ad_valorem), 6) from read_csv('{d}/cells.csv', types={{'ad_valorem': 'DOUBLE', 'mfn_ad_valorem': 'DOUBLE', 'margin': 'DOUBLE'}})").fetchall()[0]
            print(n, q == c, q)
            """, arguments: [b.directory.path])
        let parts = out.split(separator: " ", maxSplits: 2)
        #expect(parts.count == 3 && Int(parts[0]) == b.manifest.cells && parts[1] == "True", "\(out)")
    }

    /// The manifest names the schedules and the day; bad questions are refused naming what is
    /// wrong; a failed run leaves the directory as it was, a good one replaces it whole.
    @Test func manifestErrorsAndAllOrNothing() throws {
        let b = try Self.built.get()
        #expect(b.manifest.day == "2026-08-01" && b.manifest.schedules.map(\.importer) == ["AUS", "GBR", "IDN", "JPN", "USA"])
        #expect(b.manifest.schedules.allSatisfy { $0.lines > 4_000 } && b.manifest.origins == Self.origins.count)
        let dir = try TestData.temporaryDirectory().appendingPathComponent("out")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data("old".utf8).write(to: dir.appendingPathComponent("old.txt"))
        var bad = MarketAccessMatrix.Question(day: Self.day, importers: [try CountryCode("FRA")])
        let e = #expect(throws: TarifError.self) {
            try MarketAccessMatrix.write(bad, index: b.index, dataTag: "t", schedules: [], to: dir.path)
        }
        #expect(e?.message.contains("FRA has no schedule in force on 2026-08-01") == true)
        bad = MarketAccessMatrix.Question(day: Self.day, importers: [.indonesia], origins: [try CountryCode("QQQ")])
        #expect(throws: TarifError.self) { try MarketAccessMatrix.write(bad, index: b.index, dataTag: "t", schedules: [], to: dir.path) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["old.txt"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.deletingLastPathComponent().path) == ["out"], "no partial directory left")
        var good = MarketAccessMatrix.Question(day: Self.day, importers: [.indonesia], origins: [try CountryCode("VNM")], products: [try TariffCode("1006")])
        good.cells = true
        let m = try MarketAccessMatrix.write(good, index: b.index, dataTag: "t", schedules: try b.tarif.store.schedules(), to: dir.path)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)) == ["cells.csv", "cells.parquet", "pairs.csv", "chapters.csv", "manifest.json"])
        #expect(m.cells == m.schedules.first?.lines && m.cells > 5)
    }

    /// Trade-weighted averages: each HS subheading's simple average of the origin's ad valorem
    /// rates, weighted by its exports of it; equal to a recomputation from the cells. A bad
    /// flows file is refused naming its line and column.
    @Test func tradeWeightsWeighTheSubheadings() throws {
        let b = try Self.built.get()
        let flows = try TestData.fixture(
            "flows.csv",
            """
            exporter,importer,hs6,value
            IDN,JPN,090121,1000
            IDN,JPN,151110,3000
            IDN,JPN,610910,250.5
            VNM,JPN,090121,500
            IDN,USA,610910,700
            IDN,USA,090111,300
            THA,AUS,100630,10

            """)
        var question = MarketAccessMatrix.Question(day: Self.day, importers: [try CountryCode("JPN"), .unitedStates, try CountryCode("AUS")])
        question.origins = [.indonesia, try CountryCode("VNM"), try CountryCode("THA")]
        question.flows = try TradeFlows.read(path: flows, registry: b.index.registry)
        let dir = try TestData.temporaryDirectory().appendingPathComponent("weighted")
        _ = try MarketAccessMatrix.write(question, index: b.index, dataTag: "t", schedules: [], to: dir.path)
        let (_, cells) = try Self.rows(dir.appendingPathComponent("cells.csv"))
        let weights: [String: Double] = ["JPN,IDN,090121": 1000, "JPN,IDN,151110": 3000, "JPN,IDN,610910": 250.5, "JPN,VNM,090121": 500, "USA,IDN,610910": 700, "USA,IDN,090111": 300, "AUS,THA,100630": 10]
        var perHS: [String: (Double, Int)] = [:]
        for c in cells {
            guard let r = Double(c[7]) else { continue }
            let key = "\(c[0]),\(c[1]),\(c[2].filter(\.isNumber).prefix(6))"
            perHS[key, default: (0, 0)].0 += r
            perHS[key, default: (0, 0)].1 += 1
        }
        var expected: [String: (Double, Double)] = [:]
        for (key, w) in weights {
            guard let (sum, n) = perHS[key] else { continue }
            let pair = key.split(separator: ",").prefix(2).joined(separator: ",")
            expected[pair, default: (0, 0)].0 += w * sum / Double(n)
            expected[pair, default: (0, 0)].1 += w
        }
        let (_, pairs) = try Self.rows(dir.appendingPathComponent("pairs.csv"))
        var checked = 0
        for p in pairs {
            if let (num, den) = expected["\(p[0]),\(p[1])"] {
                #expect(p[10] == String(format: "%.2f", den) && p[11] == String(format: "%.4f", num / den), "\(p)")
                checked += 1
            } else {
                #expect(p[10].isEmpty && p[11].isEmpty, "\(p)")
            }
        }
        #expect(checked == 4, "JPN-IDN, JPN-VNM, USA-IDN, AUS-THA")
        // Indonesian coffee at RCEP's 7.5% and palm oil free under AJCEP weigh 1,000 and 3,000 (and T-shirts).
        let jpnIDN = try #require(pairs.first { $0[0] == "JPN" && $0[1] == "IDN" })
        #expect(jpnIDN[10] == "4250.50")

        for (text, words) in [
            ("exporter,importer,value\nIDN,JPN,1\n", "lacks hs6"),
            ("exporter,importer,hs6,value\nIDN,XXX,090121,1\n", ":2 (importer)"),
            ("exporter,importer,hs6,value\nIDN,JPN,0901,1\n", "is not an HS subheading"),
            ("exporter,importer,hs6,value\nIDN,JPN,09012A,1\n", "is not an HS subheading"),
            ("exporter,importer,hs6,value\nIDN,JPN,090121,-5\n", ":2 (value)"),
            ("exporter,importer,hs6,value\nIDN,JPN,090121,1\nIDN,JPN,0901.21,2\n", "given twice (first on line 2)"),
        ] {
            let path = try TestData.fixture("bad.csv", text)
            let e = #expect(throws: TarifError.self) { _ = try TradeFlows.read(path: path, registry: b.index.registry) }
            #expect("\(e.map { "\($0.location.map { "\($0)" } ?? ""): \($0.message)" } ?? "")".contains(words), "\(text): \(String(describing: e))")
        }
    }

    /// The heat map of the pairs: a row per importer, a column per origin, Cuba's US cell the
    /// reddest (column 2), the importer's own cell grey.
    @Test func theHeatMapDrawsEveryPair() throws {
        let b = try Self.built.get()
        let map = try MarketAccessMatrix.heatMap(directory: b.directory.path, day: "2026-08-01")
        #expect(map.rows == ["AUS", "GBR", "IDN", "JPN", "USA"] && map.columns == Self.origins.map(\.rawValue).sorted())
        let us = try #require(map.values.last)
        let cubaColumn = try #require(map.columns.firstIndex(of: "CUB"))
        let usaColumn = try #require(map.columns.firstIndex(of: "USA"))
        let cuba = try #require(us[cubaColumn])
        #expect(us.compactMap { $0 }.allSatisfy { $0 <= cuba } && cuba > 30)
        #expect(us[usaColumn] == nil)
        let svg = map.render()
        #expect(svg.hasPrefix("<svg") && svg.contains("USA ← CUB: ") && svg.contains("fill=\"#e5e5e5\"") && svg.hasSuffix("</svg>\n"))
        #expect(SVGHeatMap.colour(0) == "#1a9850" && SVGHeatMap.colour(1) == "#c00020")
    }
}

