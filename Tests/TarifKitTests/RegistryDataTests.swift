import Foundation
import Testing
import TarifCore
import TarifImport
import TarifRegistry
import TarifTesting
@testable import TarifKit

/// The curated registry over the real country list and the UK's published schemes.
@Suite(.enabled(if: TestData.isAvailable, "needs ../shared/data (or TARIF_DATA)"))
struct RegistryDataTests {
    static func events(_ reader: some PublicationReader, _ file: String) throws -> [ImportEvent] {
        let source = try ByteSource(path: TestData.path(file), displayName: file)
        defer { source.close() }
        var out: [ImportEvent] = []
        try reader.read(source) { out.append($0) }
        return out
    }

    static let registry: Registry = {
        let countries = try! events(CountryCodesReader(), "countries/country-codes.csv").compactMap { e -> Country? in
            if case .country(let c) = e { return c }
            return nil
        }
        let schemes = try! events(UKPreferenceSchemesReader(), "preferences_agreements/gbr_roo_schemes_uk.json").compactMap { e -> PreferenceScheme? in
            if case .preferenceScheme(let s) = e { return s }
            return nil
        }
        do {
            return try Registry(RegistryLoader.input(countries: countries, schemes: schemes))
        } catch {
            fatalError("the curated registry does not build: \(error)")
        }
    }()

    func day(_ s: String) -> Day { try! Day(iso: s) }
    func code(_ s: String) -> CountryCode { try! CountryCode(s) }

    @Test("the curated data keeps every invariant, and every row has a source")
    func invariants() throws {
        let r = Self.registry
        // Registry.init checks parties exist, party dates, sources and compositions; reaching here means it held.
        #expect(r.agreements.allSatisfy { !$0.sources.isEmpty })
        #expect(r.institutions.allSatisfy { !$0.sources.isEmpty })
        #expect(r.wtoSource != nil && r.developedSource != nil)
        // Every recorded composition was checked against the parties; most curated agreements record one.
        let curated = r.agreements.filter { $0.origin == "Registry/agreements.json" }
        #expect(curated.count >= 45)
        #expect(curated.filter { $0.composition == nil }.isEmpty)
    }

    @Test("WTO: 166 Members with the EU, 23 observers; dates as accession")
    func wto() {
        let r = Self.registry
        #expect(r.wtoEntries.filter { $0.status == .member }.count == 166)
        #expect(r.wtoEntries.filter { $0.status == .observer }.count == 23)
        #expect(r.wtoMember(.bloc("EU"), on: day("2000-01-01")))
        #expect(!r.wtoMember(.country(code("VNM")), on: day("2007-01-10")))
        #expect(r.wtoMember(.country(code("VNM")), on: day("2007-01-11")))
        #expect(r.developmentStatus(code("IDN"), on: day("2024-01-01")).0 == .developing)
        #expect(r.developmentStatus(code("USA"), on: day("2024-01-01")).0 == .developed)
        #expect(r.developmentStatus(code("BGD"), on: day("2026-11-23")).0 == .leastDeveloped)
        #expect(r.developmentStatus(code("BGD"), on: day("2026-11-24")).0 == .developing)
        #expect(r.developmentStatus(code("BTN"), on: day("2023-12-12")).0 == .leastDeveloped)
    }

