/// The part of an admin's text that suggestions search with. Ranking articles against every word
/// of a long text costs PostgreSQL time that grows faster than the text (building and planning a
/// query of 2,500 words took 0.8 s), while the first words (the summary, as the wizard sends it)
/// decide the ranking anyway; the whole text is still recorded with the session.
public enum SuggestionText {
    /// Characters (Unicode scalars) searched at most.
    public static let searchedCharacters = 256

    /// The first `searchedCharacters` of `text`, cut at the last space or line break within
    /// them when there is one (a word is not cut in two; text without spaces, such as Japanese,
    /// is cut where the limit falls).
    public static func searched(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > searchedCharacters else { return text }
        let end = scalars.index(scalars.startIndex, offsetBy: searchedCharacters)
        let head = scalars[..<end]
        if let space = head.lastIndex(where: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }), space > head.startIndex {
            return String(scalars[..<space])
        }
        return String(head)
    }
}
