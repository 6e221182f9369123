package dev.switchboard.controlplane.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clickhouse.client.api.ServerException;
import dev.switchboard.controlplane.telemetry.ClickHouseStore.ClickHouseFailure;
import java.net.ConnectException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ClickHouseFailureTest {

    @Test
    void aServerErrorIsARejectionWithItsCodeEvenFrom1816() {
        // 18.16 sends no X-ClickHouse-Exception-Code header: the code is only in the text
        ClickHouseFailure old = ClickHouseFailure.of(new ExecutionException(new ServerException(0,
                "Code: 60, e.displayText() = DB::Exception: Table db.t doesn't exist., e.what() = DB::Exception", 404,
                "q1")));
        assertTrue(old.rejected());
        assertEquals(60, old.code());
        assertFalse(old.getMessage().contains("doesn't exist"), "the server's text (it may quote rows) is not kept");

        ClickHouseFailure current = ClickHouseFailure.of(new ServerException(27, "Cannot parse input", 400, "q2"));
        assertTrue(current.rejected());
        assertEquals(27, current.code());
    }

    @Test
    void anythingElseIsUnreachable() {
        ClickHouseFailure down = ClickHouseFailure.of(new ExecutionException(new RuntimeException("insert failed",
                new ConnectException("Connection refused"))));
        assertFalse(down.rejected());
        assertTrue(down.getMessage().startsWith("ClickHouse unreachable"), down.getMessage());
    }
}
