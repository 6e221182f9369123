package dev.switchboard.gateway.faults;

import dev.switchboard.teststack.Await;
import dev.switchboard.teststack.ServiceProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Callers that keep sending chat completions to the gateways in rotation, each from its own thread, as fast as they are
 * answered: every answer that is not a 200 carrying the fake provider's reply is a failure, kept with what it was. A
 * gateway is taken out of the rotation before it is stopped and put back once ready, as a load balancer following
 * readiness would.
 */
final class LoadLoop implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String apiKey;
    private final String body;
    private final List<ServiceProcess> rotation = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicLong> served = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong ok = new AtomicLong();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    LoadLoop(String apiKey, String model, int callers, List<ServiceProcess> gateways) {
        this.apiKey = apiKey;
        this.body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hello under load\"}]}";
        rotation.addAll(gateways);
        AtomicInteger turn = new AtomicInteger();
        for (int i = 0; i < callers; i++) {
            Thread t = new Thread(() -> {
                while (running) {
                    List<ServiceProcess> now = List.copyOf(rotation);
                    if (now.isEmpty()) {
                        Thread.onSpinWait();
                        continue;
                    }
                    call(now.get(Math.floorMod(turn.getAndIncrement(), now.size())));
                }
            }, "load-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void call(ServiceProcess gateway) {
        AtomicInteger busy = inFlight.computeIfAbsent(gateway.name(), k -> new AtomicInteger());
        busy.incrementAndGet();
        if (!rotation.contains(gateway)) { // taken out meanwhile
            busy.decrementAndGet();
            return;
        }
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl()
                            + "/v1/chat/completions")).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200 && r.body().contains("Hello from fake-openai")) {
                ok.incrementAndGet();
                served.computeIfAbsent(gateway.name(), k -> new AtomicLong()).incrementAndGet();
            } else {
                failures.add(gateway.name() + ": " + r.statusCode() + " " + r.body());
            }
        } catch (IOException e) {
            failures.add(gateway.name() + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            busy.decrementAndGet();
        }
    }

    long ok() {
        return ok.get();
    }

    long served(ServiceProcess gateway) {
        AtomicLong n = served.get(gateway.name());
        return n == null ? 0 : n.get();
    }

    List<String> failures() {
        return List.copyOf(failures);
    }

    /** Takes the gateway out of the rotation and waits until none of its requests is in flight. */
    void remove(ServiceProcess gateway) {
        rotation.remove(gateway);
        AtomicInteger busy = inFlight.get(gateway.name());
        Await.until(Duration.ofSeconds(90), "requests in flight to " + gateway.name() + " answered",
                () -> busy == null || busy.get() == 0);
    }

    void add(ServiceProcess gateway) {
        rotation.add(gateway);
    }

    /** Stops the callers after their requests in flight have been answered. */
    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(90_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
