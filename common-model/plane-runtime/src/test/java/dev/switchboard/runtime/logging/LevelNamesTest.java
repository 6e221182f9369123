package dev.switchboard.runtime.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LevelNamesTest {

    /** Stand-ins for the log manager's levels: same weights, its names. */
    static final class ManagerLevel extends Level {
        ManagerLevel(String name, int value) {
            super(name, value);
        }
    }

    static final Level WARN = new ManagerLevel("WARN", 900);
    static final Level ERROR = new ManagerLevel("ERROR", 1000);
    static final Level INFO = new ManagerLevel("INFO", 800);
    static final Level DEBUG = new ManagerLevel("DEBUG", 500);
    static final Level TRACE = new ManagerLevel("TRACE", 400);

    final LevelNames filter = new LevelNames(WARN, ERROR, INFO, DEBUG, TRACE) { };

    private Level after(Level level) {
        LogRecord record = new LogRecord(level, "m");
        assertTrue(filter.isLoggable(record), "every record goes on");
        return record.getLevel();
    }

    @Test
    void javaUtilLoggingsLevelsGetTheNamesEveryOtherLineHas() {
        assertEquals("WARN", after(Level.WARNING).getName());
        assertEquals("ERROR", after(Level.SEVERE).getName());
        assertEquals("DEBUG", after(Level.FINE).getName());
        assertEquals("TRACE", after(Level.FINEST).getName());
        assertEquals(Level.WARNING.intValue(), after(Level.WARNING).intValue(), "the weight stays");
    }

    @Test
    void levelsThatAlreadyHaveTheNameAreLeftAlone() {
        assertSame(Level.INFO, after(Level.INFO));
        assertSame(WARN, after(WARN));
    }
}
