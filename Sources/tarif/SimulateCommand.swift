import ArgumentParser
import Foundation
import TarifCore
import TarifKit
import TarifSimulation

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Impact simulations: SMART partial equilibrium, structural-gravity GE counterfactuals.", subcommands: [Smart.self, GE.self])

    struct Smart: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "SMART (WITS) partial equilibrium: trade creation, diversion, price effect, revenue and welfare of a tariff change.",
            discussion: """
                tarif simulate smart --data flows.csv --elasticity -1.5 --set 0 --partners VNM --svg smart.svg
                tarif simulate smart --data flows.csv --elasticity -1.2 --sigma 1.5 --supply-elasticity 5 --cut 0.5
                flows.csv: partner,imports,tariff (percent) and optionally product (one simulation each) and new_tariff (percent).
                The scenario (--set PERCENT, --cut SHARE, --swiss COEFFICIENT) applies to --partners (default: all) unless new_tariff is given.
                Equations and sources: docs/simulation.md.
                """)

        @Option(name: .long, help: "The flows (CSV).") var data: String
        @Option(name: .long, parsing: .unconditional, help: "Import demand elasticity (negative, e.g. -1.5).") var elasticity: Double
        @Option(name: .long, help: "Elasticity of substitution between partners (default 1.5).") var sigma: Double = 1.5
        @Option(name: .customLong("supply-elasticity"), help: "Export supply elasticity (default: infinite).") var supplyElasticity: Double?
        @Option(name: .long, help: "Set the tariff to this percentage.") var set: Double?
        @Option(name: .long, help: "Cut the tariff by this share (0.5 halves it).") var cut: Double?
        @Option(name: .long, help: "Swiss formula with this coefficient (t1 = a·t0/(a+t0), percent).") var swiss: Double?
        @Option(name: .long, help: "The partners the scenario applies to (comma-separated; default all).") var partners: String?
        @Option(name: .long, help: "Draw the per-partner total effects as an SVG bar chart.") var svg: String?
        @OptionGroup var options: QueryOptions

        func run() throws { try TarifCLI.run { try execute() } }

        func execute() throws {
            let tarif = try options.open()
            let registry = try tarif.registry()
            let chosen = [set.map { TariffScenario.set($0 / 100) }, cut.map { TariffScenario.cut($0) }, swiss.map { TariffScenario.swiss($0) }].compactMap { $0 }
            let rows = try SimulationData.smartFlows(at: data, registry: registry)
            guard chosen.count == 1 || (chosen.isEmpty && rows.allSatisfy { $0.newTariff != nil }) else {
                throw TarifError(.missingInput, "give exactly one scenario (--set, --cut or --swiss), or a new_tariff for every row")
            }
            if let c = cut, !(0...1).contains(c) { throw TarifError(.badNumber, "--cut \(c): a share from 0 to 1") }
            let targets = try partners.map { try Set($0.split(separator: ",").map { try registry.country(named: String($0).trimming(" ")).code }) }
            let parameters = try SMARTParameters(importDemandElasticity: elasticity, substitutionElasticity: sigma, supplyElasticity: supplyElasticity)
            var byProduct: [String: [SMARTFlow]] = [:]
            var order: [String] = []
            for var (product, flow, next) in rows {
                if let next {
                    flow.tariffAfter = next
                } else if let s = chosen.first, targets?.contains(flow.partner) ?? true {
                    flow.tariffAfter = s.apply(flow.tariffBefore)
                }
                if byProduct[product] == nil { order.append(product) }
                byProduct[product, default: []].append(flow)
            }
            let results = try order.map { ($0, try SMART.simulate(byProduct[$0]!, parameters: parameters)) }
            func f(_ x: Double) -> String { String(format: "%.2f", abs(x) < 0.005 ? 0 : x) }
            struct ProductResult: Encodable {
                var product: String?
                var result: SMARTResult
            }
            let json = results.map { ProductResult(product: $0.0.isEmpty ? nil : $0.0, result: $0.1) }
            var table: [[String]] = []
            for (product, r) in results {
                for p in r.partners {
                    table.append([product, p.partner.rawValue, f(p.importsBefore), f(p.tradeCreation), f(p.tradeDiversion), f(p.priceEffect), f(p.totalEffect), f(p.revenueAfter - p.revenueBefore)])
                }
                table.append([product, "total", f(r.importsBefore), f(r.tradeCreation), f(r.tradeDiversion), f(r.priceEffect), f(r.totalEffect), f(r.revenueAfter - r.revenueBefore)])
            }
            let footer = results.map { "\($0.0.isEmpty ? "" : "\($0.0): ")consumer surplus \(f($0.1.consumerSurplus)), tariff revenue \(f($0.1.revenueBefore)) → \(f($0.1.revenueAfter)), welfare \(f($0.1.welfare))" }
            if let svg {
                let bars = results.flatMap { product, r in
                    r.partners.map { SVGBarChart.Bar(label: "\(product.isEmpty ? "" : product + " ")\($0.partner.rawValue)", value: $0.totalEffect, note: "creation \(f($0.tradeCreation)), diversion \(f($0.tradeDiversion))", highlighted: $0.totalEffect > 0) }
                }
                try SVGBarChart(title: "SMART: change in imports by partner", unit: "", bars: bars, caption: "Tarif — SMART partial equilibrium; orange: partners that gain").write(to: svg)
            }
            try Output(format: options.format).emit(
                header: ["product", "partner", "imports", "creation", "diversion", "price effect", "total", "revenue change"], rows: table, json: json,
                title: "SMART: εm \(elasticity), σ \(sigma), εx \(supplyElasticity.map { "\($0)" } ?? "∞")", footer: footer + (svg.map { ["Chart written to \($0)."] } ?? []))
        }
    }
}
