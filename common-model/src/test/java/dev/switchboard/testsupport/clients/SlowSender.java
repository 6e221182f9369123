package dev.switchboard.testsupport.clients;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** A client that announces a 4 KB body and sends it a byte every 100 ms, as a slow or hostile client would. */
public final class SlowSender {

    private SlowSender() {
    }

    /**
     * Trickles a POST to {@code path} until the server answers, and returns the answer as received (head and body).
     *
     * @param headers extra header lines, each ending in {@code \r\n}
     * @param started counted up once the head is sent
     */
    public static String trickle(int port, String path, String headers, Runnable started) throws IOException {
        try (Socket client = new Socket("127.0.0.1", port)) {
            client.setSoTimeout(100);
            OutputStream out = client.getOutputStream();
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers
                    + "Content-Type: application/json\r\nContent-Length: 4096\r\n\r\n{";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            started.run();
            InputStream in = client.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (System.nanoTime() < deadline) {
                try {
                    int n = in.read(buffer);
                    if (n < 0) {
                        return answer.toString(StandardCharsets.UTF_8); // answered, then closed
                    }
                    answer.write(buffer, 0, n);
                } catch (SocketTimeoutException quiet) {
                    try {
                        out.write(' ');
                        out.flush();
                    } catch (IOException closed) {
                        client.setSoTimeout(5000); // the server closed its side: read what it answered
                    }
                } catch (SocketException reset) {
                    // the close reached us as a reset (we were still sending): the answer came before it
                    return answer.toString(StandardCharsets.UTF_8);
                }
            }
            throw new AssertionError("no answer within 90 s: " + answer.toString(StandardCharsets.UTF_8));
        }
    }
}
