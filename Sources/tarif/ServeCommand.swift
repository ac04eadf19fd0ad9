import ArgumentParser
import Foundation
import Hummingbird
import NIOCore
import NIOPosix
import TarifCore
import TarifKit
import TarifPostgres
import TarifStore
import TarifServer

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the JSON API and the page for exporters over HTTP.",
        discussion: """
            tarif serve --port 8080
            curl 'localhost:8080/v1/duty?importer=USA&origin=VNM&code=6109.10.00&on=2026-03-01&value=10000'
            The page: http://localhost:8080/  The API: /openapi.json (OpenAPI 3.1). Routes: /healthz, /metrics, /v1/countries, /v1/countries/{country}, /v1/agreements[?country=&partner=&on=],
            /v1/lines/{importer}?q=, /v1/rates/{importer}/{code}, /v1/duty?importer=&code=[&origin=&value=&on=],
            /v1/markets?origin=&product=[&on=], /v1/origins?importer=&code=, /v1/audit/{importer}?on=[&grant=],
            POST /v1/origin/check (a bill of materials as JSON), POST /v1/simulate/smart (JSON), POST /v1/gravity/estimate and /v1/simulate/ge (a CSV panel),
            POST /v1/duty/batch (a JSON array, up to 1,000 questions, 1 MB),
            POST /v1/admin/data/build (needs Authorization: Bearer $TARIF_ADMIN_TOKEN; off when the variable is unset).
            Errors: {"error": {"code", "message", "field"}}.
            With --database-url postgres://… (or $TARIF_DATABASE_URL) it reads PostgreSQL, loaded by `tarif data build --database-url`;
            several servers can share it, each reloading within --refresh seconds of a new build. See docs/service.md.
            """)

    @Option(name: .long, help: "Address to listen on (default 127.0.0.1).") var host = "127.0.0.1"
    @Option(name: .long, help: "Port (default 8080).") var port = 8080
    @Option(name: .long, help: "Database file (default: $TARIF_DB, else ~/.local/share/tarif/tarif.sqlite); with --database-url, where admin builds load first.") var db: String?
    @Option(
        name: .long,
        help: "Read PostgreSQL instead, postgres://user:password@host:port/database[?schema=tarif] (default: $TARIF_DATABASE_URL).")
    var databaseURL: String?
    @Option(name: .long, help: "Megabytes of answers kept by question (a repeated question is answered from memory); 0: none (default 64).") var responseCache = 64
    @Option(name: .long, help: "Seconds between checks that the data changed elsewhere (another server's build); 0: never (default 30).") var refresh = 30.0
    @Option(name: .long, help: "Data directory for POST /v1/admin/data/build (default: $TARIF_DATA, else ../shared/data).") var data: String?
    @Option(name: .long, help: "Requests a second each client may make on average; 0: no limit (default 50).") var rateLimit = 50.0
    @Option(name: .long, help: "Requests a client may make at once before the limit applies (default 100).") var burst = 100
    @Option(name: .long, help: "Longest a batch or ranking may take, in seconds (default 30).") var timeLimit = 30.0
    @Flag(name: .long, help: "Take the client's address from X-Forwarded-For (behind a load balancer you trust).") var trustForwardedFor = false
    @Option(name: .long, help: "Access log: a file, '-' for standard output, or 'off' (default '-').") var accessLog = "-"

    func run() async throws {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        let path = Locations.database(explicit: db)
        let url = (databaseURL ?? ProcessInfo.processInfo.environment["TARIF_DATABASE_URL"]).flatMap { $0.isEmpty ? nil : $0 }
        guard url != nil || FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no database at \(path); build it with `tarif data build` (or give --db or --database-url)")
        }
        guard (0...1_000_000).contains(rateLimit), (1...1_000_000).contains(burst), timeLimit > 0, timeLimit <= 86_400,
              (0...86_400).contains(refresh), (0...65_536).contains(responseCache), (0...65_535).contains(port)
        else {
            throw ValidationError(
                "--rate-limit must be 0 to 1,000,000, --burst 1 to 1,000,000, --time-limit above 0 to 86,400 s, --refresh 0 to 86,400 s, --response-cache 0 to 65,536 MB and --port 0 to 65,535")
        }
        let log: AccessLog?
        switch accessLog {
        case "off": log = nil
        case "-": log = AccessLog(handle: .standardOutput)
        default:
            if !FileManager.default.fileExists(atPath: accessLog) { _ = FileManager.default.createFile(atPath: accessLog, contents: nil) }
            guard let handle = FileHandle(forWritingAtPath: accessLog) else { throw ValidationError("cannot write the access log \(accessLog)") }
            handle.seekToEndOfFile()
            log = AccessLog(handle: handle)
        }
        var options = ServerOptions(
            adminToken: ProcessInfo.processInfo.environment["TARIF_ADMIN_TOKEN"], dataDirectory: try? Locations.dataDirectory(explicit: data),
            rateLimit: rateLimit, burst: burst, timeLimit: timeLimit, trustForwardedFor: trustForwardedFor, accessLog: log,
            buildDatabase: path, refreshInterval: refresh, responseCacheBytes: responseCache << 20)
        let tarif: Tarif
        do {
            if let url {
                options.publish = { database in _ = try await PostgresPublisher.publish(database, to: url) }
                tarif = Tarif(store: try PostgresStore(url: url))
            } else {
                tarif = try Tarif(path: path)
            }
        } catch let error as TarifError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let api = try TarifAPI(tarif: tarif, options: options)
        try await api.application(host: host, port: port).runService()
        log?.flush()
    }
}
