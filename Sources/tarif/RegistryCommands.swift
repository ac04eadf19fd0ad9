import ArgumentParser
import Foundation
import TarifCore
import TarifKit
import TarifRegistry

/// Parses an option into one of an enumeration's raw values, or says which there are.
func choice<T: RawRepresentable & CaseIterable>(_ text: String?, _ option: String) throws -> T? where T.RawValue == String {
    guard let text else { return nil }
    guard let value = T(rawValue: text.lowercased()) else {
        throw TarifError(.badFile, "--\(option) '\(InputLimits.echo(text))' is not one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return value
}

/// Opens the database and builds the registry, for the registry commands.
func openRegistry(_ store: StoreOptions) throws -> Registry {
    do {
        return try store.open().registry()
    } catch let problems as RegistryProblems {
        throw TarifError(.badFile, problems.description)
    }
}

/// An exclusive end day shown as the last day it holds.
func lastDay(_ end: Day?) -> String { end.map { $0.adding(days: -1).description } ?? "" }

struct CountryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "country",
        abstract: "A country's WTO membership, development status, institutions and every agreement it is party to.")

    @Argument(help: "ISO alpha-3 or alpha-2 code, or name (IDN, ID, Indonesia).")
    var country: String

    @OptionGroup var options: QueryOptions

    func run() throws {
        try TarifCLI.run {
            let registry = try openRegistry(options.store)
            let day = try options.day()
            let p = try registry.profile(registry.country(named: country).code, on: day)
            let rows = p.agreements.map {
                [$0.shortName, $0.status.rawValue, $0.from.description, lastDay($0.to), $0.form.rawValue, $0.type.rawValue, $0.role.rawValue, $0.via ?? ""]
            }
            var title = [
                "\(p.country.name) (\(p.country.code), \(p.country.alpha2)) — \(p.country.region), \(p.country.subregion); as of \(day)",
                "WTO: \(p.wtoStatus)\(p.wtoMemberSince.map { " since \($0)" } ?? "")",
                "Development status: \(p.developmentStatus?.rawValue ?? "none") — \(p.developmentNote)",
            ]
            let groups = [p.country.isLandlockedDeveloping ? "LLDC" : nil, p.country.isSmallIslandDeveloping ? "SIDS" : nil].compactMap { $0 }
            if !groups.isEmpty { title.append("UN groups: \(groups.joined(separator: ", "))") }
            if !p.institutions.isEmpty {
                title.append(
                    "Institutions: "
                        + p.institutions.map { "\($0.institution) (\($0.from)\($0.to.map { "–\($0)" } ?? ""))\($0.memberOnDay ? "" : " [not on \(day)]")" }
                        .joined(separator: "; "))
            }
            title.append("")
            title.append("Agreements and schemes (\(p.agreements.filter { $0.status == .inForce }.count) in force on \(day)):")
            try Output(format: options.format).emit(
                header: ["agreement", "status", "from", "until", "form", "type", "role", "via"], rows: rows, json: p,
                title: title.joined(separator: "\n"))
        }
    }
}

