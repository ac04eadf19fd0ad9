import Testing

@testable import TarifCore

struct SpecialRateParserTests {
    @Test func oneRateForManyPrograms() throws {
        let grants = try SpecialRateParser().parse("Free (A+,AU,BH,CL,CO,D,E,IL,JO,KR,MA,OM,P,PA,PE,S,SG)")
        #expect(grants.count == 1)
        #expect(grants[0].programs.count == 17)
        #expect(grants[0].programs.first == "A+")
        #expect(grants[0].expression == .free(condition: nil))
    }

    @Test func severalRatesAndReferences() throws {
        let text = "Free (BH,CL,JO,KR,MA,OM,P,PE,SG) 7 cents/kg (KR) See 9822.04.50 (AU) 6.4% (JP)"
        // "7 cents/kg" is not a rate form of the HTS: the whole cell is reported, not half-read.
        #expect(throws: TarifError.self) { try SpecialRateParser().parse(text) }
        let grants = try SpecialRateParser().parse("Free (BH, CL,JO) See 9822.04.50 (AU) 6.4% (JP) $1.10/kg (S+)")
        #expect(grants.map(\.programs) == [["BH", "CL", "JO"], ["AU"], ["JP"], ["S+"]])
        #expect(grants[2].expression == .adValorem(Percentage(ExactDecimal("6.4")!), basis: .customsValue))
        guard case .reference = grants[1].expression else { Issue.record("See … is a reference"); return }
    }

    @Test func aCellWithoutProgramsHoldsUnderEveryProgram() throws {
        let grants = try SpecialRateParser().parse("The duty provided in the applicable subheading + 25%")
        #expect(grants.count == 1)
        #expect(grants[0].programs.isEmpty)
        #expect(try SpecialRateParser().parse("") == [])
    }

    @Test func programSymbols() {
        for good in ["A", "A*", "A+", "AU", "S+", "JP"] { #expect(SpecialRateParser.isProgramCode(good)) }
        for bad in ["see U.S. note 3", "ABC", "a", "", "+"] { #expect(!SpecialRateParser.isProgramCode(bad)) }
    }
}
