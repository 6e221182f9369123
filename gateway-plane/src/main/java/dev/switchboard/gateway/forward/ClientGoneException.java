package dev.switchboard.gateway.forward;

/** The caller closed its connection; whatever was under way for it is abandoned. */
public final class ClientGoneException extends RuntimeException {

    public ClientGoneException() {
        super("client closed the connection", null, false, false);
    }
}
