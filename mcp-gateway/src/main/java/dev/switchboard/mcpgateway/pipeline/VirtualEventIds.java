package dev.switchboard.mcpgateway.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The SSE event ids of a virtual server's streams, which say where each upstream's stream stood, so that a client's
 * {@code Last-Event-ID} resumes every upstream from its own event id:
 *
 * <ul>
 *   <li>on the stream of one request ({@link Kind#REQUEST}), which comes from one upstream: that server and its event
 *       id, {@code r.<server>.<id>};</li>
 *   <li>on the GET stream ({@link Kind#MERGED}), which merges the streams of every upstream of the session: the last
 *       event id of each upstream seen so far, {@code m.<server>.<id>.<server>.<id>…}.</li>
 * </ul>
 *
 * Servers and ids are in unpadded base64url, so the id has only characters that SSE and HTTP headers carry. The ids of
 * the upstreams are no secret (a single-server endpoint passes them through as they are), so they are not sealed.
 */
final class VirtualEventIds {

    enum Kind { REQUEST, MERGED }

    /** Where a stream stood: per upstream server, the id of the last event the client got from it. */
    record Position(Kind kind, Map<String, String> lastIds) {
        Position {
            lastIds = Collections.unmodifiableMap(new LinkedHashMap<>(lastIds));
        }
    }

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private VirtualEventIds() {
    }

    static String encode(Kind kind, Map<String, String> lastIds) {
        StringBuilder b = new StringBuilder(kind == Kind.REQUEST ? "r" : "m");
        lastIds.forEach((server, id) -> b.append('.').append(part(server)).append('.').append(part(id)));
        return b.toString();
    }

    /** The position an event id of a virtual stream names; empty when it is not one. */
    static Optional<Position> decode(String eventId) {
        if (eventId == null) {
            return Optional.empty();
        }
        String[] parts = eventId.trim().split("\\.", -1);
        Kind kind = switch (parts[0]) {
            case "r" -> Kind.REQUEST;
            case "m" -> Kind.MERGED;
            default -> null;
        };
        if (kind == null || parts.length % 2 == 0 || (kind == Kind.REQUEST && parts.length != 3)) {
            return Optional.empty();
        }
        Map<String, String> lastIds = new LinkedHashMap<>();
        try {
            for (int i = 1; i < parts.length; i += 2) {
                lastIds.put(text(parts[i]), text(parts[i + 1]));
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of(new Position(kind, lastIds));
    }

    private static String part(String text) {
        return ENCODER.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(String part) {
        if (part.isEmpty()) {
            throw new IllegalArgumentException("empty part");
        }
        return new String(DECODER.decode(part), StandardCharsets.UTF_8);
    }

    /**
     * The position of one stream as its events go out: each event that an upstream sent with an id moves that
     * upstream's entry, and the event goes to the client with the id of the whole position.
     */
    static final class Tracker {

        private final Kind kind;
        private final Map<String, String> lastIds;

        Tracker(Kind kind, Map<String, String> resumedFrom) {
            this.kind = kind;
            this.lastIds = new LinkedHashMap<>(resumedFrom);
        }

        /** The client's event id for an event with {@code upstreamId} from {@code server}; null when it had none. */
        synchronized String advance(String server, String upstreamId) {
            if (upstreamId == null || upstreamId.isEmpty()) {
                return null;
            }
            if (kind == Kind.REQUEST) {
                lastIds.clear();
            }
            lastIds.put(server, upstreamId);
            return encode(kind, lastIds);
        }
    }
}
