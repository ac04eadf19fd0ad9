import Foundation
import TarifCore
import TarifTesting
import Testing

@testable import TarifImport

/// The CSV record syntax shared by the streaming reader and the batch's block reader.
struct CSVRecordParserTests {
    /// Every record of `text`, parsed as one buffer that runs to the end of the file.
    func records(_ text: String) throws -> [(line: Int, fields: [String])] {
        var parser = CSVRecordParser(file: "t.csv")
        var out: [(Int, [String])] = []
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBufferPointer { input in
            var position = 0
            var line = 1
            while position < input.count, let end = try parser.parse(input, from: position, line: line, atEnd: true) {
                out.append((line, parser.strings()))
                position = end
                line = parser.nextLine
            }
        }
        return out
    }

    @Test func quotedFieldsCarriageReturnsAndStrayQuotes() throws {
        let text = "a,\"b,c\",\"d\"\"e\"\r\n\"x\ny\",z\nab\"c,d\n\n\"\",q\nlast,\"\""
        let r = try records(text)
        #expect(r.map(\.fields) == [["a", "b,c", "d\"e"], ["x\ny", "z"], ["ab\"c", "d"], [""], ["", "q"], ["last", ""]])
        // A record's line is the one it starts on; a line break inside quotes counts.
        #expect(r.map(\.line) == [1, 2, 4, 5, 6, 7])
    }

    @Test func aRecordCutByTheBufferIsIncomplete() throws {
        var parser = CSVRecordParser(file: "t.csv")
        for cut in ["a,b", "a,\"b", "a,\"b\"", "a,\"b\nc"] {
            let bytes = Array(cut.utf8)
            let end = try bytes.withUnsafeBufferPointer { try parser.parse($0, from: 0, line: 1, atEnd: false) }
            #expect(end == nil, "\(cut)")
        }
        // At the end of the file the same bytes are a record (or an error).
        let bytes = Array("a,\"b\"".utf8)
        let end = try bytes.withUnsafeBufferPointer { try parser.parse($0, from: 0, line: 1, atEnd: true) }
        #expect(end == 5)
        #expect(parser.strings() == ["a", "b"])
    }

    @Test func blocksAreCutAfterWholeRecords() throws {
        var parser = CSVRecordParser(file: "t.csv")
        func cut(_ text: String) throws -> Int? {
            try Array(text.utf8).withUnsafeBufferPointer { try parser.endOfLastWholeRecord(in: $0) }
        }
        #expect(try cut("a\nb\nc") == 4)
        #expect(try cut("abc") == nil)
        // The line break inside quotes is not a record's end, nor the one after an open quote.
        #expect(try cut("a,b\nc,\"d\ne\"\nf,\"g\nh") == 12)
        #expect(try cut("\"a\nb") == nil)
        // A quote inside an unquoted field opens nothing.
        #expect(try cut("ab\"c\nd") == 5)
    }

    @Test func errorsNameTheLineAndColumn() throws {
        #expect(throws: TarifError.self) { try records("a,b\nc,\"open\nstill open") }
        do {
            _ = try records("a,b\nc,\"open\nstill open")
        } catch let e as TarifError {
            #expect(e.code == .truncated)
            #expect(e.location?.line == 2)
            #expect(e.location?.column == 3)
        }
        var bytes = Array("h1,h2\nok,fine\nx,ab".utf8)
        bytes += [0xE9] + Array("c\n".utf8)
        var parser = CSVRecordParser(file: "t.csv")
        do {
            try bytes.withUnsafeBufferPointer { input in
                var position = 0
                var line = 1
                while let end = try parser.parse(input, from: position, line: line, atEnd: true) {
                    position = end
                    line = parser.nextLine
                }
            }
            Issue.record("invalid UTF-8 was accepted")
        } catch let e as TarifError {
            #expect(e.code == .badEncoding)
            #expect(e.location?.line == 3)
            #expect(e.location?.column == 3)
        }
    }

    /// The streaming reader refills its buffer in the middle of records (every 256 KB): it
    /// gives the records the whole text parsed at once gives.
    @Test func theStreamingReaderReadsWhatOneBufferReads() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["plain", "with, comma", "with \"quotes\"", "two\nlines", "crlf\r\nend", "", "é ü 中", "\"", ","]
        var text = "h1,h2,h3\n"
        while text.utf8.count < 700_000 {
            let fields = (0..<3).map { _ -> String in
                let p = pieces.randomElement(using: &generator)!
                let needsQuotes = p.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r\n" } || p.isEmpty
                return needsQuotes ? "\"" + p.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : p
            }
            text += fields.joined(separator: ",") + (Bool.random(using: &generator) ? "\n" : "\r\n")
        }
        let whole = try records(text)
        let path = try TestData.fixture("stream.csv", text)
        let reader = try CSVReader(source: try ByteSource(path: path, displayName: "stream.csv"))
        var streamed: [(line: Int, fields: [String])] = []
        while let r = try reader.next() { streamed.append((r.line, r.fields)) }
        #expect(reader.header == whole[0].fields)
        #expect(streamed.count == whole.count - 1)
        #expect(streamed.map(\.line) == whole.dropFirst().map(\.line))
        #expect(streamed.map(\.fields) == whole.dropFirst().map(\.fields))
    }
}
