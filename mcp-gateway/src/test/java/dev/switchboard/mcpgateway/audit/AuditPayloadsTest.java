package dev.switchboard.mcpgateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AuditPayloadsTest {

    @Test
    void aSmallPayloadIsKeptWhole() {
        ObjectNode args = JsonNodeFactory.instance.objectNode().put("query", "SELECT 1");
        ToolCallRecord.Payload p = AuditPayloads.of(args);
        assertEquals("{\"query\":\"SELECT 1\"}", p.json());
        assertFalse(p.truncated());
        assertNull(p.withheld());
    }

    @Test
    void aPayloadOfExactlyTheCapIsNotTruncated() {
        ObjectNode args = JsonNodeFactory.instance.objectNode().put("m", "a".repeat(100 - 8));
        ToolCallRecord.Payload p = AuditPayloads.of(args, 100);
        assertEquals(100, p.json().length());
        assertFalse(p.truncated());
    }

    @Test
    void aPayloadOverTheCapIsCutAndMarked() {
        ObjectNode args = JsonNodeFactory.instance.objectNode().put("m", "a".repeat(1000));
        ToolCallRecord.Payload p = AuditPayloads.of(args, 100);
        assertTrue(p.truncated());
        assertEquals(100, p.json().length());
        assertTrue(p.json().startsWith("{\"m\":\"aaa"));
    }

    @Test
    void aCutNeverSplitsAMultiByteCharacter() {
        ObjectNode args = JsonNodeFactory.instance.objectNode().put("m", "é".repeat(100));
        ToolCallRecord.Payload p = AuditPayloads.of(args, 50);
        assertTrue(p.truncated());
        byte[] bytes = p.json().getBytes(StandardCharsets.UTF_8);
        assertTrue(bytes.length <= 50 && bytes.length >= 49, "" + bytes.length);
        assertFalse(p.json().contains("\uFFFD"));
    }

    @Test
    void aPayloadLargerThanJacksonsBufferIsCutToo() {
        ObjectNode args = JsonNodeFactory.instance.objectNode().put("m", "b".repeat(200_000));
        ToolCallRecord.Payload p = AuditPayloads.of(args);
        assertTrue(p.truncated());
        assertEquals(AuditPayloads.MAX_BYTES, p.json().length());
    }

    @Test
    void noPayloadIsRecordedAsNone() {
        assertEquals("none", AuditPayloads.of(null).withheld());
    }
}
