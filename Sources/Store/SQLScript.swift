/// Splits a SQL script into statements at the semicolons that end them, skipping semicolons in
/// comments, quoted strings and identifiers, and dollar-quoted bodies (`$$ ... $$`,
/// `$tag$ ... $tag$`). PostgreSQL's extended protocol runs one statement at a time, so a
/// migration file is run statement by statement inside one transaction.
public enum SQLScript {
    public static func statements(in script: String) -> [String] {
        let characters = Array(script.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0

        func flush() {
            let text = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty, !isOnlyComments(text) { statements.append(text) }
            current = String.UnicodeScalarView()
        }

        while index < characters.count {
            let c = characters[index]
            let next: Unicode.Scalar? = index + 1 < characters.count ? characters[index + 1] : nil
            if c == "-" && next == "-" {
                while index < characters.count && characters[index] != "\n" {
                    current.append(characters[index])
                    index += 1
                }
                continue
            }
            if c == "/" && next == "*" {
                var depth = 0
                repeat {
                    if characters[index] == "/" && index + 1 < characters.count && characters[index + 1] == "*" {
                        depth += 1
                        current.append(characters[index]); current.append(characters[index + 1]); index += 2
                    } else if characters[index] == "*" && index + 1 < characters.count && characters[index + 1] == "/" {
                        depth -= 1
                        current.append(characters[index]); current.append(characters[index + 1]); index += 2
                    } else {
                        current.append(characters[index]); index += 1
                    }
                } while depth > 0 && index < characters.count
                continue
            }
            if c == "'" || c == "\"" {
                current.append(c)
                index += 1
                while index < characters.count {
                    current.append(characters[index])
                    if characters[index] == c {
                        if index + 1 < characters.count && characters[index + 1] == c {
                            current.append(characters[index + 1])
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    index += 1
                }
                continue
            }
            if c == "$", let tag = dollarTag(characters, at: index) {
                current.append(contentsOf: tag)
                index += tag.count
                while index < characters.count {
                    if characters[index] == "$", Array(characters[index..<min(characters.count, index + tag.count)]) == tag {
                        current.append(contentsOf: tag)
                        index += tag.count
                        break
                    }
                    current.append(characters[index])
                    index += 1
                }
                continue
            }
            if c == ";" {
                flush()
                index += 1
                continue
            }
            current.append(c)
            index += 1
        }
        flush()
        return statements
    }

    /// `$tag$` starting at `index` (tag empty or an identifier), or `nil` for a parameter like `$1`.
    private static func dollarTag(_ characters: [Unicode.Scalar], at index: Int) -> [Unicode.Scalar]? {
        var end = index + 1
        while end < characters.count, characters[end] != "$" {
            let scalar = characters[end]
            let isIdentifier = scalar == "_" || (scalar.properties.isAlphabetic) || (end > index + 1 && ("0"..."9").contains(scalar))
            guard isIdentifier else { return nil }
            end += 1
        }
        guard end < characters.count else { return nil }
        return Array(characters[index...end])
    }

    private static func isOnlyComments(_ text: String) -> Bool {
        text.split(separator: "\n").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") || $0.trimmingCharacters(in: .whitespaces).isEmpty }
    }
}

import Foundation
