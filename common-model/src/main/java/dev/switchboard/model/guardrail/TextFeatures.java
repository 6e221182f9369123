package dev.switchboard.model.guardrail;

/**
 * Cheap facts about one text, gathered in a single pass, that let a built-in detector skip its patterns when they
 * cannot match: each fact is a necessary condition of some detector's pattern (see {@link Detectors}). On clean text
 * most detectors are ruled out before any regular expression runs. Only ASCII counts, as in the patterns ({@code \d},
 * {@code [A-Za-z]} and {@code (?i)} without {@code UNICODE_*} flags are ASCII). Mutable, reused per check; not
 * thread-safe.
 */
final class TextFeatures {

    /** A {@code '@'}: email. */
    boolean at;
    /** A {@code '+'} right before a digit 1-9: an international phone number. */
    boolean plusDigit;
    /** The most digits in a run whose digits are at most one {@code ' '} or {@code '-'} apart: cards, SSNs, NINOs. */
    int cardDigits;
    /** The most digits in a run whose digits are at most two of {@code " .-()"} apart: phone numbers. */
    int phoneDigits;
    /** Two letters A-Z followed by a digit, optionally after one space: IBANs (no space), NINOs. */
    boolean upperPairDigit;
    /** The longest run of {@code [A-Z0-9]}: AWS access keys. */
    int upperDigitRun;
    /** The longest run of {@code [A-Za-z0-9_]}: GitHub tokens. */
    int wordRun;
    /** The longest run of {@code [A-Za-z0-9+/_-]}: high-entropy strings, GCP keys, Slack tokens. */
    int base64Run;
    /** A run of at least 10 of {@code [A-Za-z0-9_-]} right before a {@code '.'}: the header of a JWT. */
    boolean jwtHead;
    /** How many {@code '.'}. */
    int dots;
    /** {@code bearer} in any ASCII case. */
    boolean bearer;
    /** {@code -----BEGIN }: a PEM block. */
    boolean pemBegin;

    static TextFeatures of(String text) {
        TextFeatures f = new TextFeatures();
        f.scan(text);
        return f;
    }

    /** Resets every fact to {@code text}'s. */
    void scan(String text) {
        at = false;
        plusDigit = false;
        upperPairDigit = false;
        jwtHead = false;
        bearer = false;
        pemBegin = false;
        dots = 0;
        int maxCard = 0;
        int maxPhone = 0;
        int maxUpperDigit = 0;
        int maxWord = 0;
        int maxBase64 = 0;
        int card = 0; // digits in the current card-style run, 0 when none
        int phone = 0;
        int cardGap = 0; // characters since the last digit
        int phoneGap = 0;
        boolean cardGapOk = true; // all of them allowed between digits of a run
        boolean phoneGapOk = true;
        int upperDigit = 0;
        int word = 0;
        int base64 = 0;
        int jwt = 0;
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            int k = c < 128 ? CLASSES[c] : 0;
            if ((k & DIGIT) != 0) {
                card = card > 0 && cardGapOk && cardGap <= 1 ? card + 1 : 1;
                phone = phone > 0 && phoneGapOk && phoneGap <= 2 ? phone + 1 : 1;
                cardGap = 0;
                phoneGap = 0;
                cardGapOk = true;
                phoneGapOk = true;
                if (card > maxCard) {
                    maxCard = card;
                }
                if (phone > maxPhone) {
                    maxPhone = phone;
                }
                if (i >= 1 && c != '0' && text.charAt(i - 1) == '+') {
                    plusDigit = true;
                }
                if (!upperPairDigit && i >= 2) {
                    int p = text.charAt(i - 1) == ' ' ? i - 2 : i - 1;
                    if (p >= 1 && isUpper(text.charAt(p)) && isUpper(text.charAt(p - 1))) {
                        upperPairDigit = true;
                    }
                }
            } else {
                cardGap++;
                phoneGap++;
                cardGapOk &= (k & CARD_GAP) != 0;
                phoneGapOk &= (k & PHONE_GAP) != 0;
            }
            upperDigit = (k & UPPER_DIGIT) != 0 ? upperDigit + 1 : 0;
            if (upperDigit > maxUpperDigit) {
                maxUpperDigit = upperDigit;
            }
            word = (k & WORD) != 0 ? word + 1 : 0;
            if (word > maxWord) {
                maxWord = word;
            }
            base64 = (k & BASE64) != 0 ? base64 + 1 : 0;
            if (base64 > maxBase64) {
                maxBase64 = base64;
            }
            if ((k & RARE) != 0) {
                if (c == '.') {
                    dots++;
                    if (jwt >= 10) {
                        jwtHead = true;
                    }
                } else if (c == '@') {
                    at = true;
                } else if ((c | 0x20) == 'b' && !bearer && i + 6 <= n && (text.charAt(i + 1) | 0x20) == 'e'
                        && (text.charAt(i + 2) | 0x20) == 'a' && (text.charAt(i + 3) | 0x20) == 'r'
                        && (text.charAt(i + 4) | 0x20) == 'e' && (text.charAt(i + 5) | 0x20) == 'r') {
                    bearer = true;
                } else if (c == '-' && !pemBegin && text.startsWith("----BEGIN ", i + 1)) {
                    pemBegin = true;
                }
            }
            jwt = (k & JWT) != 0 ? jwt + 1 : 0;
        }
        cardDigits = maxCard;
        phoneDigits = maxPhone;
        upperDigitRun = maxUpperDigit;
        wordRun = maxWord;
        base64Run = maxBase64;
    }

    private static final int DIGIT = 1;
    private static final int UPPER_DIGIT = 1 << 1; // [A-Z0-9]
    private static final int WORD = 1 << 2; // [A-Za-z0-9_]
    private static final int BASE64 = 1 << 3; // [A-Za-z0-9+/_-]
    private static final int JWT = 1 << 4; // [A-Za-z0-9_-]
    private static final int CARD_GAP = 1 << 5; // ' ' '-'
    private static final int PHONE_GAP = 1 << 6; // ' ' '.' '-' '(' ')'
    private static final int RARE = 1 << 7; // '.' '@' 'b' 'B' '-': looked at more closely
    /** The classes above of each ASCII character; others have none. */
    private static final int[] CLASSES = new int[128];

    static {
        for (char c = 0; c < 128; c++) {
            boolean digit = c >= '0' && c <= '9';
            boolean upper = c >= 'A' && c <= 'Z';
            boolean alnum = digit || upper || c >= 'a' && c <= 'z';
            int k = 0;
            k |= digit ? DIGIT : 0;
            k |= digit || upper ? UPPER_DIGIT : 0;
            k |= alnum || c == '_' ? WORD : 0;
            k |= alnum || c == '+' || c == '/' || c == '_' || c == '-' ? BASE64 : 0;
            k |= alnum || c == '_' || c == '-' ? JWT : 0;
            k |= c == ' ' || c == '-' ? CARD_GAP : 0;
            k |= c == ' ' || c == '.' || c == '-' || c == '(' || c == ')' ? PHONE_GAP : 0;
            k |= c == '.' || c == '@' || c == 'b' || c == 'B' || c == '-' ? RARE : 0;
            CLASSES[c] = k;
        }
    }

    private static boolean isUpper(char c) {
        return c >= 'A' && c <= 'Z';
    }
}
