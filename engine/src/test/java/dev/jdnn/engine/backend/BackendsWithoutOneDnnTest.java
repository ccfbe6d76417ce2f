package dev.jdnn.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.onednn.OneDnn;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Runs in its own JVM whose {@code -Djdnn.dnnl.library} names a file that does not exist (the {@code without-onednn}
 * surefire execution): oneDNN cannot load, {@code auto} falls back to Java after one warning, {@code onednn} says why.
 */
class BackendsWithoutOneDnnTest {

    @Test
    void autoFallsBackWithOneWarningAndOneDnnExplainsWhy() {
        assertTrue(System.getProperty("jdnn.dnnl.library", "").contains("nonexistent"),
                "this test must run with -Djdnn.dnnl.library pointing nowhere (see engine/pom.xml)");
        List<LogRecord> warnings = new ArrayList<>();
        Logger logger = Logger.getLogger("dev.jdnn.engine");
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord logRecord) {
                if (logRecord.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(logRecord);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            assertFalse(OneDnn.isAvailable());
            assertEquals("java", Backends.select("auto").name());
            assertEquals("java", Backends.select("auto").name());
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.select("onednn"));
            assertTrue(e.getMessage().contains("oneDNN is not available")
                    && e.getMessage().contains("/nonexistent/libdnnl.so.3"), e.getMessage());
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals(1, warnings.size(), "expected one warning, got " + warnings.size());
        assertTrue(warnings.getFirst().getMessage().contains("does not exist or cannot be read"),
                warnings.getFirst().getMessage());
    }
}
