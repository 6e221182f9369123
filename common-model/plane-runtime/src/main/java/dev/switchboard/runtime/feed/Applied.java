package dev.switchboard.runtime.feed;

/** The state a plane serves, with where it came from. */
public record Applied<S extends PlaneState>(S state, Origin origin) {

    public long revision() {
        return state.snapshot().revision();
    }
}
