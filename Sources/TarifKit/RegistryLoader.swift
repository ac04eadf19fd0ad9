import Foundation
public import TarifCore
public import TarifRegistry

/// Reads the registry facts Tarif curates (the `Registry/` resources) and turns
/// importers' published preference schemes into agreements.
public enum RegistryLoader {
    struct WTOFile: Decodable {
        struct Developed: Decodable {
            var source: SourceRef
            var members: [CountryCode]
        }
        struct RegionOverride: Decodable {
            var country: CountryCode
            var region: String
        }
        var source: SourceRef
        var entries: [WTOEntry]
        var developed: Developed
        var ldcGraduations: [LDCGraduation]
        var regionOverrides: [RegionOverride]
        var territories: [Country]
    }
    struct InstitutionsFile: Decodable { var institutions: [Institution] }
    struct AgreementsFile: Decodable { var agreements: [Agreement] }
    struct ProgramsFile: Decodable { var programs: [PreferenceProgram] }
    struct InstrumentsFile: Decodable { var scheduleInstruments: [ScheduleInstrument] }
    struct NonMFNFile: Decodable {
        var mfnWithdrawals: [MFNWithdrawal]
        var lineExclusions: [LineExclusion]
    }
    struct SchemeOverlay: Decodable {
        struct Entry: Decodable {
            var type: AgreementType
            var basis: [NotificationBasis]
            var coverage: [Coverage]?
            var unilateral: Bool?
            var note: String?
        }
        var source: SourceRef
        var memberAliases: [String: String]
        var `default`: Entry
        var schemes: [String: Entry]
    }

    /// The curated facts and the loaded schemes, as a registry input.
    /// - Throws: ``TarifError`` naming the resource file and the field of a malformed entry.
    public static func input(countries: [Country], schemes: [PreferenceScheme], rtas: [RTARecord] = []) throws -> RegistryInput {
        let wto = try decode(WTOFile.self, "wto")
        var all = countries
        let known = Set(countries.map(\.code))
        all += wto.territories.filter { !known.contains($0.code) }
        var agreements = try decode(AgreementsFile.self, "agreements").agreements.map {
            var a = $0
            a.origin = "Registry/agreements.json"
            return a
        }
        agreements += try agreementsFrom(schemes: schemes, countries: all)
        agreements += agreementsFrom(rtas: rtas, countries: all, existing: agreements).agreements
        let nonMFN = try decode(NonMFNFile.self, "non-mfn")
        return RegistryInput(
            countries: all, wto: wto.entries, wtoSource: wto.source, developed: wto.developed.members,
            developedSource: wto.developed.source, ldcGraduations: wto.ldcGraduations,
            regionOverrides: Dictionary(wto.regionOverrides.map { ($0.country, $0.region) }, uniquingKeysWith: { a, _ in a }),
            institutions: try decode(InstitutionsFile.self, "institutions").institutions, agreements: agreements,
            programs: try decode(ProgramsFile.self, "programs").programs, mfnWithdrawals: nonMFN.mfnWithdrawals,
            lineExclusions: nonMFN.lineExclusions, scheduleInstruments: try decode(InstrumentsFile.self, "schedule-instruments").scheduleInstruments)
    }

    /// Each published scheme as an agreement between its importer (one side) and its
    /// members (the other): ids `GBR-<scheme code>`.
    /// - Throws: ``TarifError`` for a member code that names no country.
    public static func agreementsFrom(schemes: [PreferenceScheme], countries: [Country]) throws -> [Agreement] {
        guard !schemes.isEmpty else { return [] }
        let overlay = try decode(SchemeOverlay.self, "uk-schemes")
        var byAlpha2: [String: CountryCode] = [:]
        for c in countries where !c.alpha2.isEmpty { byAlpha2[c.alpha2] = c.code }
        return try schemes.map { s in
            let entry = overlay.schemes[s.code] ?? overlay.default
            let unilateral = entry.unilateral ?? false
            var parties = [Party(party: .country(s.importer), side: s.importer.rawValue, role: unilateral ? .grantor : nil)]
            for member in s.members {
                if member.first?.isLowercase == true { continue }  // the group's own label ("andean")
                let ref: PartyRef
                if member == "EU" {
                    ref = .bloc("EU")
                } else if let code = byAlpha2[overlay.memberAliases[member] ?? member] ?? (try? CountryCode(overlay.memberAliases[member] ?? "")) {
                    ref = .country(code)
                } else {
                    throw TarifError(
                        .badCountry, "scheme '\(s.code)' lists member '\(member)', which is no ISO 3166 alpha-2 code Tarif knows",
                        at: SourceLocation(file: "\(s.importer) preference schemes", field: "countries"))
                }
                parties.append(Party(party: ref, side: "partners", role: unilateral ? .beneficiary : nil))
            }
            let prefix = s.importer == .unitedKingdom ? "UK" : s.importer.rawValue
            var notes = ["Dates are when the scheme took effect in the \(prefix) tariff, not the original agreement's entry into force."]
            if let n = entry.note { notes.append(n) }
            return Agreement(
                id: "\(s.importer.rawValue)-\(s.code)", name: s.title, shortName: s.title.count <= 48 ? s.title : "\(prefix) scheme '\(s.code)'",
                aliases: ["\(prefix)-\(s.code)"], type: entry.type, coverage: entry.coverage ?? [.goods], basis: entry.basis,
                inForce: FactDate(s.validFrom), ended: s.validTo.map { FactDate($0.adding(days: 1)) }, parties: parties,
                proofOfOrigin: s.proofs.isEmpty ? nil : s.proofs,
                sources: [SourceRef(title: s.originReference ?? s.title, url: s.links.first), overlay.source], notes: notes,
                origin: "\(s.importer) preference schemes")
        }
    }

