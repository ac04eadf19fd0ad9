import Foundation
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

@Suite struct HTTPDateTests {
    /// The `Date` header of answers given on the event loop, in RFC 9110's IMF-fixdate form.
    @Test func datesAreWrittenAsIMFFixdate() {
        #expect(HTTPDate.format(0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")  // RFC 9110's own example
        #expect(HTTPDate.format(951_782_400) == "Tue, 29 Feb 2000 00:00:00 GMT")
        #expect(HTTPDate.format(-1) == "Wed, 31 Dec 1969 23:59:59 GMT")
        #expect(HTTPDate.format(1_796_169_600) == "Wed, 02 Dec 2026 00:00:00 GMT")
        // Against Foundation's formatter, over days and times of five centuries.
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var seconds = -6_000_000_000
        while seconds < 9_000_000_000 {
            #expect(HTTPDate.format(seconds) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds))), "\(seconds)")
            seconds += 7_777_777
        }
    }
}
