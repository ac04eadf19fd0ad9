public import TarifCore
public import TarifRegistry
public import TarifSimulation

/// A SMART study as a user asks it, from the command line or over HTTP: flows (optionally
/// grouped by product), the elasticities, and the scenario: one rule for every targeted
/// partner (`set`, `cut`, `swiss`), a new tariff per flow, or the preference of an agreement
/// read from the resolution engine.
public struct SMARTStudy: Sendable {
    /// A flow as read: product (may be empty: one market), the flow with its tariff before,
    /// and its own new tariff when the data give one.
    public typealias Row = (product: String, flow: SMARTFlow, newTariff: Double?)

    /// Where the tariffs after the change come from.
    public enum Scenario: Sendable {
        /// One rule, applied to the flows of `partners` (all when nil), unless a row has its own new tariff.
        case rule(TariffScenario?, partners: Set<CountryCode>?)
        /// The preference `agreement` gives in `importer`'s schedule on `day`, against the rates without it.
        case agreement(String, importer: CountryCode, day: Day)
    }

    /// One product's outcome with the flows it was computed on.
    public struct ProductOutcome: Sendable, Encodable {
        public var product: String?
        public var flows: [SMARTFlow]
        public var result: SMARTResult
    }

    /// Every product's outcome, in the order the products first appear, and notes on flows
    /// left out (an agreement scenario's lines with no ad valorem equivalent).
    public struct Outcome: Sendable, Encodable {
        public var results: [ProductOutcome]
        public var notes: [String]
    }

    public var rows: [Row]
    public var parameters: SMARTParameters
    public var scenario: Scenario

    public init(rows: [Row], parameters: SMARTParameters, scenario: Scenario) {
        self.rows = rows
        self.parameters = parameters
        self.scenario = scenario
    }

    /// Runs the simulation of each product.
    /// - Throws: ``TarifError`` when no scenario gives a flow its new tariff, a cut is not a
    ///   share from 0 to 1, or (agreement scenario) the agreement, importer or a line is unknown.
    public func run(tarif: Tarif, registry: Registry) throws -> Outcome {
        var prepared: [(String, SMARTFlow)] = []
        var notes: [String] = []
        switch scenario {
        case .agreement(let agreement, let importer, let day):
            let scenario = try SimulationData.agreementScenario(rows, tarif: tarif, importer: importer, agreement: agreement, on: day, registry: registry)
            prepared = scenario.rows
            notes = scenario.notes
        case .rule(let rule, let partners):
            if case .cut(let share)? = rule, !(0...1).contains(share) {
                throw TarifError(.badNumber, "cut \(share): a share from 0 to 1", at: SourceLocation(file: "scenario", field: "cut"))
            }
            guard rule != nil || rows.allSatisfy({ $0.newTariff != nil }) else {
                throw TarifError(.missingInput, "give exactly one scenario (set, cut or swiss), or a new tariff for every flow", at: SourceLocation(file: "scenario"))
            }
            for case (let product, var flow, let next) in rows {
                if let next {
                    flow.tariffAfter = next
                } else if let rule, partners?.contains(flow.partner) ?? true {
                    flow.tariffAfter = rule.apply(flow.tariffBefore)
                }
                prepared.append((product, flow))
            }
        }
        var byProduct: [String: [SMARTFlow]] = [:]
        var order: [String] = []
        for (product, flow) in prepared {
            if byProduct[product] == nil { order.append(product) }
            byProduct[product, default: []].append(flow)
        }
        let results = try order.map { product in
            let flows = byProduct[product] ?? []
            return ProductOutcome(product: product.isEmpty ? nil : product, flows: flows, result: try SMART.simulate(flows, parameters: parameters))
        }
        return Outcome(results: results, notes: notes)
    }
}
