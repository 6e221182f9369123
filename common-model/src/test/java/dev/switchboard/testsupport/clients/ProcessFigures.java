package dev.switchboard.testsupport.clients;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * What a server in this JVM holds, for tests that check that misbehaving clients leave nothing behind: the heap in use
 * after a full collection, the server's live threads, and the direct buffers (the JDK's pool plus Netty's own count).
 */
public record ProcessFigures(long heapAfterGcBytes, Map<String, Integer> threadsByKind, long directBytes) {

    /** Threads of a test's own clients are named so, and are not counted as the server's. */
    public static final String TEST_CLIENT_THREAD = "test-client-";

    public static ProcessFigures now() {
        long heap = Long.MAX_VALUE;
        // a few collections and the lowest figure: one may run before finalizers and reference queues have done
        for (int i = 0; i < 3; i++) {
            System.gc();
            heap = Math.min(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct += pool.getMemoryUsed();
            }
        }
        long netty = io.netty.util.internal.PlatformDependent.usedDirectMemory();
        // the server's threads: the test's fake upstreams (fake-*) and its clients run in this JVM too
        Map<String, Integer> threads = new TreeMap<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            String name = thread.getName();
            if (thread.isAlive() && !name.startsWith("fake-") && !name.startsWith(TEST_CLIENT_THREAD)) {
                threads.merge(name.replaceAll("\\d+", "#"), 1, Integer::sum); // executor-thread-12 -> executor-thread-#
            }
        }
        return new ProcessFigures(heap, Map.copyOf(threads), direct + Math.max(0, netty));
    }

    /**
     * The figures once the server's threads are back within {@code slack} of {@code before}'s, or after {@code wait}:
     * a thread that ends a moment after its work is no leak, one that is still there after seconds is.
     */
    private static ProcessFigures settled(ProcessFigures before, int slack, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        ProcessFigures now = now();
        while (now.threads() > before.threads() + slack && System.nanoTime() < deadline) {
            Thread.sleep(250);
            now = now();
        }
        return now;
    }

    /**
     * Waits (up to 10 s) for the server's threads to be back within 4 of {@code before}'s and fails naming the kinds
     * that grew if they are not: a thread left behind per client is a leak.
     */
    public static ProcessFigures assertThreadsBackTo(ProcessFigures before) throws InterruptedException {
        ProcessFigures after = settled(before, 4, Duration.ofSeconds(10));
        if (after.threads() > before.threads() + 4) {
            throw new AssertionError("threads left behind: " + after.threadsGrownSince(before) + " (" + before + " -> "
                    + after + ")");
        }
        return after;
    }

    /** A pool for a test's own clients, whose threads {@link #now()} does not count. */
    public static ExecutorService testClients(int threads) {
        AtomicInteger next = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, task -> new Thread(task, TEST_CLIENT_THREAD + next.incrementAndGet()));
    }

    public int threads() {
        return threadsByKind.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The kinds of thread there are more of than in {@code before}, for a failure message. */
    public String threadsGrownSince(ProcessFigures before) {
        return threadsByKind.entrySet().stream()
                .filter(e -> e.getValue() > before.threadsByKind.getOrDefault(e.getKey(), 0))
                .map(e -> e.getKey() + " " + before.threadsByKind.getOrDefault(e.getKey(), 0) + " -> " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** Bytes per class on the heap, live objects only (jcmd's class histogram, which collects first). */
    public static Map<String, Long> classHistogram() {
        Map<String, Long> bytes = new HashMap<>();
        try {
            Process jcmd = new ProcessBuilder("jcmd", Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            jcmd.waitFor();
            for (String line : out.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) {
                    bytes.put(f[3], Long.parseLong(f[2]));
                }
            }
        } catch (IOException | InterruptedException | NumberFormatException e) {
            bytes.put("(no histogram: " + e + ")", 0L);
        }
        return bytes;
    }

    /** The classes whose live bytes grew most from {@code before} to {@code after}, for a failure message. */
    public static String topGrowth(Map<String, Long> before, Map<String, Long> after, int count) {
        return after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(count)
                .map(e -> e.getKey() + " +" + e.getValue() / 1024 + " KB").collect(Collectors.joining(", "));
    }

    /** Starts a {@code main} class of the test class path in a JVM of its own. */
    public static ProcessBuilder javaProcess(Class<?> main, String... args) {
        String launcher = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(launcher, "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    }

    @Override
    public String toString() {
        return String.format("heap after GC %.1f MB, %d threads, direct %.1f MB", heapAfterGcBytes / 1e6, threads(),
                directBytes / 1e6);
    }
}
