import Domain
import Foundation

/// `roles.authorize.v1`: the decision in the nested shape of earlier releases, for their
/// gateways while a deployment is upgraded (role services first, gateways after).
public enum AuthorizeV1Method: RPCMethod {
    public static let name = "roles.authorize.v1"
    public static let queue = RPCQueue.roles
    public typealias Request = AuthorizeMethod.Request

    public struct Response: Codable, Sendable, Equatable {
        public var decision: NestedDecision
        public var validUntil: Date?
        public init(_ current: AuthorizeMethod.Response) {
            self.decision = NestedDecision(current.decision)
            self.validUntil = current.validUntil
        }
    }

    /// `{"allow":{"_0":<how>}}` or `{"deny":{"_0":<reason>}}`, as Swift's synthesized coding of
    /// the decision wrote it.
    public struct NestedDecision: Codable, Sendable, Equatable {
        public var decision: Authorization.Decision
        public init(_ decision: Authorization.Decision) { self.decision = decision }

        private enum Key: String, CodingKey { case allow, deny }
        private struct Wrapped<Value: Codable>: Codable {
            var value: Value
            enum CodingKeys: String, CodingKey { case value = "_0" }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            switch decision {
            case .allow(let via): try container.encode(Wrapped(value: via), forKey: .allow)
            case .deny(let reason): try container.encode(Wrapped(value: reason), forKey: .deny)
            }
        }

        public init(from decoder: any Decoder) throws {
            self.decision = try Authorization.Decision(from: decoder)
        }
    }
}
