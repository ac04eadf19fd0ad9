#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import TarifCore

/// The product-specific rules of origin of the UK's preference schemes, as the UK Trade
/// Tariff service publishes them: a directory with one file per scheme (`japan.json[.gz]`,
/// named by the scheme's code), each `{"rule_sets": [{heading, subdivision, min, max, valid,
/// rules: [{rule, class, operator, footnotes, quota, import, export}]}]}` with 10-digit
/// commodity ranges and the rules' legal text in Markdown.
///
/// The catalog names the directory; the content hash covers every scheme file in it. A file
/// that is not valid JSON, a range that is not two 10-digit codes running upward, or a rule
/// set without rules is an error naming the file and element, and nothing is loaded.
public struct UKProductRulesReader: PublicationReader {
    public static let format = "uk-psr-json"
    public static let scheduleRoles: [String] = []
    public init() {}

    /// Bounds on a hostile directory: files, inflated bytes per file, rule sets and rules.
    public static let maxFiles = 200
    public static let maxFileBytes = 64 << 20
    public static let maxRuleSets = 20_000
    public static let maxRules = 64
    public static let maxTextBytes = 32_768

    public static var readsDirectory: Bool { true }

    /// The scheme files of the directory, sorted by name: `(path, display name, scheme code)`.
    public static func schemeFiles(directory path: String, displayName: String) throws -> [(path: String, display: String, scheme: String)] {
        guard let dir = opendir(path) else {
            throw TarifError(.io, "cannot open the directory", at: SourceLocation(file: displayName))
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            guard !name.hasPrefix("."), name.hasSuffix(".json") || name.hasSuffix(".json.gz") else { continue }
            names.append(name)
            guard names.count <= maxFiles else {
                throw TarifError(.tooLarge, "more than \(maxFiles) scheme files", at: SourceLocation(file: displayName))
            }
        }
        guard !names.isEmpty else {
            throw TarifError(.badFile, "no scheme files (NAME.json or NAME.json.gz) in the directory", at: SourceLocation(file: displayName))
        }
        var seen: Set<String> = []
        return try names.sorted().map { name in
            let scheme = String(name.dropLast(name.hasSuffix(".gz") ? 8 : 5))
            guard seen.insert(scheme).inserted else {
                throw TarifError(.badFile, "scheme '\(scheme)' has two files (\(scheme).json and \(scheme).json.gz)", at: SourceLocation(file: displayName))
            }
            return (path + "/" + name, displayName + "/" + name, scheme)
        }
    }

    public static func contentHash(of path: String, displayName: String) throws -> String {
        try ByteSource.contentHash(ofFiles: try schemeFiles(directory: path, displayName: displayName).map { ($0.scheme, $0.path, $0.display) })
    }

    public func read(_ source: ByteSource, emit: (ImportEvent) throws -> Void) throws {
        throw TarifError(.badFile, "the product-specific rules are a directory of scheme files: name the directory", at: SourceLocation(file: source.displayName))
    }

    public func read(directory path: String, displayName: String, progress: (Double) -> Void, emit: (ImportEvent) throws -> Void) throws {
        let files = try Self.schemeFiles(directory: path, displayName: displayName)
        for (i, f) in files.enumerated() {
            let source = try ByteSource(path: f.path, displayName: f.display, hashing: false, maxBytes: Self.maxFileBytes)
            defer { source.close() }
            let (sets, skipped) = try Self.ruleSets(source, scheme: f.scheme)
            for (at, why) in skipped { try emit(.skipped(at, why)) }
            for set in sets { try emit(.originRuleSet(set)) }
            progress(Double(i + 1) / Double(files.count))
        }
    }

