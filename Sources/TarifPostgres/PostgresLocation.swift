import Foundation
import TarifCore

/// Where a PostgreSQL database is, from a `postgres://` URL:
/// `postgres://user:password@host:5432/database?sslmode=prefer&schema=tarif`.
///
/// - `sslmode`: `disable`, `prefer` (the default, as libpq: TLS when the server offers it)
///   or `require`.
/// - `schema`: the schema that holds Tarif's tables (default `tarif`); a data build
///   replaces it whole, so several deployments can share one database under different schemas.
/// - `host=/path`: a Unix-domain socket directory instead of a TCP host.
public struct PostgresLocation: Sendable, Hashable {
    public enum TLSMode: String, Sendable, Hashable { case disable, prefer, require }

    public var host: String
    public var port: Int
    public var socketDirectory: String?
    public var user: String
    public var password: String?
    public var database: String
    public var schema: String
    public var tls: TLSMode

    public init(url: String) throws {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw TarifError(.badInput, "--database-url: expected postgres://user:password@host:port/database, got \(Self.redacted(url))")
        }
        let query = Dictionary((parts.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        host = parts.host.flatMap { $0.isEmpty ? nil : $0 } ?? "localhost"
        port = parts.port ?? 5432
        socketDirectory = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        user = parts.user.flatMap { $0.isEmpty ? nil : $0 } ?? "postgres"
        password = parts.password
        let path = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        database = path.isEmpty ? user : path
        schema = query["schema"] ?? "tarif"
        guard schema.range(of: "^[a-z_][a-z0-9_]{0,50}$", options: .regularExpression) != nil else {
            throw TarifError(.badInput, "--database-url: schema must be lower-case letters, digits and underscores, got \(schema)")
        }
        let mode = query["sslmode"] ?? "prefer"
        guard let tls = TLSMode(rawValue: mode == "verify-full" || mode == "verify-ca" ? "require" : mode == "allow" ? "prefer" : mode) else {
            throw TarifError(.badInput, "--database-url: sslmode must be disable, prefer or require, got \(mode)")
        }
        self.tls = tls
    }

    /// For messages: where, never the password.
    public var description: String {
        "postgresql \(user)@\(socketDirectory ?? "\(host):\(port)")/\(database) schema \(schema)"
    }

    /// The URL with its password replaced, for error messages.
    public static func redacted(_ url: String) -> String {
        url.replacingOccurrences(of: #"(://[^:/@]*:)[^@]*@"#, with: "$1***@", options: .regularExpression)
    }
}
