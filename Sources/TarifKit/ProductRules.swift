import Synchronization
public import TarifCore
public import TarifOrigin
public import TarifRegistry

/// One scheme's product-specific rules, compiled and indexed: what `tarif origin rules` and
/// `tarif origin check` look codes up in.
public struct SchemeRuleBook: Sendable {
    public let importer: CountryCode
    /// The rules file (`japan-new-02`).
    public let file: String
    /// The scheme in the importer's publication (`japan`), whose agreement is `GBR-<scheme>`.
    public let scheme: String
    public let sets: [CompiledRuleSet]
    public let index: PSRIndex

    public init(importer: CountryCode, file: String, scheme: String, sets: [OriginRuleSet]) {
        self.importer = importer
        self.file = file
        self.scheme = scheme
        self.sets = sets.map(PSRCompiler.compile)
        index = PSRIndex(ranges: sets.map { ($0.low, $0.high) })
    }

    /// The rule sets covering `code`, narrowest first: the first applies unless its
    /// description does not fit the good, then the next.
    public func candidates(for code: TariffCode) -> [CompiledRuleSet] { index.covering(code).map { sets[$0] } }

    /// Counts of alternatives: read into checkable criteria, read with conditions to declare,
    /// and not read.
    public var counts: (alternatives: Int, checkable: Int, declared: Int, unread: Int) {
        var out = (0, 0, 0, 0)
        for s in sets {
            for a in s.alternatives {
                out.0 += 1
                if a.criterion == nil { out.3 += 1 } else if a.needsDeclaration { out.2 += 1 } else { out.1 += 1 }
            }
        }
        return out
    }
}

/// The facts Tarif curates about the UK's rules files and schemes (`Origin/uk-psr.json`).
public struct ProductRuleFacts: Sendable, Decodable {
    public struct File: Sendable, Decodable {
        public var scheme: String
        public var note: String
    }
    public struct Scheme: Sendable, Decodable {
        public var tolerance: ExactDecimal?
        public var toleranceSource: String?
        public var formulas: [RVCFormula]?
        public var formulaSource: String?
    }
    public var files: [String: File]
    public var schemes: [String: Scheme]

    public static func load() throws -> ProductRuleFacts { try BundledResource.decode(ProductRuleFacts.self, "uk-psr", in: "Registry") }

    /// The scheme a rules file belongs to (its own name unless curated otherwise).
    public func scheme(ofFile file: String) -> String { files[file]?.scheme ?? file }
}

/// A scheme's rules of origin as the evaluator needs them, with the cumulation zone.
public struct SchemeOrigin: Sendable {
    public var regime: OriginRegime
    /// The countries whose originating materials count (bilateral and diagonal cumulation,
    /// and extended cumulation when asked for).
    public var zone: Set<CountryCode>
    /// Countries of extended cumulation, applied only when asked (its conditions are the producer's to show).
    public var extended: [CountryCode]
    public var members: Set<CountryCode>
}

extension Tarif {
    /// The product-specific rules of `importer`'s scheme (or of one rules file), compiled.
    /// - Parameter scheme: a scheme code (`japan`), a rules file (`japan-new-02`), or an
    ///   agreement's id or name (`UK-Japan`, `GBR-japan`).
    /// - Throws: ``TarifError`` `.notFound` naming the schemes with rules loaded.
    public func productRules(importer: CountryCode, scheme: String) throws -> SchemeRuleBook {
        let facts = try ProductRuleFacts.load()
        let loaded = try store.originRuleSchemes(importer: importer).map(\.scheme)
        guard !loaded.isEmpty else {
            throw TarifError(.notFound, "no product-specific rules of origin are loaded for \(importer) (tarif data build loads the UK's from rules_of_origin/gbr_psr_2023)")
        }
        var key = scheme.lowercased()
        if !loaded.contains(key) {
            // An agreement's name: GBR-japan, UK-Japan, or its title.
            if let ag = try? registry().agreement(named: scheme), ag.id.hasPrefix(importer.rawValue + "-") {
                key = String(ag.id.dropFirst(importer.rawValue.count + 1))
            } else if key.hasPrefix("uk-") || key.hasPrefix("gbr-") {
                key = String(key.drop(while: { $0 != "-" }).dropFirst())
            }
        }
        guard loaded.contains(key) else {
            throw TarifError(
                .notFound,
                "no product-specific rules are loaded for scheme '\(InputLimits.echo(scheme))' of \(importer); loaded: \(loaded.joined(separator: ", "))",
                at: SourceLocation(file: "input", field: "scheme"))
        }
        let cache = ProductRuleCache.shared
        let id = "\(store.storeDescription)|\(try store.sourceFingerprint().joined(separator: ","))|\(importer)|\(key)"
        if let book = cache.find(id) { return book }
        let book = SchemeRuleBook(
            importer: importer, file: key, scheme: facts.scheme(ofFile: key), sets: try store.originRuleSets(importer: importer, scheme: key))
        cache.keep(id, book)
        return book
    }

