// swift-tools-version:6.1
import PackageDescription

// Benchmarks live in their own package so that `swift test` on Tarif never builds them.
let package = Package(
    name: "TarifBenchmarks",
    dependencies: [.package(name: "Tarif", path: "..")],
    targets: [
        .executableTarget(
            name: "tarif-bench",
            dependencies: [
                .product(name: "TarifKit", package: "Tarif"), .product(name: "TarifCore", package: "Tarif"),
                .product(name: "TarifRegistry", package: "Tarif"), .product(name: "TarifRules", package: "Tarif"), .product(name: "TarifOrigin", package: "Tarif"), .product(name: "TarifSimulation", package: "Tarif"),
            ])
    ]
)
