import Domain

extension RPCProblem {
    /// The problem of a denied decision, the same wherever the decision was made: 404 when the
    /// denial must not reveal that the tenant exists (exactly like a missing one), 403 when the
    /// caller may know it, 401 for a disabled account or a revoked API key.
    public static func denied(_ reason: Authorization.DenyReason) -> RPCProblem {
        switch reason {
        case .actionNotGranted:
            return RPCProblem(status: 403, type: ProblemType.forbidden, title: "Forbidden",
                              detail: "your roles do not allow this in that tenant")
        case .tenantSuspended:
            return RPCProblem(status: 403, type: ProblemType.tenantSuspended, title: "Tenant suspended",
                              detail: "the tenant is suspended; a platform operator can reactivate it")
        case .principalInactive:
            return RPCProblem(status: 401, type: ProblemType.unauthenticated, title: "Authentication required",
                              detail: "the account is disabled or the API key revoked")
        case .noRelationship, .delegationPending, .delegationExpired, .delegationTerminated, .notAssigned, .noSuchTenant:
            return RPCProblem(status: 404, type: ProblemType.notFound, title: "Not found", detail: "no such resource")
        }
    }
}
