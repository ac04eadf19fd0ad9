import Foundation
import TarifCore
import TarifTesting
import Testing
import ZIPFoundation

@testable import TarifImport

/// The xlsx reader and the WTO RTA export on workbooks written here, and broken ones.
struct XLSXWorkbookTests {
    static let workbook = #"<?xml version="1.0"?><workbook xmlns:r="r"><sheets><sheet name="AllRTAs" sheetId="1" r:id="rId1" /><sheet name="RTA Changes" sheetId="2" r:id="rId2"/></sheets></workbook>"#
    static let rels = #"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.xml" /><Relationship Id="rId2" Target="worksheets/sheet2.xml" /></Relationships>"#

    static func sheet(_ rows: [[(String, String, String?)]]) -> String {
        // (reference, value, type)
        let body = rows.enumerated().map { i, cells in
            "<row r=\"\(i + 1)\">" + cells.map { ref, v, t in
                t == "inlineStr" ? "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(v)</t></is></c>" : "<c r=\"\(ref)\"\(t.map { " t=\"\($0)\"" } ?? "")><v>\(v)</v></c>"
            }.joined() + "</row>"
        }.joined()
        return "<worksheet><sheetData>\(body)</sheetData></worksheet>"
    }

    static let header = [
        "RTA ID", "RTA Name", "Coverage", "Type", "Notification", "Status", "Date of Signature (G)", "Date of Entry into Force (G)",
        "Date of Entry into Force (S)", "Inactive Date", "RTA Composition", "Current signatories", "Original signatories",
        "Specific Entry/Exit dates", "Remarks",
    ]
    static let letters = ["A", "B", "C", "D", "E", "F", "G", "K", "L", "M", "O", "S", "T", "U", "AB"]

    func write(_ parts: [String: String]) throws -> String {
        let path = try TestData.temporaryDirectory().appendingPathComponent("book.xlsx")
        let archive = try Archive(url: path, accessMode: .create)
        for (name, text) in parts.sorted(by: { $0.key < $1.key }) {
            let data = Data(text.utf8)
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<(Int(position) + size))
            }
        }
        return path.path
    }

    func rtaBook(rows: [[String]], shared: [String]) throws -> String {
        var cells: [[(String, String, String?)]] = [Self.header.enumerated().map { (Self.letters[$0.offset] + "1", $0.element, "inlineStr") }]
        for row in rows {
            cells.append(row.enumerated().map { i, v in (Self.letters[i], v, Int(v) == nil ? "inlineStr" : nil) })
        }
        let sst = "<sst>" + shared.map { "<si><t>\($0)</t></si>" }.joined() + "</sst>"
        return try write([
            "xl/workbook.xml": Self.workbook, "xl/_rels/workbook.xml.rels": Self.rels, "xl/sharedStrings.xml": sst,
            "xl/worksheets/sheet1.xml": Self.sheet(cells), "xl/worksheets/sheet2.xml": Self.sheet([]),
        ])
    }

    @Test func readsSharedInlineAndNumberCellsWithEntities() throws {
        let sst = "<sst><si><t>Korea, Republic of</t></si><si><r><t>A &amp; </t></r><r><t xml:space=\"preserve\">B &#233;</t></r></si></sst>"
        let path = try write([
            "xl/workbook.xml": Self.workbook, "xl/_rels/workbook.xml.rels": Self.rels, "xl/sharedStrings.xml": sst,
            "xl/worksheets/sheet1.xml": Self.sheet([[("A1", "0", "s"), ("B1", "1", "s"), ("AB1", "45931", nil)], [("C2", "x &lt; y", "inlineStr")]]),
            "xl/worksheets/sheet2.xml": "<worksheet><sheetData/></worksheet>",
        ])
        let book = try XLSXWorkbook(path: path, displayName: "book.xlsx")
        #expect(book.sheetNames == ["AllRTAs", "RTA Changes"])
        let rows = try book.rows(of: "AllRTAs")
        #expect(rows[0].cells == ["A": "Korea, Republic of", "B": "A & B é", "AB": "45931"])
        #expect(rows[1].cells == ["C": "x < y"])
        #expect(XLSXWorkbook.day(serial: "45931") == Day(year: 2025, month: 10, day: 1))
        #expect(try book.rows(of: "RTA Changes").isEmpty)
    }

    @Test func brokenWorkbooksGiveErrorsThatSayWhere() throws {
        // Not a zip.
        let notZip = try TestData.temporaryDirectory().appendingPathComponent("x.xlsx")
        try Data("hello".utf8).write(to: notZip)
        #expect(throws: TarifError.self) { try XLSXWorkbook(path: notZip.path, displayName: "x.xlsx") }
        // No workbook part.
        #expect(throws: TarifError.self) { try XLSXWorkbook(path: try write(["a.xml": "<a/>"]), displayName: "x.xlsx") }
        // A shared string index past the table: the error names sheet and cell.
        let path = try write([
            "xl/workbook.xml": Self.workbook, "xl/_rels/workbook.xml.rels": Self.rels, "xl/sharedStrings.xml": "<sst><si><t>a</t></si></sst>",
            "xl/worksheets/sheet1.xml": Self.sheet([[("A1", "7", "s")]]), "xl/worksheets/sheet2.xml": Self.sheet([]),
        ])
        do {
            _ = try XLSXWorkbook(path: path, displayName: "x.xlsx").rows(of: "AllRTAs")
            Issue.record("read")
        } catch let e as TarifError {
            #expect(e.location?.field == "AllRTAs!A1")
        }
        // An unknown sheet.
        #expect(throws: TarifError.self) { try XLSXWorkbook(path: path, displayName: "x.xlsx").rows(of: "Nope") }
    }

    @Test func readsTheRTAExportWithEachPartysDates() throws {
        let path = try rtaBook(
            rows: [[
                "683", "PACER Plus", "Goods &amp; Services", "FTA &amp; EIA", "GATT Art. XXIV", "In Force", "42900", "44178", "44178", "", "Plurilateral",
                "Australia; Nauru; Vanuatu; Tuvalu", "Australia", "Nauru(01-Jan-9999 - ); Vanuatu(11-Oct-2022 - ); Tuvalu( - 31-Dec-2030)", "",
            ]], shared: [])
        let export = try WTORTAExport(path: path, displayName: "rta.xlsx")
        let r = try #require(export.records.first)
        #expect(r.id == 683)
        #expect(r.coverage == "Goods & Services")
        #expect(r.inForceGoods == Day(year: 2020, month: 12, day: 13))
        #expect(r.currentSignatories == ["Australia", "Nauru", "Vanuatu", "Tuvalu"])
        #expect(r.partyDates.map(\.party) == ["Nauru", "Vanuatu", "Tuvalu"])
        #expect(r.partyDates[0].pending)
        #expect(r.partyDates[1].entry == Day(year: 2022, month: 10, day: 11))
        #expect(r.partyDates[2].entry == nil && r.partyDates[2].exit == Day(year: 2030, month: 12, day: 31))
    }

    @Test(arguments: [
        ["x", "A"], ["683", "A", "", "", "", "", "notadate"], ["683", "A", "", "", "", "", "", "", "", "", "", "", "", "Nauru(31-Foo-2020 - )"],
        ["683", "A", "", "", "", "", "", "", "", "", "", "", "", "Nauru 2020"],
    ])
    func badRowsAreErrorsWithTheirCell(_ row: [String]) throws {
        let path = try rtaBook(rows: [row + Array(repeating: "", count: 15 - row.count)], shared: [])
        do {
            _ = try WTORTAExport(path: path, displayName: "rta.xlsx")
            Issue.record("read")
        } catch let e as TarifError {
            #expect(e.location?.field?.hasPrefix("AllRTAs!") == true)
        }
    }

    @Test func aMissingColumnIsAnError() throws {
        let path = try write([
            "xl/workbook.xml": Self.workbook, "xl/_rels/workbook.xml.rels": Self.rels,
            "xl/worksheets/sheet1.xml": Self.sheet([[("A1", "RTA ID", "inlineStr")]]), "xl/worksheets/sheet2.xml": Self.sheet([]),
        ])
        #expect(throws: TarifError.self) { try WTORTAExport(path: path, displayName: "rta.xlsx") }
    }

    /// Hostile workbooks: a sheet that inflates past the part limit (a zip bomb), one with more
    /// cells than are read, a cell longer than a spreadsheet cell can be. Each is refused where it is.
    @Test func hostileWorkbooksAreRefusedAtTheEdge() throws {
        func book(_ sheet: String) throws -> String {
            try write([
                "xl/workbook.xml": Self.workbook, "xl/_rels/workbook.xml.rels": Self.rels, "xl/worksheets/sheet1.xml": sheet,
                "xl/worksheets/sheet2.xml": Self.sheet([]),
            ])
        }
        // 65 MiB of blanks deflates to some 65 KiB.
        let bomb = try book("<worksheet><sheetData>" + String(repeating: " ", count: XLSXWorkbook.maxPartBytes + (1 << 20)) + "</sheetData></worksheet>")
        #expect {
            try XLSXWorkbook(path: bomb, displayName: "bomb.xlsx").rows(of: "AllRTAs")
        } throws: { ($0 as? TarifError)?.code == .tooLarge && "\($0)".contains("bomb.xlsx") }
        // One cell more than are read, in a part under the byte limit.
        let many = try book("<worksheet><sheetData><row r=\"1\">" + String(repeating: "<c r=\"A1\"/>", count: XLSXWorkbook.maxCells + 1) + "</row></sheetData></worksheet>")
        #expect {
            try XLSXWorkbook(path: many, displayName: "many.xlsx").rows(of: "AllRTAs")
        } throws: { ($0 as? TarifError)?.code == .tooLarge && "\($0)".contains("more than 5000000 cells") }
        // A party name of 100 KB.
        let long = try book(Self.sheet([[("A1", String(repeating: "Indonesia", count: 11_500), "inlineStr")]]))
        #expect {
            try XLSXWorkbook(path: long, displayName: "long.xlsx").rows(of: "AllRTAs")
        } throws: { ($0 as? TarifError)?.code == .tooLarge && ($0 as? TarifError)?.location?.field == "AllRTAs!A1" }
    }
}
