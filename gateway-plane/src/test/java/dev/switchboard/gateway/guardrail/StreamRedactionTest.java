package dev.switchboard.gateway.guardrail;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StreamRedactionTest {

    @Test
    void unchangedWindowSendsTheNewTextAsItCame() {
        assertEquals(" world", StreamRedaction.unsent("hello", " world", "hello world"));
    }

    @Test
    void aRewriteWithinTheNewTextIsSentAsTheGuardrailsMadeIt() {
        assertEquals(" mail [REDACTED:email] now",
                StreamRedaction.unsent("hi", " mail bob@example.com now", "hi mail [REDACTED:email] now"));
    }

    @Test
    void aFindingThatBeganInSentTextHasItsUnsentPartMasked() {
        // "write to ali" went out before the address was complete
        assertEquals("************** now",
                StreamRedaction.unsent("write to ali", "ce@example.com now", "write to [REDACTED:email] now"));
    }

    @Test
    void aMaskThatBeganInSentTextMasksOnlyWhatIsNotSent() {
        assertEquals("**************!",
                StreamRedaction.unsent("to ali", "ce@example.com!", "to *****************!"));
    }

    @Test
    void aChangeWhollyInSentTextLeavesTheNewTextAlone() {
        assertEquals(" and more", StreamRedaction.unsent("secret", " and more", "****** and more"));
    }

    @Test
    void tailKeepsTheLastCharacters() {
        assertEquals("cde", StreamRedaction.tail("abcde", 3));
        assertEquals("ab", StreamRedaction.tail("ab", 3));
    }
}
