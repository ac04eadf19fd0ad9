import Testing

@testable import TarifServer

/// The query string as the routes read it.
struct QueryTests {
    @Test func namesValuesAndPercentDecoding() {
        let q = Query(query: "a=1&b=x%20y&a=2&c&d=%zz&e=%2541&&f=&g=caf%C3%A9&h=a=b")
        #expect(q["a"] == "2")  // the last value of a name given twice
        #expect(q["b"] == "x y")
        #expect(q["c"] == "")  // a name without '='
        #expect(q["d"] == "%zz")  // not decodable: as written
        #expect(q["e"] == "%41")  // decoded once
        #expect(q["f"] == "")
        #expect(q["g"] == "café")
        #expect(q["h"] == "a=b")  // the first '=' ends the name
        #expect(q["missing"] == nil)
        #expect(Query(query: nil)["a"] == nil)
        #expect(Query(query: "")["a"] == nil)
        #expect(throws: (any Error).self) { try Query(query: "x=1").require("code") }
        #expect(throws: (any Error).self) { try Query(query: "code=").require("code") }
        #expect((try? Query(query: "code=0901").require("code")) == "0901")
    }
}