    /// The WTO RTA database's agreements that the registry does not already hold — not by RTA ID
    /// (a curated agreement), nor with the same countries as parties (a UK scheme) — as agreements
    /// `WTO-<RTA ID>`, with each party the export names as a country or as a bloc Tarif curates.
    ///
    /// What the registry cannot take is left out and counted: a record with fewer than two such
    /// parties, a party's date before the agreement's, a signature after the entry into force. An
    /// inactive record (no current signatories) enters with its original signatories, ended on
    /// its inactive date.
    public static func agreementsFrom(rtas: [RTARecord], countries: [Country], existing: [Agreement]) -> (agreements: [Agreement], skipped: Int) {
        guard !rtas.isEmpty else { return ([], 0) }
        let lookup = CountryLookup(countries)
        let curatedIDs = Set(existing.compactMap(\.wtoRTAID))
        let partySets = Set(existing.map { Set($0.parties.compactMap { $0.party.country }) }.filter { $0.count >= 2 })
        let blocs: [String: String] = [
            "European Union": "EU", "European Communities": "EU", "ASEAN Free Trade Area (AFTA)": "ASEAN",
            "European Free Trade Association (EFTA)": "EFTA", "Southern Common Market (MERCOSUR)": "MERCOSUR",
            "Gulf Cooperation Council (GCC)": "GCC", "Southern African Customs Union (SACU)": "SACU", "Eurasian Economic Union (EAEU)": "EAEU",
        ]
        var out: [Agreement] = []
        var skipped = 0
        for r in rtas where !curatedIDs.contains(r.id) {
            let inForce = (r.inForceGoods ?? r.inForceServices).map { FactDate($0) }
            var parties: [Party] = []
            var unnamed: [String] = []
            // An inactive agreement has no current signatories: its parties are the original ones,
            // to the day it ended.
            let signatories = r.currentSignatories.isEmpty ? r.originalSignatories : r.currentSignatories
            for name in signatories {
                let ref: PartyRef
                if let c = lookup.find(name)?.code {
                    ref = .country(c)
                } else if let b = blocs[name] {
                    ref = .bloc(b)
                } else {
                    unnamed.append(name)
                    continue
                }
                guard !parties.contains(where: { $0.party == ref }) else { continue }
                var party = Party(party: ref)
                if let dates = r.partyDates.first(where: { d in (lookup.find(d.party)?.code).map { .country($0) } == ref }) {
                    if dates.pending { continue }  // not yet in force for it
                    if let e = dates.entry, let f = inForce, e > f.day { party.from = FactDate(e) }
                    if let x = dates.exit { party.to = FactDate(Day(ordinal: x.ordinal + 1)) }
                    if let to = party.to, to <= (party.from ?? inForce ?? to) { party.to = nil }
                }
                parties.append(party)
            }
            let countriesOnly = Set(parties.compactMap { $0.party.country })
            guard parties.count >= 2, !(countriesOnly.count == parties.count && partySets.contains(countriesOnly)) else {
                skipped += 1
                continue
            }
            let type: AgreementType =
                r.type.hasPrefix("CU") ? .customsUnion : r.type.hasPrefix("PSA") ? .partialScope : r.type == "EIA" ? .economicIntegration : .freeTradeAgreement
            var coverage: [Coverage] = []
            if r.coverage.contains("Goods") { coverage.append(.goods) }
            if r.coverage.contains("Services") { coverage.append(.services) }
            var basis: [NotificationBasis] = []
            if r.notification.contains("XXIV") { basis.append(.gattXXIV) }
            if r.notification.contains("Enabling Clause") { basis.append(.enablingClause) }
            if r.notification.contains("GATS") { basis.append(.gatsV) }
            var signed = r.signedGoods.map { FactDate($0) }
            if let s = signed, let f = inForce, f < s { signed = nil }
            var ended = r.inactive.map { FactDate($0) }
            if let e = ended, let f = inForce, e <= f { ended = nil }
            var notes = ["From the WTO RTA database (export of January 2026), not curated by Tarif: status '\(r.status)', type '\(r.type)', \(r.composition)."]
            if !unnamed.isEmpty { notes.append("Parties the export names that Tarif does not resolve: \(unnamed.joined(separator: ", ")).") }
            if !r.remarks.isEmpty { notes.append(r.remarks) }
            for c in r.changes.prefix(20) {
                notes.append("Change notified \(c.notified?.description ?? "?")\(c.inForce.map { ", in force \($0)" } ?? "") (\(c.affects)): \(c.remarks)")
            }
            out.append(
                Agreement(
                    id: "WTO-\(r.id)", name: r.name, shortName: r.name, aliases: ["RTA \(r.id)"], wtoRTAID: r.id, type: type,
                    coverage: coverage.isEmpty ? [.goods] : coverage, basis: basis.isEmpty ? [.notNotified] : basis, signed: signed, inForce: inForce,
                    ended: ended, parties: parties,
                    sources: [
                        SourceRef(
                            title: "WTO Regional Trade Agreements database, RTA ID \(r.id) (RTA-IS export, January 2026)",
                            url: "https://rtais.wto.org/UI/PublicShowRTAIDCard.aspx?rtaid=\(r.id)")
                    ], notes: notes, origin: rtaOrigin))
        }
        return (out, skipped)
    }

    /// The `origin` of the agreements the WTO's export brought into the registry.
    public static let rtaOrigin = "WTO RTA-IS export"

    static func decode<T: Decodable>(_ type: T.Type, _ name: String) throws -> T {
        try BundledResource.decode(type, name, in: "Registry")
    }
}
