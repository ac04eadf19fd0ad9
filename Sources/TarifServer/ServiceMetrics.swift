import Foundation
import Synchronization

/// Request counts and latencies, served at `/metrics` in the Prometheus text format (0.0.4).
public final class ServiceMetrics: Sendable {
    /// Upper bounds of the latency histogram's buckets, in seconds.
    static let buckets: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

    struct Key: Hashable {
        var method: String
        var route: String
        var status: Int
    }
    struct Histogram {
        var counts = [UInt64](repeating: 0, count: ServiceMetrics.buckets.count)
        var sum = 0.0
        var count: UInt64 = 0
    }
    struct State {
        var requests: [Key: UInt64] = [:]
        var latency: [String: Histogram] = [:]
        var inFlight = 0
    }

    private let state = Mutex(State())
    let startTime = Date()

    public init() {}

    func begin() { state.withLock { $0.inFlight += 1 } }

    func finished(method: String, route: String, status: Int, seconds: Double) {
        state.withLock { s in
            s.inFlight -= 1
            s.requests[Key(method: method, route: route, status: status), default: 0] += 1
            var h = s.latency[route] ?? Histogram()
            if let i = Self.buckets.firstIndex(where: { seconds <= $0 }) { h.counts[i] += 1 }
            h.sum += seconds
            h.count += 1
            s.latency[route] = h
        }
    }

    /// The exposition text; `extra` adds gauges of the caller's (data tag, cache sizes).
    func render(extra: [(name: String, help: String, labels: [String: String], value: Double)] = []) -> String {
        let s = state.withLock { $0 }
        var out = """
            # HELP tarif_http_requests_total HTTP requests answered, by method, route and status.
            # TYPE tarif_http_requests_total counter

            """
        for (k, v) in s.requests.sorted(by: { ($0.key.route, $0.key.method, $0.key.status) < ($1.key.route, $1.key.method, $1.key.status) }) {
            out += "tarif_http_requests_total{method=\"\(Self.escape(k.method))\",route=\"\(Self.escape(k.route))\",status=\"\(k.status)\"} \(v)\n"
        }
        out += """
            # HELP tarif_http_request_duration_seconds Time from the request's head to the response, by route.
            # TYPE tarif_http_request_duration_seconds histogram

            """
        for (route, h) in s.latency.sorted(by: { $0.key < $1.key }) {
            var cumulative: UInt64 = 0
            let r = Self.escape(route)
            for (i, bound) in Self.buckets.enumerated() {
                cumulative += h.counts[i]
                out += "tarif_http_request_duration_seconds_bucket{route=\"\(r)\",le=\"\(bound)\"} \(cumulative)\n"
            }
            out += "tarif_http_request_duration_seconds_bucket{route=\"\(r)\",le=\"+Inf\"} \(h.count)\n"
            out += "tarif_http_request_duration_seconds_sum{route=\"\(r)\"} \(h.sum)\n"
            out += "tarif_http_request_duration_seconds_count{route=\"\(r)\"} \(h.count)\n"
        }
        out += """
            # HELP tarif_http_requests_in_flight Requests being answered now.
            # TYPE tarif_http_requests_in_flight gauge
            tarif_http_requests_in_flight \(s.inFlight)
            # HELP process_start_time_seconds When the server started, in seconds since 1970.
            # TYPE process_start_time_seconds gauge
            process_start_time_seconds \(startTime.timeIntervalSince1970)

            """
        for e in extra {
            let labels = e.labels.isEmpty ? "" : "{" + e.labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\(Self.escape($0.value))\"" }.joined(separator: ",") + "}"
            out += "# HELP \(e.name) \(e.help)\n# TYPE \(e.name) gauge\n\(e.name)\(labels) \(e.value)\n"
        }
        return out
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }
}
