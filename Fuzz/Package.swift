// swift-tools-version:6.1
import PackageDescription

/// libFuzzer targets for every parser that reads outside input (docs/reliability.md).
/// Built apart from the main package, with the sanitizers on:
///   swift build --package-path Fuzz -c release -Xswiftc -sanitize=fuzzer,address --scratch-path .build-fuzz
/// then `Fuzz/run TARGET` (or `Fuzz/run --smoke` for every target briefly, as CI does).
let package = Package(
    name: "TarifFuzz",
    dependencies: [
        .package(name: "Tarif", path: ".."),
        // The WITS targets wrap each input in a zip, as WITS delivers its downloads.
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .executableTarget(
            name: "TarifFuzz",
            dependencies: [
                .product(name: "TarifCore", package: "Tarif"), .product(name: "TarifOrigin", package: "Tarif"),
                .product(name: "TarifSimulation", package: "Tarif"), .product(name: "TarifImport", package: "Tarif"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ],
            // gold fails on AddressSanitizer's debug information; lld links it.
            linkerSettings: [.unsafeFlags(["-use-ld=lld"])]),
    ]
)
