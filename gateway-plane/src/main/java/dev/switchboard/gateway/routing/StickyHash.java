package dev.switchboard.gateway.routing;

import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Weighted rendezvous hashing: each (session key, target) pair gets a score from a hash, scaled by the target's
 * weight; the highest score wins. Adding or removing a target moves only the sessions that target wins, and each
 * target wins sessions in proportion to its weight.
 */
final class StickyHash {

    private StickyHash() {
    }

    static <T> T pick(String sessionKey, List<T> targets, ToIntFunction<T> weight, java.util.function.Function<T, String> name) {
        T best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (T t : targets) {
            double u = unit(hash(sessionKey, name.apply(t)));
            double score = -weight.applyAsInt(t) / Math.log(u);
            if (score > bestScore) {
                bestScore = score;
                best = t;
            }
        }
        return best;
    }

    /** A uniform double in (0, 1) from 64 hash bits. */
    private static double unit(long h) {
        return ((h >>> 11) + 0.5) * 0x1.0p-53;
    }

    /** FNV-1a over both strings, finished with the SplitMix64 mixer so that similar keys spread. */
    static long hash(String key, String target) {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, key);
        h = (h ^ 0xff) * 0x100000001b3L;
        h = fnv(h, target);
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }

    private static long fnv(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }
}
