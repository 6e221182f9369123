package dev.switchboard.testsupport.clients;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a server in this JVM holds, for tests that check that misbehaving clients leave nothing behind: the heap in use
 * after a full collection, the server's live threads, and the direct buffers (the JDK's pool plus Netty's own count).
 */
public record ProcessFigures(long heapAfterGcBytes, int threads, long directBytes) {

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
        // the server's threads: the test's fake upstreams (threads named fake-*) run in this JVM too
        int threads = (int) Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.getName().startsWith("fake-")).count();
        return new ProcessFigures(heap, threads, direct + Math.max(0, netty));
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
        return String.format("heap after GC %.1f MB, %d threads, direct %.1f MB", heapAfterGcBytes / 1e6, threads,
                directBytes / 1e6);
    }
}
