package dev.switchboard.gateway.endpoints;

import dev.switchboard.gateway.routing.RoutingStats;
import dev.switchboard.gateway.support.Gateway;
import dev.switchboard.model.telemetry.RequestLog;
import dev.switchboard.runtime.telemetry.RowQueue;
import dev.switchboard.testsupport.fakes.FakeOpenAi;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;

/** What each endpoint test starts from: a fresh upstream, every target healthy, no request logs left over. */
abstract class LoggedEndpointTest {

    @Inject
    RoutingStats routingStats;

    @Inject
    RowQueue<RequestLog> logs;

    FakeOpenAi openAi;
    private final List<RequestLog> seen = new ArrayList<>();

    /** The fake OpenAI-compatible upstream of the gateway under test. */
    abstract FakeOpenAi upstream();

    @BeforeEach
    void isolate() {
        openAi = upstream();
        openAi.reset();
        routingStats.forget();
        logs.drain(Integer.MAX_VALUE);
    }

    /** The request-log row of the next request on {@code endpoint} (its name under {@code /v1}). */
    RequestLog logOf(String endpoint) {
        return Gateway.awaitLog(logs, seen, l -> endpoint.equals(l.endpoint()));
    }
}
