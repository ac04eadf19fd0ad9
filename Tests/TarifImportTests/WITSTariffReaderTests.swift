import Foundation
import TarifCore
import TarifTesting
import Testing
import ZIPFoundation

@testable import TarifImport

/// The WITS/TRAINS tariff-line reader on zips written here, and on broken ones.
struct WITSTariffReaderTests {
    static let header =
        #""Reporter","ReporterName","Partner","PartnerName","Year","TL","TLS","Duty Type","Duty Code","AV Duty Rate","Specific Duty Rate","TrfLineDescription","DutyTypeDescription","Duty Nature","AvMethod","Note""#

    static func row(_ tl: String, _ type: String, _ code: String, _ av: String, _ specific: String, _ desc: String, nature: String = "A", note: String = "", year: String = "2012") -> String {
        #""360","Indonesia","000"," World",\#(year),\#(tl),,\#(type),\#(code),\#(av),"\#(specific)","\#(desc)","x","\#(nature)",,"\#(note)""#
    }

    static let good = [
        header,
        row("901111000", "0", "2", "5", "", "Arabica WIB"), row("901111000", "3", "0", "0", "", "Arabica WIB"),
        row("901111000", "3", "3", "2", "", "Arabica WIB"),
        row("1006309000", "0", "2", "", "Rp 450/kg", "Other rice"), row("1006309000", "3", "0", "", "Rp 450/kg", "Other rice"),
        row("2.05e+08", "0", "2", "5", "", "Meat of horses"),
        row("2208300000", "0", "2", "", "Rp 125000/L", "Whiskies"),
        row("2402100000", "0", "2", "", "", "Cigars", nature: "N", note: "Duty rate not provided"),
    ]

