/// Names as the API spells them.
public enum FieldName {
    /// `dueAt` → `due_at`, `assigneeId` → `assignee_id`; a name already in snake case is kept.
    public static func snakeCase(_ name: String) -> String {
        var result = ""
        result.reserveCapacity(name.utf8.count + 4)
        for character in name {
            if character.isASCII, character.isUppercase {
                if !result.isEmpty { result.append("_") }
                result.append(contentsOf: character.lowercased())
            } else {
                result.append(character)
            }
        }
        return result
    }
}
