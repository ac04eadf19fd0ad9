import Foundation
import TarifCore
import TarifRegistry
import Testing

@testable import TarifKit

/// The WTO RTA records the registry takes beside the curated agreements, on records written here.
struct RTARegistryTests {
    static func country(_ code: String, _ alpha2: String, _ name: String) -> Country {
        Country(
            code: try! CountryCode(code), alpha2: alpha2, numeric: "", name: name, officialName: name, region: "Asia", subregion: "",
            isLeastDeveloped: false, isLandlockedDeveloping: false, isSmallIslandDeveloping: false, currency: "", independence: "Yes")
    }
    static let countries = [
        country("IDN", "ID", "Indonesia"), country("CHL", "CL", "Chile"), country("KOR", "KR", "Republic of Korea"), country("GBR", "GB", "United Kingdom"),
        country("SGP", "SG", "Singapore"),
    ]

    static func record(_ id: Int, _ parties: [String], signed: String? = "2017-12-14", inForce: String? = "2019-08-10",
                       dates: [RTAPartyDates] = [], status: String = "In Force") -> RTARecord {
        RTARecord(
            id: id, name: "Record \(id)", coverage: "Goods & Services", type: "FTA & EIA", notification: "GATT Art. XXIV & GATS Art. V", status: status,
            signedGoods: signed.map { try! Day(iso: $0) }, inForceGoods: inForce.map { try! Day(iso: $0) }, inForceServices: nil, inactive: nil,
            composition: "Bilateral", currentSignatories: parties, originalSignatories: parties, partyDates: dates, remarks: "",
            changes: [RTAChange(parties: "x", affects: "Goods", notified: nil, signed: nil, inForce: try! Day(iso: "2021-01-01"), remarks: "Protocol 1")],
            row: 2)
    }

    @Test func recordsEnterWithTheirFactsUnlessTheRegistryHasThem() throws {
        let existing = [
            Agreement(
                id: "CURATED", name: "c", shortName: "c", wtoRTAID: 1, type: .freeTradeAgreement, coverage: [.goods], basis: [.gattXXIV],
                inForce: FactDate(try Day(iso: "2000-01-01")), parties: [Party(party: .country(try CountryCode("IDN"))), Party(party: .country(try CountryCode("CHL")))],
                sources: [SourceRef(title: "s")]),
            Agreement(
                id: "GBR-singapore", name: "uk", shortName: "uk", type: .freeTradeAgreement, coverage: [.goods], basis: [.gattXXIV],
                inForce: FactDate(try Day(iso: "2021-01-01")), parties: [Party(party: .country(.unitedKingdom)), Party(party: .country(try CountryCode("SGP")))],
                sources: [SourceRef(title: "s")]),
        ]
        let records = [
            Self.record(1, ["Indonesia", "Chile"]),  // curated by its RTA ID
            Self.record(2, ["Indonesia", "Korea, Republic of"], signed: "2020-01-01"),  // signed after entry into force: the signature is dropped
            Self.record(3, ["United Kingdom", "Singapore"]),  // a UK scheme's parties
            Self.record(4, ["Indonesia", "Atlantis"]),  // one party Tarif can name
            Self.record(5, ["Indonesia", "Korea, Republic of", "Chile"], dates: [RTAPartyDates(party: "Chile", entry: nil, exit: nil, pending: true)]),
        ]
        let (agreements, skipped) = RegistryLoader.agreementsFrom(rtas: records, countries: Self.countries, existing: existing)
        #expect(agreements.map(\.id) == ["WTO-2", "WTO-5"])
        #expect(skipped == 2)
        // An inactive record lists no current signatories: it enters with its original ones, ended.
        var inactive = Self.record(6, ["Indonesia", "Korea, Republic of"], status: "Inactive")
        inactive.currentSignatories = []
        inactive.inactive = try Day(iso: "2022-01-01")
        let (ended, none) = RegistryLoader.agreementsFrom(rtas: [inactive], countries: Self.countries, existing: existing)
        #expect(none == 0 && ended.first?.parties.count == 2 && ended.first?.ended?.description == "2022-01-01")
        let two = agreements[0]
        #expect(two.signed == nil)
        #expect(two.inForce?.description == "2019-08-10")
        #expect(two.wtoRTAID == 2)
        #expect(two.coverage == [.goods, .services])
        #expect(two.basis == [.gattXXIV, .gatsV])
        #expect(two.notes?.contains { $0.contains("Protocol 1") } == true)
        // Chile is not yet in force in record 5: left out of its parties.
        #expect(agreements[1].parties.compactMap { $0.party.country?.rawValue } == ["IDN", "KOR"])
    }
}
