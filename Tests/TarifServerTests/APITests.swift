import CompressNIO
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOPosix
import TarifCore
import TarifKit
import TarifServer
import TarifTesting
import Testing

/// The API served on loopback over the real schedules, every route and the errors.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct APITests {
    /// Runs `body` against a live server on 127.0.0.1 (an ephemeral port) over the real data.
    func live(_ options: ServerOptions = ServerOptions(rateLimit: 0), _ body: @Sendable @escaping (LiveClient) async throws -> Void) async throws {
        try await ServerFixture.live(options, body)
    }

    static func json(_ r: LiveResponse) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: r.body))
        return try #require(object as? [String: Any])
    }

    static func error(_ r: LiveResponse) throws -> (code: String, message: String, field: String?) {
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
                let body = try Self.json(r)
                let agreements = try #require(body["agreements"] as? [[String: Any]])
                let inForce = agreements.filter { $0["status"] as? String == "in-force" }.compactMap { $0["agreement"] as? String }
                #expect(inForce.contains("ATIGA") && inForce.contains("RCEP"))
                #expect(body["wtoStatus"] != nil)
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

    /// The landed cost (issue 25) over HTTP: the rice consignment of `tarif landed`'s worked
    /// example gives the same total, and each bad input names its parameter.
    @Test func landedCostAnswersAndNamesTheBadParameter() async throws {
        try await live { client in
            let rice = "/v1/landed?importer=IDN&code=1006.30.99&origin=VNM&on=2026-03-01&value=500000&currency=USD&fx=16250&incoterm=FOB"
            try await client.execute(uri: rice + "&freight=20000&insurance=1500&quantity=2000000kg", method: .get) { r throws in
                #expect(r.status == .ok)
                let body = try Self.json(r)
                let total = try #require(body["total"] as? [String: Any])
                #expect("\(total["amount"] ?? "")" == "1134359375")
                #expect((body["items"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == ["duty", "ppn", "pph22"])
                #expect((body["indonesian"] as? String)?.contains("PPh Pasal 22") == true)
            }
            for (query, field) in [
                ("&freight=20000&insurance=1500&quantity=2000000kg&incoterm=FOO", "incoterm"),
                ("&insurance=1500&quantity=2000000kg", "freight"),
                ("&freight=20000&insurance=1500", "quantity"),
                ("&freight=-1&insurance=1500&quantity=2000000kg", "freight"),
            ] {
                try await client.execute(uri: rice + query, method: .get) { r throws in
                    #expect(r.status == .badRequest, "\(query)")
                    #expect(try Self.error(r).field == field, "\(query)")
                }
            }
            try await client.execute(uri: "/v1/landed?importer=IDN&code=1006.30.99&on=2026-03-01&value=500000&currency=USD&quantity=2000000kg", method: .get) {
                r throws in
                #expect(r.status == .badRequest)
                let e = try Self.error(r)
                #expect(e.field == "fx" && e.message.contains("Kurs Menteri Keuangan"))
            }
            try await client.execute(uri: "/v1/landed?importer=IDN&code=1006.30.99&on=2026-03-01", method: .get) { r throws in
                #expect(try Self.error(r).field == "value")
            }
        }
    }

    /// A rate charged per kilogram is computed from the quantity the question gives (repeatable,
    /// bounded), in the query and in a batch; a bad quantity names the parameter.
    @Test func dutyTakesTheQuantityAPerUnitRateNeeds() async throws {
        try await live { client in
            let rice = "/v1/duty?importer=IDN&code=1006.30.99&origin=VNM&on=2026-03-01&value=1000"
            try await client.execute(uri: rice + "&quantity=2000000kg", method: .get) { r throws in
                #expect(r.status == .ok)
                let body = try Self.json(r)
                let duty = try #require(body["dutyWithAdditional"] as? [String: Any])
                #expect("\(duty["amount"] ?? "")" == "900000000")  // 450 IDR/kg × 2,000,000 kg
            }
            // 2 t is 2,000 kg: 900,000 IDR.
            try await client.execute(uri: rice + "&quantity=2%20t", method: .get) { r throws in
                #expect("\((try Self.json(r)["dutyWithAdditional"] as? [String: Any])?["amount"] ?? "")" == "900000")
            }
            try await client.execute(uri: rice, method: .get) { r throws in
                let body = try Self.json(r)
                let first = try #require((body["treatments"] as? [[String: Any]])?.first)
                #expect(((first["missing"] as? [[String: Any]])?.first?["detail"] as? String) == "kg")
                #expect(body["dutyWithAdditional"] == nil)
            }
            for (query, message) in [
                ("&quantity=abc", "does not start with a number"), ("&quantity=-5kg", "negative"), ("&quantity=5furlongs", "not a unit"),
                (String(repeating: "&quantity=1kg", count: 9), "at most 8"),
            ] {
                try await client.execute(uri: rice + query, method: .get) { r throws in
                    #expect(r.status == .badRequest, "\(query)")
                    let e = try Self.error(r)
                    #expect(e.field == "quantity" && e.message.contains(message), "\(query): \(e.message)")
                }
            }
            let batch = #"[{"importer":"IDN","code":"1006.30.99","origin":"VNM","on":"2026-03-01","quantity":["2000000kg"]},{"importer":"IDN","code":"1006.30.99","quantity":["x"]}]"#
            try await client.execute(uri: "/v1/duty/batch", method: .post, body: ByteBuffer(string: batch)) { r throws in
                #expect(r.status == .ok)
                let rows = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [[String: Any]])
                let first = try #require(rows.first?["resolution"] as? [String: Any])
                #expect("\((first["dutyWithAdditional"] as? [String: Any])?["amount"] ?? "")" == "900000000")
                #expect((rows.last?["error"] as? [String: Any])?["field"] as? String == "quantity")
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

    @Test func auditAndOriginCheckAnswer() async throws {
        try await live { client in
            try await client.execute(uri: "/v1/audit/IDN?on=2024-01-01&origins=VNM,USA&grant=USA:1006.30:0&findings=3", method: .get) { r throws in
                #expect(r.status == .ok)
                let body = try Self.json(r)
                #expect(body["importer"] as? String == "IDN")
                #expect((body["findings"] as? [Any])?.count ?? 99 <= 3)
                let whatIf = try #require(body["whatIf"] as? [[String: Any]])
                #expect(whatIf.count == 1)
            }
            try await client.execute(uri: "/v1/audit/IDN?on=2024-01-01&grant=USA:1006.30", method: .get) { r throws in
                #expect(r.status == .badRequest)
                #expect(try Self.error(r).field == "grant")
            }
            try await client.execute(uri: "/v1/audit/IDN?on=2024-01-01&origins=VNM,Atlantis", method: .get) { r throws in
                #expect(r.status == .notFound)
                #expect(try Self.error(r).field == "origins")
            }
            let good = #"{"agreement":"ATIGA","product":"1905.90","exporter":"IDN","importer":"VNM","on":"2024-01-01","fob":"10000","materials":[{"code":"1101.00","origin":"AUS","value":"2500"},{"code":"1701.99","origin":"THA","value":900}],"operations":["mixing","baking"]}"#
            try await client.execute(uri: "/v1/origin/check", method: .post, body: ByteBuffer(string: good)) { r throws in
                #expect(r.status == .ok)
                let body = try Self.json(r)
                #expect(body["regime"] != nil && body["criteria"] is [Any])
                // Thai sugar is originating under ATIGA's cumulation: only the Australian flour is not.
                #expect(body["nonOriginatingValue"] as? String == "2500")
            }
            let badValue = good.replacingOccurrences(of: #""value":900"#, with: #""value":"-9""#)
            try await client.execute(uri: "/v1/origin/check", method: .post, body: ByteBuffer(string: badValue)) { r throws in
                #expect(r.status == .badRequest)
                #expect(try Self.error(r).field == "materials[1].value")
            }
            let notParty = good.replacingOccurrences(of: #""exporter":"IDN""#, with: #""exporter":"USA""#)
            try await client.execute(uri: "/v1/origin/check", method: .post, body: ByteBuffer(string: notParty)) { r throws in
                #expect(r.status == .notFound)
                #expect(try Self.error(r).field == "exporter")
            }
            try await client.execute(uri: "/v1/origin/check", method: .post, body: ByteBuffer(string: #"{"agreement":"ATIGA"}"#)) { r throws in
                #expect(r.status == .badRequest)
                #expect(try Self.error(r).message.contains("product is missing"))
            }
        }
    }

    /// Into the UK the scheme's product-specific rule applies: the UK-Japan car of the origin
    /// tests (non-originating 9,500 of an ex-works price of 20,000: 47.5%) qualifies in 2022
    /// (MaxNOM 55) and not in 2026 (MaxNOM 45); the rules route shows the rule of each day.
    @Test func ukProductSpecificRulesThroughTheAPI() async throws {
        try await live { client in
            let car = #"{"agreement":"UK-Japan","importer":"GBR","exporter":"JPN","product":"8703.23","on":"2022-06-01","exWorks":"20000","fob":"21000","materials":[{"code":"8407.34","origin":"CHN","value":"6000"},{"code":"7208.51","origin":"KOR","value":"3000"},{"code":"8537.10","origin":"JPN","value":"4000","originating":true},{"code":"4011.10","origin":"THA","value":"500"}]}"#
            try await client.execute(uri: "/v1/origin/check", method: .post, body: ByteBuffer(string: car)) { r throws in
                #expect(r.status == .ok)
                let body = try Self.json(r)
                #expect(body["qualifies"] as? Bool == true)
                #expect(body["criterionMet"] as? String == "MaxNOM55: 47.5%")
            }
            try await client.execute(uri: "/v1/origin/check", method: .post, body: ByteBuffer(string: car.replacingOccurrences(of: "2022-06-01", with: "2026-06-01"))) { r throws in
                #expect(r.status == .ok)
                let body = try Self.json(r)
                #expect(body["qualifies"] as? Bool == false)
                #expect((body["maxNOM"] as? [[String: Any]])?.first?["headroom"] as? String == "-500")
            }
            try await client.execute(uri: "/v1/origin/check", method: .post, body: ByteBuffer(string: car.replacingOccurrences(of: #""exporter":"JPN""#, with: #""exporter":"IDN""#))) { r throws in
                #expect(r.status == .notFound)
                #expect(try Self.error(r).field == "exporter")
            }
            try await client.execute(uri: "/v1/origin/check", method: .post, body: ByteBuffer(string: car.replacingOccurrences(of: "UK-Japan", with: "Atlantis"))) { r throws in
                #expect(r.status == .notFound)
                #expect(try Self.error(r).field == "agreement")
            }
            try await client.execute(uri: "/v1/origin/rules/GBR/8703.23?scheme=japan&on=2026-06-01", method: .get) { r throws in
                #expect(r.status == .ok)
                let body = try Self.json(r)
                let sets = try #require(body["ruleSets"] as? [[String: Any]])
                #expect(sets.first?["heading"] as? String == "8703")
                let inForce = (sets.first?["alternatives"] as? [[String: Any]] ?? []).filter { $0["inForce"] as? Bool == true }.compactMap { $0["rule"] as? String }
                #expect(inForce == ["MaxNOM45", "RVC60"])
                #expect(body["tolerance"] as? String == "10")
            }
            try await client.execute(uri: "/v1/origin/rules/GBR/8703.23?scheme=atlantis", method: .get) { r throws in
                #expect(r.status == .notFound)
                #expect(try Self.error(r).field == "scheme")
            }
            try await client.execute(uri: "/v1/origin/rules/GBR/8703.23", method: .get) { r throws in
                #expect(r.status == .badRequest)
                #expect(try Self.error(r).field == "scheme")
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
        try await live(ServerOptions(adminToken: "s3cret", rateLimit: 0)) { client in
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
        // With a data directory: 202, the status while it runs, a second build refused (409), done with the
        // data's tag. On a copy of the database, so the other suites' servers read theirs undisturbed.
        let copy = try TestData.temporaryDirectory().appendingPathComponent("copy.sqlite")
        try #require(try ServerFixture.built.get().database).writer.backup(to: try DatabaseQueue(path: copy.path))
        let api = try TarifAPI(tarif: try Tarif(path: copy.path), options: ServerOptions(adminToken: "s3cret", dataDirectory: TestData.directory, rateLimit: 0))
        try await ServerFixture.live(Application(router: api.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))) { client in
            let auth: HTTPFields = [.authorization: "Bearer s3cret"]
            try await client.execute(uri: "/v1/admin/data/build", method: .get, headers: auth) { r throws in
                #expect(try Self.json(r)["status"] as? String == "idle")
            }
            try await client.execute(uri: "/v1/admin/data/build", method: .post, headers: auth) { r throws in
                #expect(r.status == .accepted)
                #expect(r.headers[.location] == "/v1/admin/data/build")
                #expect(try Self.json(r)["status"] as? String == "running")
            }
            try await client.execute(uri: "/v1/admin/data/build", method: .post, headers: auth) { r throws in
                #expect(r.status == .conflict || r.status == .accepted)  // 202 only if the first build already ended
            }
            var status = "running"
            for _ in 0..<600 where status == "running" {
                try await Task.sleep(for: .milliseconds(250))
                try await client.execute(uri: "/v1/admin/data/build", method: .get, headers: auth) { r throws in
                    let body = try Self.json(r)
                    status = body["status"] as? String ?? "?"
                    if status == "done" { #expect((body["dataTag"] as? String)?.count == 16) }
                    if status == "failed" { Issue.record("the build failed: \(body["message"] ?? "")") }
                }
            }
            #expect(status == "done")
            try await client.execute(uri: "/v1/duty?importer=USA&origin=MEX&code=6109.10.00&on=2026-03-01", method: .get) { r throws in
                #expect(r.status == .ok)
            }
        }
    }

    @Test func rateLimitsApplyPerClient() async throws {
        try await live(ServerOptions(rateLimit: 0.5, burst: 3)) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/v1/countries", method: .get) { r throws in
                    #expect(r.status == .ok)
                    #expect(r.headers[.init("RateLimit-Limit")!] == "3")
                }
            }
            try await client.execute(uri: "/v1/countries", method: .get) { r throws in
                #expect(r.status == .tooManyRequests)
                #expect(try Self.error(r).code == "rate_limited")
                #expect(Int(r.headers[.retryAfter] ?? "") ?? 0 >= 1)
            }
            // Health and metrics stay open.
            try await client.execute(uri: "/healthz", method: .get) { r throws in #expect(r.status == .ok) }
            try await client.execute(uri: "/metrics", method: .get) { r throws in
                let text = String(buffer: r.body)
                #expect(text.contains(#"tarif_http_requests_total{method="GET",route="/v1/countries",status="429"} 1"#))
                #expect(text.contains(#"tarif_http_requests_total{method="GET",route="/v1/countries",status="200"} 3"#))
                #expect(text.contains("tarif_http_request_duration_seconds_bucket{route=\"/v1/countries\",le=\"+Inf\"} 4"))
            }
        }
    }

    @Test func etagsAndGzip() async throws {
        try await live { client in
            let uri = "/v1/duty?importer=USA&origin=VNM&code=6109.10.00&on=2026-03-01&value=100"
            let etag = try await client.execute(uri: uri, method: .get) { r throws -> String in
                #expect(r.status == .ok)
                #expect(r.headers[.contentEncoding] == nil)
                return try #require(r.headers[.eTag])
            }
            #expect(etag.hasPrefix("W/\""))
            try await client.execute(uri: uri, method: .get, headers: [.ifNoneMatch: etag]) { r throws in
                #expect(r.status == .notModified)
                #expect(r.body.readableBytes == 0)
            }
            // Another question, another tag; no date: today's answer, another tag again.
            try await client.execute(uri: uri.replacingOccurrences(of: "VNM", with: "MEX"), method: .get, headers: [.ifNoneMatch: etag]) { r throws in
                #expect(r.status == .ok && r.headers[.eTag] != etag)
            }
            try await client.execute(uri: uri, method: .get, headers: [.acceptEncoding: "gzip, deflate"]) { r throws in
                #expect(r.status == .ok)
                #expect(r.headers[.contentEncoding] == "gzip")
                #expect(r.headers[.vary] == "Accept-Encoding")
                let bytes = Array(r.body.readableBytesView)
                #expect(bytes.starts(with: [0x1F, 0x8B]))  // the gzip magic number
            }
            try await client.execute(uri: uri, method: .get, headers: [.acceptEncoding: "gzip;q=0"]) { r throws in
                #expect(r.headers[.contentEncoding] == nil)
            }
        }
    }

    @Test func theAccessLogIsOneJSONObjectPerRequest() async throws {
        let path = try TestData.temporaryDirectory().appendingPathComponent("access.log").path
        FileManager.default.createFile(atPath: path, contents: nil)
        let log = AccessLog(handle: try #require(FileHandle(forWritingAtPath: path)))
        try await live(ServerOptions(rateLimit: 0, accessLog: log)) { client in
            // The second is answered from the response cache on the event loop: the same line.
            for _ in 0..<2 {
                try await client.execute(uri: "/v1/countries/IDN?on=2024-01-01", method: .get, headers: [.userAgent: "probe \"1\" \\ é"]) { _ in }
            }
            try await client.execute(uri: "/v1/nowhere", method: .get) { _ in }
        }
        // Lines are written within a quarter of a second by the log's own task (no flush here).
        var lines: [Substring] = []
        for _ in 0..<100 where lines.count < 3 {
            try await Task.sleep(for: .milliseconds(50))
            lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        }
        #expect(lines.count == 3)
        let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(first["userAgent"] as? String == "probe \"1\" \\ é")
        #expect(first["path"] as? String == "/v1/countries/IDN" && first["query"] as? String == "on=2024-01-01")
        #expect(first["status"] as? Int == 200 && first["method"] as? String == "GET")
        #expect((first["time"] as? String)?.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#, options: .regularExpression) != nil)
        #expect(first["milliseconds"] is Double || first["milliseconds"] is Int)
        let again = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        for field in ["client", "method", "path", "query", "route", "status", "bytes", "userAgent"] {
            #expect(again[field] as? NSObject == first[field] as? NSObject, "\(field)")
        }
        let third = try #require(try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [String: Any])
        #expect(third["status"] as? Int == 404)
    }

    @Test func repeatedQuestionsAreAnsweredFromTheResponseCache() async throws {
        let api = TarifAPI(service: try await ServerFixture.service.value, options: ServerOptions(rateLimit: 0, refreshInterval: 0))
        let cache = try #require(api.responseCache)
        let app = Application(router: api.router())
        try await app.test(.router) { client in
            let uri = "/v1/duty?importer=USA&origin=VNM&code=6109.10.00&on=2026-03-01&value=250"
            let first = try await client.execute(uri: uri, method: .get) { r in (String(buffer: r.body), r.headers[.eTag]) }
            let before = cache.statistics
            let second = try await client.execute(uri: uri, method: .get) { r in (String(buffer: r.body), r.headers[.eTag]) }
            #expect(second == first)
            #expect(cache.statistics.hits == before.hits + 1)
            // The kept answer is compressed on demand, and decompresses to the same bytes.
            try await client.execute(uri: uri, method: .get, headers: [.acceptEncoding: "gzip"]) { r throws in
                #expect(r.headers[.contentEncoding] == "gzip")
                var body = r.body
                let plain = try body.decompress(with: .gzip())
                #expect(String(buffer: plain) == first.0)
            }
            // Errors are not kept; another question is another answer.
            try await client.execute(uri: "/v1/rates/USA/0101.99?on=2026-03-01", method: .get) { r in #expect(r.status == .notFound) }
            try await client.execute(uri: "/v1/rates/USA/0101.99?on=2026-03-01", method: .get) { r in #expect(r.status == .notFound) }
            let other = try await client.execute(uri: uri.replacingOccurrences(of: "250", with: "500"), method: .get) { r in String(buffer: r.body) }
            #expect(other != first.0 && other.contains("\"500\""))
        }
        let off = TarifAPI(service: try await ServerFixture.service.value, options: ServerOptions(rateLimit: 0, refreshInterval: 0, responseCacheBytes: 0))
        #expect(off.responseCache == nil)
    }

    /// With no response cache, a duty question whose line is in memory is resolved on the event
    /// loop (the first question about a line goes to the router, which reads it): the answers
    /// are the router's, byte for byte, with the same headers, gzip included.
    @Test func freshAnswersOnTheEventLoopAreTheRouters() async throws {
        let api = TarifAPI(service: try await ServerFixture.service.value, options: ServerOptions(rateLimit: 0, refreshInterval: 0, responseCacheBytes: 0))
        #expect(api.responseCache == nil)
        let questions = [
            "/v1/duty?importer=USA&origin=VNM&code=6109.10.00&on=2026-03-01&value=250",
            "/v1/duty?importer=USA&origin=CHN&code=7208.10.15.00&on=2026-03-01&value=10000",
            "/v1/duty?importer=USA&origin=CUB&code=0101.29.00&on=2026-03-01",
            "/v1/duty?importer=GBR&origin=VNM&code=0901.21.00&on=2026-03-01&value=1000",
            "/v1/duty?importer=IDN&origin=THA&code=1006.30.99&on=2025-06-01&value=5000000",
            "/v1/duty?importer=IDN&code=1006.30.99",
        ]
        try await ServerFixture.live(api) { client in
            for uri in questions {
                let headers: [HTTPField.Name] = [.contentType, .contentLength, .eTag, .cacheControl, .vary, .contentEncoding]
                let viaRouter = try await client.execute(uri: uri, method: .get)
                let fresh = try await client.execute(uri: uri, method: .get)
                #expect(viaRouter.status == .ok && fresh.status == .ok, "\(uri)")
                #expect(String(buffer: fresh.body) == String(buffer: viaRouter.body), "\(uri)")
                for h in headers { #expect(fresh.headers[h] == viaRouter.headers[h], "\(h) of \(uri)") }
                let zipped = try await client.execute(uri: uri, method: .get, headers: [.acceptEncoding: "gzip"])
                #expect(zipped.headers[.contentEncoding] == "gzip")
                var body = zipped.body
                #expect(String(buffer: try body.decompress(with: .gzip())) == String(buffer: viaRouter.body))
            }
            // Every answer was counted, whoever gave it.
            try await client.execute(uri: "/metrics", method: .get) { r in
                #expect(String(buffer: r.body).contains(#"tarif_http_requests_total{method="GET",route="/v1/duty",status="200"} \#(questions.count * 3)"#))
            }
        }
    }

    /// Pipelined questions on one connection: the first, already answered, comes from the
    /// event loop; a new one goes to the router, and those behind it wait their turn, so the
    /// answers arrive in the order asked, each the router's own.
    @Test func pipelinedQuestionsAreAnsweredInOrder() async throws {
        let api = TarifAPI(service: try await ServerFixture.service.value, options: ServerOptions(rateLimit: 0, refreshInterval: 0))
        try await ServerFixture.live(api) { client in
            let known = "/v1/duty?importer=USA&origin=VNM&code=6109.10.00&on=2026-03-01&value=321"
            let (answer, etag) = try await client.execute(uri: known, method: .get) { r throws in
                (String(buffer: r.body), try #require(r.headers[.eTag]))
            }
            let fresh = known.replacingOccurrences(of: "321", with: "654")
            let asked = [
                "GET \(known) HTTP/1.1\r\nHost: localhost\r\n\r\n",
                "GET \(fresh) HTTP/1.1\r\nHost: localhost\r\n\r\n",
                "GET \(known) HTTP/1.1\r\nHost: localhost\r\n\r\n",
                "GET \(known) HTTP/1.1\r\nHost: localhost\r\nIf-None-Match: \(etag)\r\n\r\n",
                "GET /v1/nowhere HTTP/1.1\r\nHost: localhost\r\n\r\n",
                "HEAD \(known) HTTP/1.1\r\nHost: localhost\r\n\r\n",
                "GET \(known) HTTP/1.1\r\nHost: localhost\r\n\r\n",
                "GET \(known) HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            ]
            // The HEAD (answered by the router) comes after answers given on the event loop,
            // which NIO's encoder must pair with their requests: a HEAD answer has no body.
            let answers = try await RawHTTP.exchange(port: try #require(client.port), asked.joined(), bodiless: [5])
            #expect(answers.map(\.status) == [200, 200, 200, 304, 404, 200, 200, 200])
            guard answers.count == 8 else { return }
            for i in [0, 2, 6, 7] {
                #expect(answers[i].body == answer, "answer \(i)")
                #expect(answers[i].headers["etag"] == etag)
            }
            #expect(answers[1].body.contains("\"654\"") && answers[1].body != answer)
            #expect(answers[3].body.isEmpty && answers[3].headers["etag"] == etag)
            #expect(answers[3].headers["content-length"] == nil, "a 304 has no Content-Length of its own")
            #expect(answers[0].headers["content-length"] == String(answer.utf8.count))
            #expect(answers[5].headers["content-length"] == String(answer.utf8.count) && answers[5].headers["etag"] == etag)
            // Every answer is dated (RFC 9110 §6.6.1), whoever gave it.
            for (i, a) in answers.enumerated() {
                #expect(a.headers["date"].map { $0.hasSuffix(" GMT") && $0.count == 29 } == true, "Date of answer \(i)")
                #expect(a.headers["server"] == "tarif")
            }
            // Every answer is counted, whoever gave it.
            try await client.execute(uri: "/metrics", method: .get) { r in
                let text = String(buffer: r.body)
                #expect(text.contains(#"tarif_http_requests_total{method="GET",route="/v1/duty",status="200"} 6"#))
                #expect(text.contains(#"tarif_http_requests_total{method="HEAD",route="/v1/duty",status="200"} 1"#))
                #expect(text.contains(#"tarif_http_requests_total{method="GET",route="/v1/duty",status="304"} 1"#))
            }
        }
    }

    @Test func http10RequestsAreAnsweredAsHTTP10() async throws {
        let api = TarifAPI(service: try await ServerFixture.service.value, options: ServerOptions(rateLimit: 0, refreshInterval: 0))
        try await ServerFixture.live(api) { client in
            let port = try #require(client.port)
            let question = "/v1/duty?importer=USA&origin=VNM&code=6109.10.00&on=2026-03-01&value=987"
            let asked = try await client.execute(uri: question, method: .get) { String(buffer: $0.body) }
            // Without keep-alive: one answer, then the server closes the connection. Asked
            // twice, so the second answer is a kept one (given before the router).
            for _ in 0..<2 {
                let answers = try await RawHTTP.exchange(port: port, "GET \(question) HTTP/1.0\r\n\r\n")
                #expect(answers.map(\.version) == ["HTTP/1.0"])
                #expect(answers.first?.status == 200)
                #expect(answers.first?.headers["connection"] == "close")
                #expect(answers.first?.body == asked)
            }
            // With keep-alive: both answers on one connection, the server closing it after the
            // second (Connection: close); an error answer keeps its status.
            let kept = try await RawHTTP.exchange(
                port: port,
                "GET \(question) HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                    + "GET /v1/duty?importer=USA&code=6109.10.00&on=2026-13-01 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"
                    + "GET /healthz HTTP/1.0\r\n\r\n")
            #expect(kept.map(\.version) == ["HTTP/1.0", "HTTP/1.0", "HTTP/1.0"])
            #expect(kept.map(\.status) == [200, 400, 200])
            #expect(kept.map { $0.headers["connection"] } == ["keep-alive", "keep-alive", "close"])
            #expect(kept.first?.body == asked)
            // HTTP/1.1 is untouched: no Connection header, the connection kept until the client's close.
            let modern = try await RawHTTP.exchange(port: port, "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\nGET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            #expect(modern.map(\.version) == ["HTTP/1.1", "HTTP/1.1"])
            #expect(modern.first?.headers["connection"] == nil)
        }
    }

    @Test func thePageAndItsFilesAreServed() async throws {
        try await live { client in
            try await client.execute(uri: "/", method: .get) { r throws in
                #expect(r.status == .ok)
                #expect(r.headers[.contentType]?.hasPrefix("text/html") == true)
                let html = String(buffer: r.body)
                #expect(html.contains(#"<label for="q""#) && html.contains("/page/app.js"))
                #expect(r.headers[.contentSecurityPolicy]?.contains("default-src 'self'") == true)
            }
            for (path, type) in [("/page/app.js", "text/javascript"), ("/page/app.css", "text/css"), ("/openapi.json", "application/json")] {
                try await client.execute(uri: path, method: .get) { r throws in
                    #expect(r.status == .ok)
                    #expect(r.headers[.contentType]?.hasPrefix(type) == true)
                }
            }
        }
    }

    @Test func searchFindsIndonesianWordsInAnotherMarket() async throws {
        try await live { client in
            try await client.execute(uri: "/v1/lines/USA?q=kemeja&on=2026-03-01&limit=10", method: .get) { r throws in
                let body = try Self.json(r)
                #expect((body["matchedVia"] as? String)?.contains("BTKI") == true)
                let lines = try #require(body["lines"] as? [[String: Any]])
                #expect(!lines.isEmpty && lines.allSatisfy { ($0["code"] as? String)?.hasPrefix("62") == true })
            }
            try await client.execute(uri: "/v1/origins?importer=USA&code=6109.10.00&on=2026-03-01&value=1000", method: .get) { r throws in
                let list = try #require(try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [[String: Any]])
                let mex = try #require(list.firstIndex { $0["origin"] as? String == "MEX" })
                let cub = try #require(list.firstIndex { $0["origin"] as? String == "CUB" })
                #expect(mex < cub)  // USMCA free before column 2
            }
            try await client.execute(uri: "/v1/agreements/ATIGX", method: .get) { r throws in
                #expect(r.status == .notFound)
                let e = try Self.error(r)
                #expect(e.field == "id" && e.message.contains("ATIGA"))
            }
        }
    }
}

/// The real database, built once for every server test, and live servers over it.
enum ServerFixture {
    /// Where the database is (the CLI is run on it to compare its answers with the service's).
    static let path: Result<String, any Error> = Result { try TestData.temporaryDirectory().appendingPathComponent("tarif.sqlite").path }

    static let built: Result<Tarif, any Error> = Result {
        let tarif = try Tarif(path: try path.get())
        _ = try DataBuilder(database: try #require(tarif.database)).build(from: TestData.directory, catalog: try Catalog.bundled())
        return tarif
    }

    /// One service over the real data for every live server of the tests, its ranking index
    /// built once, on a thread of its own (a live request has 15 s; building the index in a
    /// debug build while other suites run can take longer).
    static let service: Task<DutyService, any Error> = Task {
        try await onThread {
            let service = try DutyService(tarif: try built.get())
            _ = try service.index(on: Day.today())
            return service
        }
    }

    static func live(_ options: ServerOptions, _ body: @Sendable @escaping (LiveClient) async throws -> Void) async throws {
        let api = TarifAPI(service: try await service.value, options: options)
        try await live(api, body)
    }

    /// Runs `body` against `api` served as `tarif serve` serves it (with the event-loop answers
    /// of questions already answered) on 127.0.0.1.
    static func live(_ api: TarifAPI, _ body: @Sendable @escaping (LiveClient) async throws -> Void) async throws {
        try await live(api.application(host: "127.0.0.1", port: 0), body)
    }

    /// Runs `body` with a patient client of `app` served on loopback.
    static func live(_ app: some ApplicationProtocol, _ body: @Sendable @escaping (LiveClient) async throws -> Void) async throws {
        try await app.test(.live) { framework in
            let client = LiveClient(port: try #require(framework.port))
            client.client.connect()
            do {
                try await body(client)
            } catch {
                try? await client.client.shutdown()
                throw error
            }
            try await client.client.shutdown()
        }
    }
}

/// A client of a live test server that waits up to two minutes for an answer (the framework's
/// own gives up after 15 s, which a debug build on two loaded cores can exceed).
struct LiveClient: Sendable {
    let client: TestClient
    let port: Int?

    init(port: Int) {
        self.port = port
        client = TestClient(host: "localhost", port: port, configuration: .init(timeout: .seconds(120)))
    }

    @discardableResult
    func execute<Value>(
        uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil,
        testCallback: @escaping (LiveResponse) async throws -> Value = { $0 }
    ) async throws -> Value {
        var headers = headers
        headers[.connection] = "keep-alive"
        let response = try await client.execute(.init(uri, method: method, authority: "localhost", headers: headers, body: body))
        return try await testCallback(LiveResponse(head: response.head, body: response.body ?? ByteBuffer()))
    }
}

/// A live server's answer.
struct LiveResponse: Sendable {
    let head: HTTPResponse
    let body: ByteBuffer
    var status: HTTPResponse.Status { head.status }
    var headers: HTTPFields { head.headerFields }
}

/// HTTP/1.1 spoken by hand, for what a test client hides (pipelining).
enum RawHTTP {
    struct Answer {
        /// `HTTP/1.1` or `HTTP/1.0`.
        var version: String
        var status: Int
        var headers: [String: String]
        var body: String
    }

    struct StillOpen: Error, CustomStringConvertible {
        var seconds: Int
        var description: String { "the server had not closed the connection \(seconds) s after the request" }
    }

    /// Sends `text` in one write and reads the answers until the server closes the connection.
    /// - Throws: ``StillOpen`` when the connection is still open after `seconds` (the server's
    ///   idle timeout is 60 s: a connection closed only by it counts as left open).
    static func exchange(port: Int, _ text: String, closedWithin seconds: Int = 30, bodiless: Set<Int> = []) async throws -> [Answer] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
        let received = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                var received = ByteBuffer()
                try await channel.executeThenClose { inbound, outbound in
                    try await outbound.write(ByteBuffer(string: text))
                    for try await var chunk in inbound { received.writeBuffer(&chunk) }
                }
                return received
            }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = try await group.next()!
            if first == nil { try? await channel.channel.close() }
            group.cancelAll()
            return first
        }
        guard let received else { throw StillOpen(seconds: seconds) }
        return try answers(in: received, bodiless: bodiless)
    }

    /// The answers in `bytes` (each with a Content-Length: the server does not chunk these);
    /// those whose numbers are in `bodiless` (answers to HEAD) have no body whatever their
    /// Content-Length says.
    static func answers(in bytes: ByteBuffer, bodiless: Set<Int> = []) throws -> [Answer] {
        var bytes = bytes
        var answers: [Answer] = []
        while bytes.readableBytes > 0 {
            let view = bytes.readableBytesView
            let end = try #require(view.firstRange(of: Array("\r\n\r\n".utf8)), "an answer's head ends")
            let headText = bytes.readString(length: end.upperBound - view.startIndex)
            let head = try #require(headText)
            var lines = head.split(separator: "\r\n")
            let statusLine = lines.removeFirst().split(separator: " ")
            var headers: [String: String] = [:]
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let length = bodiless.contains(answers.count) ? 0 : Int(headers["content-length"] ?? "0") ?? 0
            let bodyText = bytes.readString(length: length)
            let body = try #require(bodyText, "the body has its \(length) bytes")
            answers.append(Answer(version: String(statusLine[0]), status: Int(statusLine[1]) ?? 0, headers: headers, body: body))
        }
        return answers
    }
}
