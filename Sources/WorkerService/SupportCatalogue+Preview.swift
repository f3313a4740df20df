import Contracts
import Domain
import Foundation
import PostgresNIO

extension SupportCatalogue {
    /// A draft's first-response target if it were submitted now (nil until category and
    /// severity are chosen).
    func preview(_ record: RequestRecord, on connection: PostgresConnection) async throws -> ResponseDue? {
        guard record.status == .draft, let code = record.fields.category, let severity = record.fields.severity,
              let category = try await self.category(
                  code, language: record.fields.language, severity: severity, on: connection) else { return nil }
        let plan: SupportPlan
        if let known = category.plan { plan = known } else { plan = try await self.plan(on: connection) }
        let minutes: Int
        if let known = category.targetMinutes { minutes = known } else {
            minutes = try await self.severity(severity, plan: plan, on: connection).minutes
        }
        return ResponseDue.compute(plan: plan, severity: severity, targetMinutes: minutes, startedAt: Date(), calendar: category.calendar)
    }
}
