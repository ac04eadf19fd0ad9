import Foundation
import Hummingbird
import HummingbirdTesting
import TarifKit
import TarifServer
import TarifTesting
import Testing

/// The API served on loopback over the real schedules, every route and the errors.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct APITests {
    static let built: Result<TarifAPI, any Error> = Result {
        let path = try TestData.temporaryDirectory().appendingPathComponent("tarif.sqlite").path
        let tarif = try Tarif(path: path)
        _ = try DataBuilder(database: tarif.database).build(from: TestData.directory, catalog: try Catalog.bundled())
        return try TarifAPI(tarif: tarif)
    }

    /// Runs `body` against a live server on 127.0.0.1 (an ephemeral port).
    func live(adminToken: String? = nil, _ body: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
        let built = try Self.built.get()
        let api = try TarifAPI(tarif: built.tarif, adminToken: adminToken)
        let app = Application(router: api.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live, body)
    }

    static func json(_ r: TestResponse) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: r.body))
        return try #require(object as? [String: Any])
    }

    static func error(_ r: TestResponse) throws -> (code: String, message: String, field: String?) {
        let e = try #require(try json(r)["error"] as? [String: Any])
        return (try #require(e["code"] as? String), try #require(e["message"] as? String), e["field"] as? String)
    }

    @Test func healthAndReadRoutesAnswer() async throws {
        try await live { client in
            try await client.execute(uri: "/healthz", method: .get) { r throws in
                #expect(r.status == .ok)
                #expect(try Self.json(r)["status"] as? String == "ok")
            }
            try await client.execute(uri: "/v1/duty?importer=USA&origin=MEX&code=6109.10.00&on=2026-03-01&value=10000", method: .get) { r throws in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("application/json") == true)
                let body = try Self.json(r)
                let treatments = try #require(body["treatments"] as? [[String: Any]])
                let applied = try #require(body["applied"] as? [Int])
                #expect(treatments[applied[0]]["agreement"] as? String == "USMCA")
            }
            try await client.execute(uri: "/v1/rates/IDN/1006.30.99?on=2024-01-01", method: .get) { r throws in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/v1/lines/IDN?q=beras&on=2024-01-01&limit=5", method: .get) { r throws in
                let lines = try #require(try Self.json(r)["lines"] as? [[String: Any]])
                #expect(lines.contains { ($0["code"] as? String)?.hasPrefix("1006") == true })
            }
            try await client.execute(uri: "/v1/countries/IDN?on=2024-01-01", method: .get) { r throws in
                let agreements = try #require(try Self.json(r)["agreements"] as? [String])
                #expect(agreements.contains("ATIGA") && agreements.contains("RCEP"))
            }
            try await client.execute(uri: "/v1/agreements?country=IDN&partner=VNM&on=2022-06-01", method: .get) { r throws in
                let shared = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [[String: Any]])
                #expect(shared.compactMap { $0["agreement"] as? String }.contains("ATIGA"))
                #expect(!shared.compactMap { $0["agreement"] as? String }.contains("RCEP"))  // in force for IDN from 2023-01-02
            }
            try await client.execute(uri: "/v1/markets?origin=IDN&product=0901.21&on=2024-01-01", method: .get) { r throws in
                #expect(r.status == .ok)
            }
            try await client.execute(uri: "/v1/countries", method: .get) { r throws in
                let list = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [[String: Any]])
                #expect(list.count >= 249)
                #expect(list.contains { $0["code"] as? String == "IDN" && $0["name"] as? String == "Indonesia" })
            }
        }
    }

    @Test func errorsHaveTheirStatusCodeAndField() async throws {
        try await live { client in
            try await client.execute(uri: "/v1/rates/USA/0101.99?on=2026-03-01", method: .get) { r throws in
                #expect(r.status == .notFound)
                let e = try Self.error(r)
                #expect(e.code == "not_found" && e.message.contains("nearby lines: 0101"))
            }
            try await client.execute(uri: "/v1/duty?importer=USA&code=6109.10.00&on=2026-13-01", method: .get) { r throws in
                #expect(r.status == .badRequest)
                let e = try Self.error(r)
                #expect(e.code == "bad_date" && e.field == "on")
            }
            try await client.execute(uri: "/v1/duty?importer=USA&on=2026-03-01", method: .get) { r throws in
                #expect(r.status == .badRequest)
                #expect(try Self.error(r).field == "code")
            }
            try await client.execute(uri: "/v1/duty?importer=USA&code=6109.10.00&value=ten", method: .get) { r throws in
                #expect(r.status == .badRequest)
                #expect(try Self.error(r).field == "value")
            }
            try await client.execute(uri: "/v1/countries/Atlantis", method: .get) { r throws in
                #expect(r.status == .notFound)
            }
            try await client.execute(uri: "/v1/no-such-route", method: .get) { r throws in
                #expect(r.status == .notFound)
                #expect(try Self.error(r).code == "not_found")
            }
        }
    }

    @Test func batchAnswersEachQuestionAndLimitsTheBody() async throws {
        try await live { client in
            let questions = #"[{"importer":"USA","origin":"MEX","code":"6109.10.00","on":"2026-03-01","value":"100"},{"importer":"USA","code":"6109.10.00","on":"2026-02-30"}]"#
            try await client.execute(uri: "/v1/duty/batch", method: .post, body: ByteBuffer(string: questions)) { r throws in
                #expect(r.status == .ok)
                let answers = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [[String: Any]])
                #expect(answers.count == 2)
                #expect(answers[0]["resolution"] != nil && answers[0]["error"] == nil)
                let e = try #require(answers[1]["error"] as? [String: Any])
                #expect(e["code"] as? String == "bad_date" && e["field"] as? String == "on")
            }
            try await client.execute(uri: "/v1/duty/batch", method: .post, body: ByteBuffer(string: "{not json")) { r throws in
                #expect(r.status == .badRequest)
            }
            let big = ByteBuffer(repeating: UInt8(ascii: " "), count: TarifAPI.maxBody + 1)
            try await client.execute(uri: "/v1/duty/batch", method: .post, body: big) { r throws in
                #expect(r.status == .contentTooLarge)
                #expect(try Self.error(r).code == "too_large")
            }
        }
    }

    @Test func adminRoutesNeedTheBearerToken() async throws {
        try await live { client in
            try await client.execute(uri: "/v1/admin/data/build", method: .post) { r throws in
                #expect(r.status == .forbidden)
            }
        }
        try await live(adminToken: "s3cret") { client in
            try await client.execute(uri: "/v1/admin/data/build", method: .post) { r throws in
                #expect(r.status == .unauthorized)
                #expect(r.headers[.wwwAuthenticate] == "Bearer")
                #expect(try Self.error(r).code == "unauthorized")
            }
            try await client.execute(uri: "/v1/admin/data/build", method: .post, headers: [.authorization: "Bearer wrong"]) { r throws in
                #expect(r.status == .unauthorized)
            }
            // The right token passes authorisation; this server has no data directory to build from.
            try await client.execute(uri: "/v1/admin/data/build", method: .post, headers: [.authorization: "Bearer s3cret"]) { r throws in
                #expect(r.status == .badRequest)
                #expect(try Self.error(r).code == "missing_input")
            }
        }
    }
}
