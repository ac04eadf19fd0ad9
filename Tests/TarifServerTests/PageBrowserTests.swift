import Foundation
import Hummingbird
import HummingbirdTesting
import TarifKit
import TarifServer
import TarifTesting
import Testing

/// The exporters' page in a real headless Chromium (Debian's `chromium`): it loads, searches
/// for a product in words, picks the line, resolves the duty and draws the markets chart;
/// the rendered page is read back (its DOM) and photographed.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data"), .serialized)
struct PageBrowserTests {
    static let chromium: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    /// `scripts/test` installs Chromium and sets this, so the test cannot pass by being skipped.
    static let required = ProcessInfo.processInfo.environment["TARIF_REQUIRE_BROWSER"] == "1"

    /// Runs Chromium headless on `url` with `arguments`; its standard output.
    static func chromium(_ arguments: [String], url: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium!)
        let profile = try TestData.temporaryDirectory().path
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--hide-scrollbars",
            "--user-data-dir=\(profile)", "--virtual-time-budget=60000", "--run-all-compositor-stages-before-draw",
        ] + arguments + [url]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The text of the element with `id` in a DOM dump (tags removed, spaces collapsed).
    static func text(of id: String, in html: String) -> String? {
        guard let start = html.range(of: "id=\"\(id)\"") else { return nil }
        var depth = 0
        var out = ""
        var inTag = false
        var tag = ""
        for ch in html[start.upperBound...] {
            if ch == "<" { inTag = true; tag = ""; continue }
            if inTag {
                if ch == ">" {
                    inTag = false
                    if tag.hasPrefix("/") { depth -= 1; if depth < 0 { break } } else if !tag.hasSuffix("/") && !["br", "input", "img", "meta", "link"].contains(String(tag.split(separator: " ").first ?? "")) { depth += 1 }
                    out += " "
                } else { tag.append(ch) }
                continue
            }
            if depth >= 0, !inTag, out.count < 100_000 { out.append(ch) }
        }
        return out.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test func searchResolveAndChartInARealBrowser() async throws {
        guard Self.chromium != nil else {
            if Self.required { Issue.record("Chromium is not installed (apt-get install chromium)") }
            print("skipped: no Chromium (install the Debian package chromium to run the page test)")
            return
        }
        try await ServerFixture.live(ServerOptions(rateLimit: 0)) { client in
            let port = try #require(client.port)
            let base = "http://127.0.0.1:\(port)/?market=USA&origin=MEX&q=cotton%20t-shirts&code=6109.10.00&on=2026-03-01&value=10000"
            let dom = try await onThread { try Self.chromium(["--dump-dom"], url: base + "&lang=en") }
            // The search listed the line, the resolution shows USMCA free against MFN 16.5%.
            #expect(dom.contains(#"value="6109.10.00""#), "the search did not list 6109.10.00")
            let applied = try #require(Self.text(of: "applied", in: dom), "no result on the page")
            #expect(applied.contains("Free") && applied.contains("USMCA"), "applied: \(applied)")
            let table = try #require(Self.text(of: "treatments", in: dom))
            #expect(table.contains("16.5%") && table.contains("GATT 1994 Art. I:1") && table.contains("GATT 1994 Art. XXIV"), "table: \(table.prefix(400))")
            #expect(table.contains("16.5 points"), "margin of preference: \(table.prefix(400))")
            let proof = try #require(Self.text(of: "proof", in: dom))
            #expect(proof.contains("certification of origin"), "proof: \(proof)")
            let chart = try #require(Self.text(of: "markets", in: dom))
            #expect(dom.contains("<svg") && !chart.isEmpty, "no markets chart")
            #expect(Self.text(of: "status", in: dom)?.contains("Done") == true)
            // The line through the 43 revisions of the HTS: USMCA free throughout; the +25% on goods of
            // Mexico (9903.01.01) from Revision 3, until Revision 4 excepted goods entered under the
            // USMCA (9903.01.04).
            let history = try #require(Self.text(of: "history", in: dom))
            #expect(history.contains("2025-01-01") && history.contains("USMCA") && history.contains("− 9903.01.01 +25% (IEEPA)"), "history: \(history.prefix(600))")
            let mexicanLayers = try #require(Self.text(of: "layers", in: dom))
            #expect(mexicanLayers.contains("9903.03.01") && mexicanLayers.contains("does not apply"), "layers: \(mexicanLayers.prefix(600))")

            // Indonesian T-shirts on 2025-09-01: the reciprocal +19% of 9903.02.27 applies, the +10% of
            // 9903.01.25 gives way to it; the total with it, in both languages.
            let shirts = "http://127.0.0.1:\(port)/?market=USA&origin=IDN&q=6109.10.00&code=6109.10.00&on=2025-09-01&value=10000"
            let idnPage = try await onThread { try Self.chromium(["--dump-dom"], url: shirts + "&lang=en") }
            let layers = try #require(Self.text(of: "layers", in: idnPage), "no additional duties on the page")
            #expect(layers.contains("9903.02.27") && layers.contains("1,900.00 USD") && layers.contains("applies"), "layers: \(layers.prefix(600))")
            #expect(layers.contains("9903.01.25") && layers.contains("excepted: 9903.02.27 covers goods of IDN"), "layers: \(layers.prefix(600))")
            #expect(Self.text(of: "layers-total", in: idnPage)?.contains("3,550.00 USD") == true)
            let idnPageID = try await onThread { try Self.chromium(["--dump-dom"], url: shirts + "&lang=id") }
            #expect(Self.text(of: "layers-total", in: idnPageID)?.contains("Bea masuk beserta bea tambahan yang berlaku") == true)
            #expect(Self.text(of: "layers", in: idnPageID)?.contains("berlaku") == true)

            // What changed in the first week of April 2025: the reciprocal duties' headings, Indonesia's among them.
            let changes = try await onThread {
                try Self.chromium(["--dump-dom"], url: "http://127.0.0.1:\(port)/?changes=USA&changesFrom=2025-04-01&changesTo=2025-04-10&lang=en")
            }
            #expect(Self.text(of: "changes-99", in: changes)?.contains("Chapter 99 headings added (44)") == true)
            #expect(Self.text(of: "changes-99", in: changes)?.contains("9903.01.61") == true)
            #expect(Self.text(of: "changes-summary", in: changes)?.contains("2025-03-12 → 2025-04-09") == true)

            // A Japanese car into the UK: beside the UK-Japan preference, the rule of origin of 2026
            // (MaxNOM 45% or RVC 60%), in English and in Indonesian.
            let car = "http://127.0.0.1:\(port)/?market=GBR&origin=JPN&q=8703.23.19&code=8703.23.19&on=2026-06-01&value=20000"
            let ukRules = try await onThread { try Self.chromium(["--dump-dom"], url: car + "&lang=en") }
            let rules = try #require(Self.text(of: "origin-rules", in: ukRules), "no rule of origin on the page")
            #expect(rules.contains("Tarif reads it as: MaxNOM45") && rules.contains("RVC60") && rules.contains("10% of the ex-works price"), "rules: \(rules.prefix(600))")
            #expect(rules.contains("not in force on the date: 2021-01-01 – 2022-12-31"), "rules: \(rules.prefix(600))")
            let ukRulesID = try await onThread { try Self.chromium(["--dump-dom"], url: car + "&lang=id") }
            let rulesID = try #require(Self.text(of: "origin-rules", in: ukRulesID))
            #expect(rulesID.contains("Dibaca oleh Tarif sebagai: MaxNOM45") && rulesID.contains("Cukup memenuhi salah satu"), "id: \(rulesID.prefix(600))")

            // The same in Indonesian.
            let id = try await onThread { try Self.chromium(["--dump-dom"], url: base + "&lang=id") }
            #expect(id.contains(#"<html lang="id""#))
            #expect(Self.text(of: "result-title", in: id)?.contains("Bea masuk") == true)
            #expect(Self.text(of: "explanation", in: id)?.contains("Bea masuk yang terutang") == true)

            // A screenshot of the rendered result: a real PNG of the window's size with a picture in it.
            let png = try TestData.temporaryDirectory().appendingPathComponent("page.png")
            _ = try await onThread { try Self.chromium(["--screenshot=\(png.path)", "--window-size=1200,1800"], url: base + "&lang=en") }
            let bytes = try Data(contentsOf: png)
            #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
            #expect(width == 1200 && height == 1800)
            #expect(bytes.count > 40_000, "the screenshot is nearly empty (\(bytes.count) bytes)")
            Attachment.record(Array(bytes), named: "tarif-page.png")
            print("screenshot: \(png.path)")
        }
    }

    /// A rice consignment on the page (Viet Nam into Indonesia, FOB in US dollars, 2,000 t)
    /// gives the total the CLI gives, in both languages. By hand: CIF = (500,000 + 20,000 +
    /// 1,500) USD × 16,250 = 8,474,375,000 IDR; bea masuk 450 IDR/kg × 2,000,000 kg =
    /// 900,000,000; no PPN (the BTKI prints none for the line); PPh 22 at 2.5% of (CIF + duty)
    /// 9,374,375,000 = 234,359,375; in all 1,134,359,375 IDR.
    @Test func theLandedCostOnThePageIsTheCLIs() async throws {
        guard Self.chromium != nil else {
            if Self.required { Issue.record("Chromium is not installed (apt-get install chromium)") }
            return
        }
        try await ServerFixture.live(ServerOptions(rateLimit: 0)) { client in
            let port = try #require(client.port)
            let consignment = "market=IDN&origin=VNM&q=beras&code=1006.30.99&on=2026-03-01&value=500000&currency=USD&fx=16250&incoterm=FOB&freight=20000&insurance=1500"
            let page = "http://127.0.0.1:\(port)/?\(consignment)&quantity=2000000&unit=kg"
            let cli = try await onThread {
                try TestData.runTarif([
                    "landed", "IDN", "1006.30.99", "--from", "VNM", "--on", "2026-03-01", "--value", "500000", "--currency", "USD", "--fx", "USD=16250",
                    "--incoterm", "FOB", "--freight", "20000", "--insurance", "1500", "--quantity", "2000000kg", "--format", "json", "--db", try ServerFixture.path.get(),
                ])
            }
            let answer = try #require(try JSONSerialization.jsonObject(with: Data(cli.utf8)) as? [String: Any])
            let total = try #require(answer["total"] as? [String: Any])
            #expect("\(total["amount"] ?? "")" == "1134359375" && total["currency"] as? String == "IDR")

            let en = try await onThread { try Self.chromium(["--dump-dom"], url: page + "&lang=en") }
            #expect(Self.text(of: "landed-total", in: en)?.contains("1,134,359,375.00 IDR") == true, "\(Self.text(of: "landed-total", in: en) ?? "no total")")
            #expect(Self.text(of: "landed-share", in: en)?.contains("13.39% of the customs value") == true)
            let items = try #require(Self.text(of: "landed", in: en))
            #expect(items.contains("Customs duty") && items.contains("900,000,000.00 IDR") && items.contains("234,359,375.00 IDR"), "\(items.prefix(600))")
            #expect(items.contains("PMK 34/PMK.010/2017"), "each item's legal basis: \(items.prefix(600))")
            #expect(Self.text(of: "landed-valuation", in: en)?.contains("Customs value (CIF): 8,474,375,000.00 IDR") == true)
            #expect(Self.text(of: "applied", in: en)?.contains("900,000,000.00 IDR") == true, "the duty per kg from the quantity")

            let id = try await onThread { try Self.chromium(["--dump-dom"], url: page + "&lang=id") }
            #expect(Self.text(of: "landed-total", in: id)?.contains("1.134.359.375,00 IDR") == true, "\(Self.text(of: "landed-total", in: id) ?? "no total")")
            #expect(Self.text(of: "landed-share", in: id)?.contains("13,39% dari nilai pabean") == true)
            let itemsID = try #require(Self.text(of: "landed", in: id))
            #expect(itemsID.contains("Bea masuk") && itemsID.contains("PPh Pasal 22 impor") && itemsID.contains("Jumlah seluruhnya"), "\(itemsID.prefix(600))")
            let sentence = try #require(Self.text(of: "landed-text", in: id))
            #expect(sentence.contains("Seluruhnya 1.134.359.375,00 IDR, 13,39% dari nilai pabean"), "\(sentence)")
            for english in [" the ", " of ", " pays", " duty", "quantity", " not "] {
                #expect(!sentence.contains(english), "English in the Indonesian text: '\(english)' in \(sentence)")
            }

            // Without the quantity the page names the unit the rate needs; without the exchange
            // rate it names the field, in Indonesian.
            let noRate = try await onThread {
                try Self.chromium(["--dump-dom"], url: "http://127.0.0.1:\(port)/?\(consignment.replacingOccurrences(of: "&fx=16250", with: ""))&lang=id")
            }
            #expect(Self.text(of: "quantity-help", in: noRate)?.contains("Tarif pos ini dikenakan per kg: isi jumlah barang dalam kg.") == true)
            let status = try #require(Self.text(of: "status", in: noRate))
            #expect(status.contains("Seluruh pungutan impor: Kurs: nilai barang dalam mata uang lain") && !status.contains("--fx"), "\(status)")
        }
    }
}
