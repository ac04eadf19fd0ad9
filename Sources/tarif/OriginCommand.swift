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
                The bill of materials is a CSV with code, origin, value and optionally description and originating (yes/no).
                Product-specific rules come from --rules FILE (agreement,code,rule,source; see docs/origin.md).
                """)

        @Option(name: .long, help: "The agreement whose rules apply (ATIGA).") var agreement: String
        @Option(name: .long, help: "The product's tariff code (HS subheading or national line).") var product: String
        @Option(name: .long, help: "The bill of materials (CSV).") var bom: String
        @Option(name: .long, help: "FOB value of the good.") var fob: String
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
            let regime = try OriginData.regime(named: agreement, registry: registry)
            let parties = try OriginData.parties(of: regime.agreement, on: day, registry: registry)
            let exporter = try registry.country(named: self.exporter).code
            guard parties.contains(exporter) else {
                throw TarifError(.notFound, "\(exporter) is not a party to \(regime.agreement) on \(day)")
            }
            let product = try TariffCode(product)
            func number(_ s: String?, _ name: String) throws -> ExactDecimal {
                guard let s else { return .zero }
                return try InputLimits.number(s, field: name, kind: .amount)
            }
            let transits = try transit.map { t -> Transit in
                let parts = t.split(separator: ":").map(String.init)
                guard (1...2).contains(parts.count), parts.count == 1 || parts[1] == "processed" else {
                    throw TarifError(.badInput, "--transit '\(t)': write COUNTRY or COUNTRY:processed")
                }
                return Transit(country: try registry.country(named: parts[0]).code, processed: parts.count == 2)
            }
            let production = Production(
                product: product, exporter: exporter, importer: try importer.map { try registry.country(named: $0).code },
                materials: try OriginData.billOfMaterials(at: bom, registry: registry), fob: try number(fob, "--fob"),
                labour: try number(labour, "--labour"), overhead: try number(overhead, "--overhead"), profit: try number(profit, "--profit"),
                otherCosts: try number(otherCosts, "--other-costs"), operations: operation.isEmpty ? nil : operation, processes: process,
                whollyObtained: whollyObtained, transits: transits)
            let productRules = try rules.map { try OriginData.productRules(at: $0) } ?? []
            let rule = OriginData.rule(for: product, agreement: regime.agreement, in: productRules)
            let result = try OriginEvaluator(regime: regime, parties: parties).evaluate(production, rule: rule)
            switch options.format {
            case .json: try Output(format: .json).emit(header: [], rows: [], json: result)
            case .csv:
                try Output(format: .csv).emit(
                    header: ["row", "code", "origin", "value", "criterion", "reason"],
                    rows: result.failingMaterials.map { [String($0.row), $0.code.formatted, $0.origin?.rawValue ?? "unknown", $0.value.normalized.description, $0.criterion, $0.reason] },
                    json: result)
            case .table: Self.print(result, materials: production.materials.count)
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
            if !r.failingMaterials.isEmpty {
                Swift.print("\nMaterials that fail the tariff shift")
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
            abstract: "Show the rule of origin for a product: an agreement's (general or from --rules) or the US 102.20 rule.",
            discussion: """
                tarif origin rules --agreement ATIGA --product 1905.90
                tarif origin rules --agreement 102.20 --product 8516.60
                """)
        @Option(name: .long, help: "ATIGA, or 102.20 for the US tariff-shift rules.") var agreement: String
        @Option(name: .long, help: "The product's code.") var product: String
        @Option(name: .long, help: "Product-specific rules file (CSV).") var rules: String?
        @Option(name: .long, help: "Data directory (default: $TARIF_DATA, else ../shared/data).") var data: String?
        @OptionGroup var options: QueryOptions

        func run() throws { try TarifCLI.run { try execute() } }

        func execute() throws {
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
    }
}
