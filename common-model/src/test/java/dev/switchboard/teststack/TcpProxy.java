package dev.switchboard.teststack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

/**
 * A loopback TCP forwarder in front of a real server that a test can cut: while down, every open connection is closed
 * and new ones are closed as soon as they are accepted, as if the server had gone away. Used to take the real
 * ClickHouse or PostgreSQL away from the control plane and give it back. It can also hold the server's answers back (the server has
 * done the work, the client waits for word of it) and tell when a request carrying some text has gone through.
 */
public final class TcpProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean up = true;
    private volatile boolean closed;
    private volatile CountDownLatch answers = new CountDownLatch(0);
    private final java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, CountDownLatch> watched = new ConcurrentHashMap<>();
    private volatile String cutAfter;

    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tcp-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Cuts every connection now and refuses new ones until {@link #up()}. */
    public void down() {
        up = false;
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    public void up() {
        up = true;
    }

    /** Waits until {@code n} connections have been refused since the start. */
    public void awaitRefused(int n) {
        synchronized (refused) {
            while (refused.get() < n && !closed) {
                try {
                    refused.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** From now on the server's answers wait in the proxy until {@link #releaseAnswers()}. */
    public void holdAnswers() {
        answers = new CountDownLatch(1);
    }

    public void releaseAnswers() {
        answers.countDown();
    }

    /**
     * The next request holding {@code text} is passed on to the server, and then the proxy goes {@link #down} at once,
     * before any answer: a client cut off in the middle of what it was doing (a transaction, say).
     */
    public void cutAfter(String text) {
        cutAfter = text;
    }

    /** A latch that opens once a request holding {@code text} has been passed on to the server whole. */
    public CountDownLatch watch(String text) {
        return watched.computeIfAbsent(text, t -> new CountDownLatch(1));
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (!up) {
                closeQuietly(client);
                synchronized (refused) {
                    refused.incrementAndGet();
                    refused.notifyAll();
                }
                continue;
            }
            try {
                Socket target = new Socket(targetHost, targetPort);
                open.add(client);
                open.add(target);
                pipe(client, target, true);
                pipe(target, client, false);
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pipe(Socket from, Socket to, boolean requests) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            StringBuilder seen = new StringBuilder(); // the end of the last read, while a text is watched
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (!requests) {
                        answers.await();
                    }
                    out.write(buf, 0, n);
                    out.flush();
                    String cut = cutAfter;
                    if (requests && (!watched.isEmpty() || cut != null)) {
                        seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                        watched.forEach((text, latch) -> {
                            if (seen.indexOf(text) >= 0) {
                                latch.countDown();
                            }
                        });
                        if (cut != null && seen.indexOf(cut) >= 0) {
                            cutAfter = null;
                            down();
                        }
                        seen.delete(0, Math.max(0, seen.length() - 256)); // a watched text may span two reads
                    }
                }
            } catch (IOException | InterruptedException ignored) {
                // one side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }, "tcp-proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        down();
        try {
            server.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
