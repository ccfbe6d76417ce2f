package dev.jdnn.engine.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.engine.onednn.OneDnn;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class BackendsTest {

    @Test
    void javaIsAlwaysThere() {
        assertEquals("java", Backends.select("java").name());
        assertEquals("java", Backends.select(" JAVA ").name());
    }

    @Test
    void autoPicksOneDnnWhereItLoads() throws Exception {
        Backend backend = Backends.select("auto");
        try {
            assertEquals(OneDnn.isAvailable() ? "onednn" : "java", backend.name());
        } finally {
            if (backend instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }

    @Test
    void onednnWhenAvailable() throws Exception {
        Assumptions.assumeTrue(OneDnn.isAvailable(), () -> "oneDNN is not available: " + OneDnn.status().reason());
        Backend backend = Backends.select("onednn");
        assertEquals("onednn", backend.name());
        ((AutoCloseable) backend).close();
    }

    @Test
    void unknownNamesListTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Backends.select("cuda"));
        assertEquals("unknown backend 'cuda': expected one of auto, java, onednn", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Backends.select(null));
        assertTrue(Backends.CHOICES.contains("onednn"));
    }
}
