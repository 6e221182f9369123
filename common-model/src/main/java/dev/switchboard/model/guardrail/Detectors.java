package dev.switchboard.model.guardrail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in detectors of the {@code pii} and {@code secrets} guardrails, by the names {@code detect} takes. Each is
 * a pattern plus, where a pattern alone would flag too much, a check of the candidate (Luhn for cards, mod 97 for
 * IBANs, the SSA's invalid ranges for SSNs, a decodable header for JWTs, Shannon entropy). docs/guardrails.md lists
 * what each one matches and deliberately does not.
 */
final class Detectors {

    private Detectors() {
    }

    private static TextDetector pattern(String kind, Pattern pattern, int group, Predicate<String> valid) {
        return (text, out) -> {
            Matcher m = pattern.matcher(text);
            while (m.find()) {
                if (valid.test(m.group(group))) {
                    out.add(new Finding(m.start(group), m.end(group), kind));
                }
            }
        };
    }

    /** What a detector's patterns need to match at all, in terms of {@link TextFeatures}. */
    @FunctionalInterface
    interface Gate {
        boolean possible(TextFeatures f);
    }

    /**
     * A built-in detector behind its gate: {@code raw} runs only when the text's features say its patterns could match.
     * The gate is a necessary condition of every finding of {@code raw} (the tests hold it to that), so the findings are
     * the same, only cheaper to get on clean text.
     */
    static final class Gated implements TextDetector {
        final Gate gate;
        final TextDetector raw;

        Gated(Gate gate, TextDetector raw) {
            this.gate = gate;
            this.raw = raw;
        }

        @Override
        public void find(String text, List<Finding> out) {
            find(text, TextFeatures.of(text), out);
        }

        @Override
        public void find(String text, TextFeatures features, List<Finding> out) {
            if (gate.possible(features)) {
                raw.find(text, out);
            }
        }
    }

    // ---- PII

    private static final Pattern EMAIL = Pattern.compile("(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@"
            + "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}(?![A-Za-z0-9-])");

    /** International with a leading {@code +}: 8 to 15 digits (E.164), separators optional. */
    private static final Pattern PHONE_INTERNATIONAL = Pattern.compile(
            "(?<![\\w+.-])\\+[1-9][0-9]{0,2}(?:[ .-]?\\(\\d{1,4}\\))?(?:[ .-]?\\d{1,5}){1,6}(?![\\w]|[.-]\\d)");
    /** North American: (415) 555-2671, 415-555-2671, 415.555.2671, 415 555 2671; the area code starts with 2-9. */
    private static final Pattern PHONE_NANP = Pattern.compile("(?<![\\w+.-])"
            + "(?:\\([2-9]\\d{2}\\)[ .-]?\\d{3}[ .-]\\d{4}|[2-9]\\d{2}([ .-])\\d{3}\\1\\d{4})(?![\\w]|[.-]\\d)");
    /** National trunk prefix 0 with groups: 020 7946 0958, 07700 900123, 030-1234-5678; 9 to 11 digits. */
    private static final Pattern PHONE_TRUNK = Pattern.compile(
            "(?<![\\w+.-])0\\d{2,4}(?:[ -]\\d{2,6}){1,3}(?![\\w]|[.-]\\d)");

    private static void phones(String text, List<Finding> out) {
        if (text.length() < 8) {
            return;
        }
        phones(text, TextFeatures.of(text), out);
    }

    /** Each pattern only where it could match: a {@code +} before the digits, or enough digits close together. */
    private static void phones(String text, TextFeatures f, List<Finding> out) {
        if (text.length() < 8) {
            return;
        }
        if (f.plusDigit && f.phoneDigits >= 8) {
            find(PHONE_INTERNATIONAL, text, out, "phone", s -> between(digits(s).length(), 8, 15));
        }
        if (f.phoneDigits >= 10) {
            find(PHONE_NANP, text, out, "phone", s -> true);
        }
        if (f.phoneDigits >= 9) {
            find(PHONE_TRUNK, text, out, "phone", s -> between(digits(s).length(), 9, 11));
        }
    }

    /** 13 to 19 digits, optionally in groups separated by one space or dash. */
    private static final Pattern CARD_CANDIDATE = Pattern.compile("(?<![\\d.,-])\\d(?:[ -]?\\d){12,40}(?![\\d])");

    /**
     * A card is 13 to 19 digits passing the Luhn check; when separated, every group has at least 3 digits (so a run of
     * dates or versions is not read as one number). A longer run of groups is searched for its longest valid card.
     */
    private static void cards(String text, List<Finding> out) {
        Matcher m = CARD_CANDIDATE.matcher(text);
        while (m.find()) {
            List<int[]> groups = new ArrayList<>(); // [start, end) of each digit group, in text offsets
            int start = m.start();
            for (int i = m.start(); i <= m.end(); i++) {
                if (i == m.end() || !Character.isDigit(text.charAt(i))) {
                    groups.add(new int[] {start, i});
                    start = i + 1;
                }
            }
            int[] best = null;
            int bestDigits = 0;
            for (int a = 0; a < groups.size(); a++) {
                int count = 0;
                for (int b = a; b < groups.size(); b++) {
                    int len = groups.get(b)[1] - groups.get(b)[0];
                    if (groups.size() > 1 && len < 3) {
                        break;
                    }
                    count += len;
                    if (count > 19) {
                        break;
                    }
                    if (count >= 13 && count > bestDigits) {
                        String digits = digits(text.substring(groups.get(a)[0], groups.get(b)[1]));
                        if (luhn(digits) && !digits.chars().allMatch(c -> c == '0')) {
                            best = new int[] {groups.get(a)[0], groups.get(b)[1]};
                            bestDigits = count;
                        }
                    }
                }
            }
            if (best != null) {
                out.add(new Finding(best[0], best[1], "card"));
            }
        }
    }

    static boolean luhn(String digits) {
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    private static final Pattern IBAN_CANDIDATE = Pattern.compile(
            "(?<![A-Za-z0-9])[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Za-z0-9])");

    /** ISO 13616 lengths by country, from the IBAN registry; other countries need 15 to 34 characters. */
    private static final Map<String, Integer> IBAN_LENGTHS = ibanLengths(
            "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 EG29 ES24 "
                    + "FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 "
                    + "LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 "
                    + "QA29 RO24 RS22 SA24 SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20");

    private static Map<String, Integer> ibanLengths(String table) {
        Map<String, Integer> lengths = new java.util.HashMap<>();
        for (String entry : table.split(" ")) {
            lengths.put(entry.substring(0, 2), Integer.parseInt(entry.substring(2)));
        }
        return Map.copyOf(lengths);
    }

    /**
     * An IBAN has the country's length and passes the ISO 13616 mod-97 check. The candidate may run on into the
     * following words ({@code DE89 3704 ... 00 SEPA}), so it is cut to the country's length, or for an unknown country
     * tried with fewer trailing groups.
     */
    private static void ibans(String text, List<Finding> out) {
        Matcher m = IBAN_CANDIDATE.matcher(text);
        while (m.find()) {
            Integer length = IBAN_LENGTHS.get(text.substring(m.start(), m.start() + 2));
            int end = m.end();
            while (end > m.start()) {
                int chars = 0;
                int cut = m.start();
                int limit = length != null ? length : 34;
                for (int i = m.start(); i < end && chars < limit; i++) {
                    if (text.charAt(i) != ' ') {
                        chars++;
                        cut = i + 1;
                    }
                }
                String iban = text.substring(m.start(), cut).replace(" ", "");
                boolean lengthOk = length != null ? iban.length() == length : iban.length() >= 15;
                if (lengthOk && mod97(iban) == 1) {
                    out.add(new Finding(m.start(), cut, "iban"));
                    break;
                }
                if (length != null) {
                    break;
                }
                int space = text.lastIndexOf(' ', end - 1);
                end = space > m.start() ? space : m.start();
            }
        }
    }

    static int mod97(String iban) {
        String rearranged = iban.substring(4) + iban.substring(0, 4);
        int mod = 0;
        for (int i = 0; i < rearranged.length(); i++) {
            char c = rearranged.charAt(i);
            int v = Character.isDigit(c) ? c - '0' : c - 'A' + 10;
            mod = v > 9 ? (mod * 100 + v) % 97 : (mod * 10 + v) % 97;
        }
        return mod;
    }

    /** US SSN written with dashes or spaces (a bare 9-digit number is not flagged: too many false positives). */
    private static final Pattern SSN = Pattern.compile("(?<![\\d-])(\\d{3})([- ])(\\d{2})\\2(\\d{4})(?![\\d-])");
    /** UK National Insurance number with HMRC's prefixes (no D F I Q U V, no O second, no BG GB KN NK NT TN ZZ). */
    private static final Pattern NINO = Pattern.compile("(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)"
            + "[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\\d{2} ?\\d{2} ?\\d{2} ?[A-D](?![A-Za-z0-9])");

    private static void nationalIds(String text, List<Finding> out) {
        nationalIds(text, TextFeatures.of(text), out);
    }

    /** SSNs need 9 digits in a run, NINOs 6 after two capitals. */
    private static void nationalIds(String text, TextFeatures f, List<Finding> out) {
        if (f.cardDigits >= 9) {
            ssns(text, out);
        }
        if (f.cardDigits >= 6 && f.upperPairDigit) {
            find(NINO, text, out, "national_id", s -> true);
        }
    }

    private static void ssns(String text, List<Finding> out) {
        Matcher m = SSN.matcher(text);
        while (m.find()) {
            int area = Integer.parseInt(m.group(1));
            boolean valid = area != 0 && area != 666 && area < 900
                    && !m.group(3).equals("00") && !m.group(4).equals("0000");
            if (valid) {
                out.add(new Finding(m.start(), m.end(), "national_id"));
            }
        }
    }

    // ---- secrets

    private static final Pattern AWS_KEY = Pattern.compile(
            "(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA)[A-Z0-9]{16}(?![A-Z0-9])");
    private static final Pattern GCP_KEY = Pattern.compile("(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])");
    private static final Pattern GITHUB_TOKEN = Pattern.compile(
            "(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})(?![A-Za-z0-9_])");
    private static final Pattern SLACK_TOKEN = Pattern.compile(
            "(?<![A-Za-z0-9-])(?:xox[abposre]-[0-9A-Za-z][0-9A-Za-z-]{8,250}|xapp-\\d-[A-Za-z0-9-]{10,250})");
    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:(?!-----END )[\\s\\S])*"
                    + "(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)?");
    private static final Pattern JWT = Pattern.compile(
            "(?<![A-Za-z0-9_.-])[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]*(?![A-Za-z0-9_.-])");
    private static final Pattern BEARER = Pattern.compile("(?i)(?<![A-Za-z0-9])bearer[ \\t]+([A-Za-z0-9._~+/-]{8,}=*)");
    private static final Pattern ENTROPY_CANDIDATE = Pattern.compile(
            "(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{24,}={0,2}(?![A-Za-z0-9+/=_-])");
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Three base64url parts whose first decodes to a JSON object with an {@code alg}. */
    static boolean isJwt(String token) {
        String header = token.substring(0, token.indexOf('.'));
        try {
            JsonNode node = JSON.readTree(new String(Base64.getUrlDecoder().decode(header), StandardCharsets.UTF_8));
            return node != null && node.isObject() && node.path("alg").isTextual();
        } catch (Exception e) {
            return false;
        }
    }

    /** A token after "Bearer": at least 16 characters, or 8 with a digit (so "Bearer authentication" is prose). */
    private static boolean isBearerToken(String token) {
        return token.length() >= 16 || token.chars().anyMatch(Character::isDigit);
    }

    /** Bits per character below which a candidate is not taken for a secret. */
    static final double ENTROPY_THRESHOLD = 4.0;

    /**
     * A base64-like run of 24 to 512 characters with upper- and lower-case letters and at least two digits, whose
     * Shannon entropy is at least {@value #ENTROPY_THRESHOLD} bits per character. Not flagged: UUIDs, hex strings
     * (digests, commit ids), identifiers and paths (no digits or one case only), and longer runs such as base64
     * images.
     */
    static boolean isHighEntropy(String candidate) {
        String s = candidate.replaceAll("=+$", "");
        if (s.length() < 24 || s.length() > 512 || UUID.matcher(s).matches()) {
            return false;
        }
        int upper = 0;
        int lower = 0;
        int digits = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                upper++;
            } else if (c >= 'a' && c <= 'z') {
                lower++;
            } else if (c >= '0' && c <= '9') {
                digits++;
            }
        }
        return upper > 0 && lower > 0 && digits >= 2 && entropy(s) >= ENTROPY_THRESHOLD;
    }

    static double entropy(String s) {
        int[] counts = new int[128];
        for (int i = 0; i < s.length(); i++) {
            counts[s.charAt(i) & 127]++;
        }
        double h = 0;
        for (int c : counts) {
            if (c > 0) {
                double p = (double) c / s.length();
                h -= p * Math.log(p) / Math.log(2);
            }
        }
        return h;
    }

    // ---- helpers

    private static void find(Pattern pattern, String text, List<Finding> out, String kind, Predicate<String> valid) {
        Matcher m = pattern.matcher(text);
        while (m.find()) {
            if (valid.test(m.group())) {
                out.add(new Finding(m.start(), m.end(), kind));
            }
        }
    }

    private static String digits(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            if (Character.isDigit(s.charAt(i))) {
                out.append(s.charAt(i));
            }
        }
        return out.toString();
    }

    private static boolean between(int n, int min, int max) {
        return n >= min && n <= max;
    }

    // ---- the registry; last, because the detectors above must be initialised first

    /** {@code pii}'s detectors, in the order they run. */
    static final Map<String, TextDetector> PII = piiDetectors();
    /** {@code secrets}' detectors, in the order they run. */
    static final Map<String, TextDetector> SECRETS = secretDetectors();

    private static Map<String, TextDetector> piiDetectors() {
        Map<String, TextDetector> pii = new LinkedHashMap<>();
        pii.put("email", new Gated(f -> f.at, pattern("email", EMAIL, 0, s -> true)));
        pii.put("phone", new PhoneDetector());
        pii.put("card", new Gated(f -> f.cardDigits >= 13, Detectors::cards));
        pii.put("iban", new Gated(f -> f.upperPairDigit, Detectors::ibans));
        pii.put("national_id", new NationalIdDetector());
        return Collections.unmodifiableMap(pii);
    }

    private static Map<String, TextDetector> secretDetectors() {
        Map<String, TextDetector> secrets = new LinkedHashMap<>();
        secrets.put("aws_access_key", new Gated(f -> f.upperDigitRun >= 20,
                pattern("aws_access_key", AWS_KEY, 0, s -> true)));
        secrets.put("gcp_api_key", new Gated(f -> f.base64Run >= 39, pattern("gcp_api_key", GCP_KEY, 0, s -> true)));
        secrets.put("github_token", new Gated(f -> f.wordRun >= 33,
                pattern("github_token", GITHUB_TOKEN, 0, s -> true)));
        secrets.put("slack_token", new Gated(f -> f.base64Run >= 14, pattern("slack_token", SLACK_TOKEN, 0, s -> true)));
        secrets.put("private_key", new Gated(f -> f.pemBegin, pattern("private_key", PRIVATE_KEY, 0, s -> true)));
        secrets.put("jwt", new Gated(f -> f.jwtHead && f.dots >= 2, pattern("jwt", JWT, 0, Detectors::isJwt)));
        secrets.put("bearer_token", new Gated(f -> f.bearer,
                pattern("bearer_token", BEARER, 1, Detectors::isBearerToken)));
        secrets.put("high_entropy", new Gated(f -> f.base64Run >= 24,
                pattern("high_entropy", ENTROPY_CANDIDATE, 0, Detectors::isHighEntropy)));
        return Collections.unmodifiableMap(secrets);
    }

    /** Phones: each of its three patterns has its own gate; {@code raw} runs all three, for the tests. */
    static final class PhoneDetector implements TextDetector {
        final TextDetector raw = (text, out) -> {
            if (text.length() < 8) {
                return;
            }
            Detectors.find(PHONE_INTERNATIONAL, text, out, "phone", s -> between(digits(s).length(), 8, 15));
            Detectors.find(PHONE_NANP, text, out, "phone", s -> true);
            Detectors.find(PHONE_TRUNK, text, out, "phone", s -> between(digits(s).length(), 9, 11));
        };

        @Override
        public void find(String text, List<Finding> out) {
            phones(text, out);
        }

        @Override
        public void find(String text, TextFeatures features, List<Finding> out) {
            phones(text, features, out);
        }
    }

    /** National ids: SSNs and NINOs gated apart; {@code raw} runs both, for the tests. */
    static final class NationalIdDetector implements TextDetector {
        final TextDetector raw = (text, out) -> {
            ssns(text, out);
            Detectors.find(NINO, text, out, "national_id", s -> true);
        };

        @Override
        public void find(String text, List<Finding> out) {
            nationalIds(text, out);
        }

        @Override
        public void find(String text, TextFeatures features, List<Finding> out) {
            nationalIds(text, features, out);
        }
    }
}