    @Test("IDN and VNM on 2024-01-01: ATIGA and RCEP; not RCEP on 2022-06-01")
    func commonIndonesiaVietnam() {
        let r = Self.registry
        let on2024 = r.common(code("IDN"), code("VNM"), on: day("2024-01-01")).map(\.agreement)
        #expect(on2024.contains("ATIGA"))
        #expect(on2024.contains("RCEP"))
        // Both are on the ASEAN side of the ASEAN+1 agreements: those give nothing between them.
        for plusOne in ["ACFTA", "AKFTA", "AJCEP", "AIFTA", "AANZFTA", "AHKFTA"] { #expect(!on2024.contains(plusOne)) }
        let on2022 = r.common(code("IDN"), code("VNM"), on: day("2022-06-01")).map(\.agreement)
        #expect(on2022.contains("ATIGA"))
        #expect(!on2022.contains("RCEP"))
        #expect(r.sharedCount(code("IDN"), code("VNM"), on: day("2024-01-01")) == on2024.count)
    }

    @Test("Indonesia's own entry dates", arguments: [
        ("AJCEP", "2018-03-01"), ("AANZFTA", "2012-01-10"), ("RCEP", "2023-01-02"), ("AHKFTA", "2020-07-04"), ("AIFTA", "2010-10-01"),
    ])
    func indonesiaDates(agreement: String, from: String) throws {
        let p = Self.registry.participations(code("IDN"), on: day("2025-01-01")).filter { $0.agreement == agreement }
        #expect(p.map(\.from) == [day(from)])
    }

    @Test("every agreement the issue names for Indonesia is there", arguments: [
        "ATIGA", "ACFTA", "AKFTA", "AJCEP", "AIFTA", "AANZFTA", "AHKFTA", "RCEP", "IJEPA", "IA-CEPA", "IK-CEPA", "IE-CEPA", "IC-CEPA",
        "IP-PTA", "IM-PTA", "IUAE-CEPA", "GSTP", "D-8 PTA",
    ])
    func indonesiaParty(name: String) throws {
        let a = try Self.registry.agreement(named: name)
        #expect(Self.registry.participations(code("IDN"), on: day("2025-01-01")).contains { $0.agreement == a.id })
    }

    @Test("the UK's 44 schemes load with their members and dates")
    func ukSchemes() throws {
        let r = Self.registry
        let uk = r.agreements.filter { $0.id.hasPrefix("GBR-") }
        #expect(uk.count == 44)
        let japan = try r.agreement(named: "GBR-japan")
        #expect(japan.inForce?.day == day("2021-01-01"))
        #expect(r.common(code("GBR"), code("JPN"), on: day("2022-01-01")).contains { $0.agreement == "GBR-japan" })
        // The EU scheme reaches member states through the EU bloc and the listed states.
        #expect(r.common(code("GBR"), code("FRA"), on: day("2022-01-01")).contains { $0.agreement == "GBR-eu" })
        // GSP ended on 2023-06-18 (the publication's last day); DCTS from 2023-06-19.
        let gsp = try r.agreement(named: "GBR-gsp")
        #expect(gsp.ended?.day == day("2023-06-19"))
        #expect(r.form(of: gsp) == .unilateral)
        // Serbia (XS) and Kosovo (XK) resolve.
        #expect(r.common(code("GBR"), code("SRB"), on: day("2022-01-01")).contains { $0.agreement == "GBR-serbia" })
        #expect(r.common(code("GBR"), code("XKX"), on: day("2022-01-01")).contains { $0.agreement == "GBR-kosovo" })
    }

    @Test("US programs: GSP lapsed, AGOA removals, USMCA replaced NAFTA", arguments: [
        ("IDN", "A", "2020-12-31", true), ("IDN", "A", "2021-01-01", false), ("IND", "A", "2019-06-04", true), ("IND", "A", "2019-06-05", false),
        ("ETH", "D", "2021-12-31", true), ("ETH", "D", "2022-01-01", false), ("KEN", "D", "2026-03-01", true),
        ("MEX", "S", "2020-07-01", true), ("MEX", "S", "2020-06-30", false), ("MEX", "MX", "2020-06-30", true), ("CAN", "MX", "2020-06-30", false),
        ("KOR", "KR", "2012-03-15", true), ("JPN", "KR", "2012-03-15", false), ("CHN", "C", "2024-01-01", true),
        ("NPL", "A+", "2020-01-01", true), ("IDN", "A+", "2020-01-01", false),
    ])
    func usPrograms(origin: String, program: String, on: String, eligible: Bool) throws {
        let r = Self.registry
        #expect(r.isEligible(origin: code(origin), importer: .unitedStates, program: program, on: day(on)) == eligible)
        #expect(try r.eligibility(origin: code(origin), importer: .unitedStates, program: program, on: day(on)).eligible == eligible)
    }

    @Test("every program code in the US HTS special column maps to a program in the registry")
    func htsProgramCodes() throws {
        var codes: Set<String> = []
        for event in try Self.events(USHTSReader(), "tariffs_mfn/usa_hts_2026_rev10.json.gz") {
            if case .rate(_, let rate) = event, rate.kind == .preferential, let p = rate.program { codes.insert(p) }
        }
        #expect(codes.count >= 30)
        let known = Set(Self.registry.programs.filter { $0.importer == .unitedStates }.map(\.code))
        let unmapped = codes.subtracting(known).sorted()
        #expect(unmapped.isEmpty, "HTS program codes with no registry program: \(unmapped)")
    }

    @Test("form filter and in-force filter for Indonesia")
    func agreementFilters() {
        let r = Self.registry
        let regional = r.agreements(matching: AgreementFilter(party: code("IDN"), inForceOn: day("2023-06-01"), form: .regional)).map(\.0.id)
        #expect(Set(regional) == ["ATIGA", "ACFTA", "AKFTA", "AJCEP", "AIFTA", "AHKFTA"])
        let withKorea = r.agreements(matching: AgreementFilter(party: code("IDN"), partner: code("KOR"), inForceOn: day("2023-06-01"))).map(\.0.id)
        #expect(Set(withKorea) == ["AKFTA", "IK-CEPA", "RCEP", "GSTP"])
        #expect(r.form(of: try! r.agreement(named: "IE-CEPA")) == .interRegional)
    }

    @Test("bad input names what is wrong and suggests", arguments: [
        ("RECP", "did you mean", "RCEP"), ("Indonsia", "did you mean", "Indonesia"),
    ])
    func suggestions(text: String, phrase: String, suggestion: String) {
        let r = Self.registry
        var message = ""
        do { _ = try r.agreement(named: text) } catch let e as TarifError { message += e.message } catch {}
        do { _ = try r.country(named: text) } catch let e as TarifError { message += e.message } catch {}
        #expect(message.contains(phrase) && message.contains(suggestion), "\(message)")
    }

    @Test func unknownProgram() {
        #expect(throws: TarifError.self) { try Self.registry.eligibility(origin: code("IDN"), importer: .unitedStates, program: "ZZ", on: day("2020-01-01")) }
    }

    @Test("a malformed scheme file names the field")
    func malformedScheme() throws {
        let path = try TestData.fixture("schemes.json", #"{"schemes": [{"scheme_code": "x", "title": "X", "validity_start_date": "2021-02-30", "countries": ["FR"]}]}"#)
        let source = try ByteSource(path: path, displayName: "schemes.json")
        defer { source.close() }
        #expect {
            try UKPreferenceSchemesReader().read(source) { _ in }
        } throws: { error in
            guard let e = error as? TarifError else { return false }
            return e.location?.field == "schemes[0].validity_start_date" && e.message.contains("2021-02-30")
        }
    }
}

/// The WTO RTA database's identifiers of the curated agreements.
struct RTAIdentifierTests {
    @Test func everyNotifiedCuratedAgreementHasItsRTAID() throws {
        let input = try RegistryLoader.input(countries: [], schemes: [])
        let byID = Dictionary(uniqueKeysWithValues: input.agreements.map { ($0.id, $0) })
        #expect(byID["AJCEP"]?.wtoRTAID == 176)
        #expect(byID["IJEPA"]?.wtoRTAID == 172)
        #expect(byID["EU-JP"]?.wtoRTAID == 836)
        #expect(byID["CPTPP"]?.wtoRTAID == 640)
        // Not in the WTO's database (not notified as RTAs, or not RTAs).
        let notListed: Set<String> = [
            "RCEP", "US-JP", "D8-PTA", "US-GSP", "AGOA", "CBERA", "CBTPA", "ATPA", "US-NPP", "US-APTA", "TCA-AIRCRAFT", "PHARMA", "DYES", "JP-GSP",
            "AU-LDC", "AU-DCP", "AU-CA", "SPARTECA",
        ]
        let missing = input.agreements.filter { $0.wtoRTAID == nil && !notListed.contains($0.id) }.map(\.id)
        #expect(missing.isEmpty, "curated agreements without an RTA ID: \(missing)")
        let ids = input.agreements.compactMap(\.wtoRTAID)
        #expect(Set(ids).count == ids.count, "an RTA ID is given twice")
    }
}