    /// A zip holding `csv` (in Windows-1252) and the `[Content_Types].xml` WITS adds.
    func zip(_ csv: [UInt8], name: String = "DataJobID-1_1_2012.csv", extra: [String] = []) throws -> String {
        let dir = try TestData.temporaryDirectory()
        let url = dir.appendingPathComponent("wits.zip")
        let archive = try Archive(url: url, accessMode: .create)
        for (entry, bytes) in [(name, csv), ("[Content_Types].xml", Array("<Types/>".utf8))] + extra.map { ($0, csv) } {
            let data = Data(bytes)
            try archive.addEntry(with: entry, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return url.path
    }

    func events(_ path: String) throws -> [ImportEvent] {
        var out: [ImportEvent] = []
        try WITSTariffReader().read(try ByteSource(path: path, displayName: "wits.zip")) { out.append($0) }
        return out
    }

    static func cp1252(_ text: String) -> [UInt8] {
        Array(text.utf8).map { $0 }  // the fixtures are ASCII except where a test writes bytes itself
    }

    @Test func readsLinesRatesAndPrograms() throws {
        let events = try events(try zip(Self.cp1252(Self.good.joined(separator: "\n"))))
        let lines = events.compactMap { if case .line(_, let l) = $0 { l } else { nil } }
        #expect(lines.map(\.code.formatted) == ["0901.11.10.00", "1006.30.90.00", "0205.00.00.00", "2208.30.00.00", "2402.10.00.00"])
        let rates = events.compactMap { if case .rate(_, let r) = $0 { r } else { nil } }
        let coffee = try TariffCode("0901.11.10.00")
        #expect(rates.filter { $0.code == coffee }.map { "\($0.kind.rawValue):\($0.program ?? ""):\($0.text)" } == ["mfn::5%", "preferential:AFTA:0%", "preferential:AIFTA:2%"])
        let rice = try #require(rates.first { $0.code == (try? TariffCode("1006.30.90.00")) && $0.kind == .mfn })
        guard case .specific(let s)? = rice.expression else { Issue.record("rice is not specific"); return }
        #expect(s.amount == Money(450, .idr))
        #expect(s.unit.dimension == .mass)
        let whisky = try #require(rates.first { $0.code == (try? TariffCode("2208.30.00.00")) })
        guard case .specific(let w)? = whisky.expression else { Issue.record("whisky is not specific"); return }
        #expect(w.unit.dimension == .volume)
        // "Duty rate not provided": no rate, a note.
        #expect(!rates.contains { $0.code == (try? TariffCode("2402.10.00.00")) })
        #expect(events.contains { if case .note(_, let n) = $0 { n.text.contains("not provided") } else { false } })
    }

    @Test func windows1252IsDecoded() throws {
        var bytes = Array((Self.header + "\n" + Self.row("301100000", "0", "2", "5", "", "Sharks' fins")).utf8)
        let quote = bytes.firstIndex(of: UInt8(ascii: "'"))!
        bytes[quote] = 0x92  // Windows-1252 right single quotation mark
        let events = try events(try zip(bytes))
        let line = events.compactMap { if case .line(_, let l) = $0 { l } else { nil } }.first
        #expect(line?.descriptionEnglish == "Sharks\u{2019} fins")
    }

    @Test func scientificNotationIsReadExactlyOrRefused() {
        #expect(WITSTariffReader.lineNumber("2.05e+08") == "205000000")
        #expect(WITSTariffReader.lineNumber("4.09E+08") == "409000000")
        #expect(WITSTariffReader.lineNumber("901111000") == "901111000")
        #expect(WITSTariffReader.lineNumber("2.0512345e+03") == nil)  // not an integer
        #expect(WITSTariffReader.lineNumber("1e+99") == nil)
        #expect(WITSTariffReader.lineNumber("-1") == nil)
        #expect(WITSTariffReader.lineNumber("") == nil)
    }

    @Test(arguments: [
        ([header, row("90111100x", "0", "2", "5", "", "x")], "TL"),
        ([header, row("901111000", "7", "2", "5", "", "x")], "Duty Type"),
        ([header, row("901111000", "3", "9", "5", "", "x")], "Duty Code"),
        ([header, row("901111000", "0", "2", "5", "", "x"), row("901111000", "0", "2", "5", "", "x")], "second"),
        ([header, row("901111000", "0", "2", "5", "", "x"), row("901119000", "0", "2", "5", "", "x", year: "2013")], "Year"),
        ([#""Reporter","TL""#, #""360",901111000"#], "column"),
        ([String](), "empty"),
    ])
    func brokenContentIsAnErrorWithRowAndColumn(_ rows: [String], _ words: String) throws {
        let path = try zip(Array(rows.joined(separator: "\n").utf8))
        #expect {
            _ = try events(path)
        } throws: { error in
            guard let e = error as? TarifError else { return false }
            return (e.message + " " + (e.location?.description ?? "")).contains(words)
        }
    }

    @Test func aRateThatCannotBeReadIsListed() throws {
        let events = try events(try zip(Array([Self.header, Self.row("901111000", "0", "2", "", "Rp 450/bag", "x")].joined(separator: "\n").utf8)))
        let unparsed = events.compactMap { if case .unparsed(_, let u) = $0 { u } else { nil } }
        #expect(unparsed.count == 1)
        #expect(unparsed.first?.location.field == "Specific Duty Rate")
    }

    @Test func notAZipOrTwoCSVsAreRefused() throws {
        let plain = try TestData.fixture("wits.zip", Self.good.joined(separator: "\n"))
        #expect(throws: TarifError.self) { _ = try events(plain) }
        let two = try zip(Array(Self.good.joined(separator: "\n").utf8), extra: ["second.csv"])
        #expect { _ = try events(two) } throws: { ($0 as? TarifError)?.message.contains("2 CSV") == true }
    }
}

/// The WTO bound-duty (CTS) reader on zips written here.
struct WITSBoundReaderTests {
    static let header =
        #""Reporter","ReporterName","Year","TL","TLS","EX","Bound Duty AV","Bound Duty Other","Bound Duty Binding Status","Bound Duty Binding Coverage","Bound Duty Nature","Implementation From","Description","Bound Duty Unit","Certified","Source","Base Duty AV","Base Duty Other","Base Duty Binding Status","Base Duty Binding Coverage","Base Duty Unit","Base Duty Nature","ODC Duty AV","ODC Duty Other","Special Safeguard","Present Instrument","Present INR Text","First Instrument","Earlier INR Text""#

    static func row(_ tl: String, _ tls: String = "", _ ex: String = "", av: String, _ status: String, _ desc: String = "x", ssg: String = "") -> String {
        #""360","Indonesia",2002,\#(tl),\#(tls),"\#(ex)",\#(av),,"\#(status)",,"A",,"\#(desc)",,"C","HS96",,,"",,,"",0,,"\#(ssg)","WT/Let/318","","UR/94","#
    }

    func events(_ rows: [String]) throws -> [ImportEvent] {
        let path = try WITSTariffReaderTests().zip(Array(rows.joined(separator: "\n").utf8))
        var out: [ImportEvent] = []
        try WITSBoundReader().read(try ByteSource(path: path, displayName: "cts.zip")) { out.append($0) }
        return out
    }

    @Test func boundUnboundAndParts() throws {
        let events = try events([
            Self.header, Self.row("100630000", av: "160", "B", "Rice"), Self.row("870323190", av: "", "U", "Cars"),
            Self.row("10110100", av: "40", "B", "Horses", ssg: "SSG"), Self.row("330210100", "1", av: "150", "B", "part"),
        ])
        let rates = events.compactMap { if case .rate(_, let r) = $0 { r } else { nil } }
        #expect(rates.map { "\($0.code.formatted) \($0.text) \($0.kind.rawValue)" } == ["1006.30.000 160% bound", "0101.10.100 40% bound"])
        let notes = events.compactMap { if case .note(_, let n) = $0 { n } else { nil } }
        #expect(notes.contains { $0.code == (try? TariffCode("8703.23.190")) && $0.text == "unbound" })
        #expect(notes.contains { $0.text.contains("special safeguard") })
        #expect(notes.contains { $0.kind == "binding_part" && $0.text.hasPrefix("item 1") })
    }

    @Test(arguments: [
        ([header, row("100630000", av: "160", "X")], "binding status"),
        ([header, row("100630000", av: "160", "B"), row("100630000", av: "150", "B")], "bound twice"),
        ([header, row("1006300001", av: "160", "B")], "nine digits"),
        ([#""Reporter","TL""#, #""360",100630000"#], "column"),
    ])
    func brokenFilesSayWhere(_ rows: [String], _ words: String) {
        #expect {
            _ = try events(rows)
        } throws: { error in
            guard let e = error as? TarifError else { return false }
            return (e.message + " " + (e.location?.description ?? "")).contains(words)
        }
    }
}
