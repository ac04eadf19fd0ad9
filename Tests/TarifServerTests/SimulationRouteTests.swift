import Foundation
import Hummingbird
import TarifCore
import TarifKit
import TarifServer
import TarifSimulation
import TarifTesting
import Testing

/// The simulations over HTTP: the same numbers as the library (and, for GE on gegravity's
/// sample, as gegravity), errors naming the key or parameter.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct SimulationRouteTests {
    typealias Object = [String: Any]

    /// A three-country cross-section, intranational flows included (output and expenditure are
    /// the row and column sums).
    static let panel = """
        exporter,importer,trade,Y,E,lndist,pta
        AUS,AUS,57600.0,58087.5,58160.5,3.912,0
        AUS,IDN,404.2,58087.5,39201.9,8.6125,0
        AUS,VNM,83.3,58087.5,3516.4,8.8818,0
        IDN,AUS,453.8,39218.9,58160.5,8.6125,0
        IDN,IDN,38532.0,39218.9,39201.9,3.912,0
        IDN,VNM,233.1,39218.9,3516.4,7.9725,1
        VNM,AUS,106.7,3572.4,58160.5,8.8818,0
        VNM,IDN,265.7,3572.4,39201.9,7.9725,1
        VNM,VNM,3200.0,3572.4,3516.4,3.912,0

        """

    static func object(_ r: LiveResponse) throws -> Object {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? Object)
    }

    static func query(_ pairs: [(String, String)]) -> String {
        pairs.map { "\($0.0)=\(OpenAPITests.encoded($0.1))" }.joined(separator: "&")
    }

    @Test func smartAnswersAsTheLibraryAndNamesBadKeys() async throws {
        try await ServerFixture.live(ServerOptions(rateLimit: 0)) { client in
            let question = #"{"elasticity":-1.5,"sigma":1.5,"flows":[{"product":"1006.30","partner":"VNM","imports":1200000,"tariff":20},{"product":"1006.30","partner":"THA","imports":800000,"tariff":20},{"product":"1006.30","partner":"IND","imports":500000,"tariff":20}],"scenario":{"set":0},"partners":["VNM","THA"]}"#
            let expected = try SMART.simulate(
                [
                    SMARTFlow(partner: try CountryCode("VNM"), imports: 1_200_000, tariffBefore: 0.2, tariffAfter: 0),
                    SMARTFlow(partner: try CountryCode("THA"), imports: 800_000, tariffBefore: 0.2, tariffAfter: 0),
                    SMARTFlow(partner: try CountryCode("IND"), imports: 500_000, tariffBefore: 0.2, tariffAfter: 0.2),
                ], parameters: try SMARTParameters(importDemandElasticity: -1.5))
            try await client.execute(uri: "/v1/simulate/smart", method: .post, body: ByteBuffer(string: question)) { r throws in
                #expect(r.status == .ok)
                let results = try #require(try Self.object(r)["results"] as? [Object])
                #expect(results.count == 1 && results[0]["product"] as? String == "1006.30")
                let result = try #require(results[0]["result"] as? Object)
                #expect(abs((result["tradeCreation"] as? Double ?? .nan) - expected.tradeCreation) < 1e-6)
                #expect(abs((result["welfare"] as? Double ?? .nan) - expected.welfare) < 1e-6)
                let partners = try #require(result["partners"] as? [Object])
                let diversion = partners.compactMap { $0["tradeDiversion"] as? Double }
                #expect(diversion.count == 3 && abs(diversion.reduce(0, +)) < 1e-6)
                // India keeps its tariff: it loses imports to the partners whose tariff falls.
                #expect((partners.first { $0["partner"] as? String == "IND" }?["tradeDiversion"] as? Double ?? 0) < 0)
            }
            for (bad, field, status) in [
                (question.replacingOccurrences(of: "-1.5", with: "1.5"), "elasticity", HTTPResponse.Status.badRequest),
                (question.replacingOccurrences(of: #""partner":"THA""#, with: #""partner":"Atlantis""#), "flows[1].partner", .notFound),
                (question.replacingOccurrences(of: #""tariff":20},{"product":"1006.30","partner":"IND""#, with: #""tariff":-5},{"product":"1006.30","partner":"IND""#), "flows[1].tariff", .badRequest),
                (question.replacingOccurrences(of: #"{"set":0}"#, with: #"{"set":0,"cut":0.5}"#), "scenario", .badRequest),
                (question.replacingOccurrences(of: #"{"set":0}"#, with: #"{"cut":2}"#), "cut", .badRequest),
            ] {
                try await client.execute(uri: "/v1/simulate/smart", method: .post, body: ByteBuffer(string: bad)) { r throws in
                    #expect(r.status == status, "\(field)")
                    #expect(try APITests.error(r).field == field)
                }
            }
            try await client.execute(uri: "/v1/simulate/smart", method: .post, body: ByteBuffer(string: #"{"elasticity":-1}"#)) { r throws in
                #expect(r.status == .badRequest)
                #expect(try APITests.error(r).message.contains("flows is missing"))
            }
        }
    }

    @Test func gravityEstimatesAsTheLibraryAndNamesTheBadCell() async throws {
        let direct = try GravityStudy(formula: "trade ~ lndist | exporter + importer", clusters: [], vcov: "hetero")
        let path = try TestData.temporaryDirectory().appendingPathComponent("panel.csv").path
        try Self.panel.write(toFile: path, atomically: true, encoding: .utf8)
        let expected = try direct.estimate(try GravityData.panel(at: path))
        try await ServerFixture.live(ServerOptions(rateLimit: 0)) { client in
            let uri = "/v1/gravity/estimate?" + Self.query([("formula", "trade ~ lndist | exporter + importer"), ("vcov", "hetero")])
            try await client.execute(uri: uri, method: .post, headers: [.contentType: "text/csv"], body: ByteBuffer(string: Self.panel)) { r throws in
                #expect(r.status == .ok)
                let coefficients = try #require(try Self.object(r)["coefficients"] as? [Object])
                let lndist = try #require(coefficients.first { $0["name"] as? String == "lndist" })
                #expect(abs((lndist["estimate"] as? Double ?? .nan) - expected.coefficients[0].estimate) < 1e-9)
                #expect(abs((lndist["standardError"] as? Double ?? .nan) - expected.coefficients[0].standardError) < 1e-9)
            }
            // Rows filtered: without intranational flows there are 6 observations.
            let filtered = "/v1/gravity/estimate?" + Self.query([("formula", "trade ~ lndist | exporter + importer"), ("where", "exporter != importer")])
            try await client.execute(uri: filtered, method: .post, body: ByteBuffer(string: Self.panel)) { r throws in
                #expect(r.status == .ok)
                #expect(try Self.object(r)["observations"] as? Int == 6)
            }
            let broken = Self.panel.replacingOccurrences(of: "404.2", with: "lots")
            try await client.execute(uri: uri, method: .post, body: ByteBuffer(string: broken)) { r throws in
                #expect(r.status == .badRequest)
                let e = try APITests.error(r)
                #expect(e.field == "trade" && e.message.contains("'lots' is not a number"))
            }
            try await client.execute(uri: "/v1/gravity/estimate?" + Self.query([("formula", "trade ~ | exporter")]), method: .post, body: ByteBuffer(string: Self.panel)) { r throws in
                #expect(r.status == .badRequest)
            }
            try await client.execute(uri: uri, method: .post) { r throws in
                #expect(r.status == .badRequest)
                #expect(try APITests.error(r).field == nil)
                #expect(try APITests.error(r).message.contains("send the panel"))
            }
        }
    }

    /// gegravity's 30-country sample with its coefficients: the welfare statistics agree with
    /// gegravity's to 1e-4 relative (the figures recorded for the library's own parity test).
    @Test func geAgreesWithGegravityOverHTTP() async throws {
        let peers = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TarifKitTests/Peers/gegravity_ge.json")
        let recorded = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: peers)) as? Object)
        let results = try #require(recorded["results"] as? Object)
        let coefficients = try #require(results["coefficients"] as? [String: Double])
        let experiment = try #require((results["experiments"] as? [Object])?.first)
        let shock = try #require(experiment["shock"] as? String)
        let peer = try #require(experiment["countries"] as? [String: [String: Double]])
        let sample = try String(contentsOfFile: TestData.path("gravity/gegravity_sample_2006_30countries.csv"), encoding: .utf8)
        try await ServerFixture.live(ServerOptions(rateLimit: 0)) { client in
            var pairs = [("output", "Y"), ("expenditure", "E"), ("sigma", "5"), ("reference", "DEU"), ("shock", shock)]
            pairs += coefficients.keys.sorted().map { ("coefficient", "\($0):\(coefficients[$0]!)") }
            try await client.execute(uri: "/v1/simulate/ge?" + Self.query(pairs), method: .post, body: ByteBuffer(string: sample)) { r throws in
                #expect(r.status == .ok)
                let answer = try Self.object(r)
                let countries = try #require((answer["result"] as? Object)?["countries"] as? [Object])
                #expect(countries.count == 30)
                for c in countries {
                    let name = try #require(c["country"] as? String)
                    let theirs = try #require(peer[name]?["welfare statistic"])
                    let ours = try #require(c["welfareStatistic"] as? Double)
                    #expect(abs(ours - theirs) <= 1e-4 * abs(theirs), "\(name)")
                }
                #expect((answer["costs"] as? [Any])?.count == coefficients.count)
            }
            // The costs estimated on the panel first, then a shock on a variable that is not a cost.
            let estimated = Self.query([("output", "Y"), ("expenditure", "E"), ("sigma", "5"), ("reference", "AUS"), ("shock", "pta=1@AUS,IDN"), ("formula", "trade ~ lndist + pta | exporter + importer")])
            try await client.execute(uri: "/v1/simulate/ge?" + estimated, method: .post, body: ByteBuffer(string: Self.panel)) { r throws in
                #expect(r.status == .ok)
                let countries = try #require((try Self.object(r)["result"] as? Object)?["countries"] as? [Object])
                let welfare = Dictionary(uniqueKeysWithValues: countries.map { ($0["country"] as? String ?? "", $0["welfareChange"] as? Double ?? .nan) })
                #expect(welfare["AUS"]! > 0 && welfare["IDN"]! > 0 && welfare["VNM"]! < 0)
            }
            let notCost = estimated.replacingOccurrences(of: "lndist%20%2B%20pta", with: "lndist")
            try await client.execute(uri: "/v1/simulate/ge?" + notCost, method: .post, body: ByteBuffer(string: Self.panel)) { r throws in
                #expect(r.status == .badRequest)
                #expect(try APITests.error(r).message.contains("not a trade-cost variable"))
            }
            for (pairs, field) in [
                ([("output", "Y"), ("expenditure", "E"), ("sigma", "0.5"), ("reference", "AUS"), ("shock", "pta=1@AUS,IDN"), ("coefficient", "pta:0.3")], "sigma"),
                ([("output", "Y"), ("expenditure", "E"), ("sigma", "5"), ("reference", "AUS"), ("shock", "pta=1"), ("coefficient", "pta:0.3")], "shock"),
                ([("output", "Y"), ("expenditure", "E"), ("sigma", "5"), ("reference", "AUS"), ("shock", "pta=1@AUS,IDN"), ("coefficient", "pta")], "coefficient"),
                ([("output", "Y"), ("expenditure", "E"), ("sigma", "5"), ("reference", "AUS"), ("shock", "pta=1@AUS,IDN")], "formula"),
                ([("expenditure", "E"), ("sigma", "5"), ("reference", "AUS"), ("shock", "pta=1@AUS,IDN"), ("coefficient", "pta:0.3")], "output"),
            ] {
                try await client.execute(uri: "/v1/simulate/ge?" + Self.query(pairs), method: .post, body: ByteBuffer(string: Self.panel)) { r throws in
                    #expect(r.status == .badRequest, "\(field)")
                    #expect(try APITests.error(r).field == field)
                }
            }
        }
    }
}
