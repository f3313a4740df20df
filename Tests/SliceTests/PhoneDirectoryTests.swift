import Domain
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Phone-support directory through gateway, worker and PostgreSQL", .timeLimit(.minutes(2)))
struct PhoneDirectoryTests {
    struct Directory: Decodable {
        struct Line: Decodable { var country: String; var country_name: String; var phone_number: String; var languages: [String] }
        var lines: [Line]
    }

    @Test("country=JP returns the Japanese lines only; no country returns all")
    func byCountry() async throws {
        try await withGateway { client in
            let token = try await operatorToken(client)
            try await client.execute(uri: "/v1/support/phone-numbers?country=JP", method: .get, headers: bearer(token)) { response in
                #expect(response.status == .ok)
                let directory = try response.json(Directory.self)
                #expect(!directory.lines.isEmpty)
                #expect(directory.lines.allSatisfy { $0.country == "JP" && $0.country_name == "Japan" })
            }
            try await client.execute(uri: "/v1/support/phone-numbers?country=jp", method: .get, headers: bearer(token)) { response in
                let directory = try response.json(Directory.self)
                #expect(directory.lines.allSatisfy { $0.country == "JP" })
            }
            try await client.execute(uri: "/v1/support/phone-numbers", method: .get, headers: bearer(token)) { response in
                let directory = try response.json(Directory.self)
                #expect(Set(directory.lines.map(\.country)).isSuperset(of: ["JP", "US"]))
            }
        }
    }

    @Test("a malformed country gets 400; no token gets 401")
    func refusals() async throws {
        try await withGateway { client in
            let token = try await operatorToken(client)
            for country in ["JPN", "1", "J%20"] {
                try await client.execute(uri: "/v1/support/phone-numbers?country=\(country)", method: .get, headers: bearer(token)) { response in
                    #expect(response.status == .badRequest, "\(country)")
                    #expect(response.problemType == ProblemType.malformedRequest)
                }
            }
            try await client.execute(uri: "/v1/support/phone-numbers?country=JP", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }
}
