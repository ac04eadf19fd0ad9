import TarifCore

/// The HS 2022 nomenclature CSV (`section,hscode,description,parent,level`), as the
/// UN Comtrade / datasets `harmonized-system` file publishes it.
public struct HSNomenclatureReader: PublicationReader {
    public static let format = "hs-csv"
    public static let scheduleRoles: [String] = []
    public init() {}

    public func read(_ source: ByteSource, emit: (ImportEvent) throws -> Void) throws {
        let csv = try CSVReader(source: source)
        let c = try csv.columns(["section", "hscode", "description", "parent", "level"])
        while let r = try csv.next() {
            let f = r.fields
            if f[c[1]] == "TOTAL" { continue }  // the grand-total pseudo-row
            let at = SourceLocation(file: source.displayName, line: r.line, field: "hscode")
            let code: TariffCode
            do { code = try TariffCode(f[c[1]]) } catch let e as TarifError { throw e.located(at) }
            guard String(code.length) == f[c[4]] else {
                throw TarifError(.badFile, "level \(f[c[4]]) does not match code \(f[c[1]])", at: at)
            }
            let parent = f[c[3]] == "TOTAL" ? nil : try? TariffCode(f[c[3]])
            let section = f[c[0]] == "TOTAL" ? "" : f[c[0]]
            try emit(.hsEntry(HSEntry(code: code, section: section, description: f[c[2]], parent: parent)))
        }
    }
}

/// The HS sections CSV (`section,name`).
public struct HSSectionsReader: PublicationReader {
    public static let format = "hs-sections-csv"
    public static let scheduleRoles: [String] = []
    public init() {}

    public func read(_ source: ByteSource, emit: (ImportEvent) throws -> Void) throws {
        let csv = try CSVReader(source: source)
        let c = try csv.columns(["section", "name"])
        while let r = try csv.next() {
            try emit(.hsSection(HSSection(numeral: r.fields[c[0]], name: r.fields[c[1]])))
        }
    }
}

/// The `datasets/country-codes` CSV: ISO 3166 codes, UN M49 regions, LDC/LLDC/SIDS.
public struct CountryCodesReader: PublicationReader {
    public static let format = "country-codes-csv"
    public static let scheduleRoles: [String] = []
    public init() {}

    public func read(_ source: ByteSource, emit: (ImportEvent) throws -> Void) throws {
        let csv = try CSVReader(source: source)
        let names = [
            "ISO3166-1-Alpha-3", "ISO3166-1-Alpha-2", "ISO3166-1-numeric", "CLDR display name", "official_name_en",
            "Region Name", "Sub-region Name", "Least Developed Countries (LDC)", "Land Locked Developing Countries (LLDC)",
            "Small Island Developing States (SIDS)", "ISO4217-currency_alphabetic_code", "is_independent",
        ]
        let c = try csv.columns(names)
        while let r = try csv.next() {
            let f = r.fields
            let at = SourceLocation(file: source.displayName, line: r.line, field: names[0])
            let code: CountryCode
            do { code = try CountryCode(f[c[0]]) } catch let e as TarifError { throw e.located(at) }
            let numeric = f[c[2]]
            let paddedNumeric = String(repeating: "0", count: max(0, 3 - numeric.count)) + numeric
            try emit(
                .country(
                    Country(
                        code: code, alpha2: f[c[1]], numeric: paddedNumeric, name: f[c[3]], officialName: f[c[4]],
                        region: f[c[5]], subregion: f[c[6]], isLeastDeveloped: f[c[7]] == "x",
                        isLandlockedDeveloping: f[c[8]] == "x", isSmallIslandDeveloping: f[c[9]] == "x",
                        currency: f[c[10]], independence: f[c[11]])))
        }
    }
}
