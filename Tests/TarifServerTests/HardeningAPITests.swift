import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TarifKit
import TarifServer
import TarifTesting
import Testing

/// Hostile questions get a 4xx in the error shape, fast, and the server keeps answering.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct HardeningAPITests {
    static let alive = "/v1/duty?importer=USA&origin=MEX&code=6109.10.00&on=2026-03-01&value=10000"

    func live(_ body: @Sendable @escaping (LiveClient) async throws -> Void) async throws {
        try await ServerFixture.live(ServerOptions(rateLimit: 0, refreshInterval: 0), body)
    }

    /// Asks `uri`, expects `status` with an error body of `code` whose message has `says`,
    /// then checks the server still answers a plain question.
    func refused(
        _ client: LiveClient, _ uri: String, method: HTTPRequest.Method = .get, body: String? = nil, bytes: ByteBuffer? = nil,
        status: HTTPResponse.Status = .badRequest, code: String, says: String
    ) async throws {
        try await client.execute(uri: uri, method: method, body: bytes ?? body.map { ByteBuffer(string: $0) }) { r throws in
            #expect(r.status == status, "\(uri.prefix(120))")
            #expect(r.headers[.contentType]?.hasPrefix("application/json") == true)
            let e = try APITests.error(r)
            #expect(e.code == code, "\(e)")
            #expect(e.message.contains(says), "\(e.message)")
            #expect(r.body.readableBytes < 2_000)
        }
        try await client.execute(uri: Self.alive, method: .get) { r throws in #expect(r.status == .ok) }
    }

    @Test func overflowingAndNegativeAmountsAre400() async throws {
        try await live { client in
            let base = "/v1/duty?importer=USA&origin=VNM&code=6109.10.00&on=2026-03-01&value="
            try await refused(client, base + "10000000000000000000000000000000000", code: "too_large", says: "limit of 10^18")
            try await refused(client, base + "1000000000000000001", code: "too_large", says: "limit of 10^18")
            try await refused(client, base + "-5", code: "bad_number", says: "negative")
            try await refused(client, base + "1e40", code: "bad_number", says: "not a number")
        }
    }

    @Test func aBatchAnswersEachQuestionOrItsError() async throws {
        try await live { client in
            let body = #"[{"importer":"USA","code":"6109.10.00","origin":"VNM","on":"2026-03-01","value":"10000000000000000000000000000000000"},"#
                + #"{"importer":"USA","code":"6109.10.00","origin":"VNM","on":"2026-03-01","value":"100"}]"#
            try await client.execute(uri: "/v1/duty/batch", method: .post, body: ByteBuffer(string: body)) { r throws in
                #expect(r.status == .ok)
                let answers = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [[String: Any]])
                #expect(answers.count == 2)
                #expect((answers[0]["error"] as? [String: Any])?["code"] as? String == "too_large")
                #expect(answers[1]["resolution"] != nil)
            }
        }
    }

    @Test func longNamesAreRefusedAtOnceWithoutEchoingThem() async throws {
        try await live { client in
            let name = String(repeating: "Indonesiax", count: 6_000)  // 60 KB
            let started = ContinuousClock.now
            for _ in 0..<6 {
                try await refused(client, "/v1/duty?importer=USA&code=6109.10.00&origin=\(name)", status: .uriTooLong, code: "too_large", says: "longer than")
            }
            try await refused(
                client, "/v1/duty?importer=USA&code=6109.10.00&origin=\(String(repeating: "Q", count: 4_000))", code: "too_large",
                says: "longer than 200 bytes")
            #expect(ContinuousClock.now - started < .seconds(5))
        }
    }

    @Test func deepBodiesAreRefusedWithTheirPosition() async throws {
        try await live { client in
            let deep = String(repeating: "[", count: 50_000) + String(repeating: "]", count: 50_000)
            try await refused(client, "/v1/duty/batch", method: .post, body: deep, code: "too_large", says: "nested more than 64 deep")
            let deepObject = String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_000)
            try await refused(client, "/v1/origin/check", method: .post, body: deepObject, code: "too_large", says: "nested")
            try await refused(client, "/v1/simulate/smart", method: .post, body: deep, code: "too_large", says: "nested")
        }
    }

    @Test func degenerateModelsAre4xxNot500() async throws {
        try await live { client in
            for (smart, phrase) in [
                (#"{"elasticity":-1e300,"scenario":{"set":0},"flows":[{"partner":"VNM","imports":1000,"tariff":10}]}"#, "elasticity"),
                (#"{"elasticity":-1.5,"sigma":1e308,"scenario":{"set":0},"flows":[{"partner":"VNM","imports":1000,"tariff":10}]}"#, "substitution"),
                (#"{"elasticity":-1.5,"sigma":1000,"scenario":{"set":0},"flows":[{"partner":"VNM","imports":1e308,"tariff":10},{"partner":"THA","imports":1e308,"tariff":50}]}"#, "imports"),
                (#"{"elasticity":-1.5,"scenario":{"set":0},"flows":[{"partner":"VNM","imports":1000,"tariff":1e308}]}"#, "tariff"),
            ] {
                try await client.execute(uri: "/v1/simulate/smart", method: .post, body: ByteBuffer(string: smart)) { r throws in
                    #expect(r.status == .badRequest, "\(smart)")
                    let e = try APITests.error(r)
                    #expect(!e.message.contains("EncodingError") && !e.message.contains("Double.inf"), "\(e.message)")
                    #expect(e.message.contains(phrase), "\(e.message)")
                }
            }
        }
    }

    /// A small gzip body that inflates past the panel limit stops at the limit, at once.
    @Test func aGzipBombIsRefusedAtTheInflatedLimit() async throws {
        // Rows of a panel (each short, so only the inflated size can stop it), 80 MiB in all.
        var rows = ByteBuffer(string: "trade,x,exporter\n")
        let mebibyte = Array(String(repeating: "1,2,A\n", count: (1 << 20) / 6).utf8)
        for _ in 0..<80 { rows.writeBytes(mebibyte) }
        // With a time limit of 3 s, the work stops there too: 400 at the size limit or 503 at
        // the time limit, whichever comes first, never a minute of work after the answer.
        let bomb = try rows.compress(with: .gzip())
        #expect(bomb.readableBytes < 1 << 20)
        try await ServerFixture.live(ServerOptions(rateLimit: 0, timeLimit: 3, refreshInterval: 0)) { client in
            let started = ContinuousClock.now
            try await client.execute(uri: "/v1/gravity/estimate?formula=trade+~+x+%7C+exporter", method: .post, body: bomb) { r throws in
                let e = try APITests.error(r)
                #expect(
                    (r.status == .badRequest && e.code == "too_large" && e.message.contains("once uncompressed"))
                        || (r.status == .serviceUnavailable && e.code == "timeout"), "\(r.status) \(e)")
            }
            #expect(ContinuousClock.now - started < .seconds(10))
            try await client.execute(uri: Self.alive, method: .get) { r throws in #expect(r.status == .ok) }
        }
    }

    @Test func aPlusInTheQueryIsASpace() async throws {
        try await live { client in
            // "rice+bran" is the form encoding of "rice bran": the search finds what "rice%20bran" finds.
            let plus = try await client.execute(uri: "/v1/lines/USA?q=rice+bran", method: .get) { String(buffer: $0.body) }
            let encoded = try await client.execute(uri: "/v1/lines/USA?q=rice%20bran", method: .get) { String(buffer: $0.body) }
            #expect(plus == encoded)
            #expect(plus.contains("2302"))
        }
    }

    @Test func healthDoesNotTellWhereTheDatabaseIs() async throws {
        try await live { client in
            try await client.execute(uri: "/healthz", method: .get) { r throws in
                let body = String(buffer: r.body)
                #expect(!body.contains("/"), "\(body)")
                #expect(try APITests.json(r)["store"] as? String == "sqlite")
            }
        }
    }

    @Test func malformedHTTPIsAnswered400InTheErrorShape() async throws {
        let api = TarifAPI(service: try await ServerFixture.service.value, options: ServerOptions(rateLimit: 0, refreshInterval: 0))
        try await ServerFixture.live(api) { client in
            let port = try #require(client.port)
            for request in [
                "GET /v1/duty HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                "POST /v1/duty/batch HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n0\r\n\r\n",
                "GARBAGE\r\n\r\n",
            ] {
                let answers = try await RawHTTP.exchange(port: port, request)
                let first = try #require(answers.first, "\(request)")
                #expect(first.status == 400, "\(request): \(first.status) \(first.body)")
                #expect(first.headers["content-type"]?.hasPrefix("application/json") == true, "\(request)")
                #expect(first.body.contains(#""code""#), "\(request): \(first.body)")
            }
            try await client.execute(uri: Self.alive, method: .get) { r throws in #expect(r.status == .ok) }
        }
    }
}
