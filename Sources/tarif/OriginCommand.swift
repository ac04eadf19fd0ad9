import ArgumentParser
import Foundation
import TarifCore
import TarifKit
import TarifOrigin
import TarifRegistry

struct OriginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "origin",
        abstract: "Rules of origin: does a good qualify for a preference; what is its country of origin.",
        subcommands: [Check.self, Country.self, Rules.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Test a bill of materials against an agreement's rule of origin (the product-specific rule, else the general rule).",
            discussion: """
                tarif origin check --agreement ATIGA --product 1905.90 --bom bom.csv --fob 10000 --exporter IDN --importer VNM
                tarif origin check --agreement ATIGA --product 1905.90 --bom bom.csv --fob 10000 --labour 1200 --overhead 800 --profit 500 \\
                    --operation mixing --operation baking --transit SGP
                The bill of materials is a CSV with code, origin, value and optionally description, originating (yes/no) and weight.
                Product-specific rules come from --rules FILE (agreement,code,rule,source; see docs/origin.md).
                Into the UK, the scheme's published product-specific rules apply (loaded by tarif data build):
                tarif origin check --importer GBR --agreement UK-Japan --exporter JPN --product 8703.23 --bom car.csv --ex-works 20000 --fob 21000
                """)

        @Option(name: .long, help: "The agreement whose rules apply (ATIGA; into GBR a UK scheme: UK-Japan, GBR-eu, dcts-ldcs, …).") var agreement: String
        @Option(name: .long, help: "The product's tariff code (HS subheading or national line).") var product: String
        @Option(name: .long, help: "The bill of materials (CSV).") var bom: String
        @Option(name: .long, help: "FOB value of the good (what RVC is a share of).") var fob: String?
        @Option(name: .customLong("ex-works"), help: "Ex-works price of the good (what a MaxNOM and the UK schemes' tolerance are shares of).") var exWorks: String?
        @Option(name: .long, help: "The good's net weight, in the unit of the bill's weight column (for rules by weight).") var weight: String?
        @Option(name: .customLong("rule-set"), help: "Into GBR: which of the rule sets covering the product applies (1 = the narrowest), when its description does not fit.") var ruleSet: Int = 1
        @Option(name: .customLong("rules-version"), help: "Into GBR: another rules file of the scheme (japan-new-02, dcts-ldcs-v5).") var rulesVersion: String?
        @Flag(name: .customLong("extended-cumulation"), help: "Into GBR: count materials of the scheme's extended-cumulation countries as originating (its conditions are met).") var extendedCumulation = false
        @Option(name: .long, help: "Direct labour cost (for the direct formula).") var labour: String?
        @Option(name: .long, help: "Direct overhead cost.") var overhead: String?
        @Option(name: .long, help: "Profit.") var profit: String?
        @Option(name: .customLong("other-costs"), help: "Other costs (inland transport to the port, …).") var otherCosts: String?
        @Option(name: .long, help: "The exporting party where the good is produced (default IDN).") var exporter: String = "IDN"
        @Option(name: .long, help: "The importing party.") var importer: String?
        @Option(name: .long, help: "Product-specific rules file (CSV).") var rules: String?
        @Option(name: .long, help: "An operation carried out (repeatable): the agreement's minimal operations never confer origin.") var operation: [String] = []
        @Option(name: .long, help: "A specific process carried out, for rules that require one (repeatable).") var process: [String] = []
        @Option(name: .long, help: "A transit country; COUNTRY:processed when more than unloading and reloading happened there (repeatable).") var transit: [String] = []
        @Flag(name: .customLong("wholly-obtained"), help: "The good is wholly obtained or produced in the exporting party.") var whollyObtained = false
        @OptionGroup var options: QueryOptions

        func run() throws { try TarifCLI.run { try execute() } }

        func execute() throws {
            let tarif = try options.open()
            let registry = try tarif.registry()
            let day = try options.day()
            if let importer, try registry.country(named: importer).code == .unitedKingdom, !Registry.key(agreement).hasPrefix("atiga") {
                try checkUK(tarif, registry: registry, day: day)
                return
            }
            let regime = try OriginData.regime(named: agreement, registry: registry)
            let parties = try OriginData.parties(of: regime.agreement, on: day, registry: registry)
            let exporter = try registry.country(named: self.exporter).code
            guard parties.contains(exporter) else {
                throw TarifError(.notFound, "\(exporter) is not a party to \(regime.agreement) on \(day)")
            }
            let product = try TariffCode(product)
            let transits = try transits(registry)
            let production = Production(
                product: product, exporter: exporter, importer: try importer.map { try registry.country(named: $0).code },
                materials: try OriginData.billOfMaterials(at: bom, registry: registry), fob: try number(fob, "--fob"),
                labour: try number(labour, "--labour"), overhead: try number(overhead, "--overhead"), profit: try number(profit, "--profit"),
                otherCosts: try number(otherCosts, "--other-costs"), operations: operation.isEmpty ? nil : operation, processes: process,
                whollyObtained: whollyObtained, transits: transits)
            let productRules = try rules.map { try OriginData.productRules(at: $0) } ?? []
            let rule = OriginData.rule(for: product, agreement: regime.agreement, in: productRules)
            let result = try OriginEvaluator(regime: regime, parties: parties).evaluate(production, rule: rule)
            try emit(result, materials: production.materials.count)
        }

        func number(_ s: String?, _ name: String) throws -> ExactDecimal {
            guard let s else { return .zero }
            return try InputLimits.number(s, field: name, kind: .amount)
        }

        func transits(_ registry: Registry) throws -> [Transit] {
            try transit.map { t -> Transit in
                let parts = t.split(separator: ":").map(String.init)
                guard (1...2).contains(parts.count), parts.count == 1 || parts[1] == "processed" else {
                    throw TarifError(.badInput, "--transit '\(t)': write COUNTRY or COUNTRY:processed")
                }
                return Transit(country: try registry.country(named: parts[0]).code, processed: parts.count == 2)
            }
        }

        /// Into the UK: the scheme's published product-specific rule in force on the day.
        func checkUK(_ tarif: Tarif, registry: Registry, day: Day) throws {
            let production = Production(
                product: try TariffCode(product), exporter: try registry.country(named: self.exporter).code, importer: .unitedKingdom,
                materials: try OriginData.billOfMaterials(at: bom, registry: registry),
                fob: try number(fob, "--fob"), labour: try number(labour, "--labour"), overhead: try number(overhead, "--overhead"),
                profit: try number(profit, "--profit"), otherCosts: try number(otherCosts, "--other-costs"), operations: operation.isEmpty ? nil : operation,
                processes: process, whollyObtained: whollyObtained, transits: try transits(registry),
                exWorks: try exWorks.map { try InputLimits.number($0, field: "--ex-works", kind: .amount) },
                weight: try weight.map { try InputLimits.number($0, field: "--weight", kind: .amount) })
            let result = try tarif.checkOrigin(
                importer: .unitedKingdom, scheme: rulesVersion ?? agreement, production: production, on: day, ruleSet: ruleSet,
                extendedCumulation: extendedCumulation)
            try emit(result, materials: production.materials.count)
        }

        func emit(_ result: OriginResult, materials: Int) throws {
            switch options.format {
            case .json: try Output(format: .json).emit(header: [], rows: [], json: result)
            case .csv:
                try Output(format: .csv).emit(
                    header: ["row", "code", "origin", "value", "criterion", "reason"],
                    rows: result.failingMaterials.map { [String($0.row), $0.code.formatted, $0.origin?.rawValue ?? "unknown", $0.value.normalized.description, $0.criterion, $0.reason] },
                    json: result)
            case .table: Self.print(result, materials: materials)
            }
        }

        static func print(_ r: OriginResult, materials: Int) {
            let verdict = r.qualifies.map { $0 ? "QUALIFIES" : "DOES NOT QUALIFY" } ?? "UNDETERMINED"
            Swift.print("\(r.product) from \(r.exporter) under \(r.regime): \(verdict)\(r.criterionMet.map { " — \($0)" } ?? "")")
            Swift.print("  rule: \(r.rule)  [\(r.ruleSource)]")
            Swift.print("  materials: \(materials); originating \(r.originatingValue.normalized), non-originating \(r.nonOriginatingValue.normalized)")
            Swift.print("  cumulation: \(r.cumulation)")
            Swift.print("")
            Swift.print(Output.table(header: ["criterion", "outcome", "detail"], rows: r.criteria.map { [$0.criterion, $0.outcome.rawValue, $0.detail] }))
            if !r.rvc.isEmpty {
                Swift.print("")
                Swift.print(
                    Output.table(
                        header: ["formula", "RVC", "threshold", "margin", "headroom (value)"],
                        rows: r.rvc.map { f in
                            [
                                "\(f.formula.rawValue): \(f.text)", "\(f.percent.normalized)%", f.threshold.map { "\($0.normalized)%" } ?? "—",
                                f.margin.map { "\($0.normalized) pt" } ?? "—", f.headroom.map { $0.normalized.description } ?? "—",
                            ]
                        }))
            }
            if !r.maxNOM.isEmpty {
                Swift.print("")
                Swift.print(
                    Output.table(
                        header: ["MaxNOM", "non-originating", "share", "limit (value)", "headroom (value)"],
                        rows: r.maxNOM.map { f in
                            [
                                f.criterion, f.nonOriginating.normalized.description, "\(f.percent.normalized)% of \(f.basis.rawValue) \(f.base.normalized)",
                                f.limit.normalized.description, f.headroom.normalized.description,
                            ]
                        }))
            }
            if !r.failingMaterials.isEmpty {
                Swift.print("\nMaterials that stand in the way")
                Swift.print(
                    Output.table(
                        header: ["row", "code", "origin", "value", "why"],
                        rows: r.failingMaterials.map { [String($0.row), $0.code.formatted, $0.origin?.rawValue ?? "unknown", $0.value.normalized.description, $0.reason] }))
            }
            Swift.print("")
            if let d = r.deMinimis { Swift.print("  de minimis: \(d)") }
            Swift.print("  minimal operations: \(r.minimalOperations)")
            Swift.print("  consignment: \(r.consignment)")
            Swift.print("  proof of origin: \(r.proofOfOrigin.joined(separator: "; or "))")
            for n in r.notes { Swift.print("  note: \(n)") }
        }
    }

    struct Country: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Country of origin of a good made from imported materials, by the US tariff-shift rules (19 CFR 102.11 and 102.20).",
            discussion: """
                tarif origin country --importer USA --product 8516.60 --bom bom.csv --producer MEX --value 100
                Reads the 102.20 rules from the data directory (rules_of_origin/102.20-*.json) or --rules-file.
                """)

        @Option(name: .long, help: "The importing country whose rules apply (USA).") var importer: String = "USA"
        @Option(name: .long, help: "The good's HTSUS code.") var product: String
        @Option(name: .long, help: "The bill of materials (CSV: code, origin, value).") var bom: String
        @Option(name: .long, help: "The country where the good was produced.") var producer: String
        @Option(name: .long, help: "The good's value (for the 7% de minimis of 102.13).") var value: String?
        @Option(name: .customLong("rules-file"), help: "The 102.20 rules file (default: from the data directory).") var rulesFile: String?
        @Option(name: .long, help: "Data directory (default: $TARIF_DATA, else ../shared/data).") var data: String?
        @OptionGroup var options: QueryOptions

        func run() throws { try TarifCLI.run { try execute() } }

        func execute() throws {
            let tarif = try options.open()
            let registry = try tarif.registry()
            guard try registry.country(named: importer).code == .unitedStates else {
                throw TarifError(.notFound, "non-preferential origin rules are loaded only for USA (19 CFR 102)")
            }
            let (book, authority) = try OriginData.tariffShiftRules(file: rulesFile, dataDirectory: data)
            let v = try value.map { s -> ExactDecimal in
                let x = try InputLimits.number(s, field: "--value", kind: .amount)
                return x
            }
            let result = try book.countryOfOrigin(
                product: try TariffCode(product), producer: try registry.country(named: producer).code,
                materials: try OriginData.billOfMaterials(at: bom, registry: registry), value: v)
            switch options.format {
            case .json: try Output(format: .json).emit(header: [], rows: [], json: result)
            case .csv, .table:
                let rows = result.materials.map { [String($0.row), $0.code.formatted, $0.origin?.rawValue ?? "unknown", $0.value.normalized.description, $0.outcome.rawValue, $0.detail] }
                if options.format == .csv {
                    try Output(format: .csv).emit(header: ["row", "code", "origin", "value", "outcome", "detail"], rows: rows, json: result)
                    return
                }
                print("\(result.product) produced in \(result.producer): origin \(result.origin?.rawValue ?? "not determined by 102.20")")
                print("  basis: \(result.basis)")
                print("  rule \(result.ruleID) (\(authority)): \(result.rule)")
                if !rows.isEmpty { print(Output.table(header: ["row", "code", "origin", "value", "shift", "alternative met, or why not"], rows: rows)) }
                for c in result.conditions { print("  condition to confirm: \(c)") }
                for n in result.notes { print("  note: \(n)") }
            }
        }
    }

    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the rule of origin for a product: a UK scheme's product-specific rule, an agreement's (general or from --rules), or the US 102.20 rule.",
            discussion: """
                tarif origin rules GBR --scheme japan 8703.23 --on 2022-06-01
                tarif origin rules GBR --scheme japan --report          how many of the scheme's rules Tarif reads, and the ones it does not
                tarif origin rules GBR --report                        every UK scheme
                tarif origin rules --agreement ATIGA --product 1905.90
                tarif origin rules --agreement 102.20 --product 8516.60
                """)
        @Argument(help: "The importer whose schemes' published rules to show (GBR).") var importer: String?
        @Argument(help: "The product's code (with an importer).") var code: String?
        @Option(name: .long, help: "The scheme (japan, eu, dcts-ldcs, …) or agreement (UK-Japan).") var scheme: String?
        @Flag(name: .long, help: "Count the rules read, with conditions to declare, and not read; list those not read (--format csv for all).") var report = false
        @Option(name: .long, help: "ATIGA, or 102.20 for the US tariff-shift rules.") var agreement: String?
        @Option(name: .long, help: "The product's code.") var product: String?
        @Option(name: .long, help: "Product-specific rules file (CSV).") var rules: String?
        @Option(name: .long, help: "Data directory (default: $TARIF_DATA, else ../shared/data).") var data: String?
        @OptionGroup var options: QueryOptions

        func run() throws { try TarifCLI.run { try execute() } }

        func execute() throws {
            if let importer {
                try published(importer)
                return
            }
            guard let agreement, let product else {
                throw TarifError(.badInput, "give an importer (tarif origin rules GBR --scheme japan 8703.23), or --agreement and --product")
            }
            let code = try TariffCode(product)
            if agreement.hasPrefix("102") {
                let (book, authority) = try OriginData.tariffShiftRules(dataDirectory: data)
                guard let r = book.rule(for: code) else { throw TarifError(.notFound, "no 102.20 rule covers \(code) (\(book.rules.count) rules loaded)") }
                print("\(r.ruleID) (\(authority)), \(r.section ?? ""):")
                for a in r.alternatives { print("  - \(a.text)\(a.unparsedReason.map { "  [needs judgement: \($0)]" } ?? "")") }
                return
            }
            let tarif = try options.open()
            let registry = try tarif.registry()
            let regime = try OriginData.regime(named: agreement, registry: registry)
            let productRules = try rules.map { try OriginData.productRules(at: $0) } ?? []
            if let r = OriginData.rule(for: code, agreement: regime.agreement, in: productRules) {
                print("\(regime.id) product-specific rule for \(r.codes): \(r.text)  [\(r.source)]")
            } else {
                print("\(regime.id) general rule (no product-specific rule loaded for \(code)): \(regime.generalRule)  [\(regime.provisions["generalRule"] ?? "")]")
            }
            print("  value content: \(regime.formulas.map { "\($0.rawValue) \($0.formula)" }.joined(separator: "; "))")
            if let d = regime.deMinimisPercent { print("  de minimis: \(d.normalized)% of FOB  [\(regime.provisions["deMinimis"] ?? "")]") }
            print("  cumulation: \(regime.cumulation.rawValue)  [\(regime.provisions["cumulation"] ?? "")]")
            print("  minimal operations: \(regime.minimalOperations.map { "\($0.id) (\($0.text))" }.joined(separator: "; "))")
            print("  proof of origin: \(regime.proofOfOrigin.joined(separator: "; or "))")
        }

        /// An importer's published product-specific rules.
        func published(_ importerName: String) throws {
            let tarif = try options.open()
            let registry = try tarif.registry()
            let importer = try registry.country(named: importerName).code
            let day = try options.day()
            if report {
                let schemes = try scheme.map { [$0] } ?? tarif.store.originRuleSchemes(importer: importer).map(\.scheme)
                guard !schemes.isEmpty else { throw TarifError(.notFound, "no product-specific rules are loaded for \(importer)") }
                let books = try schemes.map { try tarif.productRules(importer: importer, scheme: $0) }
                let unread = books.flatMap { b in
                    b.sets.flatMap { s in s.alternatives.filter { $0.criterion == nil }.map { (b.file, s.source, $0) } }
                }
                switch options.format {
                case .csv, .json:
                    let rows = books.flatMap { b in
                        b.sets.flatMap { s in
                            s.alternatives.map { a in
                                [
                                    b.file, s.source.heading, s.source.low.digits, s.source.high.digits, a.criterion?.description ?? "",
                                    a.criterion == nil ? "not read" : (a.needsDeclaration ? "declared" : "checkable"), a.reason ?? "", a.text,
                                ]
                            }
                        }
                    }
                    try Output(format: options.format).emit(
                        header: ["file", "heading", "low", "high", "compiled", "status", "reason", "text"], rows: rows, json: rows)
                case .table:
                    var rows: [[String]] = []
                    var total = (0, 0, 0, 0)
                    for b in books {
                        let c = b.counts
                        total = (total.0 + c.alternatives, total.1 + c.checkable, total.2 + c.declared, total.3 + c.unread)
                        rows.append([b.file, String(b.sets.count), String(c.alternatives), String(c.checkable), String(c.declared), String(c.unread), percent(c.unread, c.alternatives)])
                    }
                    rows.append(["all", String(books.reduce(0) { $0 + $1.sets.count }), String(total.0), String(total.1), String(total.2), String(total.3), percent(total.3, total.0)])
                    print(Output.table(header: ["scheme file", "rule sets", "rules", "checkable", "with a declared condition", "not read", "not read %"], rows: rows))
                    if !unread.isEmpty {
                        print("\nNot read (\(unread.count)):")
                        for (file, set, a) in unread.prefix(40) { print("  \(file) \(set.heading): \(a.reason ?? "")") }
                        if unread.count > 40 { print("  … \(unread.count - 40) more (--format csv lists every rule)") }
                    }
                }
                return
            }
            guard let code, let scheme else {
                throw TarifError(.badInput, "give the scheme and the code: tarif origin rules \(importer) --scheme japan 8703.23 (or --report)")
            }
            let product = try TariffCode(code)
            let book = try tarif.productRules(importer: importer, scheme: scheme)
            let candidates = book.candidates(for: product)
            if options.format == .json {
                try Output(format: .json).emit(header: [], rows: [], json: try tarif.productRuleAnswer(importer: importer, scheme: scheme, code: product, on: day))
                return
            }
            guard !candidates.isEmpty else {
                let partly = book.index.partlyCovering(product).map { "\(book.sets[$0].source.heading) (\(book.sets[$0].source.low.digits)-\(book.sets[$0].source.high.digits))" }
                throw TarifError(
                    .notFound,
                    partly.isEmpty ? "no product-specific rule of \(book.file) covers \(product)"
                        : "\(product) is covered by several rule sets: \(partly.prefix(8).joined(separator: ", ")); give a longer code")
            }
            let agreement = try? registry.agreement(named: "\(importer.rawValue)-\(book.scheme)")
            print("\(product) into \(importer) under \(agreement?.name ?? book.scheme) (rules file \(book.file)), on \(day):")
            for (n, set) in candidates.enumerated() {
                let s = set.source
                print("")
                print("[\(n + 1)] \(s.heading)\(s.subdivision.isEmpty ? "" : ": \(s.subdivision)")  (\(s.low.digits)–\(s.high.digits); \(s.location))")
                if n == 0, s.isPartial { print("    applies only to goods fitting this description: confirm it; otherwise the next rule set") }
                if n > 0 { print("    applies when the rule sets above do not fit the good (--rule-set \(n + 1))") }
                for a in set.alternatives {
                    let inForce = a.holds(on: day)
                    let period: String
                    switch (a.validFrom, a.validUntil) {
                    case (let f?, let u?): period = " [\(f) to \(u)]"
                    case (let f?, nil): period = " [from \(f)]"
                    case (nil, let u?): period = " [until \(u)]"
                    case (nil, nil): period = ""
                    }
                    print("    \(inForce ? "•" : "×") \(a.text.replacingOccurrences(of: "\n\n", with: " "))\(period)\(inForce ? "" : " (not in force on \(day))")")
                    if let c = a.criterion {
                        print("        reads as: \(c)\(a.needsDeclaration ? "  (a condition the producer declares: --process)" : "")")
                    } else {
                        print("        not read by Tarif: \(a.reason ?? "")")
                    }
                    for c in a.caveats { print("        note: \(c)") }
                    for f in a.footnotes { print("        footnote: \(f)") }
                }
                if n == 0, candidates.count > 1 { continue }
            }
            let origin = try tarif.schemeOrigin(importer: importer, scheme: book.scheme, on: day, extendedCumulation: false)
            print("")
            if let t = origin.regime.deMinimisPercent {
                print("  tolerance: \(t.normalized)% of the ex-works price  [\(origin.regime.provisions["deMinimis"] ?? "")]")
            }
            print("  cumulation: \(origin.regime.provisions["cumulation"] ?? "")")
            if !origin.extended.isEmpty { print("  extended cumulation (on its conditions): \(origin.extended.map(\.rawValue).joined(separator: ", "))") }
            print("  proof of origin: \(origin.regime.proofOfOrigin.joined(separator: "; or "))")
            for n in origin.regime.notes ?? [] { print("  note: \(n)") }
        }

        func percent(_ a: Int, _ b: Int) -> String {
            guard b > 0 else { return "—" }
            return ((try? ExactDecimal(a * 100).divided(by: ExactDecimal(b), scale: 2, rule: .up)) ?? .zero).normalized.description + "%"
        }
    }
}
