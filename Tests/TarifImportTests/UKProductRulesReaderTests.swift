import Foundation
import TarifCore
import TarifTesting
import Testing

@testable import TarifImport

/// The reader of the UK's product-specific rules: a directory of scheme files, each read
/// whole or refused with the file and the element at fault.
struct UKProductRulesReaderTests {
    /// A directory holding `files` (name → content).
    func directory(_ files: [String: String]) throws -> String {
        let dir = try TestData.temporaryDirectory().appendingPathComponent("psr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in files { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        return dir.path
    }

    func read(_ path: String) throws -> (sets: [OriginRuleSet], skipped: [String]) {
        var sets: [OriginRuleSet] = []
        var skipped: [String] = []
        try UKProductRulesReader().read(directory: path, displayName: "psr", progress: { _ in }) { event in
            switch event {
            case .originRuleSet(let s): sets.append(s)
            case .skipped(let at, let why): skipped.append("\(at): \(why)")
            default: Issue.record("unexpected event \(event)")
            }
        }
        return (sets, skipped)
    }

    func set(_ low: String, _ high: String, rules: String = #"[{"rule": "Manufacture from materials of any heading, except that of the product.", "class": ["CTH"], "operator": null, "footnotes": [], "quota": false, "import": true, "export": true}]"#) -> String {
        #"{"heading": "\#(low.prefix(4))", "subdivision": "", "min": "\#(low)", "max": "\#(high)", "valid": true, "rules": \#(rules)}"#
    }

    @Test func readsEverySchemeFileInNameOrder() throws {
        let dir = try directory([
            "japan.json": #"{"rule_sets": [\#(set("8703000000", "8703999999")), \#(set("8702000000", "8705999999"))]}"#,
            "eu.json": #"{"rule_sets": [\#(set("0101000000", "0106999999"))]}"#,
            "notes.txt": "not a scheme",
        ])
        let (sets, skipped) = try read(dir)
        #expect(sets.map(\.scheme) == ["eu", "japan", "japan"])
        #expect(sets.map(\.position) == [0, 0, 1])
        #expect(sets[1].low.digits == "8703000000" && sets[1].rules.first?.classes == ["CTH"])
        #expect(sets[1].location == "psr/japan.json rule_sets[0]")
        #expect(skipped.isEmpty)
        // The content hash covers every file: changing one changes it.
        let before = try UKProductRulesReader.contentHash(of: dir, displayName: "psr")
        try Data(#"{"rule_sets": [\#(set("0101000000", "0105999999"))]}"#.utf8).write(to: URL(fileURLWithPath: dir + "/eu.json"))
        #expect(try UKProductRulesReader.contentHash(of: dir, displayName: "psr") != before)
    }

    @Test func aFewRowsWithoutARangeAreListedNotLoaded() throws {
        var rows = (0..<150).map { i in set(String(format: "%04d000000", 101 + i), String(format: "%04d999999", 101 + i)) }
        rows.append(#"{"heading": "CTH;", "subdivision": "", "min": "CTH cept from heading 8473;", "max": "x", "valid": true, "rules": [{"rule": "x"}]}"#)
        let (sets, skipped) = try read(try directory(["japan-new-02.json": #"{"rule_sets": [\#(rows.joined(separator: ","))]}"#]))
        #expect(sets.count == 150)
        #expect(skipped.count == 1)
        #expect(skipped.first?.contains("japan-new-02.json") == true && skipped.first?.contains("rule_sets[150].min") == true)
    }

    @Test("a broken file is refused with the file and the element", arguments: [
        (#"{"rule_sets": [{"heading": "01", "min": "0101000000", "max": "0101999999", "rules": []}]}"#, "rule_sets[0].rules", "no rules"),
        (#"{"rule_sets": [{"heading": "01", "min": "0102000000", "max": "0101999999", "rules": [{"rule": "x"}]}]}"#, "rule_sets[0]", "runs downward"),
        (#"{"rule_sets": [{"heading": "01", "min": "0101000000", "max": "0101999999", "rules": [{"rule": ""}]}]}"#, "rule_sets[0].rules[0].rule", "no text"),
        (#"{"rule_sets": [{"heading": "01", "min": "0101000000", "max": "0101999999", "rules": [{"rule": "x", "operator": "xor"}]}]}"#, "rules[0].operator", "not or/and"),
        (#"{"rules": []}"#, "rule_sets", "no \"rule_sets\""),
        (#"{"rule_sets": []}"#, "rule_sets", "no rule sets"),
        (#"{"rule_sets": [1]}"#, "rule_sets[0]", "not an object"),
        (#"{"rule_sets": [{"heading": "01", "min": "0101000000", "max": "0101999999", "rules": [{"rule": "x"}]}"#, "eu.json", ""),
    ])
    func refused(json: String, field: String, phrase: String) throws {
        let dir = try directory(["eu.json": json])
        do {
            _ = try read(dir)
            Issue.record("accepted")
        } catch let e as TarifError {
            #expect(e.description.contains("eu.json"), "\(e)")
            #expect(e.description.contains(field), "\(e)")
            #expect(phrase.isEmpty || e.message.contains(phrase), "\(e)")
        }
    }

    @Test func moreThanOnePercentOfRowsWithoutARangeIsABrokenFile() throws {
        let rows = [set("0101000000", "0101999999"), #"{"heading": "x", "min": "01", "max": "02", "rules": [{"rule": "x"}]}"#]
        #expect(throws: TarifError.self) { try read(try directory(["eu.json": #"{"rule_sets": [\#(rows.joined(separator: ","))]}"#])) }
    }

    @Test func anEmptyDirectoryOrTwoFilesForOneSchemeAreRefused() throws {
        #expect(throws: TarifError.self) { try read(try directory([:])) }
        let twice = try directory(["eu.json": #"{"rule_sets": []}"#])
        let gz = try Data(contentsOf: URL(fileURLWithPath: twice + "/eu.json"))
        try gz.write(to: URL(fileURLWithPath: twice + "/eu.json.gz"))
        #expect(throws: TarifError.self) { try read(twice) }
        // Read as a single file, the directory format says to name the directory.
        let file = try TestData.fixture("eu-alone.json", #"{"rule_sets": []}"#)
        #expect(throws: TarifError.self) { try UKProductRulesReader().read(try ByteSource(path: file)) { _ in } }
    }

    @Test func hugeRulesAndTooManyRowsAreBounded() throws {
        let long = String(repeating: "a", count: UKProductRulesReader.maxTextBytes + 1)
        let dir = try directory(["eu.json": #"{"rule_sets": [\#(set("0101000000", "0101999999", rules: #"[{"rule": "\#(long)"}]"#))]}"#])
        #expect { try read(dir) } throws: { ($0 as? TarifError)?.code == .tooLarge }
        let many = (0...UKProductRulesReader.maxRules).map { _ in #"{"rule": "x"}"# }.joined(separator: ",")
        let dir2 = try directory(["eu.json": #"{"rule_sets": [\#(set("0101000000", "0101999999", rules: "[\(many)]"))]}"#])
        #expect { try read(dir2) } throws: { ($0 as? TarifError)?.code == .tooLarge }
    }
}
