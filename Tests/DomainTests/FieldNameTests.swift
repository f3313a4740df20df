import Domain
import Testing

@Suite("Field names")
struct FieldNameTests {
    @Test("camel case becomes the API's snake case; snake case stays")
    func snakeCase() {
        let cases = [
            "dueAt": "due_at", "assigneeId": "assignee_id", "sizeBytes": "size_bytes", "fileName": "file_name",
            "reason": "reason", "due_at": "due_at", "": "",
        ]
        for (name, expected) in cases { #expect(FieldName.snakeCase(name) == expected, "\(name)") }
    }
}
