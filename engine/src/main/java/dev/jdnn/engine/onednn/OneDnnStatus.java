package dev.jdnn.engine.onednn;

import dev.jdnn.bindings.dnnl.dnnl_h;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;

/** oneDNN's status codes: the check every call goes through, and their names for messages. */
final class OneDnnStatus {

    private static final Map<Integer, String> NAMES = statusNames();

    private OneDnnStatus() {
    }

    /** Throws {@link OneDnnException} naming {@code call} unless {@code status} is {@code dnnl_success}. */
    static void check(int status, String call) {
        if (status != dnnl_h.dnnl_success()) {
            throw new OneDnnException(call, status);
        }
    }

    /** {@code dnnl_invalid_arguments (2)}. */
    static String describe(int status) {
        return NAMES.getOrDefault(status, "unknown status") + " (" + status + ")";
    }

    /** The values of oneDNN's status names, read from the generated header class (absent names are skipped). */
    private static Map<Integer, String> statusNames() {
        Map<Integer, String> names = new HashMap<>();
        for (String name : new String[] {"dnnl_success", "dnnl_out_of_memory", "dnnl_invalid_arguments",
            "dnnl_unimplemented", "dnnl_last_impl_reached", "dnnl_runtime_error", "dnnl_not_required",
            "dnnl_invalid_graph", "dnnl_invalid_graph_op", "dnnl_invalid_shape", "dnnl_invalid_data_type"}) {
            try {
                Method method = dnnl_h.class.getMethod(name);
                if (Modifier.isStatic(method.getModifiers()) && method.getReturnType() == int.class) {
                    names.put((Integer) method.invoke(null), name);
                }
            } catch (ReflectiveOperationException e) {
                // a status this oneDNN version does not have
            }
        }
        return names;
    }
}
