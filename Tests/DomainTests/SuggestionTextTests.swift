import Domain
import Testing

@Suite("The text suggestions search with")
struct SuggestionTextTests {
    @Test("a short text is searched whole; a long one up to the last space within 256 characters")
    func searched() {
        #expect(SuggestionText.searched("cannot enrol my iPad") == "cannot enrol my iPad")
        let words = (0..<200).map { "word\($0)" }.joined(separator: " ")
        let cut = SuggestionText.searched(words)
        #expect(cut.unicodeScalars.count <= SuggestionText.searchedCharacters)
        #expect(words.hasPrefix(cut + " "))
        #expect(cut.unicodeScalars.count > SuggestionText.searchedCharacters - 10)
        // Japanese has no spaces: cut where the limit falls.
        let japanese = String(repeating: "アプリが配布できない", count: 40)
        #expect(SuggestionText.searched(japanese).unicodeScalars.count == SuggestionText.searchedCharacters)
        #expect(japanese.hasPrefix(SuggestionText.searched(japanese)))
    }
}
