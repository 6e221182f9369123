package dev.switchboard.testsupport.clients;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A client process holding many idle keep-alive connections to a server: each connection sends one request, reads its
 * answer, then stays open and silent. A process of its own, so that the server under test (in the test's JVM) and its
 * clients do not share one file-descriptor limit. Protocol on stdout: {@code OPEN <n>} once all are open and
 * answered, then {@code CLOSED <n>} each time the number the server has closed grows (it reports every second), and
 * exits when stdin closes.
 *
 * <p>Arguments: host, port, count, and the request to send on each, with {@code \r\n} written as {@code |}.
 */
public final class IdleConnections {

    /** The server's figures before the connections were opened, while they were held, and after it closed them. */
    public record Held(ProcessFigures before, ProcessFigures held, ProcessFigures after, String grown) {

        /** Far above what an idle connection costs (a few KB of channel and pipeline), far below a body buffer. */
        public static final long MAX_HEAP_PER_CONNECTION = 32 * 1024;

        public double heapPerConnectionKb(int count) {
            return (held.heapAfterGcBytes() - before.heapAfterGcBytes()) / 1024.0 / count;
        }

        /**
         * While held: at most {@link #MAX_HEAP_PER_CONNECTION} of heap each and no thread per connection; after the
         * server closed them: the heap back within 100 connections' worth, and the threads as before.
         */
        public void assertBounded(int count) {
            long heldHeap = held.heapAfterGcBytes() - before.heapAfterGcBytes();
            if (heldHeap > MAX_HEAP_PER_CONNECTION * count || held.threads() > before.threads() + 4
                    || after.heapAfterGcBytes() - before.heapAfterGcBytes() > MAX_HEAP_PER_CONNECTION * 100
                    || after.threads() > before.threads() + 4) {
                throw new AssertionError("not bounded: " + this + "; threads grown while held: "
                        + held.threadsGrownSince(before) + "; after: " + after.threadsGrownSince(before));
            }
        }
    }

    /**
     * Opens {@code count} idle connections to the server in this JVM from a client process, measures, runs
     * {@code whileHeld}, then waits (up to {@code closeWithin}) until the server has closed every one by itself. A
     * first round of as many connections, closed by the client, comes before the baseline: what a server keeps for
     * good after its first peak (buffer pools, tables sized to it) is capacity, not a leak; a second peak must not add
     * to it.
     *
     * @param request the request each connection sends first, with {@code \r\n} written as {@code |}; its answer
     *                must be a 200 without a body
     */
    public static Held hold(int port, int count, String request, Runnable whileHeld, java.time.Duration closeWithin)
            throws IOException, InterruptedException {
        // the first round: whileHeld runs in it too, so that what it loads once (a client library) is in the baseline
        round(port, count, request, out -> {
            whileHeld.run();
            return null;
        });
        Map<String, Long> histogram = ProcessFigures.classHistogram();
        ProcessFigures before = ProcessFigures.now();
        return round(port, count, request, out -> {
            ProcessFigures held = ProcessFigures.now();
            whileHeld.run();
            long deadline = System.nanoTime() + closeWithin.toNanos();
            int closed = 0;
            String line;
            while (closed < count && System.nanoTime() < deadline && (line = out.readLine()) != null) {
                if (line.startsWith("CLOSED ")) {
                    closed = Integer.parseInt(line.substring(7));
                }
            }
            if (closed < count) {
                throw new AssertionError("the server closed " + closed + " of " + count + " idle connections");
            }
            ProcessFigures after = ProcessFigures.now();
            return new Held(before, held, after, ProcessFigures.topGrowth(histogram, ProcessFigures.classHistogram(), 8));
        });
    }

    private interface WhileOpen<T> {
        T run(BufferedReader clientOutput) throws IOException;
    }

    /** A client process with its connections open while {@code whileOpen} runs; closed by the client after it. */
    private static <T> T round(int port, int count, String request, WhileOpen<T> whileOpen)
            throws IOException, InterruptedException {
        Process clients = ProcessFigures.javaProcess(IdleConnections.class, "127.0.0.1", Integer.toString(port),
                Integer.toString(count), request).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(clients.getInputStream(),
                StandardCharsets.US_ASCII))) {
            String opened = out.readLine();
            if (!("OPEN " + count).equals(opened)) {
                throw new AssertionError("the client process did not open " + count + " connections: " + opened);
            }
            return whileOpen.run(out);
        } finally {
            clients.getOutputStream().close();
            if (!clients.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                clients.destroyForcibly();
            }
        }
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        byte[] request = args[3].replace("|", "\r\n").getBytes(StandardCharsets.US_ASCII);
        List<SocketChannel> open = new ArrayList<>(count);
        ByteBuffer in = ByteBuffer.allocate(4096);
        for (int i = 0; i < count; i++) {
            SocketChannel channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            channel.connect(new InetSocketAddress(host, port));
            channel.write(ByteBuffer.wrap(request));
            readAnswerHead(channel, in);
            open.add(channel);
        }
        System.out.println("OPEN " + open.size());
        System.out.flush();
        Thread watcher = new Thread(() -> watchForClose(open), "closed-watcher");
        watcher.setDaemon(true);
        watcher.start();
        // until the test lets go of us
        new BufferedReader(new InputStreamReader(System.in)).readLine();
        for (SocketChannel channel : open) {
            channel.close();
        }
    }

    /** Reads until the end of the answer's head; the test's requests have answers without a body. */
    private static void readAnswerHead(SocketChannel channel, ByteBuffer in) throws IOException {
        StringBuilder seen = new StringBuilder();
        while (seen.indexOf("\r\n\r\n") < 0) {
            in.clear();
            if (channel.read(in) < 0) {
                throw new IOException("the server closed the connection before answering: " + seen);
            }
            seen.append(new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII));
        }
        if (!seen.toString().startsWith("HTTP/1.1 200")) {
            throw new IOException("not a 200: " + seen);
        }
    }

    /** Counts the connections the server has closed (a read returns end of stream), and says so when it grows. */
    private static void watchForClose(List<SocketChannel> open) {
        try (Selector selector = Selector.open()) {
            for (SocketChannel channel : open) {
                channel.configureBlocking(false);
                channel.register(selector, SelectionKey.OP_READ);
            }
            ByteBuffer in = ByteBuffer.allocate(1024);
            int closed = 0;
            int reported = -1;
            while (true) {
                selector.select(1000);
                for (SelectionKey key : selector.selectedKeys()) {
                    in.clear();
                    int n;
                    try {
                        n = ((SocketChannel) key.channel()).read(in);
                    } catch (IOException reset) {
                        n = -1;
                    }
                    if (n < 0) {
                        key.cancel();
                        closed++;
                    }
                }
                selector.selectedKeys().clear();
                if (closed != reported) {
                    System.out.println("CLOSED " + closed);
                    System.out.flush();
                    reported = closed;
                }
            }
        } catch (IOException e) {
            System.out.println("ERROR " + e);
        }
    }
}