struct AgreementsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreements", abstract: "Agreements and preference schemes, filtered by party, partner, date, form, type and legal basis.")

    @Option(help: "Only agreements this country is party to (directly or through a bloc).") var party: String?
    @Option(help: "Only agreements under which --party and this country give each other (or one the other) preferences.") var partner: String?
    @Option(name: .customLong("in-force-on"), help: "Only agreements in force on this day (for --party: for that party).") var inForceOn: String?
    @Option(help: "bilateral, regional, plurilateral, inter-regional, multilateral or unilateral.") var form: String?
    @Option(help: "free-trade-agreement, customs-union, economic-integration-agreement, partial-scope-agreement, unilateral-preference-scheme, …")
    var type: String?
    @Option(help: "gatt-xxiv, enabling-clause, enabling-clause-gsp, enabling-clause-ldc, gats-v, wto-waiver, mfn-concession, not-notified.")
    var basis: String?
    @OptionGroup var store: StoreOptions

    func run() throws {
        try TarifCLI.run {
            let registry = try openRegistry(store)
            let filter = AgreementFilter(
                party: try party.map { try registry.country(named: $0).code }, partner: try partner.map { try registry.country(named: $0).code },
                inForceOn: try inForceOn.map { try Day(iso: $0) }, form: try choice(form, "form"), type: try choice(type, "type"),
                basis: try choice(basis, "basis"))
            let found = registry.agreements(matching: filter)
            let rows = found.map { a, f in
                [a.id, a.shortName, f.rawValue, a.type.rawValue, a.basis.map(\.rawValue).joined(separator: "+"), a.signed?.description ?? "",
                 a.inForce?.description ?? "", a.ended.map { lastDay($0.day) } ?? ""]
            }
            try Output(format: store.format).emit(
                header: ["id", "agreement", "form", "type", "basis", "signed", "in force", "until"], rows: rows,
                json: found.map { AgreementView(agreement: $0.0, form: $0.1) }, footer: ["\(found.count) agreement(s)"])
        }
    }
}

/// An agreement with its derived form, for JSON output.
struct AgreementView: Encodable {
    var agreement: Agreement
    var form: AgreementForm
}

struct AgreementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement", abstract: "One agreement: legal basis, type, form, dates, and each party with its own dates.")

    @Argument(help: "Id, short name or alias (RCEP, ATIGA, ACFTA, US-GSP, GBR-japan).") var name: String
    @OptionGroup var options: QueryOptions

    func run() throws {
        try TarifCLI.run {
            let registry = try openRegistry(options.store)
            let a = try registry.agreement(named: name)
            let day = try options.day()
            let parties = registry.parties(of: a, on: day)
            let rows = parties.map { code, p in
                [code.rawValue, registry.countries[code]?.name ?? "", p.side, p.role.rawValue, p.from.description, lastDay(p.to), p.status.rawValue, p.via ?? ""]
            }
            var lines = [
                "\(a.name) (\(a.shortName))",
                "Form: \(registry.form(of: a).rawValue) (derived from the parties); type: \(a.type.rawValue); covers: \(a.coverage.map(\.rawValue).joined(separator: ", "))",
                "Legal basis: " + a.basis.map(\.article).joined(separator: "; "),
                "Signed: \(a.signed?.description ?? "—"); in force: \(a.inForce?.description ?? "not in force")"
                    + (a.ended.map { "; until \(lastDay($0.day))" } ?? "") + (a.supersededBy.map { " (superseded by \($0))" } ?? ""),
            ]
            if let proofs = a.proofOfOrigin { lines.append("Proof of origin: " + proofs.joined(separator: "; ")) }
            if let id = a.wtoRTAID {
                lines.append("WTO RTA database: ID \(id) <https://rtais.wto.org/UI/PublicShowRTAIDCard.aspx?rtaid=\(id)>")
            }
            for s in a.sources { lines.append("Source: \(s)") }
            for n in a.notes ?? [] { lines.append("Note: \(n)") }
            lines.append("")
            lines.append("Parties (status on \(day)):")
            try Output(format: options.format).emit(
                header: ["code", "country", "side", "role", "from", "until", "status", "via"], rows: rows,
                json: AgreementDetail(agreement: a, form: registry.form(of: a), parties: parties.map { PartyView(country: $0.0, participation: $0.1) }),
                title: lines.joined(separator: "\n"))
        }
    }
}

struct PartyView: Encodable {
    var country: CountryCode
    var participation: Participation
}

struct AgreementDetail: Encodable {
    var agreement: Agreement
    var form: AgreementForm
    var parties: [PartyView]
}

