package dev.switchboard.mcpgateway.tracing;

import dev.switchboard.testsupport.fakes.OtlpReceiver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** {@link DirectOtlpExportContract} over OTLP http/protobuf. */
@QuarkusTest
@TestProfile(DirectOtlpHttpExportTest.Profile.class)
class DirectOtlpHttpExportTest extends DirectOtlpExportContract {

    /** Started before the gateway, which is given its endpoint. */
    static OtlpReceiver receiver;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            if (receiver == null) {
                receiver = OtlpReceiver.http();
            }
            return otlpTo(receiver, "http/protobuf");
        }
    }

    @Override
    OtlpReceiver receiver() {
        return receiver;
    }

    @AfterAll
    static void stop() {
        receiver.close();
        receiver = null;
    }
}
