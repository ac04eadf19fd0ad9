import Foundation
public import TarifCore
import TarifImport
public import TarifOrigin
public import TarifRegistry

/// Rules of origin data: the regimes Tarif curates, product-specific rules files, bills of
/// materials, and the 19 CFR 102.20 corpus from the data directory.
public enum OriginData {
    /// The regimes shipped with Tarif (`Origin/*.json`), by id.
    public static func regimes() throws -> [String: OriginRegime] {
        guard let dir = Bundle.module.url(forResource: "Origin", withExtension: nil) else {
            throw TarifError(.notFound, "the rules-of-origin regimes are missing from the build (Origin/)")
        }
        var out: [String: OriginRegime] = [:]
        for url in try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil) where url.pathExtension == "json" {
            do {
                let r = try JSONDecoder().decode(OriginRegime.self, from: Data(contentsOf: url))
                out[Registry.key(r.id)] = r
            } catch let e as DecodingError {
                throw TarifError(.badFile, "\(url.lastPathComponent): \(e)")
            }
        }
        return out
    }

    /// The regime of an agreement, by its id or any of its names in the registry.
    public static func regime(named name: String, registry: Registry) throws -> OriginRegime {
        let all = try regimes()
        if let r = all[Registry.key(name)] { return r }
        if let ag = try? registry.agreement(named: name), let r = all[Registry.key(ag.id)] { return r }
        throw TarifError(
            .notFound,
            "no rules of origin are curated for '\(InputLimits.echo(name))'; curated: \(all.values.map(\.id).sorted().joined(separator: ", ")) (load product-specific rules with --rules)")
    }

    /// Reads a bill of materials: a CSV with `code`, `origin` and `value`, and optionally
    /// `description`, `originating` (yes/no) and `weight` (net, for rules by weight).
    /// - Throws: ``TarifError`` naming the row and column of the first bad field; nothing is returned then.
    public static func billOfMaterials(at path: String, country: (String) -> CountryCode?) throws -> [Material] {
        let source = try ByteSource(path: path)
        let csv = try CSVReader(source: source)
        let header = csv.header.map { $0.trimming(" ").lowercased() }
        func column(_ names: [String]) -> Int? { names.lazy.compactMap { header.firstIndex(of: $0) }.first }
        guard let code = column(["code", "hs", "hs_code"]), let value = column(["value", "cost"]), let origin = column(["origin", "country"]) else {
            throw TarifError(
                .badFile, "a bill of materials needs the columns code, origin and value (it has: \(csv.header.joined(separator: ", ")))",
                at: SourceLocation(file: source.displayName, line: 1))
        }
        let description = column(["description", "material"])
        let originating = column(["originating"])
        let weight = column(["weight", "net_weight", "weight_kg"])
        var out: [Material] = []
        while let r = try csv.next() {
            let f = r.fields
            let at = { (c: Int) in SourceLocation(file: source.displayName, line: r.line, column: c + 1, field: csv.header[c]) }
            let c: TariffCode
            do { c = try TariffCode(f[code]) } catch let e as TarifError { throw e.located(at(code)) }
            let v: ExactDecimal
            do { v = try InputLimits.number(f[value].trimming(" "), field: "value", kind: .amount) } catch { throw error.located(at(value)) }
            let o = f[origin].trimming(" ")
            var from: CountryCode?
            if !o.isEmpty, !["unknown", "?", "-"].contains(o.lowercased()) {
                guard let k = country(o) else { throw TarifError(.badCountry, "'\(o)' is not a known country (write IDN, Indonesia or unknown)", at: at(origin)) }
                from = k
            }
            var flag: Bool?
            if let oc = originating {
                switch f[oc].trimming(" ").lowercased() {
                case "": flag = nil
                case "yes", "y", "true", "1": flag = true
                case "no", "n", "false", "0": flag = false
                default: throw TarifError(.badInput, "'\(f[oc])' is not yes or no", at: at(oc))
                }
            }
            var w: ExactDecimal?
            if let wc = weight, !f[wc].trimming(" ").isEmpty {
                do { w = try InputLimits.number(f[wc].trimming(" "), field: "weight", kind: .amount) } catch { throw error.located(at(wc)) }
            }
            out.append(Material(row: r.line, code: c, origin: from, value: v, description: description.map { f[$0] } ?? "", originating: flag, weight: w))
        }
        guard !out.isEmpty else { throw TarifError(.badFile, "the bill of materials has no rows", at: SourceLocation(file: source.displayName)) }
        return out
    }

    /// Reads product-specific rules: a CSV with `agreement`, `code` (a code or range),
    /// `rule` (the rule language) and `source` (the annex and its line).
    /// - Throws: ``TarifError`` naming the row, the column and the token.
    public static func productRules(at path: String) throws -> [ProductRule] {
        let source = try ByteSource(path: path)
        let csv = try CSVReader(source: source)
        let cols = try csv.columns(["agreement", "code", "rule", "source"])
        var out: [ProductRule] = []
        while let r = try csv.next() {
            let f = r.fields
            let at = { (c: Int) in SourceLocation(file: source.displayName, line: r.line, column: cols[c] + 1, field: csv.header[cols[c]]) }
            let range: CodeRange
            do { range = try CodeRange(parsing: f[cols[1]]) } catch let e as TarifError { throw e.located(at(1)) }
            let criterion: OriginCriterion
            do { criterion = try OriginRuleParser.parse(f[cols[2]]) } catch let e as TarifError { throw e.located(at(2)) }
            guard !f[cols[3]].trimming(" ").isEmpty else { throw TarifError(.badFile, "every rule needs its source (the annex and line)", at: at(3)) }
            out.append(ProductRule(agreement: f[cols[0]].trimming(" "), codes: range, text: f[cols[2]].trimming(" "), criterion: criterion, source: f[cols[3]], row: r.line))
        }
        return out
    }

    /// The most specific product rule of `agreement` covering `code`.
    public static func rule(for code: TariffCode, agreement: String, in rules: [ProductRule]) -> ProductRule? {
        rules.filter { Registry.key($0.agreement) == Registry.key(agreement) && $0.codes.contains(code) }
            .max { $0.codes.specificity < $1.codes.specificity }
    }

    /// The 19 CFR 102.20 corpus from the data directory (`rules_of_origin/102.20-*.json`) or a file.
    public static func tariffShiftRules(file: String? = nil, dataDirectory: String? = nil) throws -> (TariffShiftRuleBook, String) {
        let url: URL
        if let file {
            url = URL(fileURLWithPath: file)
        } else {
            let dir = try Locations.dataDirectory(explicit: dataDirectory).appendingPathComponent("rules_of_origin")
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            guard let name = names.filter({ $0.hasPrefix("102.20") && $0.hasSuffix(".json") }).sorted().last else {
                throw TarifError(.notFound, "no 19 CFR 102.20 rules (102.20-*.json) in \(dir.path); give --rules-file")
            }
            url = dir.appendingPathComponent(name)
        }
        struct Corpus: Decodable {
            var authority: String?
            var rules: [TariffShiftRule]
        }
        do {
            let corpus = try JSONDecoder().decode(Corpus.self, from: JSONFile.data(at: url, displayName: url.lastPathComponent))
            return (TariffShiftRuleBook(rules: corpus.rules), corpus.authority ?? url.lastPathComponent)
        } catch let e as DecodingError {
            throw TarifError(.badFile, "\(url.lastPathComponent) is not a 102.20 rules file: \(e)")
        } catch let e as CocoaError {
            throw TarifError(.io, "cannot read \(url.path): \(e.localizedDescription)")
        }
    }
}

extension OriginData {
    /// Reads a bill of materials, finding countries by code or name in the registry.
    public static func billOfMaterials(at path: String, registry: Registry) throws -> [Material] {
        let lookup = CountryLookup(Array(registry.countries.values))
        return try billOfMaterials(at: path, country: { lookup.find($0)?.code })
    }

    /// The countries in `agreement` on `day` (the cumulation zone and the parties goods may cross freely).
    public static func parties(of agreement: String, on day: Day, registry: Registry) throws -> Set<CountryCode> {
        let ag = try registry.agreement(named: agreement)
        return Set(registry.parties(of: ag, on: day).filter { $0.1.status == .inForce }.map(\.0))
    }
}