    /// The rules of origin of a UK scheme on `day`: the regime (tolerance, formulas, proofs),
    /// the cumulation zone from the scheme's publication, and its members.
    public func schemeOrigin(importer: CountryCode, scheme: String, on day: Day, extendedCumulation: Bool) throws -> SchemeOrigin {
        let registry = try registry()
        let facts = try ProductRuleFacts.load()
        guard let published = try store.preferenceSchemes().first(where: { $0.importer == importer && $0.code == scheme }) else {
            throw TarifError(.notFound, "scheme '\(scheme)' of \(importer) is not loaded (tarif data build)")
        }
        let agreement = try registry.agreement(named: "\(importer.rawValue)-\(scheme)")
        let members = Set(registry.parties(of: agreement, on: day).filter { $0.1.status == .inForce }.map(\.0))
        var byAlpha2: [String: CountryCode] = [:]
        for c in registry.countries.values where !c.alpha2.isEmpty { byAlpha2[c.alpha2] = c.code }
        // "EU" in a cumulation list: the EU's member states on the day.
        let eu = (try? registry.agreement(named: "\(importer.rawValue)-eu")).map { Set(registry.parties(of: $0, on: day).map(\.0)).subtracting([importer]) } ?? []
        func countries(_ list: [String]) -> [CountryCode] {
            list.flatMap { code -> [CountryCode] in
                if code == "EU" { return Array(eu) }
                let alias = ["XS": "RS", "XK": "XK", "GB": "GB"][code] ?? code
                return byAlpha2[alias].map { [$0] } ?? []
            }
        }
        var zone = Set(countries(published.cumulation["bilateral"] ?? [])).union(countries(published.cumulation["diagonal"] ?? []))
        zone.insert(importer)
        zone.formUnion(members)
        let extended = Set(countries(published.cumulation["extended"] ?? [])).subtracting(zone).sorted { $0.rawValue < $1.rawValue }
        if extendedCumulation { zone.formUnion(extended) }
        let curated = facts.schemes[scheme]
        var notes = [
            "Product-specific rules: the UK Trade Tariff's rendering of \(published.originReference ?? published.title); the legal text governs.",
            "Insufficient working (minimal operations) and the scheme's other general provisions are not applied: declare operations with --operation only to have them listed.",
        ]
        if curated?.tolerance == nil {
            notes.append("The scheme's general tolerance is not curated in Tarif: no tolerance is applied, so a good that needs one is shown as not qualifying (check the origin reference document).")
        }
        if !extended.isEmpty && !extendedCumulation {
            notes.append("Extended cumulation with \(extended.map(\.rawValue).joined(separator: ", ")) holds only under the conditions the scheme sets: not applied (give --extended-cumulation when they are met).")
        }
        let kinds = published.cumulation.keys.sorted()
        let regime = OriginRegime(
            id: agreement.id, agreement: agreement.id, name: "\(published.title): rules of origin", generalRule: "",
            formulas: curated?.formulas.flatMap { $0.isEmpty ? nil : $0 } ?? [.indirect], deMinimisPercent: curated?.tolerance, cumulation: .diagonal,
            minimalOperations: [], directConsignment: "non-alteration: the goods stay under customs control in a third country and are not altered there",
            proofOfOrigin: published.proofs,
            provisions: [
                "deMinimis": curated?.toleranceSource ?? "", "cumulation": "\(kinds.filter { $0 != "extended" || extendedCumulation }.joined(separator: " and ")) cumulation, as the UK Trade Tariff publishes the scheme's cumulation",
                "rvc": curated?.formulaSource ?? "RVC as (FOB - VNM) / FOB x 100 (no formula is curated for the scheme)",
                "generalRule": published.originReference ?? published.title,
            ].filter { !$0.value.isEmpty },
            sources: [SourceRef(title: published.originReference ?? published.title, url: published.links.first)], notes: notes, deMinimisBasis: .exWorks)
        return SchemeOrigin(regime: regime, zone: zone, extended: extended, members: members)
    }
}

