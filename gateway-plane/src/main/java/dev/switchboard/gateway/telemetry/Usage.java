package dev.switchboard.gateway.telemetry;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Token counts of one call, as the upstream reported them ({@code usage} of a body or of a stream's last chunk), and
 * what the same pass read of the answer for its spans, null where the answer did not say: its {@code id}, its
 * {@code model}, and why it stopped ({@code finish_reason} of the first choice, or Anthropic's {@code stop_reason});
 * for a transcription or translation the seconds of audio it reported ({@code usage.seconds} of a
 * {@code "type": "duration"} usage, else verbose_json's {@code duration}), -1 when it did not; and how many items its
 * top-level {@code data} array holds (an image generation's images), -1 when it has none.
 */
public record Usage(long promptTokens, long completionTokens, String responseId, String responseModel,
                    String finishReason, double audioSeconds, int dataItems) {

    public static final Usage UNKNOWN = new Usage(-1, -1);
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] DATA = ascii("data:");
    private static final byte[] FINISH_NAME = ascii("\"finish_reason\":\"");
    private static final byte[] STOP_NAME = ascii("\"stop_reason\":\"");
    private static final byte[] QUOTE = ascii("\"");
    /** Eight bytes of a byte array as one long, for the search of {@link #lastUsageKey}. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long G_BYTES = 0x6767676767676767L;
    private static final long LOW_BITS = 0x7F7F7F7F7F7F7F7FL;

    public Usage(long promptTokens, long completionTokens) {
        this(promptTokens, completionTokens, null, null, null);
    }

    public Usage(long promptTokens, long completionTokens, String responseId, String responseModel,
                 String finishReason) {
        this(promptTokens, completionTokens, responseId, responseModel, finishReason, -1, -1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    public boolean known() {
        return promptTokens >= 0;
    }

    /**
     * The top-level {@code usage} of a JSON document, with its id, model and finish reason, its seconds of audio and
     * its {@code data} items; {@link #UNKNOWN} if none. Read by one pass over the bytes ({@link UsageScan}); parsed
     * where that pass is unsure.
     */
    public static Usage ofJson(byte[] json, int offset, int length) {
        Usage scanned = UsageScan.read(json, offset, length);
        return scanned != null ? scanned : parse(json, offset, length);
    }

    /** {@link #ofJson} by Jackson's parser. */
    static Usage parse(byte[] json, int offset, int length) {
        long[] tokens = {-1, -1};
        double[] seconds = {-1, -1}; // usage.seconds, duration
        int dataItems = -1;
        String id = null;
        String model = null;
        String finish = null;
        try (JsonParser p = JSON.createParser(json, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return UNKNOWN;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("usage") && value == JsonToken.START_OBJECT) {
                    readUsage(p, tokens, seconds);
                } else if (field.equals("duration") && isNumber(value)) {
                    seconds[1] = p.getDoubleValue();
                } else if (value == JsonToken.VALUE_STRING && field.equals("id")) {
                    id = p.getText();
                } else if (value == JsonToken.VALUE_STRING && field.equals("model")) {
                    model = p.getText();
                } else if (value == JsonToken.VALUE_STRING && field.equals("stop_reason")) {
                    finish = p.getText();
                } else if (value == JsonToken.START_ARRAY && field.equals("choices")) {
                    finish = firstFinishReason(p);
                } else if (value == JsonToken.START_ARRAY && field.equals("data")) {
                    dataItems = countItems(p);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return UNKNOWN;
        }
        return of(tokens, seconds, id, model, finish, dataItems);
    }

    /**
     * What a read of a JSON answer found: {@code tokens} prompt and completion, {@code seconds} billed and measured,
     * {@code dataItems} the items of its top-level {@code data} array (-1: none).
     */
    static Usage of(long[] tokens, double[] seconds, String id, String model, String finish, int dataItems) {
        // what the caller was billed for (whole seconds) wins over the audio's measured length
        double audioSeconds = seconds[0] >= 0 ? seconds[0] : seconds[1];
        if (tokens[0] < 0 && tokens[1] < 0) {
            // not a completion (an error, a list): its id and model are not an answer's; a transcript may say seconds,
            // a DALL·E answer its images
            return audioSeconds >= 0 || dataItems >= 0
                    ? new Usage(-1, -1, null, null, null, audioSeconds, dataItems) : UNKNOWN;
        }
        return new Usage(Math.max(tokens[0], 0), Math.max(tokens[1], 0), id, model, finish, audioSeconds, dataItems);
    }

    /** Inside an array: how many values it holds; leaves the parser after the array. */
    private static int countItems(JsonParser p) throws IOException {
        int items = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            p.skipChildren();
            items++;
        }
        return items;
    }

    private static void readUsage(JsonParser p, long[] tokens, double[] seconds) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (isNumber(value) && field.equals("seconds")) {
                seconds[0] = p.getDoubleValue();
            } else if (value == JsonToken.VALUE_NUMBER_INT && (field.equals("prompt_tokens") || field.equals("input_tokens"))) {
                tokens[0] = p.getLongValue();
            } else if (value == JsonToken.VALUE_NUMBER_INT && field.equals("total_tokens") && tokens[0] < 0) {
                // a rerank answer (vLLM) counts only its input, as total_tokens; prompt_tokens wins where both are
                tokens[0] = p.getLongValue();
            } else if (value == JsonToken.VALUE_NUMBER_INT
                    && (field.equals("completion_tokens") || field.equals("output_tokens"))) {
                tokens[1] = p.getLongValue();
            } else {
                p.skipChildren();
            }
        }
    }

    private static boolean isNumber(JsonToken token) {
        return token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT;
    }

    /** Inside {@code choices}: the first choice's {@code finish_reason}; leaves the parser after the array. */
    private static String firstFinishReason(JsonParser p) throws IOException {
        String finish = null;
        while (p.nextToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (finish == null && value == JsonToken.VALUE_STRING && field.equals("finish_reason")) {
                    finish = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        }
        return finish;
    }

    /**
     * The usage of the last {@code data:} event that has one, in the tail of an SSE stream. Works on the bytes as kept,
     * from the end backwards: it looks for the last {@code "usage"} first (most streams have none, or only in their
     * last events), and parses only the events that hold one; nothing else is decoded or copied.
     */
    public static Usage ofSseTail(byte[] tail, int length) {
        int before = length;
        while (before > 0) {
            int usage = lastUsageKey(tail, before);
            if (usage < 0) {
                break;
            }
            int start = lastIndexOf(tail, length, DATA, usage);
            if (start < 0) {
                break;
            }
            int next = indexOf(tail, DATA, usage, length);
            int end = next < 0 ? length : next;
            int from = start + DATA.length;
            int to = end;
            while (from < to && (tail[from] & 0xFF) <= ' ') {
                from++;
            }
            while (to > from && (tail[to - 1] & 0xFF) <= ' ') {
                to--;
            }
            if (from < to && tail[from] == '{') {
                Usage found = ofJson(tail, from, to - from);
                if (found.known()) {
                    // a stream says why it stopped in an event before its usage (OpenAI) or in the same (Anthropic)
                    return found.finishReason() != null ? found : new Usage(found.promptTokens(),
                            found.completionTokens(), found.responseId(), found.responseModel(),
                            lastFinish(tail, length, end), found.audioSeconds(), found.dataItems());
                }
            }
            before = start;
        }
        return UNKNOWN;
    }

    /**
     * Where the last {@code "usage"} that ends before {@code before} starts, or -1. Looks for its {@code g} eight bytes
     * at a time from the end (a word without one is passed over at once), then checks the name around each {@code g}
     * found.
     */
    private static int lastUsageKey(byte[] tail, int before) {
        int lowest = 4; // the 'g' of "usage", 4 bytes after its opening quote
        int g = before - 3;  // the highest place its 'g' can be: 2 bytes before the end
        for (; g - 7 >= lowest; g -= 8) {
            long x = (long) LONGS.get(tail, g - 7) ^ G_BYTES; // a 'g' byte is now a zero byte
            long gs = ~(((x & LOW_BITS) + LOW_BITS) | x | LOW_BITS); // the high bit of exactly those bytes
            while (gs != 0) {
                int highest = Long.numberOfLeadingZeros(gs);
                int k = g - (highest >>> 3);
                if (isUsageKey(tail, k - 4)) {
                    return k - 4;
                }
                gs &= ~(Long.MIN_VALUE >>> highest);
            }
        }
        for (; g >= lowest; g--) {
            if (isUsageKey(tail, g - 4)) {
                return g - 4;
            }
        }
        return -1;
    }

    private static boolean isUsageKey(byte[] b, int at) {
        return b[at + 4] == 'g' && b[at] == '"' && b[at + 1] == 'u' && b[at + 2] == 's' && b[at + 3] == 'a'
                && b[at + 5] == 'e' && b[at + 6] == '"';
    }

    /**
     * The last {@code finish_reason} or {@code stop_reason} string that starts before {@code end}, or null: one
     * pass backwards from {@code end}, which stops at the first of either name.
     */
    private static String lastFinish(byte[] tail, int length, int end) {
        for (int i = Math.min(end, length - 1); i >= 0; i--) {
            if (tail[i] != '"') {
                continue;
            }
            int value = regionMatches(tail, length, i, FINISH_NAME) ? i + FINISH_NAME.length
                    : regionMatches(tail, length, i, STOP_NAME) ? i + STOP_NAME.length : -1;
            if (value >= 0) {
                int close = indexOf(tail, QUOTE, value, length);
                return close < 0 ? null : new String(tail, value, close - value, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** Whether {@code b} is at {@code at} in the first {@code length} bytes of {@code a}. */
    private static boolean regionMatches(byte[] a, int length, int at, byte[] b) {
        if (at < 0 || at + b.length > length) {
            return false;
        }
        for (int i = 0; i < b.length; i++) {
            if (a[at + i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    /** The last index at which {@code b} starts in the first {@code length} bytes of {@code a}, no later than {@code from}. */
    private static int lastIndexOf(byte[] a, int length, byte[] b, int from) {
        for (int i = Math.min(from, length - b.length); i >= 0; i--) {
            if (a[i] == b[0] && regionMatches(a, length, i, b)) {
                return i;
            }
        }
        return -1;
    }

    /** The first index in {@code [from, to)} at which {@code b} starts and ends within the range, or -1. */
    private static int indexOf(byte[] a, byte[] b, int from, int to) {
        for (int i = from; i + b.length <= to; i++) {
            if (a[i] == b[0] && regionMatches(a, to, i, b)) {
                return i;
            }
        }
        return -1;
    }
}
