package dev.switchboard.gateway.telemetry;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The {@link Usage} of a JSON answer too large to keep whole (an image generation's base64 images, a long verbose_json
 * transcript, a large batch of embeddings), read as the answer passes: fed each piece once, it keeps the answer's small
 * top-level members ({@code usage}, {@code duration}, {@code id}, {@code model}; any member up to
 * {@value #MEMBER_CAP} bytes) and counts the items of its top-level {@code data} array, skipping everything else byte
 * by byte without decoding it. It holds a few kilobytes whatever the answer's size. An answer that is not a JSON object
 * ends the scan at its first byte (audio does).
 */
public final class LargeAnswerUsage {

    /** The largest top-level member kept: a usage object is a few hundred bytes, a transcript's text is dropped. */
    static final int MEMBER_CAP = 4096;
    /** The most kept of all members together. */
    static final int KEPT_CAP = 16 * 1024;
    private static final byte[] DATA = "\"data\"".getBytes(StandardCharsets.US_ASCII);

    /** The kept members as a JSON object without its closing brace: [0, committed) whole members, then the current. */
    private byte[] kept = new byte[256];
    private int length;
    private int committed;
    private boolean recording;
    private int keyStart = -1;
    private int keyEnd = -1;

    private int depth;
    private boolean inString;
    private boolean escaped;
    private boolean expectKey;
    private boolean started;
    private boolean notAnObject;
    /** Not a JSON object, or its end was seen: the rest is not looked at. */
    private boolean stopped;

    /** The member being read is {@code data}: an array value's items are counted. */
    private boolean dataPending;
    private boolean inData;
    private boolean itemOpen;
    private int items;
    private int dataItems = -1;

    public LargeAnswerUsage() {
        kept[0] = '{';
        length = 1;
        committed = 1;
    }

    /** Reads the next {@code length} bytes of the answer. */
    public void feed(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int i = offset;
        while (i < end && !stopped) {
            if (inString) {
                i = string(bytes, i, end);
                continue;
            }
            structure(bytes[i]);
            i++;
        }
    }

    /** Inside a string: up to its closing quote (included) or the end of the piece; returns where it stopped. */
    private int string(byte[] bytes, int i, int end) {
        int from = i;
        while (i < end) {
            byte b = bytes[i++];
            if (escaped) {
                escaped = false;
            } else if (b == '\\') {
                escaped = true;
            } else if (b == '"') {
                inString = false;
                break;
            }
        }
        keep(bytes, from, i - from);
        if (!inString && depth == 1 && keyStart >= 0 && keyEnd < 0) {
            keyEnd = length;
        }
        return i;
    }

    private void structure(byte b) {
        if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
            keep(b);
            return;
        }
        if (!started) {
            started = true;
            if (b != '{') {
                notAnObject = true;
                stopped = true;
                return;
            }
            depth = 1;
            expectKey = true;
            return;
        }
        if (depth == 2 && inData && b != ',' && b != ']' && !itemOpen) {
            items++;
            itemOpen = true;
        }
        switch (b) {
            case '"' -> {
                if (depth == 1 && expectKey) {
                    beginMember();
                }
                inString = true;
                keep(b);
            }
            case ':' -> {
                keep(b);
                if (depth == 1 && isDataKey()) {
                    // the images are not kept, only counted
                    dropMember();
                    dataPending = true;
                }
            }
            case ',' -> {
                if (depth == 1) {
                    endMember();
                    expectKey = true;
                } else {
                    if (depth == 2 && inData) {
                        itemOpen = false;
                    }
                    keep(b);
                }
            }
            case '{', '[' -> {
                keep(b);
                depth++;
                if (depth == 2 && dataPending && b == '[') {
                    inData = true;
                    items = 0;
                    itemOpen = false;
                }
                dataPending = false;
            }
            case '}', ']' -> {
                if (depth == 2 && inData) {
                    inData = false;
                    dataItems = items;
                }
                depth--;
                if (depth == 0) {
                    endMember();
                    stopped = true;
                } else {
                    keep(b);
                }
            }
            default -> {
                dataPending = false;
                keep(b);
            }
        }
    }

    private void beginMember() {
        expectKey = false;
        recording = true;
        length = committed;
        if (committed > 1) {
            keep((byte) ',');
        }
        keyStart = length;
        keyEnd = -1;
    }

    private boolean isDataKey() {
        return recording && keyEnd - keyStart == DATA.length
                && Arrays.equals(kept, keyStart, keyEnd, DATA, 0, DATA.length);
    }

    private void endMember() {
        if (recording) {
            committed = length;
        }
        dropMember();
    }

    private void dropMember() {
        recording = false;
        length = committed;
        keyStart = -1;
    }

    private void keep(byte b) {
        if (recording) {
            if (room(1)) {
                kept[length++] = b;
            }
        }
    }

    private void keep(byte[] bytes, int from, int n) {
        if (recording && n > 0 && room(n)) {
            System.arraycopy(bytes, from, kept, length, n);
            length += n;
        }
    }

    /** Whether {@code n} more bytes fit the current member; a member that outgrows its cap is dropped. */
    private boolean room(int n) {
        int member = length + n - committed;
        if (member > MEMBER_CAP || length + n > KEPT_CAP - 1) {
            dropMember();
            return false;
        }
        if (length + n > kept.length) {
            kept = Arrays.copyOf(kept, Math.min(KEPT_CAP, Math.max(length + n, kept.length * 2)));
        }
        return true;
    }

    /** Whether the rest of the answer needs no reading: it is no JSON object, or its object has ended. */
    public boolean finished() {
        return stopped;
    }

    /** What the answer said: its usage from the members kept, and its {@code data} items. */
    public Usage usage() {
        if (!started || notAnObject) {
            return Usage.UNKNOWN;
        }
        byte[] doc = Arrays.copyOf(kept, committed + 1);
        doc[committed] = '}';
        Usage usage = Usage.ofJson(doc, 0, doc.length);
        if (dataItems < 0) {
            return usage;
        }
        return new Usage(usage.promptTokens(), usage.completionTokens(), usage.responseId(), usage.responseModel(),
                usage.finishReason(), usage.audioSeconds(), dataItems);
    }
}
