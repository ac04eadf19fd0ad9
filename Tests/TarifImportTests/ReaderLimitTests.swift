import Foundation
import TarifCore
import TarifTesting
import Testing

@testable import TarifImport

/// Every reader of outside files bounds what it holds: nesting depth, string and record
/// size, inflated size; each refusal says where.
struct ReaderLimitTests {
    func error(_ body: () throws -> Void) -> TarifError? {
        do { try body() } catch { return error as? TarifError }
        return nil
    }

    func readAll(_ reader: some PublicationReader, _ name: String, _ data: Data) throws {
        let path = try TestData.fixture(name, data)
        try reader.read(try ByteSource(path: path, displayName: name)) { _ in }
    }

    @Test(arguments: [200, 50_000, 200_000])
    func deepJSONIsAnErrorAtItsPosition(_ depth: Int) {
        let deep = Data((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
        for (reader, name) in [(USHTSReader() as any PublicationReader, "hts.json"), (UKPreferenceSchemesReader(), "schemes.json")] {
            let e = error { try readAll(reader, name, deep) }
            #expect(e?.code == .tooLarge, "\(name): \(e?.description ?? "accepted")")
            #expect(e?.location?.line == 1 && e?.location?.column == InputLimits.maxJSONDepth + 1, "\(name): \(e?.description ?? "")")
        }
        let objects = Data(("[" + String(repeating: #"{"a":"#, count: depth) + "1" + String(repeating: "}", count: depth) + "]").utf8)
        #expect(error { try readAll(USHTSReader(), "hts.json", objects) }?.code == .tooLarge)
    }

    @Test func aLoneSurrogateIsAnErrorNotATrap() {
        for escape in [#"\uD800\u0041"#, #"\uD800\uFFFF"#, #"\uDC00"#, #"\uD800x"#] {
            let text = Data(("[{\"htsno\": \"" + escape + "\"}]").utf8)
            let e = error { try readAll(USHTSReader(), "hts.json", text) }
            #expect(e != nil, "\(escape) accepted")
        }
    }

    @Test func anOversizedStringIsRefused() {
        let text = Data(("[{\"description\": \"" + String(repeating: "x", count: InputLimits.maxJSONStringBytes + 10) + "\"}]").utf8)
        #expect(error { try readAll(USHTSReader(), "hts.json", text) }?.code == .tooLarge)
    }

    @Test func aCSVRecordLongerThanTheLimitIsRefusedEarly() throws {
        // A second row of one unclosed field, 8 MB: refused after the first MiB with its line.
        var data = Data(ReaderFixtureTests.btkiHeader.utf8)
        data.append(contentsOf: Array("\"".utf8))
        data.append(Data(repeating: UInt8(ascii: "a"), count: 8 << 20))
        let path = try TestData.fixture("long.csv", data)
        let source = try ByteSource(path: path, displayName: "long.csv")
        let e = error { try BTKIReader().read(source) { _ in } }
        #expect(e?.code == .tooLarge)
        #expect(e?.location?.line == 2)
        #expect(source.bytesRead < 3 << 20, "read \(source.bytesRead) bytes before refusing")
    }

    @Test func inflationIsBounded() throws {
        // 64 MiB of zeros gzip to ~64 KB; a source bounded at 1 MiB stops at the bound.
        let path = try TestData.fixture("bomb.csv", Data(repeating: UInt8(ascii: "0"), count: 64 << 20))
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-f", path]
        try gzip.run()
        gzip.waitUntilExit()
        #expect(gzip.terminationStatus == 0)
        let source = try ByteSource(path: path + ".gz", displayName: "bomb.csv.gz", maxBytes: 1 << 20)
        let e = error { while try !source.read().isEmpty {} }
        #expect(e?.code == .tooLarge)
        #expect(source.bytesRead <= (1 << 20) + (1 << 18))
    }
}
