import TarifCore
import TarifRegistry
import TarifSimulation
import TarifTesting
import Testing

@testable import TarifKit

@Suite struct SimulationDataTests {
    static func registry() throws -> Registry {
        let countries = ["VNM", "THA"].map {
            Country(
                code: try! CountryCode($0), alpha2: String($0.prefix(2)), numeric: "", name: $0 == "VNM" ? "Viet Nam" : "Thailand", officialName: "",
                region: "Asia", subregion: "", isLeastDeveloped: false, isLandlockedDeveloping: false, isSmallIslandDeveloping: false, currency: "",
                independence: "Yes")
        }
        return try Registry(RegistryInput(countries: countries))
    }

    @Test func readsFlows() throws {
        let path = try TestData.fixture("flows.csv", "product,partner,imports,tariff,new_tariff\n1006.30,Viet Nam,\"1,000\",25,0\n1006.30,THA,500,25,\n")
        let rows = try SimulationData.smartFlows(at: path, registry: try Self.registry())
        #expect(rows.count == 2)
        #expect(rows[0].product == "1006.30" && rows[0].flow.imports == 1_000 && rows[0].flow.tariffBefore == 0.25 && rows[0].newTariff == 0)
        #expect(rows[1].newTariff == nil)
    }

    @Test("bad flows name the row and column", arguments: [
        ("partner,imports,tariff\nVNM,abc,10\n", "flows.csv:2:2 (imports)"),
        ("partner,imports,tariff\nVNM,10,-5\n", "flows.csv:2:3 (tariff)"),
        ("partner,imports,tariff\nATL,10,5\n", "flows.csv:2:1 (partner)"),
        ("partner,imports\nVNM,10\n", "flows.csv:1"),
    ])
    func badFlows(text: String, location: String) throws {
        let path = try TestData.fixture("flows.csv", text)
        #expect {
            try SimulationData.smartFlows(at: path, registry: try Self.registry())
        } throws: { ($0 as? TarifError)?.description.contains(location) ?? false }
    }

    @Test func readsGravityPanelsWithTypesAndMissingValues() throws {
        let path = try TestData.fixture("panel.csv", "exporter,importer,year,trade,rta\nIDN,VNM,2006,12.5,1\nVNM,IDN,2006,NA,1\nIDN,IDN,2006,,0\n")
        let panel = try GravityData.panel(at: path, where: ["exporter != importer"])
        #expect(panel.rowCount == 2)
        #expect(panel.lines == [2, 3])
        let trade = try panel.numbers("trade")
        #expect(trade[0] == 12.5 && trade[1].isNaN)
        #expect(try panel.categories("exporter").levels == ["IDN", "VNM"])
        #expect(throws: TarifError.self) { try panel.numbers("exporter") }
    }

    @Test func aTextInANumericColumnNamesLineAndColumn() throws {
        let path = try TestData.fixture("panel.csv", "exporter,importer,trade\nIDN,VNM,12\nVNM,IDN,lots\n")
        #expect {
            try GravityData.panel(at: path)
        } throws: { error in
            (error as? TarifError)?.location?.description.hasSuffix("panel.csv:3:3 (trade)") == true
        }
    }

    @Test func readsCostCoefficients() throws {
        let path = try TestData.fixture("costs.csv", "variable,coefficient\nlog(dist),-0.84\npta,0.47\n")
        let costs = try GravityData.coefficients(at: path)
        #expect(costs.map { $0.0.description } == ["log(dist)", "pta"] && costs.map(\.1) == [-0.84, 0.47])
        let bad = try TestData.fixture("costs.csv", "variable,coefficient\npta,high\n")
        #expect {
            try GravityData.coefficients(at: bad)
        } throws: { error in
            (error as? TarifError)?.location?.description.hasSuffix("costs.csv:2:2 (coefficient)") == true
        }
    }
}

/// Reading a panel stops at its deadline (the server's time limit), and at its byte limit.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"))
struct PanelLimitTests {
    @Test func readingStopsAtTheDeadlineAndTheSizeLimit() throws {
        let path = TestData.path("gravity/yotov_agtpa_applications_1986_2006.csv")
        #expect {
            _ = try GravityData.panel(at: path, displayName: "panel", deadline: .now - .seconds(1))
        } throws: { ($0 as? TarifError)?.code == .timeout }
        #expect {
            _ = try GravityData.panel(at: path, displayName: "panel", maxBytes: 1 << 20)
        } throws: { ($0 as? TarifError)?.code == .tooLarge }
        #expect(try GravityData.panel(at: path, displayName: "panel", maxBytes: 16 << 20, deadline: .now + .seconds(600)).rowCount > 1_000)
    }
}