struct CommonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "common",
        abstract: "The agreements under which two countries give each other (or one the other) preferences on a day.",
        discussion: "Parties on the same side of an agreement (two ASEAN members under ASEAN–China) give each other nothing under it and are not listed.")

    @Argument(help: "First country.") var first: String
    @Argument(help: "Second country.") var second: String
    @OptionGroup var options: QueryOptions

    func run() throws {
        try TarifCLI.run {
            let registry = try openRegistry(options.store)
            let a = try registry.country(named: first).code
            let b = try registry.country(named: second).code
            let day = try options.day()
            let shared = registry.common(a, b, on: day)
            let rows = shared.map { s -> [String] in
                let dir: String
                switch s.direction {
                case .mutual: dir = "both ways"
                case .firstGrantsSecond: dir = "\(a) grants \(b)"
                case .secondGrantsFirst: dir = "\(b) grants \(a)"
                }
                return [s.agreement, s.shortName, dir, s.form.rawValue, s.basis.map(\.rawValue).joined(separator: "+"), s.firstSince.description, s.secondSince.description]
            }
            try Output(format: options.format).emit(
                header: ["id", "agreement", "preferences", "form", "basis", "\(a) since", "\(b) since"], rows: rows, json: shared,
                title: "Agreements \(a) and \(b) share on \(day):",
                footer: shared.isEmpty ? ["None: trade between them is at MFN rates where both are WTO Members."] : [])
        }
    }
}

struct EligibleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eligible", abstract: "Whether goods of an origin get an importer's preference program (e.g. a US HTS special code) on a day, and why.")

    @Argument(help: "The importer (USA).") var importer: String
    @Argument(help: "The program code (A, A+, D, KR, S…).") var program: String
    @Option(help: "The origin country.") var origin: String
    @OptionGroup var options: QueryOptions

    func run() throws {
        try TarifCLI.run {
            let registry = try openRegistry(options.store)
            let e = try registry.eligibility(
                origin: try registry.country(named: origin).code, importer: try registry.country(named: importer).code, program: program,
                on: try options.day())
            try Output(format: options.format).emit(
                header: ["check"], rows: e.reasons.map { [$0] }, json: e,
                title: "\(e.origin) under \(e.importer) \(e.program) on \(e.day): \(e.eligible ? "ELIGIBLE" : "NOT ELIGIBLE")")
        }
    }
}

struct InstitutionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "institutions", abstract: "The institutions of economic cooperation Tarif knows.")
    @OptionGroup var options: QueryOptions

    func run() throws {
        try TarifCLI.run {
            let registry = try openRegistry(options.store)
            let day = try options.day()
            let rows = registry.institutions.map { i in
                [i.id, i.name, i.kind.rawValue, i.founded.description, i.ended.map { lastDay($0.day) } ?? "",
                 i.members.isEmpty ? "not curated" : String(Set(i.members.filter { $0.tenure.contains(day) }.map(\.member)).count)]
            }
            try Output(format: options.format).emit(
                header: ["id", "name", "kind", "founded", "ended", "members on \(day)"], rows: rows, json: registry.institutions)
        }
    }
}

struct InstitutionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "institution", abstract: "One institution: kind, description and members with their dates.")
    @Argument(help: "Id or name (ASEAN, WTO, EU, OPEC).") var name: String
    @OptionGroup var options: QueryOptions

    func run() throws {
        try TarifCLI.run {
            let registry = try openRegistry(options.store)
            let i = try registry.institution(named: name)
            let day = try options.day()
            let rows = i.members.sorted { ($0.from, $0.member) < ($1.from, $1.member) }.map { m in
                [m.member.rawValue, registry.countries[m.member]?.name ?? "", m.from.description, m.to.map { lastDay($0.day) } ?? "",
                 m.tenure.contains(day) ? "member" : "not a member", m.note ?? ""]
            }
            var title = ["\(i.name) (\(i.id)) — \(i.kind.rawValue), founded \(i.founded)\(i.ended.map { ", ended \(lastDay($0.day))" } ?? "")", i.description]
            if let p = i.predecessor { title.append("Predecessor: \(p)") }
            if let s = i.successor { title.append("Successor: \(s)") }
            if let n = i.membersNote { title.append("Members: \(n)") }
            for s in i.sources { title.append("Source: \(s)") }
            try Output(format: options.format).emit(
                header: ["code", "country", "from", "until", "on \(day)", "note"], rows: rows, json: i, title: title.joined(separator: "\n"))
        }
    }
}