extension Tarif {
    /// Tests a production against the product-specific rule of `importer`'s scheme in force on
    /// `day`: the narrowest rule set covering the product (or the `ruleSet`-th, 1-based, when
    /// the narrower ones' descriptions do not fit the good), the scheme's cumulation zone,
    /// tolerance and proofs. Importer and exporter must be parties on the day.
    /// - Throws: ``TarifError`` naming the input at fault: an exporter outside the scheme, a
    ///   product no rule set covers (or only partly), a `ruleSet` out of range.
    public func checkOrigin(
        importer: CountryCode, scheme: String, production: Production, on day: Day, ruleSet: Int = 1, extendedCumulation: Bool = false
    ) throws -> OriginResult {
        let book = try productRules(importer: importer, scheme: scheme)
        let origin = try schemeOrigin(importer: importer, scheme: book.scheme, on: day, extendedCumulation: extendedCumulation)
        guard origin.members.contains(production.exporter) else {
            throw TarifError(
                .notFound,
                "\(production.exporter) is not a party to \(origin.regime.agreement) on \(day): its rules of origin give no preference to its goods (members: \(origin.members.map(\.rawValue).sorted().joined(separator: ", ")))",
                at: SourceLocation(file: "input", field: "exporter"))
        }
        if let i = production.importer, i != importer {
            throw TarifError(.badInput, "the production names importer \(i), not \(importer)", at: SourceLocation(file: "input", field: "importer"))
        }
        let candidates = book.candidates(for: production.product)
        guard !candidates.isEmpty else {
            let partly = book.index.partlyCovering(production.product).map { book.sets[$0].source.heading }
            throw TarifError(
                .notFound,
                partly.isEmpty
                    ? "no product-specific rule of \(book.file) covers \(production.product)"
                    : "\(production.product) is covered by several rule sets (\(partly.prefix(6).joined(separator: ", "))): give the longer code of the good",
                at: SourceLocation(file: "input", field: "product"))
        }
        guard (1...candidates.count).contains(ruleSet) else {
            throw TarifError(
                .badInput, "rule set \(ruleSet): \(candidates.count) rule set\(candidates.count == 1 ? "" : "s") cover \(production.product)",
                at: SourceLocation(file: "input", field: "rule-set"))
        }
        let chosen = candidates[ruleSet - 1]
        guard let (criterion, alternatives) = chosen.rule(on: day) else {
            throw TarifError(.notFound, "the rule set \(chosen.source.heading) of \(book.file) has no rule in force on \(day)")
        }
        var p = production
        p.importer = importer
        let rule = ProductRule(
            agreement: origin.regime.agreement, codes: CodeRange(chosen.source.low, chosen.source.high),
            text: alternatives.map(\.text).joined(separator: "\n  or: "), criterion: criterion, source: "\(chosen.source.location), heading \(chosen.source.heading)")
        var result = try OriginEvaluator(regime: origin.regime, parties: origin.zone).evaluate(p, rule: rule)
        if chosen.source.isPartial {
            let next = candidates.count > ruleSet ? candidates[ruleSet] : nil
            result.notes.insert(
                "the rule set is for \(chosen.source.heading)\(chosen.source.subdivision.isEmpty ? "" : ": \(chosen.source.subdivision)") — confirm the good fits this description"
                    + (next.map { "; otherwise rule set \(ruleSet + 1) (\($0.source.heading)\($0.source.subdivision.isEmpty ? "" : ": \($0.source.subdivision)"))" } ?? ""),
                at: 0)
        }
        for a in alternatives {
            result.notes += a.caveats
            if a.criterion == nil { result.notes.append("an alternative Tarif cannot read (\(a.reason ?? "")) is a condition to check by hand") }
        }
        result.notes += origin.regime.notes ?? []
        return result
    }
}

/// Compiled rule books, kept per store, data and scheme (compiling a scheme takes milliseconds).
final class ProductRuleCache: Sendable {
    static let shared = ProductRuleCache()
    private let kept = Mutex<[(String, SchemeRuleBook)]>([])

