import Foundation
import Hummingbird
import NIOCore
import TarifCore

/// The page for exporters at `/` and its script and style (`/page/app.js`, `/page/app.css`),
/// plain files shipped in the binary's bundle (`Web/`): no build step, nothing from a CDN.
enum WebPage {
    struct File: Sendable {
        var body: ByteBuffer
        var contentType: String
    }

    static let files: [String: File] = {
        var out: [String: File] = [:]
        for (name, ext, type) in [
            ("index", "html", "text/html; charset=utf-8"), ("app", "js", "text/javascript; charset=utf-8"),
            ("app", "css", "text/css; charset=utf-8"), ("openapi", "json", "application/json; charset=utf-8"),
        ] {
            if let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Web"), let data = try? Data(contentsOf: url) {
                out["\(name).\(ext)"] = File(body: ByteBuffer(bytes: data), contentType: type)
            }
        }
        return out
    }()

    static func serve(_ name: String) throws -> Response {
        guard let file = files[name] else { throw TarifError(.io, "the bundled page file Web/\(name) is missing from the build") }
        var response = JSON.raw(file.body, contentType: file.contentType)
        if name == "index.html" {
            response.headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'"
        }
        return response
    }

    static func add(to router: Router<TarifRequestContext>) {
        router.get("/") { _, _ in try serve("index.html") }
        router.get("/page/app.js") { _, _ in try serve("app.js") }
        router.get("/page/app.css") { _, _ in try serve("app.css") }
        router.get("/openapi.json") { _, _ in try serve("openapi.json") }
    }
}
