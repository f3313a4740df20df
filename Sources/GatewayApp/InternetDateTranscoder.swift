import Domain
import Foundation
import OpenAPIRuntime

/// The API's dates through `InternetDate`, without the locked ICU formatter the generated code
/// uses by default.
struct InternetDateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String { InternetDate.format(date) }

    func decode(_ text: String) throws -> Date {
        guard let date = InternetDate.parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not an RFC 3339 timestamp: \(text)"))
        }
        return date
    }
}