    func find(_ id: String) -> SchemeRuleBook? { kept.withLock { $0.first { $0.0 == id }?.1 } }

    func keep(_ id: String, _ book: SchemeRuleBook) {
        kept.withLock { list in
            list.removeAll { $0.0 == id }
            list.append((id, book))
            if list.count > 8 { list.removeFirst() }
        }
    }
}

/// The answer to "which rule of origin applies to this code under this scheme on this day",
/// as the API and `tarif origin rules --format json` give it.
public struct ProductRuleAnswer: Sendable, Codable {
    public struct Alternative: Sendable, Codable {
        public var text: String
        /// The criterion in the rule language; `nil` when Tarif cannot read the text (see `notRead`).
        public var rule: String?
        public var notRead: String?
        public var validFrom: Day?
        public var validUntil: Day?
        public var inForce: Bool
        /// It asks the producer to declare a process or condition a bill of materials cannot show.
        public var declared: Bool
        public var quota: Bool
        public var caveats: [String]
        public var footnotes: [String]
    }
    public struct RuleSet: Sendable, Codable {
        public var heading: String
        public var subdivision: String
        public var low: String
        public var high: String
        /// Limited by description to part of its range: the user confirms the good fits.
        public var partial: Bool
        public var source: String
        public var alternatives: [Alternative]
    }
    public var importer: CountryCode
    public var code: TariffCode
    public var on: Day
    public var scheme: String
    public var rulesFile: String
    public var agreement: String
    public var agreementName: String
    /// Narrowest first: the first applies unless its description does not fit the good.
    public var ruleSets: [RuleSet]
    public var tolerance: ExactDecimal?
    public var toleranceSource: String?
    public var cumulation: String
    public var extendedCumulation: [CountryCode]
    public var proofOfOrigin: [String]
    public var notes: [String]
}

extension Tarif {
    /// The rule sets of `importer`'s scheme covering `code`, with the alternatives in force on `day`.
    /// - Throws: ``TarifError`` `.notFound` for an unknown scheme, or a code no rule set covers
    ///   (naming the rule sets that cover part of it).
    public func productRuleAnswer(importer: CountryCode, scheme: String, code: TariffCode, on day: Day) throws -> ProductRuleAnswer {
        let book = try productRules(importer: importer, scheme: scheme)
        let candidates = book.candidates(for: code)
        guard !candidates.isEmpty else {
            let partly = book.index.partlyCovering(code).map { "\(book.sets[$0].source.heading) (\(book.sets[$0].source.low.digits)-\(book.sets[$0].source.high.digits))" }
            throw TarifError(
                .notFound,
                partly.isEmpty ? "no product-specific rule of \(book.file) covers \(code)"
                    : "\(code) is covered by several rule sets: \(partly.prefix(8).joined(separator: ", ")); give a longer code",
                at: SourceLocation(file: "input", field: "code"))
        }
        let origin = try schemeOrigin(importer: importer, scheme: book.scheme, on: day, extendedCumulation: false)
        let agreement = try registry().agreement(named: origin.regime.agreement)
        return ProductRuleAnswer(
            importer: importer, code: code, on: day, scheme: book.scheme, rulesFile: book.file, agreement: agreement.id, agreementName: agreement.name,
            ruleSets: candidates.map { set in
                ProductRuleAnswer.RuleSet(
                    heading: set.source.heading, subdivision: set.source.subdivision, low: set.source.low.digits, high: set.source.high.digits,
                    partial: set.source.isPartial, source: set.source.location,
                    alternatives: set.alternatives.map { a in
                        .init(
                            text: a.text, rule: a.criterion?.description, notRead: a.reason, validFrom: a.validFrom, validUntil: a.validUntil,
                            inForce: a.holds(on: day), declared: a.needsDeclaration, quota: a.quota, caveats: a.caveats, footnotes: a.footnotes)
                    })
            },
            tolerance: origin.regime.deMinimisPercent, toleranceSource: origin.regime.provisions["deMinimis"],
            cumulation: origin.regime.provisions["cumulation"] ?? "", extendedCumulation: origin.extended, proofOfOrigin: origin.regime.proofOfOrigin,
            notes: origin.regime.notes ?? [])
    }
}
