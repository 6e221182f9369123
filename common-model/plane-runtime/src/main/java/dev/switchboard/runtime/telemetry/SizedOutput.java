package dev.switchboard.runtime.telemetry;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * The bytes of a message whose size is known before it is written (a protobuf marshaler says it first): written into
 * an array of that size, not grown and copied at the end.
 */
public final class SizedOutput extends OutputStream {

    private final byte[] bytes;
    private int length;

    public SizedOutput(int size) {
        this.bytes = new byte[size];
    }

    @Override
    public void write(int b) {
        bytes[length++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        System.arraycopy(b, off, bytes, length, len);
        length += len;
    }

    /** What was written: the array itself when it was filled, as it is when the size was right. */
    public byte[] bytes() {
        return length == bytes.length ? bytes : Arrays.copyOf(bytes, length);
    }
}
