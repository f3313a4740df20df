import CRabbitMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns the C memory that one rabbitmq-c call reads (strings, tables, properties) and frees it
/// when the call is done. rabbitmq-c copies what it sends, so nothing outlives the arena.
final class CArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    deinit {
        for pointer in allocations { pointer.deallocate() }
    }

    /// A NUL-terminated copy of `string`.
    func cString(_ string: String) -> UnsafePointer<CChar> {
        let utf8 = Array(string.utf8CString)
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: utf8.count)
        pointer.initialize(from: utf8, count: utf8.count)
        allocations.append(UnsafeMutableRawPointer(pointer))
        return UnsafePointer(pointer)
    }

    /// `amqp_bytes_t` over a copy of `string`'s UTF-8.
    func bytes(_ string: String) -> amqp_bytes_t {
        bytes(Array(string.utf8))
    }

    /// `amqp_bytes_t` over a copy of `array`.
    func bytes(_ array: [UInt8]) -> amqp_bytes_t {
        guard !array.isEmpty else { return amqp_empty_bytes }
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: array.count)
        pointer.initialize(from: array, count: array.count)
        allocations.append(UnsafeMutableRawPointer(pointer))
        return amqp_bytes_t(len: array.count, bytes: UnsafeMutableRawPointer(pointer))
    }

    /// A field table holding `entries`.
    func table(_ entries: [String: AMQPFieldValue]) -> amqp_table_t {
        guard !entries.isEmpty else { return amqp_empty_table }
        let pointer = UnsafeMutablePointer<amqp_table_entry_t>.allocate(capacity: entries.count)
        allocations.append(UnsafeMutableRawPointer(pointer))
        for (index, (key, value)) in entries.sorted(by: { $0.key < $1.key }).enumerated() {
            (pointer + index).initialize(to: amqp_table_entry_t(key: bytes(key), value: field(value)))
        }
        return amqp_table_t(num_entries: Int32(entries.count), entries: pointer)
    }

    /// A nested table of booleans, as the `capabilities` client property wants.
    func booleanTable(_ entries: [String: Bool]) -> amqp_table_t {
        table(entries.mapValues { .bool($0) })
    }

    private func field(_ value: AMQPFieldValue) -> amqp_field_value_t {
        switch value {
        case .string(let text): return crabbitmq_field_utf8(bytes(text))
        case .int(let number): return crabbitmq_field_i64(number)
        case .bool(let flag): return crabbitmq_field_bool(flag ? 1 : 0)
        }
    }

    /// The C form of `properties`.
    func properties(_ properties: AMQPProperties) -> amqp_basic_properties_t {
        var p = amqp_basic_properties_t()
        var flags: UInt32 = CRABBITMQ_FLAG_DELIVERY_MODE
        p.delivery_mode = properties.persistent ? 2 : 1
        if let v = properties.contentType { p.content_type = bytes(v); flags |= CRABBITMQ_FLAG_CONTENT_TYPE }
        if let v = properties.messageID { p.message_id = bytes(v); flags |= CRABBITMQ_FLAG_MESSAGE_ID }
        if let v = properties.correlationID { p.correlation_id = bytes(v); flags |= CRABBITMQ_FLAG_CORRELATION_ID }
        if let v = properties.replyTo { p.reply_to = bytes(v); flags |= CRABBITMQ_FLAG_REPLY_TO }
        if let v = properties.type { p.type = bytes(v); flags |= CRABBITMQ_FLAG_TYPE }
        if let v = properties.timestamp { p.timestamp = v; flags |= CRABBITMQ_FLAG_TIMESTAMP }
        if let v = properties.expiration { p.expiration = bytes(v); flags |= CRABBITMQ_FLAG_EXPIRATION }
        if !properties.headers.isEmpty { p.headers = table(properties.headers); flags |= CRABBITMQ_FLAG_HEADERS }
        p._flags = flags
        return p
    }
}

/// Conversions from rabbitmq-c's memory into Swift values (copies: frame memory is released
/// right after a frame is handled).
enum CDecode {
    static func string(_ bytes: amqp_bytes_t) -> String {
        guard bytes.len > 0, let base = bytes.bytes else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: base, count: bytes.len), as: UTF8.self)
    }

    static func array(_ bytes: amqp_bytes_t) -> [UInt8] {
        guard bytes.len > 0, let base = bytes.bytes else { return [] }
        return Array(UnsafeRawBufferPointer(start: base, count: bytes.len))
    }

    static func properties(_ p: UnsafePointer<amqp_basic_properties_t>?) -> AMQPProperties {
        guard let p = p?.pointee else { return AMQPProperties(persistent: false) }
        func has(_ flag: UInt32) -> Bool { p._flags & flag != 0 }
        var result = AMQPProperties(persistent: has(CRABBITMQ_FLAG_DELIVERY_MODE) && p.delivery_mode == 2)
        if has(CRABBITMQ_FLAG_CONTENT_TYPE) { result.contentType = string(p.content_type) }
        if has(CRABBITMQ_FLAG_MESSAGE_ID) { result.messageID = string(p.message_id) }
        if has(CRABBITMQ_FLAG_CORRELATION_ID) { result.correlationID = string(p.correlation_id) }
        if has(CRABBITMQ_FLAG_REPLY_TO) { result.replyTo = string(p.reply_to) }
        if has(CRABBITMQ_FLAG_TYPE) { result.type = string(p.type) }
        if has(CRABBITMQ_FLAG_TIMESTAMP) { result.timestamp = p.timestamp }
        if has(CRABBITMQ_FLAG_EXPIRATION) { result.expiration = string(p.expiration) }
        if has(CRABBITMQ_FLAG_HEADERS) { result.headers = table(p.headers) }
        return result
    }

    /// String, integer and boolean entries of a table; other kinds (arrays, nested tables) are skipped.
    static func table(_ table: amqp_table_t) -> [String: AMQPFieldValue] {
        guard table.num_entries > 0, let entries = table.entries else { return [:] }
        var result: [String: AMQPFieldValue] = [:]
        for index in 0..<Int(table.num_entries) {
            let entry = entries + index
            let key = string(entry.pointee.key)
            var ok: Int32 = 0
            let text = withUnsafePointer(to: entry.pointee.value) { crabbitmq_field_as_bytes($0, &ok) }
            if ok != 0 { result[key] = .string(string(text)); continue }
            let number = withUnsafePointer(to: entry.pointee.value) { crabbitmq_field_as_int($0, &ok) }
            if ok != 0 { result[key] = .int(number); continue }
            if entry.pointee.value.kind == UInt8(AMQP_FIELD_KIND_BOOLEAN.rawValue) {
                result[key] = .bool(entry.pointee.value.value.boolean != 0)
            }
        }
        return result
    }
}
