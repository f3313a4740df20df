import Foundation

/// A request body that writes its own JSON: the same members and values `JSONCodec` writes for
/// it (sorted keys, RFC 3339 dates to the second), without Foundation's encoder, which builds a
/// tree of boxed values first. For the calls made on every page view.
public protocol WritesOwnJSON: Encodable {
    /// The body, which `JSONCodec.decode` reads back as this value.
    var json: [UInt8] { get }
}

/// A request body that reads itself from JSON (`JSONScanner`); `JSONCodec.decode` tries this
/// first and reads with `JSONDecoder` when it throws.
public protocol ReadsOwnJSON: Decodable {
    init(json: [UInt8]) throws
}
