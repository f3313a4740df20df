import Contracts
import Domain
import Foundation

/// The JSON encoding of every message body: RFC 3339 dates to the second (`InternetDate`),
/// sorted keys (stable bytes for idempotency checks).
public enum JSONCodec {
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .internetDate
        encoder.outputFormatting = [.sortedKeys]
        return Array(try encoder.encode(value))
    }

    /// The value in `bytes`; a type that reads itself (`ReadsOwnJSON`) does, and when it cannot,
    /// `JSONDecoder` reads it (and reports what is wrong).
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        if let own = type as? any ReadsOwnJSON.Type, let value = try? own.init(json: bytes) as? T { return value }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .internetDate
        return try decoder.decode(type, from: Data(bytes))
    }
}