    /// Reads one scheme's file. A row whose range is not two 10-digit codes is left out and
    /// returned with the reason (the publisher's files have a few); more than 1% of them is an error.
    public static func ruleSets(_ source: ByteSource, scheme: String) throws -> (sets: [OriginRuleSet], skipped: [(SourceLocation, String)]) {
        let document = try JSONArrayReader(source: source, maxDepth: 16).document()
        guard case .array(let sets)? = document["rule_sets"] else {
            throw TarifError(.badFile, "the file has no \"rule_sets\" array", at: SourceLocation(file: source.displayName, field: "rule_sets"))
        }
        guard sets.count <= maxRuleSets else {
            throw TarifError(.tooLarge, "\(sets.count) rule sets; at most \(maxRuleSets) are read", at: SourceLocation(file: source.displayName, field: "rule_sets"))
        }
        guard !sets.isEmpty else { throw TarifError(.badFile, "the scheme has no rule sets", at: SourceLocation(file: source.displayName, field: "rule_sets")) }
        var out: [OriginRuleSet] = []
        var skipped: [(SourceLocation, String)] = []
        out.reserveCapacity(sets.count)
        for (i, s) in sets.enumerated() {
            func at(_ field: String) -> SourceLocation { SourceLocation(file: source.displayName, field: "rule_sets[\(i)].\(field)") }
            guard case .object = s else { throw TarifError(.badFile, "a rule set is not an object", at: at("")) }
            func code(_ key: String) throws -> TariffCode {
                let text = s[key]?.text ?? ""
                guard text.utf8.count == 10, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
                    throw TarifError(.badCode, "'\(InputLimits.echo(text))' is not a 10-digit commodity code", at: at(key))
                }
                return try TariffCode(text)
            }
            let low: TariffCode, high: TariffCode
            do {
                low = try code("min")
                high = try code("max")
                guard low <= high else { throw TarifError(.badCode, "the range \(low.digits)–\(high.digits) runs downward", at: at("max")) }
            } catch let e as TarifError {
                skipped.append((e.location ?? at("min"), "rule set '\(InputLimits.echo(s["heading"]?.text ?? ""))' left out: \(e.message)"))
                guard skipped.count * 100 <= sets.count else {
                    throw TarifError(.badFile, "\(skipped.count) of \(sets.count) rule sets have no valid range; the first: \(skipped[0].1)", at: skipped[0].0)
                }
                continue
            }
            if case .bool(false)? = s["valid"] { continue }
            let rules = s["rules"]?.array ?? []
            guard !rules.isEmpty else { throw TarifError(.badFile, "the rule set for \(s["heading"]?.text ?? "?") has no rules", at: at("rules")) }
            guard rules.count <= maxRules else { throw TarifError(.tooLarge, "\(rules.count) rules in one set; at most \(maxRules)", at: at("rules")) }
            var parsed: [OriginRuleSet.Rule] = []
            for (j, r) in rules.enumerated() {
                let text = r["rule"]?.text ?? ""
                guard !text.isEmpty else { throw TarifError(.badFile, "a rule has no text", at: at("rules[\(j)].rule")) }
                guard text.utf8.count <= maxTextBytes else {
                    throw TarifError(.tooLarge, "a rule text of \(text.utf8.count) bytes; at most \(maxTextBytes)", at: at("rules[\(j)].rule"))
                }
                let joiner = r["operator"]?.text.lowercased()
                guard joiner == nil || joiner == "" || joiner == "or" || joiner == "and" else {
                    throw TarifError(.badFile, "operator '\(InputLimits.echo(joiner ?? ""))' is not or/and", at: at("rules[\(j)].operator"))
                }
                var imports = true
                if case .bool(let b)? = r["import"] { imports = b }
                var quota = false
                if case .bool(let b)? = r["quota"] { quota = b }
                parsed.append(
                    .init(
                        text: text, classes: (r["class"]?.array ?? []).map(\.text), joiner: joiner?.isEmpty == false ? joiner : nil,
                        footnotes: (r["footnotes"]?.array ?? []).map(\.text).filter { !$0.isEmpty }, appliesToImports: imports, quota: quota))
            }
            out.append(
                OriginRuleSet(
                    scheme: scheme, importer: .unitedKingdom, position: i, heading: s["heading"]?.text ?? "", subdivision: s["subdivision"]?.text ?? "",
                    low: low, high: high, rules: parsed, location: "\(source.displayName) rule_sets[\(i)]"))
        }
        return (out, skipped)
    }
}
