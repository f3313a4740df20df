import Domain
import Testing

@Suite("Intake rules")
struct IntakeRulesTests {
    static func facts(
        plan: SupportPlan = .premier, technical: Bool = true, languages: [String] = ["en", "ja"],
        plans: [SupportPlan] = SupportPlan.allCases, summary: String? = "Devices stuck at ESP", severity: Severity? = .b,
        requiresPhone: Bool = false, language: String? = "en", phone: String? = nil, preferred: String? = "email"
    ) -> IntakeRules.Facts {
        IntakeRules.Facts(
            plan: plan, categoryTechnical: technical, categoryLanguages: languages, categoryPlans: plans, summary: summary,
            severity: severity, severityRequiresPhone: requiresPhone, language: language, contactName: "Tara",
            contactEmail: "tara@contoso.example", contactPhone: phone, preferredContact: preferred)
    }

    @Test("a complete request breaks no rule")
    func complete() {
        #expect(IntakeRules.violations(Self.facts()).isEmpty)
        #expect(IntakeRules.violations(Self.facts(severity: .a, requiresPhone: true, phone: "+81 3 1234 5678")).isEmpty)
    }

    @Test("technical support is English and Japanese only, whatever the category lists")
    func technicalLanguages() {
        #expect(IntakeRules.violations(Self.facts(language: "ja")).isEmpty)
        #expect(IntakeRules.violations(Self.facts(language: "de"))
            == [.languageNotSupported(language: "de", supported: ["en", "ja"])])
        #expect(IntakeRules.violations(Self.facts(languages: ["en", "ja", "de"], language: "de"))
            == [.languageNotSupported(language: "de", supported: ["en", "ja"])])
        #expect(IntakeRules.violations(Self.facts(technical: false, languages: ["en", "de"], language: "de")).isEmpty)
        #expect(IntakeRules.violations(Self.facts(technical: false, languages: ["en", "de"], language: "fr")).first?.problemType
            == ProblemType.languageNotSupported)
    }

    @Test("severity A needs a phone number; a blank one does not count")
    func phone() {
        #expect(IntakeRules.violations(Self.facts(severity: .a, requiresPhone: true)) == [.phoneRequired])
        #expect(IntakeRules.violations(Self.facts(severity: .a, requiresPhone: true, phone: "  ")) == [.phoneRequired])
        #expect(IntakeRules.violations(Self.facts(preferred: "phone")) == [.incomplete(field: "contact.phone")])
    }

    @Test("a missing or blank summary, an uncovered category, a missing severity: each its own problem type")
    func others() {
        #expect(IntakeRules.violations(Self.facts(summary: nil)) == [.summaryRequired])
        #expect(IntakeRules.violations(Self.facts(summary: " \n")).first?.problemType == ProblemType.summaryRequired)
        #expect(IntakeRules.violations(Self.facts(plan: .trial, plans: [.premier, .professional])) == [.categoryNotCovered(plan: .trial)])
        #expect(IntakeRules.violations(Self.facts(severity: nil)).first?.problemType == ProblemType.draftIncomplete)
        let types = Set([IntakeRules.Violation.summaryRequired, .categoryNotCovered(plan: .trial),
                         .languageNotSupported(language: "de", supported: []), .phoneRequired, .incomplete(field: "x")].map(\.problemType))
        #expect(types.count == 5)
    }

    @Test("several broken rules are all reported, the most fundamental first")
    func order() {
        let found = IntakeRules.violations(Self.facts(summary: "", severity: .a, requiresPhone: true, language: "de"))
        #expect(found == [.summaryRequired, .languageNotSupported(language: "de", supported: ["en", "ja"]), .phoneRequired])
    }

    @Test("without a category the summary still comes first, then the category")
    func uncategorized() {
        #expect(IntakeRules.violations(uncategorizedSummary: nil) == [.summaryRequired, .incomplete(field: "category")])
        #expect(IntakeRules.violations(uncategorizedSummary: "  ") == [.summaryRequired, .incomplete(field: "category")])
        #expect(IntakeRules.violations(uncategorizedSummary: "Devices stuck at ESP") == [.incomplete(field: "category")])
    }
}
