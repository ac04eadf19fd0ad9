import ArgumentParser
import Foundation
import Hummingbird
import TarifCore
import TarifKit
import TarifServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the JSON API over HTTP (/v1/…, /healthz).",
        discussion: """
            tarif serve --port 8080
            curl 'localhost:8080/v1/duty?importer=USA&origin=VNM&code=6109.10.00&on=2026-03-01&value=10000'
            Routes: /healthz, /v1/countries, /v1/countries/{country}, /v1/agreements[?country=&partner=&on=],
            /v1/lines/{importer}?q=, /v1/rates/{importer}/{code}, /v1/duty?importer=&code=[&origin=&value=&on=],
            /v1/markets?origin=&product=[&on=], POST /v1/duty/batch (a JSON array, up to 1,000 questions, 1 MB),
            POST /v1/admin/data/build (needs Authorization: Bearer $TARIF_ADMIN_TOKEN; off when the variable is unset).
            Errors: {"error": {"code", "message", "field"}}.
            """)

    @Option(name: .long, help: "Address to listen on (default 127.0.0.1).") var host = "127.0.0.1"
    @Option(name: .long, help: "Port (default 8080).") var port = 8080
    @Option(name: .long, help: "Database file (default: $TARIF_DB, else ~/.local/share/tarif/tarif.sqlite).") var db: String?
    @Option(name: .long, help: "Data directory for POST /v1/admin/data/build (default: $TARIF_DATA, else ../shared/data).") var data: String?

    func run() async throws {
        let path = Locations.database(explicit: db)
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no database at \(path); build it with `tarif data build` (or give --db)")
        }
        let token = ProcessInfo.processInfo.environment["TARIF_ADMIN_TOKEN"]
        let api = try TarifAPI(tarif: try Tarif(path: path), adminToken: token, dataDirectory: try? Locations.dataDirectory(explicit: data))
        let app = Application(router: api.router(), configuration: .init(address: .hostname(host, port: port), serverName: "tarif"))
        try await app.runService()
    }
}
