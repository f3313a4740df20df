import Domain
import Foundation
import Testing

/// The authorization decision's wire shape: flat, and still readable in the nested shape of
/// earlier releases.
@Suite("Decision coding")
struct DecisionCodingTests {
    static let decisions: [Authorization.Decision] = [
        .allow(.ownRole(.tenantAdmin)), .allow(.vendorRole(.supportEngineer)),
        .allow(.delegation(relationshipID: "7e1d0000-0000-4000-8000-0000000e1a01", role: .serviceAdmin)),
        .deny(.notAssigned), .deny(.noSuchTenant),
    ]

    @Test("every decision survives a round trip", arguments: decisions)
    func roundTrip(_ decision: Authorization.Decision) throws {
        let data = try JSONEncoder().encode(decision)
        #expect(try JSONDecoder().decode(Authorization.Decision.self, from: data) == decision)
    }

    @Test("the flat shape on the wire")
    func flatShape() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let delegation = Authorization.Decision.allow(.delegation(relationshipID: "r1", role: .tenantAdmin))
        #expect(String(decoding: try encoder.encode(delegation), as: UTF8.self)
            == #"{"allow":"delegation","relationship_id":"r1","role":"tenant_admin"}"#)
        #expect(String(decoding: try encoder.encode(Authorization.Decision.deny(.notAssigned)), as: UTF8.self) == #"{"deny":"not_assigned"}"#)
    }

    @Test("the nested shape of earlier releases is read")
    func legacyShape() throws {
        let allow = #"{"allow":{"_0":{"delegation":{"relationshipID":"r1","role":"tenant_admin"}}}}"#
        #expect(try JSONDecoder().decode(Authorization.Decision.self, from: Data(allow.utf8))
            == .allow(.delegation(relationshipID: "r1", role: .tenantAdmin)))
        let own = #"{"allow":{"_0":{"ownRole":{"_0":"service_admin"}}}}"#
        #expect(try JSONDecoder().decode(Authorization.Decision.self, from: Data(own.utf8)) == .allow(.ownRole(.serviceAdmin)))
        let deny = #"{"deny":{"_0":"delegation_expired"}}"#
        #expect(try JSONDecoder().decode(Authorization.Decision.self, from: Data(deny.utf8)) == .deny(.delegationExpired))
    }

    @Test("an unknown way of allowing is refused, not guessed")
    func unknownKind() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Authorization.Decision.self, from: Data(#"{"allow":"magic","role":"tenant_admin"}"#.utf8))
        }
    }
}
