/// Function words that say nothing about an event, per language: the Snowball lists, plus the
/// reporting verbs and filler that every news text is full of (`said`, `sagte`, `laut`).
///
/// Kept as data in one place so that a language can be added without touching the analyzer.
public enum StopWords {
    public static let english: [String] = """
        a about above after again against ago all almost along already also although always am among an and \
        another any anyone anything are aren't around as at away back be became because become been before \
        being below between both but by came can can't cannot come could couldn't did didn't do does doesn't \
        doing don't done down during each either else even ever every few for from further get gets getting \
        go goes going got had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers \
        herself him himself his how how's however i i'd i'll i'm i've if in into is isn't it it's its itself \
        just last least less let let's like made make makes many may me might more most much must mustn't my \
        myself near nearly neither never next no nor not now of off often on once one only onto or other \
        others ought our ours ourselves out over own per perhaps put rather really said same say saying says \
        see seen shall shan't she she'd she'll she's should shouldn't since so some something still such take \
        than that that's the their theirs them themselves then there there's these they they'd they'll \
        they're they've this those though through thus to told too toward towards under until up upon us very \
        via was wasn't way we we'd we'll we're we've well were weren't what what's whatever when when's where \
        where's whether which while who who's whom whose why why's will with within without won't would \
        wouldn't yet you you'd you'll you're you've your yours yourself yourselves mr mrs ms according \
        reported reportedly added
        """.split(separator: " ").map(String.init)

    public static let german: [String] = """
        aber ab alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes \
        anderm andern anders auch auf aus bei beim bereits bin bis bisher bist bzw da dabei dadurch dafür \
        dagegen daher damals damit danach dann daran darauf darin darum darüber das dass daß davon dazu dein \
        deine deinem deinen deiner deines dem demnach den denen denn dennoch der deren derzeit des deshalb \
        dessen dich die dies diese diesem diesen dieser dieses dir doch dort du durch eben ebenfalls ebenso \
        ein eine einem einen einer eines einig einige einigem einigen einiger einiges einmal er es etwa etwas \
        euch euer eure eurem euren eurer eures für gab gegen gemäß genau gerade gewesen gibt hab habe haben \
        hat hatte hätte hatten hätten heißt hier hieß hin hinter ich ihm ihn ihnen ihr ihre ihrem ihren ihrer \
        ihres im immer in indem ins inzwischen ist ja je jede jedem jeden jeder jedes jedoch jene jenem jenen \
        jener jenes jetzt kann kaum kein keine keinem keinen keiner keines können könne könnte könnten laut \
        machen man manche manchem manchen mancher manches mehr mein meine meinem meinen meiner meines mich \
        mir mit muss müsse musste müssen nach nachdem neben nein nicht nichts noch nun nur ob oder ohne schon \
        sehr sei seien sein seine seinem seinen seiner seines seit selbst sich sie sind so sogar solche \
        solchem solchen solcher solches soll solle sollen sollte sollten sondern sonst sowie sowohl statt \
        über um und uns unser unsere unserem unseren unserer unseres unter viel viele vielen vom von vor \
        während war wäre waren warst was weg weil weiter weitere weiteren welche welchem welchen welcher \
        welches wenn wer werde werden wie wieder will wir wird wirst wo wohl wollen wollte worden wurde würde \
        wurden würden zu zudem zum zur zwar zwischen sagte sagt sagten erklärte hieß berichtete teilte \
        demnach zufolge
        """.split(separator: " ").map(String.init)

    static let englishHashes = HashSet64(english.map(ByteWords.hash))
    static let germanHashes = HashSet64(german.map(ByteWords.hash))
    static let anyHashes = HashSet64(english.map(ByteWords.hash) + german.map(ByteWords.hash))

    /// The stop list for a language code (`de`, `en`); both lists for anything else.
    static func hashes(for language: String?) -> HashSet64 {
        switch language {
        case "en": englishHashes
        case "de": germanHashes
        default: anyHashes
        }
    }
}
